"""Events in Chromium: the booth on a phone, the events board's drag and drop, accessibility
and a clean console."""

from datetime import date

import pytest
from playwright.sync_api import expect

from recruit.auth.models import Role
from recruit.events.models import EventStatus

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
ATTENDEES = (
    b"First Name,Last Name,Email,Graduation Date\nAna,Ruiz,ana@u.example,May 2027\nNo,Email,,\n"
)


@pytest.fixture
def outreach_user(make_user):
    """The outreach staff member who works the booth."""
    return make_user(role=Role.OUTREACH, name="Olivia Brandt")


def test_outreach_logs_visit_and_adds_lead_on_a_phone_then_finds_it_on_the_board(
    new_page, live_server, outreach_user, stages, make_event, sign_in
):
    """On a phone, can outreach log a visit and quick-add a lead who then shows as Interested?"""
    event = make_event(name="Capital Spring Fair", status=EventStatus.ATTENDED)
    event_id, interested = event.id, stages["interested"].id
    phone = new_page(**PHONE)
    sign_in(phone, live_server, outreach_user)
    phone.goto(f"{live_server}/events/{event_id}")

    visits = phone.locator("#visits")
    visits.get_by_label("Students talked to").fill("25")
    visits.get_by_label("Notes").fill("Busy morning at the booth")
    visits.get_by_role("button", name="Log visit").click()
    expect(phone.locator("#visits")).to_contain_text("talked to 25 students")

    quick_add = phone.locator("#quick-add")
    quick_add.get_by_label("First name").fill("Mei")
    quick_add.get_by_label("Last name").fill("Chen")
    quick_add.get_by_label("Email").fill("mei.chen@u.example")
    quick_add.get_by_role("button", name="Add lead").click()
    expect(phone.get_by_text("Mei Chen added.")).to_be_visible()

    desk = new_page()
    sign_in(desk, live_server, outreach_user)
    desk.goto(f"{live_server}/candidates/board")
    column = desk.locator(f'[data-stage-id="{interested}"]')
    expect(column.locator(".board-card", has_text="Mei Chen")).to_be_visible()


def test_outreach_drags_event_to_attended_and_it_stays(
    page, live_server, outreach_user, make_event, sign_in
):
    """Does dragging an event from Registered to Attended move it, and does it stay there?"""
    event = make_event(name="Tech Week Fair", status=EventStatus.REGISTERED)
    event_id = event.id
    sign_in(page, live_server, outreach_user)
    page.goto(f"{live_server}/events/board")
    card = page.locator(f'[data-event-id="{event_id}"]')
    attended = page.locator('[data-stage-id="attended"]')

    card.drag_to(attended)

    expect(page.locator("[data-board-status]")).to_have_text("Tech Week Fair moved to Attended.")
    page.reload()
    expect(attended.locator(f'[data-event-id="{event_id}"]')).to_be_visible()
    expect(attended.locator("[data-count]")).to_have_text("1")
    expect(page.locator('[data-stage-id="registered"] [data-count]')).to_have_text("0")


def open_import_preview(page, live_server: str, event_id: int) -> None:
    """Upload the attendee file and wait for its preview."""
    page.goto(f"{live_server}/events/{event_id}/import")
    page.get_by_label("Attendee file").set_input_files(
        {"name": "attendees.csv", "mimeType": "text/csv", "buffer": ATTENDEES}
    )
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_text("Rows that will be skipped")).to_be_visible()


