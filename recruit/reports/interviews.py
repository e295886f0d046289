"""Interviews in the reports: days from a candidate's interest to their first interview,
and how many of those interviewed went on to an offer, by position and overall."""

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import reduce
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

from sqlalchemy import case, func, select

from recruit.candidates.models import Candidate
from recruit.database import stream_rows, utcnow
from recruit.interviews.models import Interview, InterviewState
from recruit.placements.models import Position
from recruit.reports.periods import Period
from recruit.reports.rates import ratio
from recruit.reports.stage_times import _days_between

NO_POSITION = "No particular position"
ALL_POSITIONS = "All positions"


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


class _Journey(NamedTuple):
    """A candidate's interviews for one position (or for the office), as the figures
    count them: whether the first came in the period and its days from their interest,
    whether one has started in the period, and whether an offer came after the first."""

    first_in_period: int
    days: float
    interviewed: int
    offered_after: int


def _across_positions(one: Sequence, other: Sequence) -> _Journey:
    """The same candidate's journey over two positions (each a _Journey's fields), for
    the office: their first interview is the earlier one (the fewest days), and an offer
    after either counts."""
    one, other = _Journey(*one), _Journey(*other)
    return _Journey(
        first_in_period=one.first_in_period and other.first_in_period,
        days=min(one.days, other.days),
        interviewed=one.interviewed or other.interviewed,
        offered_after=one.offered_after or other.offered_after,
    )


@dataclass
class _Tally:
    """A row of the table as its journeys are counted."""

    name: str
    days: list[float] = field(default_factory=list)
    interviewed: int = 0
    offers: int = 0

    def add(self, first_in_period, days, interviewed, offered_after) -> None:
        """Count one candidate's journey (a _Journey's fields, in order)."""
        if first_in_period:
            self.days.append(float(days))
        if interviewed:
            self.interviewed += 1
            self.offers += bool(offered_after)

    def figures(self) -> InterviewFigures:
        return InterviewFigures(
            name=self.name,
            first_interviews=len(self.days),
            average_days=sum(self.days) / len(self.days) if self.days else None,
            interviewed=self.interviewed,
            offers=self.offers,
            median_days=statistics.median(self.days) if self.days else None,
        )


def _journeys(period: Period):
    """SQL: per candidate and position, their first booked interview and the last one that
    has started, among interviews up to the period's end; only candidates with a booked
    interview in the period are read."""
    now = utcnow()
    in_period = select(Interview.candidate_id).where(
        Interview.state == InterviewState.SCHEDULED, period.holds_timestamp(Interview.starts_at)
    )
    return (
        select(
            Interview.candidate_id.label("candidate_id"),
            Interview.position_id.label("position_id"),
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
        .group_by(Interview.candidate_id, Interview.position_id)
        .subquery("journeys")
    )


def _flag(condition):
    """SQL: 1 when a condition holds, 0 when it does not or is unknown."""
    return case((condition, 1), else_=0)


def interview_report(period: Period) -> InterviewReport:
    """Interest to first interview and interview to offer for a period, by position and
    for the office. One narrow read gives each candidate's journey per position, a
    candidate's together (an offer came after the interview if the last one the
    pipeline's summary records did); the positions' rows, the office's and the medians
    are counted from it here, as it streams."""
    journeys = _journeys(period)
    rows = stream_rows(
        select(
            journeys.c.candidate_id,
            journeys.c.position_id,
            Position.title,
            Position.agency,
            _flag(journeys.c.first_at >= period.starts_at).label("first_in_period"),
            _days_between(Candidate.created_at, journeys.c.first_at).label("days"),
            _flag(journeys.c.last_started_at >= period.starts_at).label("interviewed"),
            _flag(Candidate.last_offer_or_later_at >= journeys.c.first_at).label("offered_after"),
        )
        .join(Candidate, Candidate.id == journeys.c.candidate_id)
        .outerjoin(Position, Position.id == journeys.c.position_id)
        .order_by(journeys.c.candidate_id)
    )
    positions: dict[int | None, _Tally] = {}
    office = _Tally(ALL_POSITIONS)
    for _, candidate_rows in groupby(rows, key=itemgetter(0)):
        candidate_journeys = []
        for _, position_id, title, agency, *figures in candidate_rows:
            tally = positions.get(position_id)
            if tally is None:
                name = f"{title} · {agency}" if title else NO_POSITION
                tally = positions[position_id] = _Tally(name)
            tally.add(*figures)
            candidate_journeys.append(figures)
        office.add(*reduce(_across_positions, candidate_journeys))
    report = InterviewReport(positions=[tally.figures() for tally in positions.values()])
    if positions:
        report.overall = office.figures()
    # Positions by name, then the interviews held for no particular position.
    report.positions.sort(key=lambda f: (f.name == NO_POSITION, f.name.lower()))
    return report
