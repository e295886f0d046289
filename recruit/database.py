"""Database plumbing shared by every domain: SQLite pragmas, write locks, faults and their
recovery, column helpers."""

import enum
import logging
import os
import re
import sqlite3
import time
from collections.abc import Callable
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from flask import g, has_request_context, request
from sqlalchemy import JSON, Enum, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from recruit import write_turns
from recruit.extensions import db

log = logging.getLogger(__name__)

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Execution options: the transaction this connection begins takes SQLite's write lock first,
# or, within a request that writes, only reads (an error page drawn while the lock is held).
WRITE_LOCK_FIRST = "recruit_write_lock_first"
READ_WITHOUT_WRITE_LOCK = "recruit_read_without_write_lock"
# Long reads (see stream_rows) come in batches of this many rows.
STREAM_BATCH = 200

T = TypeVar("T")


# Tests freeze the clock here: modules import utcnow by name, so patching it cannot reach them.
_frozen: datetime | None = None


def stream_rows(statement):
    """The rows of a long read that is counted as it goes (a report's tens of thousands
    of plain columns): from the session's connection without the ORM's work per row, in
    batches, each gone before the garbage collector would keep it as old."""
    # Python rows come STREAM_BATCH at a time, from one answer of the database: a
    # server-side cursor (yield_per on the statement) would cost PostgreSQL a round trip
    # per batch, 70 for a term's interviews, and plan for the first rows rather than all.
    # The driver holds the answer as bytes meanwhile (a few MB at 100,000 candidates).
    return db.session.connection().execute(statement).yield_per(STREAM_BATCH)


def utcnow() -> datetime:
    """Now in UTC, without tzinfo, the way every timestamp is stored."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC).replace(tzinfo=None)


def enum_type(enum_class: type[enum.Enum]) -> Enum:
    """A portable VARCHAR column type holding an enum's values, checked on both sides."""
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_class),
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
        name=enum_class.__name__.lower(),
    )


class json_rows(FunctionElement):
    """SQL: the rows a select finds as one JSON array, each row an array of the columns
    given, in the order given; [] when there are none. A correlated scalar subquery of
    these brings a record's small lists in the round trip that reads the record. Order the
    lists in Python: SQLite before 3.44 has no ORDER BY in an aggregate. Values arrive as
    JSON has them: times and dates as ISO text, enums as their values."""

    type = JSON()
    inherit_cache = True
    name = "json_rows"


@compiles(json_rows)  # SQLite's, and how the statement reads when printed
def _json_rows(element, compiler, **kw):
    return f"json_group_array(json_array({compiler.process(element.clauses, **kw)}))"


@compiles(json_rows, "postgresql")
def _json_rows_postgresql(element, compiler, **kw):
    rows = f"json_agg(json_build_array({compiler.process(element.clauses, **kw)}))"
    return f"coalesce({rows}, '[]'::json)"


def configure_engine(engine: Engine, busy_timeout_ms: int) -> None:
    """Give connections the pragmas, transaction handling and fault recovery Recruit relies on."""

    @event.listens_for(engine, "handle_error")
    def discard_broken_connection(context):
        # A SQLite connection opened while the file was read-only stays read-only for good
        # (SQLite falls back to opening it read-only), and pool_pre_ping's SELECT 1 never
        # notices: treating these faults as a disconnect makes the pool open fresh
        # connections, so writes work again as soon as the file or the disk does.
        # PostgreSQL's "terminating connection" (57P01) arrives as an answer the driver
        # may not mark as a broken connection: discard that connection too.
        if database_fault(context.original_exception) in ("read_only", "disk_full", "disconnected"):
            context.is_disconnect = True

    if _psycopg(engine):
        _end_reads_with_commit(engine)
    if engine.dialect.name != "sqlite":
        return

    write_turns.install(engine)

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL syncs the WAL at every commit: a student who was thanked survives a power
        # cut or an operating system crash, not only a killed process (NORMAL's promise).
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # A request that changes data takes the write lock up front: SQLite refuses a
        # read-to-write upgrade under a concurrent writer without waiting.
        options = connection.get_execution_options()
        writing = has_request_context() and request.method in WRITE_METHODS
        if options.get(WRITE_LOCK_FIRST) or (writing and not options.get(READ_WITHOUT_WRITE_LOCK)):
            write_turns.begin_immediately(connection, busy_timeout_ms)
        else:
            connection.exec_driver_sql("BEGIN")


