"""Scheduling interviews: booking a time or offering several for the candidate to pick,
refusing times that clash, moving and cancelling; every change sends invitations."""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, or_, select, text
from sqlalchemy.orm import joinedload, selectinload

from recruit.audit.services import record
from recruit.auth.models import User
from recruit.calendars import uid_host
from recruit.candidates.models import Candidate, Stage
from recruit.database import utcnow
from recruit.extensions import db
from recruit.interviews import invitations, scorecards
from recruit.interviews.models import (
    Interview,
    Interviewer,
    InterviewKind,
    InterviewSlot,
    InterviewState,
)
from recruit.messages.links import derived_token
from recruit.messages.models import OutboxMessage
from recruit.messages.services import forget_messages_about_erased
from recruit.pipeline import moves
from recruit.pipeline.rules import StageKey
from recruit.placements.models import Position
from recruit.templating import office_time
from recruit.timezones import local

# An arbitrary constant that names "the interview calendars" as a PostgreSQL advisory lock.
_CALENDAR_LOCK = 7_413_006


# The longest interview the schedule form offers (an hour and a half), with room to spare.
LONGEST = timedelta(hours=2)


class InterviewRefused(Exception):
    """A booking, move or cancellation that cannot be made, with the reasons to show."""

    def __init__(self, *reasons: str):
        self.reasons = list(reasons)
        super().__init__(" ".join(reasons))


class SlotGone(InterviewRefused):
    """The time a candidate picked was taken, or passed, while they chose."""


@dataclass
class Plan:
    """What HR fills in to schedule: one time books it, several are offered."""

    kind: InterviewKind
    starts: list[datetime]
    duration_minutes: int = 30
    position: Position | None = None
    location: str = ""
    video_url: str = ""
    note_for_candidate: str = ""
    staff: list[User] = field(default_factory=list)
    # (name, email) of people outside the office, such as an agency supervisor
    outside: list[tuple[str, str]] = field(default_factory=list)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def candidate_token(interview: Interview) -> str:
    """The candidate's private link token for this interview (made, never stored)."""
    return derived_token("interview", interview.id, interview.link_nonce)


