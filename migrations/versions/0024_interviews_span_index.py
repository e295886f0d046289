"""when booked interviews end, in the index that finds them by when they start, so that
the interviews list counts a week's interviews without reading each one's row; and who
sits on each panel, in the index of the panel, so that a day's interviews are checked
one by one for a person rather than against every interview they ever sat on

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
    op.drop_index("ix_interviewers_interview_id", table_name="interviewers")
    op.create_index(
        "ix_interviewers_interview_user", "interviewers", ["interview_id", "user_id"]
    )


def downgrade():
    op.drop_index("ix_interviewers_interview_user", table_name="interviewers")
    op.create_index("ix_interviewers_interview_id", "interviewers", ["interview_id"])
    op.drop_index("ix_interviews_state_starts", table_name="interviews")
    op.create_index(
        "ix_interviews_state_starts",
        "interviews",
        ["state", "starts_at", "candidate_id", "position_id"],
    )
