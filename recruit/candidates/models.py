"""Candidates, the pipeline stages they move through, and everything staff keep on them."""

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    event,
    func,
    inspect,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recruit.auth.models import User
from recruit.candidates.search import fold
from recruit.database import enum_type, utcnow
from recruit.events.models import Event
from recruit.extensions import db
from recruit.plain_text import shown_name
from recruit.universities.models import University


class StageKind(enum.StrEnum):
    """Active stages make the board; closed ones end the pipeline; hired is the goal."""

    ACTIVE = "active"
    CLOSED = "closed"
    HIRED = "hired"


class ClassStanding(enum.StrEnum):
    FRESHMAN = "freshman"
    SOPHOMORE = "sophomore"
    JUNIOR = "junior"
    SENIOR = "senior"
    GRADUATE = "graduate"
    RECENT_GRADUATE = "recent_graduate"


class Term(enum.StrEnum):
    SPRING = "spring"
    SUMMER = "summer"
    FALL = "fall"


class Interest(enum.StrEnum):
    """What kind of work a student is after."""

    SUMMER_INTERNSHIP = "summer_internship"
    SEMESTER_INTERNSHIP = "semester_internship"
    CO_OP = "co_op"
    FULL_TIME = "full_time"


class Source(enum.StrEnum):
    """How a candidate reached the office."""

    EVENT = "event"
    UNIVERSITY = "university"
    REFERRAL = "referral"
    WALK_IN = "walk_in"
    WEBSITE = "website"
    IMPORT = "import"


# Areas of procurement students may say they care about (the interest form offers them).
PROCUREMENT_AREAS = [
    "Sourcing and solicitations",
    "Contract management",
    "Vendor relations",
    "Market research and analytics",
    "Procurement policy and law",
    "Supplier diversity",
    "Technology and IT purchasing",
    "Construction and facilities",
]


# Long enough for any two names as typed; folding can lengthen a name (ß to ss), and the
# key is cut, not refused, so both sides of a comparison are cut alike.
NAME_KEY_LENGTH = 200


def name_key(first_name: str | None, last_name: str | None) -> str:
    """A name as the duplicate check compares it: accents, case, spaces and punctuation left
    out, so "Björn Van der Berg" and "Bjorn Vanderberg" are one name."""
    folded = fold(f"{first_name or ''}{last_name or ''}")
    return "".join(ch for ch in folded if ch.isalnum())[:NAME_KEY_LENGTH]


# Fewer digits than this say nothing of who a number belongs to ("0", "555-0100").
PHONE_KEY_MIN_DIGITS = 7
PHONE_KEY_LENGTH = 20


def phone_key(phone: str | None) -> str:
    """A phone as the duplicate check compares it: its digits alone, without a leading US
    country code, so "(555) 010-1234" and "+1 555 010 1234" are one number; blank when too
    short to tell anyone apart."""
    digits = "".join(ch for ch in phone or "" if ch in "0123456789")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits[:PHONE_KEY_LENGTH] if len(digits) >= PHONE_KEY_MIN_DIGITS else ""


def _inserted_phone_key(context) -> str:
    """The stored phone key of a row inserted without the ORM's events (bulk seeding)."""
    return phone_key(context.get_current_parameters().get("phone"))


def _inserted_name_key(context) -> str:
    """The stored name key of a row inserted without the ORM's events (bulk seeding)."""
    row = context.get_current_parameters()
    return name_key(row.get("first_name"), row.get("last_name"))


class Stage(db.Model):
    """A pipeline stage; admins rename, reorder, add and retire them."""

    __tablename__ = "stages"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    # A stable name for the stages reports reason about, kept when admins rename.
    key: Mapped[str | None] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(index=True)
    kind: Mapped[StageKind] = mapped_column(enum_type(StageKind), default=StageKind.ACTIVE)
    retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The message a candidate gets on entering this stage; None sends nothing.
    message_template_id: Mapped[int | None] = mapped_column(ForeignKey("message_templates.id"))
    # What a candidate in this stage reads on their own page: where they stand and what
    # happens next, never the internal name. An empty Spanish text falls back to English.
    student_text: Mapped[str] = mapped_column(Text, default="")
    student_text_es: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    message_template = relationship("MessageTemplate")

    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        return self.name


candidate_tags = Table(
    "candidate_tags",
    db.metadata,
    Column("candidate_id", ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(db.Model):
    """A free label staff put on candidates."""

    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))


def person_name(first_name: str, last_name: str) -> str:
    """A candidate's name as pages show it: the record, and the plain rows the board, the
    list and the interviews read."""
    return f"{first_name} {last_name}"


