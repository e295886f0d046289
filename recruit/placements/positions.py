"""Positions: saving one, counting its placements, and the terms they are offered in."""

from sqlalchemy import func, select

from recruit.audit.services import record
from recruit.auth.models import User
from recruit.extensions import db
from recruit.placements.models import (
    Placement,
    Position,
)
from recruit.stale import check, flush

POSITION_FIELDS = (
    "title",
    "agency",
    "division",
    "supervisor_name",
    "supervisor_email",
    "term",
    "starts_on",
    "ends_on",
    "hours_per_week",
    "pay_hourly",
    "funding_source",
    "openings",
    "status",
    "location",
    "description",
    "description_es",
)
# Texts kept as typed, trimmed, and never None.
TEXT_FIELDS = frozenset(
    {"division", "supervisor_name", "supervisor_email", "location", "description", "description_es"}
)


def filled_count():
    """A correlated SQL count of a position's placements, for selecting beside it."""
    return (
        select(func.count(Placement.id))
        .where(Placement.position_id == Position.id)
        .correlate(Position)
        .scalar_subquery()
    )


def save_position(
    position: Position | None, values: dict, expected_version: int | None, by_user: User
) -> Position:
    """Create a position, or save edits to one; refuses a save made from an older version
    than the position's."""
    created = position is None
    if created:
        position = Position()
        db.session.add(position)
    else:
        check(position, expected_version, "position")
    for name in POSITION_FIELDS:
        value = values[name]
        if name in TEXT_FIELDS:
            value = (value or "").replace("\r\n", "\n").strip()
        setattr(position, name, value)
    flush(position, "position")
    record("position.create" if created else "position.update", user=by_user, target=position)
    return position


def terms() -> list[str]:
    """Every term that has positions, the latest first."""
    rows = db.session.execute(
        select(Position.term, func.max(Position.starts_on).label("latest"))
        .group_by(Position.term)
        .order_by(func.max(Position.starts_on).desc(), Position.term)
    )
    return [term for term, _ in rows]
