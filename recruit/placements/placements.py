"""Placing an intern in a position, the evaluations falling due, and how a placement ends."""

from datetime import date, timedelta

from sqlalchemy import func, or_, select

from recruit.audit.services import record
from recruit.auth.models import User
from recruit.candidates.models import Candidate, Stage, StageChange
from recruit.extensions import db
from recruit.pipeline.moves import move_candidate
from recruit.pipeline.rules import StageKey, placeable
from recruit.placements.models import (
    Evaluation,
    EvaluationKind,
    Outcome,
    Placement,
    Position,
    PositionStatus,
)
from recruit.stale import check, flush

# Evaluations show as due this many days before their date (on the dashboard too).
DUE_SOON_DAYS = 14


class PlacementRefused(Exception):
    """A placement or outcome that the program's rules do not allow."""


def halfway(starts_on: date, ends_on: date) -> date:
    """The middle of a placement, when the mid-term evaluation falls due."""
    return starts_on + (ends_on - starts_on) // 2


def check_placeable(candidate: Candidate) -> None:
    """Refuse a candidate whose record was erased, or whose stage is not one a placement
    starts from."""
    if candidate.anonymized_at is not None:
        raise PlacementRefused("This candidate's record was erased: it cannot be placed.")
    if not placeable(candidate.stage):
        raise PlacementRefused(
            f"{candidate.full_name} is at {candidate.stage.name}: only candidates at "
            "Offer or Onboarding can be placed in a position."
        )


def place_candidate(candidate: Candidate, position: Position, values: dict, by_user: User):
    """Place a candidate at Offer or Onboarding in an open position; blanks default from
    the position."""
    check_placeable(candidate)
    if position.status != PositionStatus.OPEN:
        raise PlacementRefused(
            f"{position.title} ({position.agency}) is {position.status.value}: "
            "only open positions take interns."
        )
    filled = db.session.scalar(
        select(func.count(Placement.id)).where(Placement.position_id == position.id)
    )
    if filled >= position.openings:
        raise PlacementRefused(
            f"All {position.openings} openings of {position.title} are filled. "
            "Add an opening to the position first."
        )
    starts_on = values.get("starts_on") or position.starts_on
    ends_on = values.get("ends_on") or position.ends_on
    if starts_on is None or ends_on is None:
        raise PlacementRefused("Give the placement's start and end dates.")
    if ends_on <= starts_on:
        raise PlacementRefused("The placement must end after it starts.")
    placement = Placement(
        candidate=candidate,
        position=position,
        supervisor_name=values.get("supervisor_name") or position.supervisor_name,
        supervisor_email=values.get("supervisor_email") or position.supervisor_email,
        mentor_name=values.get("mentor_name") or "",
        starts_on=starts_on,
        ends_on=ends_on,
        hours_per_week=values.get("hours_per_week") or position.hours_per_week,
        midterm_due_on=values.get("midterm_due_on") or halfway(starts_on, ends_on),
        final_due_on=values.get("final_due_on") or ends_on,
        created_by_id=by_user.id,
    )
    db.session.add(placement)
    db.session.flush()
    record("placement.create", user=by_user, target=placement, position_id=position.id)
    return placement


# The supervisor's two evaluations and when each falls due.
DUE_EVALUATIONS = (
    (EvaluationKind.SUPERVISOR_MIDTERM, "midterm_due_on", "Mid-term"),
    (EvaluationKind.SUPERVISOR_FINAL, "final_due_on", "Final"),
)


def evaluation_deadlines(placement: Placement, today: date) -> list[dict]:
    """A placement's supervisor evaluations not yet in that are overdue or due soon, as
    labels for its row and page."""
    submitted = {evaluation.kind for evaluation in placement.evaluations}
    due = []
    for kind, attribute, name in DUE_EVALUATIONS:
        due_on = getattr(placement, attribute)
        if kind in submitted or due_on is None:
            continue
        if due_on < today:
            due.append({"label": f"{name} overdue", "state": "overdue", "due_on": due_on})
        elif due_on <= today + timedelta(days=DUE_SOON_DAYS):
            due.append({"label": f"{name} due", "state": "due", "due_on": due_on})
    return due


def evaluations_due_clause(today: date):
    """Placements with a supervisor evaluation overdue or due soon and not yet in: what the
    dashboard counts and the placements list's "Evaluations due" shows."""
    until = today + timedelta(days=DUE_SOON_DAYS)
    submitted = select(Evaluation.id).where(Evaluation.placement_id == Placement.id)
    midterm_missing = ~submitted.where(
        Evaluation.kind == EvaluationKind.SUPERVISOR_MIDTERM
    ).exists()
    final_missing = ~submitted.where(Evaluation.kind == EvaluationKind.SUPERVISOR_FINAL).exists()
    return or_(
        (Placement.midterm_due_on <= until) & midterm_missing,
        (Placement.final_due_on <= until) & final_missing,
    )


# Which stage each outcome offers to move the candidate to.
OUTCOME_STAGE_KEYS = {
    Outcome.COMPLETED: StageKey.COMPLETED,
    Outcome.OFFER_ACCEPTED: StageKey.HIRED,
    Outcome.HIRED: StageKey.HIRED,
}


def outcome_stage(outcome: Outcome | None) -> Stage | None:
    """The active stage an outcome moves a candidate to, if any."""
    key = OUTCOME_STAGE_KEYS.get(outcome)
    if key is None:
        return None
    return db.session.scalar(select(Stage).where(Stage.key == key, Stage.retired.is_(False)))


def record_outcome(
    placement: Placement,
    outcome: Outcome,
    outcome_on: date,
    hired_title: str,
    by_user: User,
    move: bool,
    expected_version: int | None = None,
) -> StageChange | None:
    """Record how a placement ended; with move, move the candidate to the matching stage.
    Refuses an outcome recorded from an older version of the placement."""
    check(placement, expected_version, "placement")
    if outcome == Outcome.HIRED and not hired_title.strip():
        raise PlacementRefused("Give the title the intern was hired into.")
    placement.outcome = outcome
    placement.outcome_on = outcome_on
    placement.hired_title = hired_title.strip() if outcome == Outcome.HIRED else ""
    flush(placement, "placement")
    record(
        "placement.outcome",
        user=by_user,
        target=placement,
        outcome=outcome.value,
        outcome_on=outcome_on.isoformat(),
    )
    stage = outcome_stage(outcome) if move else None
    if stage is None or placement.candidate.stage_id == stage.id:
        return None
    return move_candidate(
        placement.candidate,
        stage,
        by_user,
        expected_version=None,
        comment=f"Placement outcome: {outcome.value.replace('_', ' ')}.",
    )
