"""The queries behind the university pages and the follow-ups list, each counted in SQL."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, case, exists, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from recruit.candidates.models import Candidate, CandidateEvent, StageChange
from recruit.candidates.queries import working_clause
from recruit.events.models import Event, EventStatus, FollowUp, event_staff
from recruit.extensions import db
from recruit.pipeline.rules import StageKey, reached
from recruit.universities.models import Contact, Interaction, Partnership, University

# Follow-ups show what is overdue and what falls due within this many days.
FOLLOW_UP_DAYS = 14
# Staff get this many days after an event to contact its leads before they show as due.
LEAD_GRACE_DAYS = 2
# Each section of the follow-ups page lists this many rows; its heading counts them all.
FOLLOW_UP_ROWS = 50


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column, text: str):
    return column.ilike(f"%{_escape_like(text)}%", escape="\\")


@dataclass
class UniversityFilters:
    """What the university list shows, read from (and written back to) the query string."""

    q: str = ""
    state: str = ""
    partnership: str = ""
    programs: str = ""
    direction: str = "asc"

    @classmethod
    def from_args(cls, args) -> "UniversityFilters":
        """Parse filters from a query string, ignoring anything malformed."""
        state = args.get("state", "").strip().upper()
        partnership = args.get("partnership", "")
        return cls(
            q=args.get("q", "").strip()[:200],
            state=state if len(state) == 2 and state.isalpha() else "",
            partnership=partnership if partnership in Partnership._value2member_map_ else "",
            programs=args.get("programs", "").strip()[:100],
            direction="desc" if args.get("direction") == "desc" else "asc",
        )

    def as_args(self, **changes) -> dict:
        """The query-string arguments for these filters, with some changed."""
        values = {
            "q": self.q,
            "state": self.state,
            "partnership": self.partnership,
            "programs": self.programs,
            "direction": "" if self.direction == "asc" else self.direction,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value not in (None, "")}

    @property
    def active(self) -> bool:
        return bool(self.as_args(direction=""))


def list_query(filters: UniversityFilters) -> Select:
    """Universities for the list page: searched, filtered and sorted by name."""
    query = select(University)
    if filters.q:
        query = query.where(
            or_(
                _contains(University.name, filters.q),
                _contains(University.college, filters.q),
                _contains(University.city, filters.q),
            )
        )
    if filters.state:
        query = query.where(University.state == filters.state)
    if filters.partnership:
        query = query.where(University.partnership == Partnership(filters.partnership))
    if filters.programs:
        query = query.where(_contains(University.majors, filters.programs))
    columns = (University.name, University.college)
    order = [c.desc() if filters.direction == "desc" else c.asc() for c in columns]
    return query.order_by(*order, University.id)


def list_counts(university_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(contacts, candidates) for each university on a page, in one query."""
    if not university_ids:
        return {}
    contacts = (
        select(func.count(Contact.id))
        .where(Contact.university_id == University.id)
        .scalar_subquery()
    )
    candidates = (
        select(func.count(Candidate.id))
        .where(Candidate.university_id == University.id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(University.id, contacts, candidates).where(University.id.in_(university_ids))
    ).all()
    return {uid: (n_contacts, n_candidates) for uid, n_contacts, n_candidates in rows}


def state_choices() -> list[str]:
    """The states the office's universities are in, for the filter."""
    return list(
        db.session.scalars(
            select(University.state)
            .distinct()
            .where(University.state != "")
            .order_by(University.state)
        )
    )


def _reached(key: StageKey):
    """Has the candidate in the enclosing query ever reached a step of the pipeline?"""
    return (
        select(StageChange.id)
        .where(StageChange.candidate_id == Candidate.id, StageChange.to_stage_id.in_(reached(key)))
        .correlate(Candidate)
        .exists()
    )


def university_yield(university: University) -> dict[str, int]:
    """Leads, and how many of them reached Interview (or later), interned and were hired."""

    def count_reached(key: StageKey):
        return func.count(case((_reached(key), Candidate.id)))

    row = db.session.execute(
        select(
            func.count(Candidate.id).label("leads"),
            count_reached(StageKey.INTERVIEW).label("interviews"),
            count_reached(StageKey.ACTIVE_INTERN).label("interns"),
            count_reached(StageKey.HIRED).label("hires"),
        ).where(Candidate.university_id == university.id)
    ).one()
    return dict(row._mapping)


YIELD_STEPS = [
    ("leads", "Leads (candidates from here)"),
    ("interviews", "Reached interview"),
    ("interns", "Interns"),
    ("hires", "Hires"),
]


def yield_steps(counts: dict[str, int]) -> list[tuple[str, int, int | None]]:
    """(label, count, percent of leads) for each step of a yield, for the page's table."""
    leads = counts["leads"]
    return [
        (text, counts[key], round(100 * counts[key] / leads) if leads else None)
        for key, text in YIELD_STEPS
    ]


def contacts_of(university: University) -> list[Contact]:
    """A university's contacts with their owners, by name."""
    return list(
        db.session.scalars(
            select(Contact)
            .where(Contact.university_id == university.id)
            .options(joinedload(Contact.owner))
            .order_by(Contact.name, Contact.id)
        )
    )


def events_of(university: University) -> list[Event]:
    """A university's events, latest first."""
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.university_id == university.id)
            .order_by(Event.starts_on.desc(), Event.id.desc())
        )
    )


