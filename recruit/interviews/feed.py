"""A staff member's interviews as entries of their private calendar feed: the same UID
and SEQUENCE as the invitations they were sent, so a calendar holding both keeps one."""

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from recruit.auth.models import User
from recruit.database import utcnow
from recruit.extensions import db
from recruit.interviews.invitations import interview_component
from recruit.interviews.models import Interview, InterviewState
from recruit.interviews.services import sits_on
from recruit.messages import services as messages

if TYPE_CHECKING:
    import icalendar

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
                sits_on(user),
            )
            .options(
                joinedload(Interview.candidate),
                selectinload(Interview.interviewers),
                joinedload(Interview.position),
            )
            .order_by(Interview.starts_at, Interview.id)
        )
    )


def interview_entries(user: User) -> list["icalendar.Event"]:
    """The user's interviews as timed entries in the office's zone, for their feed."""
    office = messages.office()
    return [
        interview_component(interview, for_candidate=False, office=office)
        for interview in interviews_for_feed(user)
    ]
