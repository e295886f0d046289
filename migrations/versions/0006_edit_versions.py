"""edit versions: universities, contacts, positions, stages, settings and evaluation items
carry a version, so a save made from an older one is refused like every other record's

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLES = ("universities", "contacts", "positions", "stages", "settings", "evaluation_items")


def upgrade():
    for table in TABLES:
        # Rows already there start at version 1, as new rows do; the server default also
        # covers rows written without the ORM (seeds and backfills).
        op.add_column(
            table,
            sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        )


def downgrade():
    for table in reversed(TABLES):
        # SQLite drops a column by copying the table (batch mode; env.py turns its foreign
        # keys off meanwhile).
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("version")
