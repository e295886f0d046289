"""Forms for universities, their contacts and the interactions logged with them."""

import re

from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from recruit.candidates.forms import enum_choices
from recruit.forms import Form
from recruit.stale import VersionedForm
from recruit.timezones import local_today
from recruit.universities.models import ContactRole, InteractionKind, Partnership

STATE_CODE = re.compile(r"^[A-Za-z]{2}$")


class UniversityForm(VersionedForm, Form):
    """Create or edit a university: one form for both."""

    name = StringField("Name", validators=[InputRequired(), Length(max=200)])
    college = StringField("College or department", validators=[Optional(), Length(max=200)])
    majors = StringField(
        "Majors of interest",
        validators=[Optional(), Length(max=500)],
        description="For example: supply chain, business, public administration, law.",
    )
    city = StringField("City", validators=[Optional(), Length(max=120)])
    state = StringField("State", validators=[Optional(), Length(max=2)])
    partnership = SelectField("Partnership", choices=enum_choices(Partnership))
    agreement_on = DateField("Agreement signed on", validators=[Optional()])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=5000)])

    def validate_state(self, field) -> None:
        if field.data and not STATE_CODE.match(field.data.strip()):
            raise ValidationError("Use the state's two-letter code, for example TX.")

    def validate(self, extra_validators=None) -> bool:
        # Optional() ends an empty field's checks, so the agreement's date is checked here.
        valid = super().validate(extra_validators)
        date_missing = not self.agreement_on.data and not self.agreement_on.errors
        if self.partnership.data == Partnership.FORMAL_AGREEMENT and date_missing:
            self.agreement_on.errors = ["Give the date the formal agreement was signed."]
            return False
        return valid


class ContactForm(VersionedForm, Form):
    """Create or edit a contact at a university: one form for both."""

    name = StringField("Name", validators=[InputRequired(), Length(max=120)])
    role = SelectField("Role", choices=enum_choices(ContactRole))
    title = StringField("Title", validators=[Optional(), Length(max=120)])
    email = EmailField("Email", validators=[Optional(), Email(), Length(max=254)])
    phone = StringField("Phone", validators=[Optional(), Length(max=40)])
    owner_id = SelectField("Owner at the office", coerce=str, validate_choice=True)
    next_follow_up_on = DateField("Next follow-up", validators=[Optional()])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=5000)])


class InteractionForm(Form):
    """Log one touch with a contact, and set when to follow up next."""

    occurred_on = DateField("Date", validators=[InputRequired("Give the date.")])
    kind = SelectField("How", choices=enum_choices(InteractionKind))
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=5000)])
    next_follow_up_on = DateField("Next follow-up", validators=[Optional()])

    def validate_occurred_on(self, field) -> None:
        if field.data and field.data > local_today():
            raise ValidationError("An interaction cannot be in the future.")

    def validate_next_follow_up_on(self, field) -> None:
        if field.data and field.data < local_today():
            raise ValidationError("A follow-up cannot be in the past.")


class ActionForm(Form):
    """A CSRF-protected button on the follow-ups page; it returns to the same view."""

    who = HiddenField()
