"""Forms for candidates: profile, moves, notes, bulk actions and merges."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, ValidationError

from recruit.candidates.models import (
    PROCUREMENT_AREAS,
    ClassStanding,
    Interest,
    Source,
    Term,
)
from recruit.forms import Form
from recruit.pipeline.moves import CLOSE_REASONS
from recruit.stale import VersionedForm
from recruit.templating import label


def checked_resume(field) -> tuple[bytes | None, bool]:
    """The resume uploaded in a file field, checked (PDF, size), or None when there is
    none; False when it was refused, with the reason put on the field."""
    from recruit.candidates.services import ResumeRejected, check_resume

    upload = field.data
    if not upload or not getattr(upload, "filename", ""):
        return None, True
    try:
        return check_resume(upload), True
    except ResumeRejected as error:
        field.errors = [*field.errors, str(error)]
        return None, False


def enum_choices(enum_class, blank: str | None = None) -> list[tuple[str, str]]:
    """Select choices for an enum, optionally led by a blank choice."""
    choices = [(member.value, label(member)) for member in enum_class]
    return ([("", blank)] if blank is not None else []) + choices


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class RatingField(SelectField):
    """A rating of 1 to 5, or none: the Edit form's select and the candidate page's stars."""

    refused = _l("Choose a rating from 1 to 5, or Not rated.")

    def __init__(self, label="Rating", **options):
        options.setdefault(
            "choices", [("", "Not rated")] + [(str(n), f"{n} of 5") for n in range(1, 6)]
        )
        super().__init__(label, **options)

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(self.refused) from None

    @property
    def rating(self) -> int | None:
        """The rating chosen, as a number; None when not rated."""
        return int(self.data) if self.data else None


class CandidateForm(VersionedForm, Form):
    """Create or edit a candidate: one form for both."""

    required_messages = {
        "first_name": _l("Enter the candidate's first name."),
        "last_name": _l("Enter the candidate's last name."),
        "email": _l("Enter the candidate's email address."),
    }

    first_name = StringField("First name", validators=[InputRequired(), Length(max=100)])
    last_name = StringField("Last name", validators=[InputRequired(), Length(max=100)])
    email = EmailField("Email", validators=[InputRequired(), Email(), Length(max=254)])
    phone = StringField("Phone (optional)", validators=[Optional(), Length(max=40)])
    university_id = SelectField("University", coerce=str, validate_choice=True)
    university_other = StringField(
        "University, if not listed", validators=[Optional(), Length(max=200)]
    )
    major = StringField("Major", validators=[Optional(), Length(max=120)])
    class_standing = SelectField("Class standing", choices=enum_choices(ClassStanding, "Not given"))
    grad_term = SelectField("Expected graduation term", choices=enum_choices(Term, "Not given"))
    grad_year = IntegerField(
        "Expected graduation year",
        validators=[Optional(), NumberRange(min=1990, max=date.today().year + 8)],
    )
    interests = MultiCheckboxField("Interested in", choices=enum_choices(Interest))
    availability = StringField("When they can start", validators=[Optional(), Length(max=200)])
    procurement_areas = MultiCheckboxField(
        "Areas of procurement", choices=[(a, a) for a in PROCUREMENT_AREAS]
    )
    # No source is preset: "Event" as the first choice credited events with students staff
    # added by hand.
    source = SelectField(
        "Source",
        choices=enum_choices(Source, _l("Choose how they reached the office")),
        validators=[InputRequired(_l("Choose how the student reached the office."))],
    )
    source_event_id = SelectField("Source event", coerce=str, validate_choice=True)
    rating = RatingField()
    tags = StringField(
        "Tags",
        validators=[
            Optional(),
            Length(max=400, message=_l("Tags take at most 400 characters in all: remove some.")),
        ],
        description="Separate with commas.",
        # No maxlength in the page: a pasted list longer than the limit would be cut
        # silently, mid-tag; refused, it comes back whole with the reason beside it.
        render_kw={"maxlength": False},
    )
    consent = BooleanField("The student agreed to be contacted about opportunities")
    resume = FileField("Resume (PDF, optional)")
    confirm_duplicate = BooleanField("Save anyway: this is a different person")


class RatingForm(VersionedForm, Form):
    """A candidate's rating set in place on their page, by the Edit form's own field."""

    rating = CandidateForm.rating

    def sent_its_value(self) -> bool:
        """Did the request carry the rating (Not rated sends an empty one)?"""
        return bool(self.rating.raw_data)


class TagsForm(VersionedForm, Form):
    """A candidate's tags set in place on their page, by the Edit form's own field."""

    tags = CandidateForm.tags

    def sent_its_value(self) -> bool:
        """Did the request carry the tags field (an empty one clears the tags)?"""
        return bool(self.tags.raw_data)


class MoveForm(Form):
    """Move a candidate to a stage; the version proves the mover saw the current card."""

    to_stage = SelectField("Move to", coerce=str)
    version = HiddenField(validators=[InputRequired()])
    # The stage service checks the reason against the closed stage it goes with.
    reason = SelectField(
        "Reason", choices=[("", "Choose a reason"), *CLOSE_REASONS], validate_choice=False
    )
    comment = StringField("Comment (optional)", validators=[Optional(), Length(max=500)])
    # The board sends neither field and so sends the stage's message; the candidate page
    # shows the box (and says so with message_choice), ticked.
    send_message = BooleanField("Email the candidate the stage's message", default=True)
    message_choice = HiddenField()
    next = HiddenField()

    def wants_message(self) -> bool:
        """Send the stage's message unless the mover unticked it where it was shown."""
        return self.message_choice.data != "shown" or bool(self.send_message.data)


class NoteForm(Form):
    body = TextAreaField("Add a note", validators=[InputRequired(), Length(max=5000)])


class BulkForm(Form):
    """An action on the candidates selected in the list."""

    ids = SelectMultipleField("Candidates", coerce=str, validate_choice=False)
    action = SelectField(
        "With the selected",
        choices=[("move", "Move to stage"), ("tag", "Add tag"), ("export", "Export CSV")],
    )
    to_stage = SelectField("Stage", coerce=str, validate_choice=False)
    tag = StringField("Tag", validators=[Optional(), Length(max=40)])
    next = HiddenField()


class MergeForm(Form):
    other_email = EmailField(
        "Email of the duplicate record", validators=[InputRequired(), Length(max=254)]
    )
    confirm = BooleanField("I checked: both records are the same person")


class SideBySideMergeForm(Form):
    """The side-by-side merge; the versions prove HR chose from both records as they are.
    Each differing detail is a radio named take-<choice> ("kept" or "other"), read by the
    view from the rows the page showed."""

    kept_version = HiddenField(validators=[InputRequired()])
    other_version = HiddenField(validators=[InputRequired()])
