"""the interest-form confirmation no longer says a form sent again simply added what is
new: a known student's new details now wait for HR as a proposed update

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# The sentence as Recruit wrote it before and after (frozen: later wordings live in
# recruit/messages/defaults.py). Only a confirmation no admin has reworded changes.
SENTENCES = (
    (
        "body",
        "If you sent the form before, we have simply added what is new.",
        "If you sent the form before, our staff look at what is new and update your details.",
    ),
    (
        "body_es",
        "Si ya nos había enviado el formulario, solo agregamos lo nuevo.",
        "Si ya nos había enviado el formulario, nuestro personal revisa lo nuevo y actualiza "
        "sus datos.",
    ),
)
# The rest of the confirmation as Recruit wrote it, around the sentence.
BODIES = {
    "body": (
        "Hello {first_name},\n\n"
        "Thank you for telling the {office_name} about your interest in an internship or "
        "job with the state. We have your details.\n\n"
        "Our recruitment staff read every submission within about two weeks. If an "
        "opening fits, we will email you to set up a short conversation. {sentence}\n\n"
        "See where you stand, or change your details: {status_link}\n\n"
        "Questions, or a detail to correct? Reply to this message or write to "
        "{office_email}.\n\n"
        "Best regards,\nThe {office_name} internship program"
    ),
    "body_es": (
        "Hola, {first_name}:\n\n"
        "Gracias por contarle a {office_name} sobre su interés en una pasantía o un empleo "
        "con el estado. Ya tenemos sus datos.\n\n"
        "Nuestro equipo de reclutamiento lee cada solicitud en un plazo de unas dos "
        "semanas. Si alguna vacante se ajusta a su perfil, le escribiremos para acordar una "
        "conversación breve. {sentence}\n\n"
        "Vea en qué etapa está, o corrija sus datos: {status_link}\n\n"
        "¿Tiene preguntas o algún dato que corregir? Responda a este mensaje o escriba a "
        "{office_email}.\n\n"
        "Saludos cordiales,\nPrograma de pasantías de {office_name}"
    ),
}

templates = sa.table(
    "message_templates",
    sa.column("key", sa.String),
    sa.column("body", sa.Text),
    sa.column("body_es", sa.Text),
    sa.column("version", sa.Integer),
)


def _body(column: str, sentence: str) -> str:
    # str.replace, not format: the body's own {placeholders} stay as they are.
    return BODIES[column].replace("{sentence}", sentence)


def _reword(before: int, after: int) -> None:
    connection = op.get_bind()
    for column, *sentences in SENTENCES:
        old, new = _body(column, sentences[before]), _body(column, sentences[after])
        connection.execute(
            templates.update()
            .where(templates.c.key == "interest_received", templates.c[column] == old)
            .values({column: new, "version": templates.c.version + 1})
        )


def upgrade():
    _reword(0, 1)


def downgrade():
    _reword(1, 0)
