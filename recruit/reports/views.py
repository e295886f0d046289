"""The reports page and its CSV exports: every figure for a chosen period."""

from flask import Blueprint, abort, render_template, request

from recruit import cached
from recruit.auth.access import requires
from recruit.database import planned_for_their_values
from recruit.exports import csv_response
from recruit.reports import exports
from recruit.reports.periods import period_from_args, recent_terms
from recruit.reports.rates import NACE_CONVERSION
from recruit.reports.report import build_report
from recruit.reports.yields import UNIVERSITY_COLUMNS, YIELD_COLUMNS, YieldSort
from recruit.timezones import local_today

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.get("/")
@requires("view_pipeline")
def index():
    """The funnel, yields, rates, time in stage and evaluations for a period."""
    today = local_today()
    period = period_from_args(request.args, today)
    sort = YieldSort.from_args(request.args)
    previous = period.previous()

    def draw_sections() -> str:
        with planned_for_their_values():
            report = build_report(period, sort)
        return render_template(
            "reports/_sections.html",
            report=report,
            period=period,
            previous=previous,
            sort=sort,
            event_columns=YIELD_COLUMNS,
            university_columns=UNIVERSITY_COLUMNS,
            nace_conversion=NACE_CONVERSION,
        )

    # The figures read every stay and interview of a term; a worker keeps them, drawn,
    # while the change clock says nothing was written since (and for a minute at most),
    # so a manager going back to a term, or to another sort, does not count it all again.
    return render_template(
        "reports/index.html",
        sections=cached.fragment("reports.sections", (request.full_path,), draw_sections),
        period=period,
        previous=previous,
        terms=recent_terms(today),
    )


@bp.get("/<table>.csv")
@requires("view_pipeline")
def export(table: str):
    """One of the page's tables as CSV, for the same period and sort."""
    make_rows = exports.CSV_TABLES.get(table)
    if make_rows is None:
        abort(404)
    period = period_from_args(request.args, local_today())
    with planned_for_their_values():
        header, rows = make_rows(period, YieldSort.from_args(request.args))
    return csv_response(f"recruit-{table}-{period.slug}.csv", header, rows)
