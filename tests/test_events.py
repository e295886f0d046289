"""Events: planning and editing, the list and board, moves, fair visits, booth leads and
what each role may do."""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from recruit.admin.models import SETTING_DEFAULTS
from recruit.auth.models import Role
from recruit.candidates.models import Candidate, CandidateEvent, Note, Source, Tag
from recruit.events.models import Event, EventKind, EventStatus, FairVisit, FollowUp
from recruit.events.services import qr_svg
from recruit.extensions import db
from recruit.timezones import local_today
from tests.query_counting import queries_for

JSON = {"Accept": "application/json"}
# The list splits upcoming from past by the office's (Chicago, the default) date.
TODAY = datetime.now(ZoneInfo(SETTING_DEFAULTS["time_zone"])).date()


def event_form(**overrides) -> dict:
    """A valid event form, with overrides."""
    return {
        "name": "Capital Career Fair",
        "slug": "",
        "kind": "career_fair",
        "status": "planned",
        "university_id": "",
        "starts_on": (TODAY + timedelta(days=10)).isoformat(),
        "ends_on": "",
        "location": "Main Hall",
        "virtual_url": "",
        "cost_registration": "100",
        "cost_travel": "",
        "cost_giveaways": "",
        "cost_other": "",
        "notes": "",
        **overrides,
    }


def text(response) -> str:
    return response.get_data(as_text=True)


# --- create and edit ---------------------------------------------------------------------


def test_outreach_plans_an_event_and_lands_on_its_page(client, signed_in):
    """Does planning an event save it and open its page?"""
    signed_in(Role.OUTREACH)
    response = client.post("/events/new", data=event_form())
    event = db.session.scalar(select(Event))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/events/{event.id}")
    assert event.name == "Capital Career Fair" and event.cost_registration == 100


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ends_on", (TODAY + timedelta(days=9)).isoformat(), "The end cannot be before the start."),
        ("slug", "Bad Slug!", "Use lower-case letters, digits and single hyphens."),
        ("slug", "a" * 71, "Field cannot be longer than 70 characters."),
        ("virtual_url", "ftp://fair.example/room", "Use a web address starting with https://"),
        ("cost_travel", "-5", "Number must be between 0 and 1000000."),
    ],
)
def test_an_invalid_event_form_says_why_and_keeps_the_values(
    client, signed_in, field, value, message
):
    """Does a wrong end date, slug, link or cost come back with its message and values?"""
    signed_in(Role.OUTREACH)
    response = client.post("/events/new", data=event_form(**{field: value}))
    page = text(response)
    assert response.status_code == 200
    assert message in page
    assert 'value="Capital Career Fair"' in page and 'value="Main Hall"' in page
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_slug_is_made_from_the_name(client, signed_in):
    """Does an event without a slug get one made from its name?"""
    signed_in(Role.OUTREACH)
    client.post("/events/new", data=event_form(name="Fall Career Fair 2026"))
    assert db.session.scalar(select(Event.slug)) == "fall-career-fair-2026"


def test_slug_is_made_unique(client, signed_in, make_event):
    """Does a second event with a taken name get the slug with -2?"""
    signed_in(Role.OUTREACH)
    client.post("/events/new", data=event_form(name="Spring Fair"))
    client.post("/events/new", data=event_form(name="Spring Fair"))
    slugs = set(db.session.scalars(select(Event.slug)))
    assert slugs == {"spring-fair", "spring-fair-2"}


def test_longest_chosen_slug_still_fits_when_taken(client, signed_in):
    """Does a second event wanting the longest allowed slug save with -2 added?"""
    signed_in(Role.OUTREACH)
    long_slug = "a" * 70
    for _ in range(2):
        response = client.post("/events/new", data=event_form(slug=long_slug))
        assert response.status_code == 302
    assert set(db.session.scalars(select(Event.slug))) == {long_slug, long_slug + "-2"}


