"""Candidate records: profiles, duplicates, tags, notes, event links and resumes.

Stages, moves, history, merging and leads are the pipeline's (recruit.pipeline)."""

import hashlib
import logging
import secrets
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from operator import itemgetter
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, String, and_, bindparam, func, literal_column, select, union
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from recruit import cached
from recruit.audit.services import record
from recruit.auth.models import User
from recruit.candidates.models import (
    Attachment,
    Candidate,
    CandidateEmail,
    CandidateEvent,
    CandidateInterest,
    Interest,
    Note,
    ProposedUpdate,
    Tag,
    name_key,
    person_name,
    phone_key,
)
from recruit.database import json_rows, remove_if_not_saved, utcnow
from recruit.extensions import db
from recruit.pipeline.moves import last_stage_change, new_candidate, record_entry
from recruit.pipeline.rules import on_board
from recruit.plain_text import shown_name
from recruit.stale import check, flush
from recruit.universities.services import university_names

log = logging.getLogger(__name__)

# Names looked up in one query by an import's duplicate check: well under every
# database's limit on bound parameters.
NAMES_PER_QUERY = 500


def stage_choices(include_closed: bool = True) -> list[tuple[str, str]]:
    """Stages in use as (id, name) for a select, in pipeline order. Bulk moves leave the
    closed ones out: closing needs a reason, which only the candidate page asks for."""
    # The worker's copy of the stages (recruit.cached): every move and bulk move asks.
    return [
        (str(stage.id), stage.name)
        for stage in cached.stages()
        if not stage.retired and (include_closed or on_board(stage))
    ]


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
    """The candidate with this email, in any letter case: their own, or an address they
    keep as an alternate (from a merge)."""
    own = db.session.scalar(
        select(Candidate).where(func.lower(Candidate.email) == email.strip().lower())
    )
    return own or owner_of_alternate(email)


def owner_of_alternate(email: str) -> Candidate | None:
    """The candidate who keeps this email as an alternate address (from a merge)."""
    return db.session.scalar(
        select(Candidate)
        .join(CandidateEmail, CandidateEmail.candidate_id == Candidate.id)
        .where(CandidateEmail.email == email.strip().lower())
    )


def keep_alternate_email(candidate: Candidate, email: str) -> None:
    """Remember an address a candidate is also known by, once, in lower case."""
    email = email.strip().lower()
    if email and email != candidate.email.lower():
        known = {alternate.email for alternate in candidate.alternate_emails}
        # An address is one person's: one another record already keeps stays theirs.
        if email not in known and owner_of_alternate(email) is None:
            candidate.alternate_emails.append(CandidateEmail(email=email))


def duplicate_keys(first_name: str, last_name: str, university_id) -> tuple[tuple, tuple]:
    """The (name_key, university id) pairs a candidate answers to as a likely duplicate:
    a search at their university, and a search at no university in particular."""
    key = name_key(first_name, last_name)
    return (key, university_id), (key, None)


def same_names(wanted: set[tuple[str, int | None]]) -> dict[tuple[str, int | None], list[int]]:
    """For each (name_key, university id), the ids of candidates with that name at that
    university, or at any university when the id is None; one query per NAMES_PER_QUERY
    names, reading only the candidates with those names, through their index."""
    # An empty key (erased records, names of punctuation alone) says nothing of who it is.
    keys = sorted({key for key, _university_id in wanted if key})
    universities = {university_id for _key, university_id in wanted}
    found: dict[tuple[str, int | None], list[int]] = {}
    for start in range(0, len(keys), NAMES_PER_QUERY):
        query = select(Candidate.id, Candidate.name_key, Candidate.university_id).where(
            Candidate.name_key.in_(keys[start : start + NAMES_PER_QUERY])
        )
        if None not in universities:
            query = query.where(Candidate.university_id.in_(universities))
        for candidate_id, key, university_id in db.session.execute(query.order_by(Candidate.id)):
            for pair in {(key, university_id), (key, None)}:
                if pair in wanted:
                    found.setdefault(pair, []).append(candidate_id)
    return found


LIKELY_DUPLICATES_SHOWN = 5


