"""Proposed updates: what the public form sent for an email already on record, kept apart
until HR or an admin accepts or dismisses it detail by detail. Anyone may type anyone's
email into that form, so what it carries for a known student is a claim, not a change."""

import enum
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from recruit.audit.services import record
from recruit.auth.models import User
from recruit.candidates import services
from recruit.candidates.models import (
    Attachment,
    Candidate,
    ClassStanding,
    Interest,
    ProposalDecision,
    ProposedUpdate,
    Term,
)
from recruit.database import utcnow
from recruit.events.models import Event
from recruit.extensions import db
from recruit.placements import openings
from recruit.placements.models import Position, PositionStatus
from recruit.templating import format_date, label

# Every detail a proposal may carry, in the order the candidate page lists them.
FIELDS = {
    "first_name": "First name",
    "last_name": "Last name",
    "phone": "Phone",
    "university": "University",
    "major": "Major",
    "class_standing": "Class standing",
    "grad_term": "Graduation term",
    "grad_year": "Graduation year",
    "availability": "Can start",
    "procurement_areas": "Procurement areas",
    "interests": "Interested in",
    "openings": "Openings chosen",
    "language": "Language",
    "consent": "Consent to contact",
    "resume": "Resume",
}
# Details kept in a column of the same name on both records, copied as they are.
PLAIN_FIELDS = (
    "first_name",
    "last_name",
    "phone",
    "major",
    "class_standing",
    "grad_term",
    "grad_year",
    "availability",
    "language",
)
LANGUAGES = {"en": "English", "es": "Spanish"}
# The candidate page shows this many open proposals, newest first, and counts the rest.
SHOWN_ON_PAGE = 10


class DecisionRefused(Exception):
    """A detail that cannot be accepted or dismissed (any more); the message says why."""


# --- keeping what the form sent -------------------------------------------------------


def _enum_or_none(enum_class, value):
    return enum_class(value) if value else None


def propose_update(
    candidate: Candidate,
    values: dict,
    interests,
    opening_ids,
    event: Event | None,
    resume: tuple[str, bytes] | None,
) -> ProposedUpdate | None:
    """Keep what the public form sent for this known candidate as a proposal, its resume
    stored under a random name; the candidate is not touched. None when it holds nothing
    the record lacks (the same form sent twice), so HR is not asked about nothing."""
    proposal = ProposedUpdate(
        candidate_id=candidate.id,
        event_id=event.id if event else None,
        first_name=values.get("first_name", ""),
        last_name=values.get("last_name", ""),
        phone=values.get("phone") or "",
        university_id=values.get("university_id"),
        university_other=values.get("university_other") or "",
        major=values.get("major") or "",
        class_standing=_enum_or_none(ClassStanding, values.get("class_standing")),
        grad_term=_enum_or_none(Term, values.get("grad_term")),
        grad_year=values.get("grad_year"),
        availability=values.get("availability") or "",
        procurement_areas=list(values.get("procurement_areas") or []),
        interests=sorted({Interest(i).value for i in interests}),
        opening_ids=sorted(openings.open_ids(opening_ids)),
        language=values.get("language") or "en",
        consent_at=values.get("consent_at"),
        created_at=utcnow(),
    )
    if resume is not None:
        filename, data = resume
        proposal.file_name = services.upload_name(filename)
        proposal.file_size = len(data)
        proposal.file_sha256 = hashlib.sha256(data).hexdigest()
        proposal.file_stored_name = services.write_upload(data)
    fields = differences(proposal, candidate, openings.chosen_ids(candidate))
    if not fields:
        return None
    db.session.add(proposal)
    db.session.flush()
    record("proposal.create", target=proposal, candidate_id=candidate.id, fields=fields)
    return proposal


def proposal_path(proposal: ProposedUpdate) -> Path | None:
    """Where a proposal's file lives while it waits, or None once accepted or deleted."""
    if proposal.file_stored_name is None:
        return None
    return services.upload_folder() / proposal.file_stored_name


