"""The public interest form on a phone at a fair: signing up, errors, thanks, the booth sign."""

import re
import time
from datetime import date, datetime, timedelta

import pytest
from playwright.sync_api import expect

from recruit.auth.models import Role
from recruit.interest import receipts
from tests.test_interest_form import SMALL_PDF

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}


@pytest.fixture
def config_overrides():
    """CSRF on as for students, and no minimum fill time, so no test has to wait."""
    return {"WTF_CSRF_ENABLED": True, "MIN_FILL_SECONDS": 0}


@pytest.fixture
def phone(new_page):
    """A page in a phone-sized context of its own, as a student at the booth would hold."""
    return new_page(viewport=PHONE, is_mobile=True, has_touch=True)


@pytest.fixture
def fair(make_university, make_event):
    """A career fair at a university, with its public sign-up form."""
    university = make_university(name="Riverside State University")
    return make_event(name="Riverside Spring Career Fair", university=university)


def fill_in_the_form(page, first_name: str, last_name: str) -> None:
    """Answer every required question by its label, as a student would."""
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Last name").fill(last_name)
    page.get_by_label("Email", exact=True).fill(f"{first_name.lower()}@riverside.example")
    page.get_by_label("Major").fill("Supply chain management")
    page.get_by_label("Class standing").select_option(label="Junior")
    page.get_by_label("Term", exact=True).select_option(label="Spring")
    page.get_by_label("Year", exact=True).select_option(str(date.today().year + 1))
    page.get_by_label("Summer internship").check()
    page.get_by_label("When can you start").fill("May, after finals")
    page.get_by_label("I agree").check()


def test_student_signs_up_at_a_fair_and_staff_see_the_lead(
    phone, page, live_server, fair, stages, make_user, sign_in
):
    """Does a student's sign-up at a fair reach the board's first stage and the event's leads?"""
    hr_user = make_user(role=Role.HR)  # made first: the test writes nothing once the app has
    phone.goto(f"{live_server}/apply/{fair.slug}")
    expect(phone.get_by_text(f"You're at {fair.name}")).to_be_visible()
    expect(phone.get_by_label("University", exact=True)).to_have_value(str(fair.university_id))

    fill_in_the_form(phone, "Priya", "Natarajan")
    phone.get_by_role("button", name="Send").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you, we have your details")
    sign_in(page, live_server, hr_user)
    page.goto(f"{live_server}/candidates/board")
    first_column = page.locator(f'[data-stage-id="{stages["interested"].id}"]')
    expect(first_column.get_by_role("heading", level=2)).to_contain_text("Interested")
    expect(first_column.get_by_role("link", name="Priya Natarajan", exact=True)).to_be_visible()
    page.goto(f"{live_server}/events/{fair.id}")
    leads = page.get_by_role("region", name="Leads")
    expect(leads.get_by_role("link", name="Priya Natarajan", exact=True)).to_be_visible()


def test_empty_form_says_what_is_missing(phone, live_server, fair):
    """Does sending the form empty list the missing answers and mark each field?"""
    phone.goto(f"{live_server}/apply/{fair.slug}")

    phone.get_by_role("button", name="Send").click()

    summary = phone.get_by_role("alert")
    expect(summary).to_contain_text("Enter your first name.")
    expect(summary).to_contain_text(
        "Consent: Tick the box to agree that we may keep your details and contact you."
    )
    expect(phone.get_by_label("First name")).to_have_attribute("aria-invalid", "true")


def test_failed_send_focuses_the_error_summary(phone, live_server, fair):
    """After a refused send, is the focus on the error summary, so it is read out first?"""
    phone.goto(f"{live_server}/apply/{fair.slug}")
    phone.get_by_label("First name").fill("Ana")

    phone.get_by_role("button", name="Send").click()

    expect(phone.get_by_role("alert")).to_be_focused()
    expect(phone.get_by_label("First name")).to_have_value("Ana")


