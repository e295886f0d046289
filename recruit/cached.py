"""Per-process copies of what pages read on every request and admins seldom change (the
stages, the universities, the settings), checked against the database once a request.

Each gunicorn worker keeps its own copies. The first request that needs one reads a
signature of the three tables in one small SELECT: their row counts, the sums of their
version columns (every ORM save of a stage, university or setting raises its row's
version) and their highest ids. A copy made under another signature is read again, so
a stage renamed through one worker shows on the next request any worker serves.

A request that changes one of these rows itself reads them straight from the database
from then on (its own unsaved changes included), and never stores what it read: the
change may yet be rolled back. Outside a request (the CLI, the delivery worker) every
read goes to the database, as before.
"""

from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock
from types import MappingProxyType
from typing import Any, TypeVar

from flask import current_app, g, has_request_context
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from recruit.admin.models import Setting
from recruit.candidates.models import Stage, StageKind
from recruit.extensions import db
from recruit.universities.models import University

T = TypeVar("T")
WATCHED = (Stage, University, Setting)
WATCHED_TABLES = frozenset(model.__table__ for model in WATCHED)


@dataclass(frozen=True, slots=True)
class StageRow:
    """What pages show of a stage: read once, shared by every request of a worker."""

    id: int
    name: str
    key: str | None
    position: int
    kind: StageKind
    retired: bool


def stages() -> tuple[StageRow, ...]:
    """Every stage, in position order."""
    return _cached("stages", _read_stages)


def university_choices() -> tuple[tuple[str, str], ...]:
    """Every university as (id, full name) for a select, by name and college."""
    return _cached("universities", _read_universities)


def settings() -> MappingProxyType:
    """Every stored setting by key (defaults are the caller's)."""
    return _cached("settings", _read_settings)


def forget() -> None:
    """Start a request with no signature read: g outlives a request run inside an app
    context pushed earlier (tests, scripts)."""
    g.pop("cached_signature", None)
    g.pop("cached_bypass", None)


# Copies are shared between requests, so they are made immutable.


def _read_stages() -> tuple[StageRow, ...]:
    query = select(
        Stage.id, Stage.name, Stage.key, Stage.position, Stage.kind, Stage.retired
    ).order_by(Stage.position, Stage.id)
    return tuple(StageRow(*row) for row in db.session.execute(query))


def _read_universities() -> tuple[tuple[str, str], ...]:
    rows = db.session.execute(
        select(University.id, University.full_name).order_by(University.name, University.college)
    )
    return tuple((str(university_id), name) for university_id, name in rows)


def _read_settings() -> MappingProxyType:
    return MappingProxyType(dict(db.session.execute(select(Setting.key, Setting.value)).all()))


def _signature() -> tuple:
    """One statement: each watched table's row count, version sum and highest id."""
    parts = []
    for model in WATCHED:
        key = model.key if model is Setting else model.id
        parts += [
            select(func.count()).select_from(model).scalar_subquery(),
            select(func.coalesce(func.sum(model.version), 0)).scalar_subquery(),
            select(func.max(key)).scalar_subquery(),
        ]
    return tuple(db.session.execute(select(*parts)).one())


class _Copies:
    """One app's copies in this process, and the signature they were read under."""

    def __init__(self):
        self.lock = Lock()
        self.signature: tuple | None = None
        self.values: dict[str, Any] = {}


def _copies() -> _Copies:
    return current_app.extensions.setdefault("recruit_cached", _Copies())


def _cached(name: str, read: Callable[[], T]) -> T:
    if not has_request_context() or g.get("cached_bypass") or _changing(db.session()):
        return read()
    copies = _copies()
    signature = g.get("cached_signature")
    if signature is None:
        # Read before any value, so a value is never older than the signature it is
        # kept under (a newer one only costs a second read on the next request).
        signature = g.cached_signature = _signature()
    with copies.lock:
        if copies.signature != signature:
            copies.signature, copies.values = signature, {}
        if name in copies.values:
            return copies.values[name]
    value = read()
    with copies.lock:
        if copies.signature == signature:
            copies.values[name] = value
    return value


def _changing(session: Session) -> bool:
    """Does the session hold unsaved changes to a watched row?"""
    return any(
        isinstance(instance, WATCHED)
        for instance in (*session.new, *session.dirty, *session.deleted)
    )


def _bypass() -> None:
    if has_request_context():
        g.cached_bypass = True


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    """A request that saved a watched row reads them afresh from then on."""
    # The flush's own lists are still filled here; they are emptied after this hook.
    if _changing(session):
        _bypass()


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state) -> None:
    """The same for UPDATE and DELETE statements on a watched table."""
    if (state.is_update or state.is_delete) and state.statement.table in WATCHED_TABLES:
        _bypass()
