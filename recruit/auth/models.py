"""Staff accounts and their roles."""

import enum
import secrets
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column
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


def new_session_token() -> str:
    """A fresh random identifier that ties sessions and remember cookies to a user."""
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    """A staff member who signs in."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(enum_type(Role), default=Role.HR)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
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

    def set_password(self, password: str) -> None:
        """Hash and store a new password, ending every existing session."""
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(password, method=method)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        """Does this password match the stored hash?"""
        return check_password_hash(self.password_hash, password)

    def end_sessions(self) -> None:
        """Invalidate every session and remember cookie issued so far."""
        self.session_token = new_session_token()

    def get_id(self) -> str:
        # Sessions and remember cookies carry the token too, so rotating it ends them.
        return f"{self.id}:{self.session_token}"

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
