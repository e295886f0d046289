"""Event rules: moving events on their board, fair visit logs, booth leads, sign-up links,
QR codes and the calendar feed."""

import hashlib
import secrets
from datetime import date, datetime, timedelta

import segno
from flask import current_app, url_for
from markupsafe import Markup
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from recruit.audit.services import record
from recruit.auth.models import User
from recruit.board import compare_and_set, time_ago
from recruit.candidates.models import Candidate, CandidateEvent, Source
from recruit.candidates.queries import working_clause
from recruit.candidates.search import fold
from recruit.database import utcnow
from recruit.events.models import Event, EventStatus, FairVisit, FollowUp
from recruit.extensions import db
from recruit.pipeline import leads
from recruit.stale import check, flush
from recruit.templating import label

# The events board's columns, in order; cancelled events sit aside at the end.
BOARD_STATUSES = [
    EventStatus.PLANNED,
    EventStatus.REGISTERED,
    EventStatus.ATTENDED,
    EventStatus.FOLLOWED_UP,
    EventStatus.CANCELLED,
]


class StaleEventMove(Exception):
    """Someone else moved or edited the event since the mover loaded it."""


def slugify(text: str) -> str:
    """A URL-safe short name: 'Fall Career Fair 2026' becomes 'fall-career-fair-2026'."""
    folded = fold(text)
    words = "".join(ch if ch.isalnum() and ch.isascii() else " " for ch in folded).split()
    return "-".join(words)[:70] or "event"


# Addresses under /apply/ that are pages of their own, not events.
RESERVED_SLUGS = {"thanks", "openings", "status"}


def unique_slug(wanted: str, exclude_id: int | None = None) -> str:
    """The wanted slug, or the same with -2, -3 … when another event (or a page) has it."""
    taken = set(
        db.session.scalars(
            select(Event.slug).where(Event.slug.like(f"{wanted}%"), Event.id != (exclude_id or 0))
        )
    )
    taken |= RESERVED_SLUGS
    slug, n = wanted, 2
    while slug in taken:
        slug, n = f"{wanted}-{n}", n + 1
    return slug


# What the event form edits, as the form names it.
EVENT_FIELDS = (
    "name",
    "slug",
    "kind",
    "university_id",
    "starts_on",
    "ends_on",
    "starts_at_time",
    "ends_at_time",
    "location",
    "virtual_url",
    "staff",
    "cost_registration",
    "cost_travel",
    "cost_giveaways",
    "cost_other",
    "status",
    "notes",
)
COSTS = ("cost_registration", "cost_travel", "cost_giveaways", "cost_other")


def _clean_event(values: dict) -> tuple[dict, list[int]]:
    """Trimmed text, blank costs as zero, the university as an id; and the staff's ids."""
    values = dict(values)
    staff_ids = [int(user_id) for user_id in values.pop("staff", None) or []]
    for name in ("name", "location", "virtual_url"):
        values[name] = (values.get(name) or "").strip()
    values["notes"] = values.get("notes") or ""
    for name in COSTS:
        values[name] = values.get(name) or 0
    values["university_id"] = int(values["university_id"]) if values.get("university_id") else None
    return values, staff_ids


def save_event(
    event: Event | None, values: dict, expected_version: int | None, by_user: User
) -> Event:
    """Create an event or save edits to one from the form's values; refuses a save made
    from an older version than the event's."""
    if event is not None:
        check(event, expected_version, "event")
    values, staff_ids = _clean_event(values)
    staff = (
        list(db.session.scalars(select(User).where(User.id.in_(staff_ids)))) if staff_ids else []
    )
    values["slug"] = unique_slug(
        values.get("slug") or slugify(values["name"]), exclude_id=event.id if event else None
    )
    if event is None:
        event = Event(**values)
        event.staff = staff
        db.session.add(event)
        db.session.flush()
        record("event.create", user=by_user, target=event)
        return event
    for name, value in values.items():
        setattr(event, name, value)
    event.staff = staff
    flush(event, "event")
    record("event.update", user=by_user, target=event)
    return event


def move_event(event: Event, to_status: EventStatus, by_user: User, expected_version: int) -> None:
    """Move an event to another status on its board; refuses a stale move."""
    if event.status == to_status and event.version == expected_version:
        return
    now = utcnow()
    if not compare_and_set(
        Event,
        event.id,
        expected_version,
        status=to_status,
        status_changed_at=now,
        status_changed_by_id=by_user.id,
    ):
        db.session.refresh(event)
        who = (
            db.session.get(User, event.status_changed_by_id) if event.status_changed_by_id else None
        )
        raise StaleEventMove(
            f"{event.name} was moved to {label(event.status)} by "
            f"{who.name if who else 'someone else'} {time_ago(event.status_changed_at)}. "
            "Nothing was moved; the board shows where it is now."
        )
    record("event.move", user=by_user, target=event, to=to_status.value)
    db.session.refresh(event)


