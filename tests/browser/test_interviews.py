"""Interviews in Chromium: HR offers three times across a daylight-saving change, the
candidate books one from the emailed link on a phone, everyone's invitation carries the
same calendar entry, and the interview pages pass axe-core on a desktop and a phone."""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from playwright.sync_api import expect
from sqlalchemy import select

from recruit.auth.models import Role
from recruit.database import utcnow
from recruit.extensions import db
from recruit.interviews import scorecards, services
from recruit.interviews.models import Interview, InterviewKind, InterviewState
from recruit.messages.delivery import deliver_due
from recruit.timezones import to_utc

CHICAGO = ZoneInfo("America/Chicago")  # the office's zone unless an admin sets another
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
STUDENT = "Lucia Fernandez"
STUDENT_EMAIL = "lucia.fernandez@riverside.example.edu"
OUTSIDE = "Maria Lopez <maria.lopez@agency.state.example>"
OUTSIDE_EMAIL = "maria.lopez@agency.state.example"
TEN = time(10, 0)


def days_across_the_next_clock_change() -> tuple[list[date], date]:
    """Three office days, two before the next change of the clocks in Chicago (at least a
    week away) and one after it, and the one after: whatever the date the test runs."""
    day = datetime.now(CHICAGO).date() + timedelta(days=7)
    for _ in range(400):
        before = datetime.combine(day, TEN, CHICAGO).utcoffset()
        after = datetime.combine(day + timedelta(days=1), TEN, CHICAGO).utcoffset()
        if before != after:
            # day is the last day before the change (the clocks change at 2 AM Sunday).
            later = day + timedelta(days=2)
            return [day - timedelta(days=1), day, later], later
        day += timedelta(days=1)
    raise AssertionError("Chicago's clocks did not change in 400 days")


def shown(day: date) -> re.Pattern:
    """10:00 AM that day as the candidate's page writes it, with its zone's abbreviation."""
    abbreviation = datetime.combine(day, TEN, CHICAGO).tzname()
    # Babel puts a narrow no-break space before AM; any space will do here.
    return re.compile(rf"^{day:%A, %B} {day.day}, {day.year}, 10:00\sAM {abbreviation}$")


@pytest.fixture
def mail(app, live_server, smtp_server):
    """The worker sends to the test SMTP server, with links on the live server's address."""
    app.config.update(smtp_server.config, PUBLIC_BASE_URL=live_server)
    return smtp_server


@pytest.fixture
def desk(new_page):
    """HR's desktop."""
    return new_page(viewport=DESKTOP)


@pytest.fixture
def hr_user(make_user):
    return make_user(role=Role.HR, name="Grace Hopkins")


@pytest.fixture
def colleague(make_user):
    return make_user(role=Role.HR, name="Lee Park")


@pytest.fixture
def lucia(make_candidate):
    """A candidate in Screening who agreed to be contacted."""
    return make_candidate(
        first_name="Lucia",
        last_name="Fernandez",
        email=STUDENT_EMAIL,
        stage="screening",
        consent_at=utcnow(),
    )


def flash(page):
    """The flash messages at the top of the page."""
    return page.get_by_role("main").get_by_role("status").first


def fits_the_phone(page) -> None:
    """Fail when the page is wider than a 390-pixel phone (sideways scrolling)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a 390px phone"


def delivered(mail, count: int) -> list:
    """Run the delivery worker once; return the messages the SMTP server caught in it."""
    db.session.rollback()  # read what the server committed
    already = len(mail.received)
    assert deliver_due().sent == count
    return mail.received[already:]


def link_in_the_offer(message, live_server: str) -> str:
    """The candidate's private link in the message that offers the times."""
    body = message.get_content()
    links = re.findall(rf"{re.escape(live_server)}/apply/interview/\S+", body)
    assert len(links) == 1, f"no single interview link in the offer:\n{body}"
    assert links[0].endswith("?lang=en")
    return links[0]


