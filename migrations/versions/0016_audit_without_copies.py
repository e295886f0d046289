"""audit entries without copies of a person's details: a merge entry's copy of the removed
record's profile becomes a keyed hash of its address, a scorecard entry loses the
interviewer's name (its id stays), and a searched export keeps a keyed hash of the search

Revision ID: 0016
Revises: 0015
"""

import hashlib
import hmac

import sqlalchemy as sa
from alembic import op
from flask import current_app

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

audit_entries = sa.table(
    "audit_entries",
    sa.column("id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("detail", sa.JSON),
)


def _keyed_hash(value: str) -> str:
    # As recruit.audit.services.keyed_hash wrote it when this revision was made.
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, value.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]


def _without_copies(action: str, detail: dict) -> dict:
    detail = dict(detail)
    if action == "candidate.merge" and isinstance(detail.get("removed"), dict):
        email = detail.pop("removed").get("email") or ""
        if email:
            detail["removed_email_hash"] = _keyed_hash(email)
    if action == "scorecard.submit":
        detail.pop("interviewer_name", None)
    filters = detail.get("filters")
    if action == "candidate.export" and isinstance(filters, dict) and filters.get("q"):
        detail["filters"] = {**filters, "q": _keyed_hash(str(filters["q"]))}
    return detail


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(audit_entries.c.id, audit_entries.c.action, audit_entries.c.detail).where(
            audit_entries.c.action.in_(["candidate.merge", "scorecard.submit", "candidate.export"])
        )
    ).all()
    for entry_id, action, detail in rows:
        cleaned = _without_copies(action, detail or {})
        if cleaned != detail:
            connection.execute(
                audit_entries.update()
                .where(audit_entries.c.id == entry_id)
                .values(detail=cleaned)
            )


def downgrade():
    # The copies are gone for good: that was the point.
    pass
