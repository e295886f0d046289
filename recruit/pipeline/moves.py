"""How a candidate enters the pipeline and moves between its stages: the one way, with history."""

from sqlalchemy import func, select
from sqlalchemy.orm.attributes import set_committed_value

from recruit.auth.models import User
from recruit.board import compare_and_set, time_ago
from recruit.candidates.models import Candidate, Stage, StageChange, StageKind
from recruit.database import utcnow
from recruit.extensions import db
from recruit.messages import services as messages
from recruit.pipeline.rules import closed

# Why a candidate left the main path; a closed stage needs one of these.
CLOSE_REASONS = [
    ("skills_mismatch", "Skills or major do not fit current openings"),
    ("positions_filled", "Positions filled"),
    ("no_response", "Did not respond"),
    ("not_eligible", "Not eligible (graduation date, availability)"),
    ("accepted_elsewhere", "Accepted another offer"),
    ("schedule_conflict", "Schedule conflict"),
    ("own_request", "Withdrew at their own request"),
    ("future_term", "Good fit for a later term"),
    ("other", "Other (see comment)"),
]
CLOSE_REASON_LABELS = dict(CLOSE_REASONS)


class MoveRefused(Exception):
    """A stage move that the pipeline's rules do not allow."""


class StaleMove(MoveRefused):
    """Someone else changed the candidate since the mover loaded it."""

    def __init__(self, candidate: Candidate, last_change: StageChange | None):
        self.candidate = candidate
        self.last_change = last_change
        super().__init__(stale_message(candidate, last_change))


def stale_message(candidate: Candidate, last_change: StageChange | None) -> str:
    """Say who moved the candidate last, and when, for the person whose move was refused."""
    # An edit or a note since the last move bumps the version too; naming that older move
    # would tell the mover nothing new, so say only that the record changed.
    if (
        last_change is None
        or last_change.to_stage_id != candidate.stage_id
        or candidate.updated_at > last_change.created_at
    ):
        return f"{candidate.full_name} was changed by someone else meanwhile. Nothing was moved."
    if last_change.user:
        who = last_change.user.name
    else:
        who = "the student" if last_change.by_student else "the interest form"
    return (
        f"{candidate.full_name} was moved to {last_change.to_stage.name} by {who} "
        f"{time_ago(last_change.created_at)}. Nothing was moved; the board shows where "
        "they are now."
    )


def first_stage() -> Stage:
    """Where new candidates enter the pipeline."""
    return db.session.scalars(
        select(Stage)
        .where(Stage.kind == StageKind.ACTIVE, Stage.retired.is_(False))
        .order_by(Stage.position)
        .limit(1)
    ).one()


def new_candidate(values: dict) -> Candidate:
    """A candidate standing in the first stage since now, not yet in the session."""
    return Candidate(stage=first_stage(), stage_entered_at=utcnow(), **values)


def record_entry(candidate: Candidate, by_user: User | None, comment: str = "") -> StageChange:
    """Record a new candidate's arrival in its first stage as its history's first change."""
    change = StageChange(
        candidate=candidate,
        to_stage=candidate.stage,
        user_id=getattr(by_user, "id", None),
        created_at=candidate.stage_entered_at,
        comment=comment,
    )
    db.session.add(change)
    return change


def move_candidate(
    candidate: Candidate,
    to_stage: Stage,
    by_user: User | None,
    expected_version: int | None,
    reason: str | None = None,
    comment: str = "",
    notify: bool = True,
) -> StageChange:
    """Move a candidate to a stage and record it, queueing the stage's automatic message
    unless notify is False; refuses stale, closed-without-reason and pointless moves.
    Every move in Recruit goes through here."""
    if to_stage.retired:
        raise MoveRefused(f"{to_stage.name} is retired; choose another stage.")
    if closed(to_stage) and reason not in CLOSE_REASON_LABELS:
        raise MoveRefused(f"Choose a reason for moving {candidate.full_name} to {to_stage.name}.")
    if not closed(to_stage):
        reason = None
    # Write this session's own pending edits first (a note, a profile change): flushing
    # them bumps the version, and doing it inside the compare-and-set below would make
    # the mover's own change look like someone else's.
    db.session.flush()
    version = candidate.version if expected_version is None else expected_version
    if candidate.stage_id == to_stage.id and candidate.version == version:
        raise MoveRefused(f"{candidate.full_name} is already in {to_stage.name}.")

    from_stage_id, from_stage_entered_at = candidate.stage_id, candidate.stage_entered_at
    # Through the candidate's own history: SQLite, without statistics, would read every
    # arrival in the stage instead (tens of thousands of rows at 100,000 candidates, about
    # 8 ms per move). Adding 0 hides the stage from its index.
    previous_entry_at = db.session.scalar(
        select(func.max(StageChange.created_at)).where(
            StageChange.candidate_id == candidate.id, StageChange.to_stage_id + 0 == to_stage.id
        )
    )
    now = utcnow()
    written = {
        "stage_id": to_stage.id,
        "stage_entered_at": now,
        "closed_reason": reason,
        "last_activity_at": now,
        "updated_at": now,
    }
    moved = compare_and_set(Candidate, candidate.id, version, **written)
    if not moved:
        db.session.refresh(candidate)
        raise StaleMove(candidate, last_stage_change(candidate))
    change = StageChange(
        candidate_id=candidate.id,
        from_stage_id=from_stage_id,
        from_stage_entered_at=from_stage_entered_at,
        previous_entry_at=previous_entry_at,
        to_stage_id=to_stage.id,
        user_id=getattr(by_user, "id", None),
        reason=reason,
        comment=comment.strip(),
        created_at=now,
    )
    db.session.add(change)
    db.session.flush()
    # The row as the UPDATE left it, without reading it back (the flush's summaries hook
    # has expired the report summaries it rewrote, which are read again if asked for);
    # the stage and the history, if loaded, are read again when next asked for.
    for name, value in {**written, "version": version + 1}.items():
        set_committed_value(candidate, name, value)
    db.session.expire(candidate, ["stage", "history"])
    if notify:
        change.queued_message = messages.greet_stage_entry(candidate, to_stage, reason, by_user)
    return change


def last_stage_change(candidate: Candidate) -> StageChange | None:
    """The most recent move of a candidate."""
    return db.session.scalars(
        select(StageChange)
        .where(StageChange.candidate_id == candidate.id)
        .order_by(StageChange.created_at.desc(), StageChange.id.desc())
        .limit(1)
    ).first()