# --- what differs from the record -----------------------------------------------------


def differences(proposal: ProposedUpdate, candidate: Candidate, chosen_ids: set[int]) -> list[str]:
    """The details in which the proposal would change or add to the record, in FIELDS
    order. A blank detail proposes nothing, and lists only add: a form sent again never
    takes away what a student told us before."""
    found = set()
    for name in PLAIN_FIELDS:
        value = getattr(proposal, name)
        if value not in (None, "") and value != getattr(candidate, name):
            found.add(name)
    proposed_university = (proposal.university_id, proposal.university_other)
    if any(proposed_university) and proposed_university != (
        candidate.university_id,
        candidate.university_other,
    ):
        found.add("university")
    if set(proposal.procurement_areas) - set(candidate.procurement_areas or []):
        found.add("procurement_areas")
    if set(proposal.interests) - {ci.interest.value for ci in candidate.interests}:
        found.add("interests")
    if set(proposal.opening_ids) - chosen_ids:
        found.add("openings")
    if proposal.consent_at is not None and candidate.consent_at is None:
        found.add("consent")
    if proposal.file_stored_name is not None:
        found.add("resume")
    return [name for name in FIELDS if name in found]


def undecided(proposal: ProposedUpdate, candidate: Candidate, chosen_ids: set[int]) -> list[str]:
    """The details that differ from the record and nobody has answered yet."""
    decided = {decision.field for decision in proposal.decisions}
    return [name for name in differences(proposal, candidate, chosen_ids) if name not in decided]


# --- what the candidate page shows ----------------------------------------------------


@dataclass
class Row:
    """One detail of a proposal as HR weighs it: what the record says against what was sent."""

    field: str
    label: str
    current: str
    proposed: str
    decision: ProposalDecision | None


@dataclass
class Review:
    """A proposal with its rows to decide (or decided)."""

    proposal: ProposedUpdate
    rows: list[Row]

    @property
    def open_fields(self) -> list[str]:
        return [row.field for row in self.rows if row.decision is None]


@dataclass
class Reviews:
    """The open proposals a candidate page shows, and how many there are in all."""

    shown: list[Review]
    total: int


def _university(university, other: str) -> str:
    return university.full_name if university is not None else (other or "Not given")


def _titles(ids, positions: dict[int, Position]) -> str:
    names = [
        positions[i].title + ("" if positions[i].status == PositionStatus.OPEN else " (closed)")
        for i in ids
        if i in positions
    ]
    return ", ".join(names) or "None"


def _shown(name: str, proposal, candidate, chosen_ids, positions) -> tuple[str, str]:
    """(on record, sent) for one detail, as staff read them."""
    if name == "university":
        return (
            _university(candidate.university, candidate.university_other),
            _university(proposal.university, proposal.university_other),
        )
    if name == "procurement_areas":
        have = list(candidate.procurement_areas or [])
        return ", ".join(have) or "Not given", "Adds " + ", ".join(
            a for a in proposal.procurement_areas if a not in have
        )
    if name == "interests":
        have = sorted(ci.interest.value for ci in candidate.interests)
        added = [i for i in proposal.interests if i not in have]
        return (
            ", ".join(label(i) for i in have) or "Not given",
            "Adds " + ", ".join(label(i) for i in added),
        )
    if name == "openings":
        added = [i for i in proposal.opening_ids if i not in chosen_ids]
        return _titles(sorted(chosen_ids), positions), "Adds " + _titles(added, positions)
    if name == "language":
        return LANGUAGES.get(candidate.language, candidate.language), LANGUAGES.get(
            proposal.language, proposal.language
        )
    if name == "consent":
        given = candidate.consent_at
        return (
            f"Given {format_date(given)}" if given else "Not given",
            f"Ticked on the form {format_date(proposal.consent_at)}",
        )
    if name == "resume":
        files = [a.shown_name for a in candidate.attachments if a.deleted_at is None]
        kb = round((proposal.file_size or 0) / 1024)
        return ", ".join(files) or "None", f"{proposal.file_shown_name} ({kb} KB)"
    return _plain(getattr(candidate, name)), _plain(getattr(proposal, name))


