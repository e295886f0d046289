"""Accounts: finding, authenticating, creating and changing staff users."""

import secrets

from flask import current_app, has_request_context, request
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from recruit.audit.services import record
from recruit.auth.models import Role, StaffSession, User
from recruit.database import utcnow
from recruit.extensions import db

# A hash of a random password per hashing method, checked for unknown accounts.
_DUMMY_HASH: dict[str, str] = {}

# Set in a request's environ when its sign-in failed: only failures count against the
# limits of recruit.auth.sign_in_limits. (Not flask.g: it outlives a request in tests.)
SIGN_IN_FAILED = "recruit.sign_in_failed"


class DuplicateEmail(Exception):
    """Another account already uses this email."""


def user_by_email(email: str) -> User | None:
    """The user with this email, in any letter case."""
    # lower() on both sides, as in the unique index: SQLite's lower() folds ASCII letters only,
    # so lowering in Python would miss an address such as Ärne.Lind@agency.example.
    return db.session.scalar(
        select(User).where(func.lower(User.email) == func.lower(email.strip()))
    )


def authenticate(email: str, password: str) -> User | None:
    """The active user these credentials belong to, or None; every attempt is audited."""
    user = user_by_email(email)
    if user is None:
        _spend_one_hash(password)
        note_failed_sign_in()
        record("auth.sign_in_failed", reason="unknown account")
        return None
    if not user.check_password(password) or not user.active:
        reason = "wrong password" if user.active else "deactivated"
        note_failed_sign_in()
        record("auth.sign_in_failed", user=user, target=user, reason=reason)
        return None
    user.last_sign_in_at = utcnow()
    record("auth.sign_in", user=user, target=user)
    return user


def _spend_one_hash(password: str) -> None:
    """Cost what checking a real account's password costs: one hash, no more."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    dummy = _DUMMY_HASH.get(method)
    if dummy is None:
        # Making the dummy is itself the one hash of this attempt (checking a fresh dummy
        # could only fail), so no attempt, even the first, costs two.
        _DUMMY_HASH[method] = generate_password_hash(secrets.token_hex(16), method=method)
    else:
        check_password_hash(dummy, password)


def note_failed_sign_in() -> None:
    """Mark this request's sign-in as failed, for the limits that count only failures."""
    if has_request_context():
        request.environ[SIGN_IN_FAILED] = True


def create_user(name: str, email: str, role: Role, password: str, by: User | None) -> User:
    """Add a staff account; refuses an email already in use, in any letter case."""
    user = User(name=name.strip(), email=email.strip(), role=Role(role))
    user.set_password(password)
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError as error:
        raise DuplicateEmail(email) from error
    record("user.create", user=by, target=user, role=user.role.value)
    return user


def update_user(user: User, name: str, role: Role, active: bool, by: User) -> None:
    """Change a user's name, role or access; deactivation ends their sessions."""
    changes = {}
    if user.role != Role(role):
        changes["role"] = [user.role.value, Role(role).value]
    if user.active != active:
        changes["active"] = [user.active, active]
        if not active:
            user.end_sessions()
    user.name = name.strip()
    user.role = Role(role)
    user.active = active
    if changes:
        record("user.update", user=by, target=user, **changes)


def change_password(user: User, new_password: str, keep: StaffSession | None = None) -> None:
    """Set a user's own new password; every session of theirs but keep ends."""
    user.set_password(new_password, keep=keep)
    record("user.password_change", user=user, target=user)
