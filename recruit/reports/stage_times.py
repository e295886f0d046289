"""Time in stage: how long stays in each stage lasted, and days from interest to offer."""

import statistics
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import case, func, select

from recruit.candidates.models import Stage, StageChange
from recruit.extensions import db
from recruit.pipeline.rules import StageKey, pipeline_order
from recruit.reports.periods import Period


def _days_between(start, end):
    """SQL: the days, with fractions, from one timestamp to a later one."""
    if db.engine.dialect.name == "sqlite":
        return func.julianday(end) - func.julianday(start)
    return func.extract("epoch", end - start) / 86400.0


def percentile(values: list[float], share: float) -> float | None:
    """The value below which a share of values fall, interpolating between neighbours."""
    if not values:
        return None
    ordered = sorted(values)
    rank = share * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class StageTime:
    """How long candidates stayed in a stage, over stays that ended in the period."""

    name: str
    stays: int
    median: float | None
    p90: float | None


def time_in_stage(period: Period) -> list[StageTime]:
    """Median and 90th percentile days in each stage, over stays that ended in the period.

    A stay runs from a stage change to the candidate's next one, which records when the
    stay began; stays still going are left out, since nobody knows yet how long they will
    last."""
    days: dict[int, list[float]] = defaultdict(list)
    # Plain (stage, days) pairs, neither joined nor sorted in SQL: a term's stays number
    # in the tens of thousands, and the few stages are named and ordered here.
    for stage_id, stay in db.session.execute(
        select(
            StageChange.from_stage_id,
            _days_between(StageChange.from_stage_entered_at, StageChange.created_at),
        ).where(
            period.holds_timestamp(StageChange.created_at),
            StageChange.from_stage_entered_at.is_not(None),
        )
    ):
        days[stage_id].append(float(stay))
    stages = db.session.execute(select(Stage.id, Stage.name).order_by(*pipeline_order()))
    return [
        StageTime(
            name=name,
            stays=len(days[stage_id]),
            median=statistics.median(days[stage_id]),
            p90=percentile(days[stage_id], 0.9),
        )
        for stage_id, name in stages
        if days.get(stage_id)
    ]


@dataclass
class InterestToOffer:
    """Days from a candidate's first stage change to their first offer."""

    candidates: int
    median: float | None
    p90: float | None


def interest_to_offer(period: Period) -> InterestToOffer:
    """For candidates first offered in the period: median days from arriving to offer."""
    offer = select(Stage.id).where(Stage.key == StageKey.OFFER).scalar_subquery()
    offered_in_period = select(StageChange.candidate_id).where(
        StageChange.to_stage_id == offer, period.holds_timestamp(StageChange.created_at)
    )
    # Only candidates offered in the period can have their first offer in it: their whole
    # histories are read, through the index that covers them, and nobody else's.
    journeys = (
        select(
            func.min(StageChange.created_at).label("arrived_at"),
            func.min(case((StageChange.to_stage_id == offer, StageChange.created_at))).label(
                "offered_at"
            ),
        )
        .where(StageChange.candidate_id.in_(offered_in_period))
        .group_by(StageChange.candidate_id)
        .subquery()
    )
    values = [
        float(days)
        for days in db.session.scalars(
            select(_days_between(journeys.c.arrived_at, journeys.c.offered_at)).where(
                period.holds_timestamp(journeys.c.offered_at)
            )
        )
    ]
    return InterestToOffer(
        candidates=len(values),
        median=statistics.median(values) if values else None,
        p90=percentile(values, 0.9),
    )
