"""The public interest form at /apply, and its fair mode at /apply/<event-slug>."""

from dataclasses import dataclass

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select

from recruit.admin.models import get_setting
from recruit.admin.services import spanish_privacy_notice
from recruit.auth.access import public
from recruit.candidates.forms import checked_resume
from recruit.candidates.services import RESUME_NOT_KEPT
from recruit.database import READ_WITHOUT_WRITE_LOCK, parse_id
from recruit.errors import keep_form_on_fault
from recruit.events.models import Event, EventStatus
from recruit.extensions import csrf, db, limiter
from recruit.i18n import LANGUAGES, current_language
from recruit.interest import receipts, services
from recruit.interest.forms import OTHER_UNIVERSITY, InterestForm, graduation_years
from recruit.localized import in_page_language
from recruit.messages.services import office
from recruit.placements.openings import opening_choices
from recruit.security import checks_its_own_text
from recruit.universities.services import university_choices

bp = Blueprint("interest", __name__, url_prefix="/apply")
# The service worker that keeps sign-ups on the device while the network is down. It is
# served from the root because a worker may only control pages under its own path.
offline_bp = Blueprint("offline", __name__)

# How many start tokens a kiosk keeps for students who sign up while it is offline.
START_TOKEN_STOCK = 20


def _limit() -> str:
    return current_app.config["INTEREST_FORM_LIMIT"]


# One allowance per address for the form wherever it is sent, /apply or any event's page:
# a per-route limit would let each event's link add another full allowance.
form_limit = limiter.shared_limit(_limit, scope="interest-form", methods=["POST"])


def _open_event(slug: str) -> Event | None:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None or event.status == EventStatus.CANCELLED:
        return None
    return event


@bp.route("", methods=["GET", "POST"])
@public
@checks_its_own_text
@csrf.exempt  # checked by the form itself, so an expired token re-renders instead of failing
@form_limit
def apply():
    """The general interest form."""
    return _form(None)


@bp.route("/<slug>", methods=["GET", "POST"])
@public
@checks_its_own_text
@csrf.exempt
@form_limit
def apply_at_event(slug: str):
    """The same form for one event: submissions are that event's leads."""
    return _form(slug[:80])


def _form(slug: str | None):
    kiosk = request.args.get("kiosk") == "1"
    queued = receipts.is_queued()
    # A send kept on a device may arrive days after its page's CSRF token stopped working;
    # its header stands for the token (see receipts.QUEUED_HEADER).
    form = InterestForm(meta={"csrf": False}) if queued else InterestForm()
    if kiosk:
        form.forget_between_students()
    # Before the first read: should the database fail from here on, the student gets this
    # form back with every answer kept and a note saying nothing was saved.
    keep_form_on_fault(lambda note: _unsaved(form, slug, kiosk, queued, note))
    if request.method == "POST" and not db.session().in_transaction():
        # The page's reads (its event and choices) need no write lock: on SQLite they
        # run beside another student's save rather than waiting for its turn.
        db.session.connection(execution_options={READ_WITHOUT_WRITE_LOCK: True})
    event = _open_event(slug) if slug is not None else None
    if slug is not None and event is None:
        return render_template("interest/no_event.html"), 404
    page = _page_reads()
    _set_choices(form, page)
    if request.method == "POST":
        # End the reading transaction before checking the form: on SQLite the saving one
        # holds the write lock from its first statement, and must start from what is
        # there then, not from a snapshot another student's save has made too old.
        db.session.rollback()
    note = None
    if request.method == "GET":
        form.started.data = receipts.start_token()
        form.submission.data = receipts.new_key()
        if event is not None and event.university_id:
            form.university.data = str(event.university_id)
        _tick_opening(form, request.args.get("opening", ""))
    elif form.website.data:
        # Only bots fill the hidden field: thank them and keep nothing.
        return _done(event, kiosk, queued)
    elif form.validate():
        saved, note = _save(form, event)
        if saved:
            return _done(event, kiosk, queued, resume_kept=note is None)
    if form.meta.csrf and form.csrf_token.errors:
        # A phone left on the form for hours, or a lost session: keep everything, say so
        # briefly, and show any other field's error as usual. The re-render carries a
        # fresh token, so the next send goes through.
        note = _("This page was open for a while. Your answers are still here: press Send again.")
        form.csrf_token.errors = []
    if queued:
        return jsonify(saved=False, note=note, errors=form.errors), 422
    return _page(form, page, event.name if event else None, kiosk, note), (
        400 if request.method == "POST" else 200
    )


