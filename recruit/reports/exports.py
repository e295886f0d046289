"""The reports page's tables as CSV rows, for the same period and sort as the page."""

from recruit.reports.evaluation_averages import evaluations
from recruit.reports.funnel import funnel
from recruit.reports.interviews import interview_report
from recruit.reports.periods import Period
from recruit.reports.rates import rates
from recruit.reports.stage_times import interest_to_offer, time_in_stage
from recruit.reports.yields import YieldRow, YieldSort, event_yield, university_yield


def _number(value: float | None, places: int = 1) -> str:
    return "" if value is None else f"{value:.{places}f}"


def _percent(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}"


def funnel_csv(period: Period, sort: YieldSort):
    """The funnel as CSV rows."""
    previous = period.previous()
    header = ["Stage", f"Reached {period.dates}", f"Reached {previous.dates}", "Change"]
    return header, [[r.name, r.current, r.previous, r.change] for r in funnel(period)]


def _yield_csv(rows: list[YieldRow], dated: bool):
    header = ["Name", *(["Date"] if dated else []), "Leads", "Reached interview", "Interns"]
    header += ["Hires", "Cost", "Cost per lead", "Cost per hire"]
    body = [
        [
            row.name,
            *([row.held_on.isoformat()] if dated else []),
            row.leads,
            row.interviews,
            row.interns,
            row.hires,
            row.cost,
            "" if row.cost_per_lead is None else row.cost_per_lead,
            "" if row.cost_per_hire is None else row.cost_per_hire,
        ]
        for row in rows
    ]
    return header, body


def events_csv(period: Period, sort: YieldSort):
    """Yield and cost per event as CSV rows."""
    return _yield_csv(sort.apply(event_yield(period)), dated=True)


def universities_csv(period: Period, sort: YieldSort):
    """Yield and cost per university as CSV rows."""
    return _yield_csv(sort.apply(university_yield(period)), dated=False)


def rates_csv(period: Period, sort: YieldSort):
    """NACE's rates for the period and the one before as CSV rows."""
    current, previous = rates(period)
    header = ["Period", "Eligible interns", "Offers", "Accepted"]
    header += ["Offer rate %", "Acceptance rate %", "Conversion rate %"]
    return header, [
        [
            p.dates,
            r.eligible,
            r.offers,
            r.accepted,
            _percent(r.offer_rate),
            _percent(r.acceptance_rate),
            _percent(r.conversion_rate),
        ]
        for p, r in ((period, current), (period.previous(), previous))
    ]


def time_in_stage_csv(period: Period, sort: YieldSort):
    """Days in each stage as CSV rows, with interest to offer last."""
    header = ["Stage", "Stays ended", "Median days", "90th percentile days"]
    body = [[t.name, t.stays, _number(t.median), _number(t.p90)] for t in time_in_stage(period)]
    offer = interest_to_offer(period)
    body.append(["Interest to offer", offer.candidates, _number(offer.median), _number(offer.p90)])
    return header, body


def interviews_csv(period: Period, sort: YieldSort):
    """Interest to first interview and interview to offer, per position then overall."""
    header = ["Position", "First interviews", "Median days from interest"]
    header += ["Average days from interest", "Interviewed", "Reached offer", "Offer rate %"]
    report = interview_report(period)
    rows = report.positions + ([report.overall] if report.overall else [])
    return header, [
        [
            row.name,
            row.first_interviews,
            _number(row.median_days),
            _number(row.average_days),
            row.interviewed,
            row.offers,
            _percent(row.offer_rate),
        ]
        for row in rows
    ]


def evaluations_csv(period: Period, sort: YieldSort):
    """Evaluation averages per item and form as CSV rows."""
    summary = evaluations(period)
    header = ["Group", "Item", "Form", "Average", "Answers"]
    body = []
    for c in summary.competencies:
        midterm, final = _number(c.midterm, 2), _number(c.final, 2)
        body.append([c.group, c.name, "Supervisor mid-term", midterm, c.midterm_count])
        body.append([c.group, c.name, "Supervisor final", final, c.final_count])
    body += [
        ["program", f.name, "Intern feedback", _number(f.average, 2), f.count]
        for f in summary.feedback
    ]
    body.append(
        [
            "recommendation",
            "Would recommend for full-time employment (% yes)",
            "Supervisor final",
            _percent(summary.recommend_share),
            summary.recommend_answers,
        ]
    )
    return header, body


CSV_TABLES = {
    "funnel": funnel_csv,
    "events": events_csv,
    "universities": universities_csv,
    "rates": rates_csv,
    "time-in-stage": time_in_stage_csv,
    "interviews": interviews_csv,
    "evaluations": evaluations_csv,
}
