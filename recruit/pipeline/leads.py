"""Leads from the interest form, booths and imports: a new candidate, or a returning one
whose blanks the new submission fills (staff's ways in) or whose record is left as it is
(the public form's), keeping the stage they stand in."""

from recruit.audit.services import record
from recruit.auth.models import User
from recruit.candidates.models import Candidate, CandidateInterest, Interest, Note
from recruit.candidates.services import DuplicateCandidate, create_candidate, link_event
from recruit.database import utcnow
from recruit.extensions import db

# Details a returning person's new submission may fill when the record has them blank; the
# university (a listed one or a name typed in) is one detail and is handled on its own.
FILLABLE_FROM_LEAD = (
    "phone",
    "major",
    "class_standing",
    "grad_term",
    "grad_year",
    "availability",
)


def record_lead(
    values: dict,
    interests,
    event_id: int | None,
    via: str,
    by_user: User | None,
    note: str = "",
    returning_note: str = "",
    trusted: bool = True,
) -> tuple[Candidate, bool]:
    """Add a lead, or for a known email (any case) fill its blanks and add the new
    interests and event, keeping its stage. The unique email index decides, so two
    submissions at once never make two records. Every way in (the interest form, a booth,
    an import) comes through here. Returns (candidate, created).

    Not trusted (the public form, where anyone may type anyone's email), a known
    candidate's record is left as it is: only the event's lead and the returning note are
    recorded, and the caller keeps what was sent as a proposed update for HR."""
    if event_id is not None:
        values = {**values, "source_event_id": event_id}
    author = getattr(by_user, "id", None)
    try:
        candidate = create_candidate(values, interests, [], by_user, via=via)
        created = True
    except DuplicateCandidate as duplicate:
        candidate = duplicate.existing
        if trusted:
            _fill_returning(candidate, values, interests, event_id, via)
        else:
            _note_attendance(candidate, event_id, via)
        created = False
        if returning_note:
            db.session.add(Note(candidate=candidate, body=returning_note, user_id=author))
    if note.strip():
        db.session.add(Note(candidate=candidate, body=note.strip(), user_id=author))
    return candidate, created


def _fill_returning(candidate: Candidate, values: dict, interests, event_id, via: str) -> None:
    # Lock the row and read it afresh: on PostgreSQL two submissions for one email may both
    # land here at once, and the second must see the first's changes (its version, its
    # interests, its event link) rather than fail on a stale version or a duplicate link.
    # SQLite needs no lock: POST requests already hold its write lock.
    db.session.refresh(candidate, with_for_update=True)
    for name in FILLABLE_FROM_LEAD:
        if getattr(candidate, name) in (None, "") and values.get(name) not in (None, ""):
            setattr(candidate, name, values[name])
    if candidate.university_id is None and not candidate.university_other:
        candidate.university_id = values.get("university_id")
        candidate.university_other = values.get("university_other") or ""
    if not candidate.procurement_areas and values.get("procurement_areas"):
        candidate.procurement_areas = values["procurement_areas"]
    known = {ci.interest for ci in candidate.interests}
    for interest in interests:
        if Interest(interest) not in known:
            candidate.interests.append(CandidateInterest(interest=Interest(interest)))
    if event_id is not None:
        link_event(candidate, event_id, via=via)
    if values.get("consent_at") and candidate.consent_at is None:
        candidate.consent_at = values["consent_at"]
    # Unlike the details above, the language follows the student's latest form.
    if values.get("language"):
        candidate.language = values["language"]
    candidate.last_activity_at = utcnow()
    record("candidate.lead_again", target=candidate, via=via)


def _note_attendance(candidate: Candidate, event_id, via: str) -> None:
    # Recorded directly, unlike the details the form carried: the event's lead and the
    # caller's note ("Sent the interest form again at ...") change nothing the student
    # told us and attach nothing in their name. They say only that this email was sent
    # through the form there, which is true whoever sent it, and HR needs that to know
    # the person came by and to weigh the proposal. The lock serializes two submissions
    # for one email on PostgreSQL, as _fill_returning's does. last_activity_at stays:
    # whoever knows an email must not lengthen how long the retention schedule keeps
    # that person's record.
    db.session.refresh(candidate, with_for_update=True)
    if event_id is not None:
        link_event(candidate, event_id, via=via)
    record("candidate.form_again", target=candidate, via=via)
