"""Message rules: templates and their placeholders, who may be written to, and the one
way a message enters the outbox. Nothing here talks to a mail server: the worker in
`delivery.py` does, after the change that queued the message has committed."""

import re
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy.orm import joinedload

from recruit import cached
from recruit.admin.models import get_setting
from recruit.audit.services import record
from recruit.candidates.models import Candidate, CandidateEvent, Stage, person_name
from recruit.database import utcnow
from recruit.events.models import Event
from recruit.extensions import db
from recruit.i18n import in_language
from recruit.localized import localized
from recruit.messages.defaults import (
    DEFAULT_TEMPLATES,
    DEFAULT_TEMPLATES_ES,
    PLACEHOLDERS,
    STAGE_MESSAGES,
    STUDENT_REASONS,
)
from recruit.messages.models import DeliveryState, LinkKind, MessageTemplate, OutboxMessage
from recruit.plain_text import CONTROL
from recruit.stale import check, flush

# What an erased candidate's messages say instead of their subject (their body is blank).
ERASED_SUBJECT = "(erased)"
# Where a private link or the stop-emails link goes in a stored body. The worker puts the
# real link there when it sends, so the outbox (and a copy of the database) never has it.
PRIVATE_LINK_MASK = "[private link, made when the message is sent]"
STOP_LINK_MASK = "[stop-emails link]"

# A student who sends the form again and again hears from us at most this often.
CONFIRMATION_INTERVAL = timedelta(hours=1)

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


class MessageRefused(Exception):
    """A message Recruit will not send, with the reason in words staff understand."""


class NameTaken(MessageRefused):
    """A template name another template has (names are unique)."""


# --- templates --------------------------------------------------------------------------


def template_errors(*texts: str) -> list[str]:
    """What is wrong with a template's placeholders: unknown names or stray braces."""
    errors = []
    for text in texts:
        for match in _PLACEHOLDER.finditer(text or ""):
            if match.group(0) in ("{{", "}}"):
                continue
            name = match.group(1)
            if name is None:
                errors.append("A brace { or } stands alone: write {{ or }} for a literal one.")
            elif name not in PLACEHOLDERS:
                errors.append(
                    f"{{{name}}} is not a placeholder Recruit knows. Use one of: "
                    + ", ".join(f"{{{known}}}" for known in PLACEHOLDERS)
                    + "."
                )
    return list(dict.fromkeys(errors))


def render(text: str, values: dict[str, str]) -> str:
    """Fill a checked template's placeholders; {{ and }} stand for literal braces."""

    def fill(match: re.Match) -> str:
        whole, name = match.group(0), match.group(1)
        if whole in ("{{", "}}"):
            return whole[0]
        return values.get(name, "") if name is not None else whole

    return _PLACEHOLDER.sub(fill, text)


def office() -> dict[str, str]:
    """The office's name and contact address, as every message signs off."""
    return {"office_name": get_setting("office_name"), "office_email": get_setting("office_email")}


def candidate_values(
    candidate: Candidate,
    reason: str | None = None,
    event: Event | None = None,
    language: str | None = None,
) -> dict[str, str]:
    """What each placeholder says for one candidate, in the message's language (by
    default theirs)."""
    if event is None:
        event = candidate.source_event
    reason = (
        STUDENT_REASONS.get(reason or candidate.closed_reason or "") or STUDENT_REASONS["other"]
    )
    with in_language(language or candidate.language):
        return {
            "first_name": candidate.first_name,
            "last_name": candidate.last_name,
            "full_name": candidate.full_name,
            "stage": candidate.stage.name,
            "reason": str(reason),
            "event": event.name if event is not None else str(_("our recent event")),
            "status_link": PRIVATE_LINK_MASK,
            **office(),
        }


def uses_placeholder(text: str, name: str) -> bool:
    """Does a template's text use this placeholder?"""
    return any(match.group(1) == name for match in _PLACEHOLDER.finditer(text or ""))


def fill(subject: str, body: str, values: dict[str, str]) -> tuple[str, str]:
    """A message's subject and body for one candidate. Private links go in the body
    only: a subject is shown in inbox lists and notifications."""
    return render(subject, {**values, "status_link": ""}), render(body, values)


