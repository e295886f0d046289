"""each candidate's report summaries (when the history began, when Interview, Offer,
Active intern and Hired were first reached), filled from the stage history, with the
indexes that let a term's report read only that term's candidates and interviews

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

# The app's one definition, so the summaries written here are the ones the app keeps.
from recruit.pipeline import summaries

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN on both databases: a batch copy of candidates on SQLite would lose the
    # lower(email) index, which SQLite cannot reflect.
    for column in summaries.COLUMNS:
        op.add_column("candidates", sa.Column(column, sa.DateTime(), nullable=True))
    # One UPDATE over every candidate, each summary read from its history's index.
    summaries.rebuild(op.get_bind())
    op.drop_index("ix_candidates_created_university", table_name="candidates")
    op.create_index(
        "ix_candidates_created_reached",
        "candidates",
        [
            "created_at",
            "university_id",
            "reached_interview_at",
            "reached_intern_at",
            "reached_hired_at",
        ],
    )
    op.create_index(
        "ix_candidates_reached_offer", "candidates", ["reached_offer_at", "pipeline_entered_at"]
    )
    op.create_index(
        "ix_candidates_summaries",
        "candidates",
        [
            "id",
            "created_at",
            "reached_interview_at",
            "reached_intern_at",
            "reached_hired_at",
            "last_offer_or_later_at",
        ],
    )
    op.drop_index("ix_interviews_state_starts", table_name="interviews")
    op.create_index(
        "ix_interviews_state_starts",
        "interviews",
        ["state", "starts_at", "candidate_id", "position_id"],
    )
    op.create_index(
        "ix_interviews_candidate_state_starts",
        "interviews",
        ["candidate_id", "state", "starts_at", "position_id"],
    )


def downgrade():
    op.drop_index("ix_interviews_candidate_state_starts", table_name="interviews")
    op.drop_index("ix_interviews_state_starts", table_name="interviews")
    op.create_index("ix_interviews_state_starts", "interviews", ["state", "starts_at"])
    op.drop_index("ix_candidates_summaries", table_name="candidates")
    op.drop_index("ix_candidates_reached_offer", table_name="candidates")
    op.drop_index("ix_candidates_created_reached", table_name="candidates")
    op.create_index(
        "ix_candidates_created_university", "candidates", ["created_at", "university_id"]
    )
    # SQLite (3.35 and later) drops a column in place, keeping the lower(email) index.
    for column in reversed(summaries.COLUMNS):
        op.drop_column("candidates", column)
