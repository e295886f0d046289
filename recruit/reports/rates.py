"""NACE's offer, acceptance and conversion rates for a period and the one before."""

from dataclasses import dataclass

from sqlalchemy import distinct, func, select, union

from recruit.candidates.models import Stage, StageChange
from recruit.extensions import db
from recruit.pipeline.rules import StageKey
from recruit.placements.models import (
    Outcome,
    Placement,
)
from recruit.reports.periods import Period

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
        return ratio(self.offers, self.eligible)

    @property
    def acceptance_rate(self) -> float | None:
        return ratio(self.accepted, self.offers)

    @property
    def conversion_rate(self) -> float | None:
        return ratio(self.accepted, self.eligible)


def ratio(part: int, whole: int) -> float | None:
    """part / whole, or None when there is no whole to divide by."""
    return part / whole if whole else None


def _rate_counts(period: Period) -> list:
    """Scalar subqueries: eligible interns, offers and acceptances in a period."""
    completed = (
        select(StageChange.candidate_id)
        .join(Stage, Stage.id == StageChange.to_stage_id)
        .where(Stage.key == StageKey.COMPLETED, period.holds_timestamp(StageChange.created_at))
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