@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["phone", "tablet"])
def test_university_name_is_asked_only_for_other(new_page, live_server, fair, viewport):
    """Does 'University name (if not listed)' appear only once 'Other / not listed' is
    chosen, and go away (from screen readers too) when a listed university is chosen?"""
    page = new_page(viewport=viewport, is_mobile=True, has_touch=True)
    page.goto(f"{live_server}/apply/{fair.slug}")
    university = page.get_by_label("University", exact=True)
    other = page.get_by_label("University name (if not listed)")
    expect(other).to_be_hidden()
    expect(page.locator(".field", has=other)).to_have_attribute("hidden", "")

    university.select_option(label="Other / not listed")
    expect(other).to_be_visible()
    other.fill("Lakeside Community College")

    university.select_option(label="Riverside State University")
    expect(other).to_be_hidden()


def test_other_university_is_kept_when_the_form_comes_back(phone, live_server, fair):
    """When a send with 'Other' comes back with an error, is the typed name still shown?"""
    phone.goto(f"{live_server}/apply/{fair.slug}")
    phone.get_by_label("University", exact=True).select_option(label="Other / not listed")
    phone.get_by_label("University name (if not listed)").fill("Lakeside Community College")

    phone.get_by_role("button", name="Send").click()

    expect(phone.get_by_role("alert")).to_be_focused()
    expect(phone.get_by_label("University name (if not listed)")).to_have_value(
        "Lakeside Community College"
    )


class TestSentSooner:
    """A send quicker than the minimum fill time, as only a bot's would be."""

    @pytest.fixture
    def config_overrides(self):
        """A minimum no test meets, to see what a held-back send looks like."""
        return {"WTF_CSRF_ENABLED": True, "MIN_FILL_SECONDS": 3600}

    def test_held_back_send_says_why_and_goes_through_next_time(
        self, phone, live_server, fair, stages, axe_check, monkeypatch
    ):
        """Does a held-back send come back with the reason in the focused error summary,
        every answer kept and no serious axe-core problem, and does Send go through once
        the minimum has passed (the page keeps its token; none is back-dated)?"""
        phone.goto(f"{live_server}/apply/{fair.slug}")
        fill_in_the_form(phone, "Ines", "Moreau")

        phone.get_by_role("button", name="Send").click()

        summary = phone.get_by_role("alert")
        expect(summary).to_be_focused()
        expect(summary).to_contain_text("quicker than anyone can fill in this form")
        expect(phone.get_by_label("First name")).to_have_value("Ines")
        expect(phone.get_by_label("I agree")).to_be_checked()
        violations, report = axe_check(phone)
        assert violations == [], report
        later = time.time() + 3601  # the server runs in this process: move its clock
        monkeypatch.setattr(receipts.time, "time", lambda: later)
        phone.get_by_role("button", name="Send").click()
        expect(phone.get_by_role("heading", level=1)).to_have_text(
            "Thank you, we have your details"
        )


FIRST_LINE_MIDDLE = """label => {
    const range = document.createRange();
    range.selectNodeContents(label);
    const line = range.getClientRects()[0];
    return line.top + line.height / 2;
}"""


def test_checkboxes_line_up_with_their_labels(phone, live_server, fair):
    """On a phone, does each checkbox sit beside the first line of its label?"""
    phone.goto(f"{live_server}/apply/{fair.slug}")

    for name in ["Summer internship", "Contract management", "I agree"]:
        box = phone.get_by_label(name).bounding_box()
        label = phone.locator("label", has_text=name)
        middle = label.evaluate(FIRST_LINE_MIDDLE)

        assert abs(box["y"] + box["height"] / 2 - middle) < 6, name


@pytest.mark.parametrize("state", ["form", "errors", "thanks"])
def test_interest_form_is_accessible(phone, live_server, fair, stages, axe_check, state):
    """Does axe-core find no serious or critical problems on the form, its errors and thanks?"""
    phone.goto(f"{live_server}/apply/{fair.slug}")
    if state == "errors":
        phone.get_by_role("button", name="Send").click()
        expect(phone.get_by_role("alert")).to_be_visible()
    elif state == "thanks":
        fill_in_the_form(phone, "Mateo", "Rossi")
        phone.get_by_role("button", name="Send").click()
        expect(phone.get_by_role("heading", name="Thank you, we have your details")).to_be_visible()
    else:
        expect(phone.get_by_text(f"You're at {fair.name}")).to_be_visible()

    violations, report = axe_check(phone)

    assert violations == [], report


