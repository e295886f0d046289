"""form receipts: each sign-up saved once, by the key its page made and the start token
its form was shown with, so retries and sends kept on a device while offline make nothing
twice

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "form_receipts",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("start_nonce", sa.String(length=32), nullable=True),
        sa.Column("candidate_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_form_receipts_candidate_id_candidates"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_form_receipts")),
        sa.UniqueConstraint("start_nonce", name=op.f("uq_form_receipts_start_nonce")),
    )
    op.create_index(
        op.f("ix_form_receipts_candidate_id"), "form_receipts", ["candidate_id"], unique=False
    )
    op.create_index(
        op.f("ix_form_receipts_received_at"), "form_receipts", ["received_at"], unique=False
    )


def downgrade():
    # Receipts hold no personal data: only keys, nonces and which candidate they reached.
    op.drop_index(op.f("ix_form_receipts_received_at"), table_name="form_receipts")
    op.drop_index(op.f("ix_form_receipts_candidate_id"), table_name="form_receipts")
    op.drop_table("form_receipts")
