"""Forms on the student's own pages: asking for a link, and each change made there."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, SelectField
from wtforms.validators import DataRequired, Email, Length

from recruit.candidates.forms import MultiCheckboxField
from recruit.forms import Form
from recruit.i18n import LANGUAGES
from recruit.interest.forms import InterestForm, strip


class AskForm(Form):
    """The address a student gave us, to send their link to."""

    email = EmailField(
        _l("Your email"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(max=254),
            Email(
                _l("Enter an email address like name@university.edu."), check_deliverability=False
            ),
        ],
    )


class DetailsForm(Form):
    """The details a student may change themselves: the interest form's own fields, with
    its labels, choices and checks, and the language of our emails."""

    phone = InterestForm.phone
    grad_term = InterestForm.grad_term
    grad_year = InterestForm.grad_year
    interests = InterestForm.interests
    availability = InterestForm.availability
    language = SelectField(_l("Language of our emails"), choices=list(LANGUAGES.items()))

    validate_grad_year = InterestForm.validate_grad_year


class ResumeForm(Form):
    """A new resume, replacing the one we have."""

    resume = FileField(_l("Resume (PDF, up to 5 MB)"))


class OpeningsForm(Form):
    """The open positions a student is interested in; the view fills the choices. A
    position that closed while the page was open is dropped when saved, as on the
    interest form, not refused."""

    openings = MultiCheckboxField(
        _l("Openings that interest you"), coerce=int, validate_choice=False
    )


class WithdrawForm(Form):
    """Withdrawing, confirmed by a ticked box."""

    confirm = BooleanField(
        _l("Yes, withdraw my application"),
        validators=[DataRequired(_l("Tick the box to confirm that you want to withdraw."))],
    )


class ActionForm(Form):
    """A button that changes something (stop emails, download, ask for erasure): only the
    form's CSRF token to check."""
