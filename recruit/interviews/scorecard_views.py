"""Interview kit pages for HR, the scorecard staff interviewers fill, and the one outside
interviewers open from their private link."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from recruit.auth.access import public, requires
from recruit.errors import keep_form_on_fault
from recruit.extensions import csrf, db, limiter
from recruit.interviews.models import Interview, Interviewer, InterviewKit, Recommendation
from recruit.interviews.scorecard_forms import (
    KitForm,
    evidence_field,
    rating_field,
    scorecard_answers,
    scorecard_form,
)
from recruit.interviews.scorecards import (
    COMPETENCIES,
    RATING_SCALE,
    LinkUnavailable,
    ScorecardRefused,
    check_fillable,
    competency_label,
    default_kit,
    interviewer_for,
    kit_for,
    open_outside_link,
    own_kit,
    panel_summary,
    save_kit,
    start_position_kit,
    submit_scorecard,
)
from recruit.messages.links import hide_in_access_logs, keep_private
from recruit.messages.services import office
from recruit.placements.models import Position
from recruit.security import checks_its_own_text
from recruit.stale import StaleSave, refuse

bp = Blueprint("scorecards", __name__)


@bp.record_once
def _hide_links_in_access_logs(_state) -> None:
    hide_in_access_logs("/scorecard/")


@bp.after_request
def keep_the_link_private(response):
    """The outside page's token is in its address: never pass it on, never cache it."""
    if request.endpoint == "scorecards.outside":
        return keep_private(response)
    return response


def _limit() -> str:
    # An agency office may share one address: generous, yet it stops guessing.
    return current_app.config["FEEDBACK_FORM_LIMIT"]


form_limit = limiter.shared_limit(_limit, scope="scorecard-form", methods=["POST"])


# --- kits --------------------------------------------------------------------------------


@bp.route("/interview-kits/", methods=["GET", "POST"])
@requires("manage_placements")
def kit():
    """The office's default interview kit, for positions without one of their own."""
    kit = default_kit()
    db.session.commit()  # made from the built-in questions on the first visit
    return _edit_kit(kit, None)


@bp.route("/interview-kits/positions/<int:position_id>", methods=["GET", "POST"])
@requires("manage_placements")
def position_kit(position_id: int):
    """A position's own interview kit, or the default it asks until it has one."""
    position = db.get_or_404(Position, position_id)
    kit = own_kit(position)
    if kit is None:
        if request.method == "POST":
            abort(409)  # its kit was meant; the page offers to start one first
        kit = default_kit()
        db.session.commit()
        return render_template(
            "interviews/kit.html",
            kit=kit,
            position=position,
            uses_default=True,
            scale=RATING_SCALE,
            competency_label=competency_label,
        )
    return _edit_kit(kit, position)


@bp.post("/interview-kits/positions/<int:position_id>/start")
@requires("manage_placements")
def start_kit(position_id: int):
    """Give a position its own kit, a copy of the office default to edit."""
    position = db.get_or_404(Position, position_id)
    start_position_kit(position, current_user)
    db.session.commit()
    flash(f"{position.title} has its own interview kit now, copied from the default.", "success")
    return redirect(url_for("scorecards.position_kit", position_id=position.id))


def _edit_kit(kit: InterviewKit, position: Position | None):
    form = KitForm()
    if request.method == "GET":
        form.fill(kit.questions)
        form.load_version(kit)
    conflict = None
    if form.validate_on_submit():
        try:
            save_kit(kit, form.edits(), form.loaded_version, current_user)
        except StaleSave as stale:
            conflict = refuse(stale, form)
            kit = stale.current()
        else:
            db.session.commit()
            flash(
                "Interview kit saved. Scorecards already in keep the questions they rated.",
                "success",
            )
            if position is None:
                return redirect(url_for("scorecards.kit"))
            return redirect(url_for("scorecards.position_kit", position_id=position.id))
    return render_template(
        "interviews/kit.html",
        kit=kit,
        position=position,
        uses_default=False,
        form=form,
        conflict=conflict,
        scale=RATING_SCALE,
        competency_label=competency_label,
        competencies=COMPETENCIES,
    ), (409 if conflict else 400 if request.method == "POST" else 200)


# --- staff interviewers ------------------------------------------------------------------


def _load_interview(interview_id: int) -> Interview:
    interview = db.session.scalar(
        select(Interview)
        .where(Interview.id == interview_id)
        .options(
            joinedload(Interview.candidate),
            joinedload(Interview.position),
            selectinload(Interview.interviewers).selectinload(Interviewer.scorecard),
        )
    )
    if interview is None:
        abort(404)
    return interview


