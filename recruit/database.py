"""Database plumbing shared by every domain: SQLite pragmas, write locks, column helpers."""

import enum
import logging
import sqlite3
from datetime import UTC, datetime

from flask import has_request_context, request
from sqlalchemy import Enum, event
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


# Tests freeze the clock here: modules import utcnow by name, so patching it cannot reach them.
_frozen: datetime | None = None


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


def configure_engine(engine: Engine, busy_timeout_ms: int) -> None:
    """Give SQLite connections the pragmas and transaction handling Recruit relies on."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # A request that changes data takes the write lock up front: SQLite refuses a
        # read-to-write upgrade under a concurrent writer without waiting.
        if has_request_context() and request.method in WRITE_METHODS:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


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
