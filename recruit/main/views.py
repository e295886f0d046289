"""The home dashboard and the health check."""

from datetime import date

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from recruit import cached
from recruit.auth.access import public
from recruit.auth.policy import can
from recruit.candidates.proposals import pending_count
from recruit.database import writable_fault
from recruit.extensions import db
from recruit.main import services
from recruit.placements.placements import DUE_SOON_DAYS
from recruit.timezones import local_today
from recruit.universities.queries import FOLLOW_UP_DAYS

bp = Blueprint("main", __name__)


@bp.get("/")
def dashboard():
    """What needs the signed-in staff member's attention today: their own interviews and
    follow-ups, then the office's figures."""
    today = local_today()
    may_review = can(current_user, "review_updates")
    return render_template(
        "main/dashboard.html",
        follow_ups=services.follow_up_counts_for(current_user, today),
        follow_up_days=FOLLOW_UP_DAYS,
        interviews_today=services.interviews_today_for(current_user),
        today=today,
        office_panels=cached.fragment(
            "main.office_panels",
            (request.full_path, today, may_review),
            lambda: _office_panels(today, may_review),
        ),
    )


def _office_panels(today: date, may_review: bool) -> str:
    """The pipeline, new leads, evaluations due and (for those who review them) updates
    to review: each counts across the whole office, so one copy serves everyone."""
    new_leads = services.new_leads_filters(today)
    return render_template(
        "main/_office_panels.html",
        pipeline=services.pipeline_counts(),
        new_leads=services.count_listed(new_leads),
        new_leads_args=new_leads.as_args(),
        new_lead_days=services.NEW_LEAD_DAYS,
        awaiting_evaluations=services.placements_awaiting_evaluations(today),
        updates_to_review=pending_count() if may_review else None,
        evaluation_days=DUE_SOON_DAYS,
    )


@bp.get("/healthz")
@public
def healthz():
    """200 when the database can take a write now, else 503 saying why it cannot."""
    # A SELECT 1 answers from a read-only file or a full disk too: a monitor would keep
    # sending students to a server that cannot save their forms.
    try:
        fault = writable_fault(db.engine, current_app.config["DATABASE_MIN_FREE_BYTES"])
    except SQLAlchemyError:
        fault = "unreachable"
    if fault:
        return {"status": "error", "database": fault}, 503
    return {"status": "ok", "database": "ok"}