def _plain(value) -> str:
    if value in (None, ""):
        return "Not given"
    return label(value) if isinstance(value, enum.Enum) else str(value)


@cache
def _open_proposals():
    # Built once: every candidate page asks, and composing three loader options cost more
    # than running the statement.
    return (
        select(ProposedUpdate)
        .where(
            ProposedUpdate.candidate_id == bindparam("candidate_id"),
            ProposedUpdate.closed_at.is_(None),
        )
        .options(
            joinedload(ProposedUpdate.event),
            joinedload(ProposedUpdate.university),
            selectinload(ProposedUpdate.decisions).joinedload(ProposalDecision.user),
        )
        .order_by(ProposedUpdate.created_at.desc(), ProposedUpdate.id.desc())
        .limit(bindparam("limit"))
    )


def open_proposals(candidate: Candidate, limit: int = SHOWN_ON_PAGE) -> list[ProposedUpdate]:
    """A candidate's proposals not yet settled, newest first, with what their rows show."""
    return list(
        db.session.scalars(_open_proposals(), {"candidate_id": candidate.id, "limit": limit})
    )


def open_count_column():
    """SQL: how many proposals each candidate has waiting for HR, as a column beside them
    (the candidate page reads it with the record, and asks no more when it is 0)."""
    return (
        select(func.count())
        .where(ProposedUpdate.candidate_id == Candidate.id, ProposedUpdate.closed_at.is_(None))
        .scalar_subquery()
        .label("open_proposals")
    )


def reviews_for(candidate: Candidate, chosen_ids: set[int], total: int) -> Reviews:
    """The candidate's open proposals as the page shows them, in a fixed number of
    queries however many there are; total is how many are open (open_count_column),
    and none is read when it is 0."""
    if total == 0:
        return Reviews([], 0)
    proposals = open_proposals(candidate)
    if not proposals:
        return Reviews([], 0)
    wanted = {i for p in proposals for i in p.opening_ids} | chosen_ids
    positions = (
        {p.id: p for p in db.session.scalars(select(Position).where(Position.id.in_(wanted)))}
        if wanted
        else {}
    )
    items = []
    for proposal in proposals:
        decisions = {d.field: d for d in proposal.decisions}
        fields = set(differences(proposal, candidate, chosen_ids)) | set(decisions)
        rows = [
            Row(
                name,
                FIELDS[name],
                *_shown(name, proposal, candidate, chosen_ids, positions),
                decisions.get(name),
            )
            for name in FIELDS
            if name in fields
        ]
        items.append(Review(proposal, rows))
    return Reviews(items, total)


def pending_clause():
    """SQL: candidates with a proposal waiting for HR."""
    return (
        select(ProposedUpdate.id)
        .where(ProposedUpdate.candidate_id == Candidate.id, ProposedUpdate.closed_at.is_(None))
        .exists()
    )


def pending_count() -> int:
    """How many candidates have a proposal waiting for HR."""
    # Read from the proposals' index: asking each of 100,000 candidates whether one of
    # theirs is open took the dashboard 7 ms when none was.
    return (
        db.session.scalar(
            select(func.count(ProposedUpdate.candidate_id.distinct())).where(
                ProposedUpdate.closed_at.is_(None)
            )
        )
        or 0
    )


# --- deciding -------------------------------------------------------------------------


