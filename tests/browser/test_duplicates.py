"""HR finds a duplicate from a candidate's page and merges it side by side, in Chromium:
both pages read well to axe-core, and the merge works through the real form (CSRF on)."""

import pytest
from playwright.sync_api import expect

from recruit.auth.models import Role
from recruit.candidates.models import Candidate
from recruit.extensions import db


@pytest.fixture
def hr_user(make_user):
    return make_user(role=Role.HR, name="Grace Hopkins")


@pytest.fixture
def pair(make_candidate):
    """Ana Garcia twice, with one phone written two ways and two majors."""
    keep = make_candidate(
        first_name="Ana", last_name="Garcia", phone="(916) 555-0100", major="Business"
    )
    other = make_candidate(
        first_name="Ana",
        last_name="Garcia",
        email="ana.g@mail.example",
        phone="916.555.0100",
        major="Supply chain",
    )
    return keep, other


def test_duplicate_panel_and_side_by_side_page_are_accessible(
    page, live_server, hr_user, pair, sign_in, axe_check
):
    """Does axe-core find no serious or critical problems on the page with its Possible
    duplicates panel, nor on the side-by-side merge it links to?"""
    keep, _other = pair
    sign_in(page, live_server, hr_user)
    page.goto(f"{live_server}/candidates/{keep.id}")
    expect(page.get_by_role("heading", name="Possible duplicates")).to_be_visible()
    violations, report = axe_check(page)
    assert violations == [], report

    page.get_by_role("link", name="Compare and merge Ana Garcia").click()
    expect(page.get_by_role("heading", name="Merge a duplicate into Ana Garcia")).to_be_visible()
    violations, report = axe_check(page)
    assert violations == [], report


def test_hr_merges_keeping_the_duplicates_major(page, live_server, hr_user, pair, sign_in):
    """Does picking the duplicate's major and pressing Merge keep it on the kept record?"""
    keep, other = pair
    keep_id, other_id = keep.id, other.id
    sign_in(page, live_server, hr_user)
    page.goto(f"{live_server}/candidates/{keep_id}/merge/{other_id}")

    page.get_by_label("Supply chain").check()
    page.get_by_role("button", name="Merge", exact=True).click()

    expect(page.get_by_text("The duplicate record is merged into this one.")).to_be_visible()
    db.session.remove()  # a fresh read of what the server committed
    assert db.session.get(Candidate, other_id) is None
    assert db.session.get(Candidate, keep_id).major == "Supply chain"
