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

Pieces of pages drawn from what staff change all day (the board's columns, the filter
bar, the reports' figures for a period) are kept the same way, under the change clock as
well (recruit.change_clock), for a minute at most: their "days in stage" stay true, a
write the clock did not see shows within the minute, and a kept piece never outlives the
minute by much even in a worker nobody asks (an erased student's name with it).
"""

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock, Thread
from types import MappingProxyType
from typing import Any, TypeVar

from flask import current_app, g, has_request_context
from flask_babel import get_locale
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from recruit import change_clock
from recruit.admin.models import Setting
from recruit.candidates.models import Stage, StageKind
from recruit.database import utcnow
from recruit.extensions import db
from recruit.universities.models import University

T = TypeVar("T")
WATCHED = (Stage, University, Setting)
WATCHED_TABLES = frozenset(model.__table__ for model in WATCHED)
FRAGMENTS_KEPT = 16
# A kept piece goes at the end of its minute, even if no request comes to drop it.
FRAGMENT_SECONDS = 61


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


def fragment(name: str, key: tuple, draw: Callable[[], T]) -> T:
    """A piece of a page (the board's columns, the reports' figures, the list's count)
    drawn once and kept by this worker while nothing it shows can have changed: the same
    key, the same stages, universities and settings, the same change clock, and the same
    minute. What draw() returns is shared by the requests that follow: text or a number,
    never something they could change."""
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
            _drop_later(copies)
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


def _drop_later(copies: "_Copies") -> None:
    """Have the pieces kept now dropped once they are a minute old, even if no request
    comes: one sweeper thread a worker, gone when nothing is kept."""
    copies.fragments_made = time.monotonic()
    if copies.sweeper is not None:
        return

    def sweep() -> None:
        while True:
            with copies.lock:
                age = time.monotonic() - copies.fragments_made
                if age >= FRAGMENT_SECONDS:
                    copies.fragments_state, copies.fragments = None, OrderedDict()
                    copies.sweeper = None
                    return
            time.sleep(FRAGMENT_SECONDS - age)

    copies.sweeper = Thread(target=sweep, name="recruit-fragment-sweeper", daemon=True)
    copies.sweeper.start()


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
    the change clock. Sent as SQL text, so it does not flush the session: a request with
    unsaved changes to a watched row reads the database directly anyway (_changing)."""
    connection = db.session.connection()
    clock, *signature = connection.exec_driver_sql(_signature_sql(connection.dialect)).one()
    return tuple(signature), clock


_SIGNATURE_SQL: dict[tuple[str, str], str] = {}


def _signature_sql(dialect) -> str:
    """The signature's SELECT as SQL text, written once per driver: every staff page
    sends it, and building and compiling it again each time cost more than running it."""
    sql = _SIGNATURE_SQL.get((dialect.name, dialect.driver))
    if sql is None:
        parts = [change_clock.reading(dialect.name)]
        for model in WATCHED:
            key = model.key if model is Setting else model.id
            parts += [
                select(func.count()).select_from(model).scalar_subquery(),
                select(func.coalesce(func.sum(model.version), 0)).scalar_subquery(),
                select(func.max(key)).scalar_subquery(),
            ]
        compiled = select(*parts).compile(dialect=dialect, compile_kwargs={"literal_binds": True})
        sql = _SIGNATURE_SQL[(dialect.name, dialect.driver)] = str(compiled)
    return sql


class _Copies:
    """One app's copies in this process, and the signature they were read under."""

    def __init__(self):
        self.lock = Lock()
        self.signature: tuple | None = None
        self.values: dict[str, Any] = {}
        self.fragments_state: tuple | None = None
        self.fragments: OrderedDict[tuple, str] = OrderedDict()
        self.fragments_made = 0.0
        self.sweeper: Thread | None = None


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
    return change_clock.pending(session) or any(
        type(instance).__table__.name not in change_clock.UNSEEN_TABLES
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
