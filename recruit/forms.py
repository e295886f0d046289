"""The base of every Recruit form: Flask-WTF's, with uploads kept to the file fields and
control characters refused in every text field."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import Form as WTForm
from wtforms.fields import FileField, PasswordField, StringField, TextAreaField
from wtforms.validators import ValidationError

from recruit.plain_text import has_control_characters

CONTROL_REFUSED = _l("Remove the invisible control characters (such as a line break) here.")


def refuse_control_characters(form, field) -> None:
    """Validator: no control characters; a text area keeps its tabs and line breaks."""
    if isinstance(field.data, str) and has_control_characters(
        field.data, lines=isinstance(field, TextAreaField)
    ):
        raise ValidationError(CONTROL_REFUSED)


class PlainTextMeta:
    """Form options that give every text field the control-character check, so no form
    can forget it: a CR reached the calendar feed, and a line break in a name broke the
    mail it went into. Passwords are left as typed."""

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        if isinstance(field, StringField) and not isinstance(field, PasswordField):
            field.validators = [*field.validators, refuse_control_characters]
        return field


class SubForm(WTForm):
    """A form nested in another (rows of a FieldList), with the same text checks."""

    class Meta(PlainTextMeta, WTForm.Meta):
        pass


class Form(FlaskForm):
    """A Flask-WTF form whose text fields read only text.

    Flask-WTF hands a form the uploaded files and the text fields together, so a file
    sent under a text field's name (any client can send one) became that field's data
    and failed its validators with a TypeError: a server error instead of a refusal.
    """

    class Meta(PlainTextMeta, FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            data = super().wrap_formdata(form, formdata)
            if not isinstance(data, CombinedMultiDict):
                return data
            files, text = data.dicts
            uploads = MultiDict(
                (name, upload)
                for name, upload in files.items(multi=True)
                if name in form and isinstance(form[name], FileField)
            )
            return CombinedMultiDict((uploads, text))
