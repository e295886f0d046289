"""Office-wide settings saved as one form: the version the editor loaded guards the save."""

from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from recruit.admin.models import SETTING_DEFAULTS, Setting, get_setting, set_setting
from recruit.audit.services import record
from recruit.extensions import db
from recruit.stale import StaleSave, check, flush

SETTING_KEYS = (
    "office_name",
    "office_email",
    "privacy_notice",
    "privacy_notice_es",
    "retention_months",
    "time_zone",
    "two_step_required",
)


def current_settings() -> SimpleNamespace:
    """The settings form's values as saved now, with their version, read together from
    the database (not the worker's copies, which were checked earlier in the request): a
    colleague's save in between must not pair their version with our older values."""
    rows = db.session.execute(select(Setting.key, Setting.value, Setting.version)).all()
    stored = {key: value for key, value, _version in rows}
    return SimpleNamespace(
        version=sum(version for _key, _value, version in rows),
        **{key: stored.get(key, SETTING_DEFAULTS[key]) for key in SETTING_KEYS},
    )


def save_settings(values: dict, expected_version: int | None, by_user) -> None:
    """Store the settings form's values; refuses a save made from older settings."""
    account = {"current": current_settings, "action": "settings.update"}
    settings = current_settings()
    check(settings, expected_version, "settings", **account)
    try:
        with db.session.begin_nested():
            for key in SETTING_KEYS:
                if key not in values:
                    continue
                value = values[key]
                set_setting(key, value.strip() if key.startswith("office") else value)
            flush(settings, "settings", **account)
    except IntegrityError as error:  # another admin added the first row of a setting
        raise StaleSave(settings, "settings", **account) from error
    record("settings.update", user=by_user, keys=[key for key in SETTING_KEYS if key in values])
    required = values.get("two_step_required", settings.two_step_required)
    if required != settings.two_step_required:
        record(
            "settings.two_step_required",
            user=by_user,
            before=settings.two_step_required,
            after=required,
        )


def spanish_privacy_notice() -> str:
    """The privacy notice students reading Spanish see, or "" for none (they see the
    English): Recruit's own Spanish wording says what Recruit's own English one says, so
    it stands only while the English is Recruit's too."""
    spanish = (get_setting("privacy_notice_es") or "").strip()
    if spanish == SETTING_DEFAULTS["privacy_notice_es"] and (
        get_setting("privacy_notice").strip() != SETTING_DEFAULTS["privacy_notice"]
    ):
        return ""
    return spanish
