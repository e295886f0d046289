"""Message templates and the outbox: every message Recruit sends is a row here first."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recruit.database import enum_type, utcnow
from recruit.extensions import db


class MessageTemplate(db.Model):
    """A message admins word once and staff or stage moves send many times."""

    __tablename__ = "message_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Recruit's own templates keep a key, so code can find "interest_received" after an
    # admin renames it; templates admins add have none.
    key: Mapped[str | None] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # The Spanish wording; empty fields fall back to the English ones.
    subject_es: Mapped[str] = mapped_column(String(200), default="")
    body_es: Mapped[str] = mapped_column(Text, default="")
    retired: Mapped[bool] = mapped_column(default=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    updated_by = relationship("User")

    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        return self.name


class DeliveryState(enum.StrEnum):
    """Where a message is: waiting (or retrying), delivered, given up on, or withdrawn."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class LinkKind(enum.StrEnum):
    """A private link the worker makes when it sends, so the outbox never holds it."""

    EVALUATION = "evaluation"
    STATUS = "status"
    # The candidate's link to pick, move or cancel an interview; an outside
    # interviewer's link to their scorecard.
    INTERVIEW = "interview"
    SCORECARD = "scorecard"


class OutboxMessage(db.Model):
    """One message to one address, written in the transaction of the change that sends it
    and delivered afterwards by the worker (`flask deliver`). Never holds a private link:
    the body keeps a mask where the worker puts it."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        # What the worker claims next: queued messages by when they are due.
        Index("ix_outbox_messages_due", "state", "due_at"),
        Index("ix_outbox_messages_candidate", "candidate_id", "template_key", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None]
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidates.id", ondelete="SET NULL")
    )
    template_key: Mapped[str | None] = mapped_column(String(40))
    # Stable across retries, so a receiving server can drop a second copy.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    state: Mapped[DeliveryState] = mapped_column(
        enum_type(DeliveryState), default=DeliveryState.QUEUED
    )
    due_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    # A worker's claim: until then no other worker takes the message; a worker that dies
    # mid-send leaves it to be tried again once the claim runs out (at least once).
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(String(300), default="")
    link_kind: Mapped[LinkKind | None] = mapped_column(enum_type(LinkKind))
    link_ref: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # An iCalendar invitation (or cancellation) sent as an attachment; it holds no
    # private link.
    calendar: Mapped[str | None] = mapped_column(Text)

    candidate = relationship("Candidate")
    created_by = relationship("User")
