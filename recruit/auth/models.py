"""Staff accounts, their roles and their signed-in sessions."""

import enum
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, delete, func
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from recruit.database import enum_type, utcnow
from recruit.extensions import db

MIN_PASSWORD_LENGTH = 12


class Role(enum.StrEnum):
    """A staff member's role; recruit.auth.policy says what each role may do."""

    ADMIN = "admin"
    HR = "hr"
    OUTREACH = "outreach"

    @property
    def label(self) -> str:
        return {"admin": "Admin", "hr": "HR staff", "outreach": "Outreach"}[self.value]


class User(UserMixin, db.Model):
    """A staff member who signs in."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(enum_type(Role), default=Role.HR)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None]
    # Two-step verification. The secret is kept as authenticator apps take it (base32): the
    # code must be computed from it, so a hash cannot stand in, and keeping it beside the
    # password hash, out of every export, is what the common tools do.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    two_step_enabled_at: Mapped[datetime | None]
    # The time step of the last code accepted: a code is never taken twice (replay).
    totp_last_counter: Mapped[int | None]

    # The session this user object was loaded for, "<user id>:<token>", set by sign-in and
    # by the user loader; Flask-Login keeps it in the session and the remember cookie.
    session_key = None

    def set_password(self, password: str, keep: "StaffSession | None" = None) -> None:
        """Hash and store a new password, ending every session but keep."""
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(password, method=method)
        self.end_sessions(keep=keep)

    def check_password(self, password: str) -> bool:
        """Does this password match the stored hash?"""
        return check_password_hash(self.password_hash, password)

    def end_sessions(self, keep: "StaffSession | None" = None) -> None:
        """End every session and remember cookie of this user's, but keep if given."""
        if self.id is None:
            return  # a new account has no sessions yet
        ended = delete(StaffSession).where(StaffSession.user_id == self.id)
        if keep is not None:
            ended = ended.where(StaffSession.id != keep.id)
        db.session.execute(ended)

    def get_id(self) -> str:
        # The session row's token rides along, so ending the row ends the session and
        # its remember cookie; a user object loaded for no session gets an id that no
        # row matches.
        return self.session_key or f"{self.id}:"

    @property
    def is_active(self) -> bool:
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class RecoveryCode(db.Model):
    """One of a user's single-use codes for signing in without their authenticator app."""

    __tablename__ = "recovery_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # SHA-256 of the code: codes are 80 random bits, so a fast hash cannot be reversed.
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]


Index("uq_users_email_lower", func.lower(User.email), unique=True)


class StaffSession(db.Model):
    """One sign-in of a staff member on one device, live until it ends or expires.

    Ending a session deletes its row (the audit log keeps who ended it and when): a row
    is the session, so a remember cookie restores nothing once its row is gone.
    """

    __tablename__ = "staff_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the random token in the session and remember cookies: a copy of the
    # database cannot be turned into cookies.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The password sign-in; restoring from the remember cookie never moves it.
    signed_in_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    remember: Mapped[bool] = mapped_column(default=False)
    device: Mapped[str] = mapped_column(String(60), default="")
    address: Mapped[str] = mapped_column(String(64), default="")

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<StaffSession {self.id} of user {self.user_id}>"
