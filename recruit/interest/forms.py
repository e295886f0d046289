"""The public interest form students fill in, often on a phone at a fair booth."""

import re
from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from recruit.candidates.forms import MultiCheckboxField, enum_choices
from recruit.candidates.models import PROCUREMENT_AREAS, ClassStanding, Interest, Term

OTHER_UNIVERSITY = "other"
# Letters of any script, marks, spaces, apostrophes, hyphens and periods: no digits or symbols.
NAME_PATTERN = re.compile(r"^[^\W\d_](?:[^\W\d_]|[\s'\u2019\-.])*$")


def valid_name(form, field) -> None:
    """Names in any script, with apostrophes and hyphens; nothing that is not a name."""
    value = (field.data or "").strip()
    if value and not NAME_PATTERN.match(value):
        raise ValidationError("Use letters only (accents, apostrophes and hyphens are fine).")


def graduation_years(today: date | None = None) -> list[tuple[str, str]]:
    """Years a student may graduate in: this year and the next six."""
    year = (today or date.today()).year
    return [("", "Year")] + [(str(y), str(y)) for y in range(year - 1, year + 7)]


class InterestForm(FlaskForm):
    """What a student tells the office: only what the pipeline needs."""

    first_name = StringField(
        "First name",
        validators=[InputRequired("Enter your first name."), Length(max=100), valid_name],
    )
    last_name = StringField(
        "Last name",
        validators=[InputRequired("Enter your last name."), Length(max=100), valid_name],
    )
    email = EmailField(
        "Email",
        validators=[
            InputRequired("Enter your email address."),
            Length(max=254),
            Email("Enter an email address like name@university.edu.", check_deliverability=False),
        ],
    )
    phone = StringField("Phone (optional)", validators=[Optional(), Length(max=40)])
    university = SelectField(
        "University", validators=[InputRequired("Choose your university.")], validate_choice=True
    )
    university_other = StringField(
        "University name (if not listed)", validators=[Optional(), Length(max=200)]
    )
    major = StringField("Major", validators=[InputRequired("Enter your major."), Length(max=120)])
    class_standing = SelectField(
        "Class standing",
        choices=enum_choices(ClassStanding, "Choose one"),
        validators=[InputRequired("Choose your class standing.")],
    )
    grad_term = SelectField(
        "Term",
        choices=enum_choices(Term, "Term"),
        validators=[InputRequired("Choose the term you expect to graduate.")],
    )
    grad_year = SelectField(
        "Year", validators=[InputRequired("Choose the year you expect to graduate.")]
    )
    interests = MultiCheckboxField(
        "I'm interested in",
        choices=enum_choices(Interest),
        validators=[InputRequired("Choose at least one.")],
    )
    availability = StringField(
        "When can you start",
        validators=[InputRequired("Tell us when you could start."), Length(max=200)],
    )
    procurement_areas = MultiCheckboxField(
        "Areas of procurement that interest you",
        choices=[(area, area) for area in PROCUREMENT_AREAS],
        validators=[Optional()],
    )
    resume = FileField("Resume (PDF, optional)")
    consent = BooleanField(
        "I agree that the office may keep these details and contact me about internships and jobs.",
        validators=[InputRequired("Tick this box so that we may contact you.")],
    )
    # Left empty by people; bots that fill every field give themselves away.
    website = StringField("Leave this field empty", validators=[Optional(), Length(max=200)])
    started = HiddenField()

    def validate_university_other(self, field) -> None:
        if self.university.data == OTHER_UNIVERSITY and not (field.data or "").strip():
            raise ValidationError("Enter the name of your university.")
