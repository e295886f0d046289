"""Follow-ups: contacts, event tasks and leads due, for me or for everyone, and marking them."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from recruit.audit.models import AuditEntry
from recruit.auth.models import Role, User
from recruit.candidates.models import CandidateEvent
from recruit.database import utcnow
from recruit.events.models import EventStatus, FollowUp
from recruit.extensions import db
from recruit.universities.models import Contact, ContactRole
from tests.query_counting import page_queries


@pytest.fixture(autouse=True)
def frozen(clock):
    """One clock for every test here: a test that runs across midnight still sees one today."""
    return clock


def days(n: int):
    """The date n days from (frozen) today."""
    return utcnow().date() + timedelta(days=n)


@pytest.fixture
def make_contact(make_university):
    """Return a callable that makes contacts with a follow-up date and an owner."""
    university_id = None  # an id, not a row: counting queries empties the session

    def make(name, owner, follow_up_on):
        nonlocal university_id
        university_id = university_id or make_university("Gulf Coast University").id
        contact = Contact(
            university_id=university_id,
            role=ContactRole.CAREER_CENTER,
            name=name,
            owner_id=owner.id if owner else None,
            next_follow_up_on=follow_up_on,
        )
        db.session.add(contact)
        db.session.commit()
        return contact

    return make


@pytest.fixture
def make_task(make_event):
    """Return a callable that makes follow-up tasks from an event."""
    fair_id = None  # an id, not a row: counting queries empties the session

    def make(description, assignee, due_on, done=False):
        nonlocal fair_id
        fair_id = fair_id or make_event("Fall Career Fair", status=EventStatus.ATTENDED).id
        task = FollowUp(
            event_id=fair_id,
            description=description,
            assignee_id=assignee.id if assignee else None,
            due_on=due_on,
            done_at=utcnow() if done else None,
        )
        db.session.add(task)
        db.session.commit()
        return task

    return make


@pytest.fixture
def make_lead(make_event, make_candidate):
    """Return a callable that makes a lead at a new event held some days ago."""

    def make(name, days_ago=3, status=EventStatus.ATTENDED, staff=(), contacted=False, **event):
        fair = make_event(starts_on=days(-days_ago), status=status, staff=list(staff), **event)
        first, last = name.split()
        candidate = make_candidate(first_name=first, last_name=last)
        link = CandidateEvent(
            candidate_id=candidate.id,
            event_id=fair.id,
            contacted_at=utcnow() if contacted else None,
        )
        db.session.add(link)
        db.session.commit()
        return link

    return make


def page(client, who=None) -> str:
    response = client.get("/follow-ups", query_string={"who": who} if who else {})
    assert response.status_code == 200
    return response.text


def section(html: str, heading_id: str) -> str:
    """The HTML of one section of the page, found by its heading's id."""
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


# --- what is due ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "listed"),
    [(-30, True), (-1, True), (0, True), (14, True), (15, False)],
)
def test_contact_due_around_today(client, signed_in, make_contact, offset, listed):
    """Is a contact listed when overdue, due today or within 14 days, and not on day 15?"""
    me = signed_in(Role.OUTREACH)
    make_contact("Maria Lopez", me, days(offset))
    assert ("Maria Lopez" in section(page(client), "contacts-heading")) is listed


def test_contact_becomes_due_as_the_days_pass(client, signed_in, make_contact, clock):
    """Does a contact 15 days out appear once a day has passed, and not before?"""
    me = signed_in(Role.OUTREACH)
    make_contact("Maria Lopez", me, days(15))
    assert "Maria Lopez" not in section(page(client), "contacts-heading")
    clock.advance(days=1)
    assert "Maria Lopez" in section(page(client), "contacts-heading")


def test_contact_without_a_date_is_not_due(client, signed_in, make_contact):
    """Is a contact with no follow-up date left off?"""
    me = signed_in(Role.OUTREACH)
    make_contact("Maria Lopez", me, None)
    assert "Maria Lopez" not in page(client)


def test_overdue_contact_is_marked_overdue(client, signed_in, make_contact):
    """Does an overdue contact say how many days overdue it is?"""
    me = signed_in(Role.OUTREACH)
    make_contact("Maria Lopez", me, days(-3))
    assert "3 days overdue" in section(page(client), "contacts-heading")


def test_contact_row_links_to_logging_an_interaction(client, signed_in, make_contact):
    """Does a contact's row link to the form that logs the next interaction?"""
    me = signed_in(Role.OUTREACH)
    contact = make_contact("Maria Lopez", me, days(0))
    assert f'href="/contacts/{contact.id}#log-interaction"' in page(client)


