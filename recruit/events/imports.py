"""Importing a fair's attendee list (CSV, TSV or JSON) as that event's leads: first a
preview of what would happen to each row, then one all-or-nothing commit."""

import csv
import io
import json
import os
import re
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select

from recruit.audit.services import record
from recruit.candidates.models import Candidate, Source, Term
from recruit.candidates.search import fold
from recruit.candidates.services import duplicate_keys, name_key, same_names
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
# The first line of a kept file: whose preview it is, and for which event.
STASH_HEADER = "recruit-import"
SEPARATORS = (",", ";", "\t")
# The header is looked for among the first rows: a title or a blank line may come first.
HEADER_SEARCH_ROWS = 10
# Half of a character: JSON may escape one ("\ud800"), UTF-8 cannot hold it.
SURROGATE = re.compile("[\ud800-\udfff]")

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
    warning: str = ""  # imported all the same: a staff member decides


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

    @property
    def flagged(self) -> list[ImportRow]:
        return [row for row in self.rows if row.warning]


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


@dataclass
class Record:
    """One row of the file: where it starts, its cells by header, and why it cannot be
    read when it cannot."""

    number: int
    cells: dict
    problem: str = ""


def _unreadable(line: int, error: csv.Error) -> ImportRefused:
    if "field larger than field limit" in str(error):
        return ImportRefused(
            f"Line {line:,} has a cell longer than {csv.field_size_limit():,} characters, "
            "more than any attendee list holds: check that the file is the attendee list "
            "and that its quotes are closed."
        )
    return ImportRefused(f"Line {line:,} could not be read ({error}).")


def _csv_records(text: str, separator: str):
    """(line where it starts, cells) for each record read with this separator."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _unreadable(reader.line_num, error) from error
        yield start, cells
        start = reader.line_num + 1


def _header_score(columns: dict) -> tuple[bool, bool, int]:
    return "email" in columns, "first_name" in columns or "name" in columns, len(columns)


def _find_header(text: str) -> tuple[str, int, list[str]]:
    """The separator and the header row (its line and cells) that name the most of our
    columns. Comma, semicolon and tab are each tried rather than guessed: a guess from
    the letters (csv.Sniffer) once took "d" for the separator."""
    best = None
    refused = None
    for separator in SEPARATORS:
        try:
            for index, (line, cells) in enumerate(_csv_records(text, separator)):
                if index >= HEADER_SEARCH_ROWS:
                    break
                score = _header_score(match_columns(cells))
                if best is None or score > best[0]:
                    best = (score, separator, line, cells)
                if score[0]:
                    break
        except ImportRefused as error:
            refused = refused or error
    if best is None or (not best[0][0] and refused is not None):
        raise refused or ImportRefused("The file has no rows.")
    return best[1], best[2], best[3]


def _csv_rows(text: str) -> list[Record]:
    separator, header_line, headers = _find_header(text)
    records = []
    for line, cells in _csv_records(text, separator):
        if line <= header_line or not any(cell.strip() for cell in cells):
            continue  # a title above the header, or an empty line
        if len(records) >= MAX_IMPORT_ROWS:
            raise _too_many_rows()
        problem = ""
        extra = [cell for cell in cells[len(headers) :] if cell.strip()]
        if extra:
            # Its cells no longer sit under their headers: a separator inside a cell
            # that has no quotes around it.
            problem = (
                f"Line {line:,} has {len(cells)} cells and the header {len(headers)}: a "
                f"“{'tab' if separator == chr(9) else separator}” inside a cell without quotes?"
            )
        # A row that drops its trailing empty cells is padded.
        cells = cells + [""] * (len(headers) - len(cells))
        records.append(Record(line, dict(zip(headers, cells, strict=False)), problem))
    return records


def _json_rows(text: str) -> list[Record]:
    try:
        entries = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRefused(
            f"The file could not be read as JSON: line {error.lineno:,}, {error.msg.lower()}."
        ) from error
    if isinstance(entries, dict):
        entries = [entries]
    if not isinstance(entries, list):
        raise ImportRefused("A JSON file must hold a list of attendees.")
    if len(entries) > MAX_IMPORT_ROWS:
        raise _too_many_rows()
    if not all(isinstance(entry, dict) for entry in entries):
        raise ImportRefused("Each entry of a JSON file must be an object.")
    # Numbered as a spreadsheet would show them, below a header row.
    return [Record(number, entry) for number, entry in enumerate(entries, start=2)]


def _too_many_rows() -> ImportRefused:
    return ImportRefused(
        f"The file has more than {MAX_IMPORT_ROWS:,} rows. Split it and import each part."
    )


def read_rows(data: bytes) -> tuple[list[Record], dict[str, str]]:
    """The file's rows and matched columns; refuses what cannot be read, saying why."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRefused(f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(
            "The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8” and "
            "try again."
        ) from error
    rows = _json_rows(text) if text.lstrip()[:1] in ("[", "{") else _csv_rows(text)
    if not rows:
        raise ImportRefused("The file has no rows.")
    columns = match_columns(rows[0].cells.keys())
    if "email" not in columns:
        raise ImportRefused("The file has no email column (a column headed “Email”).")
    if "first_name" not in columns and "name" not in columns:
        raise ImportRefused("The file has no name columns (“First name” and “Last name”).")
    return rows, columns