def _decide(proposal: ProposedUpdate, field: str, accepted: bool, by_user: User) -> None:
    # The key (proposal, detail) decides a race: the second answer finds the first's row.
    try:
        with db.session.begin_nested():
            db.session.add(
                ProposalDecision(
                    proposal_id=proposal.id, field=field, accepted=accepted, user_id=by_user.id
                )
            )
            db.session.flush()
    except IntegrityError as error:
        raise DecisionRefused(f"{FIELDS[field]} was decided by someone else meanwhile.") from error
    db.session.expire(proposal, ["decisions"])


def _check_open(proposal: ProposedUpdate, field: str, candidate: Candidate, chosen_ids) -> None:
    if field not in FIELDS:
        raise DecisionRefused("There is no such detail to decide.")
    if proposal.closed_at is not None or field not in undecided(proposal, candidate, chosen_ids):
        raise DecisionRefused(
            f"{FIELDS[field]} has nothing left to decide: it was decided meanwhile, or the "
            "record already says the same."
        )


def _close_if_settled(proposal: ProposedUpdate, candidate: Candidate) -> None:
    if not undecided(proposal, candidate, openings.chosen_ids(candidate)):
        proposal.closed_at = utcnow()


def _delete_file(proposal: ProposedUpdate, by_user: User | None, why: str) -> None:
    """Delete a proposal's file from the disk, with an audit entry; the row keeps its name."""
    path = proposal_path(proposal)
    if path is None:
        return
    path.unlink(missing_ok=True)
    record(
        "proposal.file_delete",
        user=by_user,
        target=proposal,
        candidate_id=proposal.candidate_id,
        size=proposal.file_size,
        why=why,
    )
    proposal.file_stored_name = None


def _attach_file(proposal: ProposedUpdate, candidate: Candidate) -> None:
    # The file stays where it is and becomes the candidate's attachment, dated when the
    # student sent it (the hourly count of public uploads then counts it there, once).
    db.session.add(
        Attachment(
            candidate=candidate,
            original_name=proposal.file_name or "resume.pdf",
            stored_name=proposal.file_stored_name,
            size=proposal.file_size or 0,
            sha256=proposal.file_sha256 or "",
            uploaded_by_id=None,
            created_at=proposal.created_at,
        )
    )
    proposal.file_stored_name = None


def _accepted_values(proposal: ProposedUpdate, candidate: Candidate, field: str) -> dict:
    if field in PLAIN_FIELDS:
        return {field: getattr(proposal, field)}
    if field == "university":
        return {
            "university_id": proposal.university_id,
            "university_other": proposal.university_other,
        }
    if field == "procurement_areas":
        have = list(candidate.procurement_areas or [])
        added = [a for a in proposal.procurement_areas if a not in have]
        return {"procurement_areas": have + added}
    return {}


def accept(proposal: ProposedUpdate, field: str, by_user: User) -> None:
    """Copy one detail of a proposal onto the candidate: details through the service that
    saves staff's edits (stale saves refused there), the resume as an attachment, openings
    as the student's choices. The caller checks the version the page showed."""
    candidate = proposal.candidate
    chosen = openings.chosen_ids(candidate)
    _check_open(proposal, field, candidate, chosen)
    _decide(proposal, field, True, by_user)
    if field == "resume":
        _attach_file(proposal, candidate)
        candidate.last_activity_at = utcnow()
    elif field == "openings":
        openings.add_openings(candidate, proposal.opening_ids)
        candidate.last_activity_at = utcnow()
    else:
        interests = [ci.interest.value for ci in candidate.interests]
        if field == "interests":
            interests += proposal.interests
        services.save_candidate(
            candidate,
            _accepted_values(proposal, candidate, field),
            interests,
            [tag.name for tag in candidate.tags],
            candidate.consent_at is not None or field == "consent",
            by_user,
        )
    record(
        "proposal.accept",
        user=by_user,
        target=proposal,
        candidate_id=candidate.id,
        field=field,
    )
    _close_if_settled(proposal, candidate)
    services.flush_candidate(candidate)


