"""The events calendar feed: valid iCalendar, one entry per event, and a private link."""

import hashlib
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import select

from recruit.auth.models import Role, User
from recruit.events.models import EventStatus
from recruit.extensions import db

HOST = "recruit.procurement.state.example"
PUBLIC_BASE_URL = f"https://{HOST}"


@pytest.fixture
def config_overrides():
    """The office's real public address, which links and UIDs are made on."""
    return {"PUBLIC_BASE_URL": PUBLIC_BASE_URL}


@pytest.fixture
def feed_token(client, signed_in):
    """Return token(): make a calendar link as the signed-in user and return its secret."""
    signed_in(Role.OUTREACH)

    def token() -> str:
        page = client.post("/account/calendar").get_data(as_text=True)
        link = page.split('class="code"><a href="')[1].split('"')[0]
        return link.split("token=")[1]

    return token


def feed(client, token: str):
    """The feed as the calendar app fetching it would get it."""
    return client.get(f"/events.ics?token={token}")


def parsed(client, token: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(feed(client, token).data)


def test_feed_has_one_vevent_per_event(client, feed_token, make_event):
    """Does the feed parse and hold one VEVENT for each event?"""
    make_event(name="First Fair")
    make_event(name="Second Talk")
    events = parsed(client, feed_token()).walk("VEVENT")
    assert sorted(str(e["SUMMARY"]) for e in events) == ["First Fair", "Second Talk"]


def test_one_day_event_ends_the_next_day(client, feed_token, make_event):
    """Is a one-day event all-day, its DTEND the day after (end exclusive)?"""
    make_event(starts_on=date(2027, 3, 4))
    (vevent,) = parsed(client, feed_token()).walk("VEVENT")
    assert vevent.decoded("DTSTART") == date(2027, 3, 4)
    assert vevent.decoded("DTEND") == date(2027, 3, 5)


def test_multi_day_event_ends_the_day_after_its_last(client, feed_token, make_event):
    """Does a three-day fair end the day after its last day?"""
    make_event(starts_on=date(2027, 3, 4), ends_on=date(2027, 3, 6))
    (vevent,) = parsed(client, feed_token()).walk("VEVENT")
    assert vevent.decoded("DTSTART") == date(2027, 3, 4)
    assert vevent.decoded("DTEND") == date(2027, 3, 7)


def test_summary_escapes_commas_and_semicolons(client, feed_token, make_event):
    """Are commas and semicolons in a name escaped and read back intact?"""
    make_event(name="Capital Fair, Spring; 2027")
    token = feed_token()
    assert "SUMMARY:Capital Fair\\, Spring\\; 2027" in feed(client, token).get_data(as_text=True)
    (vevent,) = parsed(client, token).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Capital Fair, Spring; 2027"


def test_cancelled_event_is_marked_cancelled(client, feed_token, make_event):
    """Does a cancelled event carry STATUS:CANCELLED, and a planned one no status?"""
    make_event(name="Called Off", status=EventStatus.CANCELLED)
    make_event(name="Going Ahead")
    events = {str(e["SUMMARY"]): e for e in parsed(client, feed_token()).walk("VEVENT")}
    assert str(events["Called Off"]["STATUS"]) == "CANCELLED"
    assert "STATUS" not in events["Going Ahead"]


def test_long_lines_fold_without_cutting_a_character(client, feed_token, make_event):
    """Is a long Chinese name folded at 75 octets, each piece valid UTF-8?"""
    name = "国家采购办公室春季校园招聘会暨实习生项目介绍与职业发展讲座第二场"
    make_event(name=name)
    token = feed_token()
    raw = feed(client, token).data
    lines = raw.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)
    for line in lines:
        line.decode("utf-8")  # raises if a character was cut in half
    (vevent,) = parsed(client, token).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == name


