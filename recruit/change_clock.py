"""The change clock: a count that moves on with every committed transaction that changed
anything staff pages show, so that each worker knows when a page piece it keeps
(recruit.cached.fragment) may have gone out of date.

Every statement sent through the app's engine is looked at as it goes (one regular
expression): a write to any table but the few whose rows no kept piece shows marks its
connection. A Session's transaction that committed such a write moves the clock on:

- on SQLite, in that same transaction (one UPDATE of the clock's row just before the
  COMMIT): SQLite lets one transaction write at a time anyway, so nothing waits for it,
  and no reader can see the change without the new time nor the new time without it;
- on PostgreSQL, just after the COMMIT, with nextval() of a sequence on the same
  connection: an UPDATE of one row would make every writing transaction wait for the one
  before it to reach the disk. A reader who sees the new value sees the change; one who
  reads the old value and draws the new data keeps it under the old value, which the
  next reader no longer asks for.

Writes made outside a Session (a migration, a connection of its own) do not move the
clock; the pieces are kept for a minute at most in any case.
"""

import logging
import re

from sqlalchemy import event, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from recruit.admin.models import ChangeClock

log = logging.getLogger(__name__)

# Writes to these change nothing a kept piece shows: the bookkeeping written on every
# page (sign-in stamps, audited reads, the students' own status links), form receipts,
# the outbox the delivery worker works through, and the clock itself.
UNSEEN_TABLES = frozenset(
    {
        "staff_sessions",
        "users",
        "audit_entries",
        "form_receipts",
        "status_links",
        "outbox_messages",
        "recovery_codes",
        "change_clock",
    }
)
SEQUENCE = "change_clock_ticks"  # PostgreSQL's clock

# A connection whose transaction wrote what pages show carries this in its info; a
# session carries the connection its transaction uses, and on PostgreSQL whether to
# move the clock once it has committed.
_WROTE = "recruit_wrote_pages"
_CONNECTION = "recruit_clock_connection"
_TICK_AFTER = "recruit_tick_after_commit"

_COMMENTS = re.compile(r"^\s*(?:/\*.*?\*/\s*|--[^\n]*\n\s*)*", re.S)
_WRITE = re.compile(
    r"(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.I
)
_QUIET = re.compile(
    r"(?:SELECT|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA|SET|SHOW|EXPLAIN|VALUES)\b", re.I
)
# A WITH that names a write anywhere (even SELECT ... FOR UPDATE) is taken for one.
_WRITE_IN_WITH = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE)\b", re.I)


def writes_pages(statement: str) -> bool:
    """Might this SQL change what a kept piece of a page shows? Unsure means yes."""
    body = statement[_COMMENTS.match(statement).end() :]
    write = _WRITE.match(body)
    if write:
        return write.group(1).lower() not in UNSEEN_TABLES
    if body[:4].upper() == "WITH":
        return bool(_WRITE_IN_WITH.search(body))
    return not _QUIET.match(body)


def reading(dialect: str):
    """The clock's time as a column for a SELECT (the one that checks kept copies)."""
    if dialect == "postgresql":
        return select(text("last_value")).select_from(text(SEQUENCE)).scalar_subquery()
    return select(ChangeClock.ticks).where(ChangeClock.id == 1).scalar_subquery()


def pending(session: Session) -> bool:
    """Has the session's open transaction written what pages show?"""
    connection = session.info.get(_CONNECTION)
    if connection is None or connection.invalidated or connection.closed:
        return False  # nothing it wrote can commit (and a broken one's info would reconnect)
    return bool(connection.info.get(_WROTE))


def _postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


@event.listens_for(Engine, "before_cursor_execute")
def _note_write(connection: Connection, _cursor, statement: str, *_args) -> None:
    if writes_pages(statement):
        connection.info[_WROTE] = True


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _end(connection: Connection) -> None:
    # Whatever it wrote is kept or undone now; a Session has ticked already if it must.
    # A connection found broken is never asked (its info would try to reconnect, and
    # the rollback that recovers from the fault would fail); the pool forgets its info.
    if not (connection.invalidated or connection.closed):
        connection.info.pop(_WROTE, None)


@event.listens_for(Session, "after_begin")
def _remember_connection(session: Session, _transaction, connection: Connection) -> None:
    session.info[_CONNECTION] = connection


@event.listens_for(Session, "before_commit")
def _tick(session: Session) -> None:
    """Move the clock on for a transaction that wrote what pages show (see above)."""
    if session.in_nested_transaction():
        return  # a savepoint's release: the whole transaction ticks once, when it commits
    session.flush()  # the commit's own flush comes after this hook
    if not pending(session):
        return
    if _postgresql(session):
        session.info[_TICK_AFTER] = True
    else:
        try:
            session.execute(text("UPDATE change_clock SET ticks = ticks + 1 WHERE id = 1"))
        except OperationalError as error:
            # A database Recruit's migrations never ran on (a bare one, in tests) has no
            # clock, and keeps no pieces; SQLite's transaction goes on after the refusal.
            if "no such table: change_clock" not in str(error.orig):
                raise


@event.listens_for(Session, "after_commit")
def _tick_after_commit(session: Session) -> None:
    if not session.info.pop(_TICK_AFTER, False):
        return
    connection = session.info.get(_CONNECTION)
    if connection is None or connection.invalidated or connection.closed:
        return
    # On the transaction's own connection, still held, between its COMMIT and its return
    # to the pool: a second connection would make each writer wait for two, and a full
    # pool refuse both. nextval() needs no transaction of its own.
    driver = connection.connection.driver_connection
    try:
        driver.autocommit = True
        try:
            driver.execute(f"SELECT nextval('{SEQUENCE}')")
        finally:
            driver.autocommit = False
    except Exception:
        # The change is saved: the user must hear so. Kept pieces show it within a minute.
        log.warning("The change clock could not move on after a commit", exc_info=True)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:
        for key in (_CONNECTION, _TICK_AFTER):
            session.info.pop(key, None)