def status_link_for(candidate: Candidate, body: str, new_candidate: bool = False) -> dict:
    """A fresh link to the student's own page for a message whose body asks for one
    ({status_link}), as queue()'s link_kind and link_ref; nothing otherwise. Issuing it
    retires the student's older links, which a candidate made in this transaction has
    none of."""
    if not uses_placeholder(body, "status_link"):
        return {}
    from recruit.students.services import issue_status_link

    link = issue_status_link(candidate, retire_older=not new_candidate)
    return {"link_kind": LinkKind.STATUS, "link_ref": link.id}


def template_text(template: MessageTemplate, language: str | None) -> tuple[str, str, str]:
    """A template's subject, body and their language: the Spanish wording when the
    candidate reads Spanish and an admin has written one, else the English. The rest of
    the message (placeholders, the footer) follows the language chosen here."""
    # Subject and body change language together (the editor saves both or neither).
    if localized("", template.body_es, language or "en"):
        return template.subject_es, template.body_es, "es"
    return template.subject, template.body, "en"


def active_templates() -> list[MessageTemplate]:
    """Templates staff may send, by name."""
    return list(
        db.session.scalars(
            select(MessageTemplate)
            .where(MessageTemplate.retired.is_(False))
            .order_by(MessageTemplate.name)
        )
    )


def template_by_key(key: str) -> MessageTemplate | None:
    """One of Recruit's own templates, unless an admin retired it."""
    return db.session.scalar(
        select(MessageTemplate).where(
            MessageTemplate.key == key, MessageTemplate.retired.is_(False)
        )
    )


def ensure_default_templates() -> dict[str, MessageTemplate]:
    """Add Recruit's own templates that are missing, with their Spanish wording; returns
    them all by key. Templates already there keep their words, Spanish included."""
    existing = {
        t.key: t
        for t in db.session.scalars(select(MessageTemplate).where(MessageTemplate.key.is_not(None)))
    }
    for key, name, subject, body in DEFAULT_TEMPLATES:
        if key not in existing:
            subject_es, body_es = DEFAULT_TEMPLATES_ES.get(key, ("", ""))
            existing[key] = MessageTemplate(
                key=key,
                name=name,
                subject=subject,
                body=body,
                subject_es=subject_es,
                body_es=body_es,
            )
            db.session.add(existing[key])
    db.session.flush()
    return existing


def greet_standard_stages(stages: dict[str, Stage]) -> None:
    """Turn on the automatic messages a new office starts with (Interview, Offer, Not
    selected, Talent pool), in English and Spanish."""
    templates = ensure_default_templates()
    add_spanish_to_untouched(templates.values())
    for stage_key, template_key in STAGE_MESSAGES.items():
        if stage_key in stages:
            stages[stage_key].message_template = templates[template_key]
    db.session.flush()


def save_template(
    template: MessageTemplate | None, values: dict, expected_version: int | None, by_user
) -> MessageTemplate:
    """Add or reword a template; refuses unknown placeholders and stale saves."""
    errors = template_errors(
        values["subject"], values["body"], values.get("subject_es", ""), values.get("body_es", "")
    )
    if errors:
        raise MessageRefused(errors[0])
    name = values["name"].strip()
    if db.session.scalar(
        select(MessageTemplate.id).where(
            MessageTemplate.name == name, MessageTemplate.id != getattr(template, "id", None)
        )
    ):
        raise NameTaken(f"Another template is already named “{name}”. Choose another name.")
    if template is None:
        template = MessageTemplate()
        db.session.add(template)
    else:
        check(template, expected_version, "template")
    template.name = name
    template.subject = values["subject"].strip()
    template.body = values["body"].replace("\r\n", "\n").strip()
    if "body_es" in values:
        template.subject_es = values["subject_es"].strip()
        template.body_es = values["body_es"].replace("\r\n", "\n").strip()
    template.updated_by_id = by_user.id
    flush(template, "template")
    record("message_template.save", user=by_user, target=template, name=template.name)
    return template


def add_spanish_to_untouched(templates) -> None:
    """Give Recruit's Spanish to its own templates still worded exactly as it wrote them
    and with no Spanish: a new office's come from the migrations, in English alone."""
    english = {key: (subject, body) for key, _name, subject, body in DEFAULT_TEMPLATES}
    for template in templates:
        wording = default_spanish(template)
        if (
            wording is not None
            and english.get(template.key) == (template.subject, template.body)
            and not (template.subject_es.strip() or template.body_es.strip())
        ):
            template.subject_es, template.body_es = wording
    db.session.flush()


