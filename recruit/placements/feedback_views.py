"""The public evaluation form behind a private link, for supervisors and interns."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from recruit.auth.access import public
from recruit.errors import keep_form_on_fault
from recruit.extensions import csrf, db, limiter
from recruit.messages.links import hide_in_access_logs
from recruit.placements.evaluation_links import LinkUnavailable, open_request, submit_evaluation
from recruit.placements.forms import evaluation_answers, evaluation_form, evaluation_values
from recruit.placements.questionnaires import KIND_FORMS, KIND_TITLES, form_items
from recruit.security import checks_its_own_text

bp = Blueprint("feedback", __name__, url_prefix="/feedback")


@bp.record_once
def _hide_links_in_access_logs(_state) -> None:
    hide_in_access_logs("/feedback/")


def _limit() -> str:
    # A whole agency office may share one address: generous, yet it stops guessing.
    return current_app.config["FEEDBACK_FORM_LIMIT"]


form_limit = limiter.shared_limit(_limit, scope="feedback-form", methods=["POST"])


def unavailable():
    """One answer for a wrong, expired, revoked or used link, so none can be told apart."""
    return render_template("feedback/unavailable.html"), 404


@bp.get("/thanks")
@public
def thanks():
    """Thanks after an evaluation is in."""
    return render_template("feedback/thanks.html")


@bp.route("/<token>", methods=["GET", "POST"])
@public
@checks_its_own_text
@csrf.exempt  # checked by the form itself, so an expired token re-renders instead of failing
@form_limit
def form(token: str):
    """An evaluation or feedback form, opened by its private link."""
    # Before the first read: a database fault gives the form back with every answer.
    posted = request.form
    keep_form_on_fault(lambda note: _unsaved(token, posted, note))
    try:
        evaluation_request = open_request(token)
    except LinkUnavailable:
        return unavailable()
    items = form_items(KIND_FORMS[evaluation_request.kind])
    form = evaluation_form(items, evaluation_request.kind)
    note = None
    if request.method == "GET":
        form.submitted_by_name.data = evaluation_request.recipient_name
    elif form.validate():
        try:
            submit_evaluation(
                evaluation_request, evaluation_answers(form, items), evaluation_values(form)
            )
        except LinkUnavailable:
            db.session.rollback()
            return unavailable()
        db.session.commit()
        return redirect(url_for("feedback.thanks"), 303)
    if form.meta.csrf and form.csrf_token.errors:
        note = _("This page was open for a while. Your answers are still here: press Send again.")
        form.csrf_token.errors = []
    return _page(evaluation_request, items, form, note), (400 if request.method == "POST" else 200)


def _page(evaluation_request, items, form, note):
    """The form's page, with its answers, errors and any note."""
    return render_template(
        "feedback/form.html",
        form=form,
        items=items,
        placement=evaluation_request.placement,
        title=KIND_TITLES[evaluation_request.kind],
        note=note,
    )


def _unsaved(token: str, posted, note: str):
    """The answer to a send the database could not save (recruit.errors makes it a 503):
    the same form with every answer and the note."""
    try:
        evaluation_request = open_request(token)
    except LinkUnavailable:
        return unavailable()
    items = form_items(KIND_FORMS[evaluation_request.kind])
    return _page(
        evaluation_request,
        items,
        evaluation_form(items, evaluation_request.kind, formdata=posted),
        note,
    )
