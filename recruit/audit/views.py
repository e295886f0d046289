"""The audit log page for admins: who did what, filterable and exportable, never editable."""

import json
from datetime import date, datetime, time

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from recruit.audit import wording
from recruit.audit.models import AuditEntry
from recruit.audit.services import record, summary
from recruit.auth.access import requires
from recruit.auth.models import User
from recruit.cross_site import refuse_cross_site
from recruit.database import parse_id, write_alone
from recruit.exports import csv_response
from recruit.extensions import db
from recruit.pagination import paginate
from recruit.timezones import local_today

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

# The families of actions admins filter by, by their prefix.
ACTION_GROUPS = [
    ("auth.", "Sign-ins"),
    ("candidate.export", "Exports"),
    ("import.", "Imports"),
    ("candidate.merge", "Merges"),
    ("proposal.", "Updates sent through the public form"),
    ("privacy.", "Privacy (exports, erasures, retention)"),
    ("student.", "Students on their own page"),
    ("user.", "Accounts and roles"),
    ("stage.", "Pipeline stages"),
    ("event.", "Events"),
    ("settings.", "Settings"),
]


@bp.before_request
@requires("administer")
def admins_only():
    """Only admins read the audit log."""


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _filtered(args) -> tuple[Select, dict]:
    filters = {
        "action": args.get("action", ""),
        "user": args.get("user", ""),
        "since": args.get("since", ""),
        "until": args.get("until", ""),
    }
    query = select(AuditEntry).options(joinedload(AuditEntry.user))
    if filters["action"] in dict(ACTION_GROUPS):
        query = query.where(AuditEntry.action.startswith(filters["action"]))
    if (user_id := parse_id(filters["user"])) is not None:
        query = query.where(AuditEntry.user_id == user_id)
    if since := _date(filters["since"]):
        query = query.where(AuditEntry.created_at >= datetime.combine(since, time.min))
    if until := _date(filters["until"]):
        query = query.where(AuditEntry.created_at <= datetime.combine(until, time.max))
    return query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()), filters


@bp.get("/")
def index():
    """The audit log, newest first."""
    query, filters = _filtered(request.args)
    users = db.session.execute(select(User.id, User.name).order_by(User.name)).all()
    page = paginate(query, request.args)
    return render_template(
        "audit/index.html",
        page=page,
        filters=filters,
        groups=ACTION_GROUPS,
        users=users,
        summary=summary,
        action_label=wording.action_label,
        detail_lines=wording.detail_lines,
        records=wording.record_links(page.items, current_user),
    )


@bp.get("/export.csv")
@refuse_cross_site
def export():
    """The filtered audit log as CSV; exporting it is audited too."""
    query, filters = _filtered(request.args)
    entries = db.session.scalars(query.options(joinedload(AuditEntry.user)).limit(100_000)).all()
    # Read the rows before the audit write: its commit expires every loaded entry.
    rows = [
        [
            e.created_at.isoformat(timespec="seconds"),
            e.user.email if e.user else "",
            e.action,
            e.target_type or "",
            e.target_id or "",
            e.remote_addr or "",
            json.dumps(e.detail, ensure_ascii=False, sort_keys=True),
        ]
        for e in entries
    ]
    write_alone(lambda: record("audit.export", user=current_user, filters=filters, count=len(rows)))
    return csv_response(
        f"audit-{local_today().isoformat()}.csv",
        ["when_utc", "who", "action", "target", "target_id", "address", "detail"],
        rows,
    )
