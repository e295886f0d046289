"""University rules: universities and contacts audited, interactions logged, follow-ups done."""

from datetime import date

from sqlalchemy.exc import IntegrityError

from recruit.audit.services import record
from recruit.auth.models import User
from recruit.candidates.models import CandidateEvent
from recruit.database import utcnow
from recruit.events.models import FollowUp
from recruit.extensions import db
from recruit.stale import check, flush
from recruit.universities.models import (
    Contact,
    Interaction,
    InteractionKind,
    Partnership,
    University,
    full_name_of,
)


class DuplicateUniversity(Exception):
    """Another university already has this name and college."""


def university_choices() -> list[tuple[str, str]]:
    """Every university as (id, full name) for a select, by name and college; one query
    when the worker's copy is out of date, none otherwise."""
    from recruit import cached  # it reads this module's models

    return list(cached.university_choices())


def university_names() -> dict[int, str]:
    """Every university's full name by id, from the worker's copy: pages that name a few
    need no query of their own."""
    return {int(university_id): name for university_id, name in university_choices()}


def _clean_university(values: dict) -> dict:
    """Trimmed text, an upper-case state, and an agreement date only with an agreement."""
    values = dict(values)
    for key in ("name", "college", "majors", "city", "state", "notes"):
        values[key] = (values.get(key) or "").strip()
    values["state"] = values["state"].upper()
    values["partnership"] = Partnership(values["partnership"])
    if values["partnership"] != Partnership.FORMAL_AGREEMENT:
        values["agreement_on"] = None
    return values


def _duplicate(values: dict) -> DuplicateUniversity:
    return DuplicateUniversity(
        f"{full_name_of(values['name'], values['college'])} is already listed."
    )


def create_university(values: dict, by_user: User) -> University:
    """Add a university and record who added it."""
    values = _clean_university(values)
    university = University(**values)
    try:
        # The unique constraint, not a look-up first, decides what is a duplicate.
        with db.session.begin_nested():
            db.session.add(university)
    except IntegrityError as error:
        raise _duplicate(values) from error
    record("university.create", user=by_user, target=university)
    return university


def update_university(
    university: University, values: dict, expected_version: int | None, by_user: User
) -> University:
    """Change a university's details and record which fields changed; refuses a save
    made from an older version than the university's."""
    check(university, expected_version, "university")
    values = _clean_university(values)
    changed = sorted(key for key, value in values.items() if getattr(university, key) != value)
    try:
        with db.session.begin_nested():
            for key in changed:
                setattr(university, key, values[key])
            flush(university, "university")
    except IntegrityError as error:
        raise _duplicate(values) from error
    record("university.update", user=by_user, target=university, fields=changed)
    return university


def _clean_contact(values: dict) -> dict:
    values = dict(values)
    for key in ("name", "title", "email", "phone", "notes"):
        values[key] = (values.get(key) or "").strip()
    return values


def create_contact(university: University, values: dict, by_user: User) -> Contact:
    """Add a contact at a university and record who added it."""
    contact = Contact(university=university, **_clean_contact(values))
    db.session.add(contact)
    db.session.flush()
    record("contact.create", user=by_user, target=contact, university_id=university.id)
    return contact


def update_contact(
    contact: Contact, values: dict, expected_version: int | None, by_user: User
) -> Contact:
    """Change a contact's details and record which fields changed; refuses a save made
    from an older version than the contact's."""
    check(contact, expected_version, "contact")
    values = _clean_contact(values)
    changed = sorted(key for key, value in values.items() if getattr(contact, key) != value)
    for key in changed:
        setattr(contact, key, values[key])
    flush(contact, "contact")
    record("contact.update", user=by_user, target=contact, fields=changed)
    return contact


def log_interaction(
    contact: Contact,
    kind: InteractionKind,
    occurred_on: date,
    notes: str,
    next_follow_up_on: date | None,
    by_user: User,
) -> Interaction:
    """Log a touch with a contact; the next follow-up date replaces the old one (None clears it)."""
    interaction = Interaction(
        contact=contact,
        kind=InteractionKind(kind),
        occurred_on=occurred_on,
        notes=(notes or "").strip(),
        user_id=by_user.id,
    )
    contact.next_follow_up_on = next_follow_up_on
    db.session.add(interaction)
    db.session.flush()
    record("interaction.create", user=by_user, target=contact, interaction_id=interaction.id)
    return interaction


def mark_follow_up_done(task: FollowUp, by_user: User) -> bool:
    """Mark an event's follow-up task done; False when it already was."""
    if task.done_at is not None:
        return False
    task.done_at = utcnow()
    db.session.flush()
    record("follow_up.done", user=by_user, target=task, event_id=task.event_id)
    return True


def mark_lead_contacted(link: CandidateEvent, by_user: User) -> bool:
    """Note that someone contacted an event's lead; False when someone already had."""
    if link.contacted_at is not None:
        return False
    link.contacted_at = utcnow()
    db.session.flush()
    record("lead.contacted", user=by_user, target=link.candidate, event_id=link.event_id)
    return True
