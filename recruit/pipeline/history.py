"""A candidate's stage history: the fields each change derives from the ones before it."""

from collections.abc import Hashable, Iterable
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select, update

from recruit.candidates.models import StageChange
from recruit.extensions import db


class Derived(NamedTuple):
    """What a stage change records of the history before it."""

    # When the stay this change ends began: the change before it.
    from_stage_entered_at: datetime | None
    # When the candidate last entered this change's stage before it, if ever.
    previous_entry_at: datetime | None


def derive(
    changes: Iterable[tuple[Hashable | None, Hashable, datetime]],
) -> list[Derived]:
    """The derived fields of one candidate's changes, given in time order as
    (from stage, to stage, moment); stages may be ids, keys or rows, used consistently.

    The one definition: move_candidate records the same when a move happens, merge
    rebuilds with it, demo data and the bench seed write it (migration 0004's backfill
    says it again in frozen SQL)."""
    derived = []
    before: datetime | None = None
    last_entry: dict[Hashable, datetime] = {}
    for from_stage, to_stage, moment in changes:
        derived.append(
            Derived(
                from_stage_entered_at=before if from_stage is not None else None,
                previous_entry_at=last_entry.get(to_stage),
            )
        )
        before = moment
        last_entry[to_stage] = moment
    return derived


def fill_derived(changes: list[StageChange]) -> None:
    """Set the derived fields on one candidate's changes, given in time order."""
    steps = [
        (_stage_id(change, "from_stage"), _stage_id(change, "to_stage"), change.created_at)
        for change in changes
    ]
    for change, fields in zip(changes, derive(steps), strict=True):
        change.from_stage_entered_at = fields.from_stage_entered_at
        change.previous_entry_at = fields.previous_entry_at


def _stage_id(change: StageChange, name: str) -> int | None:
    # A change not yet flushed may know its stage only as a row.
    stage_id = getattr(change, f"{name}_id")
    if stage_id is None and getattr(change, name) is not None:
        stage_id = getattr(change, name).id
    return stage_id


def rebuild_derived(candidate_id: int) -> None:
    """Recompute the derived fields of a candidate's whole history, in time order."""
    changes = list(
        db.session.scalars(
            select(StageChange)
            .where(StageChange.candidate_id == candidate_id)
            .order_by(StageChange.created_at, StageChange.id)
        )
    )
    fill_derived(changes)
    db.session.flush()


def blank_comments(candidate_id: int) -> None:
    """Erase the free text of a candidate's history, keeping the anonymous moves."""
    db.session.execute(
        update(StageChange).where(StageChange.candidate_id == candidate_id).values(comment="")
    )
