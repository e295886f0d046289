"""Writers on SQLite take turns (recruit.write_turns): a connection holds the turn from
its BEGIN IMMEDIATE to the end of its transaction, however the transaction ends, and a
turn that is never given back holds no write up past SQLite's own busy timeout."""

import fcntl
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import has_request_context, request
from flask_migrate import upgrade
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import OperationalError

from recruit.candidates.models import Candidate
from recruit.database import WRITE_LOCK_FIRST
from recruit.extensions import db
from recruit.messages import delivery
from recruit.messages.models import DeliveryState
from recruit.write_turns import turn_file
from tests.test_interest_form import form_data


@pytest.fixture
def sqlite_file(make_app, tmp_path):
    """An app on a SQLite file of its own, whatever TEST_DATABASE_URL says (turns are
    SQLite's alone), inside an app context; its database's path as app.database_path."""

    def make(**config):
        path = tmp_path / "recruit.sqlite"
        app = make_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", **config})
        app.database_path = path
        return app

    return make


def turn_is_free(database: Path) -> bool:
    """Could another connection take the write turn now?"""
    handle = os.open(turn_file(str(database)), os.O_RDWR)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True
    finally:
        os.close(handle)


@contextmanager
def turn_held_elsewhere(database: Path):
    """The write turn held, and never given back, by another program. The app's engine
    must have connected once: its first connection makes the turn file."""
    stuck = os.open(turn_file(str(database)), os.O_RDONLY)
    fcntl.flock(stuck, fcntl.LOCK_EX)
    try:
        yield
    finally:
        os.close(stuck)


@contextmanager
def sqlite_lock_held(database: Path):
    """SQLite's write lock held by another program, which takes no turns."""
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def connect_once() -> None:
    """A first connection, which makes the turn file, and no transaction left open."""
    db.session.execute(text("SELECT 1"))
    db.session.rollback()


def test_a_write_holds_the_turn_until_it_commits(sqlite_file):
    """Does a transaction that takes the write lock hold the turn through its writes and
    give it back when it commits?"""
    app = sqlite_file()
    with app.app_context():
        db.session.connection(execution_options={WRITE_LOCK_FIRST: True})
        held_at_begin = not turn_is_free(app.database_path)
        db.session.execute(text("CREATE TABLE notes_taken (body TEXT)"))
        held_while_writing = not turn_is_free(app.database_path)
        db.session.commit()
        assert (held_at_begin, held_while_writing) == (True, True)
        assert turn_is_free(app.database_path)


def test_the_turn_is_given_back_once_the_commit_has_returned(sqlite_file):
    """Is the turn still held while the COMMIT is sent, so the next writer does not find
    SQLite's lock taken and sleep in its busy handler, and free once it has returned?"""
    app = sqlite_file()
    with app.app_context():
        held_at_commit = []

        def note_turn(_connection):
            held_at_commit.append(not turn_is_free(app.database_path))

        event.listen(db.engine, "commit", note_turn)
        try:
            db.session.connection(execution_options={WRITE_LOCK_FIRST: True})
            db.session.execute(text("CREATE TABLE notes_taken (body TEXT)"))
            db.session.commit()
        finally:
            event.remove(db.engine, "commit", note_turn)
        assert held_at_commit == [True]
        assert turn_is_free(app.database_path)


def test_a_request_that_writes_takes_its_turn(sqlite_file):
    """Does a POST's transaction, which takes the write lock first, hold the turn, and
    give it back when it rolls back?"""
    app = sqlite_file()
    with app.test_request_context("/apply", method="POST"):
        db.session.execute(text("SELECT 1"))
        held = not turn_is_free(app.database_path)
        db.session.rollback()
        assert held
        assert turn_is_free(app.database_path)


def test_a_read_takes_no_turn(sqlite_file):
    """Does a GET's read leave the turn to writers?"""
    app = sqlite_file()
    with app.test_request_context("/", method="GET"):
        db.session.execute(text("SELECT 1"))
        assert turn_is_free(app.database_path)
        db.session.rollback()


def test_a_write_sqlite_refuses_gives_the_turn_back(sqlite_file):
    """When another program holds SQLite's lock past the busy timeout, does the refused
    write give its turn back at once, so the next writer is not kept waiting for it?"""
    app = sqlite_file(SQLITE_BUSY_TIMEOUT_MS=50)
    with app.app_context():
        connect_once()
        with sqlite_lock_held(app.database_path):
            with pytest.raises(OperationalError, match="locked"):
                db.session.connection(execution_options={WRITE_LOCK_FIRST: True})
            free_after_refusal = turn_is_free(app.database_path)
        db.session.rollback()
        assert free_after_refusal