def default_spanish(template: MessageTemplate) -> tuple[str, str] | None:
    """Recruit's Spanish subject and message for one of its own templates, if it has one."""
    return DEFAULT_TEMPLATES_ES.get(template.key or "")


def use_default_spanish(
    template: MessageTemplate, expected_version: int | None, by_user
) -> MessageTemplate:
    """Give a template without Spanish Recruit's own Spanish wording of it; refuses a stale
    save, and never writes over Spanish an admin wrote."""
    check(template, expected_version, "template")
    wording = default_spanish(template)
    if wording is None:
        raise MessageRefused(f"Recruit has no Spanish wording of “{template.name}”.")
    if template.subject_es.strip() or template.body_es.strip():
        raise MessageRefused(f"“{template.name}” already has Spanish words: edit them there.")
    template.subject_es, template.body_es = wording
    template.updated_by_id = by_user.id
    flush(template, "template")
    record("message_template.spanish_default", user=by_user, target=template, name=template.name)
    return template


# --- who may be written to --------------------------------------------------------------


def reachable() -> ColumnElement[bool]:
    """SQL: candidates Recruit may write to, as why_not_message() says."""
    return and_(
        Candidate.anonymized_at.is_(None),
        Candidate.emails_stopped_at.is_(None),
        Candidate.consent_at.is_not(None),
    )


def why_not_message(candidate: Candidate, *, agreed_in_form: bool = False) -> str | None:
    """Why Recruit must not write to this candidate, or None when it may. agreed_in_form:
    the message answers a form in which the student agreed to be contacted, which a known
    student's record does not show until HR accepts it (a proposed update)."""
    if candidate.anonymized_at is not None:
        return "their record was erased"
    if candidate.emails_stopped_at is not None:
        return "they asked us to stop emailing them"
    if candidate.consent_at is None and not agreed_in_form:
        return "they have not agreed to be contacted"
    return None


# --- into the outbox --------------------------------------------------------------------


def queue(
    to: str,
    subject: str,
    body: str,
    *,
    candidate: Candidate | None = None,
    template_key: str | None = None,
    by_user=None,
    due_at: datetime | None = None,
    link_kind: LinkKind | None = None,
    link_ref: int | None = None,
    language: str = "en",
    calendar: str | None = None,
) -> OutboxMessage:
    """Write one message to the outbox in the caller's transaction; the worker sends it
    once that commits (and not before due_at). The footer is in the message's language."""
    if candidate is not None:
        contact = office()
        with in_language(language):
            stop = _("Stop emails from us:")
        body = (
            f"{body.rstrip()}\n\n--\n{contact['office_name']} · {contact['office_email']}\n"
            f"{stop} {STOP_LINK_MASK}"
        )
    message = OutboxMessage(
        to=to,
        # One line of text: a line break or other control character (in a name typed
        # with one) would make no valid header.
        subject=" ".join(CONTROL.sub(" ", subject).split())[:200],
        body=body,
        candidate_id=candidate.id if candidate is not None else None,
        template_key=template_key,
        message_id=new_message_id(),
        due_at=due_at or utcnow(),
        link_kind=link_kind,
        link_ref=link_ref,
        created_by_id=getattr(by_user, "id", None),
        calendar=calendar,
    )
    db.session.add(message)
    db.session.flush()
    return message


def new_message_id() -> str:
    """A Message-ID on the sender's domain, kept by the message across every try."""
    domain = current_app.config["MAIL_SENDER"].rpartition("@")[2] or "recruit.invalid"
    # From secrets, not email.utils.make_msgid: its part from the random module repeats
    # wherever that module is seeded (property-based tests seed it for every example).
    return f"<{secrets.token_hex(16)}@{domain}>"


def send_template(
    candidate: Candidate,
    template: MessageTemplate,
    by_user=None,
    reason: str | None = None,
    event: Event | None = None,
    agreed_in_form: bool = False,
    new_candidate: bool = False,
) -> OutboxMessage:
    """Queue a template for one candidate; MessageRefused when they must not be written to
    (see why_not_message for agreed_in_form). new_candidate: they were added in this
    transaction, so they have no links of ours to retire."""
    refusal = why_not_message(candidate, agreed_in_form=agreed_in_form)
    if refusal:
        raise MessageRefused(f"No message to {candidate.full_name}: {refusal}.")
    subject, body, language = template_text(template, candidate.language)
    values = candidate_values(candidate, reason, event, language)
    return queue(
        candidate.email,
        *fill(subject, body, values),
        candidate=candidate,
        template_key=template.key or f"template-{template.id}",
        by_user=by_user,
        language=language,
        **status_link_for(candidate, body, new_candidate),
    )


