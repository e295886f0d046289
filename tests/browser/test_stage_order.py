"""Reordering the pipeline's stages in Chromium: the keyboard handle, dragging, and axe."""

import pytest
from playwright.sync_api import expect

from recruit.auth.models import Role
from recruit.extensions import db
from recruit.pipeline.stages import place_stage, stages_in_use

STAGES = "/admin/stages/"


@pytest.fixture
def admin(make_user):
    """The admin who arranges the pipeline in these tests."""
    return make_user(role=Role.ADMIN, name="Ada Lovelace")


def stage_rows(page):
    """The names of the stages in use, top to bottom, as the page shows them."""
    return page.locator("[data-reorder-row]").evaluate_all(
        "rows => rows.map(row => row.dataset.stageName)"
    )


def test_admin_reorders_stages_with_the_keyboard(page, live_server, admin, stages, sign_in):
    """Focus Interview's handle, Space, ArrowUp twice, Space: is Interview first, and
    still first after a reload, each step announced?"""
    sign_in(page, live_server, admin)
    page.goto(f"{live_server}{STAGES}")
    total = len(stages)
    handle = page.get_by_role("button", name="Reorder Interview")
    handle.focus()
    status = page.locator("[data-reorder-status]")

    page.keyboard.press("Space")
    expect(status).to_contain_text(f"Interview, position 3 of {total}, picked up.")
    page.keyboard.press("ArrowUp")
    expect(status).to_have_text(f"Interview, position 2 of {total}.")
    expect(handle).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(status).to_have_text(f"Interview, position 1 of {total}.")
    with page.expect_navigation():
        page.keyboard.press("Space")

    expect(page.get_by_text(f"Interview is now at position 1 of {total}.")).to_be_visible()
    expect(page.get_by_role("button", name="Reorder Interview")).to_be_focused()
    page.reload()
    assert stage_rows(page)[:4] == ["Interview", "Interested", "Screening", "Offer"]


def test_escape_puts_a_picked_up_stage_back(page, live_server, admin, stages, sign_in):
    """Does Escape after moving a picked-up stage put it back, saving nothing?"""
    sign_in(page, live_server, admin)
    page.goto(f"{live_server}{STAGES}")
    page.get_by_role("button", name="Reorder Offer").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    assert stage_rows(page)[3:5] == ["Onboarding", "Offer"]
    page.keyboard.press("Escape")
    expect(page.locator("[data-reorder-status]")).to_contain_text("Cancelled.")
    assert stage_rows(page)[3:5] == ["Offer", "Onboarding"]
    page.reload()
    assert stage_rows(page)[3:5] == ["Offer", "Onboarding"]


def test_tab_away_from_a_picked_up_stage_puts_it_back_and_keeps_the_focus(
    page, live_server, admin, stages, sign_in
):
    """Picked up and moved, then Tab: is the stage back in its place, and is the focus on
    the next control (its Position menu), not lost to the page?"""
    sign_in(page, live_server, admin)
    page.goto(f"{live_server}{STAGES}")
    page.get_by_role("button", name="Reorder Offer").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")

    expect(page.locator("[data-reorder-status]")).to_contain_text("Cancelled.")
    assert stage_rows(page)[3:5] == ["Offer", "Onboarding"]
    focused = page.evaluate(
        "document.activeElement.closest('[data-reorder-row]')?.dataset.stageName"
    )
    assert focused == "Offer"
    assert page.evaluate("document.activeElement.tagName") != "BODY"


def test_admin_drags_a_stage_by_its_handle(page, live_server, admin, stages, sign_in):
    """Does dragging Offer's handle onto Interested's row put Offer first, kept on reload?"""
    sign_in(page, live_server, admin)
    page.goto(f"{live_server}{STAGES}")
    handle = page.get_by_role("button", name="Reorder Offer")
    with page.expect_navigation():
        handle.drag_to(page.locator(f"#stage-{stages['interested'].id}"))
    expect(page.get_by_text(f"Offer is now at position 1 of {len(stages)}.")).to_be_visible()
    page.reload()
    assert stage_rows(page)[:3] == ["Offer", "Interested", "Screening"]


def test_stages_page_is_accessible(page, live_server, admin, stages, sign_in, axe_check):
    """Is the stages page, with its handles shown, free of serious axe problems?"""
    sign_in(page, live_server, admin)
    page.goto(f"{live_server}{STAGES}")
    expect(page.get_by_role("button", name="Reorder Interview")).to_be_visible()
    violations, report = axe_check(page)
    assert not violations, report


def test_stages_page_without_javascript_moves_in_one_step(
    new_page, live_server, admin, stages, sign_in
):
    """Without JavaScript, are the handles hidden and does one Move place a stage?"""
    page = new_page(java_script_enabled=False)
    sign_in(page, live_server, admin)
    page.goto(f"{live_server}{STAGES}")
    expect(page.get_by_role("button", name="Reorder Offer")).to_be_hidden()
    page.get_by_label("Position of Onboarding").select_option("2")
    with page.expect_navigation():
        page.get_by_role("button", name="Move Onboarding").click()
    expect(page.get_by_text(f"Onboarding is now at position 2 of {len(stages)}.")).to_be_visible()
    assert stage_rows(page)[:3] == ["Interested", "Onboarding", "Screening"]


def test_a_drop_on_an_out_of_date_order_is_refused_and_accessible(
    app, page, live_server, admin, make_user, stages, sign_in, axe_check
):
    """When a colleague reorders the stages after the page loaded, is the keyboard drop
    refused naming the colleague, the colleague's order shown, and the page clean to axe?"""
    colleague = make_user(role=Role.ADMIN, name="Grace Hopper")
    sign_in(page, live_server, admin)
    page.goto(f"{live_server}{STAGES}")
    db.session.rollback()  # the server wrote since the test's transaction began
    with app.test_request_context(method="POST"):
        order = [s.id for s in stages_in_use()]
        place_stage(stages["offer"], 1, order, colleague)
        db.session.commit()

    page.get_by_role("button", name="Reorder Interview").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Space")

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Grace Hopper changed the stages after you loaded this page")
    expect(alert).to_contain_text("Nothing was moved.")
    assert stage_rows(page)[:4] == ["Offer", "Interested", "Screening", "Interview"]
    violations, report = axe_check(page)
    assert not violations, report
