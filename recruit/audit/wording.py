"""How the audit log reads to an admin: actions as sentences, details as lines, records
as links."""

from collections.abc import Iterable

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from recruit.audit.models import AuditEntry
from recruit.auth.policy import can
from recruit.extensions import db

# One sentence per action code; a code missing here is shown as it is.
ACTION_LABELS = {
    "admin.export_all": _l("Exported all the office's data"),
    "audit.export": _l("Exported the audit log"),
    "auth.recovery_codes_replaced": _l("Replaced their recovery codes"),
    "auth.session_end": _l("Signed a device out"),
    "auth.sign_in": _l("Signed in"),
    "auth.sign_in_failed": _l("Failed to sign in"),
    "auth.sign_in_limited": _l("Was slowed down after failed sign-ins"),
    "auth.sign_out": _l("Signed out"),
    "auth.sign_out_everywhere": _l("Signed out on every device"),
    "auth.two_step_disabled": _l("Turned two-step verification off"),
    "auth.two_step_enrolled": _l("Turned two-step verification on"),
    "auth.two_step_failed": _l("Gave a wrong two-step code"),
    "auth.two_step_locked": _l("Was locked out after wrong two-step codes"),
    "auth.two_step_passed": _l("Passed two-step verification"),
    "auth.two_step_reset": _l("Reset someone's two-step verification"),
    "auth.two_step_throttled": _l("Was slowed down after wrong two-step codes"),
    "candidate.create": _l("Added a candidate"),
    "candidate.export": _l("Exported candidates as CSV"),
    "candidate.form_again": _l("The student sent the interest form again"),
    "candidate.lead_again": _l("Met a known student again as a lead"),
    "candidate.merge": _l("Merged two candidate records"),
    "candidate.resume_download": _l("Downloaded a resume"),
    "candidate.stop_emails": _l("The student asked us to stop emailing them"),
    "candidate.update": _l("Edited a candidate"),
    "contact.create": _l("Added a contact"),
    "contact.update": _l("Edited a contact"),
    "evaluation.submit": _l("An evaluation was sent in"),
    "evaluation_item.reword": _l("Reworded an evaluation question"),
    "evaluation_request.create": _l("Sent an evaluation link"),
    "evaluation_request.revoke": _l("Revoked an evaluation link"),
    "event.create": _l("Added an event"),
    "event.follow_up": _l("Wrote to an event's leads"),
    "event.move": _l("Changed an event's status"),
    "event.update": _l("Edited an event"),
    "event.visit": _l("Logged a fair visit"),
    "follow_up.done": _l("Marked a follow-up done"),
    "import.attendees": _l("Imported an attendee list"),
    "interaction.create": _l("Logged an interaction with a contact"),
    "interview.cancel": _l("Cancelled an interview"),
    "interview.cancelled_by_candidate": _l("The candidate cancelled an interview"),
    "interview.chosen_by_candidate": _l("The candidate chose an interview time"),
    "interview.moved_by_candidate": _l("The candidate moved an interview"),
    "interview.offer": _l("Offered interview times"),
    "interview.reschedule": _l("Moved an interview"),
    "interview.schedule": _l("Scheduled an interview"),
    "interview_kit.create": _l("Started an interview kit"),
    "interview_kit.save": _l("Edited an interview kit"),
    "lead.contacted": _l("Marked a lead contacted"),
    "message.compose": _l("Wrote to a candidate"),
    "message.resend": _l("Sent a message again"),
    "message_template.retire": _l("Retired a message template"),
    "message_template.save": _l("Saved a message template"),
    "message_template.spanish_default": _l("Used the default Spanish wording of a message"),
    "placement.create": _l("Placed a candidate in a position"),
    "placement.outcome": _l("Recorded a placement's outcome"),
    "position.create": _l("Added a position"),
    "position.update": _l("Edited a position"),
    "privacy.erase": _l("Erased a student's record"),
    "privacy.export": _l("Exported everything held on a student"),
    "privacy.legal_hold": _l("Changed a legal hold"),
    "privacy.retention": _l("Erased a record past its retention period"),
    "privacy.retention_run": _l("Ran the retention schedule"),
    "proposal.accept": _l("Accepted an update sent through the public form"),
    "proposal.create": _l("The public form sent an update for a known student"),
    "proposal.dismiss": _l("Dismissed an update sent through the public form"),
    "proposal.file_delete": _l("Deleted a file sent with an update"),
    "proposal.file_download": _l("Downloaded a file sent with an update"),
    "scorecard.submit": _l("Sent in an interview scorecard"),
    "settings.two_step_required": _l("Changed whether two-step verification is required"),
    "settings.update": _l("Changed the settings"),
    "stage.create": _l("Added a stage"),
    "stage.messages": _l("Changed which stages send a message"),
    "stage.reorder": _l("Moved a stage in the pipeline"),
    "stage.retire": _l("Retired a stage"),
    "stage.student_text": _l("Changed what students read about a stage"),
    "stage.update": _l("Edited a stage"),
    "student.data_download": _l("The student downloaded their data"),
    "student.details": _l("The student changed their details"),
    "student.erasure_request": _l("The student asked us to erase their data"),
    "student.link_request": _l("The student asked for a link to their page"),
    "student.openings": _l("The student chose openings"),
    "student.resume": _l("The student sent a new resume"),
    "student.stop_emails": _l("The student asked us to stop emailing them"),
    "student.withdraw": _l("The student withdrew their application"),
    "university.create": _l("Added a university"),
    "university.update": _l("Edited a university"),
    "user.calendar_token": _l("Made a new calendar link"),
    "user.create": _l("Added a staff account"),
    "user.password_change": _l("Changed their password"),
    "user.update": _l("Changed a staff account"),
}