def dismiss(proposal: ProposedUpdate, field: str, by_user: User) -> None:
    """Leave the record as it is for one detail of a proposal; a dismissed resume is
    deleted from the disk."""
    candidate = proposal.candidate
    _check_open(proposal, field, candidate, openings.chosen_ids(candidate))
    _decide(proposal, field, False, by_user)
    if field == "resume":
        _delete_file(proposal, by_user, why="dismissed")
    record(
        "proposal.dismiss",
        user=by_user,
        target=proposal,
        candidate_id=candidate.id,
        fields=[field],
    )
    _close_if_settled(proposal, candidate)
    db.session.flush()


def dismiss_rest(proposal: ProposedUpdate, by_user: User) -> list[str]:
    """Dismiss every detail of a proposal nobody has decided and settle it; returns the
    details dismissed (none when the record already says what it said)."""
    if proposal.closed_at is not None:
        raise DecisionRefused("This update was settled meanwhile.")
    candidate = proposal.candidate
    fields = undecided(proposal, candidate, openings.chosen_ids(candidate))
    for field in fields:
        _decide(proposal, field, False, by_user)
    _delete_file(proposal, by_user, why="dismissed")
    record(
        "proposal.dismiss",
        user=by_user,
        target=proposal,
        candidate_id=candidate.id,
        fields=fields,
    )
    proposal.closed_at = utcnow()
    db.session.flush()
    return fields


# --- what is held, merges and erasure -------------------------------------------------


def proposals_data(candidate: Candidate) -> list[dict]:
    """Every proposal made for a candidate, as plain data for an export of what we hold."""
    proposals = db.session.scalars(
        select(ProposedUpdate)
        .where(ProposedUpdate.candidate_id == candidate.id)
        .options(
            joinedload(ProposedUpdate.event),
            joinedload(ProposedUpdate.university),
            selectinload(ProposedUpdate.decisions),
        )
        .order_by(ProposedUpdate.created_at, ProposedUpdate.id)
    ).all()
    return [
        {
            "sent_at": p.created_at.isoformat(),
            "event": p.event.name if p.event else None,
            **{name: getattr(getattr(p, name), "value", getattr(p, name)) for name in PLAIN_FIELDS},
            "university": p.university.full_name if p.university else p.university_other,
            "procurement_areas": p.procurement_areas,
            "interests": p.interests,
            "opening_ids": p.opening_ids,
            "consent_at": p.consent_at.isoformat() if p.consent_at else None,
            "file": {"name": p.file_name, "size": p.file_size} if p.file_name else None,
            "decisions": {d.field: "accepted" if d.accepted else "dismissed" for d in p.decisions},
            "settled_at": p.closed_at.isoformat() if p.closed_at else None,
        }
        for p in proposals
    ]


def move_proposals(from_candidate_id: int, to_candidate_id: int) -> int:
    """Hand a merged duplicate's proposals to the record kept; returns how many."""
    return db.session.execute(
        update(ProposedUpdate)
        .where(ProposedUpdate.candidate_id == from_candidate_id)
        .values(candidate_id=to_candidate_id)
        .execution_options(synchronize_session=False)
    ).rowcount


def erase_proposals(candidate_id: int, by_user: User | None) -> int:
    """Delete every proposal made for a candidate, and their files, for an erasure: each
    file's deletion is audited, and the caller's erasure entry counts the proposals."""
    proposals = db.session.scalars(
        select(ProposedUpdate).where(ProposedUpdate.candidate_id == candidate_id)
    ).all()
    for proposal in proposals:
        _delete_file(proposal, by_user, why="erased")
    db.session.flush()
    ids = [proposal.id for proposal in proposals]
    for proposal in proposals:
        db.session.expunge(proposal)
    db.session.execute(
        delete(ProposalDecision)
        .where(ProposalDecision.proposal_id.in_(ids))
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(ProposedUpdate)
        .where(ProposedUpdate.candidate_id == candidate_id)
        .execution_options(synchronize_session=False)
    )
    return len(ids)
