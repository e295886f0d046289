"""Universities the office works with, their contacts and every interaction with them."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, case
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recruit.auth.models import User
from recruit.database import enum_type, utcnow
from recruit.extensions import db


class Partnership(enum.StrEnum):
    """How far the office's relationship with a university has come."""

    PROSPECT = "prospect"
    ACTIVE = "active"
    FORMAL_AGREEMENT = "formal_agreement"


class ContactRole(enum.StrEnum):
    """A contact's place at the university."""

    CAREER_CENTER = "career_center"
    FACULTY = "faculty"
    STUDENT_ORG_ADVISOR = "student_org_advisor"
    STUDENT_OFFICER = "student_officer"


class InteractionKind(enum.StrEnum):
    """How staff reached a contact."""

    EMAIL = "email"
    CALL = "call"
    VISIT = "visit"
    CLASS_TALK = "class_talk"
    OTHER = "other"


def full_name_of(name: str, college: str) -> str:
    """A university's name with its college or department, when it has one."""
    return f"{name}, {college}" if college else name


class University(db.Model):
    """A university (or one of its colleges) the office recruits from."""

    __tablename__ = "universities"
    __table_args__ = (UniqueConstraint("name", "college", name="uq_universities_name_college"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    college: Mapped[str] = mapped_column(String(200), default="")
    majors: Mapped[str] = mapped_column(String(500), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    state: Mapped[str] = mapped_column(String(2), default="", index=True)
    partnership: Mapped[Partnership] = mapped_column(
        enum_type(Partnership), default=Partnership.PROSPECT, index=True
    )
    agreement_on: Mapped[date | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    contacts: Mapped[list["Contact"]] = relationship(
        back_populates="university", order_by="Contact.name"
    )

    __mapper_args__ = {"version_id_col": version}

    @hybrid_property
    def full_name(self) -> str:
        """The name with its college or department: three colleges share "State University"."""
        return full_name_of(self.name, self.college)

    @full_name.inplace.expression
    @classmethod
    def _full_name_expression(cls):
        return case((cls.college != "", cls.name + ", " + cls.college), else_=cls.name)

    def __str__(self) -> str:
        return self.full_name


class Contact(db.Model):
    """A person at a university: career center staff, faculty, advisors, officers."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    university_id: Mapped[int] = mapped_column(ForeignKey("universities.id"), index=True)
    role: Mapped[ContactRole] = mapped_column(enum_type(ContactRole))
    name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    next_follow_up_on: Mapped[date | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    university: Mapped[University] = relationship(back_populates="contacts")
    owner: Mapped[User | None] = relationship()
    interactions: Mapped[list["Interaction"]] = relationship(
        back_populates="contact", order_by="Interaction.occurred_on.desc()"
    )

    __mapper_args__ = {"version_id_col": version}


class Interaction(db.Model):
    """One logged touch with a contact."""

    __tablename__ = "interactions"
    __table_args__ = (Index("ix_interactions_contact_date", "contact_id", "occurred_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    kind: Mapped[InteractionKind] = mapped_column(enum_type(InteractionKind))
    occurred_on: Mapped[date]
    notes: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contact: Mapped[Contact] = relationship(back_populates="interactions")
    user: Mapped[User | None] = relationship()
