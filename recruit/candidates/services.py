"""Candidate rules: the pipeline's stages and the one way a candidate moves between them."""

import hashlib
import secrets
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from recruit.audit.services import record
from recruit.auth.models import User
from recruit.board import compare_and_set, time_ago
from recruit.candidates.models import (
    Attachment,
    Candidate,
    CandidateEvent,
    CandidateInterest,
    Interest,
    Note,
    Stage,
    StageChange,
    StageKind,
    Tag,
    candidate_tags,
)
from recruit.database import utcnow
from recruit.extensions import db
from recruit.messages import services as messages
from recruit.placements.models import Placement

# The stages a state office actually uses, in order: (key, name, kind).
STANDARD_STAGES = [
    ("interested", "Interested", StageKind.ACTIVE),
    ("screening", "Screening", StageKind.ACTIVE),
    ("interview", "Interview", StageKind.ACTIVE),
    ("offer", "Offer", StageKind.ACTIVE),
    ("onboarding", "Onboarding", StageKind.ACTIVE),
    ("active_intern", "Active intern", StageKind.ACTIVE),
    ("completed", "Completed", StageKind.ACTIVE),
    ("hired", "Hired", StageKind.HIRED),
    ("not_selected", "Not selected", StageKind.CLOSED),
    ("withdrawn", "Withdrawn", StageKind.CLOSED),
    ("talent_pool", "Talent pool", StageKind.CLOSED),
]


def create_standard_stages() -> dict[str, Stage]:
    """Add the standard stages to an empty pipeline, with their automatic messages on for
    Interview, Offer, Not selected and Talent pool; returns them by key."""
    stages = {
        key: Stage(key=key, name=name, kind=kind, position=index)
        for index, (key, name, kind) in enumerate(STANDARD_STAGES, start=1)
    }
    db.session.add_all(stages.values())
    db.session.flush()
    messages.greet_standard_stages(stages)
    return stages


def stage_choices(include_closed: bool = True) -> list[tuple[str, str]]:
    """Stages in use as (id, name) for a select, in pipeline order. Bulk moves leave the
    closed ones out: closing needs a reason, which only the candidate page asks for."""
    query = select(Stage).where(Stage.retired.is_(False)).order_by(Stage.position)
    if not include_closed:
        query = query.where(Stage.kind != StageKind.CLOSED)
    return [(str(stage.id), stage.name) for stage in db.session.scalars(query)]


def first_stage() -> Stage:
    """Where new candidates enter the pipeline."""
    return db.session.scalars(
        select(Stage)
        .where(Stage.kind == StageKind.ACTIVE, Stage.retired.is_(False))
        .order_by(Stage.position)
        .limit(1)
    ).one()


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
    who = last_change.user.name if last_change.user else "the interest form"
    return (
        f"{candidate.full_name} was moved to {last_change.to_stage.name} by {who} "
        f"{time_ago(last_change.created_at)}. Nothing was moved; the board shows where "
        "they are now."
    )


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
    if to_stage.kind == StageKind.CLOSED and reason not in CLOSE_REASON_LABELS:
        raise MoveRefused(f"Choose a reason for moving {candidate.full_name} to {to_stage.name}.")
    if to_stage.kind != StageKind.CLOSED:
        reason = None
    # Write this session's own pending edits first (a note, a profile change): flushing
    # them bumps the version, and doing it inside the compare-and-set below would make
    # the mover's own change look like someone else's.
    db.session.flush()
    version = candidate.version if expected_version is None else expected_version
    if candidate.stage_id == to_stage.id and candidate.version == version:
        raise MoveRefused(f"{candidate.full_name} is already in {to_stage.name}.")

    from_stage_id, from_stage_entered_at = candidate.stage_id, candidate.stage_entered_at
    previous_entry_at = db.session.scalar(
        select(func.max(StageChange.created_at)).where(
            StageChange.candidate_id == candidate.id, StageChange.to_stage_id == to_stage.id
        )
    )
    now = utcnow()
    moved = compare_and_set(
        Candidate,
        candidate.id,
        version,
        stage_id=to_stage.id,
        stage_entered_at=now,
        closed_reason=reason,
        last_activity_at=now,
        updated_at=now,
    )
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
    db.session.refresh(candidate)
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


# --- profile, tags, notes -------------------------------------------------------------

PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "university_id",
    "university_other",
    "major",
    "class_standing",
    "grad_term",
    "grad_year",
    "availability",
    "procurement_areas",
    "source",
    "source_event_id",
    "rating",
)


class DuplicateCandidate(Exception):
    """Another candidate already has this email."""

    def __init__(self, existing: Candidate):
        self.existing = existing
        super().__init__(existing.email)