def _likely_duplicate_ids(email, name, university_id, phone, exclude_id):
    """SQL: the ids of the first five other candidates (by id) with the same email (their
    own or an alternate one), the same phone (phone_key), or the same name (name_key) at
    the same university (at any when none is given). The values are SQL: bound parameters
    for what a form sent, or a candidate's own columns for their page. Erased records
    match no way (blank keys, an address no form accepts, no alternates left), so none
    takes one of the five; the callers leave them out too, should one ever match."""

    # Each way of matching reads its own index; a union of their ids (not one OR over the
    # table, which PostgreSQL answers by reading every candidate) picks the records. An
    # empty key (erased records, names of punctuation alone) says nothing of who it is.
    def same_name(other):
        return and_(name != "", other.name_key == name)

    ways = (
        lambda other: func.lower(other.email) == email,
        lambda other: and_(same_name(other), other.university_id == university_id),
        lambda other: and_(same_name(other), university_id.is_(None)),
        lambda other: and_(phone != "", other.phone_key == phone),
    )
    matches = [
        select(CandidateEmail.candidate_id.label("id")).where(
            CandidateEmail.email == email, CandidateEmail.candidate_id != exclude_id
        )
    ]
    for way in ways:
        other = aliased(Candidate)
        matches.append(select(other.id).where(way(other), other.id != exclude_id))
    # A record's own columns come from the statement around it.
    found = union(*(match.correlate(Candidate) for match in matches)).subquery("same_person")
    # Five at most, so each is then read through the primary key, never by walking it; a
    # LIMIT written out, so PostgreSQL can keep one plan for the statement around it.
    shown = literal_column(str(LIKELY_DUPLICATES_SHOWN))
    return select(found.c.id).order_by(found.c.id).limit(shown)


def likely_duplicates(
    email: str,
    first_name: str,
    last_name: str,
    university_id,
    exclude_id=None,
    phone: str = "",
) -> list[Candidate]:
    """Candidates staff work with who look like the person a form describes (see
    _likely_duplicate_ids); one query, with what a warning shows of them loaded."""
    values = _described(email, first_name, last_name, university_id, phone, exclude_id)
    return list(db.session.scalars(_likely_duplicates(), values))


def _described(email: str, first_name: str, last_name: str, university_id, phone, exclude_id):
    """The values _bound_ids() matches: the address lower-cased by Python (SQLite's
    lower() folds ASCII letters alone), and the keys stored for names and phones."""
    return {
        "email": email.strip().lower(),
        "name_key": name_key(first_name, last_name),
        "university_id": university_id,
        "phone_key": phone_key(phone),
        # No one has id 0; a NULL would make "id != exclude_id" leave out everyone.
        "exclude_id": exclude_id or 0,
    }


def _bound_ids():
    """_likely_duplicate_ids() for the values of _described()."""
    return _likely_duplicate_ids(
        bindparam("email", type_=String),
        bindparam("name_key", type_=String),
        bindparam("university_id", type_=Integer),
        bindparam("phone_key", type_=String),
        bindparam("exclude_id", type_=Integer),
    )


@cache
def _likely_duplicates():
    """Built once: every candidate added or edited by hand asks."""
    return (
        select(Candidate)
        .options(joinedload(Candidate.university), joinedload(Candidate.stage))
        .where(Candidate.id.in_(_bound_ids()), Candidate.anonymized_at.is_(None))
        .order_by(Candidate.id)
    )


@dataclass(frozen=True, slots=True)
class Duplicate:
    """What the candidate page shows of a likely duplicate, read as plain columns."""

    id: int
    first_name: str
    last_name: str
    email: str
    phone: str | None
    phone_key: str | None
    name_key: str | None
    university_name: str | None
    university_other: str | None
    stage_name: str

    @property
    def full_name(self) -> str:
        return person_name(self.first_name, self.last_name)


def _shown(other) -> tuple:
    """What the candidate page shows of a likely duplicate, in Duplicate's order (with
    the ids of its university and stage)."""
    return (
        other.id,
        other.first_name,
        other.last_name,
        other.email,
        other.phone,
        other.phone_key,
        other.name_key,
        other.university_id,
        other.university_other,
        other.stage_id,
    )


