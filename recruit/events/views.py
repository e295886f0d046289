"""Event pages: the list and board, one event with its QR code, visits and leads, the
booth sign, create and edit, and the calendar feed."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from recruit.admin.models import get_setting
from recruit.auth.access import public, requires, safe_next_url
from recruit.auth.models import User
from recruit.board import move_answer
from recruit.candidates.forms import BulkForm
from recruit.candidates.services import stage_choices
from recruit.database import parse_id
from recruit.events import calendar, imports, services
from recruit.events.forms import EventForm, FairVisitForm, QuickLeadForm
from recruit.events.models import Event, EventKind, EventStatus, FairVisit, event_staff
from recruit.extensions import csrf, db
from recruit.interest import receipts
from recruit.interviews.feed import interview_entries
from recruit.pagination import paginate
from recruit.plain_text import shown_name
from recruit.stale import StaleSave, refuse
from recruit.templating import label
from recruit.timezones import local_today
from recruit.universities.services import university_choices

bp = Blueprint("events", __name__, url_prefix="/events")

STATUS_CHOICES = [(status.value, label(status)) for status in services.BOARD_STATUSES]


def _university_choices(blank: str) -> list[tuple[str, str]]:
    return [("", blank), *university_choices()]


def _staff_choices() -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(User.id, User.name).where(User.active.is_(True)).order_by(User.name)
    )
    return [(str(i), name) for i, name in rows]


@bp.get("/")
@requires("view_pipeline")
def index():
    """Events, upcoming or past, filtered by type, university, status and staff."""
    when = "past" if request.args.get("when") == "past" else "upcoming"
    today = local_today()
    query = select(Event).options(joinedload(Event.university))
    # An event is past once its last day is over: a three-day fair stays among the upcoming
    # ones on its second day, where staff at the booth look for its QR code.
    last_day = func.coalesce(Event.ends_on, Event.starts_on)
    if when == "past":
        query = query.where(last_day < today).order_by(Event.starts_on.desc(), Event.id)
    else:
        query = query.where(last_day >= today).order_by(Event.starts_on, Event.id)
    filters = {key: request.args.get(key, "") for key in ("kind", "university", "status", "staff")}
    if filters["kind"] in EventKind._value2member_map_:
        query = query.where(Event.kind == EventKind(filters["kind"]))
    if filters["status"] in EventStatus._value2member_map_:
        query = query.where(Event.status == EventStatus(filters["status"]))
    if (university_id := parse_id(filters["university"])) is not None:
        query = query.where(Event.university_id == university_id)
    if (staff_id := parse_id(filters["staff"])) is not None:
        query = query.where(
            select(event_staff.c.event_id)
            .where(
                event_staff.c.event_id == Event.id,
                event_staff.c.user_id == staff_id,
            )
            .exists()
        )
    return render_template(
        "events/index.html",
        page=paginate(query, request.args),
        when=when,
        filters=filters,
        kinds=[(k.value, label(k)) for k in EventKind],
        statuses=STATUS_CHOICES,
        universities=_university_choices("Any")[1:],
        staff=_staff_choices(),
    )


@bp.get("/board")
@requires("view_pipeline")
def board():
    """Events by status, moved like candidates on their board."""
    columns = services.board_events(local_today())
    ids = [event.id for events in columns.values() for event in events]
    return render_template(
        "events/board.html",
        columns=columns,
        statuses=STATUS_CHOICES,
        leads=services.lead_counts(ids),
    )


@bp.post("/<int:event_id>/move")
@requires("manage_events")
def move(event_id: int):
    """Move an event to another status; a stale move is refused with 409."""
    event = db.get_or_404(Event, event_id)
    back = safe_next_url(request.form.get("next")) or url_for("events.board")
    to_status = request.form.get("to_stage", "")
    version = parse_id(request.form.get("version", ""))
    if to_status not in EventStatus._value2member_map_ or version is None:
        return move_answer(
            "Choose a status to move to.", 400, back, event.status.value, event.version
        )
    try:
        services.move_event(event, EventStatus(to_status), current_user, version)
    except services.StaleEventMove as error:
        db.session.rollback()
        event = db.session.get(Event, event_id)
        return move_answer(str(error), 409, back, event.status.value, event.version)
    db.session.commit()
    return move_answer(
        f"{event.name} moved to {label(event.status)}.",
        200,
        back,
        event.status.value,
        event.version,
    )


@bp.route("/new", methods=["GET", "POST"])
@requires("manage_events")
def create():
    """Plan a new event."""
    return _save(None)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@requires("manage_events")
def edit(event_id: int):
    """Edit an event."""
    return _save(db.get_or_404(Event, event_id))


def _save(event: Event | None):
    form = EventForm(obj=event)
    form.university_id.choices = _university_choices("None (not at a university)")
    form.staff.choices = _staff_choices()
    if request.method == "GET" and event is not None:
        form.university_id.data = str(event.university_id or "")
        form.staff.data = [str(user.id) for user in event.staff]
        form.kind.data = event.kind.value
        form.status.data = event.status.value
    conflict = None
    if form.validate_on_submit():
        values = {name: form[name].data for name in services.EVENT_FIELDS}
        try:
            event = services.save_event(event, values, form.loaded_version, current_user)
        except StaleSave as stale:
            conflict = refuse(stale, form)
        else:
            db.session.commit()
            flash(f"{event.name} is saved.", "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=event, conflict=conflict), (
        409 if conflict else 200
    )


@bp.get("/<int:event_id>")
@requires("view_pipeline")
def detail(event_id: int):
    """One event: details, sign-up QR code, fair visit logs and leads."""
    return _render_detail(event_id)


def _render_detail(event_id: int, visit_form=None, lead_form=None, status: int = 200):
    """The event page; a failed form comes back with its values and errors."""
    event = db.session.scalar(
        select(Event)
        .where(Event.id == event_id)
        .options(
            joinedload(Event.university),
            selectinload(Event.staff),
            selectinload(Event.visits).joinedload(FairVisit.user),
            selectinload(Event.visits).selectinload(FairVisit.follow_ups),
        )
    )
    if event is None:
        abort(404)
    if visit_form is None:
        visit_form = FairVisitForm(formdata=None, staff_present=current_user.name)
        visit_form.follow_up_assignee.data = str(current_user.id)
    visit_form.follow_up_assignee.choices = _staff_choices()
    if lead_form is None:
        lead_form = QuickLeadForm(formdata=None, submission=receipts.new_key())
        lead_form.university_id.data = str(event.university_id or "")
    lead_form.university_id.choices = _university_choices("Not listed")
    bulk = BulkForm(formdata=None)
    bulk.to_stage.choices = stage_choices(include_closed=False)
    url = services.signup_url(event)
    return render_template(
        "events/detail.html",
        event=event,
        signup_url=url,
        kiosk_url=services.signup_url(event, kiosk=True),
        qr=services.qr_svg(url),
        leads=paginate(services.leads_query(event), request.args),
        visit_form=visit_form,
        lead_form=lead_form,
        bulk=bulk,
    ), status


@bp.post("/<int:event_id>/visits")
@requires("manage_events")
def log_visit(event_id: int):
    """Log a fair visit against an event."""
    event = db.get_or_404(Event, event_id)
    form = FairVisitForm()
    form.follow_up_assignee.choices = _staff_choices()
    if form.validate():
        follow_up = None
        if form.follow_up.data:
            follow_up = {
                "description": form.follow_up.data.strip(),
                "assignee_id": int(form.follow_up_assignee.data),
                "due_on": form.follow_up_due.data,
            }
        services.log_visit(
            event,
            current_user,
            {
                "staff_present": (form.staff_present.data or "").strip(),
                "students_talked_to": form.students_talked_to.data,
                "notes": (form.notes.data or "").strip(),
            },
            follow_up,
        )
        db.session.commit()
        flash("Visit logged.", "visit")  # shown in the visit log, where the page goes
        return redirect(url_for("events.detail", event_id=event.id) + "#visits")
    return _render_detail(event.id, visit_form=form, status=400)


@bp.post("/<int:event_id>/leads")
@requires("manage_events")
@csrf.exempt  # checked below, unless the lead was kept on the device while offline
def add_lead(event_id: int):
    """Quick-add a lead met at the booth. The page's script sends it and, when the booth's
    network is down, keeps it on the device and sends it later (static/js/offline.js);
    such a send answers in JSON, and its page's key saves it once."""
    queued = receipts.is_queued()
    if not queued and current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()
    event = db.get_or_404(Event, event_id)
    form = QuickLeadForm(meta={"csrf": False}) if queued else QuickLeadForm()
    form.university_id.choices = _university_choices("Not listed")
    if not form.validate():
        if queued:
            return jsonify(saved=False, errors=form.errors), 422
        return _render_detail(event.id, lead_form=form, status=400)
    key = receipts.submission_key(form.submission.data)
    if not receipts.claim(key):
        # Sent again after its answer was lost: it is already on the event.
        db.session.rollback()
        return _lead_saved(event, "This lead was already added.", queued)
    values = {
        "first_name": form.first_name.data.strip(),
        "last_name": form.last_name.data.strip(),
        "email": form.email.data.strip(),
        "university_id": int(form.university_id.data) if form.university_id.data else None,
    }
    candidate, created = services.add_booth_lead(
        event, values, form.note.data or "", current_user, receipts.filled_at()
    )
    receipts.keep_candidate(key, candidate.id)
    db.session.commit()
    verb = "added" if created else "was already known; the event and note are added"
    return _lead_saved(event, f"{candidate.full_name} {verb}.", queued)


