"""the link to a student's own page in messages: offices that already have their messages
get the one that carries a new link, and an unchanged interest-form confirmation offers it

Revision ID: 0008
Revises: 0007
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# The texts as this revision wrote them (frozen: later wordings live in defaults.py).
_SIGN_OFF = "Best regards,\nThe {office_name} internship program"
_CONFIRMATION_HEAD = (
    "Hello {first_name},\n\n"
    "Thank you for telling the {office_name} about your interest in an internship or "
    "job with the state. We have your details.\n\n"
    "Our recruitment staff read every submission within about two weeks. If an "
    "opening fits, we will email you to set up a short conversation. If you sent the "
    "form before, we have simply added what is new.\n\n"
)
_CONFIRMATION_TAIL = (
    "Questions, or a detail to correct? Reply to this message or write to "
    "{office_email}.\n\n" + _SIGN_OFF
)
CONFIRMATION_BEFORE = _CONFIRMATION_HEAD + _CONFIRMATION_TAIL
CONFIRMATION_AFTER = (
    _CONFIRMATION_HEAD
    + "See where you stand, or change your details: {status_link}\n\n"
    + _CONFIRMATION_TAIL
)
STATUS_LINK = {
    "key": "status_link",
    "name": "Link to the student's own page",
    "subject": "Your link to your application page",
    "body": (
        "Hello {first_name},\n\n"
        "Here is your private link to your application with the {office_name}:\n\n"
        "{status_link}\n\n"
        "On that page you can see where you stand, correct your details, add your resume, "
        "choose the openings that interest you, or withdraw. The link is for you alone; it "
        "stops working after a few weeks, or as soon as you ask for a new one.\n\n"
        "If you did not ask for this link, you can ignore this message.\n\n"
        + _SIGN_OFF
        + "\n{office_email}"
    ),
}

templates = sa.table(
    "message_templates",
    sa.column("id", sa.Integer),
    sa.column("key", sa.String),
    sa.column("name", sa.String),
    sa.column("subject", sa.String),
    sa.column("body", sa.Text),
    sa.column("subject_es", sa.String),
    sa.column("body_es", sa.Text),
    sa.column("retired", sa.Boolean),
    sa.column("updated_at", sa.DateTime),
    sa.column("created_at", sa.DateTime),
    sa.column("version", sa.Integer),
)
stages = sa.table("stages", sa.column("message_template_id", sa.Integer))


def upgrade():
    connection = op.get_bind()
    # Stored times are UTC without a zone, as the app writes them (the database's now()
    # would be in the session's zone on PostgreSQL).
    now = datetime.now(UTC).replace(tzinfo=None)
    taken = connection.scalar(
        sa.select(sa.func.count())
        .select_from(templates)
        .where((templates.c.key == STATUS_LINK["key"]) | (templates.c.name == STATUS_LINK["name"]))
    )
    if not taken:
        connection.execute(
            templates.insert().values(
                **STATUS_LINK,
                subject_es="",
                body_es="",
                retired=False,
                updated_at=now,
                created_at=now,
                version=1,
            )
        )
    # Only a confirmation no admin has reworded: their words stay theirs.
    connection.execute(
        templates.update()
        .where(templates.c.key == "interest_received", templates.c.body == CONFIRMATION_BEFORE)
        .values(body=CONFIRMATION_AFTER, version=templates.c.version + 1)
    )


def downgrade():
    connection = op.get_bind()
    connection.execute(
        templates.update()
        .where(templates.c.key == "interest_received", templates.c.body == CONFIRMATION_AFTER)
        .values(body=CONFIRMATION_BEFORE, version=templates.c.version + 1)
    )
    status_link = sa.select(templates.c.id).where(templates.c.key == STATUS_LINK["key"])
    connection.execute(
        stages.update()
        .where(stages.c.message_template_id.in_(status_link))
        .values(message_template_id=None)
    )
    connection.execute(templates.delete().where(templates.c.key == STATUS_LINK["key"]))