@pytest.mark.parametrize(
    ("offset", "listed"),
    [(-5, True), (0, True), (14, True), (15, False)],
)
def test_task_due_around_today(client, signed_in, make_task, offset, listed):
    """Is an event task listed when overdue, due today or within 14 days, and not on day 15?"""
    me = signed_in(Role.OUTREACH)
    make_task("Send thank-you note to the career center", me, days(offset))
    html = section(page(client), "tasks-heading")
    assert ("Send thank-you note to the career center" in html) is listed


def test_done_task_is_not_listed(client, signed_in, make_task):
    """Is a task already done left off, even when overdue?"""
    me = signed_in(Role.OUTREACH)
    make_task("Send thank-you note to the career center", me, days(-2), done=True)
    assert "Send thank-you note" not in page(client)


@pytest.mark.parametrize(
    ("days_ago", "listed"),
    [(2, False), (3, True), (40, True)],
)
def test_lead_due_after_two_days(client, signed_in, make_lead, days_ago, listed):
    """Is an uncontacted lead listed once its attended event is more than two days old?"""
    me = signed_in(Role.OUTREACH)
    make_lead("Jordan Avery", days_ago=days_ago, staff=[me])
    assert ("Jordan Avery" in section(page(client), "leads-heading")) is listed


def test_lead_becomes_due_on_the_third_day(client, signed_in, make_lead, clock):
    """Does a lead from an event two days ago appear once the third day begins?"""
    me = signed_in(Role.OUTREACH)
    make_lead("Jordan Avery", days_ago=2, staff=[me])
    assert "Jordan Avery" not in section(page(client), "leads-heading")
    clock.advance(hours=19)  # from 5 AM in Chicago (10:00 UTC) to the office's midnight
    assert "Jordan Avery" in section(page(client), "leads-heading")


def test_lead_counts_from_the_last_day_of_the_event(client, signed_in, make_lead):
    """Is a lead from a conference that ended yesterday left off, though it started long ago?"""
    me = signed_in(Role.OUTREACH)
    make_lead("Jordan Avery", days_ago=10, staff=[me], ends_on=days(-1))
    assert "Jordan Avery" not in page(client)


def test_contacted_lead_is_not_listed(client, signed_in, make_lead):
    """Is a lead someone already contacted left off?"""
    me = signed_in(Role.OUTREACH)
    make_lead("Jordan Avery", staff=[me], contacted=True)
    assert "Jordan Avery" not in page(client)


@pytest.mark.parametrize(
    "status", [EventStatus.PLANNED, EventStatus.FOLLOWED_UP, EventStatus.CANCELLED]
)
def test_lead_only_from_attended_events(client, signed_in, make_lead, status):
    """Are leads of events not in the attended state left off?"""
    me = signed_in(Role.OUTREACH)
    make_lead("Jordan Avery", status=status, staff=[me])
    assert "Jordan Avery" not in page(client)


# --- for me or for everyone -------------------------------------------------------------------


def test_for_me_by_default(client, signed_in, make_user, make_contact, make_task, make_lead):
    """Does the page show only my contacts, tasks and leads unless asked for everyone's?"""
    me = signed_in(Role.OUTREACH)
    colleague = make_user(Role.OUTREACH)
    make_contact("Maria Lopez", me, days(1))
    make_contact("Sam Okafor", colleague, days(1))
    make_task("Mail brochures", me, days(2))
    make_task("Book the spring booth", colleague, days(2))
    make_lead("Jordan Avery", staff=[me])
    make_lead("Riley Chen", staff=[colleague])
    html = page(client)
    for mine in ("Maria Lopez", "Mail brochures", "Jordan Avery"):
        assert mine in html
    for theirs in ("Sam Okafor", "Book the spring booth", "Riley Chen"):
        assert theirs not in html


def test_for_everyone(client, signed_in, make_user, make_contact, make_task, make_lead):
    """Does ?who=all show everyone's contacts, tasks and leads, with their owners?"""
    signed_in(Role.OUTREACH)
    colleague = make_user(Role.OUTREACH, name="Dana Whitfield")
    make_contact("Sam Okafor", colleague, days(1))
    make_contact("Lee Park", None, days(1))
    make_task("Book the spring booth", colleague, days(2))
    make_lead("Riley Chen", staff=[colleague])
    html = page(client, who="all")
    for theirs in ("Sam Okafor", "Lee Park", "Book the spring booth", "Riley Chen"):
        assert theirs in html
    assert "Dana Whitfield" in html


def test_headings_count_everything_due(client, signed_in, make_contact):
    """Do the headings count every row due, counted in SQL?"""
    me = signed_in(Role.OUTREACH)
    for n in range(3):
        make_contact(f"Contact Number{n}", me, days(n))
    assert "Contacts to follow up (3)" in page(client)


