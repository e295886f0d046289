"""Template helpers: navigation and can() by the access policy, URLs for many records,
filters for dates and enum labels."""

import enum
from datetime import date, datetime
from types import SimpleNamespace

from flask import request, url_for
from flask_login import current_user

from recruit.auth.policy import can
from recruit.pipeline import rules

# (label, endpoint, the policy action a user needs to see the entry)
NAVIGATION = [
    ("Home", "main.dashboard", "view_pipeline"),
    ("Board", "candidates.board", "view_pipeline"),
    ("Candidates", "candidates.index", "view_pipeline"),
    ("Interviews", "interviews.index", "view_pipeline"),
    ("Events", "events.board", "view_pipeline"),
    ("Universities", "universities.index", "view_pipeline"),
    ("Follow-ups", "follow_ups.index", "follow_up_leads"),
    ("Positions", "positions.index", "view_pipeline"),
    ("Placements", "placements.index", "view_pipeline"),
    ("Reports", "reports.index", "view_pipeline"),
    ("Stages", "stages.index", "administer"),
    ("Messages", "message_templates.index", "administer"),
    ("Users", "admin.users", "administer"),
    ("Settings", "admin.settings", "administer"),
    ("Privacy", "privacy.index", "administer"),
    ("Audit log", "audit.index", "administer"),
]


def navigation() -> list[dict]:
    """The menu entries the signed-in user may open."""
    if not current_user.is_authenticated:
        return []
    items = []
    for label, endpoint, action in NAVIGATION:
        if can(current_user, action):
            items.append(
                {
                    "label": label,
                    "url": url_for(endpoint),
                    "current": request.endpoint == endpoint,
                }
            )
    return items


def current_user_can(action: str, obj=None) -> bool:
    """The template global can('move_candidates'): may the signed-in user do this?"""
    return can(current_user, action, obj)


# The pipeline's questions about a stage, as templates ask them:
# {% if stage_rules.placeable(candidate.stage) %}.
STAGE_RULES = SimpleNamespace(
    closed=rules.closed, hired=rules.hired, on_board=rules.on_board, placeable=rules.placeable
)

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
    app.jinja_env.globals["can"] = current_user_can
    app.jinja_env.globals["url_for_ids"] = url_for_ids
    app.jinja_env.globals["stage_rules"] = STAGE_RULES
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
