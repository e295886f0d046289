"""Lists with a bulk action in Chromium: select all on the page, the count, and the bar that
stays in reach at the bottom of a phone's window."""

import pytest
from playwright.sync_api import expect

from recruit.auth.models import Role
from recruit.candidates.models import CandidateEvent
from recruit.extensions import db

LIST = "/candidates/"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def hr_user(make_user):
    """The HR staff member who works through the lists in these tests."""
    return make_user(role=Role.HR, name="Grace Hopkins")


def row_boxes(page):
    """The rows' selection boxes."""
    return page.locator("[data-select-row]")


def test_select_all_ticks_every_row_and_counts_them(
    page, live_server, hr_user, make_candidate, sign_in
):
    """Does the header box tick every row on the page and the bar say "3 selected"; and
    after one row is cleared, is the header box mixed and the count 2?"""
    for _ in range(3):
        make_candidate()
    sign_in(page, live_server, hr_user)
    page.goto(f"{live_server}{LIST}")
    count = page.locator("[data-selected-count]")
    expect(count).to_have_text("0 selected")

    select_all = page.get_by_role("checkbox", name="Select all on this page")
    select_all.click()

    for box in row_boxes(page).all():
        expect(box).to_be_checked()
    expect(count).to_have_text("3 selected")
    row_boxes(page).first.click()
    expect(count).to_have_text("2 selected")
    assert select_all.evaluate("box => box.indeterminate") is True
    select_all.click()
    expect(count).to_have_text("3 selected")
    select_all.click()
    expect(count).to_have_text("0 selected")
    expect(row_boxes(page).first).not_to_be_checked()


def test_bulk_bar_stays_at_the_bottom_of_a_phone_window(
    new_page, live_server, hr_user, make_candidate, sign_in
):
    """On a 390x844 phone, is the bulk bar at the window's bottom edge while the list
    scrolls under it, and after it once the list ends?"""
    for _ in range(25):
        make_candidate()
    page = new_page(viewport=PHONE)
    sign_in(page, live_server, hr_user)
    page.goto(f"{live_server}{LIST}")
    bar = page.locator(".bulk-bar")
    # The filters fill a phone's first screen; the bar comes with the list.
    page.locator("tbody tr").nth(2).scroll_into_view_if_needed()
    box = bar.bounding_box()
    assert box["y"] + box["height"] == pytest.approx(PHONE["height"], abs=1)
    assert box["height"] < PHONE["height"] / 4, "the bar hides too much of the list"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("checkbox", name="Select all on this page").click()
    expect(page.locator("[data-selected-count]")).to_have_text("25 selected")
    # At the end of the list the bar sits after the last row, in the page's flow again.
    page.mouse.wheel(0, 20_000)
    expect(page.get_by_role("contentinfo")).to_be_in_viewport()
    last_row = page.locator("tbody tr").last.bounding_box()
    assert bar.bounding_box()["y"] >= last_row["y"] + last_row["height"] - 1


def test_bulk_bar_posts_the_ticked_rows_without_javascript(
    new_page, live_server, hr_user, make_candidate, sign_in
):
    """Without JavaScript, does ticking two rows and Add tag tag those two?"""
    first, second = make_candidate(first_name="Lina"), make_candidate(first_name="Omar")
    make_candidate(first_name="Pia")
    page = new_page(java_script_enabled=False, viewport=PHONE)
    sign_in(page, live_server, hr_user)
    page.goto(f"{live_server}{LIST}")
    expect(page.get_by_role("checkbox", name="Select all on this page")).to_be_hidden()
    page.get_by_role("checkbox", name=f"Select {first.full_name}").check()
    page.get_by_role("checkbox", name=f"Select {second.full_name}").check()
    page.get_by_label("Action").select_option(label="Add tag")
    page.get_by_label("Tag (to add)").fill("spring-fair")
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.get_by_text("Tagged 2 candidates “spring-fair”.")).to_be_visible()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_lists_with_the_bulk_bar_are_accessible(
    new_page, live_server, hr_user, make_candidate, make_event, sign_in, axe_check, viewport
):
    """Are the candidate list and an event's leads, with boxes ticked, free of serious axe
    problems?"""
    event = make_event(name="Capital Spring Fair")
    for _ in range(3):
        db.session.add(CandidateEvent(candidate=make_candidate(), event_id=event.id, via="form"))
    db.session.commit()
    event_id = event.id
    page = new_page(**({"viewport": viewport} if viewport else {}))
    sign_in(page, live_server, hr_user)
    for url in (LIST, f"/events/{event_id}"):
        page.goto(f"{live_server}{url}")
        page.get_by_role("checkbox", name="Select all on this page").click()
        row_boxes(page).first.click()
        violations, report = axe_check(page)
        assert not violations, report


def test_tabbing_through_an_events_leads_on_a_phone_stays_clear_of_the_bar(
    new_page, live_server, hr_user, make_candidate, make_event, sign_in
):
    """On a 390x844 phone, is every lead's box and name reached with Tab wholly above the
    bulk bar (which wraps taller on an event's page), never under it?"""
    event = make_event(name="Capital Spring Fair")
    for _ in range(15):
        db.session.add(CandidateEvent(candidate=make_candidate(), event_id=event.id, via="form"))
    db.session.commit()
    page = new_page(viewport=PHONE)
    sign_in(page, live_server, hr_user)
    page.goto(f"{live_server}/events/{event.id}")
    first = row_boxes(page).first
    first.focus()
    covered = []
    for _ in range(30):
        page.keyboard.press("Tab")
        inside_list = page.evaluate(
            "!!document.activeElement.closest('tbody')"
            " && !document.activeElement.closest('.bulk-bar')"
        )
        if not inside_list:
            continue
        focused = page.evaluate("document.activeElement.getBoundingClientRect().bottom")
        bar_top = page.locator(".bulk-bar").bounding_box()["y"]
        if focused > bar_top + 1:
            covered.append(page.evaluate("document.activeElement.outerHTML.slice(0, 80)"))
    assert covered == [], f"under the bulk bar: {covered}"
