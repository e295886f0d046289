"""Outreach events (career fairs, class talks, conferences) and what staff log at them."""

import enum
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import Column, ForeignKey, Index, Numeric, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recruit.auth.models import User
from recruit.database import enum_type, utcnow
from recruit.extensions import db
from recruit.universities.models import University


class EventKind(enum.StrEnum):
    """What sort of event it is."""

    CAREER_FAIR = "career_fair"
    CLASS_TALK = "class_talk"
    INFO_SESSION = "info_session"
    CASE_COMPETITION = "case_competition"
    CONFERENCE = "conference"
    OTHER = "other"


class EventStatus(enum.StrEnum):
    """Where an event stands, in the order the events board shows."""

    PLANNED = "planned"
    REGISTERED = "registered"
    ATTENDED = "attended"
    FOLLOWED_UP = "followed_up"
    CANCELLED = "cancelled"


event_staff = Table(
    "event_staff",
    db.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True, index=True),
)


class Event(db.Model):
    """An event the office attends or runs."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_status_starts", "status", "starts_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind), index=True)
    university_id: Mapped[int | None] = mapped_column(ForeignKey("universities.id"), index=True)
    starts_on: Mapped[date] = mapped_column(index=True)
    ends_on: Mapped[date | None]
    # Optional hours, on the office's wall clock like the dates: a fair from 10 to 3.
    starts_at_time: Mapped[time | None]
    ends_at_time: Mapped[time | None]
    location: Mapped[str] = mapped_column(String(200), default="")
    virtual_url: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[EventStatus] = mapped_column(enum_type(EventStatus), default=EventStatus.PLANNED)
    cost_registration: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=0)
    cost_travel: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=0)
    cost_giveaways: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=0)
    cost_other: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    university: Mapped[University | None] = relationship()
    staff: Mapped[list[User]] = relationship(secondary=event_staff)
    visits: Mapped[list["FairVisit"]] = relationship(
        back_populates="event", order_by="FairVisit.created_at"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def total_cost(self) -> Decimal:
        return self.cost_registration + self.cost_travel + self.cost_giveaways + self.cost_other


class FairVisit(db.Model):
    """What one staff member logged at an attended event."""

    __tablename__ = "fair_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    staff_present: Mapped[str] = mapped_column(String(500), default="")
    students_talked_to: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship(back_populates="visits")
    user: Mapped[User | None] = relationship()
    follow_ups: Mapped[list["FollowUp"]] = relationship(back_populates="visit")


class FollowUp(db.Model):
    """Something a staff member promised to do after an event, by a date."""

    __tablename__ = "follow_ups"
    __table_args__ = (Index("ix_follow_ups_due", "done_at", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("fair_visits.id"))
    description: Mapped[str] = mapped_column(String(500))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    due_on: Mapped[date]
    done_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    visit: Mapped[FairVisit | None] = relationship(back_populates="follow_ups")
    assignee: Mapped[User | None] = relationship()
