"""The interviews list: which interviews its filters ask for, and each as a plain line.

A week of interviews is a page of fifty; read as ORM objects with their candidates,
panels and offered times, each page built some two hundred objects to show five short
columns. A line reads just those columns, the panel's names and the number of times
offered in the statement that finds the page."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, func, or_, select

from recruit.auth.models import User
from recruit.candidates.models import Candidate, person_name
from recruit.database import json_rows, utcnow
from recruit.extensions import db
from recruit.interviews import services
from recruit.interviews.forms import InterviewFilters
from recruit.interviews.models import (
    Interview,
    Interviewer,
    InterviewKind,
    InterviewSlot,
    InterviewState,
)
from recruit.pagination import Page, paginate
from recruit.placements.models import Position
from recruit.timezones import day_bounds, local_today


@dataclass(frozen=True, slots=True)
class InterviewLine:
    """One row of the list."""

    id: int
    state: InterviewState
    kind: InterviewKind
    starts_at: datetime | None
    location: str
    video_url: str
    candidate_id: int
    first_name: str
    last_name: str
    position_title: str | None
    times_offered: int
    panel: list[str]

    @property
    def candidate_name(self) -> str:
        return person_name(self.first_name, self.last_name)


def listed(filters: InterviewFilters, user: User) -> Select:
    """The ids of the interviews the list's filters ask for, soonest first (past ones
    latest first)."""
    when = filters.when.data or "upcoming"
    query = select(Interview.id)
    now = utcnow()
    if when == "offered":
        query = query.where(Interview.state == InterviewState.OFFERED).order_by(
            Interview.created_at.desc()
        )
    elif when == "cancelled":
        query = query.where(Interview.state == InterviewState.CANCELLED).order_by(
            Interview.cancelled_at.desc()
        )
    elif when == "past":
        query = query.where(
            Interview.state == InterviewState.SCHEDULED, Interview.starts_at < now
        ).order_by(Interview.starts_at.desc())
    else:
        if when == "today":
            start, end = day_bounds(local_today())
        elif when == "week":
            today = local_today()
            start, end = day_bounds(today - timedelta(days=today.weekday()), days=7)
        else:
            start, end = now - timedelta(hours=2), None
        query = query.where(services.booked_between(start, end)).order_by(Interview.starts_at)
    if filters.kind.data:
        query = query.where(Interview.kind == InterviewKind(filters.kind.data))
    if filters.mine.data:
        query = query.where(or_(Interview.created_by_id == user.id, services.sits_on(user)))
    return query.order_by(Interview.id)


def list_page(filters: InterviewFilters, user: User, args) -> Page:
    """One page of the list as lines: counted on the interviews alone, then the page read
    as lines in one statement."""
    interviews = listed(filters, user)
    page = paginate(_as_lines(interviews), args, counted=interviews)
    page.items = [_line(row) for row in page.items]
    return page


def lines(query: Select) -> list[InterviewLine]:
    """The interviews a select of their ids finds, in its order, as lines."""
    return [_line(row) for row in db.session.execute(_as_lines(query))]


def _as_lines(query: Select) -> Select:
    """A select of interviews' ids as one of their lines' columns: the candidate's name
    and the position joined, the panel's names and the times offered read beside."""
    panel = (
        select(json_rows(Interviewer.id, Interviewer.name))
        .where(Interviewer.interview_id == Interview.id)
        .scalar_subquery()
    )
    times_offered = (
        select(func.count())
        .select_from(InterviewSlot)
        .where(InterviewSlot.interview_id == Interview.id)
        .scalar_subquery()
    )
    return (
        query.with_only_columns(
            Interview.id,
            Interview.state,
            Interview.kind,
            Interview.starts_at,
            Interview.location,
            Interview.video_url,
            Interview.candidate_id,
            Candidate.first_name,
            Candidate.last_name,
            Position.title,
            times_offered,
            panel,
        )
        .join(Candidate, Candidate.id == Interview.candidate_id)
        .outerjoin(Position, Position.id == Interview.position_id)
    )


def _line(row) -> InterviewLine:
    # The panel in the order it was named: json_rows keeps no order of its own.
    return InterviewLine(*row[:-1], panel=[name for _id, name in sorted(row[-1])])
