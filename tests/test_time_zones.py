"""The office's time zone: an admin sets it, and every stored (UTC) time Recruit shows is
in it, with the zone's abbreviation, on the office's own date."""

import re
from datetime import date, datetime, time
from html import unescape

import pytest
from sqlalchemy import select

from recruit.admin.models import get_setting, set_setting
from recruit.audit.models import AuditEntry
from recruit.auth.models import Role
from recruit.candidates.models import Note
from recruit.extensions import db
from recruit.templating import format_date, format_time
from recruit.timezones import (
    NoSuchLocalTime,
    day_bounds,
    forget_office_zone,
    local_today,
    to_utc,
)


def page_text(response) -> str:
    return unescape(response.get_data(as_text=True))


def settings_form(page, **fields) -> dict:
    """The settings form as the page shows it, with some fields changed."""
    version = re.search(r'name="version"[^>]*value="(\d+)"', page.get_data(as_text=True))[1]
    return {
        "office_name": "State Procurement Office",
        "office_email": "internships@procurement.state.example",
        "privacy_notice": get_setting("privacy_notice"),
        "privacy_notice_es": get_setting("privacy_notice_es"),
        "retention_months": "24",
        "time_zone": "America/Chicago",
        "version": version,
        **fields,
    }


def note_at(make_candidate, written_at: datetime):
    """A candidate with one note written at that (UTC) time."""
    candidate = make_candidate()
    db.session.add(Note(candidate=candidate, body="Called about the fair.", created_at=written_at))
    db.session.commit()
    return candidate


def notes_meta(client, candidate) -> str:
    page = page_text(client.get(f"/candidates/{candidate.id}"))
    return re.search(r'<p class="notes__meta">(.*?)</p>', page)[1]


# --- the setting ---------------------------------------------------------------------


def test_admin_sets_the_office_time_zone(client, signed_in):
    """Does an admin's choice of New York time become the office's zone, audited?"""
    signed_in(Role.ADMIN)
    page = client.get("/admin/settings")
    response = client.post(
        "/admin/settings", data=settings_form(page, time_zone="America/New_York")
    )
    assert response.status_code == 302
    assert get_setting("time_zone") == "America/New_York"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "settings.update"))
    assert "time_zone" in entry.detail["keys"]


def test_a_zone_that_does_not_exist_is_refused(client, signed_in):
    """Is a made-up zone name refused with a word on how to write one, and nothing saved?"""
    signed_in(Role.ADMIN)
    page = client.get("/admin/settings")
    response = client.post("/admin/settings", data=settings_form(page, time_zone="Central"))
    assert response.status_code == 200
    assert "does not know a time zone called 'Central'" in page_text(response)
    assert get_setting("time_zone") == "America/Chicago"


def test_settings_page_offers_the_us_zones_first(client, signed_in):
    """Does the zone field suggest the US zones, Eastern first?"""
    signed_in(Role.ADMIN)
    page = page_text(client.get("/admin/settings"))
    options = re.findall(r'<option value="([^"]+)"', page.split('id="time-zones"')[1])
    assert options[:3] == ["America/New_York", "America/Chicago", "America/Denver"]


def test_a_new_zone_shows_on_the_next_page(client, signed_in, make_candidate):
    """After the admin picks Los Angeles, is a note's time shown in Pacific time?"""
    signed_in(Role.ADMIN)
    candidate = note_at(make_candidate, datetime(2027, 1, 12, 20, 30))
    page = client.get("/admin/settings")
    client.post("/admin/settings", data=settings_form(page, time_zone="America/Los_Angeles"))
    assert "Jan 12, 2027, 12:30 PM PST" in notes_meta(client, candidate)


# --- times shown ----------------------------------------------------------------------


def test_a_winter_note_shows_central_standard_time(client, signed_in, make_candidate):
    """Is a note written at 20:30 UTC on Nov 2, 2026 (after clocks go back) 2:30 PM CST?"""
    signed_in(Role.HR)
    candidate = note_at(make_candidate, datetime(2026, 11, 2, 20, 30))
    assert "Nov 2, 2026, 2:30 PM CST" in notes_meta(client, candidate)


def test_a_note_before_the_fall_change_shows_daylight_time(client, signed_in, make_candidate):
    """Is a note from Oct 31, 2026 (before clocks go back on Nov 1) shown in CDT?"""
    signed_in(Role.HR)
    candidate = note_at(make_candidate, datetime(2026, 10, 31, 20, 30))
    assert "Oct 31, 2026, 3:30 PM CDT" in notes_meta(client, candidate)


def test_the_spring_change_moves_to_daylight_time(app):
    """Are 7:30 UTC on Mar 14, 2027 (before 2 AM) and 8:30 UTC (after) an hour apart on the
    wall, CST then CDT?"""
    assert format_time(datetime(2027, 3, 14, 7, 30)) == "1:30 AM CST"
    assert format_time(datetime(2027, 3, 14, 8, 30)) == "3:30 AM CDT"


def test_a_shown_time_carries_its_utc_value_for_machines(client, signed_in, make_candidate):
    """Is the shown time marked up as <time> with its ISO UTC value?"""
    signed_in(Role.HR)
    candidate = note_at(make_candidate, datetime(2026, 11, 2, 20, 30))
    assert '<time datetime="2026-11-02T20:30:00Z">' in notes_meta(client, candidate)


def test_a_late_evening_note_keeps_the_offices_date(app):
    """Is a note written at 11 PM in Chicago (5 AM UTC the next day) dated that evening?"""
    written = datetime(2027, 1, 13, 5, 0)
    assert format_date(written) == "Jan 12, 2027"


def test_a_plain_date_is_not_moved(app):
    """Does an event's day stay the day it is, whatever the zone?"""
    assert format_date(date(2027, 1, 13)) == "Jan 13, 2027"


def test_an_hour_on_its_own_is_written_us_style(app):
    """Is an event's 2 PM written 2:00 PM?"""
    assert format_time(time(14, 0)) == "2:00 PM"


# --- typed times and days -------------------------------------------------------------


def test_the_skipped_spring_hour_is_refused(app):
    """Is 2:30 AM on Mar 14, 2027, which Chicago skips, refused?"""
    with pytest.raises(NoSuchLocalTime):
        to_utc(datetime(2027, 3, 14, 2, 30))


def test_the_fall_back_day_lasts_25_hours(app):
    """Does Nov 1, 2026 in Chicago run from 5:00 to 6:00 UTC the next day?"""
    assert day_bounds(date(2026, 11, 1)) == (datetime(2026, 11, 1, 5), datetime(2026, 11, 2, 6))


def test_today_is_the_offices_today(app, clock):
    """At 3 AM UTC on Jan 13, is it still Jan 12 for a Chicago office?"""
    clock.now = datetime(2027, 1, 13, 3, 0)
    assert local_today() == date(2027, 1, 12)


def test_another_zone_changes_today(app, clock):
    """With the office in Guam, is 3 PM UTC on Jan 12 already Jan 13?"""
    set_setting("time_zone", "Pacific/Guam")
    db.session.commit()
    forget_office_zone()
    clock.now = datetime(2027, 1, 12, 15, 0)
    assert local_today() == date(2027, 1, 13)