def _lead_saved(event: Event, message: str, queued: bool):
    if queued:
        return jsonify(saved=True, message=message)
    # Shown in the quick-add form itself, where the staff member is looking.
    flash(message, "quick-add")
    return redirect(url_for("events.detail", event_id=event.id) + "#quick-add")


@bp.get("/<int:event_id>/sign")
@requires("view_pipeline")
def sign(event_id: int):
    """A printable booth sign: the event, a big QR code, the short address, the privacy line."""
    event = db.get_or_404(Event, event_id)
    url = services.signup_url(event)
    return render_template(
        "events/sign.html",
        event=event,
        signup_url=url,
        kiosk_url=services.signup_url(event, kiosk=True),
        qr=services.qr_svg(url),
        privacy_notice=get_setting("privacy_notice"),
    )


# --- calendar feed --------------------------------------------------------------------

calendar_bp = Blueprint("calendar", __name__)


@calendar_bp.get("/events.ics")
@public
def feed():
    """The events, and the interviews the user sits on, as an iCalendar feed; the secret
    in the URL stands for the user."""
    user = services.user_for_calendar_token(request.args.get("token", ""))
    if user is None:
        abort(404)
    events = db.session.scalars(
        select(Event).options(joinedload(Event.university)).order_by(Event.starts_on).limit(2000)
    )
    return Response(
        calendar.calendar(events, interview_entries(user)),
        mimetype="text/calendar",
        headers={"Content-Disposition": 'inline; filename="recruit-events.ics"'},
    )


