"""The office's figures: funnel, yield per event and university, rates, time in stage and
evaluation averages, each from one aggregate query that works on SQLite and PostgreSQL."""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import and_, case, distinct, func, or_, select, union

from recruit.candidates.models import Candidate, CandidateEvent, Stage, StageChange, StageKind
from recruit.events.models import Event
from recruit.extensions import db
from recruit.placements.models import (
    AnswerType,
    Evaluation,
    EvaluationAnswer,
    EvaluationItem,
    EvaluationKind,
    Outcome,
    Placement,
)
from recruit.universities.models import University

# --- periods -----------------------------------------------------------------------------

# The office's terms as (first month, first day) to (last month, last day), within one year.
TERMS = {
    "spring": ((1, 1), (5, 15)),
    "summer": ((5, 16), (8, 14)),
    "fall": ((8, 15), (12, 31)),
}
# A custom range may span at most this many days, so a typo cannot ask for centuries.
LONGEST_PERIOD_DAYS = 366 * 10


def _short(day: date) -> str:
    return day.strftime("%b %-d, %Y")


@dataclass(frozen=True)
class Period:
    """A span of whole days, first and last included."""

    start: date
    end: date
    term: str = ""  # "fall-2026" when the period is a term

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.start, time.min)

    @property
    def ends_before(self) -> datetime:
        """The first moment after the period, for half-open comparisons of timestamps."""
        return datetime.combine(self.end + timedelta(days=1), time.min)

    @property
    def label(self) -> str:
        if self.term:
            season, year = self.term.split("-")
            return f"{season.capitalize()} {year}"
        return f"{_short(self.start)} to {_short(self.end)}"

    @property
    def dates(self) -> str:
        return f"{_short(self.start)} to {_short(self.end)}"

    def previous(self) -> "Period":
        """The period of the same length that ends the day before this one starts."""
        end = self.start - timedelta(days=1)
        return Period(start=end - timedelta(days=self.days - 1), end=end)

    def as_args(self) -> dict[str, str]:
        """The query-string arguments that choose this period again."""
        if self.term:
            return {"term": self.term}
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}

    @property
    def slug(self) -> str:
        return self.term or f"{self.start.isoformat()}-to-{self.end.isoformat()}"

    def holds_timestamp(self, column):
        """SQL: does a timestamp column fall in this period?"""
        return and_(column >= self.starts_at, column < self.ends_before)

    def holds_date(self, column):
        """SQL: does a date column fall in this period?"""
        return column.between(self.start, self.end)


def term_period(season: str, year: int) -> Period:
    """A named term of a year: Fall 2026 is Aug 15 to Dec 31, 2026."""
    (m1, d1), (m2, d2) = TERMS[season]
    return Period(date(year, m1, d1), date(year, m2, d2), term=f"{season}-{year}")


def term_containing(day: date) -> Period:
    """The term a day falls in."""
    for season in TERMS:
        period = term_period(season, day.year)
        if period.start <= day <= period.end:
            return period
    raise ValueError(day)  # the terms cover every day of a year


def recent_terms(today: date, count: int = 9) -> list[Period]:
    """The current term and the ones before it, latest first, for the period picker."""
    terms = [term_containing(today)]
    while len(terms) < count:
        terms.append(term_containing(terms[-1].start - timedelta(days=1)))
    return terms


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def period_from_args(args, today: date) -> Period:
    """The period a query string asks for: a custom from/to range, a term, else this term."""
    start, end = _parse_date(args.get("from")), _parse_date(args.get("to"))
    if start and end and start <= end and (end - start).days < LONGEST_PERIOD_DAYS:
        return Period(start, end)
    season, _, year = (args.get("term") or "").partition("-")
    if season in TERMS and year.isdecimal() and 2000 <= int(year) <= 2100:
        return term_period(season, int(year))
    return term_containing(today)


# --- shared SQL pieces ---------------------------------------------------------------------


def _days_between(start, end):
    """SQL: the days, with fractions, from one timestamp to a later one."""
    if db.engine.dialect.name == "sqlite":
        return func.julianday(end) - func.julianday(start)
    return func.extract("epoch", end - start) / 86400.0


