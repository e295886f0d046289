"""A short crowd and a kill -9 against a real gunicorn: is every thanked student kept, once?

Runs bench/loadtest.py's short plan on SQLite, or on PostgreSQL when TEST_DATABASE_URL is
set. How much load a busy machine manages varies; what was saved must match exactly.
"""

import importlib.util
import os
import socket
from pathlib import Path

import pytest

LOADTEST = Path(__file__).resolve().parent.parent / "bench" / "loadtest.py"


@pytest.fixture(scope="module")
def loadtest():
    spec = importlib.util.spec_from_file_location("recruit_loadtest", LOADTEST)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def summary(loadtest):
    kind = "postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite"
    result = loadtest.run(kind, loadtest.Plan(**vars(loadtest.SHORT)))
    loadtest.print_summary(result)
    return result


def test_a_crash_loses_no_thanked_submission(summary):
    """After kill -9 mid-burst and a restart, is every 303'd form and 200'd move saved?"""
    assert summary["submissions_saved"] > 0
    assert summary["lost"] == 0


def test_a_crash_saves_nothing_twice(summary):
    """Is no submission or move saved more often than it was sent?"""
    assert summary["extra"] == 0


def test_a_crowd_makes_no_duplicate_candidates(summary):
    """Do returning students, however they type their email, keep a single record?"""
    assert summary["duplicates"] == 0


def test_stage_histories_lead_to_the_current_stage(summary):
    """Does every candidate's history run unbroken to the stage the board shows?"""
    assert summary["broken_histories"] == 0


def test_the_database_survives_kill_9_intact(summary):
    """Does the database pass its integrity checks after the crash and restart?"""
    assert summary["integrity"] == "ok"


def test_a_port_taken_before_gunicorn_binds_it_is_given_up_for_another(
    loadtest, tmp_path, monkeypatch
):
    """The free port found can be taken before gunicorn binds it: does the server start on
    another, without taking the answers of whatever listens there for its own?"""
    find_port = loadtest.free_port
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        taken = other.getsockname()[1]
        ports = iter([taken])
        monkeypatch.setattr(loadtest, "free_port", lambda: next(ports, None) or find_port())
        database = f"sqlite:///{tmp_path / 'load.sqlite'}"
        environment = loadtest.server_environment(database, tmp_path / "instance")
        server = loadtest.Server(environment, tmp_path / "gunicorn.log")
        try:
            server.start(ready=(200, 503))  # an empty database may not take a write
        finally:
            server.stop()
    assert server.base_url.startswith("http://127.0.0.1:")
    assert server.base_url != f"http://127.0.0.1:{taken}"
    assert b"Connection in use" in (tmp_path / "gunicorn.log").read_bytes()
