"""Taking in an interest form: one candidate per email, never a duplicate, never lost."""

from collections.abc import Sequence
from datetime import datetime

from recruit.candidates import proposals
from recruit.candidates import services as candidates
from recruit.candidates.models import Source
from recruit.database import utcnow
from recruit.events.models import Event
from recruit.messages import services as messages
from recruit.pipeline import leads
from recruit.placements.openings import add_openings


def submit_interest(
    values: dict,
    interests: list[str],
    event: Event | None,
    resume=None,
    openings: Sequence[int | None] = (),
    filled_at: datetime | None = None,
):
    """Save a submission: a new candidate in the first stage, or, for a known email (any
    case), a proposed update HR accepts or dismisses (the record itself only notes the
    event and that the form came again); queue the student's confirmation in the same
    transaction. A send kept on a device while the network was down keeps the time it was
    filled in (filled_at).

    Returns (candidate, created, upload_refusal). upload_refusal is "" when the resume was
    stored or none was sent; else why it was not (disk nearly full, or the hour's public
    uploads used up), and the rest of the form is saved all the same: show the student
    candidates.services.RESUME_NOT_KEPT."""
    at = filled_at or utcnow()
    values = {**values, "source": Source.EVENT if event else Source.WEBSITE}
    values["consent_at"] = at
    values["created_at"] = at
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
    messages.confirm_interest(candidate, event, new_candidate=created)
    return candidate, created, upload_refusal