def lock_calendars() -> None:
    """Let one booking at a time check for clashes and write: on PostgreSQL a transaction
    lock (released at commit), on SQLite the write lock every POST takes up front."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CALENDAR_LOCK})


def change_cutoff() -> timedelta:
    """How long before an interview the candidate can still move or cancel it."""
    return timedelta(hours=current_app.config["INTERVIEW_CHANGE_HOURS"])


# --- clashes ------------------------------------------------------------------------------


def describe(interview: Interview) -> str:
    """'Panel interview with Ana Garcia, Dec 3, 2026, 10:00 AM CST', for messages."""
    return (
        f"{interview.kind.label} with "
        f"{interview.candidate.full_name}, {office_time(interview.starts_at)}"
    )


def _overlapping(
    starts_at: datetime,
    ends_at: datetime,
    candidate_id: int,
    emails: list[str],
    exclude_id: int | None = None,
) -> list[Interview]:
    """Booked interviews of this candidate, or sat on by any of these people, that overlap
    a span of time."""
    query = (
        select(Interview)
        .where(
            booked_between(starts_at, ends_at),
            or_(
                Interview.candidate_id == candidate_id,
                Interview.id.in_(
                    select(Interviewer.interview_id).where(Interviewer.email.in_(emails))
                ),
            ),
        )
        .options(selectinload(Interview.interviewers), selectinload(Interview.candidate))
        .order_by(Interview.starts_at)
    )
    if exclude_id is not None:
        query = query.where(Interview.id != exclude_id)
    return list(db.session.scalars(query))


def clashes(
    starts_at: datetime,
    ends_at: datetime,
    candidate_id: int,
    emails: list[str],
    names: dict[str, str],
    exclude_id: int | None = None,
) -> list[str]:
    """Why this time cannot be booked: each scheduled interview of the same candidate or
    interviewer that overlaps it, named."""
    reasons = []
    for other in _overlapping(starts_at, ends_at, candidate_id, emails, exclude_id):
        if other.candidate_id == candidate_id:
            reasons.append(
                f"{other.candidate.full_name} already has an interview then: {describe(other)}."
            )
        busy = sorted({p.email for p in other.interviewers} & set(emails))
        for email in busy:
            reasons.append(
                f"{names.get(email, email)} is already interviewing then: {describe(other)}."
            )
    return reasons


def _refuse_past(starts: list[datetime]) -> None:
    now = utcnow()
    past = [start for start in starts if start <= now]
    if past:
        raise InterviewRefused(f"{office_time(past[0])} has already passed. Choose a later time.")


def _people(plan: Plan) -> tuple[list[str], dict[str, str]]:
    names = {person.email: person.name for person in _panel(plan)}
    return list(names), names


# --- booking ------------------------------------------------------------------------------


def schedule(
    candidate: Candidate, plan: Plan, by_user: User, move_to_interview: bool = True
) -> Interview:
    """Book an interview at one time, or offer several for the candidate to pick; refuses
    past times and clashes. Sends the invitations (or the offer) through the outbox and,
    unless unticked, moves a Screening candidate to Interview."""
    if not plan.starts:
        raise InterviewRefused("Give at least one date and time.")
    _refuse_past(plan.starts)
    lock_calendars()
    emails, names = _people(plan)
    length = timedelta(minutes=plan.duration_minutes)
    for start in plan.starts:
        reasons = clashes(start, start + length, candidate.id, emails, names)
        if reasons:
            raise InterviewRefused(*reasons)
    offered = len(plan.starts) > 1
    first = min(plan.starts)
    interview = Interview(
        candidate=candidate,
        position=plan.position,
        kind=plan.kind,
        state=InterviewState.OFFERED if offered else InterviewState.SCHEDULED,
        starts_at=None if offered else first,
        ends_at=None if offered else first + length,
        duration_minutes=plan.duration_minutes,
        location=plan.location.strip(),
        video_url=plan.video_url.strip(),
        note_for_candidate=plan.note_for_candidate.strip(),
        uid=f"interview-{secrets.token_hex(12)}@{uid_host()}",
        link_nonce=secrets.token_hex(16),
        token_hash=secrets.token_hex(32),  # replaced below, once the row has its id
        created_by_id=by_user.id,
    )
    if offered:
        interview.slots = [
            InterviewSlot(starts_at=start, ends_at=start + length) for start in sorted(plan.starts)
        ]
    interview.interviewers = _panel(plan)
    db.session.add(interview)
    db.session.flush()
    interview.token_hash = _hash(candidate_token(interview))
    for person in interview.interviewers:
        if person.user_id is None:
            person.token_hash = scorecards.token_hash(scorecards.scorecard_token(person))
    record(
        "interview.offer" if offered else "interview.schedule",
        user=by_user,
        target=candidate,
        interview=interview.id,
        times=len(plan.starts),
    )
    if move_to_interview and _in_stage(candidate, StageKey.SCREENING):
        interview_stage = _stage(StageKey.INTERVIEW)
        if interview_stage is not None:
            # The invitation says what the stage's own message ("send us times") would.
            moves.move_candidate(
                candidate,
                interview_stage,
                by_user,
                None,
                comment="Interview scheduled",
                notify=False,
            )
    db.session.flush()
    if offered:
        invitations.offer_times(interview, by_user)
    else:
        invitations.invite_everyone(interview, by_user)
    return interview


def _panel(plan: Plan) -> list[Interviewer]:
    """The plan's interviewers, each person once (by email): staff accounts first, then
    people from outside, who get a nonce for their scorecard link."""
    panel: dict[str, Interviewer] = {}
    for user in plan.staff:
        panel.setdefault(
            user.email.lower(),
            Interviewer(user_id=user.id, name=user.name, email=user.email.lower()),
        )
    for name, email in plan.outside:
        email = email.strip().lower()
        panel.setdefault(
            email, Interviewer(name=name.strip(), email=email, link_nonce=secrets.token_hex(16))
        )
    return list(panel.values())


def _stage(key: StageKey) -> Stage | None:
    return db.session.scalar(select(Stage).where(Stage.key == key, Stage.retired.is_(False)))


def _in_stage(candidate: Candidate, key: StageKey) -> bool:
    return candidate.stage is not None and candidate.stage.key == key


# --- the candidate's choice ----------------------------------------------------------------


def open_slots(interview: Interview) -> list[InterviewSlot]:
    """The offered times a candidate can still pick: not passed, not the one they hold,
    and not taken since by another interview of the same interviewers or candidate (read
    in one query for all the times offered)."""
    soon = utcnow() + timedelta(hours=1)
    held = interview.starts_at if interview.state == InterviewState.SCHEDULED else None
    wanted = [s for s in interview.slots if s.starts_at > soon and s.starts_at != held]
    if not wanted:
        return []
    busy = _overlapping(
        min(slot.starts_at for slot in wanted),
        max(slot.ends_at for slot in wanted),
        interview.candidate_id,
        [person.email for person in interview.interviewers],
        interview.id,
    )
    return [
        slot
        for slot in wanted
        if not any(o.starts_at < slot.ends_at and o.ends_at > slot.starts_at for o in busy)
    ]


def can_change(interview: Interview) -> bool:
    """Can the candidate still pick, move or cancel from their link?"""
    if interview.state == InterviewState.OFFERED:
        return True
    if interview.state == InterviewState.SCHEDULED:
        return interview.starts_at - change_cutoff() > utcnow()
    return False


def choose_slot(interview: Interview, slot_id: int | None) -> Interview:
    """The candidate picks (or moves to) one of the offered times; a time taken or passed
    meanwhile is refused with SlotGone, the page then shows what is left."""
    lock_calendars()
    db.session.refresh(interview)
    if not can_change(interview):
        raise InterviewRefused("This interview can no longer be changed from this page.")
    slot = next((s for s in open_slots(interview) if s.id == slot_id), None)
    if slot is None:
        raise SlotGone("That time has just been taken or has passed. Please choose another.")
    moving = interview.state == InterviewState.SCHEDULED
    interview.starts_at, interview.ends_at = slot.starts_at, slot.ends_at
    interview.state = InterviewState.SCHEDULED
    if moving:
        interview.sequence += 1
    record(
        "interview.moved_by_candidate" if moving else "interview.chosen_by_candidate",
        target=interview.candidate,
        interview=interview.id,
    )
    db.session.flush()
    invitations.invite_everyone(interview, None)
    return interview


# --- changes by staff -------------------------------------------------------------------


def _refuse_unchangeable(interview: Interview) -> None:
    if interview.candidate.anonymized_at is not None:
        raise InterviewRefused(
            "This candidate's record was erased; their interviews stay as they are."
        )
    if held(interview):
        raise InterviewRefused("This interview has taken place; schedule a new one instead.")


def held(interview: Interview) -> bool:
    """Has this booked interview taken place (so it is no longer moved or cancelled)?"""
    return interview.state == InterviewState.SCHEDULED and interview.ends_at <= utcnow()


def reschedule(interview: Interview, starts_at: datetime, by_user: User) -> Interview:
    """Move a booked interview to another time; everyone gets the updated invitation."""
    _refuse_unchangeable(interview)
    if interview.state == InterviewState.CANCELLED:
        raise InterviewRefused("This interview was cancelled; schedule a new one.")
    _refuse_past([starts_at])
    lock_calendars()
    ends_at = starts_at + timedelta(minutes=interview.duration_minutes)
    emails = [person.email for person in interview.interviewers]
    names = {person.email: person.name for person in interview.interviewers}
    reasons = clashes(starts_at, ends_at, interview.candidate_id, emails, names, interview.id)
    if reasons:
        raise InterviewRefused(*reasons)
    interview.starts_at, interview.ends_at = starts_at, ends_at
    if interview.state == InterviewState.SCHEDULED:
        interview.sequence += 1
    interview.state = InterviewState.SCHEDULED
    record("interview.reschedule", user=by_user, target=interview.candidate, interview=interview.id)
    db.session.flush()
    invitations.invite_everyone(interview, by_user)
    return interview


def cancel(interview: Interview, by_user: User | None, by_candidate: bool = False) -> Interview:
    """Cancel an interview; everyone invited gets the calendar's cancellation."""
    _refuse_unchangeable(interview)
    if interview.state == InterviewState.CANCELLED:
        raise InterviewRefused("This interview is already cancelled.")
    if by_candidate and not can_change(interview):
        raise InterviewRefused("This interview can no longer be cancelled from this page.")
    was_booked = interview.state == InterviewState.SCHEDULED
    interview.state = InterviewState.CANCELLED
    interview.cancelled_at = utcnow()
    interview.cancelled_by_candidate = by_candidate
    interview.sequence += 1
    record(
        "interview.cancelled_by_candidate" if by_candidate else "interview.cancel",
        user=by_user,
        target=interview.candidate,
        interview=interview.id,
    )
    db.session.flush()
    invitations.cancel_everyone(interview, by_user, was_booked)
    return interview


