"""the change clock: a count that every transaction changing what staff pages show moves
on, so that each worker knows when a board it keeps has gone out of date (a row on
SQLite, moved in the transaction; a sequence on PostgreSQL, moved after the commit)

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    clock = op.create_table(
        "change_clock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticks", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_clock")),
    )
    op.bulk_insert(clock, [{"id": 1, "ticks": 0}])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE change_clock_ticks")
        op.execute("SELECT nextval('change_clock_ticks')")  # last_value is read from now on


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP SEQUENCE change_clock_ticks")
    op.drop_table("change_clock")
