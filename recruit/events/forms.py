"""Forms for events: the event itself, fair visit logs and quick-add leads."""

import re

from wtforms import (
    DateField,
    DecimalField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import (
    URL,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from recruit.candidates.forms import enum_choices
from recruit.events.models import EventKind, EventStatus
from recruit.forms import Form
from recruit.stale import VersionedForm

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def cost(label: str) -> DecimalField:
    return DecimalField(
        label, places=2, default=0, validators=[Optional(), NumberRange(min=0, max=1_000_000)]
    )


class EventForm(VersionedForm, Form):
    """Create or edit an event: one form for both."""

    name = StringField("Name", validators=[InputRequired(), Length(max=200)])
    slug = StringField(
        "Short name for its sign-up link",
        # 70, not the column's 80: a taken slug gets "-2", "-3" … added and must still fit.
        validators=[Optional(), Length(max=70)],
        description="Lower-case letters, digits and hyphens; made from the name when empty.",
    )
    kind = SelectField("Type", choices=enum_choices(EventKind))
    university_id = SelectField("University", coerce=str, default="")
    starts_on = DateField("Starts", validators=[InputRequired("Give the date it starts.")])
    ends_on = DateField("Ends", validators=[Optional()])
    # The office's wall clock, like the dates; a browser may send seconds too.
    starts_at_time = TimeField("Starts at", format=["%H:%M", "%H:%M:%S"], validators=[Optional()])
    ends_at_time = TimeField("Ends at", format=["%H:%M", "%H:%M:%S"], validators=[Optional()])
    location = StringField("Place", validators=[Optional(), Length(max=200)])
    virtual_url = URLField(
        "Virtual link", validators=[Optional(), URL(require_tld=False), Length(max=500)]
    )
    staff = SelectMultipleField("Staff going", coerce=str, validate_choice=True)
    cost_registration = cost("Registration ($)")
    cost_travel = cost("Travel ($)")
    cost_giveaways = cost("Giveaways ($)")
    cost_other = cost("Other costs ($)")
    status = SelectField("Status", choices=enum_choices(EventStatus))
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=5000)])

    def validate_slug(self, field) -> None:
        if field.data and not SLUG.match(field.data):
            raise ValidationError("Use lower-case letters, digits and single hyphens.")

    def validate_ends_on(self, field) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("The end cannot be before the start.")

    def validate_ends_at_time(self, field) -> None:
        if self.starts_at_time.data is None:
            raise ValidationError("Give the time it starts too, or leave the end empty.")
        one_day = not self.ends_on.data or self.ends_on.data == self.starts_on.data
        if one_day and field.data <= self.starts_at_time.data:
            raise ValidationError("On a one-day event the end must be after the start.")

    def validate_virtual_url(self, field) -> None:
        if field.data and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError("Use a web address starting with https://")


class FairVisitForm(Form):
    """What a staff member logs at an attended event, with an optional follow-up."""

    staff_present = StringField("Staff present", validators=[Optional(), Length(max=500)])
    students_talked_to = IntegerField(
        "Students talked to", validators=[InputRequired(), NumberRange(min=0, max=100_000)]
    )
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=5000)])
    follow_up = StringField("Follow-up to do (optional)", validators=[Optional(), Length(max=500)])
    follow_up_assignee = SelectField("Who", coerce=str, validate_choice=False)
    follow_up_due = DateField("By when", validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Checked here, not in validate_follow_up_due: Optional() on an empty date stops
        # the field's validators before an inline one could ask for it.
        if self.follow_up.data and not self.follow_up_due.data and not self.follow_up_due.errors:
            self.follow_up_due.errors.append("Give the follow-up a date.")
            return False
        return valid

    def validate_follow_up_assignee(self, field) -> None:
        known = {value for value, _label in field.choices}
        if self.follow_up.data and field.data not in known:
            raise ValidationError("Choose who will do it.")


class QuickLeadForm(Form):
    """A lead added at the booth in a few seconds."""

    first_name = StringField("First name", validators=[InputRequired(), Length(max=100)])
    last_name = StringField("Last name", validators=[InputRequired(), Length(max=100)])
    email = EmailField("Email", validators=[InputRequired(), Email(), Length(max=254)])
    university_id = SelectField("University", coerce=str, default="")
    note = StringField("Note", validators=[Optional(), Length(max=1000)])
    # The page's own key for this lead (see recruit.interest.receipts).
    submission = HiddenField()