def compose(candidate: Candidate, subject: str, body: str, by_user) -> OutboxMessage:
    """Queue a message staff wrote (perhaps starting from a template) to one candidate;
    staff write in English, so its placeholders and footer are English too."""
    refusal = why_not_message(candidate)
    if refusal:
        raise MessageRefused(f"No message to {candidate.full_name}: {refusal}.")
    errors = template_errors(subject, body)
    if errors:
        raise MessageRefused(errors[0])
    values = candidate_values(candidate, language="en")
    body = body.replace("\r\n", "\n").strip()
    message = queue(
        candidate.email,
        *fill(subject.strip(), body, values),
        candidate=candidate,
        template_key="written",
        by_user=by_user,
        **status_link_for(candidate, body),
    )
    record("message.compose", user=by_user, target=candidate, message=message.id)
    return message


def stage_message(stage: Stage) -> MessageTemplate | None:
    """The template a stage sends on entry, if it sends one."""
    template = stage.message_template
    return template if template is not None and not template.retired else None


def greet_stage_entry(
    candidate: Candidate, stage: Stage, reason: str | None, by_user
) -> OutboxMessage | None:
    """Queue the stage's automatic message, if it has one and the candidate may be
    written to; the move goes ahead either way."""
    template = stage_message(stage)
    if template is None or why_not_message(candidate):
        return None
    return send_template(candidate, template, by_user, reason=reason)


def confirm_interest(
    candidate: Candidate, event: Event | None, new_candidate: bool = False
) -> OutboxMessage | None:
    """Queue "we received your form", at most once an hour per student (a student added
    by this very form has had none). The form carried the student's agreement to be
    contacted, so it is answered even when a known record does not show that agreement
    yet."""
    # Nothing pending bears on these reads: what the form added goes out with the link's
    # flush below, in one flush rather than two.
    with db.session.no_autoflush:
        template = template_by_key("interest_received")
        if template is None or why_not_message(candidate, agreed_in_form=True):
            return None
        if not new_candidate and _confirmed_lately(candidate):
            return None
    return send_template(
        candidate, template, event=event, agreed_in_form=True, new_candidate=new_candidate
    )


def _confirmed_lately(candidate: Candidate) -> bool:
    return (
        db.session.scalar(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.candidate_id == candidate.id,
                OutboxMessage.template_key == "interest_received",
                OutboxMessage.created_at > utcnow() - CONFIRMATION_INTERVAL,
            )
            .limit(1)
        )
        is not None
    )


# --- an event's leads -------------------------------------------------------------------


def _uncontacted_leads(event: Event):
    return (
        select(Candidate)
        .join(CandidateEvent, CandidateEvent.candidate_id == Candidate.id)
        .where(CandidateEvent.event_id == event.id, CandidateEvent.contacted_at.is_(None))
    )


def follow_up_preview(event: Event) -> dict[str, int]:
    """How many of an event's leads not yet contacted a follow-up would reach, and how
    many it must skip (no consent, stopped emails, erased)."""
    total, reached = db.session.execute(
        _uncontacted_leads(event).with_only_columns(func.count(), func.count().filter(reachable()))
    ).one()
    return {"uncontacted": total, "reachable": reached, "skipped": total - reached}


def follow_up_event(event: Event, template: MessageTemplate, by_user) -> tuple[int, int]:
    """Send a template to each lead of an event not yet contacted whom Recruit may write
    to, marking them contacted; returns (queued, skipped)."""
    skipped = follow_up_preview(event)["skipped"]
    # Mark first, in one statement: of two staff pressing Send at once, each lead is
    # claimed by one of them, so nobody gets the message twice.
    claimed = list(
        db.session.scalars(
            update(CandidateEvent)
            .where(
                CandidateEvent.event_id == event.id,
                CandidateEvent.contacted_at.is_(None),
                CandidateEvent.candidate_id.in_(select(Candidate.id).where(reachable())),
            )
            .values(contacted_at=utcnow())
            .returning(CandidateEvent.candidate_id)
            .execution_options(synchronize_session=False)
        )
    )
    leads = db.session.scalars(
        select(Candidate).where(Candidate.id.in_(claimed)).order_by(Candidate.id)
    )
    for candidate in leads:
        send_template(candidate, template, by_user, event=event)
    record(
        "event.follow_up",
        user=by_user,
        target=event,
        template=template.name,
        queued=len(claimed),
        skipped=skipped,
    )
    return len(claimed), skipped