def _reached_flags(candidates):
    """Per candidate of a select of candidate ids: 1/0 flags for having ever reached
    Interview (or later on the main path), Active intern and Hired. Each candidate's
    history is read from the index that covers it, and the stages are matched by id, so
    only the candidates asked about are visited."""
    interview_position = select(Stage.position).where(Stage.key == "interview").scalar_subquery()
    interview_or_later = select(Stage.id).where(
        Stage.kind != StageKind.CLOSED, Stage.position >= interview_position
    )

    def reached(stages):
        return func.max(case((StageChange.to_stage_id.in_(stages), 1), else_=0))

    return (
        select(
            StageChange.candidate_id.label("candidate_id"),
            reached(interview_or_later).label("interview"),
            reached(select(Stage.id).where(Stage.key == "active_intern")).label("intern"),
            reached(select(Stage.id).where(Stage.key == "hired")).label("hired"),
        )
        .where(StageChange.candidate_id.in_(candidates))
        .group_by(StageChange.candidate_id)
        .subquery()
    )


def percentile(values: list[float], share: float) -> float | None:
    """The value below which a share of values fall, interpolating between neighbours."""
    if not values:
        return None
    ordered = sorted(values)
    rank = share * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# --- the funnel ----------------------------------------------------------------------------


@dataclass
class FunnelRow:
    """How many candidates reached a stage in the period and in the one before."""

    stage_id: int
    name: str
    key: str | None
    closed: bool
    current: int
    previous: int

    @property
    def change(self) -> int:
        return self.current - self.previous


def _first_entries(window: Period):
    """SQL: how many candidates entered the outer query's stage in a window, each counted
    once. An entry counts when the candidate had not entered that stage earlier in the
    window, which each stage change records (previous_entry_at), so the count is one
    range of the stage's arrivals index, with nothing to de-duplicate."""
    return (
        select(func.count())
        .where(
            StageChange.to_stage_id == Stage.id,
            window.holds_timestamp(StageChange.created_at),
            or_(
                StageChange.previous_entry_at.is_(None),
                StageChange.previous_entry_at < window.starts_at,
            ),
        )
        .correlate(Stage)
        .scalar_subquery()
    )


def funnel(period: Period) -> list[FunnelRow]:
    """Each stage with the distinct candidates who entered it in the period and the one
    before; main-path stages first, in order, then the closed ones."""
    rows = db.session.execute(
        select(
            Stage.id,
            Stage.name,
            Stage.key,
            Stage.kind,
            Stage.retired,
            _first_entries(period),
            _first_entries(period.previous()),
        ).order_by(case((Stage.kind == StageKind.CLOSED, 1), else_=0), Stage.position)
    ).all()
    return [
        FunnelRow(stage_id, name, key, kind == StageKind.CLOSED, current, before)
        for stage_id, name, key, kind, retired, current, before in rows
        if not retired or current or before
    ]


# --- yield per event and per university ----------------------------------------------------


@dataclass
class YieldRow:
    """Leads and how far they got, for one event or university, with what it cost."""

    id: int
    name: str
    cost: Decimal
    leads: int
    interviews: int
    interns: int
    hires: int
    held_on: date | None = None

    @property
    def cost_per_lead(self) -> Decimal | None:
        return self._per(self.leads)

    @property
    def cost_per_hire(self) -> Decimal | None:
        return self._per(self.hires)

    def _per(self, count: int) -> Decimal | None:
        # No count, or no cost recorded, gives no figure rather than a misleading $0.00.
        if not count or not self.cost:
            return None
        return (self.cost / count).quantize(Decimal("0.01"))


def _money(value) -> Decimal:
    # SQLite hands sums of NUMERIC back as floats: go through str to keep cents exact.
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _event_cost():
    return Event.cost_registration + Event.cost_travel + Event.cost_giveaways + Event.cost_other


# Columns the yield tables sort by: (query-string name, heading).
YIELD_COLUMNS = [
    ("name", "Name"),
    ("date", "Date"),
    ("leads", "Leads"),
    ("interviews", "Reached interview"),
    ("interns", "Interns"),
    ("hires", "Hires"),
    ("cost", "Cost"),
    ("cost_per_lead", "Cost per lead"),
    ("cost_per_hire", "Cost per hire"),
]
UNIVERSITY_COLUMNS = [column for column in YIELD_COLUMNS if column[0] != "date"]
_SORT_KEYS = {
    "name": lambda row: row.name.casefold(),
    "date": lambda row: row.held_on,
    "leads": lambda row: row.leads,
    "interviews": lambda row: row.interviews,
    "interns": lambda row: row.interns,
    "hires": lambda row: row.hires,
    "cost": lambda row: row.cost,
    "cost_per_lead": lambda row: row.cost_per_lead,
    "cost_per_hire": lambda row: row.cost_per_hire,
}