@calendar_bp.route("/account/calendar", methods=["GET", "POST"])
def calendar_link():
    """Show how to subscribe, and issue a new secret link (the old one stops working)."""
    link = None
    if request.method == "POST":
        token = services.new_calendar_token(current_user._get_current_object())
        db.session.commit()
        link = url_for("calendar.feed", token=token, _external=True)
    return render_template("events/calendar.html", link=link)


# --- importing a fair's attendee list ----------------------------------------------------


@bp.route("/<int:event_id>/import", methods=["GET", "POST"])
@requires("manage_events")
def import_attendees(event_id: int):
    """Upload an attendee list and preview what importing it would do."""
    event = db.get_or_404(Event, event_id)
    if request.method == "GET":
        return render_template("events/import.html", event=event, plan=None, error=None)
    upload = request.files.get("file")
    error = None
    if upload is None or not upload.filename:
        error = "Choose a file to import."
    elif not upload.filename.lower().endswith(imports.ALLOWED_SUFFIXES):
        error = "Import a .csv, .tsv or .json file."
    else:
        data = upload.stream.read(imports.MAX_IMPORT_BYTES + 1)
        try:
            plan = imports.preview(data)
        except imports.ImportRefused as refused:
            error = str(refused)
        else:
            return render_template(
                "events/import.html",
                event=event,
                plan=plan,
                token=imports.stash(data, current_user.id, event.id),
                filename=shown_name(upload.filename)[:120],
                error=None,
            )
    return render_template("events/import.html", event=event, plan=None, error=error), 400


@bp.post("/<int:event_id>/import/commit")
@requires("manage_events")
def commit_import(event_id: int):
    """Apply a previewed import in one transaction, or cancel it."""
    event = db.get_or_404(Event, event_id)
    token = request.form.get("token", "")
    if request.form.get("cancel"):
        imports.discard(token, current_user.id, event.id)
        flash("Import cancelled; nothing changed.", "success")
        return redirect(url_for("events.detail", event_id=event.id))
    try:
        data = imports.unstash(token, current_user.id, event.id)
        if data is None:
            flash("That import has expired. Upload the file again.", "error")
            return redirect(url_for("events.import_attendees", event_id=event.id))
        counts = imports.commit_import(event, data, current_user, request.form.get("filename", ""))
    except imports.ImportRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("events.import_attendees", event_id=event.id))
    db.session.commit()
    imports.discard(token, current_user.id, event.id)
    flash(
        f"Imported: {counts['create']} new, {counts['update']} updated, "
        f"{counts['reject']} skipped.",
        "success",
    )
    return redirect(url_for("events.detail", event_id=event.id))
