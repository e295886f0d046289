"""Message pages: the outbox, templates and stage messages (admins), a candidate's messages,
an event's follow-up, and the students' one-click stop-emails link."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from recruit.admin.untranslated import untranslated_count
from recruit.auth.access import public, requires
from recruit.candidates.models import Candidate, Stage
from recruit.database import parse_id, utcnow
from recruit.events.models import Event
from recruit.extensions import csrf, db, limiter
from recruit.forms import Form
from recruit.messages import services
from recruit.messages.delivery import mail_on
from recruit.messages.forms import ComposeForm, TemplateChoiceForm, TemplateForm
from recruit.messages.models import DeliveryState, MessageTemplate, OutboxMessage
from recruit.pagination import paginate
from recruit.stale import StaleSave, refuse

outbox_bp = Blueprint("outbox", __name__, url_prefix="/outbox")
templates_bp = Blueprint("message_templates", __name__, url_prefix="/admin/messages")
candidate_messages_bp = Blueprint("candidate_messages", __name__, url_prefix="/candidates")
follow_up_bp = Blueprint("event_follow_up", __name__, url_prefix="/events")
stop_bp = Blueprint("stop_emails", __name__, url_prefix="/apply/stop")


def _template_choices(blank: str | None = None) -> list[tuple[str, str]]:
    choices = [(str(t.id), t.name) for t in services.active_templates()]
    return [("", blank), *choices] if blank else choices


# --- the outbox -------------------------------------------------------------------------


@outbox_bp.get("/", endpoint="index")
@requires("use_outbox")
def outbox():
    """Every message, newest first, with its delivery state; failed ones say why."""
    state = request.args.get("state", "")
    query = select(OutboxMessage).options(
        joinedload(OutboxMessage.candidate), joinedload(OutboxMessage.created_by)
    )
    if state in DeliveryState.__members__.values():
        query = query.where(OutboxMessage.state == DeliveryState(state))
    query = query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    return render_template(
        "messages/outbox.html",
        page=paginate(query, request.args),
        mail_on=mail_on(),
        state=state,
        states=list(DeliveryState),
        now=utcnow(),
    )


@outbox_bp.post("/<int:message_id>/resend")
@requires("use_outbox")
def resend(message_id: int):
    """Try a failed or withdrawn message again, or send a delivered one once more."""
    message = db.get_or_404(OutboxMessage, message_id)
    try:
        services.resend(message, current_user)
    except services.MessageRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        db.session.commit()
        flash("The message is queued to go again.", "success")
    back = request.form.get("back", "")
    if back == "candidate" and message.candidate_id:
        return redirect(url_for("candidate_messages.index", candidate_id=message.candidate_id))
    return redirect(url_for("outbox.index"))


# --- templates and stage messages (admins) ----------------------------------------------


@templates_bp.before_request
@requires("administer")
def admins_only():
    """Only admins word the office's messages."""


@templates_bp.get("/", endpoint="index")
def template_list():
    """Templates, and which message each stage sends on entry."""
    stages = db.session.scalars(
        select(Stage).where(Stage.retired.is_(False)).order_by(Stage.position)
    ).all()
    templates = db.session.scalars(
        select(MessageTemplate).order_by(MessageTemplate.retired, MessageTemplate.name)
    ).all()
    return render_template(
        "messages/templates.html",
        templates=templates,
        stages=stages,
        choices=_template_choices(),
        form=Form(),
        untranslated=untranslated_count(),
    )


@templates_bp.post("/stages")
def stage_messages():
    """Save which message each stage sends on entry (or none)."""
    form = Form()
    if not form.validate():
        abort(400)
    allowed = {t.id for t in services.active_templates()}
    changed = []
    for stage in db.session.scalars(select(Stage).where(Stage.retired.is_(False))):
        chosen = parse_id(request.form.get(f"stage-{stage.id}", ""))
        chosen = chosen if chosen in allowed else None
        if stage.message_template_id != chosen:
            stage.message_template_id = chosen
            changed.append(stage.name)
    if changed:
        services.record_stage_messages(current_user, changed)
    db.session.commit()
    flash("Saved which stages send a message.", "success")
    return redirect(url_for("message_templates.index"))


@templates_bp.route("/new", methods=["GET", "POST"])
def create():
    """Add a template."""
    return _edit(None)


@templates_bp.route("/<int:template_id>", methods=["GET", "POST"])
def edit(template_id: int):
    """Reword a template, with a preview on a real candidate."""
    return _edit(db.get_or_404(MessageTemplate, template_id))


