"""Taking in an interest form: one candidate per email, never a duplicate, never lost."""

import time

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from recruit.audit.services import record
from recruit.candidates import services as candidates
from recruit.candidates.models import Candidate, CandidateInterest, Interest, Note, Source
from recruit.database import utcnow
from recruit.events.models import Event
from recruit.extensions import db

FILLABLE = (
    "phone",
    "university_id",
    "university_other",
    "major",
    "class_standing",
    "grad_term",
    "grad_year",
    "availability",
)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="interest-form-started")


def start_token() -> str:
    """A signed note of when the form was shown, for the minimum fill time."""
    return _serializer().dumps(int(time.time()))


def seconds_since(token: str | None) -> float | None:
    """How long ago a start token was issued, or None when it is missing or forged."""
    try:
        started = _serializer().loads(token or "")
    except BadSignature:
        return None
    return time.time() - started if isinstance(started, int) else None


def submit_interest(values: dict, interests: list[str], event: Event | None, resume=None):
    """Save a submission: a new candidate in the first stage, or, for a known email (any
    case), fill that candidate's blank details and add the new interests and event."""
    values = {**values, "source": Source.EVENT if event else Source.WEBSITE}
    if event is not None:
        values["source_event_id"] = event.id
    values["consent_at"] = utcnow()
    try:
        with db.session.begin_nested():
            candidate = candidates.create_candidate(values, interests, [], None, via="form")
        created = True
    except candidates.DuplicateCandidate as duplicate:
        # The unique index on lower(email) decided: this person is already here.
        candidate = duplicate.existing
        _update_returning(candidate, values, interests, event)
        created = False
    if resume is not None:
        filename, data = resume
        candidates.store_resume(candidate, filename, data, None)
    return candidate, created


def _update_returning(candidate: Candidate, values: dict, interests, event) -> None:
    for name in FILLABLE:
        if getattr(candidate, name) in (None, "") and values.get(name) not in (None, ""):
            setattr(candidate, name, values[name])
    if not candidate.procurement_areas and values.get("procurement_areas"):
        candidate.procurement_areas = values["procurement_areas"]
    known = {ci.interest for ci in candidate.interests}
    for interest in interests:
        if Interest(interest) not in known:
            candidate.interests.append(CandidateInterest(interest=Interest(interest)))
    if event is not None:
        candidates.link_event(candidate, event.id, via="form")
    candidate.consent_at = candidate.consent_at or values["consent_at"]
    candidate.last_activity_at = utcnow()
    where = f" at {event.name}" if event else ""
    db.session.add(Note(candidate=candidate, body=f"Sent the interest form again{where}."))
    record("candidate.resubmit", target=candidate)
