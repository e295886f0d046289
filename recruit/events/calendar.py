"""The events calendar feed (iCalendar, RFC 5545) that staff subscribe to."""

from collections.abc import Iterable
from datetime import timedelta

from flask import current_app

from recruit.database import utcnow
from recruit.events.models import Event, EventStatus
from recruit.templating import label


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, as the standard asks."""
    data = line.encode()
    if len(data) <= 75:
        return line
    pieces, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:
            end -= 1  # never cut a UTF-8 character in half
        pieces.append(data[start:end].decode())
        start, limit = end, 74
    return "\r\n ".join(pieces)


def calendar(events: Iterable[Event]) -> str:
    """An iCalendar document with one all-day entry per event."""
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    host = current_app.config["PUBLIC_BASE_URL"].split("//")[-1].split("/")[0] or "recruit"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//State Procurement Office//Recruit//EN",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:Recruit events",
    ]
    for event in events:
        end = (event.ends_on or event.starts_on) + timedelta(days=1)
        where = event.location or event.virtual_url
        description = f"{label(event.kind)} · {label(event.status)}"
        if event.university:
            description += f" · {event.university.name}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:event-{event.id}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{event.starts_on:%Y%m%d}",
            f"DTEND;VALUE=DATE:{end:%Y%m%d}",
            f"SUMMARY:{_escape(event.name)}",
            f"DESCRIPTION:{_escape(description)}",
        ]
        if where:
            lines.append(f"LOCATION:{_escape(where)}")
        if event.status == EventStatus.CANCELLED:
            lines.append("STATUS:CANCELLED")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
