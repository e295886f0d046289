"""the erased candidates in an index of their own, so that the dashboard and the follow-ups
page leave them out of a count of leads without reading each lead's candidate row

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

ERASED = sa.text("anonymized_at IS NOT NULL")


def upgrade():
    op.create_index(
        "ix_candidates_erased",
        "candidates",
        ["id"],
        sqlite_where=ERASED,
        postgresql_where=ERASED,
    )


def downgrade():
    op.drop_index("ix_candidates_erased", table_name="candidates")
