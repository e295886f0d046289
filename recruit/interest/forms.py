"""The public interest form students fill in, often on a phone at a fair booth."""

import unicodedata
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    TelField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from recruit.candidates.forms import MultiCheckboxField
from recruit.candidates.models import PROCUREMENT_AREAS, ClassStanding, Interest, Term
from recruit.forms import Form

OTHER_UNIVERSITY = "other"
# Besides letters and the marks that go with them: apostrophes (straight and curly),
# hyphens, periods, and the zero-width joiners Persian and Indic names are written with.
NAME_PUNCTUATION = frozenset("'\u2019-\u2010.\u200c\u200d")

# What the form calls each choice, in the student's language (staff pages label the same
# values with the |label filter, in English). A value missing here fails as the app loads.
CLASS_STANDINGS = {
    ClassStanding.FRESHMAN: _l("Freshman"),
    ClassStanding.SOPHOMORE: _l("Sophomore"),
    ClassStanding.JUNIOR: _l("Junior"),
    ClassStanding.SENIOR: _l("Senior"),
    ClassStanding.GRADUATE: _l("Graduate"),
    ClassStanding.RECENT_GRADUATE: _l("Recent graduate"),
}
TERMS = {Term.SPRING: _l("Spring"), Term.SUMMER: _l("Summer"), Term.FALL: _l("Fall")}
INTERESTS = {
    Interest.SUMMER_INTERNSHIP: _l("Summer internship"),
    Interest.SEMESTER_INTERNSHIP: _l("Semester internship"),
    Interest.CO_OP: _l("Co op"),
    Interest.FULL_TIME: _l("Full time"),
}
# The areas are stored in English, as staff read them; only their labels are translated.
AREAS = {
    "Sourcing and solicitations": _l("Sourcing and solicitations"),
    "Contract management": _l("Contract management"),
    "Vendor relations": _l("Vendor relations"),
    "Market research and analytics": _l("Market research and analytics"),
    "Procurement policy and law": _l("Procurement policy and law"),
    "Supplier diversity": _l("Supplier diversity"),
    "Technology and IT purchasing": _l("Technology and IT purchasing"),
    "Construction and facilities": _l("Construction and facilities"),
}


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
        raise ValidationError(_l("Use letters only (accents, apostrophes and hyphens are fine)."))


def strip(value):
    """Trim what phones add: keyboards append a space after an autocompleted word."""
    return value.strip() if isinstance(value, str) else value


def graduation_years(today: date | None = None) -> list[tuple[str, str]]:
    """Years a student may graduate in: last year (recent graduates) to six years on."""
    year = (today or date.today()).year
    return [("", _l("Year"))] + [(str(y), str(y)) for y in range(year - 1, year + 7)]


def translated_choices(labels: dict, values, blank=None) -> list[tuple[str, str]]:
    """Select choices for these values with their translated labels, optionally led by a
    blank choice."""
    choices = [(str(value), labels[value]) for value in values]
    return ([("", blank)] if blank is not None else []) + choices