@pytest.mark.parametrize("path", ["event", "board", "import"])
def test_event_pages_are_accessible(
    page, live_server, outreach_user, stages, make_event, sign_in, axe_check, path
):
    """Does axe-core find no serious or critical problems on the event page, board and preview?"""
    event_id = make_event(name="Capital Spring Fair", status=EventStatus.ATTENDED).id
    sign_in(page, live_server, outreach_user)
    if path == "import":
        open_import_preview(page, live_server, event_id)
    else:
        url = f"/events/{event_id}" if path == "event" else "/events/board"
        page.goto(f"{live_server}{url}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()

    violations, report = axe_check(page)

    assert violations == [], report


def test_event_pages_log_no_console_errors(
    page, live_server, outreach_user, stages, make_event, sign_in, console_errors
):
    """Do the event page, the events board and the import preview log no errors?"""
    event_id = make_event(name="Capital Spring Fair", status=EventStatus.ATTENDED).id
    sign_in(page, live_server, outreach_user)
    for url, heading in [
        (f"/events/{event_id}", "Capital Spring Fair"),
        ("/events/board", "Events board"),
        ("/events/", "Events"),
    ]:
        page.goto(f"{live_server}{url}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    open_import_preview(page, live_server, event_id)

    assert console_errors == []


def test_on_a_phone_the_booth_comes_before_the_leads(
    new_page, live_server, outreach_user, make_event, sign_in
):
    """On a phone, do the QR code and quick-add come first, before the leads and visits?"""
    event_id = make_event(name="Capital Spring Fair", status=EventStatus.ATTENDED).id
    phone = new_page(**PHONE)
    sign_in(phone, live_server, outreach_user)
    phone.goto(f"{live_server}/events/{event_id}")

    tops = [
        phone.get_by_role("heading", name=name, exact=True).bounding_box()["y"]
        for name in ("Sign-up link", "Quick-add a lead", "Leads (0)", "Fair visit log")
    ]

    assert tops == sorted(tops)


def test_quick_add_on_a_phone_confirms_where_staff_are_looking(
    new_page, live_server, outreach_user, stages, make_event, sign_in
):
    """After a quick-add on a phone, is the confirmation in the quick-add form, on screen?"""
    event_id = make_event(name="Capital Spring Fair", status=EventStatus.ATTENDED).id
    phone = new_page(**PHONE)
    sign_in(phone, live_server, outreach_user)
    phone.goto(f"{live_server}/events/{event_id}")
    quick_add = phone.locator("#quick-add")
    quick_add.get_by_label("First name").fill("Mei")
    quick_add.get_by_label("Last name").fill("Chen")
    quick_add.get_by_label("Email").fill("mei.chen@u.example")

    quick_add.get_by_role("button", name="Add lead").click()

    confirmation = phone.locator("#quick-add").get_by_role("status")
    expect(confirmation).to_have_text("Mei Chen added.")
    expect(confirmation).to_be_in_viewport()


def test_outreach_gives_an_event_hours_and_sees_them_in_office_time(
    page, live_server, outreach_user, stages, make_event, sign_in
):
    """Can outreach type a fair's hours in the time inputs and see them, with CST, on its page?"""
    event_id = make_event(name="Capital Winter Fair", starts_on=date(2027, 1, 14)).id
    sign_in(page, live_server, outreach_user)
    page.goto(f"{live_server}/events/{event_id}/edit")
    page.get_by_label("Starts at").fill("10:00")
    page.get_by_label("Ends at").fill("15:00")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".lead")).to_contain_text("Jan 14, 2027, 10:00 AM \N{EN DASH} 3:00 PM CST")


def test_event_form_is_accessible_with_an_hours_error(
    page, live_server, outreach_user, stages, make_event, sign_in, axe_check
):
    """Does axe-core find no serious problems on the event form showing an end-time error?"""
    event_id = make_event(name="Capital Winter Fair").id
    sign_in(page, live_server, outreach_user)
    page.goto(f"{live_server}/events/{event_id}/edit")
    page.get_by_label("Ends at").fill("15:00")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Give the time it starts too").first).to_be_visible()

    violations, report = axe_check(page)

    assert violations == [], report


def test_settings_page_with_the_time_zone_is_accessible(
    page, live_server, make_user, sign_in, axe_check
):
    """Does axe-core find no serious problems on the settings page and its zone field?"""
    sign_in(page, live_server, make_user(role=Role.ADMIN, name="Ada Admin"))
    page.goto(f"{live_server}/admin/settings")
    expect(page.get_by_label("Office time zone")).to_have_value("America/Chicago")

    violations, report = axe_check(page)

    assert violations == [], report
