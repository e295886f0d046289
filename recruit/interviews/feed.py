"""A staff member's interviews as entries of their private calendar feed: the same UID
and SEQUENCE as the invitations they were sent, so a calendar holding both keeps one."""

from datetime import UTC, timedelta

from icalendar import Event
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from recruit.auth.models import User
from recruit.database import utcnow
from recruit.extensions import db
from recruit.interviews.models import Interview, Interviewer, InterviewState
from recruit.messages.links import public_url
from recruit.timezones import local

# The feed carries the last month's interviews as well as what is coming, as events' do.
FEED_PAST_DAYS = 30


def interviews_for_feed(user: User) -> list[Interview]:
    """The booked interviews the user sits on, from a month ago onward, soonest first."""
    since = utcnow() - timedelta(days=FEED_PAST_DAYS)
    return list(
        db.session.scalars(
            select(Interview)
            .where(
                Interview.state == InterviewState.SCHEDULED,
                Interview.starts_at >= since,
                Interview.id.in_(
                    select(Interviewer.interview_id).where(Interviewer.user_id == user.id)
                ),
            )
            .options(joinedload(Interview.candidate))
            .order_by(Interview.starts_at, Interview.id)
        )
    )


def interview_entries(user: User) -> list[Event]:
    """The user's interviews as timed VEVENTs in the office's zone, for their feed."""
    stamp = utcnow().replace(tzinfo=UTC)
    entries = []
    for interview in interviews_for_feed(user):
        entry = Event()
        entry.add("uid", interview.uid)
        entry.add("sequence", interview.sequence)
        entry.add("dtstamp", stamp)
        entry.add("dtstart", local(interview.starts_at))
        entry.add("dtend", local(interview.ends_at))
        entry.add("summary", f"{interview.kind.label}: {interview.candidate.full_name}")
        where = interview.location or interview.video_url
        if where:
            entry.add("location", where)
        entry.add("url", public_url("interviews.detail", interview_id=interview.id))
        entry.add("status", "CONFIRMED")
        entries.append(entry)
    return entries
