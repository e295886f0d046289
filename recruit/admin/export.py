"""The admin's export of everything, one CSV per table in a zip; personal fields only by
deliberate choice, secrets never."""

import csv
import io
import zipfile

from sqlalchemy import select

from recruit.audit.services import record
from recruit.exports import csv_safe
from recruit.extensions import db
from recruit.timezones import local_today

# Columns that identify a person: left blank unless the admin chooses to include them.
PERSONAL_COLUMNS = {
    "candidates": {"first_name", "last_name", "email", "phone", "availability"},
    "contacts": {"name", "email", "phone", "notes"},
    "notes": {"body"},
    "interactions": {"notes"},
    "stage_changes": {"comment"},
    "attachments": {"original_name"},
    "evaluations": {"submitted_by_name", "strengths", "areas_to_grow"},
    "evaluation_answers": {"value"},
    "evaluation_requests": {"recipient_name", "recipient_email"},
    "placements": {"supervisor_name", "supervisor_email", "mentor_name"},
    "positions": {"supervisor_name", "supervisor_email"},
    "users": {"email", "name"},
    "staff_sessions": {"address"},
    "outbox_messages": {"to", "subject", "body"},
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
            for row in rows:
                writer.writerow(
                    [
                        "" if column.name in personal else csv_safe(value)
                        for column, value in zip(columns, row, strict=True)
                    ]
                )
            archive.writestr(f"{table.name}.csv", text.getvalue())
            tables.append(table.name)
    record("admin.export_all", user=by_user, personal=include_personal, tables=len(tables))
    return buffer.getvalue()


def filename(include_personal: bool) -> str:
    """The download's name says whether personal fields are in it."""
    kind = "with-personal-data" if include_personal else "without-personal-data"
    return f"recruit-export-{local_today().isoformat()}-{kind}.zip"
