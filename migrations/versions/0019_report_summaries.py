"""each candidate's report summaries (when the history began, when Interview, Offer,
Active intern and Hired were first reached), filled from the stage history, with the
indexes that let a term's report read only that term's candidates and interviews

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

COLUMNS = (
    "pipeline_entered_at",
    "reached_interview_at",
    "reached_offer_at",
    "reached_intern_at",
    "reached_hired_at",
    "last_offer_or_later_at",
)

# The app's definition (recruit/pipeline/summaries.py) as it stood at this revision, said
# again in frozen SQL: a later change to the app's definition must not change what this
# did. Interview is reached by entering it or any later stage that is not closed; the
# other steps by entering their own stage; Offer or later is the main path from Offer on.
BACKFILL = """
UPDATE candidates SET
    pipeline_entered_at = s.began,
    reached_interview_at = s.interview,
    reached_offer_at = s.offer,
    reached_intern_at = s.intern,
    reached_hired_at = s.hired,
    last_offer_or_later_at = s.offer_or_later
FROM (
    SELECT
        candidate_id,
        MIN(created_at) AS began,
        MIN(CASE WHEN to_stage_id IN (
            SELECT id FROM stages WHERE kind != 'closed'
            AND position >= (SELECT position FROM stages WHERE key = 'interview')
        ) THEN created_at END) AS interview,
        MIN(CASE WHEN to_stage_id IN (SELECT id FROM stages WHERE key = 'offer')
            THEN created_at END) AS offer,
        MIN(CASE WHEN to_stage_id IN (SELECT id FROM stages WHERE key = 'active_intern')
            THEN created_at END) AS intern,
        MIN(CASE WHEN to_stage_id IN (SELECT id FROM stages WHERE key = 'hired')
            THEN created_at END) AS hired,
        MAX(CASE WHEN to_stage_id IN (
            SELECT id FROM stages
            WHERE key IN ('offer', 'onboarding', 'active_intern', 'completed', 'hired')
        ) THEN created_at END) AS offer_or_later
    FROM stage_changes
    GROUP BY candidate_id
) AS s
WHERE candidates.id = s.candidate_id
"""


def upgrade():
    # Plain ADD COLUMN on both databases: a batch copy of candidates on SQLite would lose the
    # lower(email) index, which SQLite cannot reflect.
    for column in COLUMNS:
        op.add_column("candidates", sa.Column(column, sa.DateTime(), nullable=True))
    # One UPDATE over every candidate, each summary read from its history's index.
    op.execute(BACKFILL)
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
    for column in reversed(COLUMNS):
        op.drop_column("candidates", column)
