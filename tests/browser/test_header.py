"""The staff header in Chromium: one line at 1366 px for every role, the same width on every
page, an Admin menu that opens by keyboard and without JavaScript, and one Menu on a phone."""

import re

import pytest
from playwright.sync_api import expect

from recruit.auth.models import Role

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
# One line of entries: the padding around a 2.75rem-high row, with room to spare, but well
# under the two lines (86 px) the header took when it wrapped.
ONE_LINE_HEIGHT = 64
PHONE_HEADER_HEIGHT = 70
DASHBOARD, BOARD, PLACEMENTS = "/", "/candidates/board", "/placements/"

# The header's shape as the browser laid it out: the top of each top-level entry of the
# visible main menu, the header's height, the brand's left edge and the page's width.
LAYOUT = """() => {
  const nav = [...document.querySelectorAll('.site-header nav')].find(n => n.offsetParent);
  const items = nav ? [...nav.querySelectorAll(':scope > ul > li')] : [];
  return {
    tops: [...new Set(items.map(li => Math.round(li.getBoundingClientRect().top)))],
    items: items.length,
    height: document.querySelector('.site-header').getBoundingClientRect().height,
    brand: document.querySelector('.brand').getBoundingClientRect().left,
    scrollWidth: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
  };
}"""


@pytest.fixture
def staff(make_user):
    """Return staff(role): a user of that role with a long name, as real names can be."""

    def make(role):
        return make_user(role=role, name="Alexandra Montgomery-Richardson")

    return make


def layout(page, url: str) -> dict:
    """Open url and measure the header."""
    page.goto(url)
    return page.evaluate(LAYOUT)


def admin_menu(page):
    """The Admin menu's button in the wide header."""
    return page.get_by_role("navigation", name="Main").locator("summary", has_text="Admin")


@pytest.mark.parametrize("role", [Role.ADMIN, Role.HR, Role.OUTREACH])
def test_header_is_one_line_at_1366_for_every_role(
    new_page, live_server, staff, stages, make_candidate, sign_in, role
):
    """At 1366x768, is each role's menu one line, on the home page and on the board alike?"""
    make_candidate()
    page = new_page(viewport=LAPTOP)
    sign_in(page, live_server, staff(role))

    for path in (DASHBOARD, BOARD):
        shape = layout(page, f"{live_server}{path}")
        assert shape["items"] >= 10, f"{path}: the wide menu is not shown ({shape})"
        assert len(shape["tops"]) == 1, f"{path}: the menu wraps ({shape})"
        assert shape["height"] <= ONE_LINE_HEIGHT, f"{path}: header too tall ({shape})"


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OUTREACH])
def test_pages_do_not_scroll_sideways_at_1366(
    new_page, live_server, staff, stages, make_candidate, sign_in, role
):
    """At 1366x768, is the home page (and placements, with its page actions) as wide as
    the window? The board's own width is the board's concern, measured in test_board."""
    make_candidate()
    page = new_page(viewport=LAPTOP)
    sign_in(page, live_server, staff(role))

    for path in (DASHBOARD, PLACEMENTS):
        shape = layout(page, f"{live_server}{path}")
        assert shape["scrollWidth"] == shape["viewport"] == LAPTOP["width"], (path, shape)


def test_pages_with_tables_do_not_scroll_sideways_on_a_phone(
    new_page, live_server, staff, stages, make_candidate, sign_in
):
    """On a 390x844 phone, are the candidate list and the stages page as wide as the
    window, their tables scrolling inside their own boxes? (Visually hidden text in a
    table's cells once escaped the box and widened the page.)"""
    for _ in range(3):
        make_candidate(rating=4)
    page = new_page(**PHONE)
    sign_in(page, live_server, staff(Role.ADMIN))

    for path in ("/candidates/", "/admin/stages/", "/universities/", "/placements/"):
        shape = layout(page, f"{live_server}{path}")
        assert shape["scrollWidth"] == shape["viewport"] == 390, (path, shape)


def test_brand_stays_put_between_board_and_other_pages(
    new_page, live_server, staff, stages, make_candidate, sign_in
):
    """Does the brand sit at the same place on the board as on a boxed page (no jump)?"""
    make_candidate()
    page = new_page(viewport={"width": 1600, "height": 900})
    sign_in(page, live_server, staff(Role.HR))

    edges = {path: layout(page, f"{live_server}{path}")["brand"] for path in (DASHBOARD, BOARD)}

    assert edges[DASHBOARD] == edges[BOARD], edges