# --- reading ------------------------------------------------------------------------------


def open_link(token: str) -> Interview | None:
    """The interview a candidate's link opens, or None for a wrong, erased or dead one (a
    link lives until a week after the interview, or after its last offered time)."""
    if not token or len(token) > 100:
        return None
    interview = db.session.scalar(
        select(Interview)
        .where(Interview.token_hash == _hash(token))
        .options(selectinload(Interview.slots), selectinload(Interview.interviewers))
    )
    if interview is None or interview.candidate.anonymized_at is not None:
        return None
    last = interview.ends_at or max((s.ends_at for s in interview.slots), default=None)
    if last is None or last + timedelta(days=7) < utcnow():
        return None
    return interview


def for_candidate(candidate: Candidate) -> list[Interview]:
    """A candidate's interviews, newest first, with their panels and scorecards."""
    return list(db.session.scalars(_interviews_of(), {"candidate_id": candidate.id}).unique())


@cache
def _interviews_of():
    """Built once: the candidate's page and the student's own page both send it."""
    return (
        select(Interview)
        .where(Interview.candidate_id == bindparam("candidate_id"))
        .options(
            # One SELECT for the interviews, their positions, panels, scorecards and
            # times offered: a few rows each, so their product stays small.
            joinedload(Interview.interviewers).joinedload(Interviewer.scorecard),
            joinedload(Interview.position),
            joinedload(Interview.slots),
        )
        .order_by(Interview.created_at.desc(), Interview.id.desc())
    )


