"""Messages in Chromium: the move form's message box, templates, stop-emails and axe-core."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from recruit.auth.models import Role
from recruit.candidates.models import Candidate, CandidateEvent
from recruit.database import utcnow
from recruit.extensions import db
from recruit.messages import services
from recruit.messages.models import DeliveryState, OutboxMessage

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
SEND_BOX = "Email the candidate the stage's message"
STAGE_HINT = (
    "Interview, Offer, Not selected and Talent pool send a message on entry; "
    "untick to move without it."
)
INTERVIEW_SUBJECT = "Can we talk? An interview with the State Procurement Office"


@pytest.fixture
def hr_user(make_user):
    """The HR staff member who moves candidates in these tests."""
    return make_user(role=Role.HR, name="Grace Hopkins")


@pytest.fixture
def admin(make_user):
    """The administrator who words the office's messages."""
    return make_user(role=Role.ADMIN, name="Ada Lindqvist")


@pytest.fixture
def laptop(new_page):
    """A page on HR's 1366x768 desktop."""
    return new_page(viewport=LAPTOP)


@pytest.fixture
def phone(new_page):
    """A page on a student's phone."""
    return new_page(viewport=PHONE, is_mobile=True, has_touch=True)


@pytest.fixture
def consenting(make_candidate):
    """A candidate who agreed to be contacted, in Interested."""
    return make_candidate(first_name="Lucia", last_name="Fernandez", consent_at=utcnow())


def queued_messages(candidate_id: int) -> int:
    """How many messages the outbox holds for a candidate, seen afresh."""
    db.session.rollback()  # end the test's transaction: the server wrote in its own
    messages = select(func.count()).select_from(OutboxMessage)
    return db.session.scalar(messages.where(OutboxMessage.candidate_id == candidate_id))


def flash(page):
    """The flash messages at the top of the page."""
    return page.get_by_role("main").get_by_role("status").first


def move_to_interview(page, live_server: str, candidate_id: int, send: bool) -> None:
    """On the candidate's page, leave the message box ticked or untick it, and move."""
    page.goto(f"{live_server}/candidates/{candidate_id}")
    send_box = page.get_by_label(SEND_BOX)
    expect(send_box).to_be_checked()
    expect(send_box).to_have_accessible_description(STAGE_HINT)
    expect(page.get_by_text(STAGE_HINT)).to_be_visible()
    if not send:
        send_box.uncheck()
    page.get_by_label("Move to").select_option(label="Interview")
    page.get_by_role("button", name="Move", exact=True).click()


def test_unticked_move_queues_no_message(laptop, live_server, hr_user, consenting, sign_in):
    """Unticking the message box on a move to Interview: is the move made and nothing queued?"""
    candidate_id = consenting.id
    sign_in(laptop, live_server, hr_user)

    move_to_interview(laptop, live_server, candidate_id, send=False)

    expect(flash(laptop)).to_have_text("Lucia Fernandez moved to Interview.")
    laptop.get_by_role("main").get_by_role("link", name="Messages", exact=True).click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Messages")
    sent = laptop.get_by_role("region", name="Sent and waiting")
    expect(sent).to_contain_text("No messages yet.")
    expect(sent.locator("article")).to_have_count(0)
    laptop.goto(f"{live_server}/outbox/")
    expect(laptop.get_by_role("main")).to_contain_text("No messages.")
    assert queued_messages(candidate_id) == 0


def test_ticked_move_queues_the_interview_message(
    laptop, live_server, hr_user, consenting, sign_in
):
    """Left ticked, does the move say a message will go and the Messages page list it unsent?"""
    candidate_id = consenting.id
    sign_in(laptop, live_server, hr_user)

    move_to_interview(laptop, live_server, candidate_id, send=True)

    expect(flash(laptop)).to_have_text(
        "Lucia Fernandez moved to Interview. We will email them the stage's message."
    )
    laptop.get_by_role("main").get_by_role("link", name="Messages", exact=True).click()
    expect(laptop.get_by_role("main")).to_contain_text("Mail is off")
    message = laptop.locator("article").filter(
        has=laptop.get_by_role("heading", name=INTERVIEW_SUBJECT)
    )
    expect(message).to_have_count(1)
    expect(message).to_contain_text("Not sent (mail is off)")
    message.get_by_text("Message", exact=True).click()  # open the body's disclosure
    expect(message.locator(".outbox-message__body")).to_contain_text("Hello Lucia,")
    assert queued_messages(candidate_id) == 1