def tags_in_order(names) -> list[str]:
    """Tag names as a candidate's page lists them: alphabetical, whatever their case (the
    databases' own orders differ)."""
    return sorted(names, key=str.casefold)


class Candidate(db.Model):
    """A student or graduate in the pipeline: one record per person, however often they apply."""

    __tablename__ = "candidates"
    __table_args__ = (
        Index("ix_candidates_stage_entered", "stage_id", "stage_entered_at"),
        # The board counts and reads each column from these, holding only the candidates
        # staff work with: erased records (kept for the reports' counts) are not in them,
        # so nothing reads a candidate's row to leave them out.
        Index(
            "ix_candidates_working_stage",
            "stage_id",
            "stage_entered_at",
            sqlite_where=text("anonymized_at IS NULL"),
            postgresql_where=text("anonymized_at IS NULL"),
        ),
        Index(
            "ix_candidates_university_stage",
            "university_id",
            "stage_id",
            "stage_entered_at",
            sqlite_where=text("anonymized_at IS NULL"),
            postgresql_where=text("anonymized_at IS NULL"),
        ),
        # A search walks its matches newest first and counts those under the list's
        # filters: this gives each match's stage and university, in id order, without
        # reading its candidate row (once vacuum has marked the rows visible).
        Index(
            "ix_candidates_working_ids",
            "id",
            "stage_id",
            "university_id",
            sqlite_where=text("anonymized_at IS NULL"),
            postgresql_where=text("anonymized_at IS NULL"),
        ),
        # The few erased records, so that leaving them out of a count of leads reads this
        # small index once instead of each lead's candidate row.
        Index(
            "ix_candidates_erased",
            "id",
            sqlite_where=text("anonymized_at IS NOT NULL"),
            postgresql_where=text("anonymized_at IS NOT NULL"),
        ),
        # Newest first for the list, and a period's arrivals by university with how far
        # they got, for the reports, without reading the candidates' rows or histories.
        Index(
            "ix_candidates_created_reached",
            "created_at",
            "university_id",
            "reached_interview_at",
            "reached_intern_at",
            "reached_hired_at",
        ),
        # Those first offered in a period, with when they entered the pipeline.
        Index("ix_candidates_reached_offer", "reached_offer_at", "pipeline_entered_at"),
        # Candidates looked up from their leads and interviews, narrow: PostgreSQL hashes
        # a period's worth of them from this rather than reading every whole row.
        Index(
            "ix_candidates_summaries",
            "id",
            "created_at",
            "reached_interview_at",
            "reached_intern_at",
            "reached_hired_at",
            "last_offer_or_later_at",
        ),
        Index("ix_candidates_name", "last_name", "first_name"),
        # The duplicate check looks names up by their folded key, at a university or any.
        Index("ix_candidates_name_key_university", "name_key", "university_id"),
        Index("ix_candidates_phone_key", "phone_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    # name_key(first_name, last_name), kept by the events below; blank once erased, so an
    # erased record is nobody's duplicate. Accents cannot be folded in SQL on both
    # databases, so the key is stored to be looked up through its index.
    name_key: Mapped[str] = mapped_column(
        String(NAME_KEY_LENGTH), default=_inserted_name_key, server_default=""
    )
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40), default="")
    # phone_key(phone), kept by the events below like name_key: blank once erased.
    phone_key: Mapped[str] = mapped_column(
        String(PHONE_KEY_LENGTH), default=_inserted_phone_key, server_default=""
    )
    university_id: Mapped[int | None] = mapped_column(ForeignKey("universities.id"))
    university_other: Mapped[str] = mapped_column(String(200), default="")
    major: Mapped[str] = mapped_column(String(120), default="")
    class_standing: Mapped[ClassStanding | None] = mapped_column(enum_type(ClassStanding))
    grad_term: Mapped[Term | None] = mapped_column(enum_type(Term))
    grad_year: Mapped[int | None] = mapped_column(index=True)
    availability: Mapped[str] = mapped_column(String(200), default="")
    procurement_areas: Mapped[list] = mapped_column(JSON, default=list)
    source: Mapped[Source] = mapped_column(enum_type(Source), default=Source.WEBSITE)
    source_event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    consent_at: Mapped[datetime | None]
    # The candidate asked for no more email (the link in every message, or staff for them).
    emails_stopped_at: Mapped[datetime | None]
    # The language the student used on the form ("en" or "es"); messages go in it.
    language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")
    # The student asked from their own page that we erase their data; an admin decides.
    erasure_requested_at: Mapped[datetime | None]
    rating: Mapped[int | None] = mapped_column(index=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"))
    stage_entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_reason: Mapped[str | None] = mapped_column(String(40))
    legal_hold: Mapped[bool] = mapped_column(default=False)
    anonymized_at: Mapped[datetime | None]
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    # What the reports ask of the stage history, summarized: when it began, when the
    # candidate first reached Interview (or later on the main path), Offer, Active intern
    # and Hired, and when they last entered Offer or a later stage. Only
    # recruit.pipeline.summaries writes them, from the history.
    pipeline_entered_at: Mapped[datetime | None]
    reached_interview_at: Mapped[datetime | None]
    reached_offer_at: Mapped[datetime | None]
    reached_intern_at: Mapped[datetime | None]
    reached_hired_at: Mapped[datetime | None]
    last_offer_or_later_at: Mapped[datetime | None]

    university: Mapped[University | None] = relationship()
    stage: Mapped[Stage] = relationship()
    source_event: Mapped[Event | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary=candidate_tags, order_by=Tag.name)
    interests: Mapped[list["CandidateInterest"]] = relationship(
        cascade="all, delete-orphan", back_populates="candidate"
    )
    notes: Mapped[list["Note"]] = relationship(
        back_populates="candidate", order_by="Note.created_at.desc()"
    )
    history: Mapped[list["StageChange"]] = relationship(
        back_populates="candidate",
        order_by="StageChange.created_at.desc(), StageChange.id.desc()",
    )
    attachments: Mapped[list["Attachment"]] = relationship(back_populates="candidate")
    event_links: Mapped[list["CandidateEvent"]] = relationship(
        back_populates="candidate", cascade="all, delete-orphan"
    )
    alternate_emails: Mapped[list["CandidateEmail"]] = relationship(
        back_populates="candidate",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="CandidateEmail.email",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def full_name(self) -> str:
        return person_name(self.first_name, self.last_name)

    def __str__(self) -> str:
        return self.full_name


# The fields a candidate's stored name key follows.
NAME_KEY_SOURCES = ("first_name", "last_name", "anonymized_at")


@event.listens_for(Candidate, "before_insert")
@event.listens_for(Candidate, "before_update")
def _keep_name_key(_mapper, _connection, candidate: Candidate) -> None:
    """Store the key of the name a candidate is written with, wherever they are added,
    renamed, merged or erased."""
    state = inspect(candidate)
    if state.has_identity and not any(
        state.attrs[name].history.has_changes() for name in NAME_KEY_SOURCES
    ):
        return  # a move or an edit of other fields: the key stands, and nothing is read
    key = "" if candidate.anonymized_at else name_key(candidate.first_name, candidate.last_name)
    if candidate.name_key != key:
        candidate.name_key = key


@event.listens_for(Candidate, "before_insert")
@event.listens_for(Candidate, "before_update")
def _keep_phone_key(_mapper, _connection, candidate: Candidate) -> None:
    """Store the key of the phone a candidate is written with (blank once erased)."""
    state = inspect(candidate)
    if state.has_identity and not state.attrs["phone"].history.has_changes():
        return
    key = phone_key(candidate.phone)
    if candidate.phone_key != key:
        candidate.phone_key = key


class CandidateEmail(db.Model):
    """Another address a candidate is known by: the email of a duplicate merged into them.
    The interest form and search find the candidate by it, and no other candidate may take
    it. Stored in lower case, so the unique key compares addresses in any case."""

    __tablename__ = "candidate_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    candidate: Mapped[Candidate] = relationship(back_populates="alternate_emails")


Index("uq_tags_name_lower", func.lower(Tag.name), unique=True)
Index("uq_candidates_email_lower", func.lower(Candidate.email), unique=True)


class CandidateInterest(db.Model):
    """One kind of work a candidate said they want; a candidate may want several."""

    __tablename__ = "candidate_interests"

    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True
    )
    interest: Mapped[Interest] = mapped_column(enum_type(Interest), primary_key=True)

    candidate: Mapped[Candidate] = relationship(back_populates="interests")


class CandidateEvent(db.Model):
    """A candidate met at an event: that event's lead."""

    __tablename__ = "candidate_events"

    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), primary_key=True, index=True)
    via: Mapped[str] = mapped_column(String(20), default="form")
    contacted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    candidate: Mapped[Candidate] = relationship(back_populates="event_links")
    event: Mapped[Event] = relationship()


