"""The reports page and its CSV exports: every figure for a chosen period."""

from flask import Blueprint, abort, render_template, request

from recruit.auth.access import roles_required
from recruit.auth.models import Role
from recruit.database import utcnow
from recruit.exports import csv_response
from recruit.reports import exports, services

bp = Blueprint("reports", __name__, url_prefix="/reports")

# Every staff role reads the reports; admins pass every role check.
STAFF = (Role.HR, Role.OUTREACH)


@bp.get("/")
@roles_required(*STAFF)
def index():
    """The funnel, yields, rates, time in stage and evaluations for a period."""
    today = utcnow().date()
    period = services.period_from_args(request.args, today)
    sort = services.YieldSort.from_args(request.args)
    return render_template(
        "reports/index.html",
        report=services.build_report(period, sort),
        period=period,
        previous=period.previous(),
        sort=sort,
        terms=services.recent_terms(today),
        event_columns=services.YIELD_COLUMNS,
        university_columns=services.UNIVERSITY_COLUMNS,
        nace_conversion=services.NACE_CONVERSION,
    )


@bp.get("/<table>.csv")
@roles_required(*STAFF)
def export(table: str):
    """One of the page's tables as CSV, for the same period and sort."""
    make_rows = exports.CSV_TABLES.get(table)
    if make_rows is None:
        abort(404)
    period = services.period_from_args(request.args, utcnow().date())
    header, rows = make_rows(period, services.YieldSort.from_args(request.args))
    return csv_response(f"recruit-{table}-{period.slug}.csv", header, rows)
