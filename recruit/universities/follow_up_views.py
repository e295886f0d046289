"""The follow-ups list: contacts to call back, event tasks and leads nobody has contacted."""

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from recruit.auth.access import requires
from recruit.events.models import FollowUp
from recruit.extensions import db
from recruit.timezones import local_today
from recruit.universities import queries, services
from recruit.universities.forms import ActionForm

bp = Blueprint("follow_ups", __name__, url_prefix="/follow-ups")


def _who(value: str | None) -> str:
    return "all" if value == "all" else "me"


def _back(form: ActionForm):
    who = _who(form.who.data)
    return redirect(url_for("follow_ups.index", who=who if who == "all" else None))


@bp.get("")
@requires("follow_up_leads")
def index():
    """What is overdue or due in the next two weeks, for the signed-in user or for everyone."""
    who = _who(request.args.get("who"))
    today = local_today()
    due = queries.follow_ups_due(current_user.id if who == "me" else None, today)
    return render_template(
        "followups/index.html",
        due=due,
        who=who,
        today=today,
        until=today + timedelta(days=queries.FOLLOW_UP_DAYS),
        days=queries.FOLLOW_UP_DAYS,
        grace=queries.LEAD_GRACE_DAYS,
        rows=queries.FOLLOW_UP_ROWS,
    )


@bp.post("/tasks/<int:task_id>/done")
@requires("follow_up_leads")
def task_done(task_id: int):
    """Mark an event's follow-up task done."""
    task = db.get_or_404(FollowUp, task_id)
    form = ActionForm()
    if not form.validate():
        abort(400)
    if services.mark_follow_up_done(task, current_user):
        db.session.commit()
        flash(f"Done: {task.description}", "success")
    else:
        flash("Someone had already marked that task done.", "warning")
    return _back(form)


@bp.post("/leads/<int:candidate_id>/<int:event_id>/contacted")
@requires("follow_up_leads")
def lead_contacted(candidate_id: int, event_id: int):
    """Note that an event's lead has been contacted."""
    link = queries.lead_link(candidate_id, event_id)
    if link is None:
        abort(404)
    form = ActionForm()
    if not form.validate():
        abort(400)
    if services.mark_lead_contacted(link, current_user):
        db.session.commit()
        flash(f"{link.candidate.full_name} is marked contacted.", "success")
    else:
        flash(f"{link.candidate.full_name} had already been contacted.", "warning")
    return _back(form)
