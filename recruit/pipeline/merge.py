"""Merging a duplicate record into the one kept, history and search document included."""

import enum
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from recruit.audit.services import keyed_hash, record
from recruit.auth.models import User
from recruit.candidates.models import (
    Attachment,
    Candidate,
    CandidateEmail,
    CandidateEvent,
    CandidateInterest,
    Note,
    StageChange,
    candidate_tags,
)
from recruit.candidates.proposals import move_proposals
from recruit.candidates.services import PROFILE_FIELDS, keep_alternate_email
from recruit.database import utcnow
from recruit.extensions import db
from recruit.interviews.models import Interview
from recruit.messages.models import OutboxMessage
from recruit.pipeline import history, search_index, summaries
from recruit.pipeline.moves import MoveRefused
from recruit.placements.models import CandidateOpening, Placement
from recruit.templating import label

# The details HR picks between on the side-by-side merge, each with the profile fields it
# stands for (a university is a listed one or a name typed in; a source may name an event).
MERGE_CHOICES = {
    "first_name": ("first_name",),
    "last_name": ("last_name",),
    "email": ("email",),
    "phone": ("phone",),
    "university": ("university_id", "university_other"),
    "major": ("major",),
    "class_standing": ("class_standing",),
    "graduation": ("grad_term", "grad_year"),
    "availability": ("availability",),
    "procurement_areas": ("procurement_areas",),
    "source": ("source", "source_event_id"),
    "rating": ("rating",),
}


@dataclass
class MergeRow:
    """One detail of the side-by-side merge: both records' values as shown, and which one
    the merge keeps unless HR picks the other."""

    choice: str
    label: str
    kept: str
    other: str
    take_other: bool

    @property
    def differs(self) -> bool:
        return self.kept != self.other


CHOICE_LABELS = {
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "email": _l("Email"),
    "phone": _l("Phone"),
    "university": _l("University"),
    "major": _l("Major"),
    "class_standing": _l("Class standing"),
    "graduation": _l("Graduates"),
    "availability": _l("Can start"),
    "procurement_areas": _l("Procurement areas"),
    "source": _l("Source"),
    "rating": _l("Rating"),
}


def _shown(candidate: Candidate, choice: str) -> str:
    """A detail as the merge page shows it."""
    if choice == "university":
        if candidate.university is not None:
            return candidate.university.full_name
        return candidate.university_other
    if choice == "graduation":
        return f"{label(candidate.grad_term)} {candidate.grad_year or ''}".strip()
    if choice == "procurement_areas":
        return ", ".join(candidate.procurement_areas or [])
    if choice == "source":
        event = candidate.source_event
        return label(candidate.source) + (f" · {event.name}" if event else "")
    value = getattr(candidate, choice)
    return label(value) if isinstance(value, enum.Enum) else str(value or "")


def side_by_side(keep: Candidate, other: Candidate) -> list[MergeRow]:
    """Both records' details in merge order, each defaulting to the kept record's value
    (the other's where the kept one is blank, as a merge without choices does)."""
    default = taken_by_default(keep, other)
    return [
        MergeRow(
            choice,
            str(CHOICE_LABELS[choice]),
            _shown(keep, choice),
            _shown(other, choice),
            choice in default,
        )
        for choice in MERGE_CHOICES
    ]


def _blank(value) -> bool:
    return value in (None, "", [])


def taken_by_default(keep: Candidate, duplicate: Candidate) -> set[str]:
    """The choices a merge takes from the duplicate unless told otherwise: the details the
    kept record has blank and the duplicate has (never the email)."""
    return {
        choice
        for choice, fields in MERGE_CHOICES.items()
        if choice != "email"
        and all(_blank(getattr(keep, name)) for name in fields)
        and not all(_blank(getattr(duplicate, name)) for name in fields)
    }


