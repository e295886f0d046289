"""Candidate rules: the pipeline's stages and the one way a candidate moves between them."""

from sqlalchemy import select

from recruit.candidates.models import Stage, StageKind
from recruit.extensions import db

# The stages a state office actually uses, in order: (key, name, kind).
STANDARD_STAGES = [
    ("interested", "Interested", StageKind.ACTIVE),
    ("screening", "Screening", StageKind.ACTIVE),
    ("interview", "Interview", StageKind.ACTIVE),
    ("offer", "Offer", StageKind.ACTIVE),
    ("onboarding", "Onboarding", StageKind.ACTIVE),
    ("active_intern", "Active intern", StageKind.ACTIVE),
    ("completed", "Completed", StageKind.ACTIVE),
    ("hired", "Hired", StageKind.HIRED),
    ("not_selected", "Not selected", StageKind.CLOSED),
    ("withdrawn", "Withdrawn", StageKind.CLOSED),
    ("talent_pool", "Talent pool", StageKind.CLOSED),
]


def create_standard_stages() -> dict[str, Stage]:
    """Add the standard stages to an empty pipeline; returns them by key."""
    stages = {
        key: Stage(key=key, name=name, kind=kind, position=index)
        for index, (key, name, kind) in enumerate(STANDARD_STAGES, start=1)
    }
    db.session.add_all(stages.values())
    db.session.flush()
    return stages


def first_stage() -> Stage:
    """Where new candidates enter the pipeline."""
    return db.session.scalars(
        select(Stage)
        .where(Stage.kind == StageKind.ACTIVE, Stage.retired.is_(False))
        .order_by(Stage.position)
        .limit(1)
    ).one()
