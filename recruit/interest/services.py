"""Taking in an interest form: one candidate per email, never a duplicate, never lost."""

import time
from collections.abc import Sequence

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from recruit.candidates import services as candidates
from recruit.candidates.models import Source
from recruit.database import utcnow
from recruit.events.models import Event
from recruit.messages import services as messages
from recruit.pipeline import leads
from recruit.placements.openings import add_openings


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="interest-form-started")


def start_token(seconds_ago: float = 0) -> str:
    """A signed note of when the form was shown, for the minimum fill time."""
    # Tenths of a second: whole seconds would let a minimum of 1.5 s pass a send at 0.6 s.
    return _serializer().dumps(round(time.time() - seconds_ago, 1))


def seconds_since(token: str | None) -> float | None:
    """How long ago a start token was issued, or None when it is missing or forged."""
    try:
        started = _serializer().loads(token or "")
    except BadSignature:
        return None
    if isinstance(started, bool) or not isinstance(started, int | float):
        return None
    return time.time() - started


def submit_interest(
    values: dict,
    interests: list[str],
    event: Event | None,
    resume=None,
    openings: Sequence[int | None] = (),
):
    """Save a submission: a new candidate in the first stage, or, for a known email (any
    case), fill that candidate's blank details and add the new interests, openings and
    event; queue the student's confirmation in the same transaction."""
    values = {**values, "source": Source.EVENT if event else Source.WEBSITE}
    values["consent_at"] = utcnow()
    where = f" at {event.name}" if event else ""
    candidate, created = leads.record_lead(
        values,
        interests,
        event.id if event else None,
        "form",
        None,
        returning_note=f"Sent the interest form again{where}.",
    )
    if resume is not None:
        filename, data = resume
        candidates.store_resume(candidate, filename, data, None)
    if openings:
        add_openings(candidate, [i for i in openings if i is not None])
    messages.confirm_interest(candidate, event)
    return candidate, created