# --- stopping emails --------------------------------------------------------------------


def _stop_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="stop-emails")


def stop_token(candidate_id: int) -> str:
    """The signed token of a candidate's stop-emails link."""
    return _stop_serializer().dumps(candidate_id)


def candidate_for_stop_token(token: str) -> Candidate | None:
    """The candidate a stop-emails link belongs to, or None for a forged one."""
    try:
        candidate_id = _stop_serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(candidate_id, int):
        return None
    return db.session.get(Candidate, candidate_id)


def stop_emails(candidate: Candidate) -> bool:
    """Record that a candidate wants no more email and withdraw what is queued for them;
    False when they had already asked."""
    if candidate.emails_stopped_at is not None:
        return False
    candidate.emails_stopped_at = utcnow()
    cancel_queued(candidate.id, "The candidate asked us to stop emailing them.")
    record("candidate.stop_emails", target=candidate)
    return True


def cancel_queued(candidate_id: int, why: str) -> None:
    """Withdraw a candidate's messages not yet sent."""
    db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.candidate_id == candidate_id,
            OutboxMessage.state == DeliveryState.QUEUED,
        )
        .values(state=DeliveryState.CANCELLED, last_error=why)
        .execution_options(synchronize_session=False)
    )


def erase_messages(candidate_id: int, email: str) -> None:
    """Forget where a candidate's messages went and what they said (erasure), including
    those sent to their address for another reason (an intern's self-assessment link).
    The rows stay, with their states and times, so the outbox's counts do not change."""
    cancel_queued(candidate_id, "The candidate's record was erased.")
    db.session.execute(
        update(OutboxMessage)
        .where(
            (OutboxMessage.candidate_id == candidate_id)
            | (func.lower(OutboxMessage.to) == email.strip().lower())
        )
        .values(
            to="erased",
            subject=ERASED_SUBJECT,
            body="",
            calendar=None,
            # A mail server's refusal may quote the address.
            last_error=func.replace(OutboxMessage.last_error, email.strip(), "erased"),
        )
        .execution_options(synchronize_session=False)
    )


def erase_link_messages(link_kind: LinkKind, refs: list[int]) -> None:
    """Forget what the messages carrying these links said about an erased candidate (a
    supervisor's evaluation link names the intern) and withdraw those not sent; the
    recipient, who is someone else, stays, and so do the rows."""
    if not refs:
        return
    forget_messages_about_erased(
        (OutboxMessage.link_kind == link_kind) & OutboxMessage.link_ref.in_(refs)
    )


def forget_messages_about_erased(about_them: ColumnElement[bool]) -> None:
    """Withdraw the messages about an erased candidate not sent yet, and blank what every
    one of them said; their recipients (other people) and the rows stay."""
    db.session.execute(
        update(OutboxMessage)
        .where(about_them, OutboxMessage.state == DeliveryState.QUEUED)
        .values(state=DeliveryState.CANCELLED, last_error="The candidate's record was erased.")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(OutboxMessage)
        .where(about_them)
        .values(subject=ERASED_SUBJECT, body="", calendar=None)
        .execution_options(synchronize_session=False)
    )


# --- staff actions on the outbox --------------------------------------------------------


