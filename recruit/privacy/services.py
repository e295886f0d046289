"""What Recruit owes students: export everything held on one, erase it, and apply the
retention schedule to people who were not hired."""

from datetime import timedelta

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import selectinload

from recruit.admin.models import get_setting
from recruit.audit.services import record, redact, scrub_entries
from recruit.candidates import services as candidates
from recruit.candidates.models import (
    Attachment,
    Candidate,
    CandidateEmail,
    Note,
    Stage,
    StageKind,
    candidate_tags,
)
from recruit.candidates.proposals import erase_proposals, proposals_data
from recruit.database import utcnow
from recruit.extensions import db
from recruit.interviews.scorecards import erase_scorecards
from recruit.interviews.services import erase_interviews, interviews_data
from recruit.messages import services as messages
from recruit.pipeline import history, search_index
from recruit.placements.evaluation_links import erase_requests
from recruit.placements.models import Evaluation, EvaluationAnswer, Outcome, Placement
from recruit.students.models import StatusLink

ERASED = "Erased"


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _plain(value):
    return getattr(value, "value", value)


def personal_data(candidate: Candidate) -> dict:
    """Everything Recruit holds on one candidate, as plain JSON-ready data."""
    placements = db.session.scalars(
        select(Placement)
        .where(Placement.candidate_id == candidate.id)
        .options(
            selectinload(Placement.position),
            selectinload(Placement.evaluations)
            .selectinload(Evaluation.answers)
            .selectinload(EvaluationAnswer.item),
        )
    ).all()
    return {
        "exported_at": _iso(utcnow()),
        "profile": {
            name: _iso(_plain(getattr(candidate, name)))
            for name in (
                "id",
                *candidates.PROFILE_FIELDS,
                "consent_at",
                "emails_stopped_at",
                "language",
                "erasure_requested_at",
                "closed_reason",
                "legal_hold",
                "created_at",
                "last_activity_at",
            )
        }
        | {
            "university": candidate.university.full_name if candidate.university else None,
            "alternate_emails": [alternate.email for alternate in candidate.alternate_emails],
            "stage": candidate.stage.name,
            "interests": [_plain(ci.interest) for ci in candidate.interests],
            "tags": [tag.name for tag in candidate.tags],
        },
        "notes": [
            {"at": _iso(n.created_at), "by": n.user.name if n.user else None, "text": n.body}
            for n in candidate.notes
        ],
        "stage_history": [
            {
                "at": _iso(c.created_at),
                "from": c.from_stage.name if c.from_stage else None,
                "to": c.to_stage.name,
                "by": c.user.name if c.user else None,
                "reason": c.reason,
                "comment": c.comment,
            }
            for c in reversed(candidate.history)
        ],
        "events": [
            {"event": link.event.name, "date": _iso(link.event.starts_on), "via": link.via}
            for link in candidate.event_links
        ],
        "files": [
            {"name": a.original_name, "size": a.size, "uploaded_at": _iso(a.created_at)}
            for a in candidate.attachments
            if a.deleted_at is None
        ],
        "placements": [
            {
                "position": p.position.title,
                "agency": p.position.agency,
                "starts_on": _iso(p.starts_on),
                "ends_on": _iso(p.ends_on),
                "outcome": _plain(p.outcome),
                "evaluations": [
                    {
                        "kind": _plain(e.kind),
                        "submitted_at": _iso(e.submitted_at),
                        "strengths": e.strengths,
                        "areas_to_grow": e.areas_to_grow,
                        "recommend_full_time": e.recommend_full_time,
                        "answers": [
                            {"question": a.item.prompt, "rating": a.rating, "value": a.value}
                            for a in e.answers
                        ],
                    }
                    for e in p.evaluations
                ],
            }
            for p in placements
        ],
        "proposed_updates": proposals_data(candidate),
        "interviews": interviews_data(candidate),
        "messages": [
            {
                "at": _iso(m.created_at),
                "to": m.to,
                "subject": m.subject,
                "body": m.body,
                "state": _plain(m.state),
                "sent_at": _iso(m.sent_at),
            }
            for m in messages.messages_for(candidate)
        ],
    }


def export_personal_data(candidate: Candidate, by_user, why: str) -> dict:
    """The candidate's data for a download, with an audit entry of who took it and why."""
    data = personal_data(candidate)
    record("privacy.export", user=by_user, target=candidate, why=why)
    return data


def identifiers(candidate: Candidate) -> tuple[list[str], list[str]]:
    """What identifies a candidate in text: every part of their name and details, and
    the distinctive ones (full name, email, phone) worth searching for anywhere."""
    distinctive = [
        candidate.full_name,
        candidate.email,
        candidate.phone or "",
        *(alternate.email for alternate in candidate.alternate_emails),
    ]
    return [candidate.first_name, candidate.last_name], [d for d in distinctive if d]


