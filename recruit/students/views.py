"""The student's own page at /apply/status/<token>, and the form that sends its link: where
they stand, and changing their details, resume and openings, stopping emails,
withdrawing, downloading their data or asking for erasure, without writing to anyone."""

import functools
import json

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from recruit.auth.access import public
from recruit.candidates.forms import checked_resume
from recruit.candidates.models import Candidate, Term
from recruit.errors import keep_form_on_fault
from recruit.extensions import csrf, db, limiter
from recruit.i18n import current_language
from recruit.interest.forms import graduation_years
from recruit.interviews import services as interviews
from recruit.interviews.invitations import when_for_candidate
from recruit.messages.links import private_link_pages
from recruit.messages.services import office
from recruit.placements.openings import chosen_openings, opening_choices
from recruit.security import checks_its_own_text
from recruit.students import services
from recruit.students.forms import (
    ActionForm,
    AskForm,
    DetailsForm,
    OpeningsForm,
    ResumeForm,
    WithdrawForm,
)
from recruit.students.models import StatusLink
from recruit.timezones import local_today

bp = Blueprint("students", __name__, url_prefix="/apply/status")

STALE_NOTE = _l("This page was open for a while, so nothing was changed. Please try again.")


private_link_pages(bp, "/apply/status/")


def _limit() -> str:
    return current_app.config["STATUS_FORM_LIMIT"]


# One allowance per address for every form of these pages: the link form and each action.
form_limit = limiter.shared_limit(_limit, scope="student-page", methods=["POST"])


def unavailable():
    """One answer for a wrong, expired, replaced or revoked link or an erased record, so
    none can be told apart."""
    return render_template("students/unavailable.html"), 404


def _stale_note(form) -> str | None:
    """The note for a form whose CSRF token was missing or too old (its values are kept)."""
    if form.meta.csrf and form.csrf_token.errors:
        form.csrf_token.errors = []
        return str(STALE_NOTE)
    return None


# --- asking for a link -----------------------------------------------------------------------


@bp.route("", methods=["GET", "POST"])
@public
@checks_its_own_text
@csrf.exempt  # checked by the form itself, so an expired token re-renders instead of failing
@form_limit
def ask():
    """A student types their email and, if we know them, gets a new link by email."""
    form = AskForm()
    keep_form_on_fault(lambda note: _ask_page(form, note, sent=False))
    note = None
    if request.method == "POST":
        if form.validate():
            services.send_link_on_request(form.email.data)
            db.session.commit()
            # The same answer whether or not we know the address.
            return redirect(url_for("students.ask", sent="1"), 303)
        note = _stale_note(form)
    sent = request.method == "GET" and request.args.get("sent") == "1"
    return _ask_page(form, note, sent), (400 if request.method == "POST" else 200)


def _ask_page(form: AskForm, note: str | None, sent: bool):
    """The page that sends a student their link, with the address they typed."""
    return render_template("students/ask.html", form=form, note=note, sent=sent, contact=office())


# --- the page ------------------------------------------------------------------------------


@bp.get("/<token>")
@public
def page(token: str):
    """The student's own page: where they stand, and what they can change."""
    link = services.open_link(token)
    if link is None:
        return unavailable()  # a dead or made-up link writes nothing
    if services.visit_worth_noting(link):
        # In a transaction of its own: on SQLite a write after a read in the same one
        # fails at once when another request wrote meanwhile.
        db.session.rollback()
        services.mark_used(link.id)
        db.session.commit()
        link = services.open_link(token)
        if link is None:
            return unavailable()
    return _page(link)


def _details_form(candidate: Candidate) -> DetailsForm:
    form = DetailsForm(
        formdata=None,
        phone=candidate.phone,
        grad_term=candidate.grad_term.value if candidate.grad_term else "",
        grad_year=str(candidate.grad_year or ""),
        interests=[ci.interest.value for ci in candidate.interests],
        availability=candidate.availability,
        language=candidate.language,
    )
    form.grad_year.choices = graduation_years()
    return form


def _openings_form(choices: list[tuple[str, str]], chosen=None) -> OpeningsForm:
    """The openings form as the student sent it, or (given what they chose) as it stands;
    choices are opening_choices(), read as three columns rather than whole positions."""
    form = OpeningsForm() if chosen is None else OpeningsForm(formdata=None)
    form.openings.choices = choices
    if chosen is not None:
        form.openings.data = [p.id for p in chosen]
    return form


def _page(link: StatusLink, status: int = 200, note: str | None = None, **forms):
    """The page, with any form the student just sent shown with its errors and values."""
    candidate = link.candidate
    choices = opening_choices()
    chosen = chosen_openings(candidate)
    page_token = services.status_token(link)
    empty = ActionForm(formdata=None)
    return render_template(
        "students/page.html",
        token=page_token,
        # Sent forms answer at their own address, which takes no GET: switch to the page.
        switch_path=url_for("students.page", token=page_token),
        link=link,
        candidate=candidate,
        standing=services.where_they_stand(candidate.stage, current_language()),
        interviews=[
            (interview, token, when_for_candidate(interview.starts_at, current_language()))
            if interview.starts_at
            else (interview, token, None)
            for interview, token in interviews.for_student_page(candidate)
        ],
        may_withdraw=services.can_withdraw(candidate),
        chosen=chosen,
        any_open=bool(choices),
        resume=services.current_resume(candidate),
        contact=office(),
        erasure_days=current_app.config["ERASURE_REQUEST_DAYS"],
        note=note,
        details_form=forms.get("details") or _details_form(candidate),
        resume_form=forms.get("resume") or ResumeForm(formdata=None),
        openings_form=forms.get("openings") or _openings_form(choices, chosen),
        withdraw_form=forms.get("withdraw") or WithdrawForm(formdata=None),
        action_form=empty,
    ), status


