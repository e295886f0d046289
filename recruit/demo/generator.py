"""Demo data: a believable procurement office with fourteen months of recruiting behind it,
made from the lists in recruit.demo.data."""

import random
import secrets
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from recruit import timezones
from recruit.admin.models import set_setting
from recruit.auth.models import Role, User
from recruit.auth.services import create_user
from recruit.candidates.models import (
    PROCUREMENT_AREAS,
    Candidate,
    CandidateEvent,
    CandidateInterest,
    ClassStanding,
    Interest,
    Note,
    Source,
    Stage,
    StageChange,
    Tag,
    Term,
)
from recruit.database import utcnow
from recruit.demo.data import (
    ADMIN_NAME,
    AGENCY_DOMAINS,
    AGENCY_LOCATIONS,
    ASCII_LETTERS,
    AVAILABILITY,
    CANCELLED_EVENT_UNIVERSITY,
    CLOSING_COMMENTS,
    CLOSINGS,
    CONTACT_NAMES,
    CONTACT_TITLES,
    DRAFT_POSITION_AGENCY,
    DWELL_DAYS,
    EVENING_HOURS_UTC,
    EVENT_CALENDAR,
    EVENT_HOURS,
    EVENT_WINDOW_DAYS,
    FAIR_HOURS_UTC,
    FATE_SHARES,
    FEEDBACK_BETTER,
    FEEDBACK_GOOD,
    FOLLOW_UP_TASKS,
    GRADUATION_DAYS,
    HIRE_AFTER_DAYS,
    HIRED_TITLES,
    HISTORY_DAYS,
    INTERACTION_NOTES,
    INTEREST_WEIGHTS,
    INTERN_NOTES,
    INTERVIEW_NOTE,
    INTERVIEW_NOTES,
    INTERVIEW_PLAN,
    INTERVIEW_VIDEO_LINK,
    LEAD_GAP_DAYS,
    MAIN_PATH,
    MENTORS,
    MOVE_COMMENTS,
    NAME_GROUPS,
    NATIVE_NAMES,
    NOTES,
    OFFICE_HOURS_UTC,
    OLDEST_TERM_DAYS,
    OTHER_MAJORS,
    OTHER_UNIVERSITIES,
    POSITION_DESCRIPTIONS,
    POSITION_DESCRIPTIONS_ES,
    POSITION_PLAN,
    SEED,
    SELF_AREAS,
    SELF_STRENGTHS,
    STAFF,
    STAFF_DOMAIN,
    STANDING_WEIGHTS,
    STEP_DAYS,
    SUPERVISOR_AREAS,
    SUPERVISOR_STRENGTHS,
    TAG_NAMES,
    TASKS_DONE_AFTER_DAYS,
    TERM_DATES,
    TERMS_TO_GRADUATION,
    UNIVERSITIES,
    VISIT_NOTES,
)
from recruit.events.models import Event, EventKind, EventStatus, FairVisit, FollowUp
from recruit.extensions import db
from recruit.interviews import scorecards
from recruit.interviews import services as interviews
from recruit.interviews.models import (
    Interview,
    Interviewer,
    InterviewKind,
    InterviewSlot,
    InterviewState,
)
from recruit.messages import services as messages
from recruit.messages.models import DeliveryState
from recruit.pipeline.history import fill_derived
from recruit.pipeline.rules import StageKey
from recruit.pipeline.stages import create_standard_stages
from recruit.placements.models import (
    AnswerType,
    Evaluation,
    EvaluationAnswer,
    EvaluationItem,
    EvaluationKind,
    ItemForm,
    Outcome,
    Placement,
    Position,
    PositionStatus,
)
from recruit.placements.placements import halfway
from recruit.placements.questionnaires import create_standard_evaluation_items
from recruit.universities.models import (
    Contact,
    ContactRole,
    Interaction,
    InteractionKind,
    Partnership,
    University,
)


@dataclass
class Office:
    """The staff accounts the demo's records point at."""

    admin: User
    hr: list[User]
    outreach: list[User]

    @property
    def hiring(self) -> list[User]:
        """Who moves candidates along the pipeline."""
        return [*self.hr, self.admin]


@dataclass
class Cohort:
    """Interns who start and finish together, in one term's positions."""

    label: str
    starts_on: date
    ends_on: date
    positions: list[Position] = field(default_factory=list)


@dataclass
class Journey:
    """One candidate's way through the pipeline: stage keys and when each was entered."""

    stages: list[str]
    times: list[datetime]
    reason: str | None = None
    cohort: Cohort | None = None
    event: Event | None = None
    via: str = ""

    @property
    def final(self) -> str:
        """Where the candidate stands today."""
        return self.stages[-1]

    def reached(self, key: str) -> bool:
        """Did the candidate ever stand in this stage?"""
        return key in self.stages

    def entered(self, key: str) -> datetime:
        """When the candidate entered a stage on their way."""
        return self.times[self.stages.index(key)]


def seed_demo(admin_email: str, admin_password: str, candidates: int = 200) -> None:
    """Fill an empty database with a believable office; the caller commits."""
    rng = random.Random(SEED)
    now = utcnow()
    office = _create_staff(rng, now, admin_email, admin_password)
    # The demo's printed sign-in works in one step; the admin's pages say to change this.
    set_setting("two_step_required", "nobody")
    set_setting("demo_office", True)
    stages = create_standard_stages()
    items = create_standard_evaluation_items()
    universities = _create_universities(rng, now, office)
    events = _create_events(rng, now, universities, office)
    cohorts = _create_positions(rng, now)
    people = _create_candidates(rng, now, candidates, universities, events, cohorts, stages, office)
    placements = _create_placements(rng, now, people, office)
    _settle_positions(cohorts, placements)
    _create_evaluations(rng, now, placements, items)
    _add_recent_messages(now, people)
    _create_interviews(now, people, office)
    db.session.flush()


# --- helpers ------------------------------------------------------------------------------