def _edit(template: MessageTemplate | None):
    form = TemplateForm(obj=template if request.method == "GET" else None)
    form.preview_candidate.choices = services.preview_choices()
    status = 200
    conflict = None
    if request.method == "GET" and template is not None:
        form.load_version(template)
    if request.method == "POST" and request.form.get("action") != "preview" and form.validate():
        try:
            template = services.save_template(
                template,
                form.data,
                form.loaded_version if template is not None else None,
                current_user,
            )
        except StaleSave as stale:
            conflict = refuse(stale, form)
            template = stale.current()
            status = 409
        except services.MessageRefused as refused:
            db.session.rollback()
            field = form.name if isinstance(refused, services.NameTaken) else form.body
            field.errors = [*field.errors, str(refused)]
            status = 400
        else:
            db.session.commit()
            flash(f"Saved “{template.name}”.", "success")
            return redirect(url_for("message_templates.edit", template_id=template.id))
    elif request.method == "POST" and request.form.get("action") != "preview":
        status = 400
    # After a refused stale save the preview shows the words saved meanwhile, as the
    # refusal says; otherwise the words in the form.
    if conflict:
        subject, body = template.subject, template.body
        subject_es, body_es = template.subject_es, template.body_es
    else:
        subject, body = form.subject.data or "", form.body.data or ""
        subject_es, body_es = form.subject_es.data or "", form.body_es.data or ""
    preview_id = parse_id(form.preview_candidate.data or "")
    preview = services.preview(subject, body, preview_id)
    preview_es = (
        services.preview(subject_es, body_es, preview_id, "es") if body_es.strip() else None
    )
    return render_template(
        "messages/template_form.html",
        form=form,
        template=template,
        conflict=conflict,
        preview=preview,
        preview_es=preview_es,
        placeholders=services.PLACEHOLDERS,
    ), status


@templates_bp.post("/<int:template_id>/retire")
def retire(template_id: int):
    """Stop offering a template (stages that sent it send nothing until changed)."""
    template = db.get_or_404(MessageTemplate, template_id)
    services.retire_template(template, current_user)
    db.session.commit()
    flash(f"Retired “{template.name}”.", "success")
    return redirect(url_for("message_templates.index"))


# --- one candidate's messages -----------------------------------------------------------


@candidate_messages_bp.route(
    "/<int:candidate_id>/messages", methods=["GET", "POST"], endpoint="index"
)
@requires("message_candidates")
def candidate_messages(candidate_id: int):
    """Every message to a candidate and its delivery state; write a new one."""
    candidate = db.get_or_404(Candidate, candidate_id)
    start = TemplateChoiceForm(request.args, meta={"csrf": False})
    start.template.choices = _template_choices("Blank message")
    form = ComposeForm()
    chosen = db.session.get(MessageTemplate, parse_id(start.template.data or "") or 0)
    if request.method == "GET" and chosen is not None:
        form.subject.data, form.body.data = chosen.subject, chosen.body
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                services.compose(candidate, form.subject.data, form.body.data, current_user)
            except services.MessageRefused as refused:
                db.session.rollback()
                flash(str(refused), "error")
                status = 422
            else:
                db.session.commit()
                flash(f"Message to {candidate.full_name} queued.", "success")
                return redirect(url_for("candidate_messages.index", candidate_id=candidate.id))
        else:
            status = 400
    return render_template(
        "messages/candidate.html",
        candidate=candidate,
        messages=services.messages_for(candidate),
        form=form,
        start=start,
        refusal=services.why_not_message(candidate),
        mail_on=mail_on(),
        now=utcnow(),
        placeholders=services.PLACEHOLDERS,
    ), status


# --- an event's follow-up ---------------------------------------------------------------


@follow_up_bp.route("/<int:event_id>/follow-up", methods=["GET", "POST"])
@requires("follow_up_leads")
def follow_up(event_id: int):
    """Send a template to the event's leads not yet contacted, after showing how many."""
    event = db.get_or_404(Event, event_id)
    form = TemplateChoiceForm()
    form.template.choices = _template_choices()
    if request.method == "GET" and not form.template.data:
        booth = services.template_by_key("booth_thanks")
        form.template.data = str(booth.id) if booth else ""
    template = db.session.get(MessageTemplate, parse_id(form.template.data or "") or 0)
    if template is not None and template.retired:
        template = None
    if request.method == "POST" and request.form.get("action") == "send":
        if not form.validate() or template is None:
            flash("Choose the message to send.", "error")
        else:
            queued, skipped = services.follow_up_event(event, template, current_user)
            db.session.commit()
            note = f" {skipped} skipped (no consent or asked not to be emailed)." if skipped else ""
            flash(f"Queued “{template.name}” for {queued} leads.{note}", "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template(
        "messages/follow_up.html",
        event=event,
        form=form,
        template=template,
        counts=services.follow_up_preview(event),
        sample=services.follow_up_sample(event, template),
    )


# --- students stop emails ---------------------------------------------------------------


def _stop_limit() -> str:
    return current_app.config["INTEREST_FORM_LIMIT"]


@stop_bp.route("/<token>", methods=["GET", "POST"])
@public
@csrf.exempt  # the signed token is the credential; mail clients post here in one click
@limiter.limit(_stop_limit, methods=["POST"])
def stop(token: str):
    """A student's stop-emails link: a page with one button, or the mail client's own
    one-click post (RFC 8058)."""
    candidate = services.candidate_for_stop_token(token[:200])
    if candidate is None:
        return render_template("messages/stop.html", candidate=None), 404
    if request.method == "POST":
        services.stop_emails(candidate)
        db.session.commit()
    return render_template(
        "messages/stop.html",
        candidate=candidate,
        stopped=candidate.emails_stopped_at is not None,
        contact=services.office(),
    )