class StageChange(db.Model):
    """One move of a candidate between stages: the record nobody can lose."""

    __tablename__ = "stage_changes"
    __table_args__ = (
        # These cover what the board's history and the reports read, so aggregates over the
        # history never visit the table: a candidate's changes in order (with the stage), a
        # stage's arrivals, and the stays that ended in a period.
        Index(
            "ix_stage_changes_candidate_history", "candidate_id", "created_at", "id", "to_stage_id"
        ),
        Index(
            "ix_stage_changes_stage_arrivals",
            "to_stage_id",
            "created_at",
            "previous_entry_at",
            "candidate_id",
        ),
        Index("ix_stage_changes_stays", "created_at", "from_stage_id", "from_stage_entered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"))
    from_stage_id: Mapped[int | None] = mapped_column(ForeignKey("stages.id"))
    to_stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"))
    # When the candidate entered from_stage: this change ends that stay, so its length is
    # known the moment it ends and never has to be pieced together from the history again.
    from_stage_entered_at: Mapped[datetime | None]
    # When the candidate last entered to_stage before this change, if ever: the funnel
    # counts a candidate once per stage and period by its first entry there, without
    # de-duplicating every entry of the period in SQL.
    previous_entry_at: Mapped[datetime | None]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(String(40))
    comment: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    candidate: Mapped[Candidate] = relationship(back_populates="history")
    # Not stored: the message this move queued, for the mover's confirmation.
    queued_message = None
    from_stage: Mapped[Stage | None] = relationship(foreign_keys=[from_stage_id])
    to_stage: Mapped[Stage] = relationship(foreign_keys=[to_stage_id])
    user: Mapped[User | None] = relationship()

    @property
    def by_student(self) -> bool:
        """Did the student make this change themselves (withdrawing on their own page)?"""
        return self.user_id is None and self.reason == "own_request"


