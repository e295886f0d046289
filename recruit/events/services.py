"""Event rules: public sign-up links, QR codes and leads."""

import segno
from flask import current_app, url_for
from markupsafe import Markup
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from recruit.candidates.models import Candidate, CandidateEvent
from recruit.events.models import Event


def signup_url(event: Event) -> str:
    """The event's public form address, on the office's public base URL (proxy-safe)."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + url_for("interest.apply_at_event", slug=event.slug)


def qr_svg(url: str, scale: int = 6) -> Markup:
    """An inline SVG QR code for a URL, with a title for screen readers."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=scale, title=f"QR code for {url}", svgclass="qr", lineclass="")
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704 (segno's own markup)


def leads_query(event: Event) -> Select:
    """Everyone attributed to an event, newest first, with their current stage."""
    return (
        select(Candidate, CandidateEvent)
        .join(CandidateEvent, CandidateEvent.candidate_id == Candidate.id)
        .where(CandidateEvent.event_id == event.id)
        .options(joinedload(Candidate.stage), joinedload(Candidate.university))
        .order_by(CandidateEvent.created_at.desc(), Candidate.id)
    )