def test_a_turn_never_given_back_delays_a_write_only_the_busy_timeout(sqlite_file):
    """If a turn is held and never given back (a process stuck outside SQLite), does a
    write still go through once the busy timeout has passed, SQLite's lock being free?"""
    app = sqlite_file(SQLITE_BUSY_TIMEOUT_MS=50)
    with app.app_context():
        connect_once()
        with turn_held_elsewhere(app.database_path):
            db.session.connection(execution_options={WRITE_LOCK_FIRST: True})
            db.session.execute(text("CREATE TABLE notes_taken (body TEXT)"))
            db.session.commit()
        tables = db.session.scalars(text("SELECT name FROM sqlite_master")).all()
        assert "notes_taken" in tables


def test_a_dropped_connection_gives_the_turn_back(sqlite_file):
    """Is the turn of a connection thrown away mid-transaction given back with it?"""
    app = sqlite_file()
    with app.app_context():
        connection = db.session.connection(execution_options={WRITE_LOCK_FIRST: True})
        held = not turn_is_free(app.database_path)
        connection.invalidate()
        db.session.rollback()
        assert held
        assert turn_is_free(app.database_path)


def test_the_turn_is_a_file_beside_the_database():
    """Is the turn kept beside a database file, and not taken for one in memory?"""
    assert turn_file("/srv/recruit/instance/recruit.sqlite") == Path(
        "/srv/recruit/instance/recruit.sqlite-turn"
    )
    assert turn_file(":memory:") is None
    assert turn_file("file:recruit?mode=memory&cache=shared") is None
    assert turn_file(None) is None


def test_a_write_that_waited_out_its_turn_asks_sqlite_without_waiting_again(sqlite_file):
    """When both the turn and SQLite's lock are held past the busy timeout, is the write
    refused as busy, and does its connection wait the whole busy timeout again next time?"""
    app = sqlite_file(SQLITE_BUSY_TIMEOUT_MS=50)
    with app.app_context():
        connect_once()
        with (
            turn_held_elsewhere(app.database_path),
            sqlite_lock_held(app.database_path),
            pytest.raises(OperationalError, match="locked"),
        ):
            db.session.connection(execution_options={WRITE_LOCK_FIRST: True})
        db.session.rollback()
        assert db.session.scalar(text("PRAGMA busy_timeout")) == 50


def test_the_delivery_workers_writes_take_their_turn(sqlite_file):
    """Do the delivery worker's claim and its record of a message's outcome write in
    their turn, so that a burst of forms, each taking its turn, does not keep the
    confirmations waiting?"""
    app = sqlite_file()
    held = []

    def note_turn(_conn, _cursor, statement, *_args):
        if statement.startswith("UPDATE outbox_messages"):
            held.append(not turn_is_free(app.database_path))

    with app.app_context():
        upgrade()
        event.listen(db.engine, "before_cursor_execute", note_turn)
        try:
            delivery.claim(20)
            delivery._record(1, state=DeliveryState.SENT)
        finally:
            event.remove(db.engine, "before_cursor_execute", note_turn)
        assert held == [True, True]
        assert turn_is_free(app.database_path)


@pytest.mark.parametrize("config_overrides", [{"MIN_FILL_SECONDS": 0}])
def test_a_sent_interest_form_reads_its_choices_outside_the_turn(
    app, stages, make_university, config_overrides
):
    """Does a sent form read its event and choices without the write turn (beside
    another student's save), and only then take its turn to save?"""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("turns are SQLite's; PostgreSQL writes rows side by side")
    database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    university_id = make_university().id
    db.session.commit()  # the test's own read ends: the request begins its own
    held = []

    def note_turn(_conn, _cursor, statement, *_args):
        posting = has_request_context() and request.method == "POST"
        saving = statement.startswith("INSERT INTO candidates ")
        if posting and ("FROM positions" in statement or saving):
            held.append((statement.split()[0], not turn_is_free(database)))

    event.listen(db.engine, "before_cursor_execute", note_turn)
    try:
        # The university by id alone: reading it again would open the test's own
        # transaction, which the request would then share.
        school = SimpleNamespace(id=university_id)
        response = app.test_client().post("/apply", data=form_data(school))
    finally:
        event.remove(db.engine, "before_cursor_execute", note_turn)
    assert response.status_code == 303
    assert held == [("SELECT", False), ("INSERT", True)]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Candidate)) == 1
