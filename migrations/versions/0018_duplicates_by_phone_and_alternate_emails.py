"""candidates' stored phone key, indexed, so the duplicate check finds the same number;
and candidate_emails, the addresses of duplicates merged into a record, which the interest
form and search still know

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

# The app's one rule, so the keys written here are the ones the app compares with.
from recruit.candidates.models import phone_key

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

BATCH = 2000

candidates = sa.table(
    "candidates",
    sa.column("id", sa.Integer),
    sa.column("phone", sa.String),
    sa.column("phone_key", sa.String),
)


def upgrade():
    # Plain ADD COLUMN on both databases: a batch copy of candidates on SQLite would lose the
    # lower(email) index, which SQLite cannot reflect.
    op.add_column(
        "candidates",
        sa.Column("phone_key", sa.String(length=20), server_default="", nullable=False),
    )
    connection = op.get_bind()
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(candidates.c.id, candidates.c.phone)
            .where(candidates.c.id > last_id)
            .order_by(candidates.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        # Erased records have a blank phone, so a blank key, as the app gives them.
        keys = [{"row_id": row.id, "key": phone_key(row.phone)} for row in rows]
        connection.execute(
            candidates.update()
            .where(candidates.c.id == sa.bindparam("row_id"))
            .values(phone_key=sa.bindparam("key")),
            keys,
        )
        last_id = rows[-1].id
    op.create_index("ix_candidates_phone_key", "candidates", ["phone_key"])
    op.create_table(
        "candidate_emails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_candidate_emails_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_emails")),
        sa.UniqueConstraint("email", name=op.f("uq_candidate_emails_email")),
    )
    op.create_index(
        op.f("ix_candidate_emails_candidate_id"), "candidate_emails", ["candidate_id"]
    )


def downgrade():
    op.drop_index(op.f("ix_candidate_emails_candidate_id"), table_name="candidate_emails")
    op.drop_table("candidate_emails")
    op.drop_index("ix_candidates_phone_key", table_name="candidates")
    # SQLite (3.35 and later) drops a column in place, keeping the lower(email) index.
    op.drop_column("candidates", "phone_key")