def resend(message: OutboxMessage, by_user) -> OutboxMessage:
    """Try a failed or withdrawn message again, or send a delivered one once more."""
    if message.subject == ERASED_SUBJECT:
        raise MessageRefused("Not resent: what it said was erased with the candidate's record.")
    if message.candidate is not None and why_not_message(message.candidate):
        raise MessageRefused(
            f"Not resent: {message.candidate.full_name}: {why_not_message(message.candidate)}."
        )
    if message.state == DeliveryState.QUEUED:
        raise MessageRefused("That message is still waiting to go.")
    link_ref = message.link_ref
    if message.link_kind == LinkKind.STATUS and message.candidate is not None:
        from recruit.students.services import issue_status_link

        # The link it carried may have been replaced since: the student gets a new one.
        link_ref = issue_status_link(message.candidate).id
    if message.state == DeliveryState.SENT:
        again = OutboxMessage(
            to=message.to,
            subject=message.subject,
            body=message.body,
            candidate_id=message.candidate_id,
            template_key=message.template_key,
            message_id=new_message_id(),
            link_kind=message.link_kind,
            link_ref=link_ref,
            created_by_id=by_user.id,
            calendar=message.calendar,
        )
        db.session.add(again)
    else:
        again = message
        message.link_ref = link_ref
        message.state = DeliveryState.QUEUED
        message.attempts = 0
        message.due_at = utcnow()
        message.claimed_until = None
        message.last_error = ""
    db.session.flush()
    record("message.resend", user=by_user, target=again, original=message.id)
    return again


def messages_for(candidate: Candidate) -> list[OutboxMessage]:
    """Every message to a candidate, newest first."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .options(joinedload(OutboxMessage.created_by))
            .where(OutboxMessage.candidate_id == candidate.id)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        )
    )


# --- what admins and staff see before sending -------------------------------------------


def preview_choices() -> list[tuple[str, str]]:
    """The latest candidates who may be written to, to preview a template with."""
    rows = db.session.execute(
        select(Candidate.id, Candidate.first_name, Candidate.last_name)
        .where(Candidate.anonymized_at.is_(None))
        .order_by(Candidate.created_at.desc(), Candidate.id.desc())
        .limit(20)
    ).all()
    return [(str(row.id), person_name(row.first_name, row.last_name)) for row in rows]


def preview(subject: str, body: str, candidate_id: int | None, language: str = "en") -> dict | None:
    """A template's wording in one language filled in for one real candidate (the
    latest, if none is chosen)."""
    candidate = db.session.get(Candidate, candidate_id) if candidate_id else None
    if candidate is None:
        candidate = db.session.scalar(
            select(Candidate)
            .where(Candidate.anonymized_at.is_(None))
            .order_by(Candidate.created_at.desc(), Candidate.id.desc())
            .limit(1)
        )
    if candidate is None or template_errors(subject, body):
        return None
    values = candidate_values(candidate, language=language)
    subject, body = fill(subject, body.replace("\r\n", "\n"), values)
    return {"candidate": candidate, "subject": subject, "body": body}


def follow_up_sample(event: Event, template: MessageTemplate | None) -> dict | None:
    """The follow-up as its first reachable lead would read it."""
    if template is None:
        return None
    candidate = db.session.scalar(
        _uncontacted_leads(event).where(reachable()).order_by(Candidate.id).limit(1)
    )
    if candidate is None:
        return None
    subject, body, language = template_text(template, candidate.language)
    values = candidate_values(candidate, event=event, language=language)
    subject, body = fill(subject, body, values)
    return {"candidate": candidate, "subject": subject, "body": body}


def retire_template(template: MessageTemplate, by_user) -> None:
    """Stop offering a template; stages that sent it send nothing until an admin picks
    another."""
    template.retired = True
    db.session.execute(
        update(Stage)
        .where(Stage.message_template_id == template.id)
        .values(message_template_id=None)
        .execution_options(synchronize_session=False)
    )
    record("message_template.retire", user=by_user, target=template, name=template.name)


def stage_messages_hint() -> str:
    """Which stages send a message on entry, for the move form: kept with the pieces of
    pages (cached.fragment) until a stage or a message changes, or the minute turns."""
    return cached.fragment("stage_messages_hint", (), _stage_messages_hint)


def _stage_messages_hint() -> str:
    names = list(
        db.session.scalars(
            select(Stage.name)
            .join(MessageTemplate, Stage.message_template_id == MessageTemplate.id)
            .where(Stage.retired.is_(False), MessageTemplate.retired.is_(False))
            .order_by(Stage.position)
        )
    )
    if not names:
        return "No stage sends a message on entry."
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{listed} send a message on entry; untick to move without it."


def record_stage_messages(by_user, stage_names: list[str]) -> None:
    """Audit a change to which stages send a message."""
    record("stage.messages", user=by_user, stages=stage_names)
