"""The audit log: who did what to which record, never edited or deleted by the app."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recruit.auth.models import User
from recruit.database import utcnow
from recruit.extensions import db


class AuditEntry(db.Model):
    """One audited action."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_action_created", "action", "created_at"),
        Index("ix_audit_entries_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[int | None]
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship()
