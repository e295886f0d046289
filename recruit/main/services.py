"""Figures for the home dashboard, each from one aggregate query."""

from datetime import date, datetime

from sqlalchemy import func, or_, select, true

from recruit.auth.models import Role
from recruit.candidates.models import Candidate, Stage, StageKind
from recruit.events.models import FollowUp
from recruit.extensions import db
from recruit.placements.models import Evaluation, EvaluationKind, Placement
from recruit.universities.models import Contact


class PipelineCounts(list):
    """(stage, count) pairs in stage order, which also draw as the dashboard's sparkline."""

    @property
    def chart(self) -> list[tuple[str, list[int]]]:
        """Rows for the bar chart macro: (stage name, [count])."""
        return [(stage.name, [count]) for stage, count in self]


def pipeline_counts() -> PipelineCounts:
    """Each active stage, in order, with how many candidates stand in it."""
    counts = (
        select(Candidate.stage_id, func.count().label("n")).group_by(Candidate.stage_id).subquery()
    )
    rows = db.session.execute(
        select(Stage, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.stage_id == Stage.id)
        .where(Stage.kind != StageKind.CLOSED, Stage.retired.is_(False))
        .order_by(Stage.position)
    ).all()
    return PipelineCounts((stage, count) for stage, count in rows)


def follow_ups_due(user, until: date) -> dict[str, int]:
    """How many contacts and event follow-ups are due by a date: the user's own, or the
    whole office's for an admin (who owns none but answers for all of them)."""
    mine = user.role != Role.ADMIN
    contacts = db.session.scalar(
        select(func.count())
        .select_from(Contact)
        .where(Contact.next_follow_up_on <= until)
        .where(Contact.owner_id == user.id if mine else true())
    )
    tasks = db.session.scalar(
        select(func.count())
        .select_from(FollowUp)
        .where(FollowUp.done_at.is_(None), FollowUp.due_on <= until)
        .where(FollowUp.assignee_id == user.id if mine else true())
    )
    return {"contacts": contacts or 0, "tasks": tasks or 0}


def new_leads_since(moment: datetime) -> int:
    """How many candidates arrived since a moment."""
    return (
        db.session.scalar(
            select(func.count()).select_from(Candidate).where(Candidate.created_at >= moment)
        )
        or 0
    )


def evaluations_due(until: date) -> int:
    """How many supervisor evaluations fall due by a date and are not yet in."""
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
