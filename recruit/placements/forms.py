"""Forms for positions, placements, outcomes, evaluation links, items and the evaluations."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from recruit.candidates.forms import enum_choices
from recruit.forms import Form
from recruit.placements.models import (
    AnswerType,
    EvaluationItem,
    EvaluationKind,
    FundingSource,
    Outcome,
    PositionStatus,
)
from recruit.placements.questionnaires import KIND_TITLES
from recruit.stale import VersionedForm
from recruit.timezones import local_today

# Supervisors and interns answer on a public page, in English or Spanish: the evaluation
# form's own words are translated (admins' prompts are shown as they wrote them).
RATINGS = [
    ("1", _l("1 Unsatisfactory")),
    ("2", _l("2 Needs improvement")),
    ("3", _l("3 Meets expectations")),
    ("4", _l("4 Exceeds expectations")),
    ("5", _l("5 Exceptional")),
    ("not_observed", _l("Not observed")),
]
YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]


def _ends_after_start(form, field):
    if field.data and form.starts_on.data and field.data < form.starts_on.data:
        raise ValidationError("The end date comes before the start date.")


class PositionForm(VersionedForm, Form):
    """Create or edit a position: one form for both."""

    title = StringField("Title", validators=[InputRequired(), Length(max=200)])
    agency = StringField("Agency", validators=[InputRequired(), Length(max=200)])
    division = StringField("Division", validators=[Optional(), Length(max=200)])
    supervisor_name = StringField("Supervisor", validators=[Optional(), Length(max=120)])
    supervisor_email = EmailField(
        "Supervisor's email", validators=[Optional(), Email(), Length(max=254)]
    )
    term = StringField(
        "Term",
        validators=[InputRequired(), Length(max=20)],
        description="For example: Summer 2027.",
    )
    starts_on = DateField("Starts", validators=[Optional()])
    ends_on = DateField("Ends", validators=[Optional(), _ends_after_start])
    hours_per_week = IntegerField(
        "Hours per week", validators=[Optional(), NumberRange(min=1, max=60)]
    )
    pay_hourly = DecimalField(
        "Hourly pay ($)", places=2, validators=[Optional(), NumberRange(min=0, max=1000)]
    )
    funding_source = SelectField("Funding source", choices=enum_choices(FundingSource))
    openings = IntegerField(
        "Openings", default=1, validators=[InputRequired(), NumberRange(min=1, max=500)]
    )
    status = SelectField(
        "Status",
        choices=enum_choices(PositionStatus),
        description=_l(
            "A new position starts as a draft, seen by staff alone. Choose Open to list it "
            "on the students' openings page and to place candidates in it."
        ),
    )
    location = StringField(
        "Location",
        validators=[Optional(), Length(max=200)],
        description="Where the intern works: a city, a building, or remote.",
    )
    description = TextAreaField(
        "Description (shown to students on the openings page)",
        validators=[Optional(), Length(max=5000)],
    )
    description_es = TextAreaField(
        "Description in Spanish", validators=[Optional(), Length(max=5000)]
    )


class PlacementForm(Form):
    """Place a candidate in an open position; blanks take the position's values."""

    position_id = SelectField(
        "Position",
        coerce=str,
        validate_choice=False,
        description=_l(
            "Only open positions are listed: a draft, filled or closed one is not. Open a "
            "position on its page to place someone in it."
        ),
    )
    supervisor_name = StringField(
        "Supervisor", validators=[Optional(), Length(max=120)], description="Blank: the position's."
    )
    supervisor_email = EmailField(
        "Supervisor's email",
        validators=[Optional(), Email(), Length(max=254)],
        description="Blank: the position's.",
    )
    mentor_name = StringField("Mentor", validators=[Optional(), Length(max=120)])
    starts_on = DateField("Starts", validators=[Optional()], description="Blank: the position's.")
    ends_on = DateField(
        "Ends", validators=[Optional(), _ends_after_start], description="Blank: the position's."
    )
    hours_per_week = IntegerField(
        "Hours per week", validators=[Optional(), NumberRange(min=1, max=60)]
    )
    midterm_due_on = DateField(
        "Mid-term evaluation due",
        validators=[Optional()],
        description="Blank: halfway through the placement.",
    )
    final_due_on = DateField(
        "Final evaluation due", validators=[Optional()], description="Blank: the last day."
    )


