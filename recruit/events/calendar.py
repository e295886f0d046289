"""The events calendar feed (iCalendar, RFC 5545) that staff subscribe to."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from recruit.calendars import new_calendar, stamp, to_ics, uid_host
from recruit.events.models import Event, EventStatus
from recruit.messages.links import public_url
from recruit.templating import label
from recruit.timezones import office_zone

if TYPE_CHECKING:
    import icalendar


def event_component(event: Event, stamped: datetime, host: str) -> "icalendar.Event":
    """One event as a VEVENT: all day when it has no hours, else timed in the office's
    zone; its UID stays the same however often the feed is fetched."""
    import icalendar

    component = icalendar.Event()
    component.add("uid", f"event-{event.id}@{host}")
    component.add("dtstamp", stamped)
    last_day = event.ends_on or event.starts_on
    if event.starts_at_time is None:
        component.add("dtstart", event.starts_on)
        component.add("dtend", last_day + timedelta(days=1))  # the end is exclusive
    else:
        zone = office_zone()
        component.add("dtstart", datetime.combine(event.starts_on, event.starts_at_time, zone))
        if event.ends_at_time is not None:
            component.add("dtend", datetime.combine(last_day, event.ends_at_time, zone))
    component.add("summary", event.name)
    description = f"{label(event.kind)} · {label(event.status)}"
    if event.university:
        description += f" · {event.university.full_name}"
    component.add("description", description)
    if where := event.location or event.virtual_url:
        component.add("location", where)
    component.add("url", public_url("events.detail", event_id=event.id))
    if event.status == EventStatus.CANCELLED:
        component.add("status", "CANCELLED")
    return component


def calendar(
    events: Iterable[Event], extra_components: Iterable["icalendar.Component"] = ()
) -> bytes:
    """An iCalendar document with one entry per event, and any other entries given (a
    person's interviews, say)."""
    cal = new_calendar("Recruit events")
    stamped, host = stamp(), uid_host()
    for event in events:
        cal.add_component(event_component(event, stamped, host))
    for component in extra_components:
        cal.add_component(component)
    return to_ics(cal)