def test_reserved_slug_thanks_is_never_used(client, signed_in):
    """Is an event named "Thanks" kept off the public thanks page's address?"""
    signed_in(Role.OUTREACH)
    client.post("/events/new", data=event_form(name="Thanks"))
    client.post("/events/new", data=event_form(name="Other", slug="thanks"))
    slugs = set(db.session.scalars(select(Event.slug)))
    assert "thanks" not in slugs and slugs == {"thanks-2", "thanks-3"}


def test_outreach_edits_an_event_with_the_same_form(client, signed_in, make_event):
    """Does the edit page show the event's values and save changes?"""
    signed_in(Role.OUTREACH)
    event = make_event(name="Old Name", location="Gym")
    page = text(client.get(f"/events/{event.id}/edit"))
    assert 'value="Old Name"' in page and 'value="Gym"' in page
    response = client.post(
        f"/events/{event.id}/edit",
        data=event_form(name="New Name", slug=event.slug, version=str(event.version)),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).name == "New Name"


def test_stale_edit_is_refused_and_keeps_the_values(client, signed_in, make_event):
    """Is an edit made from an old version refused, with the typed values kept?"""
    signed_in(Role.OUTREACH)
    event = make_event(name="Original")
    old_version = event.version
    event.location = "Changed by a colleague"
    db.session.commit()
    response = client.post(
        f"/events/{event.id}/edit",
        data=event_form(name="My Edit", slug=event.slug, version=str(old_version)),
    )
    page = text(response)
    assert response.status_code == 409
    assert "Someone else saved this event while you were editing it" in page
    assert 'value="My Edit"' in page
    db.session.expire_all()
    assert db.session.get(Event, event.id).name == "Original"


# --- hours ---------------------------------------------------------------------------------


def test_outreach_gives_an_event_its_hours(client, signed_in):
    """Does an event planned from 10 AM to 3 PM keep those hours?"""
    signed_in(Role.OUTREACH)
    client.post("/events/new", data=event_form(starts_at_time="10:00", ends_at_time="15:00"))
    event = db.session.scalar(select(Event))
    assert (event.starts_at_time, event.ends_at_time) == (time(10, 0), time(15, 0))


def test_an_event_page_shows_its_hours_in_office_time(client, signed_in, make_event):
    """Does a winter fair's page say Mar 3, 2027, 10:00 AM to 3:00 PM CST?"""
    signed_in(Role.HR)
    event = make_event(starts_on=date(2027, 3, 3), starts_at_time=time(10), ends_at_time=time(15))
    assert "Mar 3, 2027, 10:00 AM \N{EN DASH} 3:00 PM CST" in text(
        client.get(f"/events/{event.id}")
    )


def test_a_summer_event_shows_daylight_time(client, signed_in, make_event):
    """Is a July fair's time marked CDT?"""
    signed_in(Role.HR)
    event = make_event(starts_on=date(2027, 7, 8), starts_at_time=time(9, 30))
    assert "Jul 8, 2027, 9:30 AM CDT" in text(client.get(f"/events/{event.id}"))


def test_an_end_before_the_start_is_refused(client, signed_in):
    """Is a one-day event ending at 9 AM but starting at 10 AM refused at the end field?"""
    signed_in(Role.OUTREACH)
    response = client.post(
        "/events/new", data=event_form(starts_at_time="10:00", ends_at_time="09:00")
    )
    assert response.status_code == 200
    assert "On a one-day event the end must be after the start." in text(response)
    assert db.session.scalar(select(func.count(Event.id))) == 0


def test_an_end_without_a_start_is_refused(client, signed_in):
    """Is an end time without a start time refused?"""
    signed_in(Role.OUTREACH)
    response = client.post("/events/new", data=event_form(ends_at_time="15:00"))
    assert "Give the time it starts too" in text(response)
    assert db.session.scalar(select(func.count(Event.id))) == 0


def test_a_multi_day_event_may_end_earlier_in_the_day(client, signed_in):
    """May a two-day fair start at 1 PM and end at 11 AM on its second day?"""
    signed_in(Role.OUTREACH)
    first = TODAY + timedelta(days=10)
    form = event_form(
        starts_on=first.isoformat(),
        ends_on=(first + timedelta(days=1)).isoformat(),
        starts_at_time="13:00",
        ends_at_time="11:00",
    )
    assert client.post("/events/new", data=form).status_code == 302