@dataclass(frozen=True)
class YieldSort:
    """How the yield tables are sorted, read from ?sort=...&direction=..."""

    column: str = "name"
    direction: str = "asc"

    @classmethod
    def from_args(cls, args) -> "YieldSort":
        """The sort a query string asks for, ignoring anything unknown."""
        column = args.get("sort", "")
        return cls(
            column=column if column in _SORT_KEYS else "name",
            direction="desc" if args.get("direction") == "desc" else "asc",
        )

    def args_for(self, column: str, period: "Period") -> dict[str, str]:
        """A period's arguments with a sort by column: the other way if it already is."""
        direction = "asc"
        if column == self.column and self.direction == "asc":
            direction = "desc"
        return {**period.as_args(), "sort": column, "direction": direction}

    def export_args(self, period: "Period") -> dict[str, str]:
        """A period's arguments with this sort, for the CSV links."""
        return {**period.as_args(), "sort": self.column, "direction": self.direction}

    def apply(self, rows: list[YieldRow]) -> list[YieldRow]:
        """Rows in this order; rows without a value (no date, no hires) always come last."""
        key = _SORT_KEYS[self.column]
        known = [row for row in rows if key(row) is not None]
        unknown = [row for row in rows if key(row) is None]
        known.sort(key=lambda row: (key(row), row.name.casefold()))
        if self.direction == "desc":
            known.reverse()
        return known + sorted(unknown, key=lambda row: row.name.casefold())


def event_yield(period: Period) -> list[YieldRow]:
    """Events held in the period: their leads, how far the leads got (ever), and costs."""
    flags = _reached_flags(
        select(CandidateEvent.candidate_id)
        .join(Event, Event.id == CandidateEvent.event_id)
        .where(period.holds_date(Event.starts_on))
    )
    rows = db.session.execute(
        select(
            Event.id,
            Event.name,
            Event.starts_on,
            _event_cost(),
            func.count(CandidateEvent.candidate_id),
            func.coalesce(func.sum(flags.c.interview), 0),
            func.coalesce(func.sum(flags.c.intern), 0),
            func.coalesce(func.sum(flags.c.hired), 0),
        )
        .outerjoin(CandidateEvent, CandidateEvent.event_id == Event.id)
        .outerjoin(flags, flags.c.candidate_id == CandidateEvent.candidate_id)
        .where(period.holds_date(Event.starts_on))
        .group_by(
            Event.id,
            Event.name,
            Event.starts_on,
            Event.cost_registration,
            Event.cost_travel,
            Event.cost_giveaways,
            Event.cost_other,
        )
    ).all()
    return [
        YieldRow(
            id=event_id,
            name=name,
            held_on=starts_on,
            cost=_money(cost),
            leads=leads,
            interviews=int(interviews),
            interns=int(interns),
            hires=int(hires),
        )
        for event_id, name, starts_on, cost, leads, interviews, interns, hires in rows
    ]