class Note(db.Model):
    """A staff note on a candidate."""

    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_candidate_created", "candidate_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    candidate: Mapped[Candidate] = relationship(back_populates="notes")
    user: Mapped[User | None] = relationship()


class Attachment(db.Model):
    """A file kept for a candidate (a resume), stored under a random name."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="resume")
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100), default="application/pdf")
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    deleted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    candidate: Mapped[Candidate] = relationship(back_populates="attachments")

    @property
    def shown_name(self) -> str:
        """The uploaded name as pages show it (files kept before names were cleaned
        on upload included)."""
        return shown_name(self.original_name)


class ProposedUpdate(db.Model):
    """What the public form sent for an email already on record. Anyone may type anyone's
    email into that form, so none of it reaches the candidate until HR or an admin accepts
    it, detail by detail; blank details are no proposal (the phone is optional on the form).
    The email itself is not kept: it only said whose record this is."""

    __tablename__ = "proposed_updates"
    __table_args__ = (
        # A candidate's open proposals for their page, and the list filter's exists().
        Index("ix_proposed_updates_candidate_closed", "candidate_id", "closed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(40), default="")
    university_id: Mapped[int | None] = mapped_column(ForeignKey("universities.id"))
    university_other: Mapped[str] = mapped_column(String(200), default="")
    major: Mapped[str] = mapped_column(String(120), default="")
    class_standing: Mapped[ClassStanding | None] = mapped_column(enum_type(ClassStanding))
    grad_term: Mapped[Term | None] = mapped_column(enum_type(Term))
    grad_year: Mapped[int | None]
    availability: Mapped[str] = mapped_column(String(200), default="")
    procurement_areas: Mapped[list] = mapped_column(JSON, default=list)
    # Interest values and position ids, as the form sent them.
    interests: Mapped[list] = mapped_column(JSON, default=list)
    opening_ids: Mapped[list] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(2), default="en")
    # When the form's consent box was ticked (the form requires it).
    consent_at: Mapped[datetime | None]
    # The uploaded resume, kept under a random name beside the candidates' files until it
    # is accepted (it becomes an attachment) or dismissed (deleted); the name stays.
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_stored_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    file_size: Mapped[int | None]
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Set once nothing in it is left to decide.
    closed_at: Mapped[datetime | None]

    candidate: Mapped[Candidate] = relationship()
    event: Mapped[Event | None] = relationship()
    university: Mapped[University | None] = relationship()

    @property
    def file_shown_name(self) -> str | None:
        """The uploaded file's name as pages show it."""
        return shown_name(self.file_name) if self.file_name else None

    decisions: Mapped[list["ProposalDecision"]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="ProposalDecision.field"
    )


class ProposalDecision(db.Model):
    """HR's answer to one detail of a proposed update. One per detail: the key refuses a
    second answer, so two people deciding the same detail at once cannot both win."""

    __tablename__ = "proposal_decisions"

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposed_updates.id", ondelete="CASCADE"), primary_key=True
    )
    field: Mapped[str] = mapped_column(String(40), primary_key=True)
    accepted: Mapped[bool]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[ProposedUpdate] = relationship(back_populates="decisions")
    user: Mapped[User | None] = relationship()
