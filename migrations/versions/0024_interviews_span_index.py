"""when booked interviews end, in the index that finds them by when they start, so that
the interviews list counts a week's interviews without reading each one's row

Revision ID: 0024
Revises: 0023
"""

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_interviews_state_starts", table_name="interviews")
    op.create_index(
        "ix_interviews_state_starts",
        "interviews",
        ["state", "starts_at", "candidate_id", "position_id", "ends_at"],
    )


def downgrade():
    op.drop_index("ix_interviews_state_starts", table_name="interviews")
    op.create_index(
        "ix_interviews_state_starts",
        "interviews",
        ["state", "starts_at", "candidate_id", "position_id"],
    )