# --- the list -------------------------------------------------------------------------------


def test_list_splits_upcoming_and_past(client, signed_in, make_event):
    """Are future events upcoming and finished ones past?"""
    signed_in()
    make_event(name="Next Month Fair", starts_on=TODAY + timedelta(days=30))
    make_event(name="Last Month Fair", starts_on=TODAY - timedelta(days=30))
    upcoming = text(client.get("/events/"))
    past = text(client.get("/events/?when=past"))
    assert "Next Month Fair" in upcoming and "Last Month Fair" not in upcoming
    assert "Last Month Fair" in past and "Next Month Fair" not in past


@pytest.mark.parametrize("days_left", [0, 1])
def test_multi_day_event_stays_upcoming_until_its_last_day(
    client, signed_in, make_event, clock, days_left
):
    """Is a fair that began two days ago still upcoming on and before its last day?"""
    # The office's day from the frozen clock: a fair ending today must not see the
    # office's midnight pass between the test's reading of the date and the page's.
    today = local_today()
    signed_in()
    make_event(
        name="Three Day Fair",
        starts_on=today - timedelta(days=2),
        ends_on=today + timedelta(days=days_left),
    )
    assert "Three Day Fair" in text(client.get("/events/"))
    assert "Three Day Fair" not in text(client.get("/events/?when=past"))


def test_list_filters_by_type(client, signed_in, make_event):
    """Does the type filter keep only events of that type?"""
    signed_in()
    make_event(name="Talk Event", kind=EventKind.CLASS_TALK)
    make_event(name="Fair Event", kind=EventKind.CAREER_FAIR)
    page = text(client.get("/events/?kind=class_talk"))
    assert "Talk Event" in page and "Fair Event" not in page


def test_list_filters_by_university(client, signed_in, make_event, make_university):
    """Does the university filter keep only that university's events?"""
    signed_in()
    north = make_university(name="North State")
    make_event(name="North Event", university=north)
    make_event(name="Elsewhere Event")
    page = text(client.get(f"/events/?university={north.id}"))
    assert "North Event" in page and "Elsewhere Event" not in page


def test_list_filters_by_status(client, signed_in, make_event):
    """Does the status filter keep only events in that status?"""
    signed_in()
    make_event(name="Registered Event", status=EventStatus.REGISTERED)
    make_event(name="Planned Event", status=EventStatus.PLANNED)
    page = text(client.get("/events/?status=registered"))
    assert "Registered Event" in page and "Planned Event" not in page


def test_list_filters_by_staff(client, signed_in, make_event, make_user):
    """Does the staff filter keep only events that staff member goes to?"""
    signed_in()
    going = make_user(role=Role.OUTREACH)
    make_event(name="Staffed Event", staff=[going])
    make_event(name="Unstaffed Event")
    page = text(client.get(f"/events/?staff={going.id}"))
    assert "Staffed Event" in page and "Unstaffed Event" not in page


# --- the board ------------------------------------------------------------------------------


def test_board_shows_each_status_column_with_its_count(client, signed_in, make_event):
    """Does the events board draw a column per status with the number of events in it?"""
    signed_in()
    make_event(status=EventStatus.REGISTERED)
    make_event(status=EventStatus.REGISTERED)
    make_event(status=EventStatus.ATTENDED, starts_on=TODAY - timedelta(days=3))
    page = text(client.get("/events/board"))
    counts = {}
    for status in EventStatus:
        column = page.split(f'data-stage-id="{status.value}"')[1]
        counts[status.value] = int(column.split("data-count>")[1].split("<")[0])
    assert counts == {
        "planned": 0,
        "registered": 2,
        "attended": 1,
        "followed_up": 0,
        "cancelled": 0,
    }


def test_board_card_shows_its_lead_count(client, signed_in, make_event, make_candidate):
    """Does an event's card count the leads it brought?"""
    signed_in()
    event = make_event(status=EventStatus.ATTENDED)
    for _ in range(2):
        candidate = make_candidate()
        db.session.add(CandidateEvent(candidate=candidate, event_id=event.id, via="form"))
    db.session.commit()
    page = text(client.get("/events/board"))
    card = page.split(f'data-event-id="{event.id}"')[1].split("</li>")[0]
    assert "2 leads" in card


