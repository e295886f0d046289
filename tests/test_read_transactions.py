"""PostgreSQL: a transaction that only read ends with COMMIT, so psycopg keeps the
statements it prepared; one that wrote anything is rolled back as before. The reports
are planned afresh for their period each time."""

import pytest
from sqlalchemy import func, select, text

from recruit.auth.models import Role
from recruit.database import planned_for_their_values, reads_only
from recruit.extensions import db
from recruit.universities.models import University
from tests.test_database_faults import postgres_only


def prepared_statements() -> list[str]:
    return db.session.execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()


@pytest.mark.parametrize(
    ("statement", "read"),
    [
        ("SELECT candidates.id FROM candidates WHERE candidates.id = %(id)s", True),
        ("  select 1", True),
        ("WITH recent AS (SELECT id FROM candidates) SELECT count(*) FROM recent", True),
        ("SELECT candidates.updated_at, candidates.deleted_at FROM candidates", True),
        ("WITH gone AS (DELETE FROM tags RETURNING id) SELECT count(*) FROM gone", False),
        ("SELECT id FROM candidates WHERE id = 1 FOR UPDATE", False),
        ("SELECT * INTO kept FROM candidates", False),
        ("INSERT INTO tags (name) VALUES (%(name)s)", False),
        ("UPDATE candidates SET rating = 1", False),
        ("SET LOCAL statement_timeout = 1000", False),
        ("SAVEPOINT sa_savepoint_1", False),
    ],
)
def test_only_plain_reads_count_as_reads(statement, read):
    """Is a SELECT or WITH that names no write taken for a read, and anything else not?"""
    assert reads_only(statement) is read


def test_a_transaction_that_only_read_keeps_its_prepared_statements(app):
    """After six transactions that each ran one read, is that read prepared?"""
    postgres_only(app)
    statement = select(func.count()).select_from(University).where(University.name != "")
    # psycopg prepares a statement the fifth time it runs on a connection: each time in
    # a transaction of its own here, as each page's are.
    for _ in range(6):
        db.session.execute(statement).scalar_one()
        db.session.rollback()
    assert any("FROM universities" in prepared for prepared in prepared_statements())


def test_a_transaction_that_wrote_is_rolled_back(app):
    """Is a flushed insert gone after the rollback, not committed with the reads?"""
    postgres_only(app)
    db.session.add(University(name="Rolled Back State"))
    db.session.flush()
    assert db.session.scalar(select(func.count()).select_from(University)) == 1
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(University)) == 0


@pytest.mark.parametrize(
    "change",
    [
        "SET application_name = 'kept'",
        "SELECT set_config('application_name', 'kept', false)",
    ],
)
def test_a_setting_changed_in_a_transaction_is_rolled_back(app, change):
    """A setting for the whole connection, changed in a transaction that only read
    otherwise, would outlive a COMMIT; the ROLLBACK undoes it."""
    postgres_only(app)
    setting = text("SELECT current_setting('application_name')")
    before = db.session.execute(setting).scalar_one()
    db.session.rollback()
    db.session.execute(text(change))  # the transaction's only statement
    db.session.rollback()
    assert db.session.execute(setting).scalar_one() == before


def test_statements_planned_for_their_values_are_never_prepared(app):
    """Is a statement run six times in the block never prepared, and prepared after it?"""
    postgres_only(app)
    statement = select(func.count()).select_from(University).where(University.name != "")
    with planned_for_their_values():
        for _ in range(6):
            db.session.execute(statement).scalar_one()
    assert not any("FROM universities" in prepared for prepared in prepared_statements())
    for _ in range(6):
        db.session.execute(statement).scalar_one()
    assert any("FROM universities" in prepared for prepared in prepared_statements())


def test_the_reports_are_planned_for_their_period_each_time(client, signed_in):
    """After six loads of the reports and a CSV, is none of their statements prepared?"""
    postgres_only(client.application)
    signed_in(Role.HR)
    # A new address each time, so that each load counts the figures rather than showing
    # what the worker kept from the one before.
    for load in range(6):
        assert client.get(f"/reports/?period=term&load={load}").status_code == 200
        assert client.get("/reports/interviews.csv").status_code == 200
    prepared = prepared_statements()
    assert prepared, "the pages' own statements (the session's) are prepared"
    assert not any("stage_changes" in statement for statement in prepared)
    assert not any("journeys" in statement for statement in prepared)