# A statement that changes nothing: a SELECT or a WITH naming no write (nor INTO, FOR
# UPDATE, or a function with effects a COMMIT would keep: unsure means it may write).
_READS_ONLY = re.compile(
    r"\s*(?:SELECT|WITH)\b(?!.*\b(?:INSERT|UPDATE|DELETE|MERGE|INTO"
    r"|set_config|pg_notify|nextval|setval|lo_\w+)\b)",
    re.I | re.S,
)
_READ_START = re.compile(r"\s*(?:SELECT|WITH)\b", re.I)
_SENT_MORE_THAN_READS = "recruit_sent_more_than_reads"


def reads_only(statement: str) -> bool:
    """Does this SQL only read?"""
    if not _READ_START.match(statement):
        return False  # a write, a SET, a SAVEPOINT: no need to read on
    if len(statement) > 4096:
        return _READS_ONLY.match(statement) is not None
    return _short_reads_only(statement)


@lru_cache(maxsize=512)
def _short_reads_only(statement: str) -> bool:
    # Asked of every statement, and a SELECT is read to its end to be sure: the ORM sends
    # the same few hundred texts again and again (64 microseconds for a 3 KB one).
    return _READS_ONLY.match(statement) is not None


def _end_reads_with_commit(engine: Engine) -> None:
    """PostgreSQL with psycopg: end a transaction that only read with COMMIT, not ROLLBACK.

    Either ends a transaction that changed nothing. But psycopg forgets the statements it
    has prepared on a connection at every ROLLBACK (the rollback might have undone a table
    one of them names), and every request that only reads ends with one: no statement ran
    the five times psycopg waits for, and the server parsed and planned each afresh on
    every page. Committed first, such a transaction leaves the ROLLBACK nothing to do. A
    transaction that sent anything but reads (a write, a SET, a SAVEPOINT) or failed is
    rolled back."""
    from psycopg.pq import TransactionStatus

    @event.listens_for(engine, "before_cursor_execute")
    def note_more_than_reads(connection, _cursor, statement, *_args):
        if not reads_only(statement):
            connection.info[_SENT_MORE_THAN_READS] = True

    @event.listens_for(engine, "commit")
    def forget(connection):
        # A connection found broken is never asked: its info would try to reconnect.
        if not (connection.invalidated or connection.closed):
            connection.info.pop(_SENT_MORE_THAN_READS, None)

    @event.listens_for(engine, "rollback")
    def commit_reads(connection):
        if connection.invalidated or connection.closed:
            return
        if connection.info.pop(_SENT_MORE_THAN_READS, False):
            return
        # Whatever goes wrong here, the ROLLBACK that follows ends the transaction.
        with suppress(Exception):
            driver = connection.connection.driver_connection
            if driver.info.transaction_status == TransactionStatus.INTRANS:
                driver.commit()


@contextmanager
def planned_for_their_values():
    """Send the block's statements unprepared on PostgreSQL, so that each is planned for
    the values it carries. psycopg prepares a statement once it has run five times, and
    after five runs of its own PostgreSQL may plan it once for any values (a generic
    plan): the reports, whose period decides how many rows each step reads, took a tenth
    longer so. (Only speed is at stake: should the block end its transaction, the
    connection goes back to the pool unprepared until the block ends.)"""
    connection = db.session.connection()
    if not _psycopg(connection.engine):
        yield
        return
    driver = connection.connection.driver_connection
    threshold = driver.prepare_threshold
    driver.prepare_threshold = None
    try:
        yield
    finally:
        driver.prepare_threshold = threshold


def _psycopg(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg"


def parse_id(value) -> int | None:
    """A row id or version sent by a client, or None when it cannot be one: blank, signed,
    digits str.isdigit() accepts but int() refuses ("²"), or past what an INTEGER holds."""
    text = value if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit()):
        return None
    digits = text.lstrip("0") or "0"
    if len(digits) > 10:
        return None  # past any INTEGER (and Python reads no number of over 4,300 digits)
    number = int(digits)
    return number if number < 2**31 else None


def log_sqlite_version() -> None:
    """Say which SQLite library runs: versions before 3.51.3 carry a WAL-reset bug."""
    log.info("SQLite library version %s", sqlite3.sqlite_version)