# --- moving ---------------------------------------------------------------------------------


def test_move_by_script_answers_json(client, signed_in, make_event):
    """Does the board's script get a JSON 200 with the new status and version?"""
    signed_in(Role.OUTREACH)
    event = make_event(status=EventStatus.REGISTERED)
    version = event.version
    response = client.post(
        f"/events/{event.id}/move",
        data={"to_stage": "attended", "version": version},
        headers=JSON,
    )
    assert response.status_code == 200
    assert response.json["ok"] is True and response.json["stage_id"] == "attended"
    assert response.json["version"] == version + 1


def test_move_by_plain_form_redirects_with_303(client, signed_in, make_event):
    """Does the Move button without JavaScript move the event and go back to the board?"""
    signed_in(Role.OUTREACH)
    event = make_event(status=EventStatus.REGISTERED)
    response = client.post(
        f"/events/{event.id}/move",
        data={"to_stage": "attended", "version": event.version, "next": "/events/board"},
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/events/board")
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.ATTENDED


def test_stale_move_is_refused_naming_who_moved_it(client, signed_in, make_event, make_user):
    """Is a move from an old version refused with 409, saying who moved it first?"""
    signed_in(Role.OUTREACH)
    colleague = make_user(role=Role.OUTREACH, name="Priya Raman")
    event = make_event(status=EventStatus.REGISTERED)
    old_version = event.version
    event.status = EventStatus.ATTENDED
    event.status_changed_by_id = colleague.id
    db.session.commit()
    response = client.post(
        f"/events/{event.id}/move",
        data={"to_stage": "cancelled", "version": old_version},
        headers=JSON,
    )
    assert response.status_code == 409
    assert "moved to Attended by Priya Raman" in response.json["message"]
    assert response.json["stage_id"] == "attended"


# --- who may do what --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/events/", "/events/board", "/events/{id}"])
def test_hr_may_view_event_pages(client, signed_in, make_event, path):
    """Can HR read the events list, board and an event's page?"""
    signed_in(Role.HR)
    event = make_event()
    assert client.get(path.format(id=event.id)).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/events/new"),
        ("post", "/events/new"),
        ("get", "/events/{id}/edit"),
        ("post", "/events/{id}/edit"),
        ("post", "/events/{id}/move"),
        ("post", "/events/{id}/visits"),
        ("post", "/events/{id}/leads"),
        ("get", "/events/{id}/import"),
        ("post", "/events/{id}/import"),
        ("post", "/events/{id}/import/commit"),
    ],
)
def test_hr_may_not_change_events(client, signed_in, make_event, method, path):
    """Is HR refused with 403 on creating, editing, moving, logging, adding and importing?"""
    signed_in(Role.HR)
    event = make_event()
    response = getattr(client, method)(path.format(id=event.id), data=event_form())
    assert response.status_code == 403


def test_admin_may_plan_an_event(client, signed_in):
    """Can an admin plan an event as outreach can?"""
    signed_in(Role.ADMIN)
    assert client.post("/events/new", data=event_form()).status_code == 302


def test_admin_may_move_an_event(client, signed_in, make_event):
    """Can an admin move an event on the board as outreach can?"""
    signed_in(Role.ADMIN)
    event = make_event(status=EventStatus.REGISTERED)
    response = client.post(
        f"/events/{event.id}/move",
        data={"to_stage": "attended", "version": event.version},
        headers=JSON,
    )
    assert response.status_code == 200


# --- fair visits ----------------------------------------------------------------------------