@bp.route("/interviews/<int:interview_id>/scorecard", methods=["GET", "POST"])
@requires("view_pipeline")
def fill(interview_id: int):
    """A staff interviewer's own scorecard for an interview they sat on."""
    interview = _load_interview(interview_id)
    seat = interviewer_for(interview, current_user)
    if seat is None:
        abort(403)
    if seat.scorecard is not None:
        return render_template(
            "interviews/scorecard_done.html",
            interview=interview,
            scorecard=seat.scorecard,
            summary=panel_summary(interview, current_user),
            competency_label=competency_label,
        )
    try:
        check_fillable(interview)
    except ScorecardRefused as refused:
        return render_template(
            "interviews/scorecard_wait.html", interview=interview, message=str(refused)
        ), (409 if request.method == "POST" else 200)
    questions = list(kit_for(interview.position).questions)
    db.session.commit()  # the default kit, made on the first scorecard if need be
    form = scorecard_form(questions)
    if form.validate_on_submit():
        try:
            submit_scorecard(
                seat,
                questions,
                scorecard_answers(form, questions),
                Recommendation(form.recommendation.data),
                form.summary.data or "",
                by_user=current_user,
            )
        except ScorecardRefused as refused:
            db.session.rollback()
            flash(str(refused), "error")
        else:
            db.session.commit()
            flash("Your scorecard is in. The panel's scorecards are below.", "success")
        return redirect(url_for("scorecards.fill", interview_id=interview.id), 303)
    return _form_page(interview, form, questions)


def _form_page(interview: Interview, form, questions, **outside):
    """The scorecard form, staff's or an outside interviewer's (outside=True, seat=...)."""
    return render_template(
        "interviews/scorecard_form.html",
        interview=interview,
        form=form,
        questions=questions,
        rating_field=rating_field,
        evidence_field=evidence_field,
        competency_label=competency_label,
        scale=RATING_SCALE,
        **outside,
    ), (400 if request.method == "POST" else 200)


# --- outside interviewers ----------------------------------------------------------------


def unavailable():
    """One answer for a wrong, cancelled or expired link, so none can be told apart."""
    return render_template("interviews/scorecard_unavailable.html", contact=office()), 404


@bp.route("/scorecard/<token>", methods=["GET", "POST"])
@public
@checks_its_own_text
@csrf.exempt  # checked by the form itself, so an expired token re-renders instead of failing
@form_limit
def outside(token: str):
    """An outside interviewer's scorecard, opened by their private link."""
    # Before the first read: a database fault gives the form back with every answer.
    posted = request.form
    keep_form_on_fault(lambda note: _unsaved(token, posted, note))
    try:
        seat = open_outside_link(token)
    except LinkUnavailable:
        return unavailable()
    interview = seat.interview
    if seat.scorecard is not None:
        return render_template("interviews/scorecard_thanks.html", interview=interview)
    try:
        check_fillable(interview)
    except ScorecardRefused as refused:
        return render_template(
            "interviews/scorecard_wait.html",
            interview=interview,
            message=str(refused),
            outside=True,
        ), (409 if request.method == "POST" else 200)
    questions = list(kit_for(interview.position).questions)
    db.session.commit()
    form = scorecard_form(questions)
    note = None
    if request.method == "POST" and form.validate():
        try:
            submit_scorecard(
                seat,
                questions,
                scorecard_answers(form, questions),
                Recommendation(form.recommendation.data),
                form.summary.data or "",
            )
        except ScorecardRefused:
            db.session.rollback()
        else:
            db.session.commit()
        return redirect(url_for("scorecards.outside", token=token), 303)
    if form.meta.csrf and form.csrf_token.errors:
        note = "This page was open for a while. Your answers are still here: press Send again."
        form.csrf_token.errors = []
    return _form_page(
        interview, form, questions, outside=True, seat=seat, contact=office(), note=note
    )


def _unsaved(token: str, posted, note: str):
    """The answer to a scorecard the database could not save (recruit.errors makes it a
    503): the same form with every answer and the note."""
    try:
        seat = open_outside_link(token)
    except LinkUnavailable:
        return unavailable()
    questions = list(kit_for(seat.interview.position).questions)
    form = scorecard_form(questions, formdata=posted)
    return _form_page(
        seat.interview, form, questions, outside=True, seat=seat, contact=office(), note=note
    )
