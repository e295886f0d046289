"""proposed updates: what the public form sends for an email already on record waits for
HR to accept or dismiss it detail by detail, with the resume it carried

Revision ID: 0009
Revises: 0008
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True)


def upgrade():
    op.create_table(
        "proposed_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("university_id", sa.Integer(), nullable=True),
        sa.Column("university_other", sa.String(length=200), nullable=False),
        sa.Column("major", sa.String(length=120), nullable=False),
        sa.Column(
            "class_standing",
            _enum(
                "classstanding",
                "freshman",
                "sophomore",
                "junior",
                "senior",
                "graduate",
                "recent_graduate",
            ),
            nullable=True,
        ),
        sa.Column("grad_term", _enum("term", "spring", "summer", "fall"), nullable=True),
        sa.Column("grad_year", sa.Integer(), nullable=True),
        sa.Column("availability", sa.String(length=200), nullable=False),
        sa.Column("procurement_areas", sa.JSON(), nullable=False),
        sa.Column("interests", sa.JSON(), nullable=False),
        sa.Column("opening_ids", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("consent_at", sa.DateTime(), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("file_stored_name", sa.String(length=64), nullable=True),
        sa.Column("file_size", sa.Integer(), nullable=True),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_proposed_updates_candidate_id_candidates"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_proposed_updates_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["university_id"],
            ["universities.id"],
            name=op.f("fk_proposed_updates_university_id_universities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposed_updates")),
        sa.UniqueConstraint(
            "file_stored_name", name=op.f("uq_proposed_updates_file_stored_name")
        ),
    )
    op.create_index(
        "ix_proposed_updates_candidate_closed", "proposed_updates", ["candidate_id", "closed_at"]
    )
    op.create_index(op.f("ix_proposed_updates_created_at"), "proposed_updates", ["created_at"])
    op.create_table(
        "proposal_decisions",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposed_updates.id"],
            name=op.f("fk_proposal_decisions_proposal_id_proposed_updates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_proposal_decisions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("proposal_id", "field", name=op.f("pk_proposal_decisions")),
    )


proposals = sa.table(
    "proposed_updates",
    sa.column("id", sa.Integer),
    sa.column("candidate_id", sa.Integer),
    sa.column("file_stored_name", sa.String),
)
audit = sa.table(
    "audit_entries",
    sa.column("created_at", sa.DateTime),
    sa.column("action", sa.String),
    sa.column("target_type", sa.String),
    sa.column("target_id", sa.Integer),
    sa.column("detail", sa.JSON),
)


def downgrade():
    # The older schema has nowhere to keep proposals: each one goes with an audit entry
    # naming its file, which stays in the upload folder (a migration does not know where
    # the app keeps it) for an admin to remove.
    connection = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = connection.execute(
        sa.select(proposals.c.id, proposals.c.candidate_id, proposals.c.file_stored_name)
    ).all()
    if rows:
        connection.execute(
            audit.insert(),
            [
                {
                    "created_at": now,
                    "action": "candidate.proposal_dropped",
                    "target_type": "Candidate",
                    "target_id": candidate_id,
                    "detail": {
                        "proposal_id": proposal_id,
                        "file": stored_name,
                        "why": "migration 0009 undone",
                    },
                }
                for proposal_id, candidate_id, stored_name in rows
            ],
        )
    op.drop_table("proposal_decisions")
    op.drop_index(op.f("ix_proposed_updates_created_at"), table_name="proposed_updates")
    op.drop_index("ix_proposed_updates_candidate_closed", table_name="proposed_updates")
    op.drop_table("proposed_updates")
