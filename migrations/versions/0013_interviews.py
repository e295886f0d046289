"""interviews: times, places and panels, the times offered for a candidate to pick, the
interview kits and the scorecards; invitations travel through the outbox with an
iCalendar attachment and carry the candidate's or an outside interviewer's private link

Revision ID: 0013
Revises: 0012
"""

import warnings
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


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
    op.create_table(
        "interview_kits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["position_id"], ["positions.id"], name=op.f("fk_interview_kits_position_id_positions")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_interview_kits_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_kits")),
        sa.UniqueConstraint("position_id", name=op.f("uq_interview_kits_position_id")),
    )
    op.create_table(
        "kit_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kit_id", sa.Integer(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("competency", sa.String(length=60), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["kit_id"],
            ["interview_kits.id"],
            name=op.f("fk_kit_questions_kit_id_interview_kits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kit_questions")),
    )
    op.create_table(
        "interviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("position_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "phone_screen",
                "panel",
                "agency_interview",
                name="interviewkind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "offered",
                "scheduled",
                "cancelled",
                name="interviewstate",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("starts_at", sa.DateTime(), nullable=True),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("video_url", sa.String(length=500), nullable=False),
        sa.Column("note_for_candidate", sa.Text(), nullable=False),
        sa.Column("uid", sa.String(length=120), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("link_nonce", sa.String(length=32), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_by_candidate", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_interviews_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_interviews_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["position_id"], ["positions.id"], name=op.f("fk_interviews_position_id_positions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interviews")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_interviews_token_hash")),
        sa.UniqueConstraint("uid", name=op.f("uq_interviews_uid")),
    )
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_interviews_candidate_id"), ["candidate_id"], unique=False
        )
        batch_op.create_index("ix_interviews_state_starts", ["state", "starts_at"], unique=False)

    op.create_table(
        "interview_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_interview_slots_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_slots")),
        sa.UniqueConstraint(
            "interview_id", "starts_at", name=op.f("uq_interview_slots_interview_id")
        ),
    )
    op.create_table(
        "interviewers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("link_nonce", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_interviewers_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_interviewers_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interviewers")),
        sa.UniqueConstraint("interview_id", "email", name=op.f("uq_interviewers_interview_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_interviewers_token_hash")),
    )
    with op.batch_alter_table("interviewers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interviewers_email"), ["email"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_interviewers_interview_id"), ["interview_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_interviewers_user_id"), ["user_id"], unique=False)

    op.create_table(
        "scorecards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interviewer_id", sa.Integer(), nullable=False),
        sa.Column("ratings", sa.JSON(), nullable=False),
        sa.Column(
            "recommendation",
            sa.Enum(
                "strong_no",
                "no",
                "yes",
                "strong_yes",
                name="recommendation",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interviewer_id"],
            ["interviewers.id"],
            name=op.f("fk_scorecards_interviewer_id_interviewers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scorecards")),
        sa.UniqueConstraint("interviewer_id", name=op.f("uq_scorecards_interviewer_id")),
    )
    with _quiet_reflection(), op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.add_column(sa.Column("calendar", sa.Text(), nullable=True))
        batch_op.alter_column(
            "link_kind",
            existing_type=_link_kind("evaluation", "status"),
            type_=_link_kind("evaluation", "status", "interview", "scorecard"),
        )


def downgrade():
    # Messages that carry an interview link lose it (the older schema has no such link):
    # queued ones are withdrawn, as the worker does with a link that no longer works.
    outbox = sa.table(
        "outbox_messages",
        sa.column("state", sa.String),
        sa.column("link_kind", sa.String),
        sa.column("link_ref", sa.Integer),
        sa.column("last_error", sa.String),
    )
    kinds = ("interview", "scorecard")
    op.execute(
        outbox.update()
        .where(outbox.c.link_kind.in_(kinds), outbox.c.state == "queued")
        .values(state="cancelled", last_error="Interviews were removed.")
    )
    op.execute(
        outbox.update().where(outbox.c.link_kind.in_(kinds)).values(link_kind=None, link_ref=None)
    )
    with _quiet_reflection(), op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.alter_column(
            "link_kind",
            existing_type=_link_kind("evaluation", "status", "interview", "scorecard"),
            type_=_link_kind("evaluation", "status"),
        )
        batch_op.drop_column("calendar")

    op.drop_table("scorecards")
    with op.batch_alter_table("interviewers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interviewers_user_id"))
        batch_op.drop_index(batch_op.f("ix_interviewers_interview_id"))
        batch_op.drop_index(batch_op.f("ix_interviewers_email"))

    op.drop_table("interviewers")
    op.drop_table("interview_slots")
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.drop_index("ix_interviews_state_starts")
        batch_op.drop_index(batch_op.f("ix_interviews_candidate_id"))

    op.drop_table("interviews")
    op.drop_table("kit_questions")
    op.drop_table("interview_kits")