def duplicates_column():
    """SQL: a candidate's likely duplicates (none for an erased record) as json_rows
    beside them, matched by their own stored keys: the candidate page reads them with the
    record, in one round trip. Turn them into Duplicates with duplicates_from(); for an
    address with letters beyond ASCII, ask duplicates_of() instead."""
    ids = _likely_duplicate_ids(
        func.lower(func.trim(Candidate.email)),
        Candidate.name_key,
        Candidate.university_id,
        Candidate.phone_key,
        Candidate.id,
    )
    other = aliased(Candidate, name="duplicate")
    found = select(json_rows(*_shown(other))).where(
        other.id.in_(ids), other.anonymized_at.is_(None), Candidate.anonymized_at.is_(None)
    )
    return found.correlate(Candidate).scalar_subquery().label("duplicates")


def matched_in_sql(candidate: Candidate) -> bool:
    """Can the record's own statement match this candidate's address? SQLite's lower()
    (and PostgreSQL's, in an ASCII-only locale) folds ASCII letters alone."""
    return candidate.email.isascii()


def duplicates_of(candidate: Candidate) -> list[Duplicate]:
    """A candidate's likely duplicates in a statement of their own, their address
    lower-cased as the forms do it (for those matched_in_sql() cannot match)."""
    if candidate.anonymized_at is not None:
        return []
    values = _described(
        candidate.email,
        candidate.first_name,
        candidate.last_name,
        candidate.university_id,
        candidate.phone,
        candidate.id,
    )
    return duplicates_from(db.session.execute(_duplicates_of(), values).all())


@cache
def _duplicates_of():
    query = select(*_shown(Candidate))
    return query.where(Candidate.id.in_(_bound_ids()), Candidate.anonymized_at.is_(None))


def duplicates_from(rows: list) -> list[Duplicate]:
    """The Duplicates of duplicates_column() or _duplicates_of(), by id, their university
    and stage named from the per-process copies."""
    universities = university_names()
    stages = {stage.id: stage.name for stage in cached.stages()}
    found = []
    for row in sorted(rows, key=itemgetter(0)):
        *shown, university_id, university_other, stage_id = row
        found.append(
            Duplicate(
                *shown,
                university_name=universities.get(university_id),
                university_other=university_other,
                stage_name=stages[stage_id],
            )
        )
    return found


def why_duplicate(candidate: Candidate, other: Candidate | Duplicate) -> str:
    """What makes other look like candidate, in words: the strongest sign first."""
    if other.email.lower() == candidate.email.lower():
        return _l("same email")
    if other.phone_key and other.phone_key == phone_key(candidate.phone):
        return _l("same phone")
    if other.name_key and other.name_key == name_key(candidate.first_name, candidate.last_name):
        return _l("same name and university") if candidate.university_id else _l("same name")
    return _l("same email")  # one of them keeps the other's address as an alternate


def create_candidate(values: dict, interests, tags, by_user: User | None, **entry) -> Candidate:
    """Add a candidate in the first stage, recording the entry as a stage change."""
    # An address kept from a merge is that person's, like their own: no second record.
    with db.session.no_autoflush:
        owner = owner_of_alternate(values["email"])
    if owner is not None:
        raise DuplicateCandidate(owner)
    candidate = new_candidate(values)
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
    record_entry(candidate, by_user, comment=entry.get("comment", ""))
    if values.get("source_event_id"):
        link_event(candidate, values["source_event_id"], via=entry.get("via", "staff"))
    record("candidate.create", user=by_user, target=candidate)
    return candidate


def update_candidate(candidate: Candidate, values: dict, interests, tags, by_user: User) -> None:
    """Save edits to a candidate's profile; interests or tags given as None stay as they
    are. The version guards against lost updates."""
    for name, value in values.items():
        setattr(candidate, name, value)
    if interests is not None:
        candidate.interests = [
            next((ci for ci in candidate.interests if ci.interest == Interest(i)), None)
            or CandidateInterest(interest=Interest(i))
            for i in sorted(set(interests))
        ]
    if tags is not None:
        set_tags(candidate, tags)
    candidate.last_activity_at = utcnow()
    if values.get("source_event_id"):
        link_event(candidate, values["source_event_id"], via="staff")
    record("candidate.update", user=by_user, target=candidate)


