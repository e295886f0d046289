"""Yield per event and per university: leads, how far they got and what they cost."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, or_, select

from recruit.candidates.models import Candidate, CandidateEvent
from recruit.events.models import Event
from recruit.extensions import db
from recruit.reports.periods import Period
from recruit.universities.models import University


def _reached(column):
    """SQL: 1 when a candidate's summary says they reached a step (ever), else 0. The
    pipeline keeps these summaries with every move, so a period's candidates are counted
    without reading their histories."""
    return case((column.is_not(None), 1), else_=0)


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
    rows = db.session.execute(
        select(
            Event.id,
            Event.name,
            Event.starts_on,
            _event_cost(),
            func.count(CandidateEvent.candidate_id),
            func.coalesce(func.sum(_reached(Candidate.reached_interview_at)), 0),
            func.coalesce(func.sum(_reached(Candidate.reached_intern_at)), 0),
            func.coalesce(func.sum(_reached(Candidate.reached_hired_at)), 0),
        )
        .outerjoin(CandidateEvent, CandidateEvent.event_id == Event.id)
        .outerjoin(Candidate, Candidate.id == CandidateEvent.candidate_id)
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
    # Read from the date index, which holds the summaries too; candidates without a
    # university fall out at the outer join.
    arrived = period.holds_timestamp(Candidate.created_at)
    # Grouped by an expression rather than the bare column: SQLite would otherwise walk the
    # university index for the grouping and visit every candidate ever, not those of the
    # period found through the date index.
    university = (Candidate.university_id + 0).label("university_id")
    leads = (
        select(
            university,
            # count(*), not count(id): PostgreSQL's date index holds no id, and needing
            # one makes it read the table (every candidate, in parallel) instead.
            func.count().label("leads"),
            func.sum(_reached(Candidate.reached_interview_at)).label("interviews"),
            func.sum(_reached(Candidate.reached_intern_at)).label("interns"),
            func.sum(_reached(Candidate.reached_hired_at)).label("hires"),
        )
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
            University.full_name,
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
            name=full_name,
            cost=_money(cost),
            leads=n_leads,
            interviews=int(interviews),
            interns=int(interns),
            hires=int(hires),
        )
        for university_id, full_name, cost, n_leads, interviews, interns, hires in rows
    ]
