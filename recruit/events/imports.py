"""Importing a fair's attendee list (CSV, TSV or JSON) as that event's leads: first a
preview of what would happen to each row, then one all-or-nothing commit."""

import io
import re
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select
from sqlite_utils.utils import rows_from_file

from recruit.audit.services import record
from recruit.candidates.models import Candidate, Source, Term
from recruit.events.models import Event
from recruit.extensions import db
from recruit.pipeline import leads
from recruit.plain_text import CONTROL, has_control_characters, shown_name
from recruit.universities.models import University

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
ALLOWED_SUFFIXES = (".csv", ".tsv", ".txt", ".json")
# A previewed file is kept this long for its commit; then it is gone, being personal data.
STASH_SECONDS = 2 * 60 * 60

# Header names fair platforms use, folded to lower-case words, for each field we keep.
COLUMNS = {
    "first_name": ("first name", "firstname", "first", "given name"),
    "last_name": ("last name", "lastname", "last", "surname", "family name"),
    "name": ("name", "full name", "student name"),
    "email": ("email", "e mail", "email address", "school email"),
    "school": ("school", "university", "college", "institution"),
    "major": ("major", "majors", "program", "field of study"),
    "graduation": ("graduation date", "graduation", "grad date", "expected graduation", "class of"),
    "notes": ("notes", "note", "comments", "comment"),
}
MONTH_TERMS = {
    **dict.fromkeys(range(1, 6), Term.SPRING),
    **dict.fromkeys(range(6, 9), Term.SUMMER),
    **dict.fromkeys(range(9, 13), Term.FALL),
}
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


class ImportRefused(ValueError):
    """A file that cannot be imported at all; nothing was changed."""


@dataclass
class ImportRow:
    """One row of the file and what the import would do with it."""

    number: int
    values: dict
    action: str  # "create", "update" or "reject"
    reason: str = ""
    note: str = ""


@dataclass
class Preview:
    """What an import would do, row by row."""

    rows: list[ImportRow] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def counts(self) -> Counter:
        return Counter(row.action for row in self.rows)

    @property
    def rejected(self) -> list[ImportRow]:
        return [row for row in self.rows if row.action == "reject"]


