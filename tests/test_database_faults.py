"""Database faults: a read-only file, a full disk, a lock held too long, a dropped
connection. The health check tells the truth, and writes come back by themselves."""

import contextlib
import io
import os
import shutil
import sqlite3
import subprocess
from datetime import date
from pathlib import Path

import psycopg
import pytest
from flask import has_request_context, request
from flask_migrate import upgrade
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import OperationalError

from recruit.audit.models import AuditEntry
from recruit.auth.models import Role
from recruit.candidates.models import Candidate
from recruit.database import database_fault
from recruit.extensions import db
from recruit.interest import services as interest_services
from recruit.interest.receipts import start_token
from recruit.pipeline.stages import create_standard_stages
from recruit.universities.models import University
from tests.pdf_files import blank_pdf


def need_root(reason: str) -> None:
    """Skip a test that needs root here, loudly; in CI (CI=true) it must run, so fail."""
    message = f"needs root: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI must run it: run the tests as root there)")
    pytest.skip(message)


def sqlite_only(app) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("a fault of SQLite's file and lock; PostgreSQL has its own tests here")


def postgres_only(app) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("PostgreSQL's connections; run with TEST_DATABASE_URL set")


@pytest.fixture
def sqlite_app(make_app, tmp_path):
    """Return a callable making an app on a migrated SQLite file of its own (in folder),
    whatever TEST_DATABASE_URL says: the faults of a file happen to SQLite alone."""
    made = []

    def make(folder: Path | None = None, **config):
        folder = folder or tmp_path / "own"
        folder.mkdir(parents=True, exist_ok=True)
        app = make_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'recruit.sqlite'}",
                "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
                "MIN_FILL_SECONDS": 0,
                "DATABASE_MIN_FREE_BYTES": 64 * 1024,
                # A failed write answers with Recruit's error page, as it would in service.
                "PROPAGATE_EXCEPTIONS": False,
                **config,
            }
        )
        context = app.app_context()
        context.push()
        made.append(context)
        upgrade()
        create_standard_stages()
        db.session.add(University(name="State University"))
        db.session.commit()
        app.database_path = folder / "recruit.sqlite"
        return app

    yield make
    for context in reversed(made):
        db.session.remove()
        db.engine.dispose()
        context.pop()


def interest_form(email: str) -> dict:
    university_id = db.session.scalar(select(University.id))
    db.session.commit()  # end the test's read before the app writes
    return {
        "first_name": "Amara",
        "last_name": "Okafor",
        "email": email,
        "university": str(university_id),
        "major": "Supply Chain Management",
        "class_standing": "junior",
        "grad_term": "spring",
        "grad_year": str(date.today().year + 2),
        "interests": ["summer_internship"],
        "availability": "June",
        "consent": "y",
        "started": start_token(),
    }


def candidates() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Candidate))


@contextlib.contextmanager
def immutable(path: Path):
    """Make a file immutable (chattr +i, which stops root too), then mutable again."""
    if os.geteuid() != 0 or not shutil.which("chattr"):
        need_root("chattr +i makes the database file immutable; file modes do not stop root")
    subprocess.run(["chattr", "+i", str(path)], check=True)  # noqa: S603, S607
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)  # noqa: S603, S607


# --- what went wrong, in a word the error pages can use ---------------------------------


def sqlite_error(make_fault) -> sqlite3.Error:
    with pytest.raises(sqlite3.Error) as caught:
        make_fault()
    return caught.value


def test_sqlite_faults_are_named(tmp_path):
    """Are SQLite's busy, read-only and full errors told apart, and a constraint not?"""
    path = tmp_path / "faults.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x UNIQUE)")
    holder.execute("INSERT INTO t VALUES (1)")
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    busy = sqlite_error(lambda: other.execute("INSERT INTO t VALUES (2)"))
    holder.execute("ROLLBACK")
    reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    read_only = sqlite_error(lambda: reader.execute("INSERT INTO t VALUES (3)"))
    other.execute(f"PRAGMA max_page_count = {other.execute('PRAGMA page_count').fetchone()[0]}")
    full = sqlite_error(lambda: other.execute("INSERT INTO t VALUES (randomblob(100000))"))
    duplicate = sqlite_error(lambda: other.execute("INSERT INTO t VALUES (1)"))
    for connection in (holder, other, reader):
        connection.close()
    assert [database_fault(e) for e in (busy, read_only, full, duplicate)] == [
        "busy",
        "read_only",
        "disk_full",
        None,
    ]


