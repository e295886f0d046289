"""messages: templates, automatic stage messages, an outbox the delivery worker claims,
students who stopped emails, and evaluation links that are made when they are sent

Revision ID: 0005
Revises: 0004
"""

import warnings
from contextlib import contextmanager
from email.utils import make_msgid

import sqlalchemy as sa
from alembic import op

from recruit.messages.defaults import DEFAULT_TEMPLATES, STAGE_MESSAGES

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

STATES = ("queued", "sent", "failed", "cancelled")


@contextmanager
def _quiet_reflection():
    # SQLite's batch copy reflects the tables a foreign key points at, and SQLAlchemy says
    # it cannot reflect their lower(email) indexes; the copy never touches those tables.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection")
        yield


def upgrade():
    with _quiet_reflection():
        _upgrade()


def downgrade():
    with _quiet_reflection():
        _downgrade()


def _upgrade():
    templates = op.create_table(
        "message_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=True),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_message_templates_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_templates")),
        sa.UniqueConstraint("key", name=op.f("uq_message_templates_key")),
        sa.UniqueConstraint("name", name=op.f("uq_message_templates_name")),
    )
    op.add_column("candidates", sa.Column("emails_stopped_at", sa.DateTime(), nullable=True))

    op.add_column(
        "evaluation_requests",
        sa.Column("link_nonce", sa.String(length=32), nullable=True),
    )
    op.add_column("evaluation_requests", sa.Column("opens_at", sa.DateTime(), nullable=True))
    # Links made before now carry random tokens: they keep working until they expire.
    op.execute("UPDATE evaluation_requests SET link_nonce = '', opens_at = created_at")
    with op.batch_alter_table("evaluation_requests", schema=None) as batch_op:
        batch_op.alter_column("link_nonce", existing_type=sa.String(length=32), nullable=False)
        batch_op.alter_column("opens_at", existing_type=sa.DateTime(), nullable=False)

    for column in (
        sa.Column("candidate_id", sa.Integer(), nullable=True),
        sa.Column("template_key", sa.String(length=40), nullable=True),
        sa.Column("message_id", sa.String(length=200), nullable=True),
        sa.Column("state", sa.String(length=9), nullable=True),
        sa.Column("due_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=True),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("link_kind", sa.String(length=10), nullable=True),
        sa.Column("link_ref", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
    ):
        op.add_column("outbox_messages", column)
    # Messages from before the worker were sent at once or kept while mail was off, their
    # links already shown to staff: those kept are not sent now.
    op.execute(
        "UPDATE outbox_messages SET due_at = created_at, attempts = 0, "
        "state = CASE WHEN sent_at IS NULL THEN 'cancelled' ELSE 'sent' END, "
        "last_error = CASE WHEN sent_at IS NULL THEN "
        "'Kept while mail was off, before Recruit had a delivery worker.' ELSE '' END"
    )
    connection = op.get_bind()
    outbox = sa.table("outbox_messages", sa.column("id"), sa.column("message_id"))
    for (row_id,) in connection.execute(sa.select(outbox.c.id)).all():
        connection.execute(
            outbox.update()
            .where(outbox.c.id == row_id)
            .values(message_id=make_msgid(domain="recruit.invalid"))
        )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.alter_column("message_id", existing_type=sa.String(length=200), nullable=False)
        batch_op.alter_column(
            "state",
            existing_type=sa.String(length=9),
            type_=sa.Enum(*STATES, name="deliverystate", native_enum=False, create_constraint=True),
            nullable=False,
        )
        batch_op.alter_column(
            "link_kind",
            existing_type=sa.String(length=10),
            type_=sa.Enum("evaluation", name="linkkind", native_enum=False, create_constraint=True),
        )
        batch_op.alter_column("due_at", existing_type=sa.DateTime(), nullable=False)
        batch_op.alter_column("attempts", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("last_error", existing_type=sa.String(length=300), nullable=False)
        batch_op.create_index(
            "ix_outbox_messages_candidate", ["candidate_id", "template_key", "created_at"]
        )
        batch_op.create_index("ix_outbox_messages_due", ["state", "due_at"])
        batch_op.create_unique_constraint(
            batch_op.f("uq_outbox_messages_message_id"), ["message_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_messages_candidate_id_candidates"),
            "candidates",
            ["candidate_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_messages_created_by_id_users"), "users", ["created_by_id"], ["id"]
        )

    with op.batch_alter_table("stages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_template_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_stages_message_template_id_message_templates"),
            "message_templates",
            ["message_template_id"],
            ["id"],
        )

    # The office's starting messages, and the standard stages that send them on entry.
    now = sa.func.now()
    for key, name, subject, body in DEFAULT_TEMPLATES:
        connection.execute(
            templates.insert().values(
                key=key,
                name=name,
                subject=subject,
                body=body,
                retired=False,
                updated_at=now,
                created_at=now,
                version=1,
            )
        )
    stages = sa.table("stages", sa.column("key"), sa.column("message_template_id"))
    for stage_key, template_key in STAGE_MESSAGES.items():
        template_id = sa.select(templates.c.id).where(templates.c.key == template_key)
        connection.execute(
            stages.update()
            .where(stages.c.key == stage_key)
            .values(message_template_id=template_id.scalar_subquery())
        )


def _downgrade():
    with op.batch_alter_table("stages", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_stages_message_template_id_message_templates"), type_="foreignkey"
        )
        batch_op.drop_column("message_template_id")

    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_messages_created_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_messages_candidate_id_candidates"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("uq_outbox_messages_message_id"), type_="unique")
        batch_op.drop_constraint("linkkind", type_="check")
        batch_op.drop_constraint("deliverystate", type_="check")
        batch_op.drop_index("ix_outbox_messages_due")
        batch_op.drop_index("ix_outbox_messages_candidate")
        for name in (
            "created_by_id",
            "link_ref",
            "link_kind",
            "last_error",
            "claimed_until",
            "attempts",
            "due_at",
            "state",
            "message_id",
            "template_key",
            "candidate_id",
        ):
            batch_op.drop_column(name)

    with op.batch_alter_table("evaluation_requests", schema=None) as batch_op:
        batch_op.drop_column("opens_at")
        batch_op.drop_column("link_nonce")

    # In place (SQLite 3.35 and later): a batch copy would lose lower(email)'s index.
    op.drop_column("candidates", "emails_stopped_at")

    op.drop_table("message_templates")