def test_booth_sign_is_accessible(page, live_server, fair, make_user, sign_in, axe_check):
    """Does axe-core find no serious or critical problems on the printable booth sign?"""
    sign_in(page, live_server, make_user(role=Role.OUTREACH))
    page.goto(f"{live_server}/events/{fair.id}/sign")
    expect(page.get_by_role("img", name="QR code for")).to_be_visible()

    violations, report = axe_check(page)

    assert violations == [], report


def test_interest_form_logs_no_console_errors(phone, live_server, fair, stages, console_errors):
    """Do the form, its error state and the thank-you page log no errors or CSP violations?"""
    phone.goto(f"{live_server}/apply/{fair.slug}")
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_role("alert")).to_be_visible()
    fill_in_the_form(phone, "Sofia", "Lindqvist")
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_role("heading", name="Thank you, we have your details")).to_be_visible()

    # An invalid form answers 400 by design, and Chromium logs that status as an error.
    refused = "console: Failed to load resource: the server responded with a status of 400"
    assert [e for e in console_errors if not e.startswith(refused)] == []


# --- the kiosk at a fair's booth --------------------------------------------------------

START = datetime(2030, 3, 13, 10, 0)
THANKS = "Thank you, we have your details"
RUNNING = "This screen returns to an empty form for the next student in 8 seconds."


@pytest.fixture
def kiosk(new_page):
    """A tablet on the booth's stand, its clock installed before any page loads and
    stopped: time moves only when the test runs it."""
    page = new_page(viewport=TABLET, is_mobile=True, has_touch=True)
    page.clock.install(time=START)
    page.clock.pause_at(START + timedelta(seconds=1))
    return page


def countdown(page):
    """The time left before the empty form, as the thank-you page shows it."""
    return page.get_by_text(re.compile(r"^Next student in "))


def send_at_the_kiosk(page, live_server: str, fair, first_name: str = "Priya") -> None:
    """A student fills the kiosk's form and sends it; the thank-you page is showing."""
    page.goto(f"{live_server}/apply/{fair.slug}?kiosk=1")
    fill_in_the_form(page, first_name, "Natarajan")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(THANKS)
    expect(page.get_by_role("button", name="Pause")).to_be_visible()  # kiosk.js has started


def test_kiosk_thanks_counts_down_to_an_empty_form(kiosk, live_server, fair, stages):
    """Does the kiosk's thank-you page count down from 0:08 and then show the empty form?"""
    send_at_the_kiosk(kiosk, live_server, fair)
    timer = countdown(kiosk)
    expect(timer).to_have_text("Next student in 0:08")

    kiosk.clock.run_for(3000)
    expect(timer).to_have_text("Next student in 0:05")
    kiosk.clock.run_for(5000)

    expect(kiosk).to_have_url(f"{live_server}/apply/{fair.slug}?kiosk=1")
    expect(kiosk.get_by_label("First name")).to_have_value("")


def test_kiosk_countdown_can_be_paused_and_resumed(kiosk, live_server, fair, stages):
    """Can a student pause the countdown for as long as they need, then resume it?"""
    send_at_the_kiosk(kiosk, live_server, fair)
    kiosk.clock.run_for(2000)

    kiosk.get_by_role("button", name="Pause").click()
    kiosk.clock.run_for(60_000)

    expect(kiosk.get_by_role("heading", level=1)).to_have_text(THANKS)
    expect(countdown(kiosk)).to_have_text("Next student in 0:06")
    expect(kiosk.get_by_role("status")).to_have_text(
        "Paused. Press Resume, or Next student when you are done."
    )
    expect(kiosk.get_by_text("Paused.")).to_be_visible()
    kiosk.get_by_role("button", name="Resume").click()
    kiosk.clock.run_for(5000)
    expect(kiosk.get_by_role("heading", level=1)).to_have_text(THANKS)
    kiosk.clock.run_for(1000)
    expect(kiosk).to_have_url(f"{live_server}/apply/{fair.slug}?kiosk=1")


COUNT_CHANGES = """status => {
    window.statusChanges = 0;
    new MutationObserver(() => { window.statusChanges += 1; })
        .observe(status, {childList: true, characterData: true, subtree: true});
}"""