def board_events(today: date) -> dict[EventStatus, list[Event]]:
    """Events by status: what is current (from 60 days back) and everything not done."""
    recent = today - timedelta(days=60)
    query = (
        select(Event)
        .where(
            (Event.starts_on >= recent)
            | Event.status.in_([EventStatus.PLANNED, EventStatus.REGISTERED])
        )
        .options(joinedload(Event.university), selectinload(Event.staff))
        .order_by(Event.starts_on, Event.id)
        .limit(500)
    )
    columns: dict[EventStatus, list[Event]] = {status: [] for status in BOARD_STATUSES}
    for event in db.session.scalars(query):
        columns[event.status].append(event)
    return columns


def lead_counts(event_ids: list[int]) -> dict[int, int]:
    """How many leads each event brought, counted in SQL."""
    if not event_ids:
        return {}
    return dict(
        db.session.execute(
            select(CandidateEvent.event_id, func.count())
            .where(CandidateEvent.event_id.in_(event_ids))
            .group_by(CandidateEvent.event_id)
        ).all()
    )


def log_visit(event: Event, by_user: User, values: dict, follow_up: dict | None) -> FairVisit:
    """Record what a staff member saw at an event, and what they must do next."""
    visit = FairVisit(event=event, user_id=by_user.id, **values)
    db.session.add(visit)
    if follow_up:
        db.session.add(FollowUp(event_id=event.id, visit=visit, **follow_up))
    record("event.visit", user=by_user, target=event)
    return visit


def add_booth_lead(
    event: Event, values: dict, note: str, by_user: User, met_at: datetime | None = None
):
    """A lead typed in at the booth: a candidate with the event as source, deduplicated.
    A lead kept on the device while the booth was offline keeps when it was typed in."""
    values = {**values, "source": Source.EVENT}
    if met_at is not None:
        values["created_at"] = met_at
    return leads.record_lead(values, [], event.id, "quick_add", by_user, note=note)


def signup_url(event: Event, kiosk: bool = False) -> str:
    """The event's public form address, on the office's public base URL (proxy-safe);
    with kiosk, the booth tablet's form, which comes back empty for each student."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + url_for("interest.apply_at_event", slug=event.slug, kiosk="1" if kiosk else None)


# Error correction M: up to 15% of the code may be unreadable (a crease, a glare spot), and a
# 120-character address still fits version 7, 45 modules across. Level Q would need version 9,
# 53 modules, so each module would be 13% smaller at the same size; distance is what a booth
# sign fights most (students scan it from 2 m), so the bigger modules win.
QR_ERROR = "m"
# The quiet zone the QR standard asks for, in modules: scanners find the code by it.
QR_BORDER = 4


def qr_svg(url: str) -> Markup:
    """An inline SVG QR code for a URL that scales as a whole (a viewBox, no fixed size),
    quiet zone included, with a title naming the address for screen readers."""
    code = segno.make(url, error=QR_ERROR, micro=False)
    svg = code.svg_inline(
        border=QR_BORDER,
        omitsize=True,
        dark="#000",
        light="#fff",  # the quiet zone stays white on any background
        title=f"QR code for {url}",
        svgclass="qr",
        lineclass="",
    )
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704 (segno's own markup)


def leads_query(event: Event) -> Select:
    """Everyone attributed to an event, newest first, with their current stage; erased
    records are left out (the reports still count them)."""
    return (
        select(Candidate, CandidateEvent)
        .join(CandidateEvent, CandidateEvent.candidate_id == Candidate.id)
        .where(CandidateEvent.event_id == event.id, working_clause())
        .options(joinedload(Candidate.stage), joinedload(Candidate.university))
        .order_by(CandidateEvent.created_at.desc(), Candidate.id)
    )


# --- the calendar feed ------------------------------------------------------------------


def new_calendar_token(user: User) -> str:
    """Give a user a new secret for their calendar feed; only its hash is kept."""
    token = secrets.token_urlsafe(24)
    user.calendar_token_hash = hashlib.sha256(token.encode()).hexdigest()
    record("user.calendar_token", user=user, target=user)
    return token


def user_for_calendar_token(token: str) -> User | None:
    """The active user whose calendar secret this is."""
    if not token or len(token) > 100:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    user = db.session.scalar(select(User).where(User.calendar_token_hash == digest))
    return user if user is not None and user.active else None
