"""What people upload and type cannot turn against the office: resumes are checked PDFs
downloaded under our names, control characters are refused where typed and escaped
where shown, bogus choices are refused calmly, and downloads start only from Recruit."""

import csv
import io
import json
import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import func, select

from recruit.auth.models import Role
from recruit.candidates.models import Attachment, Candidate
from recruit.events.models import Event
from recruit.extensions import db
from recruit.interest import receipts
from recruit.messages.models import OutboxMessage
from recruit.placements.models import EvaluationRequest
from tests import pdf_files
from tests.placement_factories import new_placement, standard_items

GRAD_YEAR = str(date.today().year + 1)


@pytest.fixture
def config_overrides():
    """The public form's fill-time check is off: these tests post at once."""
    return {"MIN_FILL_SECONDS": 0}


def field_error(response, field_id: str) -> str:
    """The error shown beside a field (its -error paragraph), or ''."""
    match = re.search(
        rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', response.text, re.S
    )
    return unescape(match.group(1)) if match else ""


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def new_candidate_form(**changes) -> dict:
    """Staff's new-candidate form as a browser posts it."""
    return {
        "first_name": "Amara",
        "last_name": "Okafor",
        "email": "amara.okafor@csu.example",
        "phone": "",
        "university_id": "",
        "university_other": "",
        "major": "Public administration",
        "class_standing": "junior",
        "grad_term": "spring",
        "grad_year": GRAD_YEAR,
        "availability": "Summer",
        "rating": "",
        "source": "referral",
        "source_event_id": "",
        "tags": "",
        **changes,
    }


def interest_form(university, **changes) -> dict:
    """A student's complete public form."""
    return {
        "first_name": "Maya",
        "last_name": "Okafor",
        "email": "maya.okafor@capital.example.edu",
        "university": str(university.id),
        "major": "Supply Chain Management",
        "class_standing": "junior",
        "grad_term": "spring",
        "grad_year": GRAD_YEAR,
        "interests": ["summer_internship"],
        "availability": "May, after finals",
        "consent": "y",
        "started": receipts.start_token(),
        **changes,
    }


def upload_resume(client, data: bytes, name: str):
    """HR adds a candidate with a resume file."""
    return client.post(
        "/candidates/new",
        data=new_candidate_form(resume=(io.BytesIO(data), name)),
        content_type="multipart/form-data",
    )


# --- resumes -------------------------------------------------------------------------


def test_html_page_named_like_a_pdf_is_refused(client, signed_in, stages):
    """Is an HTML page that merely starts with %PDF- refused, with the other answers kept?"""
    signed_in(Role.HR)
    page = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>"
    response = upload_resume(client, page, "evil.html")
    assert response.status_code in (200, 400)
    assert "could not read the resume as a PDF" in field_error(response, "resume")
    assert 'value="Amara"' in response.text
    assert count(Candidate) == 0