def _done(token: str, message: str):
    flash(message, "success")
    return redirect(url_for("students.page", token=token), 303)


# --- what a student does there -------------------------------------------------------------


def student_action(path: str):
    """Route a POST the student's page sends to /<token>/<path>: open to all, checking its
    own form token (so a stale page re-renders with the values), under the shared limit,
    and called with the link only while it works."""

    def register(view):
        @functools.wraps(view)
        def with_link(token: str):
            # Before the first read: a database fault gives the page back, the sent form
            # with every answer.
            posted = request.form
            keep_form_on_fault(lambda note: _unsaved(token, path, posted, note))
            link = services.open_link(token)
            if link is None:
                return unavailable()
            return view(link, token)

        return bp.post(f"/<token>/{path}")(
            public(checks_its_own_text(csrf.exempt(form_limit(with_link))))
        )

    return register


def _unsaved(token: str, path: str, posted, note: str):
    """The answer to a change the database could not save (recruit.errors makes it a 503):
    the student's page with the note, and the form they sent as they filled it."""
    link = services.open_link(token)
    if link is None:
        return unavailable()
    forms = {}
    if path == "details":
        forms["details"] = DetailsForm(formdata=posted)
        forms["details"].grad_year.choices = graduation_years()
    elif path == "openings":
        forms["openings"] = _openings_form(opening_choices())
        forms["openings"].process(posted)
    elif path == "withdraw":
        forms["withdraw"] = WithdrawForm(formdata=posted)
    return _page(link, 503, note, **forms)


@student_action("details")
def details(link: StatusLink, token: str):
    """Save the details a student may change: phone, graduation, interests, start, language."""
    form = DetailsForm()
    form.grad_year.choices = graduation_years()
    if not form.validate():
        return _page(link, 400, _stale_note(form), details=form)
    services.update_details(
        link.candidate,
        {
            "phone": form.phone.data or "",
            "grad_term": Term(form.grad_term.data),
            "grad_year": int(form.grad_year.data),
            "availability": form.availability.data,
            "language": form.language.data,
        },
        form.interests.data,
    )
    db.session.commit()
    return _done(token, _("Your details are saved."))


@student_action("resume")
def resume(link: StatusLink, token: str):
    """Send a resume: the newest is the one staff read; earlier ones stay for them."""
    form = ResumeForm()
    if form.validate():
        data, ok = checked_resume(form.resume)
        if ok and data is None:
            form.resume.errors = [_("Choose a PDF file to send.")]
        elif ok:
            services.replace_resume(link.candidate, form.resume.data.filename, data)
            db.session.commit()
            return _done(token, _("We have your new resume."))
    return _page(link, 400, _stale_note(form), resume=form)


@student_action("openings")
def openings(link: StatusLink, token: str):
    """Choose the open positions that interest the student."""
    form = _openings_form(opening_choices())
    if not form.validate():
        return _page(link, 400, _stale_note(form), openings=form)
    services.choose_openings(link.candidate, form.openings.data or [])
    db.session.commit()
    return _done(token, _("Your choice of openings is saved."))


@student_action("stop-emails")
def stop_emails(link: StatusLink, token: str):
    """Stop emails from the office."""
    form = ActionForm()
    if not form.validate():
        return _page(link, 400, _stale_note(form))
    services.stop_emails(link.candidate)
    db.session.commit()
    return _done(token, _("We will not email you again."))


@student_action("withdraw")
def withdraw(link: StatusLink, token: str):
    """Withdraw the application, once the student ticked the box to confirm."""
    form = WithdrawForm()
    if not form.validate():
        return _page(link, 400, _stale_note(form), withdraw=form)
    try:
        services.withdraw(link.candidate)
    except services.StudentRefused as refusal:
        db.session.rollback()
        link = services.open_link(token)
        if link is None:
            return unavailable()
        return _page(link, 409, str(refusal))
    db.session.commit()
    return _done(token, _("You have withdrawn your application."))


@student_action("data")
def data(link: StatusLink, token: str):
    """Download everything we hold on the student, as a JSON file."""
    form = ActionForm()
    if not form.validate():
        return _page(link, 400, _stale_note(form))
    content = services.download_data(link.candidate)
    db.session.commit()
    filename = f"my-application-{local_today().isoformat()}.json"
    return Response(
        json.dumps(content, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@student_action("erasure")
def erasure(link: StatusLink, token: str):
    """Ask the office to erase the student's data; an admin acts on it."""
    form = ActionForm()
    if not form.validate():
        return _page(link, 400, _stale_note(form))
    services.request_erasure(link.candidate)
    db.session.commit()
    return _done(token, _("We received your request to erase your data."))
