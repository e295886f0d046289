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

Pieces of pages drawn from what staff change all day (the board's columns) are kept the
same way, under the change clock as well: one row that every committed transaction
changing anything those pages show moves on, in the same transaction (see _tick). A piece
is kept for a minute at most, so its "days in stage" stay true and a change made outside
the app's sessions (raw SQL, a migration beside live workers) shows within a minute.
"""

import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock
from types import MappingProxyType
from typing import Any, TypeVar

from flask import current_app, g, has_request_context
from flask_babel import get_locale
from sqlalchemy import TextClause, event, func, select, update
from sqlalchemy.orm import Session

from recruit.admin.models import ChangeClock, Setting
from recruit.candidates.models import Stage, StageKind
from recruit.database import utcnow
from recruit.extensions import db
from recruit.universities.models import University

T = TypeVar("T")
WATCHED = (Stage, University, Setting)
WATCHED_TABLES = frozenset(model.__table__ for model in WATCHED)
# Writes to these change nothing a kept piece of a page shows: the bookkeeping written on
# every page (sign-in stamps, audited reads), form receipts, the outbox the delivery
# worker works through, and the clock itself. Any other table's write moves the clock.
UNSEEN_TABLES = frozenset(
    {
        "staff_sessions",
        "audit_entries",
        "form_receipts",
        "outbox_messages",
        "recovery_codes",
        "change_clock",
    }
)
# A session whose transaction changed what pages show carries this in its info.
CHANGED = "recruit_changes_pages"
FRAGMENTS_KEPT = 16
_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


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


def fragment(name: str, key: tuple, draw: Callable[[], str]) -> str:
    """A piece of a page (the board's columns) drawn once and kept by this worker while
    nothing it shows can have changed: the same key, the same stages, universities and
    settings, the same change clock, and the same minute."""
    session = db.session()
    if not has_request_context() or g.get("cached_bypass") or _changes_pages(session):
        return draw()
    copies = _copies()
    if g.get("cached_signature") is None:
        g.cached_signature, g.change_clock = _signature()
    clock = g.change_clock
    if clock is None:
        return draw()  # a database without the clock's row: nothing is kept
    state = (g.cached_signature, clock, utcnow().replace(second=0, microsecond=0))
    whole_key = (name, str(get_locale()), *key)
    with copies.lock:
        if copies.fragments_state != state:
            copies.fragments_state, copies.fragments = state, OrderedDict()
        kept = copies.fragments.get(whole_key)
        if kept is not None:
            copies.fragments.move_to_end(whole_key)
            return kept
    drawn = draw()
    with copies.lock:
        if copies.fragments_state == state:
            copies.fragments[whole_key] = drawn
            while len(copies.fragments) > FRAGMENTS_KEPT:
                copies.fragments.popitem(last=False)
    return drawn


def forget() -> None:
    """Start a request with no signature read: g outlives a request run inside an app
    context pushed earlier (tests, scripts)."""
    g.pop("cached_signature", None)
    g.pop("change_clock", None)
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


def _signature() -> tuple[tuple, int | None]:
    """One statement: each watched table's row count, version sum and highest id; and
    the change clock."""
    parts = [select(ChangeClock.ticks).where(ChangeClock.id == 1).scalar_subquery()]
    for model in WATCHED:
        key = model.key if model is Setting else model.id
        parts += [
            select(func.count()).select_from(model).scalar_subquery(),
            select(func.coalesce(func.sum(model.version), 0)).scalar_subquery(),
            select(func.max(key)).scalar_subquery(),
        ]
    clock, *signature = db.session.execute(select(*parts)).one()
    return tuple(signature), clock


class _Copies:
    """One app's copies in this process, and the signature they were read under."""

    def __init__(self):
        self.lock = Lock()
        self.signature: tuple | None = None
        self.values: dict[str, Any] = {}
        self.fragments_state: tuple | None = None
        self.fragments: OrderedDict[tuple, str] = OrderedDict()


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
        signature, g.change_clock = _signature()
        g.cached_signature = signature
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


def _changes_pages(session: Session) -> bool:
    """Has the session's transaction changed, or is it about to change, what kept pieces
    of pages show? Such a request draws them afresh and keeps nothing it drew."""
    return bool(session.info.get(CHANGED)) or any(
        type(instance).__table__.name not in UNSEEN_TABLES
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
    if _changes_pages(session):
        session.info[CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state) -> None:
    """The same for UPDATE and DELETE statements on a watched table."""
    statement = state.statement
    if state.is_insert or state.is_update or state.is_delete:
        if statement.table in WATCHED_TABLES:
            _bypass()
        if statement.table.name not in UNSEEN_TABLES:
            state.session.info[CHANGED] = True
    elif isinstance(statement, TextClause) and _WRITE.match(statement.text):
        state.session.info[CHANGED] = True  # SQL written out: assume it changed a page


@event.listens_for(Session, "before_commit")
def _tick(session: Session) -> None:
    """Move the change clock on in the transaction that changed what pages show, so no
    worker can see the change without the new time, nor the new time without it."""
    if session.in_nested_transaction():
        return  # a savepoint's release: the whole transaction ticks once, when it commits
    session.flush()  # the commit's own flush comes after this hook
    if session.info.pop(CHANGED, False):
        tick = update(ChangeClock).where(ChangeClock.id == 1)
        session.execute(tick.values(ticks=ChangeClock.ticks + 1))


@event.listens_for(Session, "after_transaction_end")
def _forget_changes(session: Session, transaction) -> None:
    # A rolled-back transaction changed nothing; a committed one has ticked already.
    if transaction.parent is None:
        session.info.pop(CHANGED, None)
