"""Taking in an interest form: one candidate per email, never a duplicate, never lost."""

import time
from collections.abc import Sequence

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from recruit.candidates import proposals
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
    return _serializer().dumps(int(time.time() - seconds_ago))


def seconds_since(token: str | None) -> float | None:
    """How long ago a start token was issued, or None when it is missing or forged."""
    try:
        started = _serializer().loads(token or "")
    except BadSignature:
        return None
    return time.time() - started if isinstance(started, int) else None


def submit_interest(
    values: dict,
    interests: list[str],
    event: Event | None,
    resume=None,
    openings: Sequence[int | None] = (),
):
    """Save a submission: a new candidate in the first stage, or, for a known email (any
    case), a proposed update HR accepts or dismisses (the record itself only notes the
    event and that the form came again); queue the student's confirmation in the same
    transaction.

    Returns (candidate, created, upload_refusal). upload_refusal is "" when the resume was
    stored or none was sent; else why it was not (disk nearly full, or the hour's public
    uploads used up), and the rest of the form is saved all the same: show the student
    candidates.services.RESUME_NOT_KEPT."""
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
        trusted=False,
    )
    upload_refusal = ""
    if resume is not None:
        allowed, upload_refusal = candidates.public_upload_allowed(len(resume[1]))
        resume = resume if allowed else None
    chosen = [i for i in openings if i is not None]
    if not created:
        proposals.propose_update(candidate, values, interests, chosen, event, resume)
    else:
        if resume is not None:
            filename, data = resume
            candidates.store_resume(candidate, filename, data, None)
        if chosen:
            add_openings(candidate, chosen)
    messages.confirm_interest(candidate, event)
    return candidate, created, upload_refusal