def test_resume_downloads_under_our_name_whatever_it_was_sent_as(client, signed_in, stages):
    """Does a resume sent as evil.html download as resume-<candidate>-<file>.pdf, a PDF
    attachment?"""
    signed_in(Role.HR)
    upload_resume(client, pdf_files.blank_pdf(), "evil.html")
    attachment = db.session.scalars(select(Attachment)).one()
    response = client.get(f"/candidates/{attachment.candidate_id}/resumes/{attachment.id}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"resume-{attachment.candidate_id}-{attachment.id}.pdf" in disposition
    assert "evil" not in disposition


def test_right_to_left_override_is_not_shown(client, signed_in, stages):
    """Is a file named with a right-to-left override shown without it on the candidate
    page, so 'cv\u202efdp.exe' cannot pass for another name?"""
    signed_in(Role.HR)
    upload_resume(client, pdf_files.blank_pdf(), "cv\u202egnp.pdf")
    attachment = db.session.scalars(select(Attachment)).one()
    page = client.get(f"/candidates/{attachment.candidate_id}").text
    assert "cvgnp.pdf" in page
    assert "\u202e" not in page


def test_old_file_names_are_shown_cleaned(client, signed_in, make_candidate):
    """Is a name stored before the cleaning (with bidi and control characters) shown
    without them?"""
    signed_in(Role.HR)
    candidate = make_candidate()
    db.session.add(
        Attachment(
            candidate=candidate,
            original_name="a\u2066b\u200fc\x07.pdf",
            stored_name="f" * 32 + ".pdf",
            size=10,
            sha256="",
        )
    )
    db.session.commit()
    page = client.get(f"/candidates/{candidate.id}").text
    assert "abc.pdf" in page


@pytest.mark.parametrize(
    "make_pdf",
    [
        pdf_files.pdf_with_open_action,
        lambda: pdf_files.pdf_with_open_action("/Launch"),
        pdf_files.pdf_with_named_script,
        pdf_files.pdf_with_attachment,
        pdf_files.pdf_with_bookmark_script,
        pdf_files.pdf_with_field_script,
        lambda: pdf_files.pdf_with_field_script(in_kid=True),
        pdf_files.pdf_with_xfa_form,
    ],
    ids=[
        "open-action-script",
        "launch",
        "named-script",
        "embedded-file",
        "bookmark-script",
        "field-script",
        "field-kid-script",
        "xfa-form",
    ],
)
def test_active_pdf_is_refused(client, signed_in, stages, make_pdf):
    """Is a PDF that runs a script (from a bookmark or a form field too), launches a program
    or carries a file refused with a field error?"""
    signed_in(Role.HR)
    response = upload_resume(client, make_pdf(), "cv.pdf")
    assert "scripts or attached files" in field_error(response, "resume")
    assert count(Attachment) == 0


def test_resume_with_ordinary_bookmarks_is_accepted(client, signed_in, stages):
    """Is a resume whose bookmarks jump to its pages (a destination, a go-to action)
    accepted?"""
    signed_in(Role.HR)
    response = upload_resume(client, pdf_files.pdf_with_bookmarks(), "cv.pdf")
    assert field_error(response, "resume") == ""
    assert count(Attachment) == 1


def test_student_sees_the_pdf_refusal_in_spanish(client, stages, make_university):
    """Does a student on the Spanish form read why their PDF was refused, in Spanish,
    with their answers kept?"""
    data = interest_form(make_university())
    data["resume"] = (io.BytesIO(pdf_files.pdf_with_open_action()), "cv.pdf")
    response = client.post("/apply?lang=es", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    error = field_error(response, "resume")
    assert "PDF sencillo" in error
    assert 'value="Maya"' in response.text
    assert count(Candidate) == 0


# --- control characters --------------------------------------------------------------


def event_form(**changes) -> dict:
    return {
        "name": "Capital Career Fair",
        "kind": "career_fair",
        "status": "planned",
        "starts_on": date.today().isoformat(),
        "location": "Main Hall",
        **changes,
    }


def test_carriage_return_in_an_event_name_is_refused(client, signed_in):
    """Is an event name holding a lone CR refused with a field error, the form kept?"""
    signed_in(Role.OUTREACH)
    response = client.post("/events/new", data=event_form(name="Fair\rBEGIN:VALARM"))
    assert "control characters" in field_error(response, "name")
    assert 'value="Main Hall"' in response.text
    assert count(Event) == 0


def test_calendar_feed_escapes_control_characters(client, signed_in, make_event):
    """Does an event saved with control characters (before they were refused) reach
    calendars without them?"""
    signed_in(Role.OUTREACH)
    make_event(name="Fair\rX\x01Y\x7f")
    page = client.post("/account/calendar").text
    token = page.split('class="code"><a href="')[1].split('"')[0].split("token=")[1]
    feed = client.get(f"/events.ics?token={token}").data
    assert re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", feed) is None
    assert re.search(rb"\r(?!\n)", feed) is None
    assert b"SUMMARY:Fair\\nX\xef\xbf\xbdY\xef\xbf\xbd" in feed


def test_line_break_in_a_supervisor_name_is_refused(client, signed_in, make_candidate):
    """Is an evaluation request for a name holding CR/LF (a header in the mail) refused
    with a field error, no mail queued?"""
    signed_in(Role.HR)
    standard_items()
    placement = new_placement(make_candidate(stage="onboarding"))
    response = client.post(
        f"/placements/{placement.id}/requests",
        data={
            "kind": "supervisor_midterm",
            "recipient_name": "Dana\r\nBcc: everyone@agency.example",
            "recipient_email": "dana@agency.example",
        },
    )
    assert response.status_code == 400
    assert "control characters" in field_error(response, "recipient_name")
    assert count(EvaluationRequest) == 0 and count(OutboxMessage) == 0


def test_control_character_in_a_student_name_is_refused(client, stages, make_university):
    """Does a student who pasted a control character into their name get a field error?"""
    response = client.post(
        "/apply", data=interest_form(make_university(), last_name="Okafor\x1b[31m")
    )
    assert response.status_code == 400
    assert "control characters" in field_error(response, "last_name")
    assert count(Candidate) == 0


def test_import_row_with_control_characters_is_named_in_the_preview(
    client, signed_in, stages, make_event
):
    """Does the preview of a JSON file reject the row holding a NUL, naming the row and
    the column, and import the rest?"""
    signed_in(Role.OUTREACH)
    event = make_event(name="Capital Fair")
    rows = [
        {"First Name": "Ana", "Last Name": "Ruiz", "Email": "ana@u.example"},
        {"First Name": "Ben\x00", "Last Name": "Okoro", "Email": "ben@u.example"},
    ]
    response = client.post(
        f"/events/{event.id}/import",
        data={"file": (io.BytesIO(json.dumps(rows).encode()), "attendees.json")},
        content_type="multipart/form-data",
    )
    page = response.text
    rejected = re.search(r"<tr><td>3</td><td>ben@u.example</td><td>(.*?)</td></tr>", page)
    assert rejected is not None
    assert "control characters" in rejected.group(1) and "First Name" in unescape(rejected.group(1))
    assert "\x00" not in page


def test_csv_export_escapes_control_characters(client, signed_in, make_candidate):
    """Does the candidate export carry no control character a stored name might hold (one
    imported before they were refused), and still neutralise formulas?"""
    signed_in(Role.HR)
    make_candidate(first_name="=HYPERLINK(1)", last_name="Ruiz\x07\x1b")
    body = client.get("/candidates/export.csv").text
    assert "\x07" not in body and "\x1b" not in body
    rows = list(csv.reader(io.StringIO(body)))
    assert any("'=HYPERLINK(1)" in row for row in rows)


# --- choices no form offers ------------------------------------------------------------


def test_bogus_outcome_is_a_field_error(client, signed_in, make_candidate):
    """Does an outcome no form offers get a 400 with the form kept, not a server error?"""
    signed_in(Role.HR)
    standard_items()
    placement = new_placement(make_candidate(stage="onboarding"))
    response = client.post(
        f"/placements/{placement.id}/outcome",
        data={"outcome": "bogus", "outcome_on": date.today().isoformat(), "hired_title": "X"},
    )
    assert response.status_code == 400
    assert field_error(response, "outcome")
    assert 'value="X"' in response.text


# --- downloads another site starts -----------------------------------------------------


def test_export_started_from_another_site_is_refused(client, signed_in, stages):
    """Is an export that a link on another site starts refused, with nothing audited,
    while one from Recruit's own page, a bookmark or an old browser still works?"""
    from recruit.audit.models import AuditEntry

    signed_in(Role.HR)
    for source in ("cross-site", "same-site"):
        before = count(AuditEntry)
        response = client.get("/candidates/export.csv", headers={"Sec-Fetch-Site": source})
        assert response.status_code == 403
        assert response.headers["Content-Type"].startswith("text/plain")
        assert count(AuditEntry) == before
    for headers in ({"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"}, {}):
        assert client.get("/candidates/export.csv", headers=headers).status_code == 200


def test_resume_download_from_another_site_is_refused(client, signed_in, stages):
    """Is a resume download that another site starts refused?"""
    signed_in(Role.HR)
    upload_resume(client, pdf_files.blank_pdf(), "cv.pdf")
    attachment = db.session.scalars(select(Attachment)).one()
    link = f"/candidates/{attachment.candidate_id}/resumes/{attachment.id}"
    assert client.get(link, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert client.get(link, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200


def test_audit_export_from_another_site_is_refused(client, signed_in):
    """Is the audit log export refused when another site starts it?"""
    signed_in(Role.ADMIN)
    response = client.get("/admin/audit/export.csv", headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403


def test_an_id_past_what_a_row_id_can_be_is_no_page(client, signed_in):
    """Is a candidate address with an id past 2**31 a 404 on both databases, not a number
    PostgreSQL refuses (a 500)?"""
    signed_in(Role.HR)
    assert client.get(f"/candidates/{2**31}").status_code == 404
    assert client.get(f"/candidates/{2**31 - 1}").status_code == 404
