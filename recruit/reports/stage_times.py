"""Time in stage: how long stays in each stage lasted, and days from interest to offer."""

import statistics
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from recruit.candidates.models import Candidate, Stage, StageChange
from recruit.database import stream_rows
from recruit.extensions import db
from recruit.pipeline.rules import pipeline_order
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
    for stage_id, stay in stream_rows(
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
        _stage_time(name, sorted(days[stage_id])) for stage_id, name in stages if days.get(stage_id)
    ]


def _stage_time(name: str, ordered: list[float]) -> StageTime:
    """A stage's figures from its stays' days, sorted once for both."""
    return StageTime(
        name=name,
        stays=len(ordered),
        median=statistics.median(ordered),
        p90=percentile(ordered, 0.9),
    )


@dataclass
class InterestToOffer:
    """Days from a candidate's first stage change to their first offer."""

    candidates: int
    median: float | None
    p90: float | None


def interest_to_offer(period: Period) -> InterestToOffer:
    """For candidates first offered in the period: median days from arriving to offer."""
    # The summaries say when each candidate's history began and when they first entered
    # Offer: one range of the offer index, however long the histories grow.
    values = [
        float(days)
        for days in db.session.scalars(
            select(_days_between(Candidate.pipeline_entered_at, Candidate.reached_offer_at)).where(
                period.holds_timestamp(Candidate.reached_offer_at)
            )
        )
    ]
    return InterestToOffer(
        candidates=len(values),
        median=statistics.median(values) if values else None,
        p90=percentile(values, 0.9),
    )
