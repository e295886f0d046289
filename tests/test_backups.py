"""Backups of the live SQLite database, and restoring them."""

import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from recruit import backups
from recruit.candidates.models import Candidate
from recruit.extensions import db


@pytest.fixture
def sqlite_only(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("backup and restore copy SQLite files; PostgreSQL uses pg_dump")


def test_backup_while_writes_happen_passes_integrity_check(app, sqlite_only, tmp_path):
    """Is a backup taken while another thread writes a consistent, verified copy?"""
    database = backups.sqlite_path(app.config["SQLALCHEMY_DATABASE_URI"])
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS backup_probe (n INTEGER)"))
    stop = threading.Event()

    def write():
        n = 0
        while not stop.is_set() and n < 5000:
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO backup_probe VALUES (:n)"), {"n": n})
            n += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        copies = [backups.backup(database, tmp_path / "uploads", tmp_path / "b") for _ in range(3)]
    finally:
        stop.set()
        writer.join()
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE backup_probe"))
        engine.dispose()
    assert all(backups.integrity_ok(copy) for copy in copies)


def test_restore_brings_back_data_and_files(app, sqlite_only, make_candidate, tmp_path):
    """Does restoring a backup bring back the candidates and the uploaded files?"""
    database = backups.sqlite_path(app.config["SQLALCHEMY_DATABASE_URI"])
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "resume.pdf").write_bytes(b"%PDF-1.4 kept")
    make_candidate(email="kept@u.example")
    copy = backups.backup(database, uploads, tmp_path / "b")
    make_candidate(email="later@u.example")
    (uploads / "resume.pdf").unlink()
    db.session.remove()
    db.engine.dispose()
    backups.restore(copy, database, uploads)
    emails = set(db.session.scalars(select(Candidate.email)))
    assert emails == {"kept@u.example"}
    assert (uploads / "resume.pdf").read_bytes() == b"%PDF-1.4 kept"


def test_backup_keeps_only_the_last_copies(app, sqlite_only, tmp_path):
    """Does backup keep only the newest N copies?"""
    database = backups.sqlite_path(app.config["SQLALCHEMY_DATABASE_URI"])
    for _ in range(4):
        backups.backup(database, tmp_path / "uploads", tmp_path / "b", keep=2)
    assert len(list((tmp_path / "b").glob("recruit-*.sqlite"))) == 2


def test_backup_command_refuses_postgresql_urls():
    """Does the backup command point PostgreSQL users to pg_dump instead?"""
    with pytest.raises(backups.BackupError, match="pg_dump"):
        backups.sqlite_path("postgresql+psycopg://postgres@127.0.0.1/test")


def test_backup_cli_reports_the_copy(runner, app, sqlite_only):
    """Does `flask backup` make a verified copy in the instance folder?"""
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    assert "integrity check ok" in result.output
    folder = Path(app.instance_path) / "backups"
    assert len(list(folder.glob("recruit-*.sqlite"))) == 1
    assert len(list(folder.glob("recruit-*.uploads.tar.gz"))) == 1
