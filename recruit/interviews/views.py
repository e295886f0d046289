"""Interview pages: the list (today, this week, mine), one interview, scheduling from a
candidate's page, moving and cancelling; and the candidate's own page for their
interview at /apply/interview/<token>, where they pick, move or cancel."""

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from recruit.auth.access import public, requires
from recruit.auth.models import User
from recruit.candidates.models import Candidate
from recruit.database import utcnow
from recruit.errors import keep_form_on_fault
from recruit.extensions import csrf, db
from recruit.i18n import current_language
from recruit.interviews import listing, scorecards, services
from recruit.interviews.forms import (
    CancelForm,
    CandidateCancelForm,
    ChooseForm,
    InterviewFilters,
    RescheduleForm,
    ScheduleForm,
    utc_time,
)
from recruit.interviews.invitations import when_for_candidate
from recruit.interviews.models import Interview, Interviewer, InterviewKind, InterviewState
from recruit.messages.links import private_link_pages
from recruit.messages.services import office, why_not_message
from recruit.placements.models import Position, PositionStatus
from recruit.security import checks_its_own_text
from recruit.stale import StaleSave, check
from recruit.students.views import form_limit, unavailable
from recruit.timezones import local

bp = Blueprint("interviews", __name__, url_prefix="/interviews")


def get_interview(interview_id: int) -> Interview:
    """An interview with its candidate and panel, or 404."""
    interview = db.session.scalar(
        select(Interview)
        .where(Interview.id == interview_id)
        .options(
            selectinload(Interview.interviewers).selectinload(Interviewer.scorecard),
            selectinload(Interview.slots),
            selectinload(Interview.candidate),
            selectinload(Interview.position),
        )
    )
    if interview is None:
        abort(404)
    return interview


# --- the list ------------------------------------------------------------------------------


@bp.get("/")
@requires("view_pipeline")
def index():
    """Upcoming interviews (today, this week, waiting for the candidate, past), filtered."""
    filters = InterviewFilters(request.args)
    if not filters.validate():
        filters = InterviewFilters()
    page = listing.list_page(filters, current_user, request.args)
    return render_template(
        "interviews/index.html", page=page, filters=filters, zone=local(utcnow()).tzname()
    )


@bp.get("/<int:interview_id>")
@requires("view_pipeline")
def detail(interview_id: int):
    """One interview: when, where, the panel, the offered times, and the scorecards."""
    interview = get_interview(interview_id)
    return _detail_page(interview)


def _detail_page(interview: Interview, status: int = 200, **forms):
    reschedule = forms.get("reschedule") or RescheduleForm(formdata=None)
    reschedule.load_version(interview)
    start = services.local_start(interview)
    if start is not None and "reschedule" not in forms:
        reschedule.time.form.day.data, reschedule.time.form.at.data = start.date(), start.time()
    cancel = CancelForm(formdata=None)
    cancel.load_version(interview)
    return render_template(
        "interviews/detail.html",
        interview=interview,
        when=services.when(interview),
        open_slots=services.open_slots(interview)
        if interview.state != InterviewState.CANCELLED
        else [],
        reschedule=reschedule,
        cancel=cancel,
        refusal=forms.get("refusal"),
        not_written=why_not_message(interview.candidate),
        held=services.held(interview),
        summary=scorecards.panel_summary(interview, current_user),
    ), status


def _refused(interview: Interview, reasons: list[str], **forms):
    """The interview page as it is now, saying why nothing was changed (409)."""
    db.session.rollback()
    return _detail_page(get_interview(interview.id), 409, refusal=reasons, **forms)


def _stale(nothing_was: str) -> list[str]:
    return [
        "Someone changed this interview since you opened the page: it is shown as it is "
        f"now. Nothing was {nothing_was}."
    ]


