"""The public interest form at /apply, and its fair mode at /apply/<event-slug>."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from recruit.admin.models import get_setting
from recruit.admin.services import spanish_privacy_notice
from recruit.auth.access import public
from recruit.candidates.forms import checked_resume
from recruit.database import parse_id
from recruit.events.models import Event, EventStatus
from recruit.extensions import csrf, db, limiter
from recruit.i18n import LANGUAGES, current_language
from recruit.interest import services
from recruit.interest.forms import OTHER_UNIVERSITY, InterestForm, graduation_years
from recruit.localized import in_page_language
from recruit.messages.services import office
from recruit.placements.openings import opening_choices
from recruit.universities.services import university_choices

bp = Blueprint("interest", __name__, url_prefix="/apply")


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
@csrf.exempt  # checked by the form itself, so an expired token re-renders instead of failing
@form_limit
def apply():
    """The general interest form."""
    return _form(None)


@bp.route("/<slug>", methods=["GET", "POST"])
@public
@csrf.exempt
@form_limit
def apply_at_event(slug: str):
    """The same form for one event: submissions are that event's leads."""
    event = _open_event(slug[:80])
    if event is None:
        return render_template("interest/no_event.html"), 404
    return _form(event)


def _form(event: Event | None):
    kiosk = request.args.get("kiosk") == "1"
    form = InterestForm()
    if kiosk:
        form.forget_between_students()
    form.university.choices = [
        ("", _("Choose your university")),
        *university_choices(),
        (OTHER_UNIVERSITY, _("Other / not listed")),
    ]
    form.grad_year.choices = graduation_years()
    form.openings.choices = opening_choices()
    if request.method == "POST":
        # End the reading transaction before checking the form. On SQLite every
        # transaction of a POST holds the write lock from its first statement, so keeping
        # it open through the checks would keep every other student of a burst waiting.
        db.session.rollback()
    note = None
    if request.method == "GET":
        form.started.data = services.start_token()
        if event is not None and event.university_id:
            form.university.data = str(event.university_id)
        _tick_opening(form, request.args.get("opening", ""))
    elif form.website.data:
        # Only bots fill the hidden field: thank them and keep nothing.
        return _thanks_redirect(event, kiosk)
    elif form.validate():
        elapsed = services.seconds_since(form.started.data)
        minimum = current_app.config["MIN_FILL_SECONDS"]
        # The minimum is below what any person needs (see config.py), so this is meant for
        # bots; should a person ever meet it, every answer is kept and the note, in the
        # error summary that takes the focus, says plainly why the form was held back.
        if minimum > 0 and (elapsed is None or elapsed < minimum):
            note = _(
                "That was quicker than anyone can fill in this form, so we held it back to "
                "be sure a person sent it. Your answers are still here: check them, then "
                "press Send again."
            )
            # A student whose phone filled the form in a flash has now been asked to check
            # it: the next send goes through. A missing or forged token starts the clock.
            form.started.data = services.start_token(0 if elapsed is None else minimum)
        else:
            data, ok = checked_resume(form.resume)
            resume = (form.resume.data.filename, data) if data is not None else None
            if ok:
                services.submit_interest(
                    _values(form),
                    form.interests.data,
                    event,
                    resume,
                    openings=[parse_id(i) for i in form.openings.data or []],
                )
                db.session.commit()
                return _thanks_redirect(event, kiosk)
    if form.meta.csrf and form.csrf_token.errors:
        # A phone left on the form for hours, or a lost session: keep everything, say so
        # briefly, and show any other field's error as usual. The re-render carries a
        # fresh token, so the next send goes through.
        note = _("This page was open for a while. Your answers are still here: press Send again.")
        form.csrf_token.errors = []
    return render_template(
        "interest/form.html",
        form=form,
        event=event,
        kiosk=kiosk,
        note=note,
        privacy_notice=in_page_language(get_setting("privacy_notice"), spanish_privacy_notice()),
    ), (400 if request.method == "POST" else 200)


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


def _thanks_redirect(event: Event | None, kiosk: bool):
    args = {}
    if event is not None:
        args["event"] = event.slug
    if kiosk:
        args["kiosk"] = "1"
    if request.args.get("lang") in LANGUAGES:
        # The thank-you page in the form's language (a kiosk keeps no language cookie).
        args["lang"] = request.args["lang"]
    return redirect(url_for("interest.thanks", **args), 303)


@bp.get("/thanks")
@public
def thanks():
    """What happens next; in kiosk mode, back to an empty form after a few seconds."""
    slug = request.args.get("event", "")[:80]
    event = _open_event(slug) if slug else None
    kiosk = request.args.get("kiosk") == "1"
    again = (
        url_for("interest.apply_at_event", slug=event.slug, kiosk="1" if kiosk else None)
        if event
        else url_for("interest.apply", kiosk="1" if kiosk else None)
    )
    return render_template(
        "interest/thanks.html", event=event, kiosk=kiosk, again=again, contact=office()
    )
