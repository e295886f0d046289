"""the ids of the candidates staff work with, with their stage and university, so that a
search counts its newest matches under the list's filters without reading each
candidate's row

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

WORKING = sa.text("anonymized_at IS NULL")


def upgrade():
    op.create_index(
        "ix_candidates_working_ids",
        "candidates",
        ["id", "stage_id", "university_id"],
        sqlite_where=WORKING,
        postgresql_where=WORKING,
    )


def downgrade():
    op.drop_index("ix_candidates_working_ids", table_name="candidates")
