"""The student's own page: the private links that open it, where a student stands in
plain words, and what they may change there themselves (each change audited as theirs)."""

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import contains_eager

from recruit.audit.models import AuditEntry
from recruit.audit.services import record
from recruit.candidates import services as candidates
from recruit.candidates.models import (
    Attachment,
    Candidate,
    CandidateInterest,
    Interest,
    Stage,
    StageChange,
    StageKind,
)
from recruit.database import json_rows, utcnow
from recruit.extensions import db
from recruit.localized import localized
from recruit.messages import services as messages
from recruit.messages.links import derived_token, public_url
from recruit.messages.models import OutboxMessage
from recruit.pipeline.moves import MoveRefused, move_candidate
from recruit.pipeline.rules import StageKey, closed, hired
from recruit.pipeline.stages import suggested_wording
from recruit.placements.openings import replace_openings
from recruit.privacy.services import personal_data
from recruit.students.models import StatusLink

# A token is a 256-bit HMAC in 43 URL-safe characters; anything else was never issued and
# is refused without a lookup.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
# The template of the message that carries a new link when a student asks for one.
LINK_TEMPLATE = "status_link"
# A student who asks again and again for a link hears from us at most this often.
LINK_MESSAGE_INTERVAL = timedelta(minutes=10)
# What a student may change on their own page; everything else is staff's to edit.
OWN_FIELDS = ("phone", "grad_term", "grad_year", "availability", "language")


class StudentRefused(Exception):
    """Something a student may not do from their page, said in their words."""


# --- links ---------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    """The SHA-256 of a link's token, as stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def status_token(link: StatusLink) -> str:
    """The token of a link, derived again from its row whenever it is needed."""
    return derived_token("status", link.id, link.nonce)


def status_url(link: StatusLink) -> str:
    """A link's address on the office's public base URL, opening the page in the language
    the student last used with us (whatever the browser they open it in prefers)."""
    return public_url("students.page", token=status_token(link), lang=link.candidate.language)