class LikelyDuplicates(Exception):
    """The candidate may be someone already here: the same email (never two), or the same
    name at the same university (saved only once the editor says it is someone else)."""

    def __init__(self, duplicates: list[Candidate], same_email: bool):
        self.duplicates = duplicates
        self.same_email = same_email
        super().__init__("This may be someone already here.")


def _last_move(candidate: Candidate) -> tuple[str, datetime] | None:
    """Who moved the candidate last and when: moves change the record without an audit entry."""
    change = last_stage_change(candidate)
    if change is None or change.from_stage_id is None:  # an entry, not a move
        return None
    return (change.user.name if change.user else "Someone else"), change.created_at


def check_unchanged(candidate: Candidate, expected_version: int | None) -> None:
    """Refuse an edit made from an older version of the candidate, whatever it holds."""
    check(candidate, expected_version, "candidate", last_change=_last_move)


def check_duplicates(candidate: Candidate | None, values: dict, confirmed: bool) -> None:
    """Refuse an email another candidate has, and a likely duplicate the editor has not
    confirmed is someone else."""
    duplicates = likely_duplicates(
        values["email"],
        values["first_name"],
        values["last_name"],
        values["university_id"],
        exclude_id=candidate.id if candidate else None,
        phone=values.get("phone", ""),
    )
    # Whoever holds the email, as theirs or as an alternate, is asked for on its own: the
    # suggestions stop at five, and two records never share an address.
    email = values["email"]
    holder = candidate_by_email(email)
    if holder is not None and (candidate is None or holder.id != candidate.id):
        others = [d for d in duplicates if d.id != holder.id]
        raise LikelyDuplicates([holder, *others][:LIKELY_DUPLICATES_SHOWN], True)
    if duplicates and not confirmed:
        raise LikelyDuplicates(duplicates, False)


def save_candidate(
    candidate: Candidate | None, values: dict, interests, tags, consent: bool, by_user: User
) -> Candidate:
    """Add a candidate or save edits to one checked by check_candidate. Consent is dated
    when it is first given, kept while it stands, and cleared when it is withdrawn."""
    values = dict(values)
    if candidate is None:
        values["consent_at"] = utcnow() if consent else None
        return create_candidate(values, interests, tags, by_user)
    if consent and candidate.consent_at is None:
        values["consent_at"] = utcnow()
    elif not consent:
        values["consent_at"] = None
    update_candidate(candidate, values, interests, tags, by_user)
    flush_candidate(candidate)
    return candidate


def save_in_place(
    candidate: Candidate, by_user: User, values: dict | None = None, tags: list[str] | None = None
) -> None:
    """Save a detail set in place on the candidate's page (the rating, the tags) as the
    Edit form saves it: the same audit entry, refused as stale if someone saved meanwhile.
    A value that is already saved writes nothing: no entry, no new version."""
    values = values or {}
    same_values = all(getattr(candidate, name) == value for name, value in values.items())
    same_tags = tags is None or sorted(t.name.lower() for t in candidate.tags) == sorted(
        name.lower() for name in tags
    )
    if same_values and same_tags:
        return
    update_candidate(candidate, values, None, tags, by_user)
    flush_candidate(candidate)


def flush_candidate(candidate: Candidate) -> None:
    """Write a candidate's pending changes; a save that lost the race since the check is
    refused as stale (StaleSave), saying who moved or saved it meanwhile."""
    flush(candidate, "candidate", last_change=_last_move)


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
    """An upload that is not a PDF or is too large; its message is in the page's language
    (the public form's may be Spanish)."""


