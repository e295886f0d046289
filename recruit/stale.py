"""One rule for stale saves: a form carries the version of the record it loaded, a save
made from an older one is refused (HTTP 409) saying who saved meanwhile, and the form comes
back with what the editor typed and the current version, so saving again goes through."""

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import inspect, select
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField

from recruit.audit.models import AuditEntry
from recruit.board import time_ago
from recruit.database import parse_id
from recruit.extensions import db

# Audited actions about a record that do not change it, so never "who saved meanwhile".
# The public form sent again for a known email leaves the record as it is (what it
# carried waits as a proposed update).
READS = frozenset(
    {"candidate.resume_download", "privacy.export", "message.compose", "candidate.form_again"}
)


class VersionedForm:
    """A form mixin: the version of the record the editor loaded travels in a hidden field."""

    version = HiddenField()

    def load_version(self, record) -> None:
        """Carry the record's version in the form, for a form not built on the record."""
        self.version.data = str(record.version)

    @property
    def loaded_version(self) -> int | None:
        """The version the editor loaded, or None when the form did not carry one."""
        return parse_id(str(self.version.data or ""))


class StaleSave(Exception):
    """Someone saved the record since the editor loaded it; nothing of this save is kept."""

    def __init__(
        self,
        record,
        noun: str,
        current: Callable[[], object] | None = None,
        action: str | None = None,
        last_change: Callable[[object], tuple[str, datetime] | None] | None = None,
    ):
        if current is None:
            model, identity = type(record), inspect(record).identity
            # Read after the caller rolls back: the record as the other editor left it.
            current = lambda: db.session.get(model, identity)  # noqa: E731
        self.current = current
        self.noun = noun
        self.action = action
        self.last_change = last_change
        super().__init__(f"This {noun} was saved by someone else meanwhile.")


def check(record, expected_version: int | None, noun: str, **account) -> None:
    """Refuse a save made from another version than the record's. A form that carried no
    version is not refused: forms built on the record (obj=) fill it with the current one,
    as the candidate, event and template editors always have."""
    if expected_version is not None and record.version != expected_version:
        raise StaleSave(record, noun, **account)


def flush(record, noun: str, **account) -> None:
    """Write pending changes; a save that won the race since the check is refused the same
    way (the model's version column makes the UPDATE match no row)."""
    try:
        db.session.flush()
    except StaleDataError as error:
        raise StaleSave(record, noun, **account) from error


@dataclass
class Conflict:
    """What an editor whose save was refused is told (templates/_stale.html)."""

    noun: str
    who: str
    when: str
    differs: list[str]

    @property
    def what(self) -> str:
        """'this university', 'these settings'."""
        return f"{'these' if self.plural else 'this'} {self.noun}"

    @property
    def it(self) -> str:
        return "them" if self.plural else "it"

    @property
    def plural(self) -> bool:
        return self.noun.endswith("settings")

    @property
    def headline(self) -> str:
        """'Dana Whitfield saved this candidate while you were editing it (2 minutes ago)'."""
        when = f" ({self.when})" if self.when else ""
        return f"{self.who} saved {self.what} while you were editing {self.it}{when}"

    @property
    def in_short(self) -> str:
        """The refusal in two sentences, for a status line rather than a page."""
        return f"{self.headline}. Nothing was saved; save again to replace theirs with yours."


def saved_by(record, action: str | None = None, last_change=None) -> tuple[str, datetime | None]:
    """Who saved the record last and when: its updated_by where the model keeps one, else
    the newest audit entry about it (or with this action), or a change it keeps itself."""
    if getattr(record, "updated_by", None) is not None:
        return record.updated_by.name, record.updated_at
    query = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if action is not None:
        query = query.where(AuditEntry.action == action)
    else:
        query = query.where(
            AuditEntry.target_type == type(record).__name__,
            AuditEntry.target_id == record.id,
            AuditEntry.action.not_in(READS),
        )
    entry = db.session.scalars(query.limit(1)).first()
    found = [(entry.user.name if entry.user else "Someone else", entry.created_at)] if entry else []
    other = last_change(record) if last_change else None
    if other is not None:
        found.append(other)
    if not found:
        return "Someone else", None
    return max(found, key=lambda pair: pair[1])


def _plain(value) -> str:
    """A value as the form and the database would both write it, to compare the two."""
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value).strip()


def differences(form, saved: dict) -> list[str]:
    """The labels of the fields where the saved record differs from what the editor typed."""
    return [
        field.label.text
        for field in form
        if field.name in saved
        and field.name != "version"
        and _plain(field.data) != _plain(saved[field.name])
    ]


def refuse(stale: StaleSave, form) -> Conflict:
    """Roll the refused save back and account for it; the form keeps what the editor typed
    and takes the current version, so a deliberate second save goes through."""
    db.session.rollback()
    record = stale.current()
    state = inspect(record, raiseerr=False)
    if state is None:  # not a row: several rows edited as one form (the settings)
        saved = vars(record)
    else:
        saved = {prop.key: getattr(record, prop.key) for prop in state.mapper.column_attrs}
    form.version.data = str(record.version)
    who, when = saved_by(record, stale.action, stale.last_change)
    return Conflict(
        noun=stale.noun,
        who=who,
        when=time_ago(when) if when else "",
        differs=differences(form, saved),
    )