def test_outreach_logs_a_visit_with_a_follow_up(client, signed_in, make_event, make_user):
    """Does a logged visit keep its follow-up with its date and assignee?"""
    user = signed_in(Role.OUTREACH)
    colleague = make_user(role=Role.OUTREACH)
    event = make_event(status=EventStatus.ATTENDED)
    due = TODAY + timedelta(days=7)
    response = client.post(
        f"/events/{event.id}/visits",
        data={
            "staff_present": "Ana, Ben",
            "students_talked_to": "35",
            "follow_up": "Send the internship list",
            "follow_up_assignee": str(colleague.id),
            "follow_up_due": due.isoformat(),
        },
    )
    assert response.status_code == 302
    visit = db.session.scalar(select(FairVisit))
    follow_up = db.session.scalar(select(FollowUp))
    assert visit.user_id == user.id and visit.students_talked_to == 35
    assert (follow_up.visit_id, follow_up.event_id) == (visit.id, event.id)
    assert (follow_up.assignee_id, follow_up.due_on) == (colleague.id, due)


def test_follow_up_without_a_date_is_refused(client, signed_in, make_event):
    """Is a follow-up with no date refused with a message?"""
    user = signed_in(Role.OUTREACH)
    event = make_event()
    response = client.post(
        f"/events/{event.id}/visits",
        data={
            "students_talked_to": "5",
            "follow_up": "Call the dean",
            "follow_up_assignee": str(user.id),
        },
    )
    assert response.status_code == 400 and "Give the follow-up a date." in text(response)
    assert db.session.scalar(select(func.count()).select_from(FairVisit)) == 0


def test_follow_up_without_an_assignee_is_refused(client, signed_in, make_event):
    """Is a follow-up with nobody to do it refused with a message?"""
    signed_in(Role.OUTREACH)
    event = make_event()
    response = client.post(
        f"/events/{event.id}/visits",
        data={
            "students_talked_to": "5",
            "follow_up": "Call the dean",
            "follow_up_assignee": "",
            "follow_up_due": TODAY.isoformat(),
        },
    )
    assert response.status_code == 400 and "Choose who will do it." in text(response)
    assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 0


def test_several_staff_log_against_one_event(client, make_user, auth, make_event):
    """Do visits from two staff members both appear on the event's page?"""
    event = make_event(status=EventStatus.ATTENDED)
    for name, talked in (("Ana Lopez", "12"), ("Ben Okoro", "30")):
        user = make_user(role=Role.OUTREACH, name=name)
        auth.login(user.email)
        client.post(f"/events/{event.id}/visits", data={"students_talked_to": talked})
        auth.logout()
    auth.login(make_user(role=Role.OUTREACH).email)
    page = text(client.get(f"/events/{event.id}"))
    assert "Ana Lopez" in page and "talked to 12 students" in page
    assert "Ben Okoro" in page and "talked to 30 students" in page


# --- quick-add leads ---------------------------------------------------------------------


def test_quick_add_makes_a_candidate_in_the_first_stage(client, signed_in, stages, make_event):
    """Does a new email become a candidate in the first stage, sourced from the event?"""
    signed_in(Role.OUTREACH)
    event = make_event(status=EventStatus.ATTENDED)
    response = client.post(
        f"/events/{event.id}/leads",
        data={"first_name": "Mei", "last_name": "Chen", "email": "mei@u.example"},
    )
    assert response.status_code == 302
    candidate = db.session.scalar(select(Candidate))
    link = db.session.scalar(select(CandidateEvent))
    assert candidate.stage_id == stages["interested"].id
    assert (candidate.source, candidate.source_event_id) == (Source.EVENT, event.id)
    assert (link.candidate_id, link.event_id, link.via) == (candidate.id, event.id, "quick_add")


def test_quick_added_lead_is_listed_on_the_event_page(client, signed_in, stages, make_event):
    """Does a lead added at the booth appear in the event's leads list?"""
    signed_in(Role.OUTREACH)
    event = make_event(status=EventStatus.ATTENDED)
    client.post(
        f"/events/{event.id}/leads",
        data={"first_name": "Li", "last_name": "Wei", "email": "li@u.example"},
    )
    assert "Li Wei" in text(client.get(f"/events/{event.id}"))


