"""HR weighs an update the public form sent for a known email, in Chromium: the page reads
well to axe-core, and Accept works through the real form (CSRF on)."""

from datetime import date

import pytest
from playwright.sync_api import expect

from recruit.auth.models import Role
from recruit.candidates.models import Candidate
from recruit.extensions import db
from recruit.interest.services import submit_interest


@pytest.fixture
def hr_user(make_user):
    return make_user(role=Role.HR, name="Grace Hopkins")


@pytest.fixture
def proposed(app, make_candidate, make_university):
    """A known student, and the public form sent again with their email and a phone."""
    candidate = make_candidate(first_name="Ana", last_name="Oliveira", email="ana@state.edu")
    values = {
        "first_name": "Ana",
        "last_name": "Oliveira",
        "email": "ANA@state.edu",
        "phone": "555-0142",
        "university_id": make_university(name="Capital State").id,
        "major": "Public administration",
        "class_standing": "senior",
        "grad_term": "spring",
        "grad_year": date.today().year + 1,
        "availability": "June",
        "language": "es",
    }
    # A POST request context makes SQLite take the write lock first, as the form's does.
    with app.test_request_context(method="POST"):
        submit_interest(values, ["full_time"], None)
        db.session.commit()
    return candidate


def test_the_update_to_review_is_accessible(
    page, live_server, hr_user, proposed, sign_in, axe_check
):
    """Does axe-core find no serious or critical problems on a candidate's page that shows
    an update to review?"""
    sign_in(page, live_server, hr_user)
    page.goto(f"{live_server}/candidates/{proposed.id}")
    expect(page.get_by_role("heading", name="Sent through the public form")).to_be_visible()

    violations, report = axe_check(page)

    assert violations == [], report


def test_hr_accepts_the_phone_with_one_press(page, live_server, hr_user, proposed, sign_in):
    """Does pressing Accept beside the phone put it on the record, through the real form?"""
    sign_in(page, live_server, hr_user)
    page.goto(f"{live_server}/candidates/{proposed.id}")
    page.get_by_role("button", name="Accept phone").click()

    expect(page.get_by_text("Phone accepted: the record says it now.")).to_be_visible()
    db.session.rollback()  # the server wrote in its own transaction
    assert db.session.get(Candidate, proposed.id).phone == "555-0142"
