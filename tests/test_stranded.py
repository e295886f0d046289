"""Students are never stranded on an error page: a database fault, a file too large or an
invisible character gives the form back with every answer kept and the problem said."""

import io
import re
import sqlite3
from contextlib import contextmanager

import pytest
from sqlalchemy.exc import OperationalError

from recruit.auth.models import Role
from recruit.candidates.models import Candidate
from recruit.database import database_fault, utcnow
from recruit.extensions import db
from recruit.interest import receipts, services
from recruit.interviews import services as interview_services
from recruit.placements import feedback_views
from recruit.placements.models import Evaluation, ItemForm
from recruit.placements.questionnaires import form_items
from recruit.students import services as student_services
from recruit.universities import services as university_services
from tests.pdf_files import blank_pdf
from tests.placement_factories import new_link, new_placement, standard_items
from tests.test_interest_form import (
    GRAD_YEAR,
    assert_kept,
    attribute,
    count,
    error_summary,
    field_error,
    form_data,
    page_text,
)
from tests.test_interviews import _offer as offer_interview
from tests.test_universities import university_form

BUSY = "We are busy: nothing was saved yet. Press Send again."
UNSAVED = "Nothing was saved. Please try again in a few minutes."
CONTROL = "Remove the invisible control characters (such as a line break) here."
MB = 1024 * 1024


@pytest.fixture
def config_overrides():
    """No fill-time check; a short busy timeout, so a held lock fails a request at once."""
    return {"MIN_FILL_SECONDS": 0, "SQLITE_BUSY_TIMEOUT_MS": 50}


@pytest.fixture
def university(make_university):
    return make_university(name="Capital State University")


