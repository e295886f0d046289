"""Consistent backups of a live SQLite database and its uploaded files, and restores."""

import shutil
import sqlite3
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    """A backup or restore that could not be done; nothing was changed."""


def sqlite_path(database_url: str) -> Path:
    """The file behind a SQLite URL; refuses other databases."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError(
            "This command backs up SQLite databases. For PostgreSQL use pg_dump (see the README)."
        )
    return Path(url.database)


def integrity_ok(path: Path) -> bool:
    """Does SQLite's integrity check pass on this file?"""
    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def backup(database: Path, uploads: Path, folder: Path, keep: int = 14) -> Path:
    """Copy the live database with SQLite's online backup (one step, so writers cannot
    make it start over), verify the copy, archive the uploads beside it, keep the last N."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"recruit-{stamp}.sqlite"
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    if not integrity_ok(target):
        target.unlink()
        raise BackupError("The copy failed its integrity check; it was removed.")
    with tarfile.open(target.with_suffix(".uploads.tar.gz"), "w:gz") as archive:
        if uploads.is_dir():
            archive.add(uploads, arcname="uploads")
    _prune(folder, keep)
    return target


def _prune(folder: Path, keep: int) -> None:
    copies = sorted(folder.glob("recruit-*.sqlite"))
    for old in copies[: max(0, len(copies) - keep)]:
        old.unlink()
        old.with_suffix(".uploads.tar.gz").unlink(missing_ok=True)


def restore(copy: Path, database: Path, uploads: Path) -> None:
    """Put a backup back in place of the database and the uploads (the app must be stopped)."""
    if not copy.is_file() or not integrity_ok(copy):
        raise BackupError(f"{copy.name} is missing or fails its integrity check.")
    source = sqlite3.connect(copy)
    target = sqlite3.connect(database)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    archive_path = copy.with_suffix(".uploads.tar.gz")
    if archive_path.is_file():
        if uploads.is_dir():
            shutil.rmtree(uploads)
        with tarfile.open(archive_path) as archive:
            archive.extractall(uploads.parent, filter="data")