def test_feed_opens_with_the_secret_alone(client, feed_token, make_event):
    """Does the feed open without a session, as a calendar app fetches it?"""
    make_event(name="Capital Fair")
    token = feed_token()
    client.post("/logout")
    response = feed(client, token)
    assert response.status_code == 200
    assert "SUMMARY:Capital Fair" in response.get_data(as_text=True)


def test_wrong_token_is_not_found(client, feed_token, make_event):
    """Does a wrong secret get 404?"""
    feed_token()
    assert feed(client, "not-the-secret").status_code == 404


def test_missing_token_is_not_found(client):
    """Does the feed without a secret get 404?"""
    assert client.get("/events.ics").status_code == 404


def test_new_link_stops_the_old_one(client, feed_token):
    """Does making a new link stop the old secret and start the new one?"""
    old = feed_token()
    new = feed_token()
    assert feed(client, old).status_code == 404
    assert feed(client, new).status_code == 200


def test_deactivated_users_token_stops_working(client, feed_token):
    """Does a deactivated user's calendar link stop working?"""
    token = feed_token()
    user = db.session.scalar(select(User).where(User.calendar_token_hash.is_not(None)))
    user.active = False
    db.session.commit()
    assert feed(client, token).status_code == 404


def test_only_the_tokens_hash_is_stored(client, feed_token):
    """Is only the secret's SHA-256 kept, never the secret itself?"""
    token = feed_token()
    user = db.session.scalar(select(User).where(User.calendar_token_hash.is_not(None)))
    assert user.calendar_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in user.calendar_token_hash


def test_an_event_with_hours_is_timed_in_the_offices_zone(client, feed_token, make_event):
    """Does a fair from 10 AM to 3 PM start and end at those hours in Chicago time?"""
    make_event(starts_on=date(2027, 3, 3), starts_at_time=time(10), ends_at_time=time(15))
    (vevent,) = parsed(client, feed_token()).walk("VEVENT")
    chicago = ZoneInfo("America/Chicago")
    assert vevent.decoded("DTSTART") == datetime(2027, 3, 3, 10, tzinfo=chicago)
    assert vevent.decoded("DTEND") == datetime(2027, 3, 3, 15, tzinfo=chicago)
    assert vevent["DTSTART"].params["TZID"] == "America/Chicago"


def test_the_feed_describes_the_offices_zone(client, feed_token, make_event):
    """Does a feed with a timed event carry the zone's VTIMEZONE and X-WR-TIMEZONE?"""
    make_event(starts_on=date(2027, 7, 8), starts_at_time=time(9, 30))
    cal = parsed(client, feed_token())
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["America/Chicago"]
    assert str(cal["X-WR-TIMEZONE"]) == "America/Chicago"
    assert str(cal["X-WR-CALNAME"]) == "Recruit events"


def test_an_event_without_hours_stays_all_day(client, feed_token, make_event):
    """Is an event without hours an all-day one, its start a date and not a time?"""
    make_event(starts_on=date(2027, 3, 4))
    (vevent,) = parsed(client, feed_token()).walk("VEVENT")
    assert type(vevent.decoded("DTSTART")) is date
    assert vevent["DTSTART"].params.get("VALUE", "DATE") == "DATE"


def test_each_event_links_to_its_page(client, feed_token, make_event):
    """Does each entry carry a URL to the event's page on the office's public address?"""
    event = make_event(name="Capital Fair")
    (vevent,) = parsed(client, feed_token()).walk("VEVENT")
    assert str(vevent["URL"]) == f"{PUBLIC_BASE_URL}/events/{event.id}"


def test_uids_stay_the_same_between_fetches(client, feed_token, make_event):
    """Does an event keep its UID from one fetch to the next, so apps update it in place?"""
    event = make_event()
    token = feed_token()
    first, second = (parsed(client, token).walk("VEVENT")[0] for _ in range(2))
    assert str(first["UID"]) == str(second["UID"]) == f"event-{event.id}@{HOST}"