# Tables that migrations create by hand and the models do not describe.
UNMODELLED_TABLES = ("candidate_search",)


def include_in_migrations(obj, name, type_, reflected, compare_to) -> bool:
    """Keep autogenerate away from the search index and SQLite's FTS shadow tables."""
    return not (type_ == "table" and name and name.startswith(UNMODELLED_TABLES))


# SQLite's primary result codes (the low byte of an extended code) and what they mean here.
_SQLITE_FAULTS = {
    5: "busy",  # SQLITE_BUSY: another connection held the lock past the busy timeout
    6: "busy",  # SQLITE_LOCKED
    8: "read_only",  # SQLITE_READONLY
    10: "disk_full",  # SQLITE_IOERR: the disk refused the write (full, or failing)
    13: "disk_full",  # SQLITE_FULL
    14: "disconnected",  # SQLITE_CANTOPEN
}
# PostgreSQL SQLSTATEs (whole codes, then two-letter classes).
_POSTGRES_FAULTS = {
    "25006": "read_only",  # read_only_sql_transaction: a standby, or read-only by setting
    "53100": "disk_full",
    "53300": "busy",  # too_many_connections
    "55P03": "busy",  # lock_not_available
    "40P01": "busy",  # deadlock_detected
    "40001": "busy",  # serialization_failure
    "57014": "busy",  # query_canceled: a statement or lock timeout
    "57P01": "disconnected",  # admin_shutdown: pg_terminate_backend, a restart
    "57P02": "disconnected",
    "57P03": "disconnected",
    "08": "disconnected",  # connection exceptions
}


def database_fault(error: BaseException) -> str | None:
    """What kept the database from doing its work, for pages that tell people why nothing
    was saved: "busy", "read_only", "disk_full", "disconnected", or None for anything else
    (a bug, a broken constraint)."""
    original = getattr(error, "orig", None) or error
    code = getattr(original, "sqlite_errorcode", None)
    if code is not None:
        return _SQLITE_FAULTS.get(code & 0xFF)
    state = getattr(original, "sqlstate", None) or ""
    fault = _POSTGRES_FAULTS.get(state) or _POSTGRES_FAULTS.get(state[:2])
    if fault is None and getattr(error, "connection_invalidated", False):
        return "disconnected"
    if fault is None and isinstance(error, OperationalError | sqlite3.OperationalError):
        # An error that carries no code (raised by the driver itself): read its words.
        message = str(original).lower()
        fault = next((f for f, words in _FAULT_WORDS if any(w in message for w in words)), None)
    return fault


# The drivers' words for each fault, for errors that carry no code.
_FAULT_WORDS = (
    ("busy", ("database is locked", "database table is locked")),
    ("read_only", ("readonly database",)),
    ("disk_full", ("database or disk is full", "disk i/o error")),
    (
        "disconnected",
        (
            "server closed the connection",
            "terminating connection",
            "connection is closed",
            "connection is lost",
            "consuming input failed",
        ),
    ),
)


def write_alone(write: Callable[[], T], best_effort: bool = False) -> T | None:
    """Make a write that needs no read first in a short transaction of its own, taking
    the write lock (and on SQLite the writers' turn) first: a page's bookkeeping write (an
    audit entry, a session's stamp) after the request's read ends, or the delivery
    worker's claim and each message's outcome.

    SQLite refuses to turn a GET's read into a write while another connection (the public
    form) writes, where a transaction that asks for the lock first waits the busy timeout
    for it. best_effort lets go of a write the lock still refuses; otherwise that error
    goes on, as an audited download must not happen unaudited.
    """
    db.session.commit()
    try:
        db.session.connection(execution_options={WRITE_LOCK_FIRST: True})
        result = write()
        db.session.commit()
    except OperationalError:
        db.session.rollback()
        if best_effort:
            return None
        raise
    return result