@pytest.fixture
def sqlite_only(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock: PostgreSQL has no database-wide one")


@contextmanager
def write_lock_held():
    """Another process's connection holding SQLite's write lock, as a backup or a script
    would, past the app's busy timeout."""
    # The test's own session ends its read first: a request starts with none open.
    db.session.rollback()
    other = sqlite3.connect(db.engine.url.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def driver_error(fault: str) -> OperationalError:
    """An OperationalError as SQLAlchemy raises it for a fault, with the driver's words."""
    words = {
        "busy": "database is locked",
        "read_only": "attempt to write a readonly database",
        "disk_full": "database or disk is full",
        "disconnected": "server closed the connection unexpectedly",
    }[fault]
    return OperationalError(
        "INSERT INTO candidates ...",
        {},
        sqlite3.OperationalError(words),
        connection_invalidated=fault == "disconnected",
    )


@pytest.fixture
def failing_save(monkeypatch):
    """Return a callable that makes the form's save meet a database fault."""

    def fail(fault: str) -> None:
        def submit(*args, **kwargs):
            raise driver_error(fault)

        monkeypatch.setattr(services, "submit_interest", submit)

    return fail


# --- database faults ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "fault"),
    [
        ("database is locked", "busy"),
        ("attempt to write a readonly database", "read_only"),
        ("database or disk is full", "disk_full"),
        ("disk I/O error", "disk_full"),
        ("server closed the connection unexpectedly", "disconnected"),
        ("UNIQUE constraint failed: candidates.email", None),
        ("no such table: candidates", None),
    ],
)
def test_faults_are_told_apart(words, fault):
    """Does each driver message name its fault, and a bug or broken rule none?"""
    error = OperationalError("SELECT 1", {}, sqlite3.OperationalError(words))
    assert database_fault(error) == fault


def test_a_dropped_connection_is_a_fault():
    """Is an error whose connection SQLAlchemy found dropped a disconnection?"""
    assert database_fault(driver_error("disconnected")) == "disconnected"


def test_held_lock_keeps_the_answers(client, stages, university, sqlite_only):
    """While another process holds SQLite's write lock, does the student get the form back
    with every answer, told to press Send again, with 503 and Retry-After?"""
    data = form_data(university)
    with write_lock_held():
        response = client.post("/apply", data=data)
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert BUSY in error_summary(response)
    assert_kept(response, data)
    assert count(Candidate) == 0


def test_send_again_after_the_lock_saves_once(client, stages, university, sqlite_only):
    """Does pressing Send again once the lock is let go save the student, once?"""
    data = form_data(university, submission=receipts.new_key())
    with write_lock_held():
        assert client.post("/apply", data=data).status_code == 503
    assert client.post("/apply", data=data).status_code == 303
    assert count(Candidate) == 1


def test_held_lock_keeps_the_fair_kiosk_form(client, stages, university, make_event, sqlite_only):
    """At a fair's kiosk, does a held lock give back that event's form, kiosk and all?"""
    event = make_event(name="Spring Career Fair")
    slug = event.slug
    data = form_data(university)
    with write_lock_held():
        response = client.post(f"/apply/{slug}?kiosk=1", data=data)
    assert response.status_code == 503
    assert "You're at Spring Career Fair" in page_text(response)
    assert "data-kiosk" in response.get_data(as_text=True)
    assert_kept(response, data)


@pytest.mark.parametrize("fault", ["read_only", "disk_full", "disconnected"])
def test_fault_while_saving_keeps_the_answers(client, stages, university, failing_save, fault):
    """When saving meets a read-only or full database or a dropped connection, does the
    student get the form back with every answer and "try again in a few minutes"?"""
    failing_save(fault)
    data = form_data(university)
    response = client.post("/apply", data=data)
    assert response.status_code == 503
    assert "Retry-After" in response.headers
    assert UNSAVED in error_summary(response)
    assert_kept(response, data)
    assert count(Candidate) == 0


def test_busy_while_saving_says_send_again(client, stages, university, failing_save):
    """Does a lock that outlasts the wait while saving say "press Send again"?"""
    failing_save("busy")
    response = client.post("/apply", data=form_data(university))
    assert response.status_code == 503
    assert BUSY in error_summary(response)


def test_queued_send_meeting_a_fault_stays_on_the_device(client, stages, university, failing_save):
    """Is a send kept on a kiosk told it was not saved (503), so the device sends it again?"""
    failing_save("disk_full")
    response = client.post(
        "/apply",
        data=form_data(university),
        headers={receipts.QUEUED_HEADER: "1"},
    )
    assert response.status_code == 503
    assert response.get_json()["saved"] is False


def test_staff_save_meeting_a_fault_says_nothing_was_saved(client, signed_in, monkeypatch):
    """Does a staff member whose save meets a full disk get a 503 page saying nothing was
    saved, not a 500?"""
    signed_in(Role.OUTREACH)

    def create(*args, **kwargs):
        raise driver_error("disk_full")

    monkeypatch.setattr(university_services, "create_university", create)
    response = client.post("/universities/new", data=university_form())
    assert response.status_code == 503
    assert UNSAVED in page_text(response)
    assert "Back button takes you to the form" in page_text(response)
    assert "Retry-After" in response.headers


def test_staff_post_under_a_held_lock_gets_the_busy_page(client, signed_in, sqlite_only):
    """While another process holds the lock, does a staff save get the 503 page (not a
    500), drawn without reading the signed-in user?"""
    signed_in(Role.OUTREACH)
    with write_lock_held():
        response = client.post("/universities/new", data=university_form())
    assert response.status_code == 503
    assert BUSY in page_text(response)


# --- files too large ------------------------------------------------------------------------


def test_resume_past_the_old_request_limit_keeps_the_answers(client, stages, university):
    """Is a 9 MB resume refused beside its field, every other answer kept, instead of a
    413 page that loses them?"""
    data = form_data(university)
    resume = blank_pdf() + b"%" * (9 * MB)
    response = client.post(
        "/apply",
        data={**data, "resume": (io.BytesIO(resume), "resume.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "larger than 5 MB" in field_error(response, "resume")
    assert_kept(response, data)
    assert count(Candidate) == 0


class Tripwire(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        raise AssertionError("the body was read")


def test_huge_body_is_refused_before_it_is_read(client, stages):
    """Is a body declared larger than the request limit refused with 413 without reading
    a byte of it, the page telling the student their answers wait behind Back?"""
    response = client.post(
        "/apply",
        content_type="multipart/form-data; boundary=x",
        environ_overrides={"CONTENT_LENGTH": str(4 * 1024 * MB), "wsgi.input": Tripwire()},
    )
    assert response.status_code == 413
    assert "Back button: your answers are still in the form" in page_text(response)
    assert 'href="/login' not in response.get_data(as_text=True)


def test_form_tells_the_device_the_resume_limit(client, stages):
    """Does the resume field carry its limit and message, for form.js to check a file
    the moment it is chosen?"""
    html = client.get("/apply").get_data(as_text=True)
    tag = re.search(r'<input[^>]*\btype="file"[^>]*>', html).group(0)
    assert attribute(tag, "data-max-bytes") == str(5 * MB)
    assert attribute(tag, "data-too-large") == "The resume is larger than 5 MB."


# --- invisible characters -------------------------------------------------------------------


def test_nul_in_a_name_is_shown_beside_it(client, stages, university):
    """Does a NUL in the first name come back as that field's error, every other answer
    kept, instead of a bare 400 page?"""
    data = form_data(university, first_name="Maya\x00")
    response = client.post("/apply", data=data)
    assert response.status_code == 400
    assert CONTROL in field_error(response, "first_name")
    assert_kept(response, data, "first_name")
    assert count(Candidate) == 0


def test_nul_in_the_address_is_still_refused(client, stages):
    """Is a NUL in the query string still refused outright?"""
    assert client.get("/apply?kiosk=1%00").status_code == 400


# --- error pages ----------------------------------------------------------------------------


@pytest.fixture
def crashing_save(app, monkeypatch):
    """The form's save fails with a bug, answered as in production (no propagation)."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def submit(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(services, "submit_interest", submit)


def test_public_500_leads_back_to_the_form_the_student_was_on(
    client, stages, university, make_event, crashing_save
):
    """Does the 500 page of a fair's kiosk form lead back to that form (event, kiosk and
    language kept), never to staff sign-in?"""
    event = make_event()
    form_url = f"/apply/{event.slug}?kiosk=1&lang=es"
    response = client.post(
        form_url,
        data=form_data(university),
        headers={"Referer": f"http://localhost{form_url}"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert f'href="{form_url.replace("&", "&amp;")}"' in html
    assert "/login" not in html


def test_public_500_never_leads_to_a_staff_page(client, stages, university, crashing_save):
    """Does a visitor coming from a staff page (or another site) get led to the interest
    form instead?"""
    for referrer in ("http://localhost/candidates/", "https://elsewhere.example/apply"):
        response = client.post("/apply", data=form_data(university), headers={"Referer": referrer})
        html = response.get_data(as_text=True)
        assert 'href="/apply">' in html
        assert "/candidates/" not in html
        assert "elsewhere.example" not in html


# --- the other public forms -----------------------------------------------------------------


@pytest.fixture
def evaluation_token(make_candidate, stages, make_user):
    """A supervisor's mid-term evaluation link; returns its token."""
    standard_items()
    placement = new_placement(make_candidate(first_name="Maya", last_name="Okafor"))
    return new_link(placement, make_user(role=Role.HR))[1]


def evaluation_answers() -> dict:
    """A complete supervisor evaluation, every item rated 4, with words of its own."""
    data = {
        "submitted_by_name": "Renee Caldwell",
        "recommend_full_time": "yes",
        "strengths": "Careful with contract files.",
    }
    for item in form_items(ItemForm.SUPERVISOR):
        data[f"item_{item.key}"] = "4"
    return data


def assert_evaluation_kept(response) -> None:
    html = response.get_data(as_text=True)
    assert "Careful with contract files." in html and 'value="Renee Caldwell"' in html
    assert len(re.findall(r'<input checked id="item_\w+-3"', html)) == 13


def test_evaluation_under_a_held_lock_keeps_the_answers(client, evaluation_token, sqlite_only):
    """Does a supervisor sending an evaluation while the lock is held get it back with
    every rating and word, told to press Send again?"""
    data = evaluation_answers()
    with write_lock_held():
        response = client.post(f"/feedback/{evaluation_token}", data=data)
    assert response.status_code == 503
    assert BUSY in page_text(response)
    assert_evaluation_kept(response)
    assert count(Evaluation) == 0


def test_evaluation_meeting_a_full_disk_keeps_the_answers(client, evaluation_token, monkeypatch):
    """Does an evaluation whose save meets a full disk come back with every answer?"""

    def submit(*args, **kwargs):
        raise driver_error("disk_full")

    monkeypatch.setattr(feedback_views, "submit_evaluation", submit)
    response = client.post(f"/feedback/{evaluation_token}", data=evaluation_answers())
    assert response.status_code == 503
    assert UNSAVED in page_text(response)
    assert_evaluation_kept(response)


def test_evaluation_with_a_nul_is_shown_beside_its_field(client, evaluation_token):
    """Does a NUL in the evaluation's name come back beside it, the ratings kept?"""
    data = {**evaluation_answers(), "submitted_by_name": "Renee\x00"}
    response = client.post(f"/feedback/{evaluation_token}", data=data)
    assert response.status_code == 400
    assert CONTROL in field_error(response, "submitted_by_name")
    assert "Careful with contract files." in page_text(response)


@pytest.fixture
def status_token(make_candidate, stages):
    """A link to a student's own page; returns its token."""
    candidate = make_candidate(first_name="Maya", last_name="Okafor", consent_at=utcnow())
    link = student_services.issue_status_link(candidate)
    db.session.commit()
    return student_services.status_token(link)


def student_details() -> dict:
    return {
        "phone": "555-0199",
        "grad_term": "fall",
        "grad_year": GRAD_YEAR,
        "interests": ["summer_internship"],
        "availability": "June, after my exams",
        "language": "en",
    }


def test_student_details_under_a_held_lock_keep_the_answers(client, status_token, sqlite_only):
    """Does a student changing their details while the lock is held get their page back,
    what they typed still in the form?"""
    with write_lock_held():
        response = client.post(f"/apply/status/{status_token}/details", data=student_details())
    assert response.status_code == 503
    assert BUSY in page_text(response)
    assert 'value="June, after my exams"' in page_text(response)


def test_student_details_meeting_a_lost_connection_keep_the_answers(
    client, status_token, monkeypatch
):
    """Does a change of details whose save loses the connection come back, kept?"""

    def update(*args, **kwargs):
        raise driver_error("disconnected")

    monkeypatch.setattr(student_services, "update_details", update)
    response = client.post(f"/apply/status/{status_token}/details", data=student_details())
    assert response.status_code == 503
    assert UNSAVED in page_text(response)
    assert 'value="June, after my exams"' in page_text(response)


def test_asking_for_a_link_under_a_held_lock_keeps_the_address(client, stages, sqlite_only):
    """Does a student asking for their link while the lock is held keep their address?"""
    with write_lock_held():
        response = client.post("/apply/status", data={"email": "maya@capital.example.edu"})
    assert response.status_code == 503
    assert 'value="maya@capital.example.edu"' in page_text(response)


def test_interview_choice_under_a_held_lock_keeps_the_time(
    app, client, signed_in, clock, make_candidate, sqlite_only
):
    """Does a candidate choosing an interview time while the lock is held get their page
    back, the time they picked still chosen?"""
    hr = signed_in(Role.HR)
    candidate = make_candidate(stage="screening", consent_at=utcnow())
    interview = offer_interview(
        client, hr, candidate, [("2030-03-14", "10:00"), ("2030-03-16", "10:00")]
    )
    token = interview_services.candidate_token(interview)
    chosen = interview.slots[1].id
    with write_lock_held():
        response = app.test_client().post(f"/apply/interview/{token}/choose", data={"slot": chosen})
    assert response.status_code == 503
    assert BUSY in page_text(response)
    assert re.search(rf'<input checked[^>]*value="{chosen}"', response.get_data(as_text=True))


def test_a_referer_no_browser_sends_still_gets_the_error_page(client):
    """Does a Referer that cannot be read as an address ("http://[host/") leave the error
    page's way back at the interest form, instead of failing the error page itself?"""
    response = client.get("/apply?x=%00", headers={"Referer": "http://[localhost/apply"})
    assert response.status_code == 400
    assert 'href="/apply"' in response.get_data(as_text=True)