class OutcomeForm(VersionedForm, Form):
    """How a placement ended, and whether to move the candidate to match."""

    outcome = SelectField("Outcome", choices=enum_choices(Outcome), default="completed")
    outcome_on = DateField("Date", validators=[InputRequired("Give the outcome's date.")])
    hired_title = StringField(
        "Hired as (title)", validators=[Length(max=200)], description="For a hire."
    )
    move_candidate = BooleanField(default=True)

    def validate_hired_title(self, field):
        if self.outcome.data == Outcome.HIRED.value and not (field.data or "").strip():
            raise ValidationError("Give the title the intern was hired into.")


class RequestForm(Form):
    """Ask a supervisor or the intern for an evaluation by private link."""

    kind = SelectField("Form", choices=[(kind.value, KIND_TITLES[kind]) for kind in EvaluationKind])
    recipient_name = StringField(
        "Send to (name)",
        validators=[Optional(), Length(max=120)],
        description="Blank: the supervisor for supervisor forms, the intern for the others.",
    )
    recipient_email = EmailField(
        "Send to (email)", validators=[Optional(), Email(), Length(max=254)]
    )
    send_on = DateField(
        "Send on",
        validators=[Optional()],
        description="Blank sends it now. A later date sends it that morning; the link "
        "works from then until two weeks after the form is due.",
    )

    def validate_send_on(self, field):
        if field.data is not None and field.data < local_today():
            raise ValidationError("Choose today or a later date.")


class RewordForm(VersionedForm, Form):
    """New words for a questionnaire item."""

    prompt = TextAreaField("New wording", validators=[InputRequired(), Length(max=500)])


class EvaluationBase(Form):
    """The parts every evaluation form shares; its items are added per form."""

    submitted_by_name = StringField(_l("Your name"), validators=[InputRequired(), Length(max=120)])
    strengths = TextAreaField(_l("Strengths"), validators=[Optional(), Length(max=5000)])
    areas_to_grow = TextAreaField(_l("Areas to grow"), validators=[Optional(), Length(max=5000)])


def item_field_name(item: EvaluationItem) -> str:
    """The form field that answers an item: by key, which rewording keeps."""
    return f"item_{item.key}"


def _item_field(item: EvaluationItem):
    if item.answer_type == AnswerType.RATING:
        return RadioField(
            item.prompt, choices=RATINGS, validators=[InputRequired(_l("Choose a rating."))]
        )
    if item.answer_type == AnswerType.YES_NO:
        return RadioField(
            item.prompt, choices=YES_NO, validators=[InputRequired(_l("Choose one."))]
        )
    if item.answer_type == AnswerType.PERCENT:
        return IntegerField(
            _l("%(prompt)s (percent)", prompt=item.prompt),
            validators=[
                InputRequired(_l("Give a number from 0 to 100.")),
                NumberRange(min=0, max=100, message=_l("Give a number from 0 to 100.")),
            ],
        )
    return TextAreaField(item.prompt, validators=[Optional(), Length(max=5000)])


def evaluation_form(items: list[EvaluationItem], kind: EvaluationKind, **kwargs) -> Form:
    """An evaluation form with a field per item; supervisors also say if they recommend."""

    class EvaluationForm(EvaluationBase):
        pass

    for item in items:
        setattr(EvaluationForm, item_field_name(item), _item_field(item))
    if kind in (EvaluationKind.SUPERVISOR_MIDTERM, EvaluationKind.SUPERVISOR_FINAL):
        EvaluationForm.recommend_full_time = RadioField(
            _l("Would you recommend this intern for full-time employment?"),
            choices=[*YES_NO, ("not_sure", _l("Not sure yet"))],
            validators=[InputRequired(_l("Choose one."))],
        )
    return EvaluationForm(**kwargs)


def evaluation_answers(form: Form, items: list[EvaluationItem]) -> dict:
    """Item id to (rating, value) from a valid evaluation form; not observed is None."""
    answers = {}
    for item in items:
        data = form[item_field_name(item)].data
        if item.answer_type == AnswerType.RATING:
            answers[item.id] = (None if data == "not_observed" else int(data), "")
        else:
            answers[item.id] = (None, "" if data is None else str(data).strip())
    return answers


def evaluation_values(form: Form) -> dict:
    """The evaluation's own fields from a valid form."""
    recommend = form.recommend_full_time.data if "recommend_full_time" in form else None
    return {
        "submitted_by_name": form.submitted_by_name.data,
        "strengths": form.strengths.data or "",
        "areas_to_grow": form.areas_to_grow.data or "",
        "recommend_full_time": {"yes": True, "no": False}.get(recommend),
    }