@pytest.mark.parametrize("role", [Role.HR, Role.OUTREACH, Role.ADMIN])
def test_every_staff_role_opens_follow_ups(client, signed_in, role):
    """Can every staff role open the follow-ups page?"""
    signed_in(role)
    assert client.get("/follow-ups").status_code == 200


# --- marking things done -----------------------------------------------------------------------


def test_mark_task_done(client, signed_in, make_task, clock):
    """Does Mark done close the task, audit it and take it off the page?"""
    me = signed_in(Role.OUTREACH)
    task = make_task("Mail brochures", me, days(0))
    response = client.post(f"/follow-ups/tasks/{task.id}/done", data={"who": "all"})
    assert response.location == "/follow-ups?who=all"
    db.session.refresh(task)
    assert task.done_at == clock.now
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "follow_up.done")
    ).one()
    assert (entry.user_id, entry.target_id) == (me.id, task.id)
    assert "Mail brochures" not in section(page(client), "tasks-heading")


def test_mark_task_done_twice_changes_nothing(client, signed_in, make_task, clock):
    """Does marking a task done a second time keep the first time and say so?"""
    me = signed_in(Role.OUTREACH)
    task = make_task("Mail brochures", me, days(0), done=True)
    done_at = task.done_at
    clock.advance(hours=1)
    response = client.post(f"/follow-ups/tasks/{task.id}/done", follow_redirects=True)
    db.session.refresh(task)
    assert task.done_at == done_at
    assert "already marked that task done" in response.text


def test_mark_lead_contacted(client, signed_in, make_lead, clock):
    """Does Mark contacted stamp the lead and take it off the page?"""
    me = signed_in(Role.HR)
    link = make_lead("Jordan Avery", staff=[me])
    response = client.post(f"/follow-ups/leads/{link.candidate_id}/{link.event_id}/contacted")
    assert response.location == "/follow-ups"
    db.session.refresh(link)
    assert link.contacted_at == clock.now
    assert "Jordan Avery" not in section(page(client), "leads-heading")


def test_unknown_lead_is_404(client, signed_in):
    """Does marking a lead that does not exist give 404?"""
    signed_in(Role.HR)
    assert client.post("/follow-ups/leads/9999/9999/contacted").status_code == 404


def test_marking_needs_a_post(client, signed_in, make_task):
    """Is a GET to Mark done refused, leaving the task open?"""
    me = signed_in(Role.OUTREACH)
    task = make_task("Mail brochures", me, days(0))
    assert client.get(f"/follow-ups/tasks/{task.id}/done").status_code == 405


def test_action_forms_carry_a_csrf_token(client, signed_in, make_task, make_lead):
    """Does every Mark button's form carry the CSRF token?"""
    me = signed_in(Role.OUTREACH)
    make_task("Mail brochures", me, days(0))
    make_lead("Jordan Avery", staff=[me])
    forms = re.findall(r'<form method="post" action="/follow-ups/.*?</form>', page(client), re.S)
    assert len(forms) == 2
    assert all('name="csrf_token"' in form for form in forms)


def test_marking_without_a_csrf_token_is_refused(app, client, signed_in, make_task):
    """With CSRF checks on, is a Mark done without the token refused, the task left open?"""
    me = signed_in(Role.OUTREACH)
    task = make_task("Mail brochures", me, days(0))
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/follow-ups/tasks/{task.id}/done")
    assert response.status_code == 400
    db.session.refresh(task)
    assert task.done_at is None


# --- queries per page ------------------------------------------------------------------------


def add_rows(count, me, make_contact, make_task, make_lead):
    for n in range(count):
        make_contact(f"Contact Number{n}", me, days(n % 15 - 3))
        make_task(f"Task number {n}", me, days(n % 15 - 3))
        make_lead(f"Lead Number{n}", staff=[me])


def test_page_queries_do_not_grow_with_rows(client, signed_in, make_contact, make_task, make_lead):
    """Does the follow-ups page run as many queries for 100 rows of each kind as for 5?"""
    me = signed_in(Role.OUTREACH)
    my_id = me.id
    add_rows(5, me, make_contact, make_task, make_lead)
    few, html = page_queries(client, "/follow-ups?who=all")
    assert "Leads not yet contacted (5)" in html
    me = db.session.get(User, my_id)  # counting starts each request from an empty session
    add_rows(95, me, make_contact, make_task, make_lead)
    many, html = page_queries(client, "/follow-ups?who=all")
    assert "Leads not yet contacted (100)" in html
    assert many == few
