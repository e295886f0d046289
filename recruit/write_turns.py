"""Writers on SQLite take turns, each starting as soon as the last one is done.

SQLite lets one transaction write at a time. A writer that finds the lock taken waits in
SQLite's busy handler, which sleeps 1, 2, 5, 10, 15, 20 and 25 ms, then 50 and 100 ms at
a time, however soon the lock is free again; the writer that just finished, starting its
next request meanwhile, takes the lock again first. With two gunicorn workers taking
interest forms at a fair, the machine's cores stood idle for about two fifths of the time.

So, before it asks SQLite for the write lock (BEGIN IMMEDIATE), a connection waits for its
turn: an exclusive flock() on a file beside the database, tried every fifth of a
millisecond. It gives the turn back as its transaction ends. The turn only orders
Recruit's own writers: SQLite's lock still decides, and a writer that waited the whole
busy timeout for its turn asks SQLite all the same, without waiting a second time: it
has the lock at once if the lock is free, and meets SQLite's refusal as before if not.
"""

import fcntl
import logging
import os
import time
from pathlib import Path

log = logging.getLogger(__name__)

# How often a waiting writer looks again: a turn given back waits at most this long.
POLL_SECONDS = 0.0002
TURN_FD = "recruit_write_turn_fd"
TURN_HELD = "recruit_write_turn_held"


def turn_file(database: str | None) -> Path | None:
    """The file whose lock is the write turn, beside a SQLite database file; None for a
    database in memory, which no other process can write."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).resolve().with_name(Path(database).name + "-turn")


def open_turn(path: Path, info: dict) -> None:
    """Keep an open handle on the turn file with a connection (its info); without one
    (the folder cannot be written), the connection waits in SQLite's busy handler."""
    try:
        info[TURN_FD] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        log.warning("Writers will not take turns: %s", error.strerror)


def close_turn(info: dict) -> None:
    """Close the connection's handle, which gives back a turn it still held."""
    handle = info.pop(TURN_FD, None)
    info.pop(TURN_HELD, None)
    if handle is not None:
        os.close(handle)


def take_turn(info: dict, timeout_seconds: float) -> bool:
    """Wait for the write turn, for at most the timeout; False when it was not had in
    that time (SQLite's own lock then decides, as if no one took turns)."""
    handle = info.get(TURN_FD)
    if handle is None or info.get(TURN_HELD):
        return True
    deadline = time.monotonic() + timeout_seconds
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(POLL_SECONDS)
        else:
            info[TURN_HELD] = True
            return True


def give_back(info: dict) -> None:
    """Give the turn back, if this connection holds it."""
    if info.pop(TURN_HELD, False):
        fcntl.flock(info[TURN_FD], fcntl.LOCK_UN)
