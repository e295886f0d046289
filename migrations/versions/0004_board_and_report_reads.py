"""the board by university and the reports read from covering indexes; each stage change
records when the stay it ends began and when its candidate last entered the same stage

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# A stay ends at a candidate's next change: its start is the change before, in the order
# the history is shown (time, then id for changes made in the same instant).
BACKFILL = """
UPDATE stage_changes SET from_stage_entered_at = (
    SELECT earlier.created_at FROM stage_changes AS earlier
    WHERE earlier.candidate_id = stage_changes.candidate_id
      AND (earlier.created_at < stage_changes.created_at
           OR (earlier.created_at = stage_changes.created_at AND earlier.id < stage_changes.id))
    ORDER BY earlier.created_at DESC, earlier.id DESC
    LIMIT 1
)
WHERE from_stage_id IS NOT NULL
"""
# The candidate's entry into the same stage before this one, if any.
BACKFILL_PREVIOUS_ENTRY = """
UPDATE stage_changes SET previous_entry_at = (
    SELECT max(earlier.created_at) FROM stage_changes AS earlier
    WHERE earlier.candidate_id = stage_changes.candidate_id
      AND earlier.to_stage_id = stage_changes.to_stage_id
      AND (earlier.created_at < stage_changes.created_at
           OR (earlier.created_at = stage_changes.created_at AND earlier.id < stage_changes.id))
)
"""


# Only indexes and a nullable column: both databases do these in place, without the
# copy-and-rename of a batch migration.


def upgrade():
    op.create_index(
        "ix_candidates_university_stage",
        "candidates",
        ["university_id", "stage_id", "stage_entered_at"],
    )
    op.drop_index("ix_candidates_university_id", table_name="candidates")
    op.create_index(
        "ix_candidates_created_university", "candidates", ["created_at", "university_id"]
    )
    op.drop_index("ix_candidates_created_at", table_name="candidates")
    op.create_index("ix_evaluations_submitted_kind", "evaluations", ["submitted_at", "kind"])
    op.drop_index("ix_evaluations_submitted_at", table_name="evaluations")
    op.create_index(
        "ix_evaluation_answers_ratings",
        "evaluation_answers",
        ["evaluation_id", "item_id", "rating"],
    )
    op.add_column(
        "stage_changes", sa.Column("from_stage_entered_at", sa.DateTime(), nullable=True)
    )
    op.add_column("stage_changes", sa.Column("previous_entry_at", sa.DateTime(), nullable=True))
    op.create_index(
        "ix_stage_changes_candidate_history",
        "stage_changes",
        ["candidate_id", "created_at", "id", "to_stage_id"],
    )
    op.drop_index("ix_stage_changes_candidate_created", table_name="stage_changes")
    op.drop_index("ix_stage_changes_to_created", table_name="stage_changes")
    # Filled while each candidate's history is the only index on stage changes, so both
    # look-ups walk that candidate's few rows rather than a whole stage's arrivals.
    op.execute(BACKFILL)
    op.execute(BACKFILL_PREVIOUS_ENTRY)
    op.create_index(
        "ix_stage_changes_stage_arrivals",
        "stage_changes",
        ["to_stage_id", "created_at", "previous_entry_at", "candidate_id"],
    )
    op.create_index(
        "ix_stage_changes_stays",
        "stage_changes",
        ["created_at", "from_stage_id", "from_stage_entered_at"],
    )


def downgrade():
    op.create_index("ix_stage_changes_to_created", "stage_changes", ["to_stage_id", "created_at"])
    op.create_index(
        "ix_stage_changes_candidate_created", "stage_changes", ["candidate_id", "created_at"]
    )
    op.drop_index("ix_stage_changes_stays", table_name="stage_changes")
    op.drop_index("ix_stage_changes_stage_arrivals", table_name="stage_changes")
    op.drop_index("ix_stage_changes_candidate_history", table_name="stage_changes")
    with op.batch_alter_table("stage_changes", schema=None) as batch_op:
        # SQLite before 3.35 cannot drop a column in place; batch copies the table.
        batch_op.drop_column("previous_entry_at")
        batch_op.drop_column("from_stage_entered_at")
    op.drop_index("ix_evaluation_answers_ratings", table_name="evaluation_answers")
    op.create_index("ix_evaluations_submitted_at", "evaluations", ["submitted_at"])
    op.drop_index("ix_evaluations_submitted_kind", table_name="evaluations")
    op.create_index("ix_candidates_created_at", "candidates", ["created_at"])
    op.drop_index("ix_candidates_created_university", table_name="candidates")
    op.create_index("ix_candidates_university_id", "candidates", ["university_id"])
    op.drop_index("ix_candidates_university_stage", table_name="candidates")
