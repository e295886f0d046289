"""Forms for message templates, messages staff write, and an event's follow-up."""

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from recruit.forms import Form
from recruit.messages.services import template_errors
from recruit.stale import VersionedForm


class PlaceholderChecked:
    """Refuse placeholders Recruit does not know, naming them."""

    def __call__(self, form, field):
        errors = template_errors(field.data or "")
        if errors:
            raise ValidationError(errors[0])


def text_or_empty(value):
    """A text field left out of the post reads as empty, not None."""
    return value or ""


class TemplateForm(VersionedForm, Form):
    """Add or reword a message template; the version refuses a stale save."""

    name = StringField("Name (staff see it)", validators=[InputRequired(), Length(max=80)])
    subject = StringField(
        "Subject", validators=[InputRequired(), Length(max=200), PlaceholderChecked()]
    )
    body = TextAreaField(
        "Message", validators=[InputRequired(), Length(max=10000), PlaceholderChecked()]
    )
    subject_es = StringField(
        "Subject in Spanish",
        filters=[text_or_empty],
        validators=[Optional(), Length(max=200), PlaceholderChecked()],
    )
    body_es = TextAreaField(
        # No Optional(): it would stop the chain on a blank message before
        # validate_body_es could ask for it beside a Spanish subject.
        "Message in Spanish",
        filters=[text_or_empty],
        validators=[Length(max=10000), PlaceholderChecked()],
    )
    preview_candidate = SelectField("Preview with", coerce=str, validate_choice=False)

    def validate_body_es(self, field) -> None:
        # A message goes in Spanish only with both: half a translation would never be sent.
        if bool((self.subject_es.data or "").strip()) != bool((field.data or "").strip()):
            raise ValidationError("Write both the Spanish subject and message, or neither.")


class ComposeForm(Form):
    """A message to one candidate, from a template or blank."""

    subject = StringField(
        "Subject", validators=[InputRequired(), Length(max=200), PlaceholderChecked()]
    )
    body = TextAreaField(
        "Message", validators=[InputRequired(), Length(max=10000), PlaceholderChecked()]
    )


class TemplateChoiceForm(Form):
    """Pick a template (to start a message from, or for an event's follow-up)."""

    template = SelectField("Template", coerce=str, validate_choice=False)


class StageMessagesForm(Form):
    """Which message each stage sends on entry; one select per stage, named by its id."""