def erase(
    candidate: Candidate,
    by_user,
    why: str,
    action: str = "privacy.erase",
    one_of_many: bool = False,
) -> None:
    """Replace a candidate's personal details, delete their files, notes, free text and
    the updates proposed for them through the public form, blank every copy of their
    details (messages, evaluation links, audit entries, the search index), and keep the
    anonymous facts (stage history, events, placements) for reports. one_of_many: the
    caller erases many in one transaction (retention), so only the audit entries about the
    record are scrubbed (not a scan of the whole log each time) and the caller purges the
    search index once."""
    now = utcnow()
    names, distinctive = identifiers(candidate)
    # An admin's reason may name the person it is about.
    why = redact(why, [*names, *distinctive])
    for attachment in candidate.attachments:
        if attachment.deleted_at is None:
            candidates.resume_path(attachment).unlink(missing_ok=True)
    db.session.execute(
        update(Attachment)
        .where(Attachment.candidate_id == candidate.id)
        .values(original_name="erased.pdf", sha256="", deleted_at=now)
    )
    notes = db.session.execute(delete(Note).where(Note.candidate_id == candidate.id)).rowcount
    db.session.execute(delete(candidate_tags).where(candidate_tags.c.candidate_id == candidate.id))
    history.blank_comments(candidate.id)
    placement_ids = select(Placement.id).where(Placement.candidate_id == candidate.id)
    db.session.execute(
        update(Placement).where(Placement.candidate_id == candidate.id).values(hired_title="")
    )
    db.session.execute(
        update(Evaluation)
        .where(Evaluation.placement_id.in_(placement_ids))
        .values(strengths="", areas_to_grow="", submitted_by_name="")
    )
    db.session.execute(
        update(EvaluationAnswer)
        .where(
            EvaluationAnswer.evaluation_id.in_(
                select(Evaluation.id).where(Evaluation.placement_id.in_(placement_ids))
            )
        )
        .values(value="")
    )
    messages.erase_messages(candidate.id, candidate.email)
    links_erased = erase_requests(candidate.id, candidate.email)
    audit_scrubbed = scrub_entries(
        "Candidate", candidate.id, names, distinctive, search_all=not one_of_many
    )
    proposals_deleted = erase_proposals(candidate.id, by_user)
    # Addresses kept from merged duplicates are the person's too; deleted before the record
    # changes, whose flush rewrites the search document from what is left.
    db.session.execute(delete(CandidateEmail).where(CandidateEmail.candidate_id == candidate.id))
    candidate.first_name = ERASED
    candidate.last_name = f"#{candidate.id}"
    candidate.email = f"erased-{candidate.id}@erased.invalid"
    candidate.phone = ""
    candidate.university_other = ""
    candidate.availability = ""
    candidate.procurement_areas = []
    candidate.anonymized_at = now
    # A student's request is answered by this erasure; their page's links die with it.
    candidate.erasure_requested_at = None
    db.session.execute(delete(StatusLink).where(StatusLink.candidate_id == candidate.id))
    interviews_cancelled = erase_interviews(candidate)
    erase_scorecards(candidate.id)
    db.session.expire(candidate, ["notes", "tags", "attachments", "history", "alternate_emails"])
    record(
        action,
        user=by_user,
        target=candidate,
        why=why,
        notes_deleted=notes,
        proposals_deleted=proposals_deleted,
        interviews_cancelled=interviews_cancelled,
        evaluation_links=links_erased,
        audit_entries_scrubbed=audit_scrubbed,
    )
    db.session.flush()
    if not one_of_many:
        search_index.purge_deleted(db.session.connection())


def erasure_requests() -> list[Candidate]:
    """Students who asked from their own page that we erase their data, not yet erased,
    longest waiting first."""
    return list(
        db.session.scalars(
            select(Candidate)
            .where(Candidate.erasure_requested_at.is_not(None), Candidate.anonymized_at.is_(None))
            .order_by(Candidate.erasure_requested_at, Candidate.id)
        )
    )


def hired_somewhere():
    """A condition true for candidates who were hired: their records move on, not out."""
    return exists().where(
        Placement.candidate_id == Candidate.id,
        Placement.outcome.in_([Outcome.HIRED, Outcome.OFFER_ACCEPTED]),
    )


def due_for_retention(months: int | None = None) -> list[Candidate]:
    """Candidates not hired, not on legal hold, not yet anonymized, whose last activity
    is older than the retention period."""
    months = months or int(get_setting("retention_months"))
    cutoff = utcnow() - timedelta(days=round(months * 30.44))
    return list(
        db.session.scalars(
            select(Candidate)
            .join(Stage, Stage.id == Candidate.stage_id)
            .where(
                Candidate.last_activity_at < cutoff,
                Candidate.legal_hold.is_(False),
                Candidate.anonymized_at.is_(None),
                Stage.kind != StageKind.HIRED,
                ~hired_somewhere(),
            )
            .order_by(Candidate.last_activity_at, Candidate.id)
        )
    )


def apply_retention(by_user=None) -> int:
    """Anonymize everyone due under the retention schedule; returns how many."""
    due = due_for_retention()
    for candidate in due:
        erase(
            candidate,
            by_user,
            why="retention schedule",
            action="privacy.retention",
            one_of_many=True,
        )
    if due:
        search_index.purge_deleted(db.session.connection())
    record("privacy.retention_run", user=by_user, anonymized=len(due))
    return len(due)