def _university_key(text: str) -> str:
    """A university's name as an import matches it: accents, case and punctuation left
    out, so "State University — College of Law" is "State University, College of Law"."""
    return " ".join(re.sub(r"[\W_]+", " ", fold(text)).split())


@dataclass
class Universities:
    """The universities an import's school cells are matched against."""

    by_full_name: dict[str, set[int]] = field(default_factory=dict)
    by_name: dict[str, set[int]] = field(default_factory=dict)
    full_names: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "Universities":
        """Every university, in one query."""
        found = cls()
        rows = db.session.execute(
            select(University.id, University.name, University.full_name).order_by(
                University.name, University.college
            )
        )
        for university_id, name, full_name in rows:
            found.by_full_name.setdefault(_university_key(full_name), set()).add(university_id)
            found.by_name.setdefault(_university_key(name), set()).add(university_id)
            found.full_names[university_id] = full_name
        return found

    def matching(self, school: str) -> list[int]:
        """The universities a cell names: its full name first, else its name alone (which
        several colleges of one university may share)."""
        key = _university_key(school)
        if not key:
            return []
        return sorted(self.by_full_name.get(key) or self.by_name.get(key) or ())


def preview(data: bytes) -> Preview:
    """What importing this file would do to each row, without changing anything."""
    rows, columns = read_rows(data)
    emails = [_cell(row.cells, columns, "email", 254).lower() for row in rows]
    # A cell with a NUL or half a character is refused on its row below; the database
    # cannot even look one up.
    lookup = {
        email
        for email in emails
        if email and not has_control_characters(email) and not SURROGATE.search(email)
    }
    known = set(
        db.session.scalars(
            select(func.lower(Candidate.email)).where(func.lower(Candidate.email).in_(lookup))
        )
    )
    result = Preview(columns=columns)
    universities = Universities.load()
    seen: set[str] = set()
    for row, email in zip(rows, emails, strict=True):
        result.rows.append(_plan(row, email, columns, universities, known, seen))
    _flag_likely_duplicates(result.rows)
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


def _columns_with_lone_surrogates(row: dict, columns: dict) -> list[str]:
    """The file's columns whose cell in this row holds half a character: a JSON escape
    such as \\ud800, which no database can store as text."""
    return [
        f"“{shown_name(str(header))[:40]}”"
        for header in columns.values()
        if SURROGATE.search(str(row.get(header) or ""))
    ]


def _plan(record: Record, email, columns, universities, known, seen) -> ImportRow:
    number, row = record.number, record.cells
    first = _cell(row, columns, "first_name", 100)
    last = _cell(row, columns, "last_name", 100)
    if not first and not last:
        first, _, last = _cell(row, columns, "name", 200).partition(" ")
    school = _cell(row, columns, "school", 200)
    matches = universities.matching(school)
    term, year = parse_graduation(_cell(row, columns, "graduation", 60))
    values = {
        "first_name": first[:100],
        "last_name": last[:100],
        "email": email,
        "university_id": matches[0] if len(matches) == 1 else None,
        "university_other": "" if matches else school,
        "major": _cell(row, columns, "major", 120),
        "grad_term": term,
        "grad_year": year,
        "source": Source.IMPORT,
    }
    note = _cell(row, columns, "notes", 1000)
    if record.problem:
        return ImportRow(number, values, "reject", record.problem)
    unreadable = _columns_with_control_characters(row, columns)
    if unreadable:
        values = {k: CONTROL.sub("", v) if isinstance(v, str) else v for k, v in values.items()}
        return ImportRow(
            number,
            values,
            "reject",
            f"Invisible control characters (such as NUL) in {', '.join(unreadable)}.",
        )
    broken = _columns_with_lone_surrogates(row, columns)
    if broken:
        values = {k: SURROGATE.sub("", v) if isinstance(v, str) else v for k, v in values.items()}
        return ImportRow(
            number, values, "reject", f"Broken characters (half of one) in {', '.join(broken)}."
        )
    if not email:
        return ImportRow(number, values, "reject", "No email.")
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return ImportRow(number, values, "reject", f"“{email[:60]}” is not an email address.")
    if not first or not last:
        return ImportRow(number, values, "reject", "First or last name is missing.")
    if len(matches) > 1:
        names = "; ".join(universities.full_names[i] for i in matches[:3])
        more = "; …" if len(matches) > 3 else ""
        return ImportRow(
            number,
            values,
            "reject",
            f"“{school[:80]}” is the name of {len(matches)} universities ({names}{more}): "
            "write its college or department too, as in the University field.",
        )
    if email in seen:
        return ImportRow(number, values, "reject", "The same email is on an earlier row.")
    seen.add(email)
    action = "update" if email in known else "create"
    return ImportRow(number, values, action, note=note)


