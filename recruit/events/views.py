"""Event pages: the list, one event with its QR code and leads, and the booth sign."""

from flask import Blueprint, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from recruit.admin.models import get_setting
from recruit.database import utcnow
from recruit.events import services
from recruit.events.models import Event
from recruit.extensions import db
from recruit.pagination import paginate

bp = Blueprint("events", __name__, url_prefix="/events")


@bp.get("/")
def index():
    """Events, upcoming first, then past ones."""
    when = request.args.get("when", "upcoming")
    today = utcnow().date()
    query = select(Event).options(joinedload(Event.university))
    if when == "past":
        query = query.where(Event.starts_on < today).order_by(Event.starts_on.desc())
    else:
        query = query.where(Event.starts_on >= today).order_by(Event.starts_on)
    return render_template("events/index.html", page=paginate(query, request.args), when=when)


@bp.get("/<int:event_id>")
def detail(event_id: int):
    """One event: its details, its sign-up QR code and its leads."""
    event = db.get_or_404(Event, event_id)
    url = services.signup_url(event)
    leads = paginate(services.leads_query(event), request.args)
    return render_template(
        "events/detail.html", event=event, signup_url=url, qr=services.qr_svg(url), leads=leads
    )


@bp.get("/<int:event_id>/sign")
def sign(event_id: int):
    """A printable booth sign: the event, a big QR code, the short address, the privacy line."""
    event = db.get_or_404(Event, event_id)
    url = services.signup_url(event)
    return render_template(
        "events/sign.html",
        event=event,
        signup_url=url,
        qr=services.qr_svg(url, scale=12),
        privacy_notice=get_setting("privacy_notice"),
    )
