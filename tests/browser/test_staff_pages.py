"""The dashboard, the audit log, the placements awaiting evaluations and a refused close
in Chromium: accessible to axe-core, and the dashboard's figures lead somewhere."""

import pytest
from playwright.sync_api import expect

from recruit.audit.models import AuditEntry
from recruit.auth.models import Role
from recruit.extensions import db
from recruit.pipeline.moves import move_candidate
from tests.placement_factories import new_placement


@pytest.fixture
def office(make_user, make_candidate, stages):
    """An HR user, an admin, a few candidates, a placement with an evaluation due and
    some audit entries; returns (hr, admin, candidate)."""
    hr = make_user(role=Role.HR, name="Grace Hopkins")
    admin = make_user(role=Role.ADMIN, name="Ada Admin")
    candidate = make_candidate(first_name="Chloé", last_name="Lefèvre")
    make_candidate(first_name="Ben", last_name="Adeyemi", stage="interview")
    move_candidate(candidate, stages["screening"], hr, None)
    placed = make_candidate(first_name="Ines", last_name="Park", stage="offer")
    placement = new_placement(placed)
    placement.midterm_due_on = placement.starts_on
    db.session.add_all(
        [
            AuditEntry(action="privacy.erase", user_id=admin.id, detail={"notes_deleted": 2}),
            AuditEntry(
                action="user.update",
                user_id=admin.id,
                target_type="User",
                target_id=hr.id,
                detail={"role": ["outreach", "hr"]},
            ),
            AuditEntry(action="candidate.update", target_type="Candidate", target_id=candidate.id),
        ]
    )
    db.session.commit()
    return hr, admin, candidate


def test_dashboard_is_accessible_and_its_figures_lead_to_lists(
    page, live_server, office, sign_in, axe_check
):
    """Is the dashboard free of serious axe problems, and does New leads open the list of
    those leads?"""
    hr, _admin, _candidate = office
    sign_in(page, live_server, hr)
    page.goto(f"{live_server}/")
    violations, report = axe_check(page)
    assert violations == [], report
    page.get_by_role("link", name="new leads").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Candidates")
    expect(page.locator("main table")).to_contain_text("Lefèvre")


def test_placements_awaiting_evaluations_are_accessible(
    page, live_server, office, sign_in, axe_check
):
    """Is the list of placements with an evaluation due free of serious axe problems?"""
    hr, _admin, _candidate = office
    sign_in(page, live_server, hr)
    page.goto(f"{live_server}/placements/?when=evaluations_due")
    expect(page.get_by_text("Ines Park")).to_be_visible()
    violations, report = axe_check(page)
    assert violations == [], report


def test_audit_log_is_accessible(page, live_server, office, sign_in, axe_check):
    """Is the audit log, in words and with links, free of serious axe problems?"""
    _hr, admin, _candidate = office
    sign_in(page, live_server, admin)
    page.goto(f"{live_server}/admin/audit/")
    expect(page.get_by_text("Erased a student's record")).to_be_visible()
    violations, report = axe_check(page)
    assert violations == [], report


def test_a_refused_close_is_accessible_and_keeps_the_comment(
    page, live_server, office, sign_in, axe_check
):
    """After closing without a reason, is the candidate page back with the comment kept
    and free of serious axe problems?"""
    hr, _admin, candidate = office
    sign_in(page, live_server, hr)
    page.goto(f"{live_server}/candidates/{candidate.id}")
    page.get_by_label("Move to").select_option(label="Not selected")
    page.get_by_label("Comment (optional)").fill("Took another offer")
    page.get_by_role("button", name="Move").click()
    expect(page.get_by_text("Choose a reason for moving")).to_be_visible()
    expect(page.get_by_label("Comment (optional)")).to_have_value("Took another offer")
    violations, report = axe_check(page)
    assert violations == [], report
