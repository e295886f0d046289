"""Interviews in the reports: days from a candidate's interest to their first interview,
and how many of those interviewed went on to an offer, by position and overall."""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Integer, and_, case, cast, func, literal, null, select, union_all

from recruit.candidates.models import Candidate, Stage, StageChange
from recruit.database import utcnow
from recruit.extensions import db
from recruit.interviews.models import Interview, InterviewState
from recruit.pipeline.rules import MAIN_PATH, StageKey
from recruit.placements.models import Position
from recruit.reports.periods import Period
from recruit.reports.rates import ratio
from recruit.reports.stage_times import _days_between

NO_POSITION = "No particular position"
ALL_POSITIONS = "All positions"
# Reaching Offer means entering it or any later stage of the main path (a move may skip it).
OFFER_OR_LATER = MAIN_PATH[MAIN_PATH.index(StageKey.OFFER) :]


@dataclass
class InterviewFigures:
    """One row of the interviews table: a position's figures, or the whole office's."""

    name: str
    first_interviews: int
    average_days: float | None
    interviewed: int
    offers: int
    median_days: float | None = None

    @property
    def offer_rate(self) -> float | None:
        return ratio(self.offers, self.interviewed)


@dataclass
class InterviewReport:
    """The interviews table: one row per position that had interviews, and the total."""

    positions: list[InterviewFigures] = field(default_factory=list)
    overall: InterviewFigures | None = None


def _journeys(period: Period, by_position: bool):
    """SQL: per candidate (and position), their first booked interview and the last one
    that has started, among interviews up to the period's end; only candidates with a
    booked interview in the period are read."""
    now = utcnow()
    in_period = select(Interview.candidate_id).where(
        Interview.state == InterviewState.SCHEDULED, period.holds_timestamp(Interview.starts_at)
    )
    # Typed, so PostgreSQL can put the overall rows under the positions' in one UNION.
    position = Interview.position_id if by_position else cast(null(), Integer)
    return (
        select(
            Interview.candidate_id.label("candidate_id"),
            position.label("position_id"),
            func.min(Interview.starts_at).label("first_at"),
            func.max(case((Interview.starts_at <= now, Interview.starts_at))).label(
                "last_started_at"
            ),
        )
        .where(
            Interview.state == InterviewState.SCHEDULED,
            Interview.starts_at < period.ends_before,
            Interview.candidate_id.in_(in_period),
        )
        .group_by(Interview.candidate_id, *([Interview.position_id] if by_position else []))
        .subquery()
    )


def _rows(period: Period, by_position: bool):
    """SQL: one row per journey, with whether each figure counts it, and its days."""
    journeys = _journeys(period, by_position)
    first_in_period = journeys.c.first_at >= period.starts_at
    interviewed = journeys.c.last_started_at >= period.starts_at
    offer_stages = select(Stage.id).where(Stage.key.in_(OFFER_OR_LATER))
    offered_after = (
        select(StageChange.id)
        .where(
            StageChange.candidate_id == journeys.c.candidate_id,
            StageChange.created_at >= journeys.c.first_at,
            StageChange.to_stage_id.in_(offer_stages),
        )
        .exists()
    )
    return (
        select(
            literal(not by_position).label("overall"),
            journeys.c.position_id,
            case((first_in_period, 1), else_=0).label("first"),
            case((first_in_period, _days_between(Candidate.created_at, journeys.c.first_at))).label(
                "days"
            ),
            case((interviewed, 1), else_=0).label("interviewed"),
            case((and_(interviewed, offered_after), 1), else_=0).label("offered"),
        )
        .join(Candidate, Candidate.id == journeys.c.candidate_id)
        .subquery()
    )


def interview_report(period: Period) -> InterviewReport:
    """Interest to first interview and interview to offer for a period, in one query: the
    counts and averages are window aggregates in SQL, each journey's days come along for
    the medians (which SQLite cannot take)."""
    rows = union_all(
        select(_rows(period, by_position=True)), select(_rows(period, by_position=False))
    ).subquery()
    group = {"partition_by": [rows.c.overall, rows.c.position_id]}
    result = db.session.execute(
        select(
            rows.c.overall,
            rows.c.position_id,
            Position.title,
            Position.agency,
            rows.c.days,
            func.sum(rows.c.first).over(**group).label("first_interviews"),
            func.avg(rows.c.days).over(**group).label("average_days"),
            func.sum(rows.c.interviewed).over(**group).label("interviewed"),
            func.sum(rows.c.offered).over(**group).label("offers"),
        ).outerjoin(Position, Position.id == rows.c.position_id)
    ).all()
    # One row per candidate (and position) interviewed around the period: hundreds at most.
    totals, days = {}, defaultdict(list)
    for row in result:
        key = (bool(row.overall), row.position_id)
        totals.setdefault(key, row)
        if row.days is not None:
            days[key].append(float(row.days))
    report = InterviewReport()
    for key, row in totals.items():
        figures = InterviewFigures(
            name=ALL_POSITIONS
            if key[0]
            else f"{row.title} · {row.agency}"
            if row.title
            else NO_POSITION,
            first_interviews=int(row.first_interviews or 0),
            average_days=None if row.average_days is None else float(row.average_days),
            interviewed=int(row.interviewed or 0),
            offers=int(row.offers or 0),
            median_days=statistics.median(days[key]) if days[key] else None,
        )
        if key[0]:
            report.overall = figures
        else:
            report.positions.append(figures)
    # Positions by name, then the interviews held for no particular position.
    report.positions.sort(key=lambda f: (f.name == NO_POSITION, f.name.lower()))
    return report