@dataclass(frozen=True)
class FormPage:
    """What the form's page reads from the database besides its event."""

    universities: list[tuple[str, str]]
    openings: list[tuple[str, str]]
    privacy_notice: str
    spanish_privacy_notice: str


def _page_reads() -> FormPage:
    """The form page's choices and privacy notice."""
    return FormPage(
        university_choices(),
        opening_choices(),
        get_setting("privacy_notice"),
        spanish_privacy_notice(),
    )


def _set_choices(form: InterestForm, page: FormPage) -> None:
    """The form's choices, and the resume's size limit for form.js to check on the device."""
    limit = current_app.config["RESUME_MAX_BYTES"]
    form.resume.render_kw = {
        "accept": "application/pdf,.pdf",
        "data-max-bytes": str(limit),
        "data-too-large": _("The resume is larger than %(size)d MB.", size=limit // (1024 * 1024)),
    }
    form.university.choices = [
        ("", _("Choose your university")),
        *page.universities,
        (OTHER_UNIVERSITY, _("Other / not listed")),
    ]
    form.grad_year.choices = graduation_years()
    form.openings.choices = page.openings


def _page(form: InterestForm, page: FormPage, event_name: str | None, kiosk: bool, note):
    """The form page, with its answers, errors and any note at the top."""
    return render_template(
        "interest/form.html",
        form=form,
        event_name=event_name,
        kiosk=kiosk,
        note=note,
        privacy_notice=in_page_language(page.privacy_notice, page.spanish_privacy_notice),
    )


def _unsaved(form: InterestForm, slug: str | None, kiosk: bool, queued: bool, note: str):
    """The answer to a send the database could not save (recruit.errors makes it a 503):
    the same form with every answer and the note at its top."""
    if queued:
        return jsonify(saved=False, note=note)  # the device keeps it and sends it again
    event = _open_event(slug) if slug is not None else None
    page = _page_reads()
    _set_choices(form, page)
    return _page(form, page, event.name if event else None, kiosk, note)


def _save(form: InterestForm, event: Event | None) -> tuple[bool, str | None]:
    """Save a checked form once. (False, note) says why the student must press Send
    again; (False, None) leaves the reason on a field; (True, note) is saved, all but the
    resume, which there was no room to keep. The database is read only after the checks
    that need none, since on SQLite the first read takes the write lock."""
    start = receipts.read_start(form.started.data)
    minimum = current_app.config["MIN_FILL_SECONDS"]
    if start is not None and minimum > 0 and start.seconds_ago < minimum:
        # The minimum is below what any person needs (see config.py), so this is meant
        # for bots; should a person ever meet it, every answer is kept and the note, in the
        # error summary that takes the focus, says plainly why. The token stays: a moment
        # later the same press goes through.
        return False, _(
            "That was quicker than anyone can fill in this form, so we held it back to "
            "be sure a person sent it. Your answers are still here: check them, then "
            "press Send again."
        )
    data, ok = checked_resume(form.resume)
    if not ok:
        return False, None
    key = receipts.submission_key(form.submission.data)
    earlier = receipts.earlier_send(key, start)
    if earlier == receipts.RECEIVED:
        # A double tap, a retry, or a queued send whose answer was lost: it is saved.
        return True, None
    if start is None or earlier == receipts.START_USED:
        # No token, a forged or expired one, or one that already saved a submission (a
        # bot replaying a page, or a student back on a page they sent): a fresh page's
        # token, and a second press saves it.
        form.started.data = receipts.start_token()
        return False, _(
            "This page was open for a while. Your answers are still here: press Send again."
        )
    if not receipts.claim(key, start):
        # The same submission is being saved by another request at this very moment.
        db.session.rollback()
        return True, None
    resume = (form.resume.data.filename, data) if data is not None else None
    candidate, _created, upload_refusal = services.submit_interest(
        _values(form),
        form.interests.data,
        event,
        resume,
        openings=[parse_id(i) for i in form.openings.data or []],
        filled_at=receipts.filled_at(start.shown_at),
    )
    receipts.keep_candidate(key, candidate.id)
    db.session.commit()
    return True, (RESUME_NOT_KEPT if upload_refusal else None)


def _tick_opening(form: InterestForm, asked: str) -> None:
    """Tick the opening a student came from (?opening=<id> on the openings page)."""
    if asked in {value for value, _label in form.openings.choices}:
        form.openings.data = [asked]


def _values(form: InterestForm) -> dict:
    university = form.university.data
    return {
        "first_name": form.first_name.data.strip(),
        "last_name": form.last_name.data.strip(),
        "email": form.email.data.strip(),
        "phone": (form.phone.data or "").strip(),
        "university_id": int(university) if university.isdigit() else None,
        "university_other": (form.university_other.data or "").strip()
        if university == OTHER_UNIVERSITY
        else "",
        "major": form.major.data.strip(),
        "class_standing": form.class_standing.data,
        "grad_term": form.grad_term.data,
        "grad_year": int(form.grad_year.data),
        "availability": form.availability.data.strip(),
        "procurement_areas": list(form.procurement_areas.data or []),
        "language": current_language(),
    }


def _done(event: Event | None, kiosk: bool, queued: bool, resume_kept: bool = True):
    """The answer to a saved (or already saved) submission."""
    if queued:
        # The student who sent it has walked on: the device only needs to know it is saved,
        # and whether its resume could not be kept.
        return jsonify(saved=True) if resume_kept else jsonify(saved=True, resume_kept=False)
    return _thanks_redirect(event, kiosk, resume_kept)


def _thanks_redirect(event: Event | None, kiosk: bool, resume_kept: bool = True):
    args = {}
    if event is not None:
        args["event"] = event.slug
    if kiosk:
        args["kiosk"] = "1"
    if not resume_kept:
        args["resume"] = "not-kept"
    if request.args.get("lang") in LANGUAGES:
        # The thank-you page in the form's language (a kiosk keeps no language cookie).
        args["lang"] = request.args["lang"]
    return redirect(url_for("interest.thanks", **args), 303)


@bp.get("/start-tokens")
@public
@limiter.limit(_limit)
def start_tokens():
    """Fresh start tokens for a kiosk to keep: each student who signs up while the network
    is down needs one of their own, since a token saves one submission."""
    response = jsonify(tokens=[receipts.start_token() for _ in range(START_TOKEN_STOCK)])
    response.headers["Cache-Control"] = "no-store"
    return response


@offline_bp.get("/sw.js")
@public
def service_worker():
    """The form's service worker (static/js/sw.js), checked for updates on every load."""
    return send_from_directory(
        current_app.static_folder, "js/sw.js", mimetype="text/javascript", max_age=0
    )


@bp.get("/thanks")
@public
def thanks():
    """What happens next; in kiosk mode, back to an empty form after a few seconds."""
    slug = request.args.get("event", "")[:80]
    event = _open_event(slug) if slug else None
    kiosk = request.args.get("kiosk") == "1"
    # The page a device shows when it kept a sign-up because the network was down.
    queued = request.args.get("queued") == "1"
    resume_not_kept = request.args.get("resume") == "not-kept"
    again = (
        url_for("interest.apply_at_event", slug=event.slug, kiosk="1" if kiosk else None)
        if event
        else url_for("interest.apply", kiosk="1" if kiosk else None)
    )
    return render_template(
        "interest/thanks.html",
        event=event,
        kiosk=kiosk,
        queued=queued,
        resume_not_kept=RESUME_NOT_KEPT if resume_not_kept else None,
        again=again,
        contact=office(),
    )