def test_quick_add_of_a_known_email_links_without_a_duplicate(
    client, signed_in, stages, make_event, make_candidate
):
    """Does a known email in another case get the event and note, keeping its stage?"""
    signed_in(Role.OUTREACH)
    event = make_event(status=EventStatus.ATTENDED)
    known = make_candidate(email="omar@u.example", stage="screening")
    response = client.post(
        f"/events/{event.id}/leads",
        data={
            "first_name": "Omar",
            "last_name": "Haddad",
            "email": "OMAR@U.Example",
            "note": "Asked about audits",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Candidate)) == 1
    assert db.session.get(Candidate, known.id).stage_id == stages["screening"].id
    assert db.session.get(CandidateEvent, (known.id, event.id)) is not None
    notes = db.session.scalars(select(Note.body).where(Note.candidate_id == known.id)).all()
    assert "Asked about audits" in notes


def test_event_leads_show_their_current_stage(client, signed_in, make_event, make_candidate):
    """Does the event's leads list show each lead's current stage?"""
    signed_in(Role.OUTREACH)
    event = make_event()
    candidate = make_candidate(first_name="Sara", last_name="Berg", stage="interview")
    db.session.add(CandidateEvent(candidate=candidate, event_id=event.id, via="form"))
    db.session.commit()
    page = text(client.get(f"/events/{event.id}"))
    row = page.split("Sara Berg</a>")[1].split("</tr>")[0]
    assert "Interview" in row


def _leads(event, make_candidate, n=2):
    made = []
    for _ in range(n):
        candidate = make_candidate()
        db.session.add(CandidateEvent(candidate=candidate, event_id=event.id, via="form"))
        made.append(candidate)
    db.session.commit()
    return made