def when(interview: Interview) -> str:
    """When it is, in the office's zone: 'Dec 3, 2026, 10:00 AM CST' (or the offered times)."""
    if interview.starts_at is not None:
        return office_time(interview.starts_at)
    return "; ".join(office_time(s.starts_at) for s in interview.slots)


def local_start(interview: Interview) -> datetime | None:
    """The start on the office's clock, for forms that edit it."""
    return local(interview.starts_at) if interview.starts_at else None


# --- erasure --------------------------------------------------------------------------------


def erase_interviews(candidate: Candidate) -> int:
    """Forget what a candidate's interviews said about them (erasure): the note to them and
    what the panel's messages said are blanked, and interviews still to come are cancelled
    so they leave the panel's calendars. Times, kinds and ratings stay for the reports.
    Call once the candidate's name is erased: the cancellation names the record only."""
    interviews = for_candidate(candidate)
    uids = [interview.uid for interview in interviews]
    if uids:
        # The panel's invitations not sent yet are withdrawn: the cancellation follows.
        forget_messages_about_erased(or_(*(OutboxMessage.calendar.contains(uid) for uid in uids)))
    now = utcnow()
    cancelled = 0
    for interview in interviews:
        # A place may be "call Ana at 555-0100": it goes with what was written to them.
        interview.note_for_candidate = interview.location = interview.video_url = ""
        upcoming = interview.state == InterviewState.OFFERED or (
            interview.state == InterviewState.SCHEDULED and interview.ends_at > now
        )
        if upcoming:
            was_booked = interview.state == InterviewState.SCHEDULED
            interview.state = InterviewState.CANCELLED
            interview.cancelled_at = now
            interview.sequence += 1
            cancelled += 1
            if was_booked:
                invitations.cancel_panel(interview, None)
        # The candidate's link dies with the record.
        interview.link_nonce = secrets.token_hex(16)
    db.session.flush()
    return cancelled


def interviews_data(candidate: Candidate) -> list[dict]:
    """A candidate's interviews as their data export lists them: what was arranged with
    them (the panel's scorecards are the office's deliberation and stay with it)."""
    return [
        {
            "kind": interview.kind.value,
            "state": interview.state.value,
            "starts_at": interview.starts_at.isoformat() + "Z" if interview.starts_at else None,
            "minutes": interview.duration_minutes,
            "position": interview.position.title if interview.position else None,
            "location": interview.location,
            "video_url": interview.video_url,
            "note_for_candidate": interview.note_for_candidate,
            "interviewers": [person.name for person in interview.interviewers],
        }
        for interview in for_candidate(candidate)
    ]


def sits_on(user: User):
    """The condition for interviews the user sits on the panel of: asked of each
    interview in hand (through the panel's index), so that a day's interviews cost the
    same whether the person sat on ten interviews or ten thousand."""
    return (
        select(Interviewer.id)
        .where(Interviewer.interview_id == Interview.id, Interviewer.user_id == user.id)
        .exists()
    )


def booked_between(start: datetime, end: datetime | None):
    """The condition for booked interviews that overlap a span of time (an office day, a
    week): the interviews list and the home page ask it alike."""
    clause = (
        (Interview.state == InterviewState.SCHEDULED)
        & (Interview.ends_at > start)
        # No interview is longer than LONGEST: this bound lets the index on (state,
        # starts_at) read only the span, not every interview ever held before it.
        & (Interview.starts_at > start - LONGEST)
    )
    return clause if end is None else clause & (Interview.starts_at < end)


def for_student_page(candidate: Candidate) -> list[tuple[Interview, str]]:
    """A student's interviews still to come or waiting for their choice, each with the
    address of its own page, for the student's page (where they stand)."""
    now = utcnow()
    return [
        (interview, candidate_token(interview))
        for interview in for_candidate(candidate)
        if interview.state == InterviewState.OFFERED
        or (interview.state == InterviewState.SCHEDULED and interview.ends_at > now)
    ]
