"""The reports page in Chromium: server-drawn SVG charts, accessibility and a clean console."""

from datetime import date, datetime
from decimal import Decimal

from playwright.sync_api import expect

from recruit.auth.models import Role
from recruit.candidates.models import CandidateEvent, StageChange
from recruit.extensions import db

REPORTS = "/reports/?term=fall-2025"


def test_reports_page_draws_accessible_charts_without_console_errors(
    page,
    live_server,
    make_user,
    stages,
    make_candidate,
    make_event,
    sign_in,
    axe_check,
    console_errors,
):
    """Does HR see the report's SVG charts, with no serious axe-core findings or CSP errors?"""
    fair = make_event(
        name="Capital State Career Fair",
        starts_on=date(2025, 9, 10),
        cost_registration=Decimal("400"),
    )
    for n in range(3):
        candidate = make_candidate(stage="interview")
        db.session.add_all(
            [
                StageChange(
                    candidate=candidate,
                    to_stage=stages["interested"],
                    created_at=datetime(2025, 9, 10 + n, 12),
                ),
                StageChange(
                    candidate=candidate,
                    from_stage=stages["interested"],
                    from_stage_entered_at=datetime(2025, 9, 10 + n, 12),
                    to_stage=stages["interview"],
                    created_at=datetime(2025, 9, 20 + n, 12),
                ),
                CandidateEvent(candidate=candidate, event=fair),
            ]
        )
    db.session.commit()
    sign_in(page, live_server, make_user(role=Role.HR))

    page.goto(f"{live_server}{REPORTS}")

    expect(page.get_by_role("heading", level=1)).to_have_text("Fall 2025")
    charts = page.locator('svg[role="img"]')
    expect(charts).to_have_count(6)
    funnel = page.get_by_role("img", name="Candidates who reached each stage")
    expect(funnel).to_be_visible()
    expect(funnel.locator("rect.chart__bar--1").first).to_have_attribute("width", "236.0")
    expect(page.get_by_role("cell", name="$133.33")).to_be_visible()
    violations, report = axe_check(page)
    assert violations == [], report
    assert console_errors == []
