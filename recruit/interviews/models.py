"""Interviews: when and where a candidate meets whom, the times offered for them to pick,
and the scorecards each interviewer fills against the position's interview kit."""

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recruit.auth.models import User
from recruit.candidates.models import Candidate
from recruit.database import enum_type, utcnow
from recruit.extensions import db
from recruit.placements.models import Position


class InterviewKind(enum.StrEnum):
    """What sort of conversation it is."""

    PHONE_SCREEN = "phone_screen"
    PANEL = "panel"
    AGENCY = "agency_interview"

    @property
    def label(self) -> str:
        return {"phone_screen": "Phone screen", "panel": "Panel interview"}.get(
            self.value, "Agency interview"
        )


class InterviewState(enum.StrEnum):
    """Offered (times sent, none chosen yet), scheduled, or cancelled."""

    OFFERED = "offered"
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Recommendation(enum.StrEnum):
    """An interviewer's overall call, from strong no to strong yes."""

    STRONG_NO = "strong_no"
    NO = "no"
    YES = "yes"
    STRONG_YES = "strong_yes"


class Interview(db.Model):
    """One interview of one candidate. Times are UTC; an offered interview has no time
    until the candidate picks one of its slots."""

    __tablename__ = "interviews"
    __table_args__ = (
        # Overlap checks and the lists: scheduled interviews by when they start; the
        # reports read a period's candidates and positions from it, and the list counts a
        # span's interviews (which end after it starts), without the rows.
        Index(
            "ix_interviews_state_starts",
            "state",
            "starts_at",
            "candidate_id",
            "position_id",
            "ends_at",
        ),
        # A candidate's earlier interviews, for the reports' first interview.
        Index(
            "ix_interviews_candidate_state_starts",
            "candidate_id",
            "state",
            "starts_at",
            "position_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"))
    kind: Mapped[InterviewKind] = mapped_column(enum_type(InterviewKind))
    state: Mapped[InterviewState] = mapped_column(enum_type(InterviewState))
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    duration_minutes: Mapped[int] = mapped_column(default=30)
    location: Mapped[str] = mapped_column(String(200), default="")
    video_url: Mapped[str] = mapped_column(String(500), default="")
    note_for_candidate: Mapped[str] = mapped_column(Text, default="")
    # The calendar entry's identity: the same UID in every invitation, SEQUENCE raised by
    # each change, so calendars update one entry rather than add another.
    uid: Mapped[str] = mapped_column(String(120), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)
    # The candidate's private link (to pick, move or cancel): only its hash is kept; the
    # nonce and the secret key make it again when a message goes out.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    link_nonce: Mapped[str] = mapped_column(String(32))
    cancelled_at: Mapped[datetime | None]
    cancelled_by_candidate: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    candidate: Mapped[Candidate] = relationship()
    position: Mapped[Position | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    interviewers: Mapped[list["Interviewer"]] = relationship(
        back_populates="interview", cascade="all, delete-orphan", order_by="Interviewer.id"
    )
    slots: Mapped[list["InterviewSlot"]] = relationship(
        back_populates="interview",
        cascade="all, delete-orphan",
        order_by="InterviewSlot.starts_at",
    )

    __mapper_args__ = {"version_id_col": version}


class InterviewSlot(db.Model):
    """A time HR offered for the candidate to pick."""

    __tablename__ = "interview_slots"
    __table_args__ = (UniqueConstraint("interview_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]

    interview: Mapped[Interview] = relationship(back_populates="slots")


class Interviewer(db.Model):
    """A member of an interview's panel: a staff account, or someone outside the office
    (an agency supervisor) known by name and email, who reaches their scorecard by a
    private link."""

    __tablename__ = "interviewers"
    __table_args__ = (
        UniqueConstraint("interview_id", "email"),
        # An interview's panel, and whether someone sits on it (sits_on(): looked up for
        # each interview of a day, never by reading all that a person ever sat on).
        Index("ix_interviewers_interview_user", "interview_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    # Lowercased, so the same person is found busy whichever way their address was typed.
    email: Mapped[str] = mapped_column(String(254), index=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    link_nonce: Mapped[str] = mapped_column(String(32), default="")

    interview: Mapped[Interview] = relationship(back_populates="interviewers")
    user: Mapped[User | None] = relationship()
    scorecard: Mapped["Scorecard | None"] = relationship(
        back_populates="interviewer", cascade="all, delete-orphan", uselist=False
    )


class InterviewKit(db.Model):
    """The questions a position's interviews ask (no position: the office's default)."""

    __tablename__ = "interview_kits"

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"), unique=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    position: Mapped[Position | None] = relationship()
    questions: Mapped[list["KitQuestion"]] = relationship(
        back_populates="kit", cascade="all, delete-orphan", order_by="KitQuestion.sort_order"
    )

    __mapper_args__ = {"version_id_col": version}


class KitQuestion(db.Model):
    """One question of a kit and the competency it assesses (a key of the NACE
    competencies or the procurement items the evaluations use)."""

    __tablename__ = "kit_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    kit_id: Mapped[int] = mapped_column(ForeignKey("interview_kits.id", ondelete="CASCADE"))
    sort_order: Mapped[int] = mapped_column(default=0)
    competency: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(String(500))

    kit: Mapped[InterviewKit] = relationship(back_populates="questions")


class Scorecard(db.Model):
    """One interviewer's ratings of one interview. Ratings are kept as the questions read
    when it was filled, so a kit reworded later does not change what was judged:
    [{"competency", "question", "rating" (1-4), "evidence"}]."""

    __tablename__ = "scorecards"

    id: Mapped[int] = mapped_column(primary_key=True)
    interviewer_id: Mapped[int] = mapped_column(
        ForeignKey("interviewers.id", ondelete="CASCADE"), unique=True
    )
    ratings: Mapped[list] = mapped_column(JSON, default=list)
    recommendation: Mapped[Recommendation] = mapped_column(enum_type(Recommendation))
    summary: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    interviewer: Mapped[Interviewer] = relationship(back_populates="scorecard")