def calendar_of(message) -> Calendar:
    """The invite.ics a message carries, parsed."""
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content_type() == "text/calendar"
    return Calendar.from_ical(attachment.get_content())


def hr_schedules_three_times(desk, live_server: str, days: list[date]) -> None:
    """From the board's Screening column, HR open Lucia and offer three times to a panel."""
    desk.goto(f"{live_server}/candidates/board")
    screening = desk.get_by_role("region", name=re.compile(r"^Screening\b"))
    screening.get_by_role("link", name=STUDENT, exact=True).click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(STUDENT)
    desk.get_by_role("link", name="Schedule an interview").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Schedule an interview")

    desk.get_by_label("Panel interview").check()
    for n, day in enumerate(days, start=1):
        desk.get_by_label(f"Date {n}", exact=True).fill(day.isoformat())
        desk.get_by_label(f"Time {n}", exact=True).fill("10:00")
    herself = desk.get_by_label("Grace Hopkins (HR staff)")
    expect(herself).to_be_checked()  # the form starts with whoever schedules
    desk.get_by_label("Lee Park (HR staff)").check()
    desk.get_by_label(re.compile(r"^Interviewers from outside the office")).fill(OUTSIDE)
    desk.get_by_role("button", name="Schedule", exact=True).click()

    expect(flash(desk)).to_contain_text("3 times offered.")
    expect(desk.get_by_role("heading", level=1)).to_have_text(f"Panel interview with {STUDENT}")


def test_hr_offers_three_times_and_the_candidate_books_one_on_a_phone(
    desk,
    new_page,
    live_server,
    mail,
    hr_user,
    colleague,
    lucia,
    sign_in,
    axe_check,
    console_errors,
):
    """HR offer three times, one on the far side of a change of the clocks, to a panel of
    two staff and an agency supervisor; the candidate opens the emailed link on a phone,
    sees each time with its own zone abbreviation and books the one after the change: do
    the candidate and every interviewer get the same calendar entry at that time in
    Chicago, and does HR's list show it?"""
    days, chosen_day = days_across_the_next_clock_change()
    sign_in(desk, live_server, hr_user)
    hr_schedules_three_times(desk, live_server, days)

    (offer,) = delivered(mail, 1)
    assert offer["To"] == STUDENT_EMAIL
    assert offer["Subject"] == "Choose a time for your interview with the State Procurement Office"
    assert not list(offer.iter_attachments())  # no calendar until a time is chosen
    link = link_in_the_offer(offer, live_server)

    # The mail app opens the link in a browser of its own, on the candidate's phone.
    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your interview")
    times = phone.get_by_role("radio")
    expect(times).to_have_count(3)
    for day in days:
        expect(phone.get_by_label(shown(day))).to_be_visible()
    abbreviations = {datetime.combine(day, TEN, CHICAGO).tzname() for day in days}
    assert abbreviations in ({"CDT", "CST"}, {"CST", "CDT"})  # the change lies among them
    fits_the_phone(phone)

    phone.get_by_label(shown(chosen_day)).check()
    phone.get_by_role("button", name="Book this time").tap()

    expect(flash(phone)).to_contain_text("Your interview is booked.")
    booked = phone.get_by_text(re.compile(r"^Booked for "))
    expect(booked).to_have_text(re.compile(shown(chosen_day).pattern[1:-1] + r"\.$"))
    fits_the_phone(phone)
    violations, report = axe_check(phone)
    assert violations == [], report

    invitations = {message["To"]: message for message in delivered(mail, 4)}
    assert set(invitations) == {STUDENT_EMAIL, hr_user.email, colleague.email, OUTSIDE_EMAIL}
    expected_start = datetime.combine(chosen_day, TEN, CHICAGO)
    uids = set()
    for to, message in invitations.items():
        calendar = calendar_of(message)
        assert calendar["method"] == "REQUEST", to
        (event,) = calendar.walk("VEVENT")
        start = event["dtstart"].dt
        assert start == expected_start, f"{to}: {start}"
        assert start.utcoffset() == expected_start.utcoffset(), to
        assert start.replace(tzinfo=None) == datetime.combine(chosen_day, TEN), to
        uids.add(str(event["uid"]))
    assert len(uids) == 1, f"the copies name different calendar entries: {uids}"
    db.session.rollback()
    interview = db.session.scalar(select(Interview))
    assert uids == {interview.uid}
    assert interview.starts_at == to_utc(datetime.combine(chosen_day, TEN))

    desk.goto(f"{live_server}/interviews/?when=upcoming")
    expect(desk.get_by_role("heading", level=1)).to_have_text("Interviews")
    row = desk.get_by_role("row").filter(has_text=STUDENT)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Panel interview")
    for name in ("Grace Hopkins", "Lee Park", "Maria Lopez"):
        expect(row).to_contain_text(name)
    row.get_by_role("link").first.click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(f"Panel interview with {STUDENT}")
    chosen = desk.get_by_role("region", name="Times offered").get_by_role("listitem")
    expect(chosen.filter(has_text="Chosen")).to_have_count(1)
    assert console_errors == []


