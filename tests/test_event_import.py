"""Importing a fair's attendee list: the preview, the formats, refusals and the
all-or-nothing commit."""

import io
import json
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from recruit.audit.models import AuditEntry
from recruit.auth.models import Role
from recruit.candidates.models import Candidate, CandidateEvent, Term
from recruit.events import imports
from recruit.extensions import db
from recruit.pipeline import leads

# Two good rows, one known email in another case, one repeated email and three broken rows.
ATTENDEES_CSV = (
    b"First Name,Last Name,E-mail,School,Graduation Date\n"
    b"Ana,Ruiz,ana@u.example,Capital State,May 2027\n"
    b"Ben,Okoro,ben@u.example,,December 2026\n"
    b"Known,Person,KNOWN@U.example,,\n"
    b"Ana,Ruiz,ANA@u.example,,\n"
    b"No,Email,,,\n"
    b"Bad,Email,not-an-email,,\n"
    b",Nameless,nameless@u.example,,\n"
)

GOOD_ROWS = [
    {"First Name": "Ana", "Last Name": "Ruiz", "E-mail": "ana@u.example"},
    {"First Name": "Ben", "Last Name": "Okoro", "E-mail": "ben@u.example"},
    {"First Name": "Cy", "Last Name": "Diaz", "E-mail": "cy@u.example"},
]


def csv_of(rows: list[dict], separator: str = ",") -> bytes:
    """A file made from rows, with their keys as the header."""
    headers = list(rows[0])
    lines = [separator.join(headers)] + [separator.join(r[h] for h in headers) for r in rows]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def event(signed_in, stages, make_event):
    """An attended event, with an outreach user signed in to import into it."""
    signed_in(Role.OUTREACH)
    return make_event(name="Capital Fair")


@pytest.fixture
def known(make_candidate):
    """A candidate already in the database, whose email the file has in capitals."""
    return make_candidate(first_name="Known", last_name="Person", email="known@u.example")


def upload(client, event, data: bytes, filename: str = "attendees.csv"):
    """Post a file to the event's import page, as the preview form does."""
    return client.post(
        f"/events/{event.id}/import",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def token_of(response) -> str:
    return response.get_data(as_text=True).split('name="token" value="')[1].split('"')[0]


def candidate_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Candidate))


def test_preview_counts_new_known_and_rejected_rows(client, event, known):
    """Does the preview count two new, one known and four rows that cannot be imported?"""
    page = upload(client, event, ATTENDEES_CSV).get_data(as_text=True)
    assert "<strong>2</strong> new leads" in page
    assert "<strong>1</strong> already known" in page
    assert "<strong>4</strong> rows that cannot be imported" in page


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("5", "The same email is on an earlier row."),
        ("6", "No email."),
        ("7", "“not-an-email” is not an email address."),
        ("8", "First or last name is missing."),
    ],
)
def test_preview_gives_each_rejected_row_its_reason(client, event, known, row, reason):
    """Does each rejected row appear with its row number and why it is skipped?"""
    page = upload(client, event, ATTENDEES_CSV).get_data(as_text=True)
    table = page.split("Rows that will be skipped")[1].split("</table>")[0]
    assert f"<tr><td>{row}</td>" in table
    assert table.split(f"<tr><td>{row}</td>")[1].split("</tr>")[0].endswith(f"<td>{reason}</td>")


def test_preview_changes_nothing(client, event, known):
    """Does a preview leave the database as it was?"""
    upload(client, event, ATTENDEES_CSV)
    assert candidate_count() == 1


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("attendees.csv", csv_of(GOOD_ROWS)),
        ("attendees.tsv", csv_of(GOOD_ROWS, "\t")),
        ("attendees.json", json.dumps(GOOD_ROWS).encode()),
    ],
)
def test_csv_tsv_and_json_files_are_read(client, event, filename, data):
    """Are CSV, TSV and JSON attendee files all read?"""
    page = upload(client, event, data, filename).get_data(as_text=True)
    assert "<strong>3</strong> new leads" in page


def test_columns_match_by_name_in_any_case_and_spacing(app):
    """Are "FIRST  name", "E-mail" and "graduation_date" matched to their fields?"""
    columns = imports.match_columns(["FIRST  name", "Last Name", "E-mail", "graduation_date"])
    assert columns == {
        "first_name": "FIRST  name",
        "last_name": "Last Name",
        "email": "E-mail",
        "graduation": "graduation_date",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("May 2027", (Term.SPRING, 2027)),
        ("December 2026", (Term.FALL, 2026)),
        ("2027-07", (Term.SUMMER, 2027)),
        ("Fall 2028", (Term.FALL, 2028)),
        ("", (None, None)),
    ],
)
def test_graduation_dates_become_a_term_and_year(text, expected):
    """Is "May 2027" read as spring 2027, and other common forms likewise?"""
    assert imports.parse_graduation(text) == expected


def test_imported_graduation_is_saved_as_term_and_year(client, event):
    """Does a committed row's "May 2027" become spring 2027 on the candidate?"""
    response = upload(client, event, ATTENDEES_CSV)
    client.post(f"/events/{event.id}/import/commit", data={"token": token_of(response)})
    ana = db.session.scalar(select(Candidate).where(Candidate.email == "ana@u.example"))
    assert (ana.grad_term, ana.grad_year) == (Term.SPRING, 2027)


