"""A short crowd and a kill -9 against a real gunicorn: is every thanked student kept, once?

Runs bench/loadtest.py's short plan on SQLite, or on PostgreSQL when TEST_DATABASE_URL is
set. How much load a busy machine manages varies; what was saved must match exactly.
"""

import importlib.util
import os
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
