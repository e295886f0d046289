"""Writing audit entries, which name records by id and never copy a person's details, and
scrubbing the copies older entries hold when a person is erased."""

import hashlib
import hmac
import json
import re

from flask import current_app, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import Text, cast, func, or_, select

from recruit.audit.models import AuditEntry
from recruit.extensions import db

# Detail keys that once held (or may hold) a person's details or free text typed about
# them: a merged duplicate's profile, an outside interviewer's name, an admin's reason, a
# search typed into the list, an uploaded file's name.
PERSONAL_DETAIL_KEYS = frozenset({"removed", "interviewer_name", "why", "q", "file"})
ERASED = "(erased)"


def _unproxied(value):
    # Flask-Login's current_user is a proxy: its class name ("LocalProxy") is no record's.
    unwrap = getattr(value, "_get_current_object", None)
    return unwrap() if unwrap is not None else value


def record(action: str, user=None, target=None, **detail) -> AuditEntry:
    """Add an audit entry for an action; the caller's transaction commits it."""
    user, target = _unproxied(user), _unproxied(target)
    entry = AuditEntry(
        action=action,
        user_id=getattr(user, "id", None),
        target_type=type(target).__name__ if target is not None else None,
        target_id=getattr(target, "id", None),
        remote_addr=request.remote_addr if has_request_context() else None,
        detail=detail,
    )
    db.session.add(entry)
    return entry


def keyed_hash(value: str) -> str:
    """A keyed hash (HMAC with the app's secret) of a value such as an email, the same in any
    letter case: entries can be matched against a known address without holding it."""
    secret = current_app.config["SECRET_KEY"].encode()
    typed = value.strip().lower().encode()
    return hmac.new(secret, typed, hashlib.sha256).hexdigest()[:32]


def summary(entry: AuditEntry) -> str | None:
    """A plain sentence for entries whose details alone read poorly, or None."""
    if entry.action == "candidate.merge" and "removed_id" in entry.detail:
        return _(
            "Merged candidate #%(removed)s into #%(kept)s",
            removed=entry.detail["removed_id"],
            kept=entry.target_id,
        )
    return None


def impersonal_detail(detail):
    """An entry's detail without the keys that may hold personal data (for the export
    without personal fields)."""
    if isinstance(detail, dict):
        return {
            key: impersonal_detail(value)
            for key, value in detail.items()
            # A count under the same name ("removed": 1) is no one's detail.
            if key not in PERSONAL_DETAIL_KEYS or _is_count(value)
        }
    if isinstance(detail, list):
        return [impersonal_detail(value) for value in detail]
    return detail


def _is_count(value) -> bool:
    return value is None or isinstance(value, int | float | bool)


def _redacted(value, pattern: re.Pattern):
    if isinstance(value, dict):
        return {key: _redacted(item, pattern) for key, item in value.items()}
    if isinstance(value, list):
        return [_redacted(item, pattern) for item in value]
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    return value


def identifiers_pattern(identifiers: list[str]) -> re.Pattern | None:
    """A pattern matching any of a person's identifiers as whole words, in any case."""
    words = sorted({i.strip() for i in identifiers if len(i.strip()) >= 2}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)", re.I)


def redact(text: str, identifiers: list[str]) -> str:
    """Text with a person's identifiers replaced, e.g. an admin's reason naming them."""
    pattern = identifiers_pattern(identifiers)
    return pattern.sub(ERASED, text) if pattern else text


def scrub_entries(
    target_type: str,
    target_id: int,
    identifiers: list[str],
    everywhere: list[str],
    search_all: bool = True,
) -> int:
    """Remove copies of a person's details from audit entries (erasure): entries about
    their record lose old profile copies and any of their identifiers; entries about
    anything else lose the distinctive ones (everywhere: email, phone, full name), which
    are searched for in every entry unless search_all is False (a scan of the whole log,
    about 150 ms per 100,000 entries). Ids, actions and times stay. Returns how many
    entries changed."""
    about = (AuditEntry.target_type == target_type) & (AuditEntry.target_id == target_id)
    text = func.lower(cast(AuditEntry.detail, Text))
    # JSON text may keep non-ASCII letters as \u escapes.
    forms = {form.lower() for i in everywhere for form in (i, json.dumps(i)[1:-1]) if len(i) > 2}
    mentions = [text.contains(form, autoescape=True) for form in sorted(forms) if search_all]
    entries = db.session.scalars(select(AuditEntry).where(or_(about, *mentions))).all()
    own = identifiers_pattern([*identifiers, *everywhere])
    others = identifiers_pattern(everywhere)
    changed = 0
    for entry in entries:
        detail = dict(entry.detail or {})
        pattern = others
        if entry.target_type == target_type and entry.target_id == target_id:
            if isinstance(detail.get("removed"), dict):
                del detail["removed"]
            pattern = own
        if pattern is not None:
            detail = _redacted(detail, pattern)
        if detail != entry.detail:
            entry.detail = detail
            changed += 1
    db.session.flush()
    return changed
