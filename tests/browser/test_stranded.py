"""A student's answers survive what goes wrong: a resume too large, refused the moment it is
chosen, and a database too busy to save them."""

import sqlite3

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from recruit.candidates.models import Candidate
from recruit.extensions import db

PHONE = {"width": 390, "height": 844}
MB = 1024 * 1024


@pytest.fixture
def config_overrides():
    return {"WTF_CSRF_ENABLED": True, "MIN_FILL_SECONDS": 0}


def test_resume_too_large_is_refused_when_chosen(new_page, live_server, stages):
    """Does choosing a 6 MB resume say at once, beside the field, that it is too large, and
    leave no file chosen, the other answers untouched?"""
    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.goto(f"{live_server}/apply")
    phone.get_by_label("First name").fill("Maya")
    resume = phone.get_by_label("Resume (PDF, optional)")
    resume.set_input_files(
        {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-" + b"0" * (6 * MB)}
    )
    expect(phone.locator("#resume-size-error")).to_have_text("The resume is larger than 5 MB.")
    expect(resume).to_have_attribute("aria-invalid", "true")
    assert resume.evaluate("input => input.files.length") == 0
    expect(phone.get_by_label("First name")).to_have_value("Maya")

    resume.set_input_files(
        {"name": "resume.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 small"}
    )
    expect(phone.locator("#resume-size-error")).to_have_count(0)
    expect(resume).not_to_have_attribute("aria-invalid", "true")


@pytest.fixture
def fair(make_university, make_event):
    """A career fair with its public sign-up form."""
    university = make_university(name="Riverside State University")
    return make_event(name="Riverside Spring Career Fair", university=university)


@pytest.mark.parametrize(
    "config_overrides",
    [{"WTF_CSRF_ENABLED": True, "MIN_FILL_SECONDS": 0, "SQLITE_BUSY_TIMEOUT_MS": 200}],
)
def test_student_sends_while_the_database_is_busy_and_sends_again(
    new_page, live_server, fair, stages, app, axe_check
):
    """When another process holds the database while a student on a phone presses Send, is
    the form given back with every answer and "press Send again", and does that work?"""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock; PostgreSQL's faults are tested in test_database_faults")
    from tests.browser.test_interest_form import fill_in_the_form

    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.goto(f"{live_server}/apply/{fair.slug}")
    fill_in_the_form(phone, "Priya", "Natarajan")

    db.session.rollback()
    holder = sqlite3.connect(db.engine.url.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        phone.get_by_role("button", name="Send").click()
        expect(
            phone.get_by_text("We are busy: nothing was saved yet. Press Send again.")
        ).to_be_visible()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    expect(phone.get_by_label("First name")).to_have_value("Priya")
    expect(phone.get_by_label("Major")).to_have_value("Supply chain management")
    expect(phone.get_by_label("When can you start")).to_have_value("May, after finals")
    expect(phone.get_by_label("I agree")).to_be_checked()
    violations, report = axe_check(phone)
    assert not violations, report

    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you, we have your details")
    assert db.session.scalar(select(func.count(Candidate.id))) == 1
