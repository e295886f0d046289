"""The periods a report covers: the office's terms and custom ranges of whole days."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_

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