def test_postgresql_faults_are_named():
    """Are PostgreSQL's read-only, disk-full, lock and lost-connection errors told apart?"""
    errors = [
        psycopg.errors.ReadOnlySqlTransaction(),
        psycopg.errors.DiskFull(),
        psycopg.errors.LockNotAvailable(),
        psycopg.errors.AdminShutdown(),
        psycopg.errors.UniqueViolation(),
    ]
    wrapped = [OperationalError("INSERT", {}, error) for error in errors]
    assert [database_fault(e) for e in wrapped] == [
        "read_only",
        "disk_full",
        "busy",
        "disconnected",
        None,
    ]


def test_a_write_refused_past_the_busy_timeout_is_named_busy(sqlite_app, tmp_path):
    """When another process holds SQLite's write lock past the busy timeout, is the
    error a write gets named "busy", so the page can say to press Send again?"""
    app = sqlite_app(SQLITE_BUSY_TIMEOUT_MS=50)
    holder = sqlite3.connect(app.database_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(OperationalError) as caught:
            db.session.execute(text("UPDATE universities SET notes = 'x'"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    db.session.rollback()
    assert database_fault(caught.value) == "busy"


# --- the health check proves a write ---------------------------------------------------


def test_healthz_answers_503_read_only_while_the_file_is_immutable(sqlite_app):
    """While the database file cannot be written, does /healthz say so with a 503, and
    answer 200 again once it can?"""
    app = sqlite_app()
    client = app.test_client()
    db.engine.dispose()  # connections open from now on, as in a worker started meanwhile
    with immutable(app.database_path):
        during = client.get("/healthz")
    after = client.get("/healthz")
    assert (during.status_code, during.json) == (503, {"status": "error", "database": "read_only"})
    assert (after.status_code, after.json) == (200, {"status": "ok", "database": "ok"})


def test_healthz_answers_503_disk_full_when_the_disk_has_no_room(sqlite_app):
    """When the database's disk has less room than a write needs, does /healthz say
    disk_full, though a rolled-back test write would still pass?"""
    app = sqlite_app(DATABASE_MIN_FREE_BYTES=2**62)  # more than any disk has
    response = app.test_client().get("/healthz")
    assert (response.status_code, response.json["database"]) == (503, "disk_full")


def test_healthz_answers_503_busy_while_the_write_lock_is_held(sqlite_app):
    """While another process holds the write lock past the busy timeout, does /healthz
    answer 503 busy rather than 200?"""
    app = sqlite_app(SQLITE_BUSY_TIMEOUT_MS=50)
    holder = sqlite3.connect(app.database_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        response = app.test_client().get("/healthz")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert (response.status_code, response.json["database"]) == (503, "busy")


def test_healthz_answers_503_read_only_on_a_read_only_postgresql(app, make_app):
    """On a PostgreSQL that only reads (a standby, or read-only by setting), does /healthz
    answer 503 read_only though SELECT 1 works?"""
    postgres_only(app)
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["options"]
    read_only = make_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SQLALCHEMY_ENGINE_OPTIONS": {
                "connect_args": {"options": f"{options} -cdefault_transaction_read_only=on"}
            },
        }
    )
    response = read_only.test_client().get("/healthz")
    assert (response.status_code, response.json) == (
        503,
        {"status": "error", "database": "read_only"},
    )


# --- writes come back by themselves ----------------------------------------------------


def test_forms_are_saved_again_once_the_file_is_writable_again(sqlite_app):
    """After the database file was read-only for a while, is the next student's form
    saved without restarting Recruit (no connection left stuck read-only)?"""
    app = sqlite_app()
    client = app.test_client()
    db.engine.dispose()
    with immutable(app.database_path):
        refused = client.post("/apply", data=interest_form("during@state.edu"))
        assert candidates() == 0
    saved = client.post("/apply", data=interest_form("after@state.edu"))
    assert refused.status_code != 303
    assert saved.status_code == 303
    assert candidates() == 1


class DiskSwitch:
    """Opens each new SQLite connection as if its disk were full, while full is set."""

    full = False

    def __call__(self, dbapi_connection, _record):
        if self.full:
            # The file may not grow past its size on this connection, as on a full disk;
            # like a connection stuck read-only, the limit lasts as long as the connection.
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")


def test_writes_come_back_when_space_returns(sqlite_app):
    """After writes failed with "database or disk is full", is a connection that hit it
    discarded, so writes work again as soon as there is room?"""
    sqlite_app()
    disk = DiskSwitch()
    event.listen(db.engine, "connect", disk)
    db.session.execute(text("CREATE TABLE filler (blob BLOB)"))
    db.session.commit()
    db.engine.dispose()
    disk.full = True
    with pytest.raises(OperationalError) as caught:
        db.session.execute(text("INSERT INTO filler VALUES (randomblob(100000))"))
    db.session.rollback()
    disk.full = False
    db.session.execute(text("INSERT INTO filler VALUES (randomblob(100000))"))
    db.session.commit()
    assert database_fault(caught.value) == "disk_full"
    assert db.session.scalar(text("SELECT count(*) FROM filler")) == 1


@contextlib.contextmanager
def tiny_disk(folder: Path, size: str):
    """Mount a small tmpfs at folder, for the database to fill."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        need_root("a small tmpfs is mounted for the database to fill")
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True)  # noqa: S603, S607
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)  # noqa: S603, S607


def fill(folder: Path) -> Path:
    """Write a file until the disk under folder has no room left; return it."""
    filler = folder / "filler"
    # The suppression outside: closing the file flushes what did not fit, and fails too.
    with contextlib.suppress(OSError), open(filler, "wb") as file:
        while True:
            file.write(b"\0" * 65536)
            file.flush()
    return filler


def test_a_full_disk_refuses_forms_then_takes_them_when_space_returns(sqlite_app, tmp_path):
    """On a real disk that fills up, does /healthz say disk_full and a form fail, then
    both work again when space returns, without a restart?"""
    disk = tmp_path / "disk"
    with tiny_disk(disk, "4m"):
        app = sqlite_app(disk)
        client = app.test_client()
        filler = fill(disk)
        health_full = client.get("/healthz")
        refused = client.post("/apply", data=interest_form("full@state.edu"))
        assert candidates() == 0
        filler.unlink()
        health_back = client.get("/healthz")
        saved = client.post("/apply", data=interest_form("back@state.edu"))
        assert candidates() == 1
        db.session.remove()
        db.engine.dispose()
    assert (health_full.status_code, health_full.json["database"]) == (503, "disk_full")
    assert refused.status_code != 303
    assert health_back.status_code == 200
    assert saved.status_code == 303


@pytest.fixture
def terminate(app):
    """Return a callable that has PostgreSQL terminate a connection's backend, as an
    administrator or a restarting server does, and waits until it is gone."""
    postgres_only(app)
    url = app.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql+psycopg", "postgresql")
    killer = psycopg.connect(url, autocommit=True)
    terminated = []

    def kill(connection) -> None:
        pid = connection.connection.dbapi_connection.info.backend_pid
        killer.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
        terminated.append(pid)

    kill.terminated = terminated
    yield kill
    killer.close()


@pytest.fixture
def form_app(app, stages, make_university):
    app.config["MIN_FILL_SECONDS"] = 0
    make_university()
    return app


def test_a_form_whose_connection_is_terminated_midway_is_saved_once(form_app, terminate):
    """When PostgreSQL terminates the app's connection while a student's form is being
    saved, is the form still saved, exactly once, with no error?"""

    def cut_before_insert(connection, _cursor, statement, *_args):
        if statement.startswith("INSERT INTO candidates") and not terminate.terminated:
            terminate(connection)

    event.listen(db.engine, "before_cursor_execute", cut_before_insert)
    try:
        response = form_app.test_client().post("/apply", data=interest_form("cut@state.edu"))
    finally:
        event.remove(db.engine, "before_cursor_execute", cut_before_insert)
    assert terminate.terminated
    assert response.status_code == 303
    assert candidates() == 1


def test_a_form_whose_connection_is_lost_at_its_commit_is_saved_once(form_app, terminate):
    """When the connection is terminated just as the form's COMMIT is sent (so it never
    answers), is the form saved once after PostgreSQL says that COMMIT was not kept?"""

    def cut_at_commit(connection):
        if has_request_context() and request.method == "POST" and not terminate.terminated:
            terminate(connection)

    event.listen(db.engine, "commit", cut_at_commit)
    try:
        response = form_app.test_client().post("/apply", data=interest_form("late@state.edu"))
    finally:
        event.remove(db.engine, "commit", cut_at_commit)
    assert terminate.terminated
    assert response.status_code == 303
    assert candidates() == 1


def uploads(app) -> list[str]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(path.name for path in folder.glob("*.pdf")) if folder.exists() else []


def with_resume(data: dict) -> dict:
    return {**data, "resume": (io.BytesIO(blank_pdf()), "resume.pdf")}


def test_a_form_run_again_after_a_lost_commit_keeps_one_resume(form_app, terminate):
    """When a form with a resume is run again because its COMMIT was cut off and not kept,
    is the first run's file removed, so one file is kept for the one record?"""

    def cut_at_commit(connection):
        if has_request_context() and request.method == "POST" and not terminate.terminated:
            terminate(connection)

    event.listen(db.engine, "commit", cut_at_commit)
    try:
        data = with_resume(interest_form("late@state.edu"))
        response = form_app.test_client().post("/apply", data=data)
    finally:
        event.remove(db.engine, "commit", cut_at_commit)
    assert response.status_code == 303
    assert candidates() == 1
    assert len(uploads(form_app)) == 1


