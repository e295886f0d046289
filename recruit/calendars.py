"""iCalendar documents Recruit serves or mails (the events feed, interview invitations),
made with the icalendar library so escaping, folding and time zones follow RFC 5545."""

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from flask import current_app

from recruit.database import utcnow
from recruit.plain_text import without_control_characters
from recruit.timezones import office_zone

if TYPE_CHECKING:
    import icalendar

PRODID = "-//State Procurement Office//Recruit//EN"


def new_calendar(name: str | None = None, method: str | None = None) -> "icalendar.Calendar":
    """An empty calendar from Recruit, named for calendar apps and set in the office's
    zone; method is "REQUEST" or "CANCEL" for an invitation sent by mail."""
    # Imported when a calendar is made: icalendar holds 4 MB in a worker that makes none.
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.calendar_name = name  # NAME, and X-WR-CALNAME for the apps that read only that
    cal.add("x-wr-timezone", office_zone().key)
    return cal


def to_ics(cal: "icalendar.Calendar") -> bytes:
    """The calendar as an .ics file, with a VTIMEZONE for each zone its times are in."""
    cal.add_missing_timezones()
    # icalendar escapes line breaks in text but passes other control characters, which
    # RFC 5545 does not allow in a value.
    return without_control_characters(cal.to_ical().decode()).encode()


def uid_host() -> str:
    """The office's host name, which makes UIDs unique the world over."""
    return current_app.config["PUBLIC_BASE_URL"].split("//")[-1].split("/")[0] or "recruit"


def stamp() -> datetime:
    """Now, in UTC, for DTSTAMP."""
    return utcnow().replace(tzinfo=UTC)
