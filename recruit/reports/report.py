"""The whole reports page for one period: every table, and the rows its charts draw."""

from dataclasses import dataclass

from recruit.reports.evaluation_averages import EvaluationSummary, evaluations
from recruit.reports.funnel import FunnelRow, funnel
from recruit.reports.interviews import InterviewReport, interview_report
from recruit.reports.periods import Period
from recruit.reports.rates import Rates, rates
from recruit.reports.stage_times import InterestToOffer, StageTime, interest_to_offer, time_in_stage
from recruit.reports.yields import YieldRow, YieldSort, event_yield, university_yield

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
    interviews: InterviewReport
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
        interviews=interview_report(period),
        evaluations=evaluations(period),
    )
