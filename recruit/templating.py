"""Template helpers: navigation and can() by the access policy, URLs for many records,
filters for dates, times and enum labels."""

import enum
from datetime import UTC, date, datetime, time
from decimal import Decimal
from types import MappingProxyType, SimpleNamespace

from flask import current_app, request, url_for
from flask_login import current_user
from markupsafe import Markup
from wtforms.widgets.core import clean_key, html_params

from recruit.auth.policy import can
from recruit.pipeline import rules
from recruit.timezones import local, office_zone

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
]

# The office's set-up pages, under one Admin menu so the header keeps to one line.
ADMIN_NAVIGATION = [
    ("Users", "admin.users", "administer"),
    ("Stages", "stages.index", "administer"),
    ("Messages", "message_templates.index", "administer"),
    ("Evaluation items", "evaluation_items.index", "administer"),
    ("Translations", "admin.untranslated", "administer"),
    ("Settings", "admin.settings", "administer"),
    ("Privacy", "privacy.index", "administer"),
    ("Export everything", "admin.export_all", "administer"),
    ("Audit log", "audit.index", "administer"),
]

# Each signed-in user's own pages, in the account menu.
ACCOUNT_NAVIGATION = [
    ("Password and two-step", "auth.change_password", None),
    ("Where you are signed in", "auth.account_sessions", None),
]

MENUS = {"main": NAVIGATION, "admin": ADMIN_NAVIGATION, "account": ACCOUNT_NAVIGATION}


def navigation(menu: str = "main") -> tuple[MappingProxyType, ...]:
    """The entries of a menu ("main", "admin" or "account") the signed-in user may open."""
    user = current_user._get_current_object()
    if not user.is_authenticated:
        return ()
    # The entries depend only on the user's role and the page: each worker builds them
    # once for each pair, not three menus of url_for() and can() on every page; every
    # user of the pair shares them, so they are read-only.
    key = (menu, user.role, user.is_active, request.endpoint, request.script_root)
    menus = current_app.extensions.setdefault("recruit_menus", {})
    items = menus.get(key)
    if items is None:
        items = menus[key] = tuple(
            MappingProxyType(
                {"label": label, "url": url_for(endpoint), "current": request.endpoint == endpoint}
            )
            for label, endpoint, action in MENUS[menu]
            if action is None or can(user, action)
        )
    return items


def current_user_can(action: str, obj=None) -> bool:
    """The template global can('move_candidates'): may the signed-in user do this?"""
    return can(current_user._get_current_object(), action, obj)


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
    """Dates the way US offices write them: Nov 22, 2026. A stored (UTC) time is shown in
    the office's zone, so a note written at 11 PM in Chicago is dated that day; with_time
    adds the hour and the zone, "Nov 22, 2026, 2:30 PM CST", marked up as <time>."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return value.strftime("%b %-d, %Y")
    if not with_time:
        return local(value).strftime("%b %-d, %Y")
    return Markup('<time datetime="{}">{}</time>').format(iso_utc(value), office_time(value))


def office_time(value: datetime) -> str:
    """A stored (UTC) time as plain text on the office's clock, for messages and flashes:
    "Nov 22, 2026, 2:30 PM CST"."""
    shown = local(value)
    return f"{shown:%b %-d, %Y}, {format_time(shown)}"


def format_time(value: time | datetime | None) -> str:
    """An hour the way US offices write it: 2:30 PM; a stored time in the office's zone
    with the zone's abbreviation: 2:30 PM CST."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        shown = local(value)
        return f"{shown:%-I:%M %p} {shown.tzname()}"
    return f"{value:%-I:%M %p}"


def event_when(event) -> str:
    """An event's days and, when it has them, its hours on the office's clock: "Mar 3,
    2027, 10:00 AM to 3:00 PM CST" (an en dash for "to"), or all day "Mar 3, 2027 to Mar
    5, 2027"."""
    first, last = event.starts_on, event.ends_on or event.starts_on
    if event.starts_at_time is None:
        return format_date(first) + (f" to {format_date(last)}" if last != first else "")
    zone = office_zone()
    begins = datetime.combine(first, event.starts_at_time, tzinfo=zone)
    start = f"{format_date(first)}, {format_time(event.starts_at_time)}"
    if event.ends_at_time is None:
        return f"{start} {begins.tzname()}" + (f" to {format_date(last)}" if last != first else "")
    ends = datetime.combine(last, event.ends_at_time, tzinfo=zone)
    end = format_time(event.ends_at_time)
    if last != first:
        end = f"{format_date(last)}, {end}"
    if last == first and begins.tzname() == ends.tzname():
        return f"{start} \N{EN DASH} {end} {ends.tzname()}"
    return f"{start} {begins.tzname()} to {end} {ends.tzname()}"


def iso_utc(value: datetime) -> str:
    """A stored time as ISO 8601 in UTC, for machines: 2026-11-22T20:30:00Z."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="seconds") + "Z"


# What a figure shows when there is none to show (no hires, nobody to divide by).
NO_FIGURE = "\N{EM DASH}"


def format_days(value: float | None) -> str:
    """Days to one decimal: 14.5."""
    return NO_FIGURE if value is None else f"{value:.1f}"


def format_average(value: float | None) -> str:
    """An average rating to two decimals: 4.25."""
    return NO_FIGURE if value is None else f"{value:.2f}"


def format_percent(share: float | None) -> str:
    """A share as a whole percentage: 53%."""
    return NO_FIGURE if share is None else f"{100 * share:.0f}%"


def format_money(value: Decimal | None) -> str:
    """Dollars and cents: $1,234.50."""
    return NO_FIGURE if value is None else f"${value:,.2f}"


def choice_rows(field) -> Markup:
    """A radio or checkbox group's choices, each an input and its label in a "check" row,
    drawn as WTForms draws them (the same attributes, in its order, render_kw winning over
    the validators' flags) without building a field object for each choice: a student's
    page lists every opening."""
    shared = {flag: getattr(field.flags, flag) for flag in ("required", "disabled")}
    shared = {flag: value for flag, value in shared.items() if value}
    shared.update((clean_key(key), value) for key, value in (field.render_kw or {}).items())
    shared.setdefault("type", "radio" if field.type == "RadioField" else "checkbox")
    rows = []
    for index, (value, text, checked, *choice_kw) in enumerate(field.iter_choices()):
        attributes = dict(shared, **(choice_kw[0] if choice_kw else {}))
        choice_id = attributes.setdefault("id", f"{field.id}-{index}")
        attributes.setdefault("value", str(value))
        if checked:
            attributes["checked"] = True
        # html_params escapes every value, as WTForms' own widgets rely on.
        params = Markup(html_params(name=field.name, **attributes))  # noqa: S704
        rows.append(
            Markup('<div class="check"><input {}> <label for="{}">{}</label></div>').format(
                params, choice_id, text
            )
        )
    return Markup("\n    ").join(rows)


def register_template_helpers(app) -> None:
    """Install filters and globals on the app's Jinja environment."""
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["time"] = format_time
    app.jinja_env.filters["days"] = format_days
    app.jinja_env.filters["average"] = format_average
    app.jinja_env.filters["percent"] = format_percent
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.globals["navigation"] = navigation
    app.jinja_env.globals["event_when"] = event_when
    app.jinja_env.globals["office_zone"] = office_zone
    app.jinja_env.globals["can"] = current_user_can
    app.jinja_env.globals["url_for_ids"] = url_for_ids
    app.jinja_env.globals["choice_rows"] = choice_rows
    app.jinja_env.globals["stage_rules"] = STAGE_RULES
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
