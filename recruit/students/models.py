"""Private links to a student's own page; only the token's hash is kept."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recruit.candidates.models import Candidate
from recruit.database import utcnow
from recruit.extensions import db


class StatusLink(db.Model):
    """One link to a candidate's status page. The token is an HMAC of the row and its
    nonce under the secret key (made again when the message goes out); a newer link
    retires the older ones, and every link expires."""

    __tablename__ = "status_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(32))
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    candidate: Mapped[Candidate] = relationship()