def university_yield(period: Period) -> list[YieldRow]:
    """Universities with candidates who arrived in the period or events held in it: those
    candidates, how far they got (ever), and the cost of the university's events."""
    # Read by the date index; candidates without a university fall out at the outer join.
    arrived = period.holds_timestamp(Candidate.created_at)
    flags = _reached_flags(select(Candidate.id).where(arrived))
    # Grouped by an expression rather than the bare column: SQLite would otherwise walk the
    # university index for the grouping and visit every candidate ever, not those of the
    # period found through the date index.
    university = (Candidate.university_id + 0).label("university_id")
    leads = (
        select(
            university,
            func.count(Candidate.id).label("leads"),
            func.coalesce(func.sum(flags.c.interview), 0).label("interviews"),
            func.coalesce(func.sum(flags.c.intern), 0).label("interns"),
            func.coalesce(func.sum(flags.c.hired), 0).label("hires"),
        )
        .outerjoin(flags, flags.c.candidate_id == Candidate.id)
        .where(arrived)
        .group_by(university)
        .subquery()
    )
    costs = (
        select(Event.university_id.label("university_id"), func.sum(_event_cost()).label("cost"))
        .where(Event.university_id.is_not(None), period.holds_date(Event.starts_on))
        .group_by(Event.university_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            University.id,
            University.name,
            University.college,
            costs.c.cost,
            func.coalesce(leads.c.leads, 0),
            func.coalesce(leads.c.interviews, 0),
            func.coalesce(leads.c.interns, 0),
            func.coalesce(leads.c.hires, 0),
        )
        .outerjoin(leads, leads.c.university_id == University.id)
        .outerjoin(costs, costs.c.university_id == University.id)
        .where(or_(leads.c.leads.is_not(None), costs.c.cost.is_not(None)))
    ).all()
    return [
        YieldRow(
            id=university_id,
            name=f"{name}, {college}" if college else name,
            cost=_money(cost),
            leads=n_leads,
            interviews=int(interviews),
            interns=int(interns),
            hires=int(hires),
        )
        for university_id, name, college, cost, n_leads, interviews, interns, hires in rows
    ]


# --- offer, acceptance and conversion rates ------------------------------------------------

OFFERED = (Outcome.OFFER_MADE, Outcome.OFFER_ACCEPTED, Outcome.HIRED)
ACCEPTED = (Outcome.OFFER_ACCEPTED, Outcome.HIRED)
# NACE's internship surveys put intern-to-hire conversion at about 53-66% in recent years.
NACE_CONVERSION = (0.53, 0.66)


@dataclass
class Rates:
    """NACE's three rates for one period, from counts of distinct candidates."""

    eligible: int
    offers: int
    accepted: int

    @property
    def offer_rate(self) -> float | None:
        return _ratio(self.offers, self.eligible)

    @property
    def acceptance_rate(self) -> float | None:
        return _ratio(self.accepted, self.offers)

    @property
    def conversion_rate(self) -> float | None:
        return _ratio(self.accepted, self.eligible)


def _rate_counts(period: Period) -> list:
    """Scalar subqueries: eligible interns, offers and acceptances in a period."""
    completed = (
        select(StageChange.candidate_id)
        .join(Stage, Stage.id == StageChange.to_stage_id)
        .where(Stage.key == "completed", period.holds_timestamp(StageChange.created_at))
    )
    ended = select(Placement.candidate_id).where(period.holds_date(Placement.ends_on))
    eligible = select(func.count()).select_from(union(completed, ended).subquery())

    def candidates_with(outcomes):
        return select(func.count(distinct(Placement.candidate_id))).where(
            period.holds_date(Placement.ends_on), Placement.outcome.in_(outcomes)
        )

    return [
        eligible.scalar_subquery(),
        candidates_with(OFFERED).scalar_subquery(),
        candidates_with(ACCEPTED).scalar_subquery(),
    ]


def rates(period: Period) -> tuple[Rates, Rates]:
    """NACE's rates for the period and the one before, in one query."""
    row = db.session.execute(select(*_rate_counts(period), *_rate_counts(period.previous()))).one()
    return Rates(*row[:3]), Rates(*row[3:])


# --- time in stage -------------------------------------------------------------------------


@dataclass
class StageTime:
    """How long candidates stayed in a stage, over stays that ended in the period."""

    name: str
    stays: int
    median: float | None
    p90: float | None


def time_in_stage(period: Period) -> list[StageTime]:
    """Median and 90th percentile days in each stage, over stays that ended in the period.

    A stay runs from a stage change to the candidate's next one, which records when the
    stay began; stays still going are left out, since nobody knows yet how long they will
    last."""
    days: dict[int, list[float]] = defaultdict(list)
    # Plain (stage, days) pairs, neither joined nor sorted in SQL: a term's stays number
    # in the tens of thousands, and the few stages are named and ordered here.
    for stage_id, stay in db.session.execute(
        select(
            StageChange.from_stage_id,
            _days_between(StageChange.from_stage_entered_at, StageChange.created_at),
        ).where(
            period.holds_timestamp(StageChange.created_at),
            StageChange.from_stage_entered_at.is_not(None),
        )
    ):
        days[stage_id].append(float(stay))
    stages = db.session.execute(
        select(Stage.id, Stage.name).order_by(
            case((Stage.kind == StageKind.CLOSED, 1), else_=0), Stage.position
        )
    )
    return [
        StageTime(
            name=name,
            stays=len(days[stage_id]),
            median=statistics.median(days[stage_id]),
            p90=percentile(days[stage_id], 0.9),
        )
        for stage_id, name in stages
        if days.get(stage_id)
    ]


