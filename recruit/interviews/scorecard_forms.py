"""Forms for interview kits and scorecards."""

from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from recruit.database import parse_id
from recruit.forms import Form, SubForm
from recruit.interviews.models import KitQuestion, Recommendation
from recruit.interviews.scorecards import (
    COMPETENCIES,
    RATING_SCALE,
    RECOMMENDATIONS,
    QuestionEdit,
)
from recruit.stale import VersionedForm

COMPETENCY_CHOICES = list(COMPETENCIES.items())


class QuestionRow(SubForm):
    """One question of the kit form."""

    question_id = HiddenField()
    competency = SelectField("Competency", choices=COMPETENCY_CHOICES)
    text = TextAreaField(
        "Question", validators=[Length(max=500, message="Keep it under 500 characters.")]
    )
    order = IntegerField(
        "Order",
        validators=[
            InputRequired("Give its place as a number."),
            NumberRange(min=1, max=999, message="Give a number from 1 to 999."),
        ],
    )
    remove = BooleanField("Remove this question")

    def validate_text(self, field):
        if not self.remove.data and not (field.data or "").strip():
            raise ValidationError("Write the question, or tick Remove.")


class KitForm(VersionedForm, Form):
    """A kit's questions as one form: reword, reorder, remove, and one to add."""

    questions = FieldList(FormField(QuestionRow))
    new_competency = SelectField(
        "Competency of the new question", choices=COMPETENCY_CHOICES, validate_choice=False
    )
    new_text = TextAreaField(
        "New question",
        validators=[Optional(), Length(max=500, message="Keep it under 500 characters.")],
        description="Leave blank to add none.",
    )

    def validate_new_competency(self, field):
        if (self.new_text.data or "").strip() and field.data not in COMPETENCIES:
            raise ValidationError("Choose the competency the new question assesses.")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        kept = [row for row in self.questions if not row.form.remove.data]
        if valid and not kept and not (self.new_text.data or "").strip():
            self.new_text.errors = ["A kit needs at least one question."]
            return False
        return valid

    def fill(self, questions: list[KitQuestion]) -> None:
        """Load a kit's questions into an unsent form."""
        while len(self.questions.entries):
            self.questions.pop_entry()
        for question in questions:
            self.questions.append_entry(
                {
                    "question_id": str(question.id),
                    "competency": question.competency,
                    "text": question.text,
                    "order": question.sort_order,
                }
            )

    def edits(self) -> list[QuestionEdit]:
        """The questions as the editor left them, the new one last."""
        edits = [
            QuestionEdit(
                id=parse_id(row.form.question_id.data or ""),
                competency=row.form.competency.data,
                text=row.form.text.data or "",
                sort_order=row.form.order.data,
                remove=bool(row.form.remove.data),
            )
            for row in self.questions
        ]
        if (self.new_text.data or "").strip():
            last = max((edit.sort_order for edit in edits), default=0)
            edits.append(
                QuestionEdit(
                    id=None,
                    competency=self.new_competency.data,
                    text=self.new_text.data,
                    sort_order=last + 1,
                )
            )
        return edits


RATING_CHOICES = [(str(value), meaning) for value, meaning in RATING_SCALE]


def rating_field(question: KitQuestion) -> str:
    """The form field that rates a question."""
    return f"rating_{question.id}"


def evidence_field(question: KitQuestion) -> str:
    """The form field that holds the evidence for a question's rating."""
    return f"evidence_{question.id}"


class ScorecardBase(Form):
    """What every scorecard asks besides the kit's questions."""

    recommendation = RadioField(
        "Your overall recommendation",
        choices=[(value.value, label) for value, label in RECOMMENDATIONS],
        validate_choice=False,
        validators=[
            InputRequired("Choose your recommendation."),
            AnyOf([r.value for r in Recommendation], message="Choose your recommendation."),
        ],
    )
    summary = TextAreaField(
        "Summary",
        validators=[Optional(), Length(max=5000, message="Keep it under 5,000 characters.")],
        description="What the panel should know: the strongest evidence either way.",
    )


def scorecard_form(questions: list[KitQuestion], **kwargs) -> Form:
    """A scorecard with a rating and an evidence note per kit question."""

    class ScorecardForm(ScorecardBase):
        pass

    for question in questions:
        setattr(
            ScorecardForm,
            rating_field(question),
            RadioField(
                question.text,
                choices=RATING_CHOICES,
                # A rating outside the scale gets the same plain message as none at all.
                validate_choice=False,
                validators=[
                    InputRequired("Choose a rating from 1 to 4."),
                    AnyOf([v for v, _m in RATING_CHOICES], "Choose a rating from 1 to 4."),
                ],
            ),
        )
        setattr(
            ScorecardForm,
            evidence_field(question),
            TextAreaField(
                "Evidence",
                validators=[
                    Optional(),
                    Length(max=5000, message="Keep it under 5,000 characters."),
                ],
            ),
        )
    form = ScorecardForm(**kwargs)
    # Short names for the error summary: a question's label is a whole sentence.
    form.summary_names = {}
    for n, question in enumerate(questions, start=1):
        form[evidence_field(question)].label.text = f"Evidence for question {n}"
        form.summary_names[rating_field(question)] = f"Question {n}"
        form.summary_names[evidence_field(question)] = f"Evidence for question {n}"
    return form


def scorecard_answers(form: Form, questions: list[KitQuestion]) -> dict[int, tuple[int, str]]:
    """Question id to (rating, evidence) from a valid scorecard form."""
    return {
        q.id: (int(form[rating_field(q)].data), form[evidence_field(q)].data or "")
        for q in questions
    }
