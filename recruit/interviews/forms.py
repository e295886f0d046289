"""Forms for interviews: scheduling (one time books it, several are offered), moving a
booked one, cancelling, and the candidate's choice of time."""

import re
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from recruit.candidates.forms import MultiCheckboxField
from recruit.forms import Form
from recruit.interviews.models import InterviewKind
from recruit.stale import VersionedForm
from recruit.timezones import NoSuchLocalTime, local_today, to_utc

# Lists of interviews rely on none being longer than services.LONGEST.
DURATIONS = [
    (15, "15 minutes"),
    (30, "30 minutes"),
    (45, "45 minutes"),
    (60, "1 hour"),
    (90, "1 hour 30 minutes"),
]
TIMES_OFFERED = 5
# "Maria Lopez <maria.lopez@agency.state.example>", or "Maria Lopez, maria@...".
_OUTSIDE = re.compile(r"^\s*(?P<name>[^<>,;]+?)\s*[<,;]\s*(?P<email>[^<>\s,;]+)\s*>?\s*$")
# A booking further off than this is a typing slip (and years like 9999 overflow).
FURTHEST_DAYS = 2 * 366


def outside_person(line: str) -> tuple[str, str] | None:
    """One typed line as (name, email), or None when it is not a name and an address that
    fit the panel's columns."""
    match = _OUTSIDE.match(line)
    if match is None or len(match["name"].strip()) > 120:
        return None
    try:
        email = validate_email(match["email"], check_deliverability=False).normalized
    except EmailNotValidError:
        return None
    return (match["name"].strip(), email) if len(email) <= 254 else None


class TimeRow(Form):
    """One date and time on the office's clock."""

    class Meta:
        csrf = False

    day = DateField("Date", validators=[Optional()])
    at = TimeField("Time", validators=[Optional()])

    def validate_day(self, field) -> None:
        if field.data is None:
            return  # blank, or not a date (which the field itself reports)
        today = local_today()
        if (
            not today - timedelta(days=FURTHEST_DAYS)
            <= field.data
            <= today + timedelta(days=FURTHEST_DAYS)
        ):
            raise ValidationError("Choose a date within the next two years.")


def utc_time(row) -> datetime | None:
    """A row's date and time as stored (UTC); None for an empty row. Raises ValueError with
    a message for half a row or a time the clocks skip."""
    day, at = row.day.data, row.at.data
    if day is None and at is None:
        return None
    if day is None or at is None:
        raise ValueError("Give both a date and a time.")
    try:
        return to_utc(datetime.combine(day, at))
    except NoSuchLocalTime as error:
        raise ValueError(str(error)) from error
    except OverflowError as error:
        raise ValueError("Choose a date within the next two years.") from error


class ScheduleForm(Form):
    """Schedule an interview from a candidate's page."""

    kind = RadioField(
        "Kind of interview",
        choices=[(kind.value, kind.label) for kind in InterviewKind],
        default=InterviewKind.PHONE_SCREEN.value,
        validators=[InputRequired(message="Choose the kind of interview.")],
    )
    position = SelectField("Position (optional)", choices=[], validators=[Optional()])
    times = FieldList(FormField(TimeRow), min_entries=TIMES_OFFERED, max_entries=TIMES_OFFERED)
    duration = SelectField(
        "Length", choices=DURATIONS, coerce=int, default=30, validators=[InputRequired()]
    )
    location = StringField("Place (room, address or phone number)", validators=[Length(max=200)])
    video_url = URLField(
        "Video link",
        validators=[Optional(), Length(max=500)],
        render_kw={"placeholder": "https://"},
    )
    staff = MultiCheckboxField("Interviewers from the office", choices=[], coerce=int)
    outside = TextAreaField(
        "Interviewers from outside the office (one per line: name and email)",
        validators=[Length(max=2000)],
        render_kw={"rows": 2, "placeholder": "Maria Lopez <maria.lopez@agency.state.example>"},
    )
    note_for_candidate = TextAreaField(
        "A note for the candidate (in their invitation)", validators=[Length(max=2000)]
    )
    move_to_interview = BooleanField("Move them to Interview", default=True)

    summary_names = {
        "times": "Dates and times",
        "outside": "Interviewers from outside",
        "note_for_candidate": "Note for the candidate",
    }

    def validate_video_url(self, field) -> None:
        if field.data and not field.data.startswith(("https://", "http://")):
            raise ValidationError("A video link starts with https://.")

    def outside_people(self) -> list[tuple[str, str]]:
        """The outside interviewers typed, as (name, email)."""
        people = [outside_person(line) for line in (self.outside.data or "").splitlines()]
        return [person for person in people if person is not None]

    def validate_outside(self, field) -> None:
        wrong = [
            line.strip()
            for line in (field.data or "").splitlines()
            if line.strip() and outside_person(line) is None
        ]
        if wrong:
            raise ValidationError(
                f"Write each as a name and an email, like Maria Lopez <maria@agency.example>: "
                f"“{wrong[0][:80]}” is not."
            )

    def starts(self) -> list[datetime]:
        """The times typed, as stored (UTC); errors go on the rows that are wrong."""
        found = []
        for row in self.times:
            if row.form.day.errors or row.form.at.errors:
                continue
            try:
                start = utc_time(row.form)
            except ValueError as error:
                row.form.at.errors = [*row.form.at.errors, str(error)]
                continue
            if start is not None and start not in found:
                found.append(start)
        return found

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        starts = self.starts()
        if any(row.form.day.errors or row.form.at.errors for row in self.times):
            self.times.errors = ["Correct the dates and times marked."]
            return False
        if not starts:
            self.times.errors = ["Give a date and time: one books it, several are offered."]
            return False
        if not self.staff.data and not self.outside_people():
            self.staff.errors = [*self.staff.errors, "Choose at least one interviewer."]
            return False
        return ok


class RescheduleForm(VersionedForm, Form):
    """Move a booked interview to another time."""

    # Always carried by the page: a move without it cannot be told from a stale one.
    version = HiddenField(validators=[InputRequired()])
    time = FormField(TimeRow)


class CancelForm(VersionedForm, Form):
    """Cancel an interview (everyone gets the calendar's cancellation)."""

    version = HiddenField(validators=[InputRequired()])


class ChooseForm(Form):
    """The candidate's choice among the offered times."""

    slot = RadioField(_l("Times still open"), choices=[], coerce=int, validators=[InputRequired()])


class CandidateCancelForm(Form):
    """The candidate cancels from their link."""

    confirm = BooleanField(
        _l("Yes, cancel my interview"),
        validators=[InputRequired(message=_l("Tick the box to confirm."))],
    )


class InterviewFilters(Form):
    """The interview list's filters (a GET form)."""

    class Meta:
        csrf = False

    when = SelectField(
        "When",
        choices=[
            ("upcoming", "Upcoming"),
            ("today", "Today"),
            ("week", "This week"),
            ("offered", "Waiting for the candidate"),
            ("past", "Past"),
            ("cancelled", "Cancelled"),
        ],
        default="upcoming",
        validators=[Optional()],
    )
    kind = SelectField(
        "Kind",
        choices=[("", "Any kind")] + [(kind.value, kind.label) for kind in InterviewKind],
        validators=[Optional()],
    )
    mine = BooleanField("Only mine")
