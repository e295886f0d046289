"""Figures for the home dashboard, each from one aggregate query."""

from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from recruit.auth.policy import can
from recruit.candidates.models import Candidate, Stage
from recruit.extensions import db
from recruit.interviews.models import Interview, Interviewer
from recruit.interviews.services import booked_between
from recruit.pipeline.rules import on_board_clause
from recruit.placements.models import Evaluation, EvaluationKind, Placement
from recruit.placements.placements import DUE_SOON_DAYS
from recruit.timezones import day_bounds, local_today
from recruit.universities.queries import follow_up_counts


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
    """The follow-ups page's counts of what is due: the user's own, or the whole office's
    for an admin (who owns none but answers for all of them)."""
    mine = not can(user, "oversee_follow_ups")
    return follow_up_counts(user.id if mine else None, today)


def new_leads_since(moment: datetime) -> int:
    """How many candidates arrived since a moment."""
    return (
        db.session.scalar(
            select(func.count()).select_from(Candidate).where(Candidate.created_at >= moment)
        )
        or 0
    )


def placements_awaiting_evaluations(today: date) -> int:
    """How many placements have a supervisor evaluation overdue or due soon and not in."""
    until = today + timedelta(days=DUE_SOON_DAYS)
    submitted = select(Evaluation.id).where(Evaluation.placement_id == Placement.id)
    midterm_missing = ~submitted.where(
        Evaluation.kind == EvaluationKind.SUPERVISOR_MIDTERM
    ).exists()
    final_missing = ~submitted.where(Evaluation.kind == EvaluationKind.SUPERVISOR_FINAL).exists()
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Placement)
            .where(
                or_(
                    (Placement.midterm_due_on <= until) & midterm_missing,
                    (Placement.final_due_on <= until) & final_missing,
                )
            )
        )
        or 0
    )


def interviews_today_for(user) -> list[Interview]:
    """The booked interviews the user sits on today (the office's day), soonest first."""
    start, end = day_bounds(local_today())
    return list(
        db.session.scalars(
            select(Interview)
            .where(
                booked_between(start, end),
                Interview.id.in_(
                    select(Interviewer.interview_id).where(Interviewer.user_id == user.id)
                ),
            )
            .options(joinedload(Interview.candidate))
            .order_by(Interview.starts_at, Interview.id)
        )
    )
