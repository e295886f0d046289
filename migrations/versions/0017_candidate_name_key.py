"""candidates' stored name key, indexed with the university, so the duplicate check looks
names up instead of reading every candidate

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

# The app's one rule, so the keys written here are the ones the app compares with.
from recruit.candidates.models import name_key

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

BATCH = 2000

candidates = sa.table(
    "candidates",
    sa.column("id", sa.Integer),
    sa.column("first_name", sa.String),
    sa.column("last_name", sa.String),
    sa.column("anonymized_at", sa.DateTime),
    sa.column("name_key", sa.String),
)


def upgrade():
    # Plain ADD COLUMN on both databases: a batch copy of candidates on SQLite would lose the
    # lower(email) index, which SQLite cannot reflect.
    op.add_column(
        "candidates",
        sa.Column("name_key", sa.String(length=200), server_default="", nullable=False),
    )
    connection = op.get_bind()
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(
                candidates.c.id,
                candidates.c.first_name,
                candidates.c.last_name,
                candidates.c.anonymized_at,
            )
            .where(candidates.c.id > last_id)
            .order_by(candidates.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        # An erased record keeps a blank key, as the app gives it.
        keys = [
            {"row_id": row.id, "key": "" if row.anonymized_at else name_key(row[1], row[2])}
            for row in rows
        ]
        connection.execute(
            candidates.update()
            .where(candidates.c.id == sa.bindparam("row_id"))
            .values(name_key=sa.bindparam("key")),
            keys,
        )
        last_id = rows[-1].id
    op.create_index(
        "ix_candidates_name_key_university", "candidates", ["name_key", "university_id"]
    )


def downgrade():
    op.drop_index("ix_candidates_name_key_university", table_name="candidates")
    # SQLite (3.35 and later) drops a column in place, keeping the lower(email) index.
    op.drop_column("candidates", "name_key")
