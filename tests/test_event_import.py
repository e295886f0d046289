"""Importing a fair's attendee list: the preview, the formats, refusals and the
all-or-nothing commit."""

import csv
import io
import json
import os
import re
import stat
import time
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import func, select

from recruit.audit.models import AuditEntry
from recruit.auth.models import Role
from recruit.candidates import services as candidate_services
from recruit.candidates.models import Candidate, CandidateEvent, Term
from recruit.events import imports
from recruit.extensions import db
from recruit.messages import delivery
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


def quoted_csv(rows: list[dict]) -> bytes:
    """A file made from rows as a spreadsheet saves it, quoting cells with commas."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


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


# --- files from the real world -----------------------------------------------------------


def rejected_reasons(page: str) -> dict[str, str]:
    """Each skipped row's number and why, from the preview's table."""
    table = page.split("Rows that will be skipped")[1].split("</table>")[0]
    return dict(re.findall(r"<tr><td>(\d+)</td><td>[^<]*</td><td>([^<]*)</td></tr>", table))


def flagged_reasons(page: str) -> dict[str, str]:
    """Each flagged row's number and why, from the preview's table."""
    table = page.split("Rows that may be someone already here")[1].split("</table>")[0]
    return dict(
        re.findall(r"<tr><td>(\d+)</td><td>[^<]*</td><td>[^<]*</td><td>([^<]*)</td></tr>", table)
    )


def test_rows_that_drop_trailing_empty_cells_are_read(client, event):
    """Is a plain CSV whose rows drop their trailing empty cells read, not refused for a
    separator guessed from its letters?"""
    data = (
        b"First Name,Last Name,Email,Graduation Date,Notes\n"
        b"Ada,Diaz,ada@stated.edu,,\n"
        b"David,Reed,david@stated.edu\n"
    )
    response = upload(client, event, data)
    assert response.status_code == 200
    assert "<strong>2</strong> new leads" in response.text


def test_cells_holding_formulas_do_not_change_the_separator(client, event):
    """Is a file whose cells hold =HYPERLINK(...) formulas, one row short, read with its
    commas?"""
    data = (
        b"First Name,Last Name,Email,Profile,Notes\n"
        b"Ana,Ruiz,ana@u.example,=HYPERLINK(x),\n"
        b"Ben,Okoro,ben@u.example,=HYPERLINK(y)\n"
        b"Cy,Diaz,cy@u.example,=HYPERLINK(z),\n"
    )
    response = upload(client, event, data)
    assert "<strong>3</strong> new leads" in response.text


def test_semicolon_separated_file_is_read(client, event):
    """Is a file saved by a spreadsheet set to a European locale (semicolons, a comma in a
    cell, a short row) read?"""
    data = (
        b"First Name;Last Name;Email;Notes\n"
        b"Ana;Ruiz;ana@u.example;Met her, then her friend\n"
        b"Ben;Okoro;ben@u.example\n"
        b"Cy;Diaz;c,y@u.example;\n"
    )
    page = upload(client, event, data).text
    assert "<strong>2</strong> new leads" in page
    assert rejected_reasons(page) == {"4": "“c,y@u.example” is not an email address."}


def test_title_line_above_the_header_is_skipped(client, event):
    """Is the header found by its names below a title line, and rows numbered by line?"""
    data = b"Capital Fair attendees, exported Oct 1\n\n" + ATTENDEES_CSV
    page = upload(client, event, data).text
    assert "<strong>3</strong> new leads" in page
    assert rejected_reasons(page)["10"] == "First or last name is missing."


def test_row_with_a_separator_inside_an_unquoted_cell_is_named_by_its_line(client, event):
    """Is a row with more cells than the header skipped, naming its line, and the rest
    imported?"""
    data = csv_of(GOOD_ROWS).replace(b"Ben,Okoro", b"Ben,Okoro, Jr.")
    page = upload(client, event, data).text
    assert "<strong>2</strong> new leads" in page
    reason = unescape(rejected_reasons(page)["3"])
    assert reason.startswith("Line 3 has 4 cells and the header 3")


def test_cell_over_the_csv_limit_names_its_line(client, event):
    """Does a cell over Python's 131,072-character field limit refuse the file saying
    which line and that a cell is too long?"""
    data = csv_of(GOOD_ROWS) + b'Dee,Long,dee@u.example,"' + b"x" * 140_000 + b'"\n'
    response = upload(client, event, data)
    page = unescape(response.text)
    assert response.status_code == 400
    assert "Line 5 has a cell longer than 131,072 characters" in page
    assert "could not be read as CSV" not in page


# --- control characters ------------------------------------------------------------------


@pytest.mark.parametrize("column", ["E-mail", "School", "First Name"])
def test_nul_in_a_cell_rejects_its_row_on_either_database(client, event, column):
    """Is a row with a NUL in a cell (its email included) skipped in the preview, naming
    the column, and the rest imported without a server error?"""
    rows = [dict(row, School="Capital") for row in GOOD_ROWS]
    rows = [{("E-mail" if k == "Email" else k): v for k, v in row.items()} for row in rows]
    rows[1][column] = rows[1][column][:2] + "\x00" + rows[1][column][2:]
    response = upload(client, event, csv_of(rows))
    assert response.status_code == 200
    assert f"such as NUL) in “{column}”" in unescape(rejected_reasons(response.text)["3"])
    committed = client.post(f"/events/{event.id}/import/commit", data={"token": token_of(response)})
    assert committed.status_code == 302
    assert candidate_count() == 2


@pytest.mark.parametrize("column", ["First Name", "E-mail"])
def test_half_a_character_in_a_json_cell_rejects_its_row(client, event, column):
    """Is a JSON row holding a lone "\\ud800" escape skipped in the preview, naming the
    column, and the rest imported without a server error?"""
    rows = [{("E-mail" if k == "Email" else k): v for k, v in row.items()} for row in GOOD_ROWS]
    rows[1][column] = rows[1][column][:2] + "\ud800" + rows[1][column][2:]
    response = upload(client, event, json.dumps(rows).encode(), "attendees.json")
    assert response.status_code == 200
    reason = unescape(rejected_reasons(response.text)["3"])
    assert reason == f"Broken characters (half of one) in “{column}”."
    committed = client.post(f"/events/{event.id}/import/commit", data={"token": token_of(response)})
    assert committed.status_code == 302
    assert candidate_count() == 2


# --- kept files: owner, event and life ----------------------------------------------------


def test_kept_file_is_readable_by_its_owner_only(client, event, app):
    """Is the file kept for the preview (attendees' personal data) written 0600?"""
    token = token_of(upload(client, event, ATTENDEES_CSV))
    mode = (Path(app.instance_path) / "imports" / token).stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_another_user_cannot_commit_a_preview(client, event, auth, signed_in):
    """Is an admin refused, with a clear message, when committing an outreach user's
    preview, and nothing imported?"""
    token = token_of(upload(client, event, ATTENDEES_CSV))
    auth.logout()
    signed_in(Role.ADMIN)
    response = client.post(
        f"/events/{event.id}/import/commit", data={"token": token}, follow_redirects=True
    )
    assert "That preview was made by another staff member." in response.text
    assert candidate_count() == 0


def test_preview_cannot_be_committed_into_another_event(client, event, make_event):
    """Is a preview made for one event refused when committed into another?"""
    token = token_of(upload(client, event, ATTENDEES_CSV))
    other = make_event(name="Law School Fair")
    response = client.post(
        f"/events/{other.id}/import/commit", data={"token": token}, follow_redirects=True
    )
    assert "That preview was made for another event." in response.text
    assert candidate_count() == 0


def test_another_user_cannot_cancel_a_preview(client, event, auth, signed_in, app):
    """Does Cancel from another user leave the owner's kept file alone?"""
    token = token_of(upload(client, event, ATTENDEES_CSV))
    auth.logout()
    signed_in(Role.ADMIN)
    client.post(f"/events/{event.id}/import/commit", data={"token": token, "cancel": "1"})
    assert (Path(app.instance_path) / "imports" / token).is_file()


def age(path: Path, seconds: float) -> None:
    """Make a file look written this many seconds ago."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_delivery_worker_sweeps_abandoned_previews(client, event, app):
    """Does a round of the delivery worker delete a preview older than two hours and keep
    a fresh one?"""
    folder = Path(app.instance_path) / "imports"
    old = folder / token_of(upload(client, event, ATTENDEES_CSV))
    fresh = folder / token_of(upload(client, event, ATTENDEES_CSV))
    age(old, imports.STASH_SECONDS + 60)
    age(fresh, imports.STASH_SECONDS - 60)
    delivery.run_forever(0, once=True)
    assert not old.exists()
    assert fresh.exists()


def test_sweep_imports_command_deletes_old_previews(client, event, app, runner):
    """Does `flask sweep-imports` delete previews past their life and say how many?"""
    path = Path(app.instance_path) / "imports" / token_of(upload(client, event, ATTENDEES_CSV))
    age(path, imports.STASH_SECONDS + 60)
    result = runner.invoke(args=["sweep-imports"])
    assert "Deleted 1 old import previews." in result.output
    assert not path.exists()


# --- universities and likely duplicates ----------------------------------------------------


@pytest.fixture
def state_colleges(make_university):
    """Three colleges that share the name State University, as in the demo."""
    return {
        college: make_university(name="State University", college=college)
        for college in ("College of Business", "School of Public Affairs", "College of Law")
    }


def school_rows(*schools: str) -> bytes:
    rows = [
        {"First Name": f"Student{n}", "Last Name": "Ruiz", "Email": f"s{n}@u.example", "School": s}
        for n, s in enumerate(schools)
    ]
    return quoted_csv(rows)


def test_university_name_shared_by_colleges_is_reported_not_guessed(client, event, state_colleges):
    """Is a row naming only "State University" skipped as ambiguous, listing the
    colleges, rather than filed under one of them?"""
    page = upload(client, event, school_rows("State University")).text
    reason = unescape(rejected_reasons(page)["2"])
    assert reason.startswith("“State University” is the name of 3 universities")
    assert "State University, College of Law" in reason
    assert "<strong>0</strong> new leads" in page


@pytest.mark.parametrize(
    "school",
    [
        "State University, College of Law",
        "State University — College of Law",
        "state university - college of law",
    ],
)
def test_university_full_name_matches_its_college(client, event, state_colleges, school):
    """Is "State University, College of Law" (or with a dash) filed under the College of
    Law?"""
    response = upload(client, event, school_rows(school))
    client.post(f"/events/{event.id}/import/commit", data={"token": token_of(response)})
    student = db.session.scalars(select(Candidate)).one()
    assert student.university_id == state_colleges["College of Law"].id


def test_near_duplicates_in_a_file_are_flagged_and_imported(client, event, make_university):
    """Are "Bjorn Vanderberg" and "Björn Van der Berg" at one university, with two emails,
    flagged in the preview, and both still imported?"""
    make_university(name="Capital State")
    rows = [
        {"Name": "Bjorn Vanderberg", "Email": "bjorn@u.example", "School": "Capital State"},
        {"Name": "Ana Ruiz", "Email": "ana@u.example", "School": "Capital State"},
        {"Name": "Björn Van der Berg", "Email": "bvdb@u.example", "School": "capital state"},
    ]
    response = upload(client, event, csv_of(rows))
    flagged = flagged_reasons(response.text)
    assert list(flagged) == ["4"]
    assert "row 2 (bjorn@u.example)" in flagged["4"]
    assert "<strong>3</strong> new leads" in response.text
    client.post(f"/events/{event.id}/import/commit", data={"token": token_of(response)})
    assert candidate_count() == 3


def test_near_duplicate_of_a_known_candidate_is_flagged(client, event, make_candidate):
    """Is a row naming someone already here at the same university, under another email,
    flagged with their name and email?"""
    university = make_candidate(
        first_name="Björn", last_name="Van der Berg", email="bvdb@u.example"
    ).university_id
    assert university is None  # no university: the same name anywhere, as by hand
    page = upload(client, event, csv_of([{"Name": "Bjorn Vanderberg", "Email": "b@u.example"}]))
    assert flagged_reasons(page.text) == {
        "2": "May be the same person as Björn Van der Berg (bvdb@u.example)."
    }


def test_same_name_at_another_college_is_not_flagged(client, event, state_colleges, make_candidate):
    """Is the same name at another college of State University left unflagged?"""
    make_candidate(
        first_name="Ana",
        last_name="Ruiz",
        email="ana.law@u.example",
        university_id=state_colleges["College of Law"].id,
    )
    data = quoted_csv(
        [
            {
                "Name": "Ana Ruiz",
                "Email": "ana@u.example",
                "School": "State University, College of Business",
            }
        ]
    )
    page = upload(client, event, data).text
    assert "<strong>1</strong> new leads" in page
    assert "Rows that may be someone already here" not in page


def test_adding_by_hand_warns_about_an_accented_spelling(app, make_candidate, make_university):
    """Does the check staff meet when adding a candidate by hand also find "Björn Van der
    Berg" for "Bjorn Vanderberg" at the same university (one rule with the import)?"""
    university = make_university(name="Capital State")
    known = make_candidate(
        first_name="Björn",
        last_name="Van der Berg",
        email="bvdb@u.example",
        university_id=university.id,
    )
    found = candidate_services.likely_duplicates(
        "bjorn@u.example", "Bjorn", "Vanderberg", university.id
    )
    assert [candidate.id for candidate in found] == [known.id]
