"""What a form leaves behind so that it is never saved twice."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from recruit.database import utcnow
from recruit.extensions import db


class FormReceipt(db.Model):
    """A sign-up that was saved, under the key its page made for it.

    A retry, a double tap, or a send kept on a phone whose answer was lost all carry the
    same key, find this row, and save nothing twice. The start token's nonce is kept too,
    so one form shown by Recruit saves one submission. Receipts hold no personal data and
    are pruned once no queued send can still arrive.
    """

    __tablename__ = "form_receipts"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    start_nonce: Mapped[str | None] = mapped_column(String(32), unique=True)
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidates.id", ondelete="SET NULL"), index=True
    )
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
