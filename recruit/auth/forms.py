"""Sign-in and password forms."""

from flask_login import current_user
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, ValidationError

from recruit.auth.models import MIN_PASSWORD_LENGTH, Role
from recruit.auth.passwords import password_problem
from recruit.forms import Form

PASSWORD_RULE = Length(
    min=MIN_PASSWORD_LENGTH,
    max=200,
    message=f"Use at least {MIN_PASSWORD_LENGTH} characters.",
)


class LoginForm(Form):
    email = EmailField("Email", validators=[InputRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=200)])
    remember = BooleanField("Keep me signed in on this device")


class PasswordForm(Form):
    current_password = PasswordField("Current password", validators=[InputRequired()])
    new_password = PasswordField("New password", validators=[InputRequired(), PASSWORD_RULE])
    confirm = PasswordField(
        "Repeat the new password",
        validators=[InputRequired(), EqualTo("new_password", "The passwords differ.")],
    )

    def validate_new_password(self, field) -> None:
        _refuse_weak(field, current_user.name, current_user.email)


ROLE_CHOICES = [(role.value, role.label) for role in Role]


class NewUserForm(Form):
    name = StringField("Name", validators=[InputRequired(), Length(max=120)])
    email = EmailField("Email", validators=[InputRequired(), Email(), Length(max=254)])
    role = SelectField("Role", choices=ROLE_CHOICES)
    password = PasswordField("Initial password", validators=[InputRequired(), PASSWORD_RULE])

    def validate_password(self, field) -> None:
        _refuse_weak(field, self.name.data or "", self.email.data or "")


class EditUserForm(Form):
    name = StringField("Name", validators=[InputRequired(), Length(max=120)])
    role = SelectField("Role", choices=ROLE_CHOICES)
    active = BooleanField("Active (may sign in)")


class CodeForm(Form):
    code = StringField(
        "6-digit code from your authenticator app",
        validators=[InputRequired("Type the 6-digit code your app shows."), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
    )


class RecoveryCodeForm(Form):
    recovery_code = StringField(
        "Recovery code",
        validators=[InputRequired("Type one of your recovery codes."), Length(max=40)],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )


def _refuse_weak(field, name: str, email: str) -> None:
    if field.errors:  # too short already says what to do
        return
    problem = password_problem(field.data, name, email)
    if problem:
        raise ValidationError(problem)
