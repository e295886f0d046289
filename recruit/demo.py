"""Demo data: placeholder until the full seed lands."""

from recruit.auth.models import Role
from recruit.auth.services import create_user


def seed_demo(admin_email: str, admin_password: str, candidates: int = 200) -> None:
    """Fill an empty database with a believable office."""
    create_user("Dana Whitfield", admin_email, Role.ADMIN, admin_password, by=None)