def test_admin_fixes_an_unknown_placeholder_and_previews(
    laptop, live_server, admin, stages, make_candidate, sign_in
):
    """Does a template with {nickname} keep the admin's words with the error, then preview?"""
    make_candidate(first_name="Kwame", last_name="Mensah")
    make_candidate(first_name="Yuki", last_name="Sato")
    sign_in(laptop, live_server, admin)
    laptop.goto(f"{live_server}/admin/messages/")
    laptop.get_by_role("link", name="Invitation to interview").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Invitation to interview")
    body = laptop.get_by_label("Message", exact=True)
    words = "Hello {nickname},\n\nCould we meet next week for a short talk?"

    body.fill(words)
    laptop.get_by_role("button", name="Save").click()

    expect(body).to_have_value(words)
    expect(body).to_have_attribute("aria-invalid", "true")
    expect(body).to_have_accessible_description(
        re.compile(r"\{nickname\} is not a placeholder Recruit knows")
    )
    expect(laptop.get_by_role("alert")).to_contain_text("{nickname} is not a placeholder")
    preview = laptop.get_by_role("complementary").locator("section", has_text="Preview").first
    expect(preview).to_contain_text("Nothing to preview yet")

    body.fill(words.replace("{nickname}", "{first_name}"))
    laptop.get_by_label("Preview with").select_option(label="Kwame Mensah")
    laptop.get_by_role("button", name="Preview", exact=True).click()

    expect(preview).to_contain_text("To Kwame Mensah")
    expect(preview).to_contain_text("Hello Kwame,")
    expect(laptop.get_by_text("is not a placeholder")).to_have_count(0)
    laptop.get_by_role("button", name="Save").click()
    expect(flash(laptop)).to_have_text("Saved “Invitation to interview”.")
    expect(body).to_have_value(words.replace("{nickname}", "{first_name}"))


def no_sideways_scroll(page) -> None:
    """Fail when the page is wider than a 390-pixel phone."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a 390px phone"


def test_student_stops_emails_on_a_phone(phone, live_server, stages, consenting):
    """Does the stop-emails link, on a phone, stop emails in one press and say so?"""
    candidate_id = consenting.id
    token = services.stop_token(candidate_id)
    phone.goto(f"{live_server}/apply/stop/{token}")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Stop emails from us?")
    no_sideways_scroll(phone)

    phone.get_by_role("button", name="Stop emails").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("We will not email you again")
    no_sideways_scroll(phone)
    db.session.rollback()
    assert db.session.get(Candidate, candidate_id).emails_stopped_at is not None


@pytest.fixture
def messages_world(stages, make_candidate, make_event):
    """A candidate with a message in each delivery state and an event with leads to follow up."""
    candidate = make_candidate(first_name="Ana", last_name="Oliveira", consent_at=utcnow())
    template = services.template_by_key("interview")
    for state, error in [
        (DeliveryState.QUEUED, ""),
        (DeliveryState.SENT, ""),
        (DeliveryState.FAILED, "The mail server refused the address."),
        (DeliveryState.CANCELLED, "The candidate asked us to stop emailing them."),
    ]:
        message = services.send_template(candidate, template)
        message.state, message.last_error, message.attempts = state, error, int(bool(error))
        if state == DeliveryState.SENT:
            message.sent_at = utcnow()
    fair = make_event(name="Riverside Spring Career Fair")
    lead = make_candidate(first_name="Ben", last_name="Adeyemi", consent_at=utcnow())
    quiet = make_candidate(first_name="Sven", last_name="Olsen")  # no consent: skipped
    for person in (lead, quiet):
        db.session.add(CandidateEvent(candidate_id=person.id, event_id=fair.id))
    db.session.commit()
    stopped = make_candidate(first_name="Yuki", last_name="Sato", emails_stopped_at=utcnow())
    return {
        "candidate": candidate.id,
        "template": template.id,
        "event": fair.id,
        "stop": services.stop_token(candidate.id),
        "stopped": services.stop_token(stopped.id),
    }


@pytest.mark.parametrize(
    "path",
    ["templates", "template", "candidate", "follow-up", "outbox", "stop", "stopped"],
)
def test_message_pages_are_accessible(
    new_page, live_server, admin, messages_world, sign_in, axe_check, console_errors, path
):
    """Does axe-core find no serious or critical problems on the message pages?"""
    ids = messages_world
    url, heading = {
        "templates": ("/admin/messages/", "Messages to candidates"),
        "template": (f"/admin/messages/{ids['template']}", "Invitation to interview"),
        "candidate": (f"/candidates/{ids['candidate']}/messages", "Messages"),
        "follow-up": (f"/events/{ids['event']}/follow-up", "Follow up with this event's leads"),
        "outbox": ("/outbox/", "Outbox"),
        "stop": (f"/apply/stop/{ids['stop']}", "Stop emails from us?"),
        "stopped": (f"/apply/stop/{ids['stopped']}", "We will not email you again"),
    }[path]
    if path.startswith("stop"):
        page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    else:
        page = new_page(viewport=LAPTOP)
        sign_in(page, live_server, admin)
    page.goto(f"{live_server}{url}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    for disclosure in page.locator("details").all():
        disclosure.evaluate("d => { d.open = true; }")  # check the bodies too

    violations, report = axe_check(page)

    assert violations == [], report
    assert console_errors == []
    if path.startswith("stop"):
        no_sideways_scroll(page)