def _at(rng: random.Random, day: date, hours: tuple[int, int] = OFFICE_HOURS_UTC) -> datetime:
    """A moment on a day, within the given hours."""
    minutes = rng.randrange(hours[0] * 60, hours[1] * 60)
    return datetime.combine(day, time(minutes // 60, minutes % 60, rng.randrange(60)))


def _before(moment: datetime, now: datetime, rng: random.Random) -> datetime:
    """The moment itself, or a little before now if it would lie in the future."""
    if moment < now:
        return moment
    return now - timedelta(minutes=rng.randint(5, 90))


def _season(day: date) -> str:
    """The academic season a day falls in, as students say it."""
    return "spring" if day.month <= 5 else "summer" if day.month <= 8 else "fall"


def _money(rng: random.Random, low: int, high: int, step: int = 5) -> Decimal:
    """A dollar amount between low and high."""
    return Decimal(rng.randrange(low, high + 1, step)).quantize(Decimal("0.01"))


def _ascii(text: str) -> str:
    """Lower-case ASCII letters of a name, for an email address."""
    decomposed = unicodedata.normalize("NFKD", text.translate(ASCII_LETTERS))
    return "".join(ch for ch in decomposed.lower() if ch.isascii() and ch.isalnum())


def _address(name: str) -> str:
    """'first.last' for a person's name, as email addresses spell it."""
    words = name.removeprefix("Dr. ").removeprefix("Prof. ").split()
    return f"{_ascii(words[0])}.{_ascii(words[-1])}"


def _phone(rng: random.Random, area: str = "") -> str:
    """A phone number from the range set aside for fiction."""
    area = area or rng.choice(["217", "309", "312", "618", "314"])
    return f"({area}) 555-01{rng.randrange(100):02d}"


def _weighted(rng: random.Random, weights: dict):
    """One key of a weights table, drawn in proportion."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


# --- staff --------------------------------------------------------------------------------


def _create_staff(
    rng: random.Random, now: datetime, admin_email: str, admin_password: str
) -> Office:
    """The coordinator (admin), two HR staff and two outreach staff, all there for years."""
    admin = create_user(ADMIN_NAME, admin_email, Role.ADMIN, admin_password, by=None)
    admin.created_at = now - timedelta(days=rng.randint(900, 1200))
    office = Office(admin=admin, hr=[], outreach=[])
    for name, role in STAFF:
        email = f"{_address(name)}@{STAFF_DOMAIN}"
        # Nobody signs in as these; a long random password keeps the accounts closed.
        user = create_user(name, email, role, secrets.token_urlsafe(24), by=admin)
        user.created_at = admin.created_at + timedelta(days=rng.randint(1, 400))
        user.last_sign_in_at = now - timedelta(minutes=rng.randint(30, 3 * 24 * 60))
        (office.hr if role == Role.HR else office.outreach).append(user)
    return office


# --- universities -------------------------------------------------------------------------


def _create_universities(
    rng: random.Random, now: datetime, office: Office
) -> dict[str, University]:
    """The universities with their contacts and each contact's interaction log."""
    today = now.date()
    universities: dict[str, University] = {}
    contact_names = iter(rng.sample(CONTACT_NAMES, len(CONTACT_NAMES)))
    for key, name, college, majors, city, state, partnership, domain, notes in UNIVERSITIES:
        known_days = (
            rng.randint(60, 180)
            if partnership == Partnership.PROSPECT
            else rng.randint(HISTORY_DAYS, 800)
        )
        since = today - timedelta(days=known_days)
        university = University(
            name=name,
            college=college,
            majors=majors,
            city=city,
            state=state,
            partnership=partnership,
            agreement_on=(
                since + timedelta(days=rng.randint(30, known_days - 30))
                if partnership == Partnership.FORMAL_AGREEMENT
                else None
            ),
            notes=notes,
            created_at=_at(rng, since),
        )
        universities[key] = university
        roles = [ContactRole.CAREER_CENTER, ContactRole.FACULTY]
        if rng.random() < 0.6:
            roles.append(rng.choice([ContactRole.STUDENT_ORG_ADVISOR, ContactRole.STUDENT_OFFICER]))
        for role in roles:
            _add_contact(rng, today, university, role, next(contact_names), domain, office)
    db.session.add_all(universities.values())
    return universities


def _add_contact(
    rng: random.Random,
    today: date,
    university: University,
    role: ContactRole,
    name: str,
    domain: str,
    office: Office,
) -> Contact:
    """A contact whose last interaction sits well before their next follow-up."""
    owner = rng.choice(office.outreach)
    follow_up = rng.choices(
        [
            today - timedelta(days=rng.randint(1, 25)),
            today + timedelta(days=rng.randint(0, 13)),
            today + timedelta(days=rng.randint(20, 75)),
            None,
        ],
        weights=[30, 35, 25, 10],
    )[0]
    since = university.created_at.date() + timedelta(days=rng.randint(0, 20))
    latest = min(today - timedelta(days=1), (follow_up or today) - timedelta(days=14))
    contact = Contact(
        university=university,
        role=role,
        name=name,
        title=rng.choice(CONTACT_TITLES[role]),
        email=f"{_address(name)}@{domain}",
        phone=_phone(rng, "217") if rng.random() < 0.7 else "",
        owner=owner,
        next_follow_up_on=follow_up,
        created_at=_at(rng, since),
    )
    kinds = [InteractionKind.EMAIL] * 3 + [InteractionKind.CALL] * 2 + [InteractionKind.VISIT]
    kinds += [InteractionKind.CLASS_TALK] * 3 if role == ContactRole.FACULTY else []
    kinds += [InteractionKind.OTHER]
    if since < latest:
        span = (latest - since).days
        for offset in sorted(rng.sample(range(span + 1), min(span + 1, rng.randint(1, 4)))):
            kind = rng.choice(kinds)
            contact.interactions.append(
                Interaction(
                    kind=kind,
                    occurred_on=since + timedelta(days=offset),
                    notes=rng.choice(INTERACTION_NOTES[kind]),
                    user=owner if rng.random() < 0.8 else rng.choice(office.outreach),
                    created_at=_at(rng, since + timedelta(days=offset)),
                )
            )
    return contact


# --- events -------------------------------------------------------------------------------


def _event_hours(kind: EventKind, days_long: int) -> dict:
    """A one-day event's hours when its kind keeps office hours; else none (all day)."""
    if days_long > 1 or kind not in EVENT_HOURS:
        return {}
    starts, ends = EVENT_HOURS[kind]
    return {"starts_at_time": starts, "ends_at_time": ends}


def _event_costs(rng: random.Random, kind: EventKind) -> dict[str, Decimal]:
    """Registration, travel, giveaways and other costs typical of an event kind."""
    zero = Decimal("0.00")
    if kind == EventKind.CAREER_FAIR:
        costs = (_money(rng, 150, 450, 25), _money(rng, 0, 260), _money(rng, 60, 220), zero)
    elif kind == EventKind.CONFERENCE:
        costs = (Decimal("895.00"), _money(rng, 1100, 1600), zero, zero)
    elif kind == EventKind.CASE_COMPETITION:
        costs = (zero, zero, Decimal("120.00"), Decimal("1500.00"))
    elif kind == EventKind.INFO_SESSION:
        costs = (zero, _money(rng, 0, 120), _money(rng, 30, 90), _money(rng, 80, 160))
    else:
        costs = (zero, _money(rng, 0, 90), _money(rng, 0, 60), zero)
    return dict(zip(("registration", "travel", "giveaways", "other"), costs, strict=True))


@dataclass
class Task:
    """A follow-up staff set themselves after an event."""

    description: str
    due_on: date
    done: bool


def _plan_tasks(rng: random.Random, starts_on: date, today: date) -> list[Task]:
    """One to three follow-ups; old ones are done, recent ones partly, future ones not yet."""
    tasks = []
    for description in rng.sample(FOLLOW_UP_TASKS, rng.randint(1, 3)):
        due_on = starts_on + timedelta(days=rng.randint(5, 21))
        stale = due_on < today - timedelta(days=TASKS_DONE_AFTER_DAYS)
        tasks.append(Task(description, due_on, stale or (due_on < today and rng.random() < 0.35)))
    return tasks


def _keep_one_overdue(tasks: list[Task], today: date) -> None:
    """Something always slips: leave the latest past-due task open if none is."""
    past_due = [task for task in tasks if task.due_on < today]
    if past_due and all(task.done for task in past_due):
        max(past_due, key=lambda task: task.due_on).done = False


def _event_status(starts_on: date, today: date, kind: EventKind, tasks: list[Task]) -> EventStatus:
    """Where an event stands: followed up once every task after it is done."""
    if starts_on < today:
        return EventStatus.FOLLOWED_UP if all(t.done for t in tasks) else EventStatus.ATTENDED
    if kind in (EventKind.CAREER_FAIR, EventKind.CONFERENCE):
        return EventStatus.REGISTERED
    return EventStatus.PLANNED


def _event_dates(today: date) -> list[tuple[date, tuple]]:
    """Each calendar event inside the demo's window, on a Tuesday to Thursday, by date."""
    first, last = (today + timedelta(days=days) for days in EVENT_WINDOW_DAYS)
    dated = []
    for year in range(first.year, last.year + 1):
        for plan in EVENT_CALENDAR:
            day = date(year, plan[0], plan[1])
            while day.weekday() not in (1, 2, 3):
                day += timedelta(days=1)
            if first <= day <= last:
                dated.append((day, plan))
    return sorted(dated, key=lambda entry: entry[0])


def _event_staff(rng: random.Random, kind: EventKind, office: Office) -> list[User]:
    """Who goes: outreach always, HR and the coordinator to the bigger events."""
    lead = rng.choice(office.outreach)
    if kind == EventKind.CAREER_FAIR:
        return [*office.outreach, rng.choice(office.hr)][: rng.randint(2, 3)]
    if kind == EventKind.CONFERENCE:
        return [office.admin, lead]
    if kind == EventKind.CASE_COMPETITION:
        return [office.admin, lead, rng.choice(office.hr)]
    if kind == EventKind.INFO_SESSION:
        return [lead, rng.choice(office.hr)]
    return [lead] + [office.admin] * (rng.random() < 0.3)


def _create_events(
    rng: random.Random, now: datetime, universities: dict[str, University], office: Office
) -> list[Event]:
    """The outreach calendar, with fair visits and follow-ups for attended events."""
    today = now.date()
    dated = _event_dates(today)
    called_off = [
        i
        for i, (day, plan) in enumerate(dated)
        if plan[3] == CANCELLED_EVENT_UNIVERSITY and day < today
    ]
    cancelled = called_off[-1] if called_off else None
    # Follow-ups for each event that took place; None for cancelled and coming ones.
    tasks = [
        _plan_tasks(rng, day, today) if day < today and i != cancelled else None
        for i, (day, _) in enumerate(dated)
    ]
    _keep_one_overdue([task for event_tasks in tasks if event_tasks for task in event_tasks], today)
    events, slugs = [], set()
    for (starts_on, plan), event_tasks in zip(dated, tasks, strict=True):
        _, _, kind, key, title, slug, place, length = plan
        university = universities[key] if key else None
        season = _season(starts_on)
        names = {
            "name": university.name if university else "",
            "key": key,
            "Season": season.capitalize(),
            "season": season,
            "year": starts_on.year,
        }
        slug = slug.format(**names)
        while slug in slugs:
            slug += "-2"
        slugs.add(slug)
        if event_tasks is None and starts_on < today:
            status = EventStatus.CANCELLED
        else:
            status = _event_status(starts_on, today, kind, event_tasks or [])
        costs = _event_costs(rng, kind)
        if status in (EventStatus.PLANNED, EventStatus.REGISTERED, EventStatus.CANCELLED):
            # Only registration is paid ahead, and a cancelled fair does not refund it.
            paid = status != EventStatus.PLANNED
            costs = dict.fromkeys(costs, Decimal("0.00")) | (
                {"registration": costs["registration"]} if paid else {}
            )
        staff = _event_staff(rng, kind, office)
        created_day = starts_on - timedelta(days=rng.randint(25, 60))
        if status == EventStatus.CANCELLED:
            changed_day = starts_on - timedelta(days=2)
        elif status == EventStatus.FOLLOWED_UP:
            changed_day = max(task.due_on for task in event_tasks or [])
        elif status == EventStatus.ATTENDED:
            changed_day = starts_on + timedelta(days=rng.randint(0, 1))
        else:
            changed_day = created_day
        event = Event(
            name=title.format(**names),
            slug=slug,
            kind=kind,
            university=university,
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=length - 1) if length > 1 else None,
            **_event_hours(kind, length),
            location=place,
            virtual_url=f"https://meet.example/{slug}" if place == "Online" else "",
            status=status,
            cost_registration=costs["registration"],
            cost_travel=costs["travel"],
            cost_giveaways=costs["giveaways"],
            cost_other=costs["other"],
            notes=(
                "Cancelled by the university two days out; the registration fee was not refunded."
                if status == EventStatus.CANCELLED
                else ""
            ),
            staff=staff,
            status_changed_at=_before(_at(rng, min(changed_day, today)), now, rng),
            status_changed_by_id=staff[0].id,
            created_at=_before(_at(rng, min(created_day, today)), now, rng),
        )
        events.append(event)
    db.session.add_all(events)
    # Follow-ups point at their event by id.
    db.session.flush()
    db.session.add_all(
        _add_visit(rng, now, event, event_tasks, office)
        for event, event_tasks in zip(events, tasks, strict=True)
        if event_tasks is not None
    )
    return events


def _add_visit(
    rng: random.Random, now: datetime, event: Event, tasks: list[Task], office: Office
) -> FairVisit:
    """What the lead staff member logged after the event, and the follow-ups they set."""
    talked_to = {
        EventKind.CAREER_FAIR: (40, 110),
        EventKind.CLASS_TALK: (18, 45),
        EventKind.INFO_SESSION: (8, 30),
        EventKind.CASE_COMPETITION: (24, 40),
        EventKind.CONFERENCE: (4, 12),
    }[event.kind]
    logger = next((user for user in event.staff if user in office.outreach), event.staff[0])
    logged_on = event.starts_on + timedelta(days=rng.randint(0, 1))
    visit = FairVisit(
        event=event,
        user=logger,
        staff_present=", ".join(user.name for user in event.staff),
        students_talked_to=rng.randint(*talked_to),
        notes=rng.choice(VISIT_NOTES[event.kind]),
        created_at=_before(_at(rng, logged_on), now, rng),
    )
    for task in tasks:
        done_on = max(logged_on, task.due_on - timedelta(days=rng.randint(0, 4)))
        visit.follow_ups.append(
            FollowUp(
                event_id=event.id,
                description=task.description,
                assignee=rng.choice(office.outreach),
                due_on=task.due_on,
                done_at=_before(_at(rng, done_on), now, rng) if task.done else None,
                created_at=visit.created_at,
            )
        )
    return visit


# --- positions ----------------------------------------------------------------------------


def _cohorts(today: date) -> dict[str, Cohort]:
    """The term interning now, the next, and the one or two finished before it."""
    terms = [
        Cohort(f"{season} {year}", date(year, *first), date(year, *last))
        for year in range(today.year - 2, today.year + 2)
        for season, (first, last) in TERM_DATES.items()
    ]
    # Between terms the last one stays current: its interns have not been closed out yet.
    now_index = max(i for i, term in enumerate(terms) if term.starts_on <= today)
    cohorts = {
        "before_last": terms[now_index - 2],
        "last": terms[now_index - 1],
        "current": terms[now_index],
        "next": terms[now_index + 1],
    }
    if cohorts["before_last"].starts_on < today - timedelta(days=OLDEST_TERM_DAYS):
        del cohorts["before_last"]
    return cohorts


def _create_positions(rng: random.Random, now: datetime) -> dict[str, Cohort]:
    """Positions with state agencies for each term; the next term's are still open."""
    today = now.date()
    cohorts = _cohorts(today)
    for plan in POSITION_PLAN:
        term, agency, division, title, supervisor, pay, funding, openings, entry = plan
        if term not in cohorts:
            continue
        cohort = cohorts[term]
        summer = cohort.label.startswith("Summer")
        if term != "next":
            status = PositionStatus.FILLED
        elif agency == DRAFT_POSITION_AGENCY:
            status = PositionStatus.DRAFT
        else:
            status = PositionStatus.OPEN
        posted_on = min(cohort.starts_on - timedelta(days=rng.randint(60, 90)), today)
        position = Position(
            title=title,
            agency=agency,
            division=division,
            supervisor_name=supervisor,
            supervisor_email=f"{_address(supervisor)}@{AGENCY_DOMAINS[agency]}",
            term=cohort.label,
            starts_on=cohort.starts_on,
            ends_on=None if entry else cohort.ends_on,
            hours_per_week=40 if entry or summer else rng.choice([16, 20, 24]),
            pay_hourly=Decimal(pay),
            funding_source=funding,
            openings=openings,
            status=status,
            description=POSITION_DESCRIPTIONS[title],
            description_es=POSITION_DESCRIPTIONS_ES[title],
            location=AGENCY_LOCATIONS[agency],
            created_at=_before(_at(rng, posted_on), now, rng),
        )
        if not entry:
            cohort.positions.append(position)
        db.session.add(position)
    return cohorts


# --- candidates ---------------------------------------------------------------------------


def _fates(rng: random.Random, count: int) -> list[str]:
    """The stage each candidate ends in, in FATE_SHARES proportions, shuffled."""
    exact = {key: share * count / 1000 for key, share in FATE_SHARES.items()}
    counts = {key: int(value) for key, value in exact.items()}
    by_remainder = sorted(exact, key=lambda key: exact[key] - counts[key], reverse=True)
    for key in by_remainder[: count - sum(counts.values())]:
        counts[key] += 1
    fates = [key for key, n in counts.items() for _ in range(n)]
    rng.shuffle(fates)
    return fates


def _backward(
    rng: random.Random, stages: list[str], anchor: datetime, floor: date
) -> list[datetime]:
    """When each stage was entered, the last at anchor, none before the floor."""
    times = [anchor]
    for key in reversed(stages[:-1]):
        low, high = STEP_DAYS[key]
        times.append(_at(rng, times[-1].date() - timedelta(days=rng.randint(low, high))))
    times.reverse()
    # Lifting each time to its own floor keeps them in order and inside the demo's history.
    return [
        max(moment, _at(rng, floor + timedelta(days=index))) for index, moment in enumerate(times)
    ]


def _journey(
    rng: random.Random, now: datetime, fate: str, cohorts: dict[str, Cohort], floor: date
) -> Journey:
    """A believable way through the pipeline to where the candidate stands today."""
    today = now.date()
    if fate in CLOSINGS:
        leave_weights, reasons = CLOSINGS[fate]
        left_from = _weighted(rng, leave_weights)
        main = MAIN_PATH[: MAIN_PATH.index(left_from) + 1]
        closed_at = _at(rng, today - timedelta(days=rng.randint(2, 310)))
        times = _backward(rng, [*main, fate], _before(closed_at, now, rng), floor)
        return Journey([*main, fate], times, reason=rng.choice(reasons))
    stages = MAIN_PATH[: MAIN_PATH.index(fate) + 1]
    if fate not in (StageKey.ACTIVE_INTERN, StageKey.COMPLETED, StageKey.HIRED):
        dwell = rng.randint(*DWELL_DAYS[fate]) * (3 if rng.random() < 0.1 else 1)
        anchor = _before(_at(rng, today - timedelta(days=dwell)), now, rng)
        return Journey(stages, _backward(rng, stages, anchor, floor))
    finished = [cohorts[key] for key in ("before_last", "last") if key in cohorts]
    # A hire comes a few weeks after the internship ends, so only from a term long enough ago.
    hireable = [c for c in finished if c.ends_on <= today - timedelta(days=HIRE_AFTER_DAYS[1])]
    if fate == StageKey.HIRED and not hireable:
        fate, stages = StageKey.COMPLETED, stages[:-1]
    if fate == StageKey.ACTIVE_INTERN:
        cohort = cohorts["current"]
    elif fate == StageKey.HIRED:
        cohort = rng.choice(hireable)
    else:
        cohort = rng.choices(finished, weights=[1, 2][-len(finished) :])[0]
    late_start = cohort.starts_on + timedelta(days=7)
    starts_on = late_start if late_start < today and rng.random() < 0.2 else cohort.starts_on
    start = _before(_at(rng, starts_on), now, rng)
    times = _backward(rng, stages[: MAIN_PATH.index(StageKey.ACTIVE_INTERN) + 1], start, floor)
    if fate != StageKey.ACTIVE_INTERN:
        ended = cohort.ends_on + timedelta(days=rng.randint(0, 3))
        times.append(_before(_at(rng, ended), now, rng))
    if fate == StageKey.HIRED:
        hired_on = times[-1].date() + timedelta(days=rng.randint(*HIRE_AFTER_DAYS))
        times.append(_at(rng, min(hired_on, today - timedelta(days=1))))
    return Journey(stages, times, cohort=cohort)


def _graduation(rng: random.Random, standing: ClassStanding, on: date) -> tuple[Term, int]:
    """A graduation term that fits the class standing a student gave on a day."""
    terms = [
        (term, year)
        for year in range(on.year - 1, on.year + 6)
        for term in (Term.SPRING, Term.FALL)
    ]
    passed = [(term, year) for term, year in terms if date(year, *GRADUATION_DAYS[term]) < on]
    if standing == ClassStanding.RECENT_GRADUATE:
        term, year = passed[-1]
    else:
        term, year = terms[len(passed) + rng.randint(*TERMS_TO_GRADUATION[standing])]
    # A few finish over the summer instead of in May.
    if term == Term.SPRING and rng.random() < 0.05:
        term = Term.SUMMER
    return term, year


def _email(
    rng: random.Random, local: str, university: University | None, domain: str, taken: set[str]
) -> str:
    """A student address, unique in any letter case."""
    domain = domain if university else rng.choice(["mail.example", "inbox.example"])
    email = f"{local}@{domain}"
    n = 2
    while email.lower() in taken:
        email = f"{local}{n}@{domain}"
        n += 1
    taken.add(email.lower())
    return email


def _create_candidates(
    rng: random.Random,
    now: datetime,
    count: int,
    universities: dict[str, University],
    events: list[Event],
    cohorts: dict[str, Cohort],
    stages: dict[str, Stage],
    office: Office,
) -> list[tuple[Candidate, Journey]]:
    """The candidates with their stage histories, and the journey behind each."""
    today = now.date()
    floor = today - timedelta(days=HISTORY_DAYS)
    domains = {key: domain for key, *_, domain, _notes in UNIVERSITIES}
    lead_events = [
        event
        for event in events
        if event.status in (EventStatus.ATTENDED, EventStatus.FOLLOWED_UP)
        and event.kind != EventKind.CONFERENCE
    ]
    tags = {name: Tag(name=name) for name in TAG_NAMES}
    db.session.add_all(tags.values())
    taken: set[str] = set()
    journeys = [_journey(rng, now, fate, cohorts, floor) for fate in _fates(rng, count)]
    _pick_leads(rng, journeys, lead_events, wanted=count // 2)
    people = []
    for journey in journeys:
        candidate = _candidate_profile(rng, journey, universities, domains, taken)
        entered_by = _add_source(rng, now, candidate, journey, office)
        _add_history(rng, candidate, journey, stages, office, entered_by)
        candidate.tags = _tags_for(rng, candidate, journey, tags)
        candidate.rating = _rating(rng, journey)
        _add_notes(rng, now, candidate, journey, office)
        people.append((candidate, journey))
    db.session.add_all(candidate for candidate, _ in people)
    db.session.flush()
    return people


def _add_recent_messages(now: datetime, people: list[tuple[Candidate, Journey]]) -> None:
    """The outbox of the last month: each interest form's confirmation and the latest stage
    message, as the worker would have sent them."""
    recent = now - timedelta(days=30)
    templates = messages.ensure_default_templates()
    for candidate, _journey in people:
        if messages.why_not_message(candidate):
            continue
        sent = []
        if candidate.created_at >= recent:
            sent.append((templates["interest_received"], candidate.created_at))
        latest = max(candidate.history, key=lambda change: (change.created_at, change.id))
        template = messages.stage_message(latest.to_stage)
        if template is not None and latest.created_at >= recent:
            sent.append((template, latest.created_at))
        for template, moment in sent:
            message = messages.send_template(candidate, template, reason=latest.reason)
            message.created_at = message.due_at = moment
            message.sent_at = moment + timedelta(seconds=40)
            message.state = DeliveryState.SENT
            message.attempts = 1


# --- interviews ---------------------------------------------------------------------------


def _office_day(today: date, offset: int) -> date:
    """The office day `offset` working days from today (today itself for 0)."""
    day, step = today, 1 if offset > 0 else -1
    for _ in range(abs(offset)):
        day += timedelta(days=step)
        while day.weekday() >= 5:
            day += timedelta(days=step)
    return day


def _create_interviews(
    now: datetime, people: list[tuple[Candidate, Journey]], office: Office
) -> None:
    """The interviews of INTERVIEW_PLAN for candidates standing in Interview (then
    Screening), built as rows: the demo sends no invitations, so nothing goes through the
    outbox, as if the worker had sent them long ago."""
    waiting = [c for stage in ("interview", "screening") for c, j in people if j.final == stage]
    today = timezones.local(now).date()
    staff = {"admin": office.admin, "hr0": office.hr[0], "hr1": office.hr[1]}
    made = []
    for candidate, (times, kind, minutes, panel, place, state) in zip(
        waiting, INTERVIEW_PLAN, strict=False
    ):
        starts = sorted(
            timezones.to_utc(datetime.combine(_office_day(today, days), time.fromisoformat(at)))
            for days, at in times
        )
        length = timedelta(minutes=minutes)
        offered = len(starts) > 1
        interview = Interview(
            candidate=candidate,
            kind=InterviewKind(kind),
            state=InterviewState(state),
            starts_at=None if offered else starts[0],
            ends_at=None if offered else starts[0] + length,
            duration_minutes=minutes,
            location=place,
            video_url="" if place else INTERVIEW_VIDEO_LINK,
            note_for_candidate=INTERVIEW_NOTE if kind == "panel" else "",
            uid=f"interview-{secrets.token_hex(12)}@recruit.demo",
            link_nonce=secrets.token_hex(16),
            token_hash=secrets.token_hex(32),  # replaced once the row has its id
            created_by=office.hr[0],
            created_at=min(now, starts[0]) - timedelta(days=6),
        )
        if offered:
            interview.slots = [InterviewSlot(starts_at=s, ends_at=s + length) for s in starts]
        if state == "cancelled":
            interview.cancelled_at = now - timedelta(days=1)
            interview.cancelled_by_candidate = True
            interview.sequence = 1
        for who in panel:
            if who in staff:
                user = staff[who]
                person = Interviewer(user_id=user.id, name=user.name, email=user.email.lower())
            else:
                name, email = who.rstrip(">").split(" <")
                person = Interviewer(name=name, email=email, link_nonce=secrets.token_hex(16))
            interview.interviewers.append(person)
        db.session.add(interview)
        made.append(interview)
    db.session.flush()
    for interview in made:
        interview.token_hash = scorecards.token_hash(interviews.candidate_token(interview))
        for person in interview.interviewers:
            if person.user_id is None:
                person.token_hash = scorecards.token_hash(scorecards.scorecard_token(person))


def _candidate_profile(
    rng: random.Random,
    journey: Journey,
    universities: dict[str, University],
    domains: dict[str, str],
    taken: set[str],
) -> Candidate:
    """Name, contact details, studies and what the student is after."""
    if rng.random() < 0.05:
        first, last, local = rng.choice(NATIVE_NAMES)
    else:
        first, last = _name(rng)
        local = f"{_ascii(first)}.{_ascii(last)}"
    key = rng.choice(list(universities)) if rng.random() < 0.9 else None
    # Most leads from a campus event study there.
    if journey.event is not None and journey.event.university and rng.random() < 0.85:
        key = next(k for k, u in universities.items() if u is journey.event.university)
    university = universities[key] if key else None
    majors = [m.strip().capitalize() for m in university.majors.split(",")] if university else []
    standing = _weighted(rng, STANDING_WEIGHTS)
    if journey.reached(StageKey.HIRED):
        standing = rng.choice([ClassStanding.SENIOR, ClassStanding.GRADUATE])
    grad_term, grad_year = _graduation(rng, standing, journey.times[0].date())
    interests = _interests(rng, standing)
    email = _email(rng, local, university, domains.get(key or "", ""), taken)
    return Candidate(
        first_name=first,
        last_name=last,
        email=email,
        # About one student in six used the Spanish form; decided without the generator's
        # random stream, so the rest of the demo stays as it was.
        language="es" if zlib.crc32(email.encode()) % 6 == 0 else "en",
        phone=_phone(rng) if rng.random() < 0.6 else "",
        university=university,
        university_other="" if university else rng.choice(OTHER_UNIVERSITIES),
        major=rng.choice(majors) if majors and rng.random() < 0.8 else rng.choice(OTHER_MAJORS),
        class_standing=standing,
        grad_term=grad_term,
        grad_year=grad_year,
        availability=rng.choice(AVAILABILITY),
        procurement_areas=rng.sample(PROCUREMENT_AREAS, rng.randint(1, 3)),
        interests=[CandidateInterest(interest=interest) for interest in interests],
        consent_at=journey.times[0],
        created_at=journey.times[0],
    )


def _name(rng: random.Random) -> tuple[str, str]:
    """A first and last name, mostly from one tradition, sometimes from two."""
    weights = [weight for weight, _, _ in NAME_GROUPS]
    firsts, lasts = rng.choices(NAME_GROUPS, weights=weights)[0][1:]
    if rng.random() < 0.2:
        lasts = rng.choices(NAME_GROUPS, weights=weights)[0][2]
    return rng.choice(firsts), rng.choice(lasts)


def _interests(rng: random.Random, standing: ClassStanding) -> list[Interest]:
    """One or two kinds of work; graduates lean to full-time jobs."""
    weights = dict(INTEREST_WEIGHTS)
    if standing in (ClassStanding.GRADUATE, ClassStanding.RECENT_GRADUATE):
        weights[Interest.FULL_TIME] *= 3
    chosen = {_weighted(rng, weights)}
    if rng.random() < 0.4:
        chosen.add(_weighted(rng, weights))
    return sorted(chosen)


def _pick_leads(
    rng: random.Random, journeys: list[Journey], events: list[Event], wanted: int
) -> None:
    """Make about `wanted` candidates leads of the latest event before they arrived."""
    latest: dict[int, Event] = {}
    for index, journey in enumerate(journeys):
        day = journey.times[0].date()
        before = [e for e in events if 0 <= (day - e.starts_on).days <= LEAD_GAP_DAYS]
        if before:
            latest[index] = max(before, key=lambda event: event.starts_on)
    # Those who turned up soonest after an event most likely met the office there.
    ranked = sorted(
        latest,
        key=lambda i: (journeys[i].times[0].date() - latest[i].starts_on).days + 9 * rng.random(),
    )
    for index in ranked[:wanted]:
        journey = journeys[index]
        journey.event = latest[index]
        journey.via = "form" if rng.random() < 0.7 else "quick_add"
        # Students scan the booth's QR code during the event; staff type in the rest after.
        hours = FAIR_HOURS_UTC if journey.via == "form" else EVENING_HOURS_UTC
        journey.times[0] = _at(rng, journey.event.starts_on, hours)


def _add_source(
    rng: random.Random, now: datetime, candidate: Candidate, journey: Journey, office: Office
) -> User | None:
    """How the candidate reached the office; returns who entered them (None: the form)."""
    event = journey.event
    if event is not None:
        created = journey.times[0]
        contacted: datetime | None = _at(rng, created.date() + timedelta(days=rng.randint(1, 4)))
        if len(journey.times) > 1:
            contacted = min(contacted, journey.times[1])
        elif contacted > now or rng.random() < 0.5:
            contacted = None
        candidate.source = Source.EVENT
        candidate.source_event = event
        candidate.event_links = [
            CandidateEvent(event=event, via=journey.via, created_at=created, contacted_at=contacted)
        ]
        return None if journey.via == "form" else rng.choice(event.staff)
    source = _weighted(
        rng, {Source.WEBSITE: 40, Source.UNIVERSITY: 25, Source.REFERRAL: 20, Source.WALK_IN: 15}
    )
    if source == Source.UNIVERSITY and candidate.university is None:
        source = Source.WEBSITE
    candidate.source = source
    if source == Source.WEBSITE:
        return None
    return rng.choice(office.hr if source == Source.REFERRAL else office.outreach)


def _add_history(
    rng: random.Random,
    candidate: Candidate,
    journey: Journey,
    stages: dict[str, Stage],
    office: Office,
    entered_by: User | None,
) -> None:
    """One stage change per step of the journey, and the candidate's current stage."""
    previous: Stage | None = None
    for index, (key, moment) in enumerate(zip(journey.stages, journey.times, strict=True)):
        closing = key in CLOSINGS
        candidate.history.append(
            StageChange(
                from_stage=previous,
                to_stage=stages[key],
                user=entered_by if index == 0 else rng.choice(office.hiring),
                reason=journey.reason if closing else None,
                comment=(
                    CLOSING_COMMENTS[journey.reason]
                    if closing and journey.reason
                    else rng.choice(MOVE_COMMENTS.get(key, [""]))
                ),
                created_at=moment,
            )
        )
        previous = stages[key]
    fill_derived(candidate.history)  # appended in the journey's order, which is time order
    candidate.stage = stages[journey.final]
    candidate.stage_entered_at = journey.times[-1]
    candidate.closed_reason = journey.reason


def _tags_for(
    rng: random.Random, candidate: Candidate, journey: Journey, tags: dict[str, Tag]
) -> list[Tag]:
    """A few shared labels staff would put on this candidate."""
    names = set()
    if rng.random() < 0.3:
        names.update(rng.sample(["bilingual", "veteran", "strong writer", "data skills"], 1))
    if any(word in candidate.major.lower() for word in ("engineering", "analytics", "systems")):
        names.add("STEM")
    if journey.cohort is not None and rng.random() < 0.2:
        names.add("returning")
    return [tags[name] for name in sorted(names)]


def _rating(rng: random.Random, journey: Journey) -> int | None:
    """Staff rate candidates once they have talked to them."""
    if journey.cohort is not None:
        return rng.choice([3, 4, 4, 5, 5])
    if journey.final == StageKey.NOT_SELECTED:
        return rng.choice([1, 2, 2, 3]) if rng.random() < 0.7 else None
    if journey.reached(StageKey.INTERVIEW):
        return rng.choice([2, 3, 3, 4, 4, 5]) if rng.random() < 0.7 else None
    if journey.reached(StageKey.SCREENING):
        return rng.choice([2, 3, 3, 4]) if rng.random() < 0.3 else None
    return None


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A moment between two others."""
    return start + (end - start) * rng.random()


def _add_notes(
    rng: random.Random, now: datetime, candidate: Candidate, journey: Journey, office: Office
) -> None:
    """Staff notes for some candidates, and when the candidate last saw activity."""
    notes = []
    if rng.random() < 0.4:
        moment = _between(
            rng, journey.times[0], journey.times[-1] if len(journey.times) > 1 else now
        )
        notes.append((moment, rng.choice(NOTES), rng.choice([*office.hr, *office.outreach])))
    if journey.reached(StageKey.INTERVIEW) and rng.random() < 0.5:
        moment = journey.entered(StageKey.INTERVIEW) + timedelta(hours=rng.randint(1, 48))
        notes.append((moment, rng.choice(INTERVIEW_NOTES), rng.choice(office.hr)))
    if journey.cohort is not None and rng.random() < 0.5:
        moment = journey.entered(StageKey.ACTIVE_INTERN) + timedelta(days=rng.randint(20, 60))
        notes.append((moment, rng.choice(INTERN_NOTES), rng.choice(office.hr)))
    candidate.notes = [
        Note(body=body, user=user, created_at=_before(moment, now, rng))
        for moment, body, user in notes
    ]
    contacted = [link.contacted_at for link in candidate.event_links if link.contacted_at]
    candidate.last_activity_at = max(
        [journey.times[-1], *contacted, *(note.created_at for note in candidate.notes)]
    )
    candidate.updated_at = candidate.last_activity_at


# --- placements and evaluations -----------------------------------------------------------


def _create_placements(
    rng: random.Random, now: datetime, people: list[tuple[Candidate, Journey]], office: Office
) -> list[tuple[Placement, Journey]]:
    """A placement for everyone who reached Active intern, in their cohort's positions."""
    placements = []
    filled: Counter[Position] = Counter()
    for candidate, journey in people:
        cohort = journey.cohort
        if cohort is None:
            continue
        # The least-filled position next, so every agency in the cohort hosts someone.
        position = min(cohort.positions, key=lambda p: filled[p])
        filled[position] += 1
        starts_on = journey.entered(StageKey.ACTIVE_INTERN).date()
        outcome, outcome_on, hired_title = None, None, ""
        # Outcomes match the stage recording them would move the intern to.
        if journey.reached(StageKey.HIRED):
            outcome = Outcome.HIRED if rng.random() < 0.75 else Outcome.OFFER_ACCEPTED
            outcome_on = journey.entered(StageKey.HIRED).date()
            hired_title = rng.choice(HIRED_TITLES) if outcome == Outcome.HIRED else ""
        elif journey.reached(StageKey.COMPLETED):
            outcome = _weighted(
                rng, {Outcome.COMPLETED: 55, Outcome.OFFER_MADE: 25, Outcome.NOT_CONVERTED: 20}
            )
            completed_on = journey.entered(StageKey.COMPLETED).date()
            decided = completed_on + timedelta(days=rng.randint(0, 10))
            outcome_on = min(decided, now.date())
        placement = Placement(
            candidate=candidate,
            position=position,
            supervisor_name=position.supervisor_name,
            supervisor_email=position.supervisor_email,
            mentor_name=rng.choice(MENTORS),
            starts_on=starts_on,
            ends_on=cohort.ends_on,
            hours_per_week=position.hours_per_week,
            midterm_due_on=halfway(starts_on, cohort.ends_on),
            final_due_on=cohort.ends_on,
            outcome=outcome,
            outcome_on=outcome_on,
            hired_title=hired_title,
            created_by_id=rng.choice(office.hr).id,
            created_at=journey.entered(StageKey.ONBOARDING),
        )
        placements.append((placement, journey))
    db.session.add_all(placement for placement, _ in placements)
    return placements


def _settle_positions(
    cohorts: dict[str, Cohort], placements: list[tuple[Placement, Journey]]
) -> None:
    """Openings cover the interns placed; a past position nobody filled is closed."""
    filled = Counter(placement.position for placement, _ in placements)
    for term, cohort in cohorts.items():
        if term == "next":
            continue
        for position in cohort.positions:
            position.openings = max(position.openings, filled[position])
            if not filled[position]:
                position.status = PositionStatus.CLOSED


def _create_evaluations(
    rng: random.Random,
    now: datetime,
    placements: list[tuple[Placement, Journey]],
    items: dict[ItemForm, list[EvaluationItem]],
) -> None:
    """Supervisor, self and program evaluations that are in; some due ones are left out."""
    today = now.date()
    evaluations = []
    finished_count = 0
    for placement, journey in placements:
        finished = journey.reached(StageKey.COMPLETED)
        level = rng.uniform(3.3, 4.6)
        intern = placement.candidate.full_name
        midterm_due, final_due = halfway(placement.starts_on, placement.ends_on), placement.ends_on
        if midterm_due < today and rng.random() < (0.9 if finished else 0.6):
            evaluations.append(
                _supervisor_evaluation(
                    rng,
                    now,
                    placement,
                    EvaluationKind.SUPERVISOR_MIDTERM,
                    level,
                    midterm_due,
                    items[ItemForm.SUPERVISOR],
                    journey,
                )
            )
        if not finished:
            continue
        finished_count += 1
        # One supervisor in six is late with the final, so the office has some to chase.
        if finished_count % 6 != 1:
            evaluations.append(
                _supervisor_evaluation(
                    rng,
                    now,
                    placement,
                    EvaluationKind.SUPERVISOR_FINAL,
                    level + 0.3,
                    final_due,
                    items[ItemForm.SUPERVISOR],
                    journey,
                )
            )
        if rng.random() < 0.5:
            evaluations.append(
                Evaluation(
                    placement=placement,
                    kind=EvaluationKind.INTERN_SELF,
                    submitted_by_name=intern,
                    strengths=rng.choice(SELF_STRENGTHS),
                    areas_to_grow=rng.choice(SELF_AREAS),
                    submitted_at=_submitted(rng, now, final_due, 0, 7),
                    answers=_answers(rng, items[ItemForm.INTERN_SELF], level + 0.2),
                )
            )
        if rng.random() < 0.6:
            evaluations.append(
                Evaluation(
                    placement=placement,
                    kind=EvaluationKind.INTERN_FEEDBACK,
                    submitted_by_name=intern,
                    strengths=rng.choice(FEEDBACK_GOOD),
                    areas_to_grow=rng.choice(FEEDBACK_BETTER),
                    submitted_at=_submitted(rng, now, final_due, 0, 7),
                    answers=_answers(rng, items[ItemForm.INTERN_FEEDBACK], rng.uniform(3.4, 4.7)),
                )
            )
    db.session.add_all(evaluations)


def _supervisor_evaluation(
    rng: random.Random,
    now: datetime,
    placement: Placement,
    kind: EvaluationKind,
    level: float,
    due_on: date,
    items: list[EvaluationItem],
    journey: Journey,
) -> Evaluation:
    """A supervisor's mid-term or final evaluation, rating the intern around a level."""
    answers = _answers(rng, items, level)
    ratings = [answer.rating for answer in answers if answer.rating is not None]
    strong = sum(ratings) / len(ratings) >= 3.8
    return Evaluation(
        placement=placement,
        kind=kind,
        submitted_by_name=placement.supervisor_name,
        strengths=rng.choice(SUPERVISOR_STRENGTHS),
        areas_to_grow=rng.choice(SUPERVISOR_AREAS),
        recommend_full_time=(
            journey.reached(StageKey.HIRED) or rng.random() < (0.9 if strong else 0.3)
        ),
        submitted_at=_submitted(rng, now, due_on, -5, 8),
        answers=answers,
    )


def _submitted(rng: random.Random, now: datetime, due_on: date, early: int, late: int) -> datetime:
    """When a form came in: around its due date, never in the future."""
    return _before(_at(rng, due_on + timedelta(days=rng.randint(early, late))), now, rng)


def _answers(
    rng: random.Random, items: list[EvaluationItem], level: float
) -> list[EvaluationAnswer]:
    """An answer to every item: ratings around a level, a few not observed, shares in %."""
    answers = []
    for item in items:
        if item.answer_type == AnswerType.PERCENT:
            share = rng.choice([5, 10, 10, 15, 20, 25, 30, 40])
            answers.append(EvaluationAnswer(item=item, value=str(share)))
        elif item.group == "procurement" and rng.random() < 0.06:
            answers.append(EvaluationAnswer(item=item, rating=None))
        else:
            rating = min(5, max(1, round(rng.gauss(level, 0.6))))
            answers.append(EvaluationAnswer(item=item, rating=rating))
    return answers