class InterestForm(Form):
    """What a student tells the office: only what the pipeline needs."""

    # Text fields are stripped, then DataRequired: a name of spaces alone counts as missing
    # (InputRequired looks at the raw input and would let it through empty).

    # autocomplete names the HTML autofill field, so a phone fills a student's own details
    # in one tap. Nothing in the HTML list means "university" ("organization" is an
    # employer), so the university, major and the rest keep the browser's own suggestions.
    first_name = StringField(
        _l("First name"),
        filters=[strip],
        validators=[DataRequired(_l("Enter your first name.")), Length(max=100), valid_name],
        render_kw={"autocomplete": "given-name"},
    )
    last_name = StringField(
        _l("Last name"),
        filters=[strip],
        validators=[DataRequired(_l("Enter your last name.")), Length(max=100), valid_name],
        render_kw={"autocomplete": "family-name"},
    )
    # type=email and type=tel bring up the phone keyboards for them: no inputmode needed.
    email = EmailField(
        _l("Email"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(max=254),
            Email(
                _l("Enter an email address like name@university.edu."), check_deliverability=False
            ),
        ],
        render_kw={"autocomplete": "email"},
    )
    phone = TelField(
        _l("Phone (optional)"),
        filters=[strip],
        validators=[Optional(), Length(max=40)],
        render_kw={"autocomplete": "tel"},
    )
    university = SelectField(
        _l("University"),
        validators=[InputRequired(_l("Choose your university."))],
        validate_choice=True,
    )
    university_other = StringField(
        _l("University name (if not listed)"),
        filters=[strip],
        # No Optional(): it would stop the chain on a blank value before
        # validate_university_other could ask for the name.
        validators=[Length(max=200)],
        # form.js hides the field until "Other / not listed" is chosen; without
        # JavaScript it is always there.
        render_kw={"data-shown-for": f"university={OTHER_UNIVERSITY}"},
    )
    major = StringField(
        _l("Major"),
        filters=[strip],
        validators=[DataRequired(_l("Enter your major.")), Length(max=120)],
    )
    class_standing = SelectField(
        _l("Class standing"),
        choices=translated_choices(CLASS_STANDINGS, ClassStanding, _l("Choose one")),
        validators=[InputRequired(_l("Choose your class standing."))],
    )
    grad_term = SelectField(
        _l("Term"),
        choices=translated_choices(TERMS, Term, _l("Term")),
        validators=[InputRequired(_l("Choose the term you expect to graduate."))],
    )
    # validate_grad_year checks the offered years itself, to say more than "Not a valid
    # choice" to a student whose year is out of range.
    grad_year = SelectField(
        _l("Year"),
        validate_choice=False,
        validators=[InputRequired(_l("Choose the year you expect to graduate."))],
    )
    interests = MultiCheckboxField(
        _l("I'm interested in"),
        choices=translated_choices(INTERESTS, Interest),
        validators=[InputRequired(_l("Choose at least one."))],
    )
    availability = StringField(
        _l("When can you start"),
        filters=[strip],
        validators=[DataRequired(_l("Tell us when you could start.")), Length(max=200)],
    )
    procurement_areas = MultiCheckboxField(
        _l("Areas of procurement that interest you"),
        choices=translated_choices(AREAS, PROCUREMENT_AREAS),
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
    resume = FileField(_l("Resume (PDF, optional)"))
    consent = BooleanField(
        _l(
            "I agree that the office may keep these details and contact me about internships "
            "and jobs."
        ),
        validators=[
            InputRequired(
                _l("Tick the box to agree that we may keep your details and contact you.")
            )
        ],
    )
    # Left empty by people; bots that fill every field give themselves away.
    website = StringField(_l("Leave this field empty"), validators=[Optional(), Length(max=200)])
    started = HiddenField()
    # The page's own key for this submission (see recruit.interest.receipts).
    submission = HiddenField()

    # What the error summary calls a field whose label is too long to lead its entry.
    summary_names = {"consent": _l("Consent")}

    def forget_between_students(self) -> None:
        """At a fair's kiosk: no field offers or keeps what an earlier student typed."""
        for field in self:
            # Checkboxes take no autocomplete attribute: the form's own "off" covers them.
            if isinstance(field, HiddenField | MultiCheckboxField):
                continue
            if isinstance(field, StringField | SelectField):
                field.render_kw = {**(field.render_kw or {}), "autocomplete": "off"}

    def validate_grad_year(self, field) -> None:
        if field.data not in {value for value, _ in field.choices if value}:
            first, last = field.choices[1][0], field.choices[-1][0]
            raise ValidationError(
                _l("Choose a graduation year from %(first)s to %(last)s.", first=first, last=last)
            )

    def validate_university_other(self, field) -> None:
        if self.university.data == OTHER_UNIVERSITY and not (field.data or "").strip():
            raise ValidationError(_l("Enter the name of your university."))