def test_a_commit_kept_but_unanswered_does_not_say_nothing_was_saved(form_app):
    """When the form's COMMIT was kept but the connection died before its answer came back,
    does the student hear that the answers may have been saved, rather than "nothing was
    saved, send it again"?"""
    postgres_only(form_app)
    url = form_app.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql+psycopg", "postgresql")
    dialect = db.engine.dialect
    real_commit = dialect.do_commit
    terminated = []

    def commit_then_lose_the_answer(dbapi_connection):
        real_commit(dbapi_connection)
        if has_request_context() and request.method == "POST" and not terminated:
            with psycopg.connect(url, autocommit=True) as killer:
                pid = dbapi_connection.dbapi_connection.info.backend_pid
                killer.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
            terminated.append(pid)
            dbapi_connection.execute("SELECT 1")  # the answer that never comes

    dialect.do_commit = commit_then_lose_the_answer
    try:
        response = form_app.test_client().post("/apply", data=interest_form("kept@state.edu"))
    finally:
        dialect.do_commit = real_commit
    page = response.get_data(as_text=True)
    assert terminated
    assert response.status_code == 503
    assert "may have been kept" in page
    assert "Nothing was saved" not in page
    assert candidates() == 1


def test_a_resume_written_for_a_form_that_was_not_saved_is_removed(form_app, monkeypatch):
    """When the database fails after a student's resume was written but before its record
    was committed, is the file removed rather than left where no record (and so no erasure)
    can reach it?"""
    real_submit = interest_services.submit_interest

    def submit_then_fail(*args, **kwargs):
        real_submit(*args, **kwargs)
        raise OperationalError("COMMIT", {}, sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr(interest_services, "submit_interest", submit_then_fail)
    data = with_resume(interest_form("full@state.edu"))
    response = form_app.test_client().post("/apply", data=data)
    assert response.status_code == 503
    assert candidates() == 0
    assert uploads(form_app) == []


def test_a_page_whose_connection_drops_after_its_answer_still_answers(app, make_app, terminate):
    """When the connection is terminated after the page was made, before its transaction
    is rolled back, does the visitor still get the page rather than an error?"""
    other = make_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SQLALCHEMY_ENGINE_OPTIONS": app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        }
    )

    @other.after_request
    def cut_after_answer(response):
        terminate(db.session.connection())
        return response

    response = other.test_client().get("/apply")  # its own app context, torn down after
    assert terminate.terminated
    assert response.status_code == 200