def _flag_likely_duplicates(rows: list[ImportRow]) -> None:
    """Flag rows that may be someone already here or on an earlier row (the same name at
    the same university, by the rule that warns staff adding a candidate by hand); they
    are still imported, as a different email may well be a different person."""
    kept = [row for row in rows if row.action != "reject"]
    sought = {
        row.number: (
            name_key(row.values["first_name"], row.values["last_name"]),
            row.values["university_id"],
        )
        for row in kept
    }
    found = same_names(set(sought.values()))
    ids = {candidate_id for ids in found.values() for candidate_id in ids}
    people = {
        candidate.id: candidate
        for candidate in db.session.execute(
            select(Candidate.id, Candidate.first_name, Candidate.last_name, Candidate.email).where(
                Candidate.id.in_(ids)
            )
        )
    }
    earlier: dict[tuple, list[ImportRow]] = {}
    for row in kept:
        email = row.values["email"]
        here = [
            f"{person.first_name} {person.last_name} ({person.email})"
            for person in (people[i] for i in found.get(sought[row.number], []))
            if person.email.lower() != email
        ]
        above = [
            f"row {other.number} ({other.values['email']})"
            for other in earlier.get(sought[row.number], [])
            if other.values["email"] != email
        ]
        if here or above:
            row.warning = "May be the same person as " + ", ".join((here + above)[:3]) + "."
        for pair in duplicate_keys(
            row.values["first_name"], row.values["last_name"], row.values["university_id"]
        ):
            earlier.setdefault(pair, []).append(row)


def stash(data: bytes, user_id: int, event_id: int) -> str:
    """Keep an uploaded file between its preview and its commit, for the user who
    previewed it and its event only; returns its token."""
    folder = _stash_folder()
    token = secrets.token_hex(16)
    # Created owner-only (the umask may narrow it further, never widen it): the file holds
    # attendees' personal data.
    descriptor = os.open(folder / token, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as kept:
        kept.write(f"{STASH_HEADER} user={user_id} event={event_id}\n".encode())
        kept.write(data)
    return token


def _stash_folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _stash_path(token: str) -> Path | None:
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        return None
    return Path(current_app.instance_path) / "imports" / token


def unstash(token: str, user_id: int, event_id: int) -> bytes | None:
    """The file kept under a token, or None when there is no such file or it has expired;
    refuses a file kept for another user or another event."""
    path = _stash_path(token)
    if path is None or not path.is_file():
        return None
    if time.time() - path.stat().st_mtime > STASH_SECONDS:
        path.unlink(missing_ok=True)
        return None
    header, _, data = path.read_bytes().partition(b"\n")
    owner = re.fullmatch(
        rf"{STASH_HEADER} user=(\d+) event=(\d+)", header.decode("ascii", "replace")
    )
    if owner is None:
        return None
    if int(owner.group(1)) != user_id:
        raise ImportRefused(
            "That preview was made by another staff member. Upload the file yourself to import it."
        )
    if int(owner.group(2)) != event_id:
        raise ImportRefused(
            "That preview was made for another event. Upload the file on this event's "
            "import page to import it here."
        )
    return data


def discard(token: str, user_id: int, event_id: int) -> None:
    """Forget a kept file, when it is this user's for this event."""
    try:
        kept = unstash(token, user_id, event_id)
    except ImportRefused:
        return
    path = _stash_path(token)
    if kept is not None and path is not None:
        path.unlink(missing_ok=True)


def sweep(now: float | None = None) -> int:
    """Delete the kept files older than their life (abandoned previews); returns how many."""
    folder = Path(current_app.instance_path) / "imports"
    if not folder.is_dir():
        return 0
    now = time.time() if now is None else now
    swept = 0
    for path in folder.iterdir():
        try:
            if path.is_file() and now - path.stat().st_mtime > STASH_SECONDS:
                path.unlink()
                swept += 1
        except FileNotFoundError:
            continue  # committed or cancelled meanwhile
    return swept


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
        file=shown_name(filename)[:120],
        created=counts["create"],
        updated=counts["update"],
        rejected=counts["reject"],
    )
    return counts