# What each kind of record is called, the page that shows it (endpoint and id argument)
# and who may open that page. Entries name records by their class name.
RECORD_PAGES = {
    "Candidate": (_l("Candidate"), "candidates.detail", "candidate_id", "view_pipeline"),
    "User": (_l("Staff account"), "admin.edit_user", "user_id", "administer"),
    "Event": (_l("Event"), "events.detail", "event_id", "view_pipeline"),
    "University": (_l("University"), "universities.detail", "university_id", "view_pipeline"),
    "Contact": (_l("Contact"), "contacts.detail", "contact_id", "view_pipeline"),
    "Position": (_l("Position"), "positions.detail", "position_id", "view_pipeline"),
    "Placement": (_l("Placement"), "placements.detail", "placement_id", "view_pipeline"),
    "Interview": (_l("Interview"), "interviews.detail", "interview_id", "view_pipeline"),
    "Stage": (_l("Stage"), "stages.wording", "stage_id", "administer"),
    "MessageTemplate": (
        _l("Message template"),
        "message_templates.edit",
        "template_id",
        "administer",
    ),
}
# Entries written before the fix name the signed-in user by the proxy Flask-Login hands
# out for them; no other proxy was ever recorded.
TARGET_ALIASES = {"LocalProxy": "User"}
# Actions whose details hold [before, after] pairs.
PAIRED_CHANGES = frozenset({"user.update", "interview_kit.save", "stage.reorder"})


def action_label(action: str) -> str:
    """An action as a sentence, or its code when it has none."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def target_type(entry: AuditEntry) -> str | None:
    """The kind of record an entry is about, with old proxy names read as what they were."""
    return TARGET_ALIASES.get(entry.target_type, entry.target_type)


def _value(value) -> str:
    if value is None:
        return _("none")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dict):
        return "; ".join(f"{_key(k)}: {_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_value(item) for item in value) or _("none")
    return str(value)


def _key(key: str) -> str:
    return key.replace("_", " ").capitalize()


def detail_lines(entry: AuditEntry, skip: Iterable[str] = ()) -> list[tuple[str, str]]:
    """An entry's details as (name, value) lines a person reads."""
    lines = []
    for key, value in (entry.detail or {}).items():
        if key in skip:
            continue
        if entry.action in PAIRED_CHANGES and isinstance(value, list) and len(value) == 2:
            text = f"{_value(value[0])} → {_value(value[1])}"
        else:
            text = _value(value)
        lines.append((_key(key), text))
    return lines


def _model(name: str):
    return next(m.class_ for m in db.Model.registry.mappers if m.class_.__name__ == name)


def record_links(entries: list[AuditEntry], viewer) -> dict[int, tuple[str, str | None]]:
    """Each entry's record as (name, link or None): a link when the record still exists
    and the viewer may open its page. One query per kind of record on the page."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        kind = target_type(entry)
        if kind in RECORD_PAGES and entry.target_id is not None:
            wanted.setdefault(kind, set()).add(entry.target_id)
    existing = {}
    for kind, ids in wanted.items():
        if not can(viewer, RECORD_PAGES[kind][3]):
            continue
        model = _model(kind)
        existing[kind] = set(db.session.scalars(select(model.id).where(model.id.in_(ids))))
    links = {}
    for entry in entries:
        kind = target_type(entry)
        if kind is None:
            continue
        name, endpoint, argument, _action = RECORD_PAGES.get(kind, (kind, None, None, None))
        shown = f"{name} #{entry.target_id}" if entry.target_id is not None else str(name)
        found = entry.target_id in existing.get(kind, ())
        link = url_for(endpoint, **{argument: entry.target_id}) if found else None
        links[entry.id] = (shown, link)
    return links