def candidate_by_email(email: str) -> Candidate | None:
    """The candidate with this email, in any letter case."""
    return db.session.scalar(
        select(Candidate).where(func.lower(Candidate.email) == email.strip().lower())
    )


def likely_duplicates(
    email: str, first_name: str, last_name: str, university_id, exclude_id=None
) -> list[Candidate]:
    """Candidates with the same email, or the same name at the same university."""
    same_name = (func.lower(Candidate.first_name) == first_name.strip().lower()) & (
        func.lower(Candidate.last_name) == last_name.strip().lower()
    )
    if university_id:
        same_name &= Candidate.university_id == university_id
    query = select(Candidate).where(
        (func.lower(Candidate.email) == email.strip().lower()) | same_name
    )
    if exclude_id:
        query = query.where(Candidate.id != exclude_id)
    return list(db.session.scalars(query.limit(5)))


def create_candidate(values: dict, interests, tags, by_user: User | None, **entry) -> Candidate:
    """Add a candidate in the first stage, recording the entry as a stage change."""
    stage = first_stage()
    now = utcnow()
    candidate = Candidate(stage=stage, stage_entered_at=now, **values)
    candidate.interests = [CandidateInterest(interest=Interest(i)) for i in set(interests)]
    try:
        # Add inside the savepoint: begin_nested() flushes what is pending before the
        # SAVEPOINT, so a duplicate email added earlier would fail outside it.
        with db.session.begin_nested():
            db.session.add(candidate)
            db.session.flush()
    except IntegrityError as error:
        # The unique index on lower(email) decided: drop the new row and name the old one.
        if candidate in db.session:
            db.session.expunge(candidate)
        with db.session.no_autoflush:
            existing = candidate_by_email(values["email"])
        if existing is None:
            raise
        raise DuplicateCandidate(existing) from error
    if tags:  # a new record has none to replace: setting none would only read them
        set_tags(candidate, tags)
    db.session.add(
        StageChange(
            candidate=candidate,
            to_stage=stage,
            user_id=getattr(by_user, "id", None),
            created_at=now,
            comment=entry.get("comment", ""),
        )
    )
    if values.get("source_event_id"):
        link_event(candidate, values["source_event_id"], via=entry.get("via", "staff"))
    record("candidate.create", user=by_user, target=candidate)
    return candidate


def update_candidate(candidate: Candidate, values: dict, interests, tags, by_user: User) -> None:
    """Save edits to a candidate's profile; the version guards against lost updates."""
    for name, value in values.items():
        setattr(candidate, name, value)
    candidate.interests = [
        next((ci for ci in candidate.interests if ci.interest == Interest(i)), None)
        or CandidateInterest(interest=Interest(i))
        for i in sorted(set(interests))
    ]
    set_tags(candidate, tags)
    candidate.last_activity_at = utcnow()
    if values.get("source_event_id"):
        link_event(candidate, values["source_event_id"], via="staff")
    record("candidate.update", user=by_user, target=candidate)


def parse_tags(text: str) -> list[str]:
    """Tag names from 'a, b, c', trimmed, without blanks or repeats (any case)."""
    seen, names = set(), []
    for raw in text.split(","):
        name = " ".join(raw.split())[:40]
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


def get_or_create_tags(names: list[str]) -> list[Tag]:
    """Tag rows for these names, creating the missing ones (unique in any case)."""
    if not names:
        return []
    lowered = {name.lower(): name for name in names}
    existing = {
        tag.name.lower(): tag
        for tag in db.session.scalars(select(Tag).where(func.lower(Tag.name).in_(lowered)))
    }
    tags = []
    for key, name in lowered.items():
        tag = existing.get(key)
        if tag is None:
            tag = Tag(name=name)
            db.session.add(tag)
        tags.append(tag)
    return tags


def set_tags(candidate: Candidate, names: list[str]) -> None:
    """Replace a candidate's tags."""
    candidate.tags = get_or_create_tags(names)


def add_note(candidate: Candidate, body: str, by_user: User) -> Note:
    """Add a staff note to a candidate."""
    note = Note(candidate=candidate, body=body.strip(), user_id=by_user.id)
    db.session.add(note)
    candidate.last_activity_at = utcnow()
    return note


def link_event(candidate: Candidate, event_id: int, via: str) -> None:
    """Count a candidate among an event's leads, once."""
    exists = db.session.get(CandidateEvent, (candidate.id, event_id))
    if exists is None:
        db.session.add(CandidateEvent(candidate=candidate, event_id=event_id, via=via))


# --- resumes --------------------------------------------------------------------------


class ResumeRejected(ValueError):
    """An upload that is not a PDF or is too large."""