def _key(header: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", str(header).lower()).split())


def match_columns(headers) -> dict[str, str]:
    """Which header of the file feeds which field, matched by name."""
    found = {}
    for header in headers:
        for name, aliases in COLUMNS.items():
            if name not in found and _key(header) in aliases:
                found[name] = header
    return found


def parse_graduation(text: str) -> tuple[Term | None, int | None]:
    """'May 2027', '2027-05', '12/2026', 'Spring 2027' or '2027' as a term and a year."""
    text = (text or "").strip().lower()
    year_match = re.search(r"(19|20)\d{2}", text)
    if not year_match:
        return None, None
    year = int(year_match.group())
    for term in Term:
        if term.value in text:
            return term, year
    for word in re.findall(r"[a-z]+", text):
        if word in MONTHS:
            return MONTH_TERMS[MONTHS[word]], year
    numbers = [int(n) for n in re.findall(r"\d+", text.replace(year_match.group(), " ", 1))]
    month = next((n for n in numbers if 1 <= n <= 12), None)
    return (MONTH_TERMS[month] if month else None), year


def read_rows(data: bytes) -> tuple[list[dict], dict[str, str]]:
    """The file's rows and matched columns; refuses what cannot be read, saying why."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRefused(f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(
            "The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8” and "
            "try again."
        ) from error
    try:
        reader, _format = rows_from_file(io.BytesIO(data.removeprefix(b"\xef\xbb\xbf")))
        rows = []
        for row in reader:
            if len(rows) >= MAX_IMPORT_ROWS:
                raise ImportRefused(
                    f"The file has more than {MAX_IMPORT_ROWS:,} rows. Split it and import "
                    "each part."
                )
            if not isinstance(row, dict):
                raise ImportRefused("Each entry of a JSON file must be an object.")
            rows.append(row)
    except ImportRefused:
        raise
    except Exception as error:  # sqlite-utils raises many kinds for unreadable files
        raise ImportRefused("The file could not be read as CSV, TSV or JSON.") from error
    if not rows:
        raise ImportRefused("The file has no rows.")
    columns = match_columns(rows[0].keys())
    if "email" not in columns:
        raise ImportRefused("The file has no email column (a column headed “Email”).")
    if "first_name" not in columns and "name" not in columns:
        raise ImportRefused("The file has no name columns (“First name” and “Last name”).")
    return rows, columns


def preview(data: bytes) -> Preview:
    """What importing this file would do to each row, without changing anything."""
    rows, columns = read_rows(data)
    universities = {
        name.lower(): university_id
        for university_id, name in db.session.execute(select(University.id, University.name))
    }
    emails = [str(row.get(columns["email"]) or "").strip().lower() for row in rows]
    known = set(
        db.session.scalars(
            select(func.lower(Candidate.email)).where(func.lower(Candidate.email).in_(set(emails)))
        )
    )
    result = Preview(columns=columns)
    seen: set[str] = set()
    for number, (row, email) in enumerate(zip(rows, emails, strict=True), start=2):
        result.rows.append(_plan(number, row, email, columns, universities, known, seen))
    return result


def _cell(row: dict, columns: dict, name: str, limit: int) -> str:
    header = columns.get(name)
    value = row.get(header) if header is not None else None
    return " ".join(str(value).split())[:limit] if value is not None else ""


def _columns_with_control_characters(row: dict, columns: dict) -> list[str]:
    """The file's columns whose cell in this row holds a control character; tabs and line
    breaks in a cell are only spacing (cells are read as one line)."""
    return [
        f"“{shown_name(str(header))[:40]}”"
        for header in columns.values()
        if has_control_characters(str(row.get(header) or ""), lines=True)
    ]


def _plan(number, row, email, columns, universities, known, seen) -> ImportRow:
    first = _cell(row, columns, "first_name", 100)
    last = _cell(row, columns, "last_name", 100)
    if not first and not last:
        first, _, last = _cell(row, columns, "name", 200).partition(" ")
    school = _cell(row, columns, "school", 200)
    term, year = parse_graduation(_cell(row, columns, "graduation", 60))
    values = {
        "first_name": first[:100],
        "last_name": last[:100],
        "email": email,
        "university_id": universities.get(school.lower()),
        "university_other": "" if school.lower() in universities else school,
        "major": _cell(row, columns, "major", 120),
        "grad_term": term,
        "grad_year": year,
        "source": Source.IMPORT,
    }
    note = _cell(row, columns, "notes", 1000)
    unreadable = _columns_with_control_characters(row, columns)
    if unreadable:
        values = {k: CONTROL.sub("", v) if isinstance(v, str) else v for k, v in values.items()}
        return ImportRow(
            number,
            values,
            "reject",
            f"Invisible control characters (such as NUL) in {', '.join(unreadable)}.",
        )
    if not email:
        return ImportRow(number, values, "reject", "No email.")
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return ImportRow(number, values, "reject", f"“{email[:60]}” is not an email address.")
    if not first or not last:
        return ImportRow(number, values, "reject", "First or last name is missing.")
    if email in seen:
        return ImportRow(number, values, "reject", "The same email is on an earlier row.")
    seen.add(email)
    action = "update" if email in known else "create"
    return ImportRow(number, values, action, note=note)


def stash(data: bytes) -> str:
    """Keep an uploaded file between its preview and its commit; returns its token."""
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    (folder / token).write_bytes(data)
    return token


def unstash(token: str) -> bytes | None:
    """The file kept under a token, or None when there is no such file or it has expired."""
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        return None
    path = Path(current_app.instance_path) / "imports" / token
    if not path.is_file():
        return None
    if time.time() - path.stat().st_mtime > STASH_SECONDS:
        path.unlink(missing_ok=True)
        return None
    return path.read_bytes()


def discard(token: str) -> None:
    """Forget a kept file."""
    if re.fullmatch(r"[0-9a-f]{32}", token or ""):
        (Path(current_app.instance_path) / "imports" / token).unlink(missing_ok=True)


def commit_import(event: Event, data: bytes, by_user, filename: str) -> Counter:
    """Apply an import: every good row becomes or updates a lead of the event, in the
    caller's one transaction; rejected rows are skipped, as the preview said."""
    plan = preview(data)
    for row in plan.rows:
        if row.action == "reject":
            continue
        leads.record_lead(dict(row.values), [], event.id, "import", by_user, note=row.note)
    counts = plan.counts
    record(
        "import.attendees",
        user=by_user,
        target=event,
        file=filename[:120],
        created=counts["create"],
        updated=counts["update"],
        rejected=counts["reject"],
    )
    return counts