@bp.post("/<int:interview_id>/reschedule")
@requires("schedule_interviews")
def reschedule(interview_id: int):
    """Move a booked interview to another time; everyone gets the updated invitation."""
    interview = get_interview(interview_id)
    form = RescheduleForm()
    if not form.validate():
        return _detail_page(interview, 400, reschedule=form)
    try:
        starts_at = utc_time(form.time.form)
        if starts_at is None:
            raise ValueError("Give the new date and time.")
    except ValueError as error:
        form.time.form.at.errors = [str(error)]
        return _detail_page(interview, 400, reschedule=form)
    try:
        check(interview, form.loaded_version, "interview")
        services.reschedule(interview, starts_at, current_user)
    except StaleSave:
        return _refused(interview, _stale("moved"), reschedule=form)
    except services.InterviewRefused as refusal:
        return _refused(interview, refusal.reasons, reschedule=form)
    db.session.commit()
    flash(f"Moved to {services.when(interview)}. Everyone invited gets the new time.", "success")
    return redirect(url_for("interviews.detail", interview_id=interview.id), 303)


@bp.post("/<int:interview_id>/cancel")
@requires("schedule_interviews")
def cancel(interview_id: int):
    """Cancel an interview; the candidate and the panel get the cancellation."""
    interview = get_interview(interview_id)
    form = CancelForm()
    if not form.validate():
        return _detail_page(interview, 400)
    try:
        check(interview, form.loaded_version, "interview")
        services.cancel(interview, current_user)
    except StaleSave:
        return _refused(interview, _stale("cancelled"))
    except services.InterviewRefused as refusal:
        return _refused(interview, refusal.reasons)
    db.session.commit()
    flash("Interview cancelled. The candidate and the panel are told.", "success")
    return redirect(url_for("interviews.detail", interview_id=interview.id), 303)


# --- scheduling from a candidate's page ----------------------------------------------------


def _schedule_choices(form: ScheduleForm, candidate: Candidate) -> None:
    staff = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name)).all()
    form.staff.choices = [(user.id, f"{user.name} ({user.role.label})") for user in staff]
    positions = db.session.scalars(
        select(Position).where(Position.status == PositionStatus.OPEN).order_by(Position.title)
    ).all()
    form.position.choices = [("", "No particular position")] + [
        (str(p.id), f"{p.title} · {p.agency}") for p in positions
    ]


@bp.route("/new/<int:candidate_id>", methods=["GET", "POST"])
@requires("schedule_interviews")
def schedule(candidate_id: int):
    """Schedule an interview: one time books it; several are offered to the candidate."""
    candidate = db.session.get(Candidate, candidate_id)
    if candidate is None or candidate.anonymized_at is not None:
        abort(404)
    form = ScheduleForm()
    _schedule_choices(form, candidate)
    if request.method == "GET":
        form.staff.data = [current_user.id]
    refusal = None
    if form.validate_on_submit():
        plan = services.Plan(
            kind=InterviewKind(form.kind.data),
            starts=form.starts(),
            duration_minutes=form.duration.data,
            position=db.session.get(Position, int(form.position.data))
            if form.position.data
            else None,
            location=form.location.data or "",
            video_url=form.video_url.data or "",
            note_for_candidate=form.note_for_candidate.data or "",
            staff=list(db.session.scalars(select(User).where(User.id.in_(form.staff.data or [])))),
            outside=form.outside_people(),
        )
        try:
            interview = services.schedule(
                candidate, plan, current_user, move_to_interview=form.move_to_interview.data
            )
        except services.InterviewRefused as error:
            db.session.rollback()
            refusal = error.reasons
        else:
            db.session.commit()
            offered = interview.state == InterviewState.OFFERED
            not_written = why_not_message(candidate)
            if not_written:
                flash(
                    f"Saved, but {candidate.full_name} was not emailed: {not_written}. "
                    "Tell them another way.",
                    "warning",
                )
            elif offered:
                flash(
                    f"{len(plan.starts)} times offered. {candidate.first_name} gets a link to "
                    "choose one; everyone is invited once they do.",
                    "success",
                )
            else:
                flash(
                    f"Interview booked for {services.when(interview)}. Invitations are on "
                    "their way.",
                    "success",
                )
            return redirect(url_for("interviews.detail", interview_id=interview.id), 303)
    return render_template(
        "interviews/schedule.html",
        form=form,
        candidate=candidate,
        refusal=refusal,
        zone=local(utcnow()).tzname(),
        in_screening=candidate.stage.key == "screening",
    ), (409 if refusal else 400 if form.errors else 200)


# --- the candidate's page ------------------------------------------------------------------