# --- audited downloads while students write --------------------------------------------


@pytest.fixture
def writer_between_read_and_audit(app):
    """Commit another connection's write right after the page's first read of table,
    the way a student's form lands while staff download."""
    sqlite_only(app)
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    other = sqlite3.connect(path, isolation_level=None)
    done = []

    def arm(table: str):
        db.session.commit()  # end the test's own transaction (signing in wrote)

        @event.listens_for(db.engine, "after_cursor_execute")
        def write_meanwhile(_connection, _cursor, statement, *_args):
            if not done and statement.startswith("SELECT") and f"FROM {table}" in statement:
                other.execute("UPDATE universities SET notes = 'a student came by'")
                done.append(table)

        return write_meanwhile

    listeners = []
    yield lambda table: listeners.append(arm(table))
    for listener in listeners:
        event.remove(db.engine, "after_cursor_execute", listener)
    other.close()
    assert done, "the other writer never wrote"


def audit_actions() -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEntry.action)))


def test_a_resume_downloads_while_a_student_writes(
    client, signed_in, stages, make_university, writer_between_read_and_audit
):
    """When a student's form is saved between the download's read and its audit entry,
    does the resume still download, with the download audited?"""
    import io

    from recruit.candidates.models import Attachment
    from tests.test_candidate_pages import profile, tiny_pdf

    make_university()
    signed_in(Role.HR)
    client.post(
        "/candidates/new",
        data={**profile(), "resume": (io.BytesIO(tiny_pdf()), "cv.pdf")},
        content_type="multipart/form-data",
    )
    attachment = db.session.scalars(select(Attachment)).one()
    link = f"/candidates/{attachment.candidate_id}/resumes/{attachment.id}"
    db.session.commit()
    writer_between_read_and_audit("attachments")
    response = client.get(link)
    assert response.status_code == 200
    assert "candidate.resume_download" in audit_actions()


