"""The admin's export of everything, one CSV per table in a zip; personal fields only by
deliberate choice, secrets never."""

import csv
import io
import zipfile

from sqlalchemy import select

from recruit.audit.services import impersonal_detail, record
from recruit.exports import csv_safe
from recruit.extensions import db
from recruit.timezones import local_today

# Columns that identify a person, or free text that may name one: left blank unless the
# admin chooses to include them.
PERSONAL_COLUMNS = {
    "candidates": {
        "first_name",
        "last_name",
        "name_key",
        "email",
        "phone",
        "phone_key",
        "availability",
        "university_other",
    },
    "candidate_emails": {"email"},
    "contacts": {"name", "email", "phone", "notes"},
    "notes": {"body"},
    "interactions": {"notes"},
    "stage_changes": {"comment"},
    "attachments": {"original_name"},
    "evaluations": {"submitted_by_name", "strengths", "areas_to_grow"},
    "evaluation_answers": {"value"},
    "evaluation_requests": {"recipient_name", "recipient_email"},
    "placements": {"supervisor_name", "supervisor_email", "mentor_name", "hired_title"},
    "positions": {"supervisor_name", "supervisor_email"},
    "users": {"email", "name"},
    "staff_sessions": {"address", "device"},
    "outbox_messages": {"to", "subject", "body", "calendar", "last_error"},
    "proposed_updates": {
        "first_name",
        "last_name",
        "phone",
        "university_other",
        "availability",
        "file_name",
    },
    "interviews": {"location", "video_url", "note_for_candidate"},
    "interviewers": {"name", "email"},
    "scorecards": {"summary"},
    "fair_visits": {"staff_present", "notes"},
    "follow_ups": {"description"},
    "events": {"notes"},
    "universities": {"notes"},
    "audit_entries": {"remote_addr"},
}
# Columns kept without their personal parts: an audit entry's detail without the keys that
# may copy a person's details, a scorecard's ratings without the evidence written for each.
IMPERSONAL_FORMS = {
    ("audit_entries", "detail"): impersonal_detail,
    ("scorecards", "ratings"): lambda ratings: [
        {key: value for key, value in rating.items() if key != "evidence"}
        for rating in ratings or []
    ],
}
# Columns that are never exported: they would let someone sign in or open a link.
SECRET_COLUMNS = {
    "users": {"password_hash", "calendar_token_hash", "totp_secret"},
    "staff_sessions": {"token_hash"},
    "recovery_codes": {"code_hash"},
    "evaluation_requests": {"token_hash", "link_nonce"},
}


def export_zip(by_user, include_personal: bool) -> bytes:
    """A zip of CSV files, one per table, in dependency order; audited."""
    buffer = io.BytesIO()
    tables = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in db.metadata.sorted_tables:
            secret = SECRET_COLUMNS.get(table.name, set())
            personal = set() if include_personal else PERSONAL_COLUMNS.get(table.name, set())
            columns = [c for c in table.columns if c.name not in secret]
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow([c.name for c in columns])
            rows = db.session.execute(select(*columns).order_by(*table.primary_key.columns))
            forms = {} if include_personal else _forms(table.name)
            for row in rows:
                writer.writerow(
                    [
                        ""
                        if column.name in personal
                        else csv_safe(forms[column.name](value) if column.name in forms else value)
                        for column, value in zip(columns, row, strict=True)
                    ]
                )
            archive.writestr(f"{table.name}.csv", text.getvalue())
            tables.append(table.name)
    record("admin.export_all", user=by_user, personal=include_personal, tables=len(tables))
    return buffer.getvalue()


def _forms(table_name: str) -> dict:
    return {
        column: form for (table, column), form in IMPERSONAL_FORMS.items() if table == table_name
    }


def filename(include_personal: bool) -> str:
    """The download's name says whether personal fields are in it."""
    kind = "with-personal-data" if include_personal else "without-personal-data"
    return f"recruit-export-{local_today().isoformat()}-{kind}.zip"
