"""Positions with state agencies, placements of interns in them, and their evaluations."""

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recruit.auth.models import User
from recruit.candidates.models import Candidate
from recruit.database import enum_type, utcnow
from recruit.extensions import db


class FundingSource(enum.StrEnum):
    AGENCY = "agency"
    GRANT = "grant"
    STATE_FUND = "state_fund"


class PositionStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    FILLED = "filled"
    CLOSED = "closed"


class Outcome(enum.StrEnum):
    """How a placement ended."""

    COMPLETED = "completed"
    OFFER_MADE = "offer_made"
    OFFER_ACCEPTED = "offer_accepted"
    HIRED = "hired"
    NOT_CONVERTED = "not_converted"


class EvaluationKind(enum.StrEnum):
    """The four forms: supervisor mid-term and final share their items."""

    SUPERVISOR_MIDTERM = "supervisor_midterm"
    SUPERVISOR_FINAL = "supervisor_final"
    INTERN_SELF = "intern_self"
    INTERN_FEEDBACK = "intern_feedback"


class ItemForm(enum.StrEnum):
    """Which questionnaire an item belongs to."""

    SUPERVISOR = "supervisor"
    INTERN_SELF = "intern_self"
    INTERN_FEEDBACK = "intern_feedback"


class AnswerType(enum.StrEnum):
    RATING = "rating"  # 1-5 or not observed
    YES_NO = "yes_no"
    PERCENT = "percent"
    TEXT = "text"


class Position(db.Model):
    """An internship or entry-level opening with a host agency."""

    __tablename__ = "positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str] = mapped_column(String(200), index=True)
    division: Mapped[str] = mapped_column(String(200), default="")
    supervisor_name: Mapped[str] = mapped_column(String(120), default="")
    supervisor_email: Mapped[str] = mapped_column(String(254), default="")
    term: Mapped[str] = mapped_column(String(20), index=True)
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    hours_per_week: Mapped[int | None]
    pay_hourly: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    funding_source: Mapped[FundingSource] = mapped_column(
        enum_type(FundingSource), default=FundingSource.AGENCY
    )
    openings: Mapped[int] = mapped_column(default=1)
    status: Mapped[PositionStatus] = mapped_column(
        enum_type(PositionStatus), default=PositionStatus.DRAFT, index=True
    )
    # Shown to students on the public openings page (with its Spanish wording).
    description: Mapped[str] = mapped_column(Text, default="")
    description_es: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    placements: Mapped[list["Placement"]] = relationship(back_populates="position")

    __mapper_args__ = {"version_id_col": version}


class CandidateOpening(db.Model):
    """An open position a student said they are interested in."""

    __tablename__ = "candidate_openings"

    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True
    )
    position_id: Mapped[int] = mapped_column(
        ForeignKey("positions.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    position: Mapped[Position] = relationship()


class Placement(db.Model):
    """A candidate placed in a position for a term."""

    __tablename__ = "placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), index=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"), index=True)
    supervisor_name: Mapped[str] = mapped_column(String(120), default="")
    supervisor_email: Mapped[str] = mapped_column(String(254), default="")
    mentor_name: Mapped[str] = mapped_column(String(120), default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date] = mapped_column(index=True)
    hours_per_week: Mapped[int | None]
    midterm_due_on: Mapped[date | None]
    final_due_on: Mapped[date | None]
    outcome: Mapped[Outcome | None] = mapped_column(enum_type(Outcome), index=True)
    outcome_on: Mapped[date | None]
    hired_title: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    candidate: Mapped[Candidate] = relationship()
    position: Mapped[Position] = relationship(back_populates="placements")
    # In the order they were requested, however they are loaded.
    evaluations: Mapped[list["Evaluation"]] = relationship(
        back_populates="placement", order_by="Evaluation.id"
    )

    __mapper_args__ = {"version_id_col": version}


class EvaluationItem(db.Model):
    """One question on an evaluation form. Rewording retires the row and adds a new one,
    so past answers stay tied to what was asked."""

    __tablename__ = "evaluation_items"
    __table_args__ = (Index("ix_evaluation_items_form_active", "form", "retired", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form: Mapped[ItemForm] = mapped_column(enum_type(ItemForm))
    key: Mapped[str] = mapped_column(String(60))
    group: Mapped[str] = mapped_column(String(40))
    prompt: Mapped[str] = mapped_column(String(500))
    answer_type: Mapped[AnswerType] = mapped_column(enum_type(AnswerType))
    position: Mapped[int]
    retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class EvaluationRequest(db.Model):
    """A private link sent to a supervisor or intern; only the token's hash is kept."""

    __tablename__ = "evaluation_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"), index=True)
    kind: Mapped[EvaluationKind] = mapped_column(enum_type(EvaluationKind))
    recipient_name: Mapped[str] = mapped_column(String(120))
    recipient_email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # With the secret key, the nonce makes the token again when the message goes out.
    link_nonce: Mapped[str] = mapped_column(String(32), default="")
    # A link sent on a later date works from then on.
    opens_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    placement: Mapped[Placement] = relationship()
    created_by: Mapped[User | None] = relationship()


class Evaluation(db.Model):
    """A submitted evaluation or feedback form."""

    __tablename__ = "evaluations"
    __table_args__ = (
        UniqueConstraint("placement_id", "kind"),
        # A period's evaluations of each kind, for the reports.
        Index("ix_evaluations_submitted_kind", "submitted_at", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"))
    kind: Mapped[EvaluationKind] = mapped_column(enum_type(EvaluationKind))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("evaluation_requests.id"))
    submitted_by_name: Mapped[str] = mapped_column(String(120), default="")
    strengths: Mapped[str] = mapped_column(Text, default="")
    areas_to_grow: Mapped[str] = mapped_column(Text, default="")
    recommend_full_time: Mapped[bool | None]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    placement: Mapped[Placement] = relationship(back_populates="evaluations")
    answers: Mapped[list["EvaluationAnswer"]] = relationship(
        back_populates="evaluation", cascade="all, delete-orphan"
    )


class EvaluationAnswer(db.Model):
    """The answer to one item: a rating (None = not observed), a number or text."""

    __tablename__ = "evaluation_answers"
    __table_args__ = (
        UniqueConstraint("evaluation_id", "item_id"),
        # The reports average ratings per item without reading the answers' rows.
        Index("ix_evaluation_answers_ratings", "evaluation_id", "item_id", "rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("evaluation_items.id"), index=True)
    rating: Mapped[int | None]
    value: Mapped[str] = mapped_column(Text, default="")

    evaluation: Mapped[Evaluation] = relationship(back_populates="answers")
    item: Mapped[EvaluationItem] = relationship()
