"""Template helpers: navigation by role, URLs for many records, filters for dates and
enum labels."""

import enum
from datetime import date, datetime

from flask import request, url_for
from flask_login import current_user

from recruit.auth.models import Role

# (label, endpoint, roles allowed or None for every signed-in user)
NAVIGATION = [
    ("Home", "main.dashboard", None),
    ("Board", "candidates.board", None),
    ("Candidates", "candidates.index", None),
    ("Events", "events.board", None),
    ("Universities", "universities.index", None),
    ("Follow-ups", "follow_ups.index", None),
    ("Positions", "positions.index", (Role.HR, Role.OUTREACH)),
    ("Placements", "placements.index", (Role.HR, Role.OUTREACH)),
    ("Reports", "reports.index", None),
    ("Stages", "stages.index", (Role.ADMIN,)),
    ("Messages", "message_templates.index", (Role.ADMIN,)),
    ("Users", "admin.users", (Role.ADMIN,)),
    ("Settings", "admin.settings", (Role.ADMIN,)),
    ("Audit log", "audit.index", (Role.ADMIN,)),
]


def navigation() -> list[dict]:
    """The menu entries the signed-in user may open."""
    if not current_user.is_authenticated:
        return []
    items = []
    for label, endpoint, roles in NAVIGATION:
        if roles is None or current_user.has_role(*roles):
            items.append(
                {
                    "label": label,
                    "url": url_for(endpoint),
                    "current": request.endpoint == endpoint,
                }
            )
    return items


_ID_MARK = 987654321


def url_for_ids(endpoint: str, name: str):
    """url_for for many records of one endpoint, such as the cards of a board: the URL is
    built once with a marker where the id goes, and each record's URL fills it in."""
    head, _mark, tail = url_for(endpoint, **{name: _ID_MARK}).partition(str(_ID_MARK))

    def build(value: int) -> str:
        return f"{head}{int(value)}{tail}"

    return build


def label(value) -> str:
    """A readable label for an enum value: 'career_fair' becomes 'Career fair'."""
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        value = value.value
    return str(value).replace("_", " ").capitalize()


def format_date(value: date | datetime | None, with_time: bool = False) -> str:
    """Dates the way US offices write them: Nov 22, 2026."""
    if value is None:
        return ""
    if with_time and isinstance(value, datetime):
        return value.strftime("%b %-d, %Y %H:%M UTC")
    return value.strftime("%b %-d, %Y")


def register_template_helpers(app) -> None:
    """Install filters and globals on the app's Jinja environment."""
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.globals["navigation"] = navigation
    app.jinja_env.globals["url_for_ids"] = url_for_ids
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