def test_latin1_file_is_refused_with_a_clear_message(client, event):
    """Is a Latin-1 file refused, saying to save it as CSV UTF-8, with nothing changed?"""
    data = "First Name,Last Name,Email\nJosé,Núñez,jose@u.example\n".encode("latin-1")
    response = upload(client, event, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The file is not UTF-8 text." in page and "Nothing was changed." in page
    assert candidate_count() == 0


def test_file_without_an_email_column_is_refused(client, event):
    """Is a file with no email column refused with a clear message?"""
    response = upload(client, event, b"First Name,Last Name\nAna,Ruiz\n")
    assert response.status_code == 400
    assert "The file has no email column" in response.get_data(as_text=True)


def test_file_with_too_many_rows_is_refused(client, event, monkeypatch):
    """Is a file longer than MAX_IMPORT_ROWS refused, saying to split it?"""
    monkeypatch.setattr(imports, "MAX_IMPORT_ROWS", 2)
    response = upload(client, event, csv_of(GOOD_ROWS))
    assert response.status_code == 400
    assert "The file has more than 2 rows. Split it" in response.get_data(as_text=True)


def test_commit_applies_the_good_rows(client, event, known):
    """Does the commit add the new leads and link the known one to the event?"""
    response = upload(client, event, ATTENDEES_CSV)
    committed = client.post(f"/events/{event.id}/import/commit", data={"token": token_of(response)})
    assert committed.status_code == 302
    emails = set(db.session.scalars(select(func.lower(Candidate.email))))
    assert emails == {"ana@u.example", "ben@u.example", "known@u.example"}
    links = db.session.scalars(
        select(CandidateEvent.via).where(CandidateEvent.event_id == event.id)
    ).all()
    assert sorted(links) == ["import", "import", "import"]


def test_event_page_lists_the_imported_leads(client, event, known):
    """After the commit, does the event's page list and count every lead the file brought?"""
    response = upload(client, event, ATTENDEES_CSV)
    client.post(f"/events/{event.id}/import/commit", data={"token": token_of(response)})
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Leads (3)" in page
    assert all(name in page for name in ("Ana Ruiz", "Ben Okoro", "Known Person"))


def test_commit_writes_an_audit_entry(client, event, known):
    """Does the commit write an import.attendees audit entry with the counts?"""
    response = upload(client, event, ATTENDEES_CSV)
    client.post(
        f"/events/{event.id}/import/commit",
        data={"token": token_of(response), "filename": "attendees.csv"},
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "import.attendees"))
    assert (entry.target_type, entry.target_id) == ("Event", event.id)
    assert entry.detail == {
        "file": "attendees.csv",
        "created": 2,
        "updated": 1,
        "rejected": 4,
    }


def test_import_is_all_or_nothing(app, client, event, monkeypatch):
    """When the third row's insert fails, is no candidate from the file kept?"""
    real = leads.record_lead
    calls = []

    def failing_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the database refused the third row")
        return real(*args, **kwargs)

    monkeypatch.setattr(leads, "record_lead", failing_third)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as in production: the error page
    response = upload(client, event, csv_of(GOOD_ROWS))
    committed = client.post(f"/events/{event.id}/import/commit", data={"token": token_of(response)})
    assert committed.status_code == 500
    assert "Nothing you entered was saved." in committed.get_data(as_text=True)
    assert len(calls) == 3
    assert candidate_count() == 0


def test_cancel_discards_the_stashed_file(client, event, app):
    """Does Cancel delete the kept file and change nothing?"""
    response = upload(client, event, ATTENDEES_CSV)
    token = token_of(response)
    assert (Path(app.instance_path) / "imports" / token).is_file()
    cancelled = client.post(
        f"/events/{event.id}/import/commit", data={"token": token, "cancel": "1"}
    )
    assert cancelled.status_code == 302
    assert not (Path(app.instance_path) / "imports" / token).exists()
    assert candidate_count() == 0


def test_cancelled_import_cannot_be_committed(client, event):
    """After Cancel, is committing the same token refused as expired?"""
    token = token_of(upload(client, event, ATTENDEES_CSV))
    client.post(f"/events/{event.id}/import/commit", data={"token": token, "cancel": "1"})
    response = client.post(
        f"/events/{event.id}/import/commit", data={"token": token}, follow_redirects=True
    )
    assert "That import has expired. Upload the file again." in response.get_data(as_text=True)
    assert candidate_count() == 0


def test_expired_import_is_refused_and_its_file_removed(client, event, app):
    """Is a preview older than the stash limit refused as expired and its file deleted?"""
    token = token_of(upload(client, event, ATTENDEES_CSV))
    path = Path(app.instance_path) / "imports" / token
    long_ago = time.time() - imports.STASH_SECONDS - 60
    os.utime(path, (long_ago, long_ago))
    response = client.post(
        f"/events/{event.id}/import/commit", data={"token": token}, follow_redirects=True
    )
    assert "That import has expired. Upload the file again." in response.get_data(as_text=True)
    assert not path.exists()
    assert candidate_count() == 0


@pytest.mark.parametrize("token", ["0" * 32, "../../etc/passwd", ""])
def test_unknown_token_is_refused(client, event, token):
    """Is an unknown or malformed token refused as expired, with nothing imported?"""
    response = client.post(
        f"/events/{event.id}/import/commit", data={"token": token}, follow_redirects=True
    )
    assert "That import has expired. Upload the file again." in response.get_data(as_text=True)
    assert candidate_count() == 0