def test_bulk_move_from_the_event_page_returns_there(
    client, signed_in, stages, make_event, make_candidate
):
    """Does a bulk move posted from the event page move the leads and come back to it?"""
    signed_in(Role.HR)
    event = make_event()
    leads = _leads(event, make_candidate)
    page = text(client.get(f"/events/{event.id}"))
    assert 'action="/candidates/bulk"' in page
    response = client.post(
        "/candidates/bulk",
        data={
            "ids": [str(c.id) for c in leads],
            "action": "move",
            "to_stage": str(stages["screening"].id),
            "next": f"/events/{event.id}?",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].rstrip("?").endswith(f"/events/{event.id}")
    db.session.expire_all()
    assert {db.session.get(Candidate, c.id).stage_id for c in leads} == {stages["screening"].id}


def test_bulk_tag_from_the_event_page_returns_there(
    client, signed_in, stages, make_event, make_candidate
):
    """Does a bulk tag posted from the event page tag the leads and come back to it?"""
    signed_in(Role.HR)
    event = make_event()
    leads = _leads(event, make_candidate)
    response = client.post(
        "/candidates/bulk",
        data={
            "ids": [str(c.id) for c in leads],
            "action": "tag",
            "tag": "fair-2026",
            "next": f"/events/{event.id}?",
        },
    )
    assert response.headers["Location"].rstrip("?").endswith(f"/events/{event.id}")
    db.session.expire_all()
    for candidate in leads:
        tags = [t.name for t in db.session.get(Candidate, candidate.id).tags]
        assert "fair-2026" in tags
    assert db.session.scalar(select(func.count()).select_from(Tag)) == 1


# --- query counts ---------------------------------------------------------------------------


def _many_events(n, make_event, make_university, make_user):
    university = make_university()
    staff = [make_user(role=Role.OUTREACH)]
    for i in range(n):
        make_event(
            university=university,
            staff=staff,
            status=list(EventStatus)[i % 4],
            starts_on=TODAY + timedelta(days=1 + i),
        )


@pytest.mark.parametrize("path", ["/events/", "/events/board"])
def test_event_pages_query_count_does_not_grow(
    client, signed_in, make_event, make_university, make_user, path
):
    """Do the events list and board issue as many queries for 60 events as for 3?"""
    signed_in()
    _many_events(3, make_event, make_university, make_user)
    few = queries_for(client, path)
    _many_events(57, make_event, make_university, make_user)
    many = queries_for(client, path)
    assert few == many


# --- the QR code, kiosk mode and the booth -----------------------------------------------


def test_qr_code_scales_as_a_whole():
    """Does the QR code's SVG carry a square viewBox and no fixed width or height, so CSS
    scales it instead of cropping it?"""
    svg = qr_svg("https://jobs.procurement.example.gov/apply/capital-career-fair")
    opening = re.match(r"<svg ([^>]*)>", svg).group(1)
    attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', opening))
    assert "width" not in attributes and "height" not in attributes
    _, _, width, height = attributes["viewBox"].split()
    assert width == height
    assert attributes["role"] == "img"
    assert (
        "<title>QR code for https://jobs.procurement.example.gov/apply/capital-career-fair<" in svg
    )


def test_qr_code_keeps_a_white_quiet_zone():
    """Is the QR code drawn on white with four modules of it around the code?"""
    svg = qr_svg("https://jobs.procurement.example.gov/apply/capital-career-fair")
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    assert f'<path fill="#fff" d="M0 0h{size}v{size}h-{size}z"/>' in svg
    # The first dark module is the top-left finder pattern, four modules in.
    assert re.search(r'<path stroke="#000" d="M4 4\.5h7', svg)


def test_event_page_offers_kiosk_mode(app, client, signed_in, make_event):
    """Does the event page link to the kiosk form and say what it is for?"""
    signed_in(Role.HR)
    event = make_event()
    page = text(client.get(f"/events/{event.id}"))
    kiosk = f"{app.config['PUBLIC_BASE_URL']}/apply/{event.slug}?kiosk=1"
    assert f'<a class="button" href="{kiosk}">Open kiosk mode</a>' in page
    assert "For a tablet at the booth: the form comes back empty for each student." in page


def test_booth_sign_explains_kiosk_mode(app, client, signed_in, make_event):
    """Does the booth sign tell staff how to use kiosk mode, with its link?"""
    signed_in(Role.OUTREACH)
    event = make_event()
    page = text(client.get(f"/events/{event.id}/sign"))
    kiosk = f"{app.config['PUBLIC_BASE_URL']}/apply/{event.slug}?kiosk=1"
    assert f'<a href="{kiosk}">open kiosk mode</a>' in page
    assert "the form then comes back empty for the next student" in page


def test_quick_add_confirms_in_the_quick_add_form(client, signed_in, stages, make_event):
    """After a quick-add, is the confirmation shown in the quick-add form, not at the top?"""
    signed_in(Role.OUTREACH)
    event = make_event(status=EventStatus.ATTENDED)
    response = client.post(
        f"/events/{event.id}/leads",
        data={"first_name": "Mei", "last_name": "Chen", "email": "mei@u.example"},
    )
    assert response.headers["Location"].endswith(f"/events/{event.id}#quick-add")
    page = text(client.get(response.headers["Location"]))
    start = page.index('id="quick-add"')
    quick_add = page[start : page.index("</section>", start)]
    assert page.count("Mei Chen added.") == 1
    assert re.search(
        r'role="status">\s*<p class="flash flash--success">Mei Chen added\.', quick_add
    )


def test_other_messages_still_show_at_the_top(client, signed_in, make_event):
    """Does a message from elsewhere, such as a saved edit, still show at the top of the
    event page?"""
    signed_in(Role.OUTREACH)
    event = make_event(name="Capital Career Fair")
    client.post(f"/events/{event.id}/edit", data=event_form(version=str(event.version)))
    page = text(client.get(f"/events/{event.id}"))
    assert page.index("Capital Career Fair is saved.") < page.index('class="page-head"')


def test_visit_logged_confirms_in_the_visit_log(client, signed_in, make_event):
    """After logging a visit, is the confirmation in the visit log the page jumps to, and
    only there?"""
    signed_in(Role.OUTREACH)
    event = make_event(status=EventStatus.ATTENDED)
    response = client.post(
        f"/events/{event.id}/visits", data={"staff_present": "Ana", "students_talked_to": "12"}
    )
    assert response.headers["Location"].endswith(f"/events/{event.id}#visits")
    page = text(client.get(response.headers["Location"]))
    start = page.index('id="visits"')
    visits = page[start : page.index("</section>", start)]
    assert page.count("Visit logged.") == 1
    assert re.search(r'role="status">\s*<p class="flash flash--success">Visit logged\.', visits)
