"""The office's time zone: Recruit stores every time in UTC and shows (and reads typed
times) in the zone an admin sets, so a Chicago office sees 2:30 PM CST, not 20:30 UTC."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import g, has_app_context

from recruit.admin.models import SETTING_DEFAULTS, get_setting

DEFAULT_ZONE = SETTING_DEFAULTS["time_zone"]


class NoSuchLocalTime(ValueError):
    """A wall-clock time the office's zone skips (the spring-forward hour)."""


def zone_named(name: str) -> ZoneInfo | None:
    """The IANA zone of that name ("America/Chicago"), or None when there is none."""
    if not name or name not in known_zone_names():
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


_KNOWN: frozenset[str] | None = None

# The zones of US states and territories, offered first to an admin choosing the office's.
US_ZONES = {
    "America/New_York": "Eastern",
    "America/Chicago": "Central",
    "America/Denver": "Mountain",
    "America/Phoenix": "Arizona (Mountain, no daylight saving)",
    "America/Los_Angeles": "Pacific",
    "America/Anchorage": "Alaska",
    "Pacific/Honolulu": "Hawaii",
    "America/Puerto_Rico": "Atlantic (Puerto Rico, U.S. Virgin Islands)",
    "Pacific/Guam": "Chamorro (Guam, Northern Mariana Islands)",
    "Pacific/Pago_Pago": "Samoa (American Samoa)",
}


def known_zone_names() -> frozenset[str]:
    """Every IANA zone name this machine's time zone data holds."""
    global _KNOWN
    if _KNOWN is None:
        _KNOWN = frozenset(available_timezones())
    return _KNOWN


def zone_choices() -> list[tuple[str, str]]:
    """(name, description) of every zone to offer: the US ones first, then the rest."""
    rest = sorted(known_zone_names() - US_ZONES.keys())
    us = [(name, label) for name, label in US_ZONES.items() if name in known_zone_names()]
    return us + [(name, "") for name in rest if "/" in name and not name.startswith("Etc/")]


def office_zone() -> ZoneInfo:
    """The office's zone, read once per request (every time on a page asks for it)."""
    if has_app_context() and "office_zone" in g:
        return g.office_zone
    zone = zone_named(get_setting("time_zone")) or ZoneInfo(DEFAULT_ZONE)
    if has_app_context():
        g.office_zone = zone
    return zone


def forget_office_zone() -> None:
    """Drop the request's remembered zone (an admin just changed it)."""
    if has_app_context():
        g.pop("office_zone", None)


def local(value: datetime) -> datetime:
    """A stored UTC time (naive) as an aware time in the office's zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(office_zone())


def to_utc(value: datetime) -> datetime:
    """A wall-clock time typed in the office's zone as the naive UTC time Recruit stores;
    refuses a time the zone skips. An hour that happens twice means its first pass."""
    zone = office_zone()
    aware = value.replace(tzinfo=zone, fold=0)
    utc = aware.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != value.replace(tzinfo=None, fold=0):
        raise NoSuchLocalTime(
            f"{value:%-I:%M %p} does not exist on {value:%b %-d, %Y} in {zone.key}: "
            "the clocks skip that hour. Choose another time."
        )
    return utc.replace(tzinfo=None)


def local_today() -> date:
    """Today's date in the office."""
    from recruit.database import utcnow

    return local(utcnow()).date()


def day_bounds(day: date, days: int = 1) -> tuple[datetime, datetime]:
    """The UTC times (naive) at which an office day, or a run of days, starts and ends."""
    start = datetime.combine(day, time.min)
    end = datetime.combine(day + timedelta(days=days), time.min)
    return to_utc_lenient(start), to_utc_lenient(end)


def to_utc_lenient(value: datetime) -> datetime:
    """Like to_utc, but a skipped time moves forward past the gap (for day boundaries)."""
    return value.replace(tzinfo=office_zone(), fold=0).astimezone(UTC).replace(tzinfo=None)


def abbreviation(value: datetime) -> str:
    """The zone's short name at that moment: CST or CDT."""
    return local(value).tzname() or office_zone().key