@dataclass
class InterestToOffer:
    """Days from a candidate's first stage change to their first offer."""

    candidates: int
    median: float | None
    p90: float | None


def interest_to_offer(period: Period) -> InterestToOffer:
    """For candidates first offered in the period: median days from arriving to offer."""
    offer = select(Stage.id).where(Stage.key == "offer").scalar_subquery()
    offered_in_period = select(StageChange.candidate_id).where(
        StageChange.to_stage_id == offer, period.holds_timestamp(StageChange.created_at)
    )
    # Only candidates offered in the period can have their first offer in it: their whole
    # histories are read, through the index that covers them, and nobody else's.
    journeys = (
        select(
            func.min(StageChange.created_at).label("arrived_at"),
            func.min(case((StageChange.to_stage_id == offer, StageChange.created_at))).label(
                "offered_at"
            ),
        )
        .where(StageChange.candidate_id.in_(offered_in_period))
        .group_by(StageChange.candidate_id)
        .subquery()
    )
    values = [
        float(days)
        for days in db.session.scalars(
            select(_days_between(journeys.c.arrived_at, journeys.c.offered_at)).where(
                period.holds_timestamp(journeys.c.offered_at)
            )
        )
    ]
    return InterestToOffer(
        candidates=len(values),
        median=statistics.median(values) if values else None,
        p90=percentile(values, 0.9),
    )


# --- evaluations ---------------------------------------------------------------------------


@dataclass
class Competency:
    """One rated item: mid-term and final supervisor averages, lined up by item key."""

    group: str
    key: str
    name: str
    midterm: float | None = None
    midterm_count: int = 0
    final: float | None = None
    final_count: int = 0

    @property
    def change(self) -> float | None:
        if self.midterm is None or self.final is None:
            return None
        return self.final - self.midterm


@dataclass
class FeedbackItem:
    """One rated question on interns' program feedback."""

    key: str
    name: str
    average: float | None
    count: int


@dataclass
class EvaluationSummary:
    """Evaluation averages for a period."""

    competencies: list[Competency] = field(default_factory=list)
    feedback: list[FeedbackItem] = field(default_factory=list)
    recommended: int = 0
    recommend_answers: int = 0

    @property
    def recommend_share(self) -> float | None:
        return _ratio(self.recommended, self.recommend_answers)

    @property
    def satisfaction(self) -> FeedbackItem | None:
        return next((item for item in self.feedback if item.key == "satisfaction"), None)


def _item_name(prompt: str | None, key: str) -> str:
    """A short name for an item: its prompt up to the colon ("Communication: ...")."""
    if not prompt:
        return key.replace("_", " ").capitalize()
    return prompt.split(":", 1)[0]


GROUP_ORDER = {"nace": 0, "procurement": 1}