# --- what HR read: the office's clock -------------------------------------------------------


@pytest.fixture
def booked(app, hr_user, colleague, lucia):
    """An interview booked at 10:00 on the Monday after the next change of the clocks."""
    _days, day = days_across_the_next_clock_change()
    plan = services.Plan(
        kind=InterviewKind.PANEL,
        starts=[to_utc(datetime.combine(day, TEN))],
        location="Room 210, Capitol Annex",
        staff=[hr_user, colleague],
        outside=[("Maria Lopez", OUTSIDE_EMAIL)],
    )
    interview = services.schedule(lucia, plan, hr_user)
    db.session.commit()
    assert interview.state == InterviewState.SCHEDULED
    return interview.id, day


def test_hr_see_the_booked_time_on_the_office_clock(desk, live_server, hr_user, booked, sign_in):
    """Do the interview page and the list show the booked time in Chicago, with the
    abbreviation in force that day, rather than in UTC?"""
    interview_id, day = booked
    abbreviation = datetime.combine(day, TEN, CHICAGO).tzname()
    sign_in(desk, live_server, hr_user)
    desk.goto(f"{live_server}/interviews/{interview_id}")
    lead = desk.get_by_role("main").locator(".lead").first
    expect(lead).to_contain_text(re.compile(rf"10:00\sAM {abbreviation}"))
    desk.goto(f"{live_server}/interviews/?when=upcoming")
    row = desk.get_by_role("row").filter(has_text=STUDENT)
    expect(row).to_contain_text(re.compile(rf"10:00\sAM {abbreviation}"))


