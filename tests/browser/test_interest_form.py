"""The public interest form on a phone at a fair: signing up, errors, thanks, the booth sign."""

from datetime import date

import pytest
from playwright.sync_api import expect

from recruit.auth.models import Role

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
    expect(first_column.get_by_role("link", name="Priya Natarajan")).to_be_visible()
    page.goto(f"{live_server}/events/{fair.id}")
    leads = page.get_by_role("region", name="Leads")
    expect(leads.get_by_role("link", name="Priya Natarajan")).to_be_visible()


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
        self, phone, live_server, fair, stages, axe_check
    ):
        """Does a held-back send come back with the reason in the focused error summary,
        every answer kept and no serious axe-core problem, and does Send then go through?"""
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
