"""Sign-ups that survive a fair hall's dead network: a student's phone and the booth's
kiosk keep what was sent while offline and send it, once each, when the network is back."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from recruit.auth.models import Role
from recruit.candidates.models import Candidate
from recruit.database import utcnow
from recruit.events.models import EventStatus
from recruit.extensions import db
from recruit.interest.models import FormReceipt
from tests.browser.test_interest_form import fill_in_the_form

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
TABLET = {"viewport": {"width": 820, "height": 1180}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def config_overrides():
    return {"WTF_CSRF_ENABLED": True, "MIN_FILL_SECONDS": 0}


@pytest.fixture
def fair(make_university, make_event):
    university = make_university(name="Riverside State University")
    return make_event(name="Riverside Spring Career Fair", university=university)


class Network:
    """The fair hall's network for one browser context: cut() and restore(). Cutting also
    aborts the service worker's own requests, which context.set_offline() does not reach."""

    def __init__(self, context):
        self.context = context
        self.down = False
        context.route("**/*", self._route)

    def _route(self, route):
        if self.down:
            route.abort("internetdisconnected")
        else:
            route.fallback()

    def cut(self):
        self.down = True
        self.context.set_offline(True)

    def restore(self):
        self.down = False
        self.context.set_offline(False)


def ready_for_offline(page):
    """Wait until the form's page has installed its worker, kept its pages and tokens."""
    expect(page.locator("html[data-offline-ready]")).to_have_count(1)


def candidates() -> list[Candidate]:
    db.session.rollback()  # see what the server committed
    return list(db.session.scalars(select(Candidate).order_by(Candidate.id)))


def test_phone_offline_at_send_keeps_the_sign_up_and_sends_it_once(
    new_page, live_server, fair, stages, axe_check
):
    """A student's phone loses signal between loading the form and pressing Send: is the
    sign-up kept, counted, and saved once when the signal returns?"""
    phone = new_page(**PHONE)
    network = Network(phone.context)
    phone.goto(f"{live_server}/apply/{fair.slug}")
    ready_for_offline(phone)
    fill_in_the_form(phone, "Priya", "Natarajan")

    network.cut()
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Thank you, your details are saved on this device"
    )
    expect(phone.locator("[data-queued]")).to_have_text("1")
    violations, report = axe_check(phone)
    assert not violations, report
    assert candidates() == []

    network.restore()
    expect(phone.locator("[data-queued]")).to_have_text("0")
    saved = candidates()
    assert [c.full_name for c in saved] == ["Priya Natarajan"]
    assert saved[0].source_event_id == fair.id


def test_two_kiosk_students_offline_are_both_kept_in_order(new_page, live_server, fair, stages):
    """On the booth's tablet in kiosk mode with no network, do two students in a row each
    get a fresh form and both reach the board once the network is back, keeping the time
    each filled the form in?"""
    tablet = new_page(**TABLET)
    network = Network(tablet.context)
    tablet.goto(f"{live_server}/apply/{fair.slug}?kiosk=1")
    ready_for_offline(tablet)

    network.cut()
    filled_from = utcnow()
    for first, last in [("Ana", "Ruiz"), ("Ben", "Okoro")]:
        expect(tablet.get_by_label("First name")).to_have_value("")
        fill_in_the_form(tablet, first, last)
        tablet.get_by_role("button", name="Send").click()
        expect(tablet.get_by_role("heading", level=1)).to_have_text(
            "Thank you, your details are saved on this device"
        )
        # The kiosk's countdown works offline too (its script was kept with the pages).
        expect(tablet.locator("[data-kiosk-timer]")).to_be_visible()
        tablet.get_by_role("link", name="Next student").click()
    expect(tablet.locator("[data-queued]")).to_have_text("2")
    assert candidates() == []

    network.restore()
    expect(tablet.locator("[data-queued]")).to_have_text("0")
    saved = candidates()
    assert [c.full_name for c in saved] == ["Ana Ruiz", "Ben Okoro"]
    for candidate in saved:
        assert candidate.source_event_id == fair.id
        assert filled_from - timedelta(seconds=1) <= candidate.created_at <= utcnow()
    assert saved[0].created_at <= saved[1].created_at


def test_a_send_whose_answer_was_lost_is_sent_again_and_saved_once(
    new_page, live_server, fair, stages
):
    """The server saves a sign-up but its answer never reaches the phone: is the kept copy
    sent again, accepted, and still one candidate?"""
    phone = new_page(**PHONE)
    lost = []

    def lose_first_answer(route):
        if route.request.method == "POST" and not lost:
            route.fetch()  # the server gets it and saves it...
            lost.append(route.request.url)
            route.abort("connectionreset")  # ...and the answer is lost on the way back
        else:
            route.fallback()

    phone.context.route("**/apply/*", lose_first_answer)
    phone.goto(f"{live_server}/apply/{fair.slug}")
    ready_for_offline(phone)
    fill_in_the_form(phone, "Chen", "Wei")
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Thank you, your details are saved on this device"
    )
    assert lost
    expect(phone.locator("[data-queued]")).to_have_text("0")
    assert [c.full_name for c in candidates()] == ["Chen Wei"]
    assert db.session.scalar(select(func.count()).select_from(FormReceipt)) == 1


def test_booth_staff_quick_add_offline_is_added_when_the_network_returns(
    new_page, live_server, stages, make_event, make_user, sign_in
):
    """Staff at the booth quick-add two leads while the hall's network is down: is each
    kept with a message where they are looking, the form ready for the next, and are both
    on the event once the network is back?"""
    staff = make_user(role=Role.OUTREACH)
    event = make_event(name="Capital Spring Fair", status=EventStatus.ATTENDED)
    event_id = event.id
    phone = new_page(**PHONE)
    network = Network(phone.context)
    sign_in(phone, live_server, staff)
    phone.goto(f"{live_server}/events/{event_id}")
    quick_add = phone.locator("#quick-add")

    network.cut()
    for first, last in [("Mei", "Chen"), ("Omar", "Haddad")]:
        quick_add.get_by_label("First name").fill(first)
        quick_add.get_by_label("Last name").fill(last)
        quick_add.get_by_label("Email").fill(f"{first.lower()}@u.example")
        quick_add.get_by_role("button", name="Add lead").click()
        expect(quick_add.get_by_role("status")).to_contain_text(f"No network: {first} {last}")
        expect(quick_add.get_by_label("First name")).to_have_value("")
        expect(quick_add.get_by_label("First name")).to_be_focused()
    expect(quick_add.locator("[data-queued]")).to_have_text("2")
    assert candidates() == []

    network.restore()
    expect(quick_add.locator("[data-queued]")).to_have_text("0")
    saved = candidates()
    assert [c.full_name for c in saved] == ["Mei Chen", "Omar Haddad"]
    assert {c.source_event_id for c in saved} == {event_id}

    quick_add.get_by_label("First name").fill("Ana")
    quick_add.get_by_label("Last name").fill("Ruiz")
    quick_add.get_by_label("Email").fill("ana@u.example")
    quick_add.get_by_role("button", name="Add lead").click()
    expect(quick_add.get_by_role("status")).to_have_text("Ana Ruiz added.")
    assert len(candidates()) == 3
