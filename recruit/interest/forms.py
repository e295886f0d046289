"""The public interest form students fill in, often on a phone at a fair booth."""

import unicodedata
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from recruit.candidates.forms import MultiCheckboxField, enum_choices
from recruit.candidates.models import PROCUREMENT_AREAS, ClassStanding, Interest, Term
from recruit.forms import Form

OTHER_UNIVERSITY = "other"
# Besides letters and the marks that go with them: apostrophes (straight and curly),
# hyphens, periods, and the zero-width joiners Persian and Indic names are written with.
NAME_PUNCTUATION = frozenset("'\u2019-\u2010.\u200c\u200d")


def is_name(value: str) -> bool:
    """Does this look like a name in any script: a letter first, then letters, combining
    marks (a decomposed é, Arabic vowel signs, Devanagari matras), spaces and punctuation
    names use, and no digits or symbols?"""
    if not value or unicodedata.category(value[0])[0] != "L":
        return False
    return all(
        unicodedata.category(ch)[0] in "LM" or ch == " " or ch in NAME_PUNCTUATION for ch in value
    )


def valid_name(form, field) -> None:
    """Names in any script, with apostrophes and hyphens; nothing that is not a name."""
    value = (field.data or "").strip()
    if value and not is_name(value):
        raise ValidationError("Use letters only (accents, apostrophes and hyphens are fine).")


def strip(value):
    """Trim what phones add: keyboards append a space after an autocompleted word."""
    return value.strip() if isinstance(value, str) else value


def graduation_years(today: date | None = None) -> list[tuple[str, str]]:
    """Years a student may graduate in: last year (recent graduates) to six years on."""
    year = (today or date.today()).year
    return [("", "Year")] + [(str(y), str(y)) for y in range(year - 1, year + 7)]


class InterestForm(Form):
    """What a student tells the office: only what the pipeline needs."""

    # Text fields are stripped, then DataRequired: a name of spaces alone counts as missing
    # (InputRequired looks at the raw input and would let it through empty).

    first_name = StringField(
        "First name",
        filters=[strip],
        validators=[DataRequired("Enter your first name."), Length(max=100), valid_name],
    )
    last_name = StringField(
        "Last name",
        filters=[strip],
        validators=[DataRequired("Enter your last name."), Length(max=100), valid_name],
    )
    email = EmailField(
        "Email",
        filters=[strip],
        validators=[
            DataRequired("Enter your email address."),
            Length(max=254),
            Email("Enter an email address like name@university.edu.", check_deliverability=False),
        ],
    )
    phone = StringField(
        "Phone (optional)", filters=[strip], validators=[Optional(), Length(max=40)]
    )
    university = SelectField(
        "University", validators=[InputRequired("Choose your university.")], validate_choice=True
    )
    university_other = StringField(
        "University name (if not listed)",
        filters=[strip],
        # No Optional(): it would stop the chain on a blank value before
        # validate_university_other could ask for the name.
        validators=[Length(max=200)],
    )
    major = StringField(
        "Major",
        filters=[strip],
        validators=[DataRequired("Enter your major."), Length(max=120)],
    )
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
    # validate_grad_year checks the offered years itself, to say more than "Not a valid
    # choice" to a student whose year is out of range.
    grad_year = SelectField(
        "Year",
        validate_choice=False,
        validators=[InputRequired("Choose the year you expect to graduate.")],
    )
    interests = MultiCheckboxField(
        "I'm interested in",
        choices=enum_choices(Interest),
        validators=[InputRequired("Choose at least one.")],
    )
    availability = StringField(
        "When can you start",
        filters=[strip],
        validators=[DataRequired("Tell us when you could start."), Length(max=200)],
    )
    procurement_areas = MultiCheckboxField(
        "Areas of procurement that interest you",
        choices=[(area, area) for area in PROCUREMENT_AREAS],
        validators=[Optional()],
    )
    # Choices are the positions open now (the view sets them). Ids of positions that closed
    # while the student filled the form, or of none, are dropped when saved, not refused.
    openings = MultiCheckboxField(
        _l("Openings you are interested in (optional)"),
        description=_l("Tick any that appeal to you. We consider you for the others too."),
        validators=[Optional()],
        validate_choice=False,
    )
    resume = FileField("Resume (PDF, optional)")
    consent = BooleanField(
        "I agree that the office may keep these details and contact me about internships and jobs.",
        validators=[InputRequired("Tick this box so that we may contact you.")],
    )
    # Left empty by people; bots that fill every field give themselves away.
    website = StringField("Leave this field empty", validators=[Optional(), Length(max=200)])
    started = HiddenField()

    def validate_grad_year(self, field) -> None:
        if field.data not in {value for value, _ in field.choices if value}:
            first, last = field.choices[1][0], field.choices[-1][0]
            raise ValidationError(f"Choose a graduation year from {first} to {last}.")

    def validate_university_other(self, field) -> None:
        if self.university.data == OTHER_UNIVERSITY and not (field.data or "").strip():
            raise ValidationError("Enter the name of your university.")
