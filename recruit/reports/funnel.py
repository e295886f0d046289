"""The funnel: how many candidates entered each stage in a period and the one before."""

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from recruit.candidates.models import Stage, StageChange
from recruit.extensions import db
from recruit.pipeline.rules import closed, pipeline_order
from recruit.reports.periods import Period


@dataclass
class FunnelRow:
    """How many candidates reached a stage in the period and in the one before."""

    stage_id: int
    name: str
    key: str | None
    closed: bool
    current: int
    previous: int

    @property
    def change(self) -> int:
        return self.current - self.previous


def _first_entries(window: Period):
    """SQL: how many candidates entered the outer query's stage in a window, each counted
    once. An entry counts when the candidate had not entered that stage earlier in the
    window, which each stage change records (previous_entry_at), so the count is one
    range of the stage's arrivals index, with nothing to de-duplicate."""
    return (
        select(func.count())
        .where(
            StageChange.to_stage_id == Stage.id,
            window.holds_timestamp(StageChange.created_at),
            or_(
                StageChange.previous_entry_at.is_(None),
                StageChange.previous_entry_at < window.starts_at,
            ),
        )
        .correlate(Stage)
        .scalar_subquery()
    )


def funnel(period: Period) -> list[FunnelRow]:
    """Each stage with the distinct candidates who entered it in the period and the one
    before; main-path stages first, in order, then the closed ones."""
    rows = db.session.execute(
        select(
            Stage.id,
            Stage.name,
            Stage.key,
            Stage.kind,
            Stage.retired,
            _first_entries(period).label("current"),
            _first_entries(period.previous()).label("previous"),
        ).order_by(*pipeline_order())
    ).all()
    return [
        FunnelRow(row.id, row.name, row.key, closed(row), row.current, row.previous)
        for row in rows
        if not row.retired or row.current or row.previous
    ]