def interactions_query(contact: Contact) -> Select:
    """A contact's interaction log, latest first, with who logged each."""
    return (
        select(Interaction)
        .where(Interaction.contact_id == contact.id)
        .options(joinedload(Interaction.user))
        .order_by(Interaction.occurred_on.desc(), Interaction.id.desc())
    )


# --- follow-ups --------------------------------------------------------------------------


def _contact_conditions(user_id: int | None, until: date) -> list:
    where = [Contact.next_follow_up_on <= until]
    if user_id is not None:
        where.append(Contact.owner_id == user_id)
    return where


def _task_conditions(user_id: int | None, until: date) -> list:
    where = [FollowUp.done_at.is_(None), FollowUp.due_on <= until]
    if user_id is not None:
        where.append(FollowUp.assignee_id == user_id)
    return where


def _event_last_day():
    return func.coalesce(Event.ends_on, Event.starts_on)


def _lead_conditions(user_id: int | None, today: date) -> list:
    """Leads of attended events, past the grace days, that nobody has contacted; an erased
    student is no one's lead to call."""
    where = [
        CandidateEvent.contacted_at.is_(None),
        # The erased few, from their own small index: checking each lead's candidate row
        # instead cost most of the dashboard's time at 100,000 candidates. Its own FROM,
        # whether or not the outer query joins candidates too.
        CandidateEvent.candidate_id.not_in(
            select(Candidate.id).where(~working_clause()).correlate(None)
        ),
        Event.status == EventStatus.ATTENDED,
        _event_last_day() < today - timedelta(days=LEAD_GRACE_DAYS),
    ]
    if user_id is not None:
        # A lead belongs to the staff who went to its event.
        where.append(
            exists().where(event_staff.c.event_id == Event.id, event_staff.c.user_id == user_id)
        )
    return where


@dataclass
class FollowUpsDue:
    """What the follow-ups page lists, with every section's totals counted in SQL."""

    contacts: list[Contact]
    tasks: list[tuple[FollowUp, Event | None]]
    leads: list[CandidateEvent]
    counts: dict[str, int]


def follow_up_counts(user_id: int | None, today: date, leads: bool = True) -> dict[str, int]:
    """How many contacts, tasks and (unless leads is False) leads are due for a user
    (None: everyone), and how many contacts and tasks are overdue, in one query: the
    follow-ups page's headings and the dashboard (which shows no leads) count the same
    things."""
    until = today + timedelta(days=FOLLOW_UP_DAYS)
    contact_where = _contact_conditions(user_id, until)
    task_where = _task_conditions(user_id, until)

    def count(entity, *where, join=None):
        query = select(func.count()).select_from(entity)
        if join is not None:
            query = query.join(*join)
        return query.where(*where).scalar_subquery()

    figures = [
        count(Contact, *contact_where).label("contacts"),
        count(Contact, *contact_where, Contact.next_follow_up_on < today).label("contacts_overdue"),
        count(FollowUp, *task_where).label("tasks"),
        count(FollowUp, *task_where, FollowUp.due_on < today).label("tasks_overdue"),
    ]
    if leads:
        figures.append(
            count(
                CandidateEvent,
                *_lead_conditions(user_id, today),
                join=(Event, Event.id == CandidateEvent.event_id),
            ).label("leads")
        )
    return dict(db.session.execute(select(*figures)).one()._mapping)


def follow_ups_due(user_id: int | None, today: date) -> FollowUpsDue:
    """What is due for a user (None: everyone), in four queries however many rows there are."""
    until = today + timedelta(days=FOLLOW_UP_DAYS)
    contact_where = _contact_conditions(user_id, until)
    task_where = _task_conditions(user_id, until)
    lead_where = _lead_conditions(user_id, today)
    counts = follow_up_counts(user_id, today)

    contacts = db.session.scalars(
        select(Contact)
        .where(*contact_where)
        .options(joinedload(Contact.university), joinedload(Contact.owner))
        .order_by(Contact.next_follow_up_on, Contact.name, Contact.id)
        .limit(FOLLOW_UP_ROWS)
    ).all()
    tasks = db.session.execute(
        select(FollowUp, Event)
        .outerjoin(Event, Event.id == FollowUp.event_id)
        .where(*task_where)
        .options(joinedload(FollowUp.assignee))
        .order_by(FollowUp.due_on, FollowUp.id)
        .limit(FOLLOW_UP_ROWS)
    ).all()
    leads = db.session.scalars(
        select(CandidateEvent)
        .join(Event, Event.id == CandidateEvent.event_id)
        .join(Candidate, Candidate.id == CandidateEvent.candidate_id)
        .where(*lead_where)
        .options(contains_eager(CandidateEvent.event), contains_eager(CandidateEvent.candidate))
        .order_by(_event_last_day(), Event.id, Candidate.last_name, Candidate.id)
        .limit(FOLLOW_UP_ROWS)
    ).all()
    return FollowUpsDue(
        contacts=list(contacts),
        tasks=[(task, event) for task, event in tasks],
        leads=list(leads),
        counts=counts,
    )


def lead_link(candidate_id: int, event_id: int) -> CandidateEvent | None:
    """One candidate's link to one event, or None."""
    return db.session.get(CandidateEvent, (candidate_id, event_id))
