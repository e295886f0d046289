"""Figures for the home dashboard, each from one aggregate query."""

from datetime import date, timedelta

from sqlalchemy import func, select

from recruit.auth.policy import can
from recruit.candidates.models import Candidate, Stage
from recruit.candidates.queries import CandidateFilters, list_query
from recruit.extensions import db
from recruit.interviews.listing import InterviewLine, lines
from recruit.interviews.models import Interview
from recruit.interviews.services import booked_between, sits_on
from recruit.pagination import count_rows
from recruit.pipeline.rules import on_board_clause
from recruit.placements.models import Placement
from recruit.placements.placements import evaluations_due_clause
from recruit.timezones import day_bounds, local_today
from recruit.universities.queries import follow_up_counts

# The dashboard's new leads: students who signed up in this many office days, today's too.
NEW_LEAD_DAYS = 7


class PipelineCounts(list):
    """(stage, count) pairs in stage order, which also draw as the dashboard's sparkline."""

    @property
    def chart(self) -> list[tuple[str, list[int]]]:
        """Rows for the bar chart macro: (stage name, [count])."""
        return [(stage.name, [count]) for stage, count in self]


def pipeline_counts() -> PipelineCounts:
    """Each stage on the board, in order, with how many candidates stand in it."""
    counts = (
        select(Candidate.stage_id, func.count().label("n")).group_by(Candidate.stage_id).subquery()
    )
    rows = db.session.execute(
        select(Stage, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.stage_id == Stage.id)
        .where(on_board_clause())
        .order_by(Stage.position)
    ).all()
    return PipelineCounts((stage, count) for stage, count in rows)


def follow_up_counts_for(user, today: date) -> dict[str, int]:
    """The follow-ups page's counts of contacts and tasks due (the dashboard shows no
    leads): the user's own, or the whole office's for an admin (who owns none but answers
    for all of them)."""
    mine = not can(user, "oversee_follow_ups")
    return follow_up_counts(user.id if mine else None, today, leads=False)


def new_leads_filters(today: date) -> CandidateFilters:
    """The candidate list's filters for the students who signed up this past week, open or
    closed: the dashboard counts them and links to them."""
    return CandidateFilters(added_since=today - timedelta(days=NEW_LEAD_DAYS - 1), status="all")


def count_listed(filters: CandidateFilters) -> int:
    """How many candidates the list shows under some filters, counted by the list's query."""
    return count_rows(list_query(filters, Candidate.id))


def placements_awaiting_evaluations(today: date) -> int:
    """How many placements have a supervisor evaluation overdue or due soon and not in."""
    query = select(func.count()).select_from(Placement).where(evaluations_due_clause(today))
    return db.session.scalar(query) or 0


def interviews_today_for(user) -> list[InterviewLine]:
    """The booked interviews the user sits on today (the office's day), soonest first."""
    start, end = day_bounds(local_today())
    return lines(
        select(Interview.id)
        .where(booked_between(start, end), sits_on(user))
        .order_by(Interview.starts_at, Interview.id)
    )
