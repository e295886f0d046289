"""Writers on SQLite take turns, each starting as soon as the last one is done.

SQLite lets one transaction write at a time. A writer that finds the lock taken waits in
SQLite's busy handler, which sleeps 1, 2, 5, 10, 15, 20 and 25 ms, then 50 and 100 ms at
a time, however soon the lock is free again; the writer that just finished, starting its
next request meanwhile, takes the lock again first. With two gunicorn workers taking
interest forms at a fair, the machine's cores stood idle for about two fifths of the time.

So, before it asks SQLite for the write lock (BEGIN IMMEDIATE), a connection waits for its
turn: an exclusive flock() on a file beside the database, tried every fifth of a
millisecond. It gives the turn back once its COMMIT or ROLLBACK has returned, so the next
writer finds SQLite's lock free. The turn only orders Recruit's own writers: SQLite's
lock still decides, and a writer's whole wait, for its turn and then for SQLite's lock,
is at most the busy timeout, as before.
"""

import fcntl
import logging
import os
import time
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)

# How often a waiting writer looks again: a turn given back waits at most this long.
POLL_SECONDS = 0.0002
TURN = "recruit_write_turn"
TURN_HELD = "recruit_write_turn_held"


def turn_file(database: str | None) -> Path | None:
    """The file whose lock is the write turn, beside a SQLite database file; None for a
    database in memory or one named by a file: URI (tests' shared in-memory databases),
    where writers wait in SQLite's busy handler as before."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).resolve().with_name(Path(database).name + "-turn")


def install(engine: Engine) -> None:
    """Give each of a SQLite engine's connections a handle on the turn file, and have its
    COMMITs and ROLLBACKs give the turn back once they have returned."""
    path = turn_file(engine.url.database)
    if path is None:
        return

    @event.listens_for(engine, "connect")
    def open_turn(_dbapi_connection, record):
        try:
            # Read-only is enough for flock(); the file is the same one for every worker.
            handle = os.open(path, os.O_RDONLY | os.O_CREAT, 0o600)
        except OSError as error:
            log.warning("Writers will not take turns: %s", error.strerror)
            return
        # A file object: should the pool drop the connection without closing it (an
        # engine disposed while it was checked out), collecting it closes the handle.
        record.info[TURN] = os.fdopen(handle, "rb", buffering=0)

    @event.listens_for(engine, "close")
    def close_turn(_dbapi_connection, record):
        record.info.pop(TURN_HELD, None)
        handle = record.info.pop(TURN, None)
        if handle is not None:
            handle.close()  # and with it any turn still held

    # SQLAlchemy's events come before the driver's COMMIT and ROLLBACK; the turn must be
    # given back after them, or the next writer meets SQLite's lock still held and sleeps
    # in its busy handler after all. The pool's rollback of a returned connection comes
    # through do_rollback too.
    dialect = engine.dialect
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def do_commit(dbapi_connection):
        commit(dbapi_connection)  # a failed COMMIT keeps the turn until its ROLLBACK
        give_back(_info(dbapi_connection))

    def do_rollback(dbapi_connection):
        try:
            rollback(dbapi_connection)
        finally:
            give_back(_info(dbapi_connection))

    dialect.do_commit, dialect.do_rollback = do_commit, do_rollback


def begin_immediately(connection: Connection, busy_timeout_ms: int) -> None:
    """BEGIN IMMEDIATE in this connection's turn. Time spent waiting for the turn comes
    off SQLite's own wait for the lock: a writer waits at most the busy timeout in all."""
    info = connection.connection.info
    timeout = busy_timeout_ms / 1000
    left = _take(info, timeout)
    waited = left < timeout
    driver = connection.connection.driver_connection
    if waited:
        driver.execute(f"PRAGMA busy_timeout={int(left * 1000)}")
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        give_back(info)
        raise
    finally:
        if waited and not connection.invalidated:
            driver.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")


def give_back(info: dict | None) -> None:
    """Give the turn back, if this connection holds it."""
    if info is not None and info.pop(TURN_HELD, False):
        fcntl.flock(info[TURN].fileno(), fcntl.LOCK_UN)


def _take(info: dict, timeout_seconds: float) -> float:
    """Wait for the turn for at most the timeout; the seconds of it left (0 when the turn
    was not had: SQLite's own lock then decides, as if no one took turns)."""
    handle = info.get(TURN)
    if handle is None or info.get(TURN_HELD):
        return timeout_seconds
    started = waited = 0.0
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            started = started or time.monotonic()
            waited = time.monotonic() - started
            if waited >= timeout_seconds:
                return 0.0
            time.sleep(POLL_SECONDS)
        else:
            info[TURN_HELD] = True
            return timeout_seconds - waited


def _info(dbapi_connection) -> dict | None:
    """The record's info of the pool's proxy for a driver connection; None for the
    stand-in SQLAlchemy passes while it first looks at a new connection, which takes no
    turn."""
    try:
        return dbapi_connection.info
    except (AttributeError, NotImplementedError):
        return None