def evaluations(period: Period) -> EvaluationSummary:
    """Averages per item key for supervisor mid-term and final evaluations and interns'
    feedback submitted in the period, and the supervisors' "would recommend" share."""
    kinds = (
        EvaluationKind.SUPERVISOR_MIDTERM,
        EvaluationKind.SUPERVISOR_FINAL,
        EvaluationKind.INTERN_FEEDBACK,
    )
    # First the period's ratings summed per form kind and item, through the evaluations'
    # date index; only those few dozen sums meet the items table. Reworded items keep
    # their key, so answers to old and new wording average together; the current wording
    # names the row.
    sums = (
        select(
            Evaluation.kind.label("kind"),
            EvaluationAnswer.item_id.label("item_id"),
            func.sum(EvaluationAnswer.rating).label("total"),
            func.count(EvaluationAnswer.rating).label("answers"),
        )
        .join(EvaluationAnswer, EvaluationAnswer.evaluation_id == Evaluation.id)
        .where(Evaluation.kind.in_(kinds), period.holds_timestamp(Evaluation.submitted_at))
        .group_by(Evaluation.kind, EvaluationAnswer.item_id)
        .subquery()
    )
    current_prompt = func.max(case((EvaluationItem.retired.is_(False), EvaluationItem.prompt)))
    answers = func.sum(sums.c.answers)
    rows = db.session.execute(
        select(
            EvaluationItem.group,
            EvaluationItem.key,
            sums.c.kind,
            current_prompt,
            case((answers > 0, func.sum(sums.c.total) * 1.0 / answers)),
            answers,
        )
        .join(sums, sums.c.item_id == EvaluationItem.id)
        .where(EvaluationItem.answer_type == AnswerType.RATING)
        .group_by(EvaluationItem.group, EvaluationItem.key, sums.c.kind)
        .order_by(func.min(EvaluationItem.position))
    ).all()
    summary = EvaluationSummary()
    competencies: dict[str, Competency] = {}
    for group, key, kind, prompt, average, count in rows:
        value = float(average) if average is not None else None
        if kind == EvaluationKind.INTERN_FEEDBACK:
            summary.feedback.append(FeedbackItem(key, _item_name(prompt, key), value, count))
            continue
        if group not in GROUP_ORDER:
            continue
        item = competencies.setdefault(key, Competency(group, key, _item_name(prompt, key)))
        if prompt:
            item.name = _item_name(prompt, key)
        if kind == EvaluationKind.SUPERVISOR_MIDTERM:
            item.midterm, item.midterm_count = value, count
        else:
            item.final, item.final_count = value, count
    summary.competencies = sorted(competencies.values(), key=lambda c: GROUP_ORDER[c.group])

    recommended, answers = db.session.execute(
        select(
            func.count(case((Evaluation.recommend_full_time.is_(True), Evaluation.id))),
            func.count(Evaluation.recommend_full_time),
        ).where(
            Evaluation.kind == EvaluationKind.SUPERVISOR_FINAL,
            period.holds_timestamp(Evaluation.submitted_at),
        )
    ).one()
    summary.recommended, summary.recommend_answers = recommended, answers
    return summary


# --- the whole page ------------------------------------------------------------------------


# The yield charts draw this many rows, in the table's order; the tables list them all.
CHART_ROWS = 12


@dataclass
class Report:
    """Everything the reports page shows for one period."""

    period: Period
    funnel: list[FunnelRow]
    events: list[YieldRow]
    universities: list[YieldRow]
    rates: Rates
    previous_rates: Rates
    stage_times: list[StageTime]
    interest_to_offer: InterestToOffer
    evaluations: EvaluationSummary

    # Chart rows, (label, [value per series]), for the page's bar charts.

    @property
    def funnel_chart(self) -> list[tuple[str, list]]:
        return [(row.name, [row.current, row.previous]) for row in self.funnel]

    @property
    def rates_chart(self) -> list[tuple[str, list]]:
        def as_percent(value):
            return None if value is None else 100 * value

        return [
            (name, [as_percent(getattr(r, attribute)) for r in (self.rates, self.previous_rates)])
            for name, attribute in (
                ("Offer rate", "offer_rate"),
                ("Acceptance rate", "acceptance_rate"),
                ("Conversion rate", "conversion_rate"),
            )
        ]

    @property
    def time_chart(self) -> list[tuple[str, list]]:
        return [(row.name, [row.median, row.p90]) for row in self.stage_times]

    @property
    def events_chart(self) -> list[tuple[str, list]]:
        return [(row.name, [row.leads, row.hires]) for row in self.events[:CHART_ROWS]]

    @property
    def universities_chart(self) -> list[tuple[str, list]]:
        return [(row.name, [row.leads, row.hires]) for row in self.universities[:CHART_ROWS]]

    @property
    def evaluations_chart(self) -> list[tuple[str, list]]:
        return [(row.name, [row.midterm, row.final]) for row in self.evaluations.competencies]


def build_report(period: Period, sort: YieldSort) -> Report:
    """The reports page's figures, in a fixed number of queries."""
    current_rates, previous_rates = rates(period)
    return Report(
        period=period,
        funnel=funnel(period),
        events=sort.apply(event_yield(period)),
        universities=sort.apply(university_yield(period)),
        rates=current_rates,
        previous_rates=previous_rates,
        stage_times=time_in_stage(period),
        interest_to_offer=interest_to_offer(period),
        evaluations=evaluations(period),
    )