def check_resume(upload) -> bytes:
    """The upload's bytes if it is a PDF within the size limit, else ResumeRejected."""
    limit = current_app.config["RESUME_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise ResumeRejected(f"The resume is larger than {limit // (1024 * 1024)} MB.")
    if not data.startswith(b"%PDF-"):
        raise ResumeRejected("The resume must be a PDF file.")
    return data


def store_resume(candidate: Candidate, filename: str, data: bytes, by_user) -> Attachment:
    """Keep a checked PDF under a random name in the instance folder."""
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16) + ".pdf"
    (folder / stored_name).write_bytes(data)
    attachment = Attachment(
        candidate=candidate,
        original_name=(Path(filename or "resume.pdf").name or "resume.pdf")[:255],
        stored_name=stored_name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=getattr(by_user, "id", None),
    )
    db.session.add(attachment)
    return attachment


def resume_path(attachment: Attachment) -> Path:
    """Where an attachment's file lives."""
    return Path(current_app.config["UPLOAD_FOLDER"]) / attachment.stored_name


# --- merging --------------------------------------------------------------------------


def merge_candidates(keep: Candidate, duplicate: Candidate, by_user: User) -> None:
    """Fold a duplicate record into the one kept: history, notes, tags, events, placements
    and files move over, blank details are filled, and the duplicate is removed (audited)."""
    if keep.id == duplicate.id:
        raise MoveRefused("A record cannot be merged with itself.")
    snapshot = {name: _plain(getattr(duplicate, name)) for name in PROFILE_FIELDS}
    for name in PROFILE_FIELDS:
        if getattr(keep, name) in (None, "", []) and name != "email":
            setattr(keep, name, getattr(duplicate, name))
    for model in (StageChange, Note, Attachment, Placement):
        db.session.execute(
            update(model)
            .where(model.candidate_id == duplicate.id)
            .values(candidate_id=keep.id)
            .execution_options(synchronize_session=False)
        )
    kept_events = {link.event_id for link in keep.event_links}
    for link in list(duplicate.event_links):
        if link.event_id not in kept_events:
            db.session.add(
                CandidateEvent(
                    candidate_id=keep.id,
                    event_id=link.event_id,
                    via=link.via,
                    created_at=link.created_at,
                    contacted_at=link.contacted_at,
                )
            )
    kept_interests = {ci.interest for ci in keep.interests}
    for ci in duplicate.interests:
        if ci.interest not in kept_interests:
            keep.interests.append(CandidateInterest(interest=ci.interest))
    keep.tags = list({tag.id: tag for tag in [*keep.tags, *duplicate.tags]}.values())
    keep.last_activity_at = utcnow()
    record(
        "candidate.merge",
        user=by_user,
        target=keep,
        removed_id=duplicate.id,
        removed=snapshot,
    )
    db.session.execute(candidate_tags.delete().where(candidate_tags.c.candidate_id == duplicate.id))
    db.session.flush()
    db.session.expire_all()
    db.session.delete(db.session.get(Candidate, duplicate.id))
    db.session.flush()


def _plain(value):
    if hasattr(value, "value"):
        return value.value
    return value


# --- the stages themselves ------------------------------------------------------------


class StageRefused(ValueError):
    """A change to the pipeline's stages that would break it."""


def stage_counts() -> dict[int, int]:
    """How many candidates stand in each stage."""
    return dict(
        db.session.execute(
            select(Candidate.stage_id, func.count()).group_by(Candidate.stage_id)
        ).all()
    )


def add_stage(name: str, kind: StageKind, by_user: User) -> Stage:
    """Add a stage at the end of the pipeline."""
    last = db.session.scalar(select(func.max(Stage.position))) or 0
    stage = Stage(name=name.strip(), kind=StageKind(kind), position=last + 1)
    try:
        with db.session.begin_nested():
            db.session.add(stage)
    except IntegrityError as error:
        raise StageRefused(f"There is already a stage called {name}.") from error
    record("stage.create", user=by_user, target=stage, name=stage.name)
    return stage


def update_stage(stage: Stage, name: str, kind: StageKind, by_user: User) -> None:
    """Rename a stage or change its kind; the pipeline keeps at least one active stage."""
    if stage.kind == StageKind.ACTIVE and StageKind(kind) != StageKind.ACTIVE:
        _keep_an_active_stage(stage)
    old = {"name": stage.name, "kind": stage.kind.value}
    stage.name = name.strip()
    stage.kind = StageKind(kind)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        raise StageRefused(f"There is already a stage called {name}.") from error
    record("stage.update", user=by_user, target=stage, before=old)


def shift_stage(stage: Stage, step: int, by_user: User) -> None:
    """Swap a stage with its neighbour above (-1) or below (+1)."""
    # Neighbours are the stages still in use: swapping with a retired one, which the
    # admin page lists apart and the board hides, would seem to do nothing.
    stages = list(db.session.scalars(select(Stage).order_by(Stage.position, Stage.id)))
    order = [s for s in stages if not s.retired]
    if stage not in order:
        return
    index = order.index(stage)
    other = index + step
    if not 0 <= other < len(order):
        return
    order[index], order[other] = order[other], order[index]
    for position, row in enumerate(order + [s for s in stages if s.retired], start=1):
        row.position = position
    record("stage.reorder", user=by_user, target=stage, step=step)


def retire_stage(stage: Stage, move_to: Stage | None, by_user: User) -> int:
    """Retire a stage, first moving its candidates (recorded moves) when it is not empty."""
    candidates = list(db.session.scalars(select(Candidate).where(Candidate.stage_id == stage.id)))
    if candidates and (move_to is None or move_to.id == stage.id or move_to.retired):
        raise StageRefused(
            f"{stage.name} still holds {len(candidates)} candidates: choose where they go."
        )
    if stage.kind == StageKind.ACTIVE:
        _keep_an_active_stage(stage)
    for candidate in candidates:
        move_candidate(
            candidate,
            move_to,
            by_user,
            None,
            reason="other",
            comment=f"{stage.name} was retired",
            # An office reshaping its pipeline is no news to the candidates in it.
            notify=False,
        )
    stage.retired = True
    record("stage.retire", user=by_user, target=stage, moved=len(candidates))
    return len(candidates)


def _keep_an_active_stage(stage: Stage) -> None:
    others = db.session.scalar(
        select(func.count())
        .select_from(Stage)
        .where(Stage.kind == StageKind.ACTIVE, Stage.retired.is_(False), Stage.id != stage.id)
    )
    if not others:
        raise StageRefused("The pipeline needs at least one active stage.")


# --- leads from forms, booths and imports ---------------------------------------------

# Details a returning person's new submission may fill when the record has them blank; the
# university (a listed one or a name typed in) is one detail and is handled on its own.
FILLABLE_FROM_LEAD = (
    "phone",
    "major",
    "class_standing",
    "grad_term",
    "grad_year",
    "availability",
)


def record_lead(
    values: dict,
    interests,
    event_id: int | None,
    via: str,
    by_user: User | None,
    note: str = "",
    returning_note: str = "",
) -> tuple[Candidate, bool]:
    """Add a lead, or for a known email (any case) fill its blanks and add the new
    interests and event, keeping its stage. The unique email index decides, so two
    submissions at once never make two records. Every way in (the interest form, a booth,
    an import) comes through here. Returns (candidate, created)."""
    if event_id is not None:
        values = {**values, "source_event_id": event_id}
    author = getattr(by_user, "id", None)
    try:
        candidate = create_candidate(values, interests, [], by_user, via=via)
        created = True
    except DuplicateCandidate as duplicate:
        candidate = duplicate.existing
        _fill_returning(candidate, values, interests, event_id, via)
        created = False
        if returning_note:
            db.session.add(Note(candidate=candidate, body=returning_note, user_id=author))
    if note.strip():
        db.session.add(Note(candidate=candidate, body=note.strip(), user_id=author))
    return candidate, created


def _fill_returning(candidate: Candidate, values: dict, interests, event_id, via: str) -> None:
    # Lock the row and read it afresh: on PostgreSQL two submissions for one email may both
    # land here at once, and the second must see the first's changes (its version, its
    # interests, its event link) rather than fail on a stale version or a duplicate link.
    # SQLite needs no lock: POST requests already hold its write lock.
    db.session.refresh(candidate, with_for_update=True)
    for name in FILLABLE_FROM_LEAD:
        if getattr(candidate, name) in (None, "") and values.get(name) not in (None, ""):
            setattr(candidate, name, values[name])
    if candidate.university_id is None and not candidate.university_other:
        candidate.university_id = values.get("university_id")
        candidate.university_other = values.get("university_other") or ""
    if not candidate.procurement_areas and values.get("procurement_areas"):
        candidate.procurement_areas = values["procurement_areas"]
    known = {ci.interest for ci in candidate.interests}
    for interest in interests:
        if Interest(interest) not in known:
            candidate.interests.append(CandidateInterest(interest=Interest(interest)))
    if event_id is not None:
        link_event(candidate, event_id, via=via)
    if values.get("consent_at") and candidate.consent_at is None:
        candidate.consent_at = values["consent_at"]
    candidate.last_activity_at = utcnow()
    record("candidate.lead_again", target=candidate, via=via)
