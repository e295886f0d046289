"""Interviews in the reports: days from a candidate's interest to their first interview,
and how many of those interviewed went on to an offer, by position and overall."""

from dataclasses import dataclass, field

from sqlalchemy import Integer, and_, case, cast, func, literal, select, union_all

from recruit.candidates.models import Candidate
from recruit.database import utcnow
from recruit.extensions import db
from recruit.interviews.models import Interview, InterviewState
from recruit.placements.models import Position
from recruit.reports.periods import Period
from recruit.reports.rates import ratio
from recruit.reports.stage_times import _days_between

NO_POSITION = "No particular position"
ALL_POSITIONS = "All positions"
# The position id the report's groups give interviews for no position (ids start at 1).
NO_POSITION_ID = 0


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
        .cte("journeys")
    )


def _followed(journeys):
    """SQL: each journey with the days from the candidate's interest to its first
    interview and whether an offer (or a later stage) came after that interview, read
    once per journey from the candidate's row: an offer came after the interview if the
    last one the pipeline's summary records did. The whole office's figures are taken
    from these."""
    offered_after = Candidate.last_offer_or_later_at >= journeys.c.first_at
    return (
        select(
            journeys,
            _days_between(Candidate.created_at, journeys.c.first_at).label("days_to_first"),
            case((offered_after, 1), else_=0).label("offered_after"),
        )
        .join(Candidate, Candidate.id == journeys.c.candidate_id)
        .cte("followed")
    )


def _whole_office(followed):
    """SQL: the same per candidate alone, from the positions' journeys (read once). An
    offer came after a candidate's first interview if it came after the first for any
    position, and the earliest first interview is the one with the fewest days."""
    return (
        select(
            followed.c.candidate_id,
            # The group of no position (see _rows); typed, so PostgreSQL can put these
            # rows under the positions' in one UNION.
            cast(literal(NO_POSITION_ID), Integer).label("position_id"),
            func.min(followed.c.first_at).label("first_at"),
            func.max(followed.c.last_started_at).label("last_started_at"),
            func.min(followed.c.days_to_first).label("days_to_first"),
            func.max(followed.c.offered_after).label("offered_after"),
        )
        .group_by(followed.c.candidate_id)
        .subquery()
    )


def _rows(period: Period, followed, overall: bool):
    """SQL: one row per journey, with whether each figure counts it, and its days."""
    first_in_period = followed.c.first_at >= period.starts_at
    interviewed = followed.c.last_started_at >= period.starts_at
    return select(
        literal(overall).label("overall"),
        # Groups join on plain equality, which both databases can hash or index: a NULL
        # position would need IS NOT DISTINCT FROM.
        func.coalesce(followed.c.position_id, NO_POSITION_ID).label("position_id"),
        case((first_in_period, 1), else_=0).label("first"),
        case((first_in_period, followed.c.days_to_first)).label("days"),
        case((interviewed, 1), else_=0).label("interviewed"),
        case((interviewed, followed.c.offered_after), else_=0).label("offered"),
    )


def _same_group(one, other):
    """SQL: two row sets' rows are of the same group (the office's, or a position's, or
    no position's)."""
    return and_(one.c.overall == other.c.overall, one.c.position_id == other.c.position_id)


def interview_report(period: Period) -> InterviewReport:
    """Interest to first interview and interview to offer for a period, in one query that
    returns a row per position and one for the office: counts, averages and medians are
    all taken in SQL (a median as the middle of each group's ordered days), so the page
    reads a few dozen rows however many candidates were interviewed."""
    followed = _followed(_journeys(period))
    rows = union_all(
        _rows(period, followed, overall=False),
        _rows(period, _whole_office(followed), overall=True),
    ).cte("interview_rows")
    group = [rows.c.overall, rows.c.position_id]
    totals = (
        select(
            *group,
            func.sum(rows.c.first).label("first_interviews"),
            func.avg(rows.c.days).label("average_days"),
            func.sum(rows.c.interviewed).label("interviewed"),
            func.sum(rows.c.offered).label("offers"),
            func.count(rows.c.days).label("size"),
        )
        .group_by(*group)
        .cte("interview_totals")
    )
    ranked = (
        select(
            *group,
            rows.c.days,
            func.row_number().over(partition_by=group, order_by=rows.c.days).label("rank"),
        )
        .where(rows.c.days.is_not(None))
        .subquery()
    )
    # The middle one of an odd count, the middle two of an even one: size <= 2 * rank <=
    # size + 2 picks exactly those. The group's size comes from its totals, so the days
    # are sorted once, for their rank.
    medians = (
        select(ranked.c.overall, ranked.c.position_id, func.avg(ranked.c.days).label("median"))
        .join(totals, _same_group(totals, ranked))
        .where(2 * ranked.c.rank >= totals.c.size, 2 * ranked.c.rank <= totals.c.size + 2)
        .group_by(ranked.c.overall, ranked.c.position_id)
        .subquery()
    )
    result = db.session.execute(
        select(totals, medians.c.median, Position.title, Position.agency)
        .outerjoin(medians, _same_group(totals, medians))
        .outerjoin(Position, Position.id == totals.c.position_id)
    ).all()
    report = InterviewReport()
    for row in result:
        figures = InterviewFigures(
            name=ALL_POSITIONS
            if row.overall
            else f"{row.title} · {row.agency}"
            if row.title
            else NO_POSITION,
            first_interviews=int(row.first_interviews or 0),
            average_days=None if row.average_days is None else float(row.average_days),
            interviewed=int(row.interviewed or 0),
            offers=int(row.offers or 0),
            median_days=None if row.median is None else float(row.median),
        )
        if row.overall:
            report.overall = figures
        else:
            report.positions.append(figures)
    # Positions by name, then the interviews held for no particular position.
    report.positions.sort(key=lambda f: (f.name == NO_POSITION, f.name.lower()))
    return report
