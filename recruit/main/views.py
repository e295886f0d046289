"""The home dashboard and the health check."""

from datetime import timedelta

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from recruit.auth.access import public
from recruit.database import utcnow
from recruit.extensions import db
from recruit.main import services

bp = Blueprint("main", __name__)


@bp.get("/")
def dashboard():
    """What needs the signed-in staff member's attention today."""
    today = utcnow().date()
    return render_template(
        "main/dashboard.html",
        pipeline=services.pipeline_counts(),
        follow_ups=services.follow_ups_due(current_user, today + timedelta(days=14)),
        new_leads=services.new_leads_since(utcnow() - timedelta(days=7)),
        evaluations_due=services.evaluations_due(today + timedelta(days=14)),
        today=today,
    )


@bp.get("/healthz")
@public
def healthz():
    """200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
