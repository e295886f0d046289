"""Merging a duplicate record into the one kept, history and search document included."""

from sqlalchemy import select, update

from recruit.audit.services import keyed_hash, record
from recruit.auth.models import User
from recruit.candidates.models import (
    Attachment,
    Candidate,
    CandidateEvent,
    CandidateInterest,
    Note,
    StageChange,
    candidate_tags,
)
from recruit.candidates.proposals import move_proposals
from recruit.candidates.services import PROFILE_FIELDS
from recruit.database import utcnow
from recruit.extensions import db
from recruit.interviews.models import Interview
from recruit.messages.models import OutboxMessage
from recruit.pipeline import history, search_index
from recruit.pipeline.moves import MoveRefused
from recruit.placements.models import CandidateOpening, Placement


def merge_candidates(keep: Candidate, duplicate: Candidate, by_user: User) -> None:
    """Fold a duplicate record into the one kept: history, notes, tags, events, placements,
    chosen openings, interviews, messages, files and proposed updates move over, blank
    details are filled, and the duplicate is removed (audited). The merged history's
    derived fields are rebuilt in time order and the kept record's search document
    rewritten, notes included."""
    if keep.id == duplicate.id:
        raise MoveRefused("A record cannot be merged with itself.")
    keep_id = keep.id
    # The entry names both records by id; the removed address only as a keyed hash, so a
    # question like "was this address ever merged away?" can be answered without a copy.
    removed_email_hash = keyed_hash(duplicate.email)
    for name in PROFILE_FIELDS:
        if getattr(keep, name) in (None, "", []) and name != "email":
            setattr(keep, name, getattr(duplicate, name))
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
    )
    db.session.execute(candidate_tags.delete().where(candidate_tags.c.candidate_id == duplicate.id))
    db.session.flush()
    db.session.expire_all()
    db.session.delete(db.session.get(Candidate, duplicate.id))
    db.session.flush()
    # Two histories interleave: each change's stay and earlier entry now lie in the other's
    # changes too, or the funnel would count one person's two entries as two people.
    history.rebuild_derived(keep_id)
    # The bulk UPDATE above moved notes behind the session's back, so its search hook
    # never saw them.
    search_index.reindex(db.session.connection(), [keep_id])
