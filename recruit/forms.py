"""The base of every Recruit form: Flask-WTF's, with uploads kept to the file fields,
control characters refused in every text field, and messages that name the field."""

import copy
from functools import cache

from babel import support
from flask import current_app, has_request_context, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import Form as WTForm
from wtforms.fields import (
    BooleanField,
    FileField,
    PasswordField,
    RadioField,
    SelectFieldBase,
    StringField,
    TextAreaField,
)
from wtforms.i18n import messages_path
from wtforms.validators import DataRequired, Email, InputRequired, ValidationError

from recruit.plain_text import has_control_characters

CONTROL_REFUSED = _l("Remove the invisible control characters (such as a line break) here.")


def refuse_control_characters(form, field) -> None:
    """Validator: no control characters; a text area keeps its tabs and line breaks."""
    if isinstance(field.data, str) and has_control_characters(
        field.data, lines=isinstance(field, TextAreaField)
    ):
        raise ValidationError(CONTROL_REFUSED)


EMAIL_REFUSED = _l("Enter an email address like name@agency.example.")


def _named(label) -> str:
    """A field's label as it reads inside a sentence: "First name" becomes "first name",
    "NACE area" stays as it is."""
    text = str(label).strip().rstrip(":")
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def required_message(form, field) -> str:
    """What a required field says when left blank: the form's own words for it, else a
    sentence made from its label ("Enter the title.", "Choose the role.")."""
    own = getattr(form, "required_messages", {}).get(field.short_name)
    if own is not None:
        return own
    name = _named(field.label.text)
    if isinstance(field, BooleanField):
        return _l("Tick “%(name)s” to go on.", name=field.label.text)
    if isinstance(field, FileField):
        return _l("Choose a file for the %(name)s.", name=name)
    if isinstance(field, SelectFieldBase | RadioField):
        return _l("Choose the %(name)s.", name=name)
    return _l("Enter the %(name)s.", name=name)


def _friendly(form, field, validator):
    # WTForms' defaults ("This field is required.", "Invalid email address.") name no
    # field; the student form words each of its own, and staff forms get the same here.
    # Words of the validator's own first: then the sentence below is not worth making.
    if getattr(validator, "message", None) is not None:
        return validator
    if isinstance(validator, InputRequired | DataRequired):
        message = required_message(form, field)
    elif isinstance(validator, Email):
        message = EMAIL_REFUSED
    else:
        return validator
    # A copy: the validator object is shared by every instance of the form.
    worded = copy.copy(validator)
    worded.message = message
    return worded


class PlainTextMeta:
    """Form options that give every text field the control-character check, so no form
    can forget it: a CR reached the calendar feed, and a line break in a name broke the
    mail it went into. Passwords are left as typed. Required and email fields without
    words of their own get a message naming the field (a form may set required_messages,
    field name to message, for better words)."""

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        field.validators = [_friendly(form, field, v) for v in field.validators]
        if isinstance(field, StringField) and not isinstance(field, PasswordField):
            field.validators = [*field.validators, refuse_control_characters]
        return field


class SubForm(WTForm):
    """A form nested in another (rows of a FieldList), with the same text checks."""

    class Meta(PlainTextMeta, WTForm.Meta):
        pass


@cache
def _wtforms_catalog(locale: str) -> support.NullTranslations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class WTFormsTranslations:
    """WTForms' own messages in the request's language, as Flask-WTF gives them, but each
    catalog read from disk once per process instead of once per request."""

    def gettext(self, string: str) -> str:
        """The message in the request's language."""
        catalog = self._catalog()
        return string if catalog is None else catalog.ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The message for n in the request's language."""
        catalog = self._catalog()
        if catalog is None:
            return singular if n == 1 else plural
        return catalog.ungettext(singular, plural, n)

    @staticmethod
    def _catalog() -> support.NullTranslations | None:
        if not has_request_context() or "babel" not in current_app.extensions:
            return None
        return _wtforms_catalog(str(get_locale()))


WTFORMS_TRANSLATIONS = WTFormsTranslations()


class Form(FlaskForm):
    """A Flask-WTF form whose text fields read only text.

    Flask-WTF hands a form the uploaded files and the text fields together, so a file
    sent under a text field's name (any client can send one) became that field's data
    and failed its validators with a TypeError: a server error instead of a refusal.
    It also reads a JSON body as the form's fields, numbers and objects included, which
    the text validators cannot take either: Recruit's forms read form fields only.
    """

    class Meta(PlainTextMeta, FlaskForm.Meta):
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return WTFORMS_TRANSLATIONS

        def wrap_formdata(self, form, formdata):
            if formdata is _Auto and not request.form and not request.files:
                return None
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