# --- every interview page, on a desktop and a phone ------------------------------------------


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("path", ["schedule", "interview", "list"])
def test_interview_pages_are_accessible(
    new_page,
    live_server,
    hr_user,
    lucia,
    booked,
    sign_in,
    axe_check,
    console_errors,
    path,
    viewport,
):
    """Does axe-core find no serious or critical problems on the schedule form, an
    interview's page and the list?"""
    interview_id, _day = booked
    url, heading = {
        "schedule": (f"/interviews/new/{lucia.id}", "Schedule an interview"),
        "interview": (f"/interviews/{interview_id}", f"Panel interview with {STUDENT}"),
        "list": ("/interviews/?when=upcoming", "Interviews"),
    }[path]
    if viewport == "phone":
        page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    else:
        page = new_page(viewport=DESKTOP)
    sign_in(page, live_server, hr_user)
    page.goto(f"{live_server}{url}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)

    violations, report = axe_check(page)

    assert violations == [], report
    assert console_errors == []


# --- scorecards: each interviewer judges alone, then the panel's summary ---------------------


@pytest.fixture
def held_this_morning(app, hr_user, colleague, lucia):
    """A panel interview (Grace, Lee and Maria from the agency) that took place an hour ago."""
    plan = services.Plan(
        kind=InterviewKind.PANEL,
        starts=[utcnow().replace(microsecond=0) + timedelta(days=2)],
        staff=[hr_user, colleague],
        outside=[("Maria Lopez", OUTSIDE_EMAIL)],
    )
    interview = services.schedule(lucia, plan, hr_user)
    # Booking refuses a past time, so move the booked one back, as if days had passed.
    interview.starts_at = utcnow().replace(microsecond=0) - timedelta(hours=1)
    interview.ends_at = interview.starts_at + timedelta(minutes=30)
    db.session.commit()
    outside = next(person for person in interview.interviewers if person.user_id is None)
    return interview.id, scorecards.scorecard_url(outside)


def fill_scorecard(page, rating: str, evidence: str, recommendation: str) -> None:
    """Rate every question the same, with the same evidence, and send."""
    # The send button closes the form: once it shows, every question is on the page.
    expect(page.get_by_role("button", name="Send my scorecard")).to_be_visible()
    questions = page.locator(".scorecard-question")
    assert questions.count() >= 3
    for n in range(questions.count()):
        question = questions.nth(n)
        question.get_by_label(re.compile(rf"^{rating} - ")).check()
        question.get_by_role("textbox").fill(evidence)
    page.get_by_label(recommendation, exact=True).check()
    page.get_by_role("button", name="Send my scorecard").click()


def test_two_interviewers_fill_scorecards_and_hr_reads_the_panel(
    new_page, live_server, app, hr_user, colleague, held_this_morning, sign_in, axe_check
):
    """The agency supervisor fills her scorecard from her link on a phone; Grace, on the
    panel, sees nothing of it until she has sent her own, then sees both per competency;
    Lee, who has not sent his, still sees none of what they wrote."""
    interview_id, link = held_this_morning
    app.config["PUBLIC_BASE_URL"] = live_server
    maria = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    maria.goto(link.replace(link.split("/scorecard/")[0], live_server))
    expect(maria.get_by_role("heading", level=1)).to_have_text(STUDENT)
    violations, report = axe_check(maria)
    assert violations == [], report
    fits_the_phone(maria)
    fill_scorecard(maria, "4", "Explained a sole-source justification clearly.", "Strong yes")
    expect(maria.get_by_role("main")).to_contain_text("Thank you")

    grace = new_page(viewport=DESKTOP)
    sign_in(grace, live_server, hr_user)
    grace.goto(f"{live_server}/interviews/{interview_id}")
    panel = grace.get_by_role("region", name=re.compile(r"^Scorecards"))
    expect(panel).to_contain_text("1 of 3 in")
    expect(panel).not_to_contain_text("sole-source")
    panel.get_by_role("link", name="Fill your scorecard").click()
    fill_scorecard(grace, "2", "Needed prompting on thresholds.", "Yes")
    expect(grace.get_by_text("Your scorecard is in.")).to_be_visible()
    grace.goto(f"{live_server}/interviews/{interview_id}")
    panel = grace.get_by_role("region", name=re.compile(r"^Scorecards"))
    expect(panel).to_contain_text("2 of 3 in")
    expect(panel).to_contain_text("Still to come from: Lee Park")
    row = panel.get_by_role("row").filter(has_text="Communication")
    expect(row.get_by_role("cell").first).to_have_text("3.0")
    expect(row).to_contain_text("Maria Lopez: Explained a sole-source justification clearly.")
    expect(row).to_contain_text("Grace Hopkins: Needed prompting on thresholds.")

    lee = new_page(viewport=DESKTOP)
    sign_in(lee, live_server, colleague)
    lee.goto(f"{live_server}/candidates/{held_this_morning_candidate(interview_id)}")
    summary = lee.get_by_role("region", name=re.compile(r"^Scorecards"))
    expect(summary).to_contain_text("once yours is in")
    expect(summary).not_to_contain_text("sole-source")


def held_this_morning_candidate(interview_id: int) -> int:
    db.session.rollback()
    return db.session.get(Interview, interview_id).candidate_id