def merge_candidates(
    keep: Candidate, duplicate: Candidate, by_user: User, take: set[str] | None = None
) -> None:
    """Fold a duplicate record into the one kept: history, notes, tags, events, placements,
    chosen openings, interviews, messages, files and proposed updates move over, the
    details named in take (MERGE_CHOICES keys; without choices, each blank detail) come
    from the duplicate, the address not kept becomes an alternate one, and the duplicate
    is removed (audited). The merged history's derived fields are rebuilt in time order and the kept
    record's search document rewritten, notes included."""
    if keep.id == duplicate.id:
        raise MoveRefused("A record cannot be merged with itself.")
    if keep.anonymized_at is not None or duplicate.anonymized_at is not None:
        raise MoveRefused("An erased record can be neither kept nor merged.")
    keep_id = keep.id
    # The entry names both records by id; the removed address only as a keyed hash, so a
    # question like "was this address ever merged away?" can be answered without a copy.
    removed_email_hash = keyed_hash(duplicate.email)
    if take is None:  # no choices made: each blank detail is filled
        taken = [
            name
            for name in PROFILE_FIELDS
            if name != "email"
            and _blank(getattr(keep, name))
            and not _blank(getattr(duplicate, name))
        ]
    else:
        taken = [name for choice in set(take) - {"email"} for name in MERGE_CHOICES.get(choice, ())]
    for name in taken:
        setattr(keep, name, getattr(duplicate, name))
    emails = (
        (duplicate.email, keep.email) if take and "email" in take else (keep.email, duplicate.email)
    )
    # The duplicate's own alternates are the kept record's from now on.
    db.session.execute(
        update(CandidateEmail)
        .where(CandidateEmail.candidate_id == duplicate.id)
        .values(candidate_id=keep_id)
        .execution_options(synchronize_session=False)
    )
    # The duplicate's messages follow it, so an erasure of the person finds them all.
    for model in (StageChange, Note, Attachment, Placement, Interview, OutboxMessage):
        db.session.execute(
            update(model)
            .where(model.candidate_id == duplicate.id)
            .values(candidate_id=keep_id)
            .execution_options(synchronize_session=False)
        )
    # Proposals still waiting are weighed against the kept record from now on.
    proposals_moved = move_proposals(duplicate.id, keep_id)
    kept_events = {link.event_id for link in keep.event_links}
    for link in list(duplicate.event_links):
        if link.event_id not in kept_events:
            db.session.add(
                CandidateEvent(
                    candidate_id=keep_id,
                    event_id=link.event_id,
                    via=link.via,
                    created_at=link.created_at,
                    contacted_at=link.contacted_at,
                )
            )
    # The openings either record chose; one both chose stays once.
    db.session.execute(
        update(CandidateOpening)
        .where(
            CandidateOpening.candidate_id == duplicate.id,
            CandidateOpening.position_id.not_in(
                select(CandidateOpening.position_id).where(CandidateOpening.candidate_id == keep_id)
            ),
        )
        .values(candidate_id=keep_id)
        .execution_options(synchronize_session=False)
    )
    kept_interests = {ci.interest for ci in keep.interests}
    for ci in duplicate.interests:
        if ci.interest not in kept_interests:
            keep.interests.append(CandidateInterest(interest=ci.interest))
    keep.tags = list({tag.id: tag for tag in [*keep.tags, *duplicate.tags]}.values())
    keep.last_activity_at = utcnow()
    record(
        "candidate.merge",
        user=by_user,
        target=keep,
        removed_id=duplicate.id,
        removed_email_hash=removed_email_hash,
        proposals_moved=proposals_moved,
        # Which details came from the removed record, by name only.
        fields_taken=sorted(taken + (["email"] if emails[0] != keep.email else [])),
    )
    db.session.execute(candidate_tags.delete().where(candidate_tags.c.candidate_id == duplicate.id))
    db.session.flush()
    db.session.expire_all()
    db.session.delete(db.session.get(Candidate, duplicate.id))
    db.session.flush()
    # Only now is the duplicate's address free for the kept record to take; the other one
    # stays as an alternate, which the interest form and search still know.
    kept = db.session.get(Candidate, keep_id)
    kept.email = emails[0]
    keep_alternate_email(kept, emails[1])
    for alternate in [a for a in kept.alternate_emails if a.email == emails[0].lower()]:
        kept.alternate_emails.remove(alternate)
    db.session.flush()
    # Two histories interleave: each change's stay and earlier entry now lie in the other's
    # changes too, or the funnel would count one person's two entries as two people.
    history.rebuild_derived(keep_id)
    # The bulk UPDATE moved the duplicate's history behind the session's back too: the
    # kept record's summaries (first reached Interview...) now read both.
    summaries.refresh(db.session, [keep_id])
    # The bulk UPDATE above moved notes behind the session's back, so its search hook
    # never saw them.
    search_index.reindex(db.session.connection(), [keep_id])
