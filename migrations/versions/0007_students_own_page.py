"""students' own page: status links, chosen openings, the candidate's language, Spanish
wordings beside admin-written texts, and erasure requests made by students

Revision ID: 0007
Revises: 0006
"""

import warnings
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TEXT_COLUMNS = (
    ("stages", "student_text", sa.Text()),
    ("stages", "student_text_es", sa.Text()),
    ("message_templates", "subject_es", sa.String(length=200)),
    ("message_templates", "body_es", sa.Text()),
    ("positions", "description_es", sa.Text()),
    ("positions", "location", sa.String(length=200)),
)


@contextmanager
def _quiet_reflection():
    # SQLite's batch copy reflects the tables a foreign key points at, and SQLAlchemy says
    # it cannot reflect their lower(email) indexes; the copy never touches those tables.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection")
        yield


def _link_kind(*kinds: str) -> sa.Enum:
    return sa.Enum(*kinds, name="linkkind", native_enum=False, create_constraint=True)


def upgrade():
    for table, column, type_ in TEXT_COLUMNS:
        op.add_column(
            table, sa.Column(column, type_, nullable=False, server_default=sa.text("''"))
        )
    op.add_column(
        "candidates",
        sa.Column("language", sa.String(length=2), nullable=False, server_default="en"),
    )
    op.add_column("candidates", sa.Column("erasure_requested_at", sa.DateTime(), nullable=True))
    op.create_table(
        "candidate_openings",
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("position_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_candidate_openings_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["position_id"],
            ["positions.id"],
            name=op.f("fk_candidate_openings_position_id_positions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("candidate_id", "position_id", name=op.f("pk_candidate_openings")),
    )
    op.create_index(
        op.f("ix_candidate_openings_position_id"), "candidate_openings", ["position_id"]
    )
    op.create_table(
        "status_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_status_links_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_status_links_token_hash")),
    )
    op.create_index(op.f("ix_status_links_candidate_id"), "status_links", ["candidate_id"])
    with _quiet_reflection(), op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.alter_column(
            "link_kind",
            existing_type=_link_kind("evaluation"),
            type_=_link_kind("evaluation", "status"),
        )


def downgrade():
    # Messages that carry a student's-page link lose it (the older schema has no such
    # link): queued ones are withdrawn, as the worker does with a link that no longer works.
    outbox = sa.table(
        "outbox_messages",
        sa.column("state", sa.String),
        sa.column("link_kind", sa.String),
        sa.column("link_ref", sa.Integer),
        sa.column("last_error", sa.String),
    )
    op.execute(
        outbox.update()
        .where(outbox.c.link_kind == "status", outbox.c.state == "queued")
        .values(state="cancelled", last_error="The link to the student's page was removed.")
    )
    op.execute(
        outbox.update().where(outbox.c.link_kind == "status").values(link_kind=None, link_ref=None)
    )
    with _quiet_reflection(), op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.alter_column(
            "link_kind",
            existing_type=_link_kind("evaluation", "status"),
            type_=_link_kind("evaluation"),
        )
    op.drop_index(op.f("ix_status_links_candidate_id"), table_name="status_links")
    op.drop_table("status_links")
    op.drop_index(op.f("ix_candidate_openings_position_id"), table_name="candidate_openings")
    op.drop_table("candidate_openings")
    # Plain DROP COLUMN (SQLite 3.35 and later, PostgreSQL): a batch copy of candidates
    # would lose its lower(email) index, which SQLAlchemy cannot reflect.
    for table, column in (
        ("candidates", "erasure_requested_at"),
        ("candidates", "language"),
        *((table, column) for table, column, _type in TEXT_COLUMNS),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