def check_resume(upload) -> bytes:
    """The upload's bytes if it is a PDF within the size limit, else ResumeRejected."""
    limit = current_app.config["RESUME_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise ResumeRejected(
            _l("The resume is larger than %(size)d MB.", size=limit // (1024 * 1024))
        )
    if not data.startswith(b"%PDF-"):
        raise ResumeRejected(_l("The resume must be a PDF file."))
    # Imported on the first upload: pypdf (with Pillow) would hold 9 MB in every worker
    # that never sees a resume.
    from recruit.candidates import resume_pdf

    try:
        resume_pdf.check_structure(data)
    except resume_pdf.Unreadable:
        raise ResumeRejected(
            _l("We could not read the resume as a PDF. Please save it as a PDF again.")
        ) from None
    except resume_pdf.Active:
        raise ResumeRejected(
            _l(
                "The resume holds scripts or attached files, which we cannot accept. "
                "Please save it as a plain PDF (for example with Print to PDF)."
            )
        ) from None
    except resume_pdf.TooLong:
        raise ResumeRejected(
            _l("The resume is longer than %(pages)d pages.", pages=resume_pdf.MAX_PAGES)
        ) from None
    return data


def upload_folder() -> Path:
    """The folder candidates' files are kept in, created when first needed."""
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_upload(data: bytes) -> str:
    """Keep a checked PDF's bytes under a new random name in the upload folder; returns
    the name."""
    stored_name = secrets.token_hex(16) + ".pdf"
    path = upload_folder() / stored_name
    path.write_bytes(data)
    remove_if_not_saved(path)
    return stored_name


def upload_name(filename: str | None) -> str:
    """The name a file is shown under: its own, without any folder, control or
    text-direction characters. Downloads never use it (see download_name)."""
    return (shown_name(Path(filename or "resume.pdf").name).strip() or "resume.pdf")[:255]


def download_name(candidate_id: int, file_key: int | str) -> str:
    """The name a resume downloads under: ours, never the uploader's (a file sent as
    evil.html must not reach a browser's downloads bar as an HTML page)."""
    return f"resume-{candidate_id}-{file_key}.pdf"


def store_resume(candidate: Candidate, filename: str, data: bytes, by_user) -> Attachment:
    """Keep a checked PDF under a random name in the instance folder."""
    stored_name = write_upload(data)
    attachment = Attachment(
        candidate=candidate,
        original_name=upload_name(filename),
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


# --- what the public form may store ---------------------------------------------------

# What a student reads when their form was saved without its file (UPLOAD_MIN_FREE_BYTES,
# PUBLIC_UPLOAD_BYTES_PER_HOUR); the rest of what they sent is kept either way.
RESUME_NOT_KEPT = _l(
    "We have your form, but we could not keep your resume just now. Please send it to us "
    "again later."
)


def public_upload_bytes_last_hour() -> int:
    """Bytes of files stored from anonymous uploads in the last hour: resumes attached
    without a staff member, and files of proposed updates still held."""
    since = utcnow() - timedelta(hours=1)
    attached = select(func.coalesce(func.sum(Attachment.size), 0)).where(
        Attachment.uploaded_by_id.is_(None), Attachment.created_at >= since
    )
    proposed = select(func.coalesce(func.sum(ProposedUpdate.file_size), 0)).where(
        ProposedUpdate.file_stored_name.is_not(None), ProposedUpdate.created_at >= since
    )
    return int(db.session.scalar(select(attached.scalar_subquery() + proposed.scalar_subquery())))


def public_upload_allowed(size: int) -> tuple[bool, str]:
    """May a file of this many bytes from a public form be stored now? (True, "") or
    (False, why, in English for the log). The student reads RESUME_NOT_KEPT either way."""
    config = current_app.config
    free = shutil.disk_usage(upload_folder()).free
    floor = config["UPLOAD_MIN_FREE_BYTES"]
    if free - size < floor:
        reason = f"the upload folder's disk would have less than {floor} bytes free"
    elif public_upload_bytes_last_hour() + size > config["PUBLIC_UPLOAD_BYTES_PER_HOUR"]:
        reason = "public uploads reached PUBLIC_UPLOAD_BYTES_PER_HOUR"
    else:
        return True, ""
    log.warning("A public upload of %d bytes was not stored: %s", size, reason)
    return False, reason
