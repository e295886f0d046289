"""events get optional start and end hours, on the office's wall clock like their dates

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("starts_at_time", sa.Time(), nullable=True))
        batch.add_column(sa.Column("ends_at_time", sa.Time(), nullable=True))


def downgrade():
    with op.batch_alter_table("events") as batch:
        batch.drop_column("ends_at_time")
        batch.drop_column("starts_at_time")