def writable_fault(engine: Engine, min_free_bytes: int) -> str | None:
    """None when the database can take a write now, else "read_only", "disk_full", "busy"
    or "unreachable"; nothing is written."""
    try:
        with engine.connect().execution_options(**{WRITE_LOCK_FIRST: True}) as connection:
            if engine.dialect.name == "sqlite":
                # BEGIN IMMEDIATE (the option above) takes the lock but succeeds on a
                # connection SQLite opened read-only; writing the header does not.
                version = connection.exec_driver_sql("PRAGMA user_version").scalar_one()
                connection.exec_driver_sql(f"PRAGMA user_version = {int(version)}")
            else:
                # On in a standby's transactions and under default_transaction_read_only:
                # PostgreSQL refuses every write exactly then (SELECT 1 still answers).
                setting = "SELECT current_setting('transaction_read_only')"
                if connection.exec_driver_sql(setting).scalar_one() == "on":
                    return "read_only"
            connection.rollback()
    except DBAPIError as error:
        fault = database_fault(error)
        return fault if fault in ("read_only", "disk_full", "busy") else "unreachable"
    if _free_bytes(engine) < min_free_bytes:
        return "disk_full"
    return None


def _free_bytes(engine: Engine) -> float:
    """Room left on the SQLite file's disk (a rolled-back write touches no disk to prove it)."""
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:" or path.startswith("file:"):
        return float("inf")
    disk = os.statvfs(Path(path).resolve().parent)
    return disk.f_bavail * disk.f_frsize


@event.listens_for(Engine, "commit")
def _count_commits(connection) -> None:
    # Every COMMIT sent (savepoints are not), before it is sent: one that fails counts too.
    if not has_request_context():
        return
    if connection.dialect.name == "postgresql":
        # Which transaction this COMMIT ends (None when it wrote nothing): if the answer
        # never comes, PostgreSQL can still say whether it was kept.
        g.committing_xid = connection.exec_driver_sql(
            "SELECT txid_current_if_assigned()"
        ).scalar_one()
    g.database_commits = g.get("database_commits", 0) + 1


def _commit_may_be_kept(error: DBAPIError) -> bool:
    """Might the COMMIT that error cut off have been kept? SQLite answers a COMMIT's
    failure itself (never kept); PostgreSQL is asked about a connection lost meanwhile."""
    if db.engine.dialect.name != "postgresql":
        return False
    xid = g.get("committing_xid")
    if xid is None:
        return False  # the transaction wrote nothing: there was nothing to keep
    if not error.connection_invalidated:
        return False  # PostgreSQL answered the COMMIT with its refusal
    with db.engine.connect() as connection:
        for _ in range(50):
            status = connection.execute(text("SELECT txid_status(:xid)"), {"xid": xid}).scalar_one()
            if status != "in progress":  # the terminated backend is still aborting it
                return status != "aborted"
            time.sleep(0.02)
    return True


def dispatch_retrying(dispatch: Callable[[], T]) -> T:
    """Run a view; run it once more when its database connection dropped before it
    committed anything, so a restarted or terminated database connection costs no error.

    A view that sent a COMMIT is run again only when that one COMMIT was cut off and the
    database says it was not kept. When something may have been saved (an earlier COMMIT,
    or one whose fate is unknown), g.saved_before_failing tells the error page not to say
    "nothing was saved", and not to remove the files the view wrote.
    """
    commits = g.get("database_commits", 0)
    try:
        return dispatch()
    except DBAPIError as error:
        sent = g.get("database_commits", 0) - commits
        at_commit = sent > 0 and error.statement is None
        if sent - at_commit > 0 or (at_commit and _commit_may_be_kept(error)):
            g.saved_before_failing = True
            raise
        if not error.connection_invalidated:
            raise
        log.warning(
            "Database connection lost during %s %s; running it again", request.method, request.path
        )
    db.session.rollback()
    remove_files_not_saved()
    for _name, upload in request.files.items(multi=True):
        upload.stream.seek(0)  # the first run read the file
    return dispatch()


def remove_if_not_saved(path: Path) -> None:
    """Note a file this request wrote for rows it has not committed yet: if the request
    fails first, the file is removed, so no upload is left that no record points to."""
    if has_request_context():
        g.setdefault("files_not_saved", []).append(path)


def remove_files_not_saved() -> None:
    """Remove the files this request wrote whose rows were never committed."""
    if g.get("saved_before_failing"):
        return  # their rows may be saved: a file left over is the lesser harm
    for path in g.pop("files_not_saved", []):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_commit")
def _files_saved(_session) -> None:
    if has_request_context():
        g.pop("files_not_saved", None)


def close_session_quietly(_error=None) -> None:
    """End the request's session; a connection lost after the answer was made is let go
    (its transaction, rolled back by the database, held nothing left to save)."""
    try:
        db.session.close()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        log.warning("Database connection lost after the answer was made")
        db.session.close()