def test_kiosk_countdown_is_announced_once(kiosk, live_server, fair, stages):
    """Does the polite status line say the countdown once, not every second?"""
    send_at_the_kiosk(kiosk, live_server, fair)
    status = kiosk.get_by_role("status")
    expect(status).to_have_text(RUNNING)
    status.evaluate(COUNT_CHANGES)

    kiosk.clock.run_for(5000)

    expect(countdown(kiosk)).to_have_text("Next student in 0:03")
    assert kiosk.evaluate("window.statusChanges") == 0
    expect(status).to_have_text(RUNNING)


def test_next_student_gets_an_empty_form(kiosk, live_server, fair, stages):
    """Does 'Next student' open an empty form at once, and does Back show nothing of the
    previous student either (no answers, no chosen file, not their thank-you page)?"""
    kiosk.goto(f"{live_server}/apply/{fair.slug}?kiosk=1")
    fill_in_the_form(kiosk, "Priya", "Natarajan")
    kiosk.get_by_label("Phone (optional)").fill("555-0199")
    kiosk.get_by_label("Resume (PDF, optional)").set_input_files(
        files=[{"name": "priya.pdf", "mimeType": "application/pdf", "buffer": SMALL_PDF}]
    )
    kiosk.get_by_role("button", name="Send").click()
    expect(kiosk.get_by_role("heading", level=1)).to_have_text(THANKS)
    # The countdown shows once kiosk.js runs: only then does "Next student" replace the
    # page in the history rather than follow the plain link.
    expect(kiosk.locator("[data-kiosk-timer]")).to_be_visible()

    kiosk.get_by_role("link", name="Next student").click()

    expect(kiosk).to_have_url(f"{live_server}/apply/{fair.slug}?kiosk=1")
    assert_empty_form(kiosk, fair)
    kiosk.go_back()
    expect(kiosk.get_by_role("heading", level=1)).not_to_have_text(THANKS)
    assert_empty_form(kiosk, fair)


def assert_empty_form(page, fair) -> None:
    """The kiosk's form as the next student finds it: nothing typed, ticked or chosen."""
    for label in ("First name", "Last name", "Phone (optional)", "Major", "When can you start"):
        expect(page.get_by_label(label)).to_have_value("")
    expect(page.get_by_label("Email", exact=True)).to_have_value("")
    expect(page.get_by_label("University", exact=True)).to_have_value(str(fair.university_id))
    expect(page.get_by_label("Class standing")).to_have_value("")
    expect(page.get_by_label("Summer internship")).not_to_be_checked()
    expect(page.get_by_label("I agree")).not_to_be_checked()
    chosen = page.get_by_label("Resume (PDF, optional)").evaluate("input => input.files.length")
    assert chosen == 0
    assert "Priya" not in page.content()


def test_kiosk_works_without_javascript(new_page, live_server, fair, stages):
    """Without JavaScript, is the 'if not listed' field simply there, and is 'Next student'
    a link to the empty form, with no countdown or Pause button shown?"""
    page = new_page(viewport=TABLET, java_script_enabled=False)
    page.goto(f"{live_server}/apply/{fair.slug}?kiosk=1")
    expect(page.get_by_label("University name (if not listed)")).to_be_visible()
    fill_in_the_form(page, "Priya", "Natarajan")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(THANKS)
    expect(page.get_by_text("When you are done, press Next student")).to_be_visible()
    expect(page.get_by_role("button", name="Pause")).to_be_hidden()
    expect(countdown(page)).to_be_hidden()

    page.get_by_role("link", name="Next student").click()

    expect(page).to_have_url(f"{live_server}/apply/{fair.slug}?kiosk=1")
    expect(page.get_by_label("First name")).to_have_value("")


@pytest.mark.parametrize("paused", [False, True], ids=["counting", "paused"])
def test_kiosk_thanks_is_accessible(new_page, app, live_server, fair, stages, axe_check, paused):
    """Does axe-core find no serious or critical problems on the kiosk's thank-you page,
    counting down or paused?"""
    # axe-core waits on the page's own timers, so the clock runs; a ten-minute countdown
    # keeps the page in place while it checks.
    app.config["KIOSK_RESET_SECONDS"] = 600
    page = new_page(viewport=TABLET, is_mobile=True, has_touch=True)
    send_at_the_kiosk(page, live_server, fair)
    if paused:
        page.get_by_role("button", name="Pause").click()
        expect(page.get_by_role("button", name="Resume")).to_be_visible()

    violations, report = axe_check(page)

    assert violations == [], report