link_bp = Blueprint("interview_link", __name__, url_prefix="/apply/interview")


private_link_pages(link_bp, "/apply/interview/")


def _stale_note(form) -> str | None:
    """The note for a form whose CSRF token was missing or too old (nothing was changed)."""
    if form.meta.csrf and form.csrf_token.errors:
        return _("This page was open for a while, so nothing was changed. Please try again.")
    return None


def _candidate_page(interview: Interview, token: str, status: int = 200, note=None, **forms):
    language = current_language()
    choose = forms.get("choose") or ChooseForm(formdata=None)
    slots = services.open_slots(interview) if services.can_change(interview) else []
    choose.slot.choices = [
        (slot.id, when_for_candidate(slot.starts_at, language)) for slot in slots
    ]
    cutoff = (
        when_for_candidate(interview.starts_at - services.change_cutoff(), language)
        if interview.starts_at
        else None
    )
    return render_template(
        "interviews/candidate.html",
        interview=interview,
        token=token,
        when=when_for_candidate(interview.starts_at, language) if interview.starts_at else None,
        slots=slots,
        choose=choose,
        cancel=forms.get("cancel") or CandidateCancelForm(formdata=None),
        may_change=services.can_change(interview),
        cutoff=cutoff,
        note=note,
        contact=office(),
    ), status


def _keep_on_fault(token: str, name: str, form_class) -> None:
    """Before the first read: should the database fail, the candidate gets their page back
    (recruit.errors makes it a 503) with the note and the form as they sent it."""
    posted = request.form

    def unsaved(note: str):
        interview = services.open_link(token)
        if interview is None:
            return unavailable()
        return _candidate_page(interview, token, 503, note, **{name: form_class(formdata=posted)})

    keep_form_on_fault(unsaved)


@link_bp.get("/<token>")
@public
def page(token: str):
    """The candidate's interview: when and where, or the times to pick from."""
    interview = services.open_link(token)
    if interview is None:
        return unavailable()
    return _candidate_page(interview, token)


@link_bp.post("/<token>/choose")
@public
@checks_its_own_text
@csrf.exempt  # checked by the form, so a page left open re-renders instead of failing
@form_limit
def choose(token: str):
    """The candidate picks a time (or moves to another of those offered)."""
    _keep_on_fault(token, "choose", ChooseForm)
    interview = services.open_link(token)
    if interview is None:
        return unavailable()
    form = ChooseForm()
    form.slot.choices = [(slot.id, "") for slot in interview.slots]
    if not form.validate():
        return _candidate_page(
            interview, token, 400, _stale_note(form) or _("Choose one of the times.")
        )
    try:
        services.choose_slot(interview, form.slot.data)
    except services.InterviewRefused as refusal:
        db.session.rollback()
        interview = services.open_link(token)
        if interview is None:
            return unavailable()
        gone = isinstance(refusal, services.SlotGone)
        note = (
            _("That time has just been taken, or has passed. Please choose one of these.")
            if gone
            else _("This interview can no longer be changed here. Please write to us.")
        )
        return _candidate_page(interview, token, 409, note)
    db.session.commit()
    flash(_("Your interview is booked. We have sent you a calendar invitation."), "success")
    return redirect(url_for("interview_link.page", token=token), 303)


@link_bp.post("/<token>/cancel")
@public
@checks_its_own_text
@csrf.exempt
@form_limit
def cancel_by_candidate(token: str):
    """The candidate cancels, once they ticked the box to confirm."""
    _keep_on_fault(token, "cancel", CandidateCancelForm)
    interview = services.open_link(token)
    if interview is None:
        return unavailable()
    form = CandidateCancelForm()
    if not form.validate():
        return _candidate_page(interview, token, 400, _stale_note(form), cancel=form)
    try:
        services.cancel(interview, None, by_candidate=True)
    except services.InterviewRefused:
        db.session.rollback()
        interview = services.open_link(token)
        if interview is None:
            return unavailable()
        return _candidate_page(
            interview,
            token,
            409,
            _("This interview can no longer be changed here. Please write to us."),
        )
    db.session.commit()
    flash(_("Your interview is cancelled."), "success")
    return redirect(url_for("interview_link.page", token=token), 303)