def test_a_candidate_export_downloads_while_a_student_writes(
    client, signed_in, stages, make_university, writer_between_read_and_audit
):
    """When a student's form is saved between the export's read and its audit entry,
    does the CSV still download, with the export audited?"""
    make_university()
    signed_in(Role.HR)
    writer_between_read_and_audit("candidates")
    response = client.get("/candidates/export.csv")
    assert response.status_code == 200
    assert "candidate.export" in audit_actions()


def test_the_audit_log_exports_while_a_student_writes(
    client, signed_in, make_university, writer_between_read_and_audit
):
    """When a student's form is saved between the audit export's read and its own audit
    entry, does the CSV still download, with the export audited?"""
    make_university()
    signed_in(Role.ADMIN)
    writer_between_read_and_audit("audit_entries")
    response = client.get("/admin/audit/export.csv")
    assert response.status_code == 200
    assert "audit.export" in audit_actions()


# --- files under instance/ -------------------------------------------------------------


def test_instance_files_are_readable_by_recruit_alone(make_app, tmp_path):
    """Are the database, its WAL, the secret key and new folders under instance/ made
    for Recruit's user alone (0600 files, 0700 folders), and an open instance folder closed?"""
    instance = tmp_path / "instance-0"
    instance.mkdir(mode=0o755)
    instance.chmod(0o755)
    before = os.umask(0o022)  # as a shell usually starts gunicorn
    try:
        app = make_app(bare=True)
        with app.app_context():
            db.session.execute(text("CREATE TABLE t (x)"))
            db.session.execute(text("INSERT INTO t VALUES (1)"))
            db.session.commit()
            Path(app.config["UPLOAD_FOLDER"]).mkdir()
            modes = {
                path.name: path.stat().st_mode & 0o777 for path in [instance, *instance.iterdir()]
            }
            db.session.remove()
    finally:
        os.umask(before)
    assert modes == {
        "instance-0": 0o700,
        "recruit.sqlite": 0o600,
        "recruit.sqlite-wal": 0o600,
        "recruit.sqlite-shm": 0o600,
        "recruit.sqlite-turn": 0o600,
        "secret_key": 0o600,
        "uploads": 0o700,
    }
