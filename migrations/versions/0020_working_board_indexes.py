"""the board's indexes hold only the candidates staff work with, so counting a column or
reading its cards never reads a candidate's row to leave an erased record out

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

WORKING = sa.text("anonymized_at IS NULL")


def upgrade():
    op.create_index(
        "ix_candidates_working_stage",
        "candidates",
        ["stage_id", "stage_entered_at"],
        sqlite_where=WORKING,
        postgresql_where=WORKING,
    )
    op.drop_index("ix_candidates_university_stage", table_name="candidates")
    op.create_index(
        "ix_candidates_university_stage",
        "candidates",
        ["university_id", "stage_id", "stage_entered_at"],
        sqlite_where=WORKING,
        postgresql_where=WORKING,
    )


def downgrade():
    op.drop_index("ix_candidates_university_stage", table_name="candidates")
    op.create_index(
        "ix_candidates_university_stage",
        "candidates",
        ["university_id", "stage_id", "stage_entered_at"],
    )
    op.drop_index("ix_candidates_working_stage", table_name="candidates")