def issue_status_link(candidate: Candidate, retire_older: bool = True) -> StatusLink:
    """A new link to a candidate's own page, retiring their older ones (a candidate added
    in this transaction has none: retire_older=False). Only the token's hash is kept; the
    worker derives the token again when it sends the message."""
    now = utcnow()
    if retire_older:
        db.session.execute(
            update(StatusLink)
            .where(StatusLink.candidate_id == candidate.id, StatusLink.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    link = StatusLink(
        candidate_id=candidate.id,
        nonce=secrets.token_hex(16),
        token_hash="pending-" + secrets.token_hex(16),
        expires_at=now + timedelta(days=current_app.config["STATUS_LINK_DAYS"]),
        created_at=now,
    )
    db.session.add(link)
    db.session.flush()
    # The hash goes out with the caller's next flush (or its commit): a flush of its own
    # would run every session hook again for one column.
    link.token_hash = token_hash(status_token(link))
    return link


def current_link(candidate: Candidate) -> StatusLink | None:
    """The candidate's newest link that still works, if any."""
    link = db.session.scalar(
        select(StatusLink)
        .where(StatusLink.candidate_id == candidate.id)
        .order_by(StatusLink.id.desc())
        .limit(1)
    )
    return link if link is not None and link_works(link, utcnow()) else None


def link_works(link: StatusLink, now: datetime) -> bool:
    """Is this link still the student's way in: not replaced, not expired, not erased?"""
    return (
        link.revoked_at is None and link.expires_at > now and link.candidate.anonymized_at is None
    )


def open_link(token: str) -> StatusLink | None:
    """The working link a token belongs to, with its candidate and their stage; None for
    a wrong, expired, replaced or revoked link or an erased candidate, all alike."""
    if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
        return None
    link = db.session.scalar(_working_link(), {"token_hash": token_hash(token), "now": utcnow()})
    # The hash found the row; the HMAC proves the token was made with this office's key,
    # compared in constant time.
    if link is None or not hmac.compare_digest(status_token(link), token):
        return None
    return link


@cache
def _working_link():
    """The working link for a token's hash, with its candidate and their stage: built once,
    sent by every view and every change a student makes on their page."""
    return (
        select(StatusLink)
        .join(StatusLink.candidate)
        .options(contains_eager(StatusLink.candidate).joinedload(Candidate.stage))
        .where(
            StatusLink.token_hash == bindparam("token_hash"),
            StatusLink.revoked_at.is_(None),
            StatusLink.expires_at > bindparam("now"),
            Candidate.anonymized_at.is_(None),
        )
    )


# Staff see when a student last opened their page; to the quarter hour is enough, and
# spares the database a write for every reload.
VISIT_RESOLUTION = timedelta(minutes=15)


def visit_worth_noting(link: StatusLink) -> bool:
    """Has the student not opened this page in the last quarter hour?"""
    return link.last_used_at is None or link.last_used_at < utcnow() - VISIT_RESOLUTION


def mark_used(link_id: int) -> None:
    """Note when the student last opened their page, in one statement that reads nothing
    first (two tabs opening at once write the same thing)."""
    db.session.execute(
        update(StatusLink)
        .where(StatusLink.id == link_id)
        .values(last_used_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def send_link_on_request(email: str) -> None:
    """Send a new link to the student with this email if Recruit knows them and may write
    to them, at most once every ten minutes; the caller says the same thing either way."""
    candidate = candidates.candidate_by_email(email)
    if candidate is None or messages.why_not_message(candidate):
        return
    template = messages.template_by_key(LINK_TEMPLATE)
    if template is None:
        return
    recent = db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.candidate_id == candidate.id,
            OutboxMessage.template_key == LINK_TEMPLATE,
            OutboxMessage.created_at > utcnow() - LINK_MESSAGE_INTERVAL,
        )
    )
    if recent:
        return
    messages.send_template(candidate, template)
    record("student.link_request", target=candidate, by="student")


# --- where a student stands ----------------------------------------------------------------

# What a student reads for each standard stage when an admin has written nothing: where
# they stand and what happens next, never the stage's internal name.
# For stages an admin added, by what kind of stage they are.
KIND_WORDING = {
    StageKind.ACTIVE: _l(
        "We are reviewing your application. We will email you when there is news."
    ),
    StageKind.HIRED: _l("You have joined the state's staff. Welcome."),
    StageKind.CLOSED: _l("Your application is closed."),
}


def where_they_stand(stage: Stage, language: str) -> str:
    """What a student in this stage reads about where they stand, in the page's language:
    the admin's wording for the stage, else Recruit's own for its key or kind."""
    written = localized(stage.student_text, stage.student_text_es, language)
    if written.strip():
        return written
    suggested = suggested_wording(stage)
    if suggested is not None:
        return localized(*suggested, language)
    return str(KIND_WORDING[stage.kind])


def can_withdraw(candidate: Candidate) -> bool:
    """Is the application still open, so the student may withdraw it?"""
    return not closed(candidate.stage) and not hired(candidate.stage)


def current_resume(candidate: Candidate) -> Attachment | None:
    """The resume a student sent last (the one staff read)."""
    return db.session.scalar(
        select(Attachment)
        .where(
            Attachment.candidate_id == candidate.id,
            Attachment.kind == "resume",
            Attachment.deleted_at.is_(None),
        )
        .order_by(Attachment.created_at.desc(), Attachment.id.desc())
        .limit(1)
    )


# --- what a student does on their page -----------------------------------------------------


def _by_student(action: str, candidate: Candidate, **detail) -> None:
    record(f"student.{action}", target=candidate, by="student", **detail)


def update_details(candidate: Candidate, values: dict, interests: list[str]) -> list[str]:
    """Save the details a student may change themselves (OWN_FIELDS and their interests);
    returns the names of those that changed."""
    changed = [name for name in OWN_FIELDS if getattr(candidate, name) != values[name]]
    for name in changed:
        setattr(candidate, name, values[name])
    wanted = {Interest(value) for value in interests}
    have = {ci.interest for ci in candidate.interests}
    if wanted != have:
        candidate.interests = [ci for ci in candidate.interests if ci.interest in wanted] + [
            CandidateInterest(interest=interest) for interest in sorted(wanted - have)
        ]
        changed.append("interests")
    if changed:
        candidate.last_activity_at = utcnow()
    db.session.flush()
    _by_student("details", candidate, fields=changed)
    return changed


def replace_resume(candidate: Candidate, filename: str, data: bytes) -> Attachment:
    """Keep a checked PDF as the student's current resume. Earlier ones stay on the
    candidate page for staff (nothing a person sent is deleted without an admin)."""
    attachment = candidates.store_resume(candidate, filename, data, None)
    candidate.last_activity_at = utcnow()
    db.session.flush()
    _by_student("resume", candidate)
    return attachment


def choose_openings(candidate: Candidate, position_ids: list[int]) -> None:
    """Set the open positions a student is interested in."""
    replace_openings(candidate, position_ids)
    candidate.last_activity_at = utcnow()
    db.session.flush()
    _by_student("openings", candidate, chosen=sorted({int(i) for i in position_ids}))


def stop_emails(candidate: Candidate) -> None:
    """The student asks for no more email, from their page."""
    messages.stop_emails(candidate)
    _by_student("stop_emails", candidate)


def withdraw(candidate: Candidate) -> StageChange:
    """Withdraw a student's application at their own request, through the one move."""
    if hired(candidate.stage):
        raise StudentRefused(
            _l("You have already joined us. To leave, please write to us and we will help.")
        )
    if closed(candidate.stage):
        raise StudentRefused(_l("Your application is already closed: nothing to withdraw."))
    stage = db.session.scalar(
        select(Stage).where(Stage.key == StageKey.WITHDRAWN, Stage.retired.is_(False))
    )
    if stage is None:
        raise StudentRefused(
            _l("We cannot withdraw your application from this page. Please write to us.")
        )
    try:
        change = move_candidate(candidate, stage, None, None, reason="own_request")
    except MoveRefused as error:
        raise StudentRefused(
            _l("Your application changed a moment ago. Please look again and try once more.")
        ) from error
    _by_student("withdraw", candidate)
    return change


def download_data(candidate: Candidate) -> dict:
    """Everything Recruit holds on the student, for them to download (audited)."""
    data = personal_data(candidate)
    _by_student("data_download", candidate)
    return data


def request_erasure(candidate: Candidate) -> bool:
    """Record that the student asks us to erase their data; an admin decides (legal holds
    stay with them). False when they had already asked."""
    if candidate.erasure_requested_at is not None:
        return False
    candidate.erasure_requested_at = utcnow()
    db.session.flush()
    _by_student("erasure_request", candidate)
    return True


# --- what staff see of it ------------------------------------------------------------------

# How the candidate page names each thing a student did on their own page.
ACTION_LABELS = {
    "student.link_request": "Asked for a link to their page",
    "student.details": "Changed their details",
    "student.resume": "Sent a new resume",
    "student.openings": "Chose openings",
    "student.stop_emails": "Asked us to stop emailing them",
    "student.withdraw": "Withdrew their application",
    "student.data_download": "Downloaded their data",
    "student.erasure_request": "Asked us to erase their data",
}


# The candidate page shows this many of them, newest first.
STUDENT_ACTIONS_SHOWN = 20


@dataclass(frozen=True)
class StudentAction:
    """One thing a student did on their own page, as the candidate page lists it."""

    action: str
    created_at: datetime
    fields: list[str]  # the details changed, for student.details


def student_actions_column():
    """SQL: the newest things each candidate did on their own page, as json_rows beside
    them (the candidate page reads them with the record, in one round trip); turn them
    into StudentActions with student_actions_from()."""
    newest = (
        select(AuditEntry.id, AuditEntry.action, AuditEntry.created_at, AuditEntry.detail)
        .where(
            AuditEntry.target_type == "Candidate",
            AuditEntry.target_id == Candidate.id,
            AuditEntry.action.startswith("student."),
        )
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(STUDENT_ACTIONS_SHOWN)
        .correlate(Candidate)
        .subquery("newest_actions")
    )
    rows = json_rows(newest.c.id, newest.c.action, newest.c.created_at, newest.c.detail)
    return select(rows).scalar_subquery().label("student_actions")


def student_actions_from(rows: list) -> list[StudentAction]:
    """The StudentActions of student_actions_column(), newest first. An entry's detail
    comes as an object from PostgreSQL and as the JSON text SQLite stores."""
    parsed = []
    for entry_id, action, at, detail in rows:
        detail = (json.loads(detail) if isinstance(detail, str) else detail) or {}
        parsed.append((datetime.fromisoformat(at), entry_id, action, detail.get("fields", [])))
    parsed.sort(reverse=True)
    return [StudentAction(action, at, fields) for at, _id, action, fields in parsed]


def _last_opened(candidate_id):
    return select(func.max(StatusLink.last_used_at)).where(StatusLink.candidate_id == candidate_id)


def last_opened(candidate: Candidate) -> datetime | None:
    """When the student last opened their page, if ever."""
    return db.session.scalar(_last_opened(candidate.id))


def last_opened_column():
    """SQL: when each candidate last opened their own page, as a column beside them (the
    candidate page reads it with the record, in one round trip)."""
    return _last_opened(Candidate.id).scalar_subquery().label("last_opened")