@pytest.mark.parametrize(
    ("path", "title", "actions"),
    [(PLACEMENTS, "Placements", ("Positions", "Outbox")), ("/events/", "Events", ("Board view",))],
)
def test_page_actions_stand_at_the_end_of_the_title_row(
    page, live_server, staff, stages, sign_in, path, title, actions
):
    """Do a page's own buttons (Positions, Outbox, Board view) end its title's row, level
    with the title, instead of floating in the middle with the tabs beyond them?"""
    sign_in(page, live_server, staff(Role.HR))
    page.goto(f"{live_server}{path}")

    row = page.locator(".page-head").bounding_box()
    heading = page.get_by_role("heading", level=1, name=title).bounding_box()
    middle = heading["y"] + heading["height"] / 2
    boxes = [
        page.get_by_role("main").get_by_role("link", name=name, exact=True).bounding_box()
        for name in actions
    ]
    for name, box in zip(actions, boxes, strict=True):
        assert box["y"] <= middle <= box["y"] + box["height"], (name, box, heading)
    assert abs(boxes[-1]["x"] + boxes[-1]["width"] - (row["x"] + row["width"])) < 1, (boxes, row)


def test_admin_menu_opens_by_keyboard_and_closes_on_escape(
    page, live_server, staff, stages, sign_in, axe_check
):
    """Does the Admin menu open with Enter, lead to Users, and close on Escape?"""
    sign_in(page, live_server, staff(Role.ADMIN))
    users = page.get_by_role("navigation", name="Main").get_by_role("link", name="Users")
    expect(users).to_be_hidden()

    admin_menu(page).focus()
    page.keyboard.press("Enter")
    expect(users).to_be_visible()
    violations, report = axe_check(page)
    assert not violations, report
    page.keyboard.press("Tab")
    expect(users).to_be_focused()
    page.keyboard.press("Escape")
    expect(users).to_be_hidden()
    expect(admin_menu(page)).to_be_focused()

    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1).click()  # a click elsewhere closes it too
    expect(users).to_be_hidden()

    admin_menu(page).click()
    users.click()
    expect(page).to_have_url(f"{live_server}/admin/users")
    admin_menu(page).click()
    expect(users).to_have_attribute("aria-current", "page")


def test_admin_menu_opens_without_javascript(new_page, live_server, staff, stages, sign_in):
    """With JavaScript off, does clicking Admin open the menu and its links work?"""
    page = new_page(viewport=LAPTOP, java_script_enabled=False)
    sign_in(page, live_server, staff(Role.ADMIN))
    audit = page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log")
    expect(audit).to_be_hidden()

    admin_menu(page).click()
    expect(audit).to_be_visible()
    audit.click()

    expect(page).to_have_url(f"{live_server}/admin/audit/")


def test_account_menu_holds_sign_out(page, live_server, staff, stages, sign_in):
    """Does the account menu under one's name sign one out?"""
    sign_in(page, live_server, staff(Role.OUTREACH))

    page.locator(".site-header summary", has_text="Alexandra").click()
    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(re.compile(r"/login"))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_phone_menu_is_collapsed_and_opens(
    new_page, live_server, staff, stages, sign_in, axe_check, javascript
):
    """On a 390x844 phone, is the header one short row whose Menu opens to working links?"""
    page = new_page(**PHONE, java_script_enabled=javascript)
    sign_in(page, live_server, staff(Role.ADMIN))
    menu = page.get_by_role("navigation", name="Main")
    expect(menu).to_be_hidden()
    shape = page.evaluate(LAYOUT)
    assert shape["height"] <= PHONE_HEADER_HEIGHT, shape
    assert shape["scrollWidth"] == shape["viewport"], shape

    page.locator(".site-header summary", has_text="Menu").tap()
    expect(menu.get_by_role("link", name="Candidates")).to_be_visible()
    expect(menu.get_by_role("link", name="Settings")).to_be_visible()
    expect(menu.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    if javascript:
        violations, report = axe_check(page)
        assert not violations, report
    menu.get_by_role("link", name="Candidates").tap()

    expect(page).to_have_url(f"{live_server}/candidates/")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
