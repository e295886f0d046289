"""Recruit's fault table: what students sending the interest form get while the database
cannot write, and whether Recruit comes back by itself once it can.

    .venv/bin/python bench/faults.py          # as root for the read-only and disk-full rows

Serves the app with gunicorn (2 workers) as bench/loadtest.py does, on scratch storage,
and for each fault counts the answers during the fault and after it ends:
- read-only: the SQLite file made immutable (chattr +i, which stops root too) while the
  server starts, then writable again;
- disk full: the database on a small tmpfs filled up, then the space given back;
- lock held: another process holds SQLite's write lock past the busy timeout (5 s);
- PostgreSQL terminations (with TEST_DATABASE_URL): every app connection terminated each
  second during a burst of 20 clients;
- backup during a burst: `flask backup`'s online copy taken again and again while students
  send the form, each copy checked.
A 503 is Recruit saying nothing was saved, with the student's form given back; a 500 is a
failure of its own. The crash row (kill -9 of the server mid-burst) is bench/loadtest.py.
Rows needing root, chattr, mount or PostgreSQL are skipped with the reason. After each
row the database is checked as the load test does: nothing thanked may be lost.
"""

import argparse
import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from sqlalchemy import create_engine, make_url, text

from bench.loadtest import (
    Plan,
    Record,
    Server,
    burst,
    check,
    integrity,
    scratch_database,
    seed,
    server_environment,
)
from recruit import backups

PHASE = Plan(form_clients=3, board_clients=0, seconds=4.0, board_candidates=0)
CROWD = Plan(form_clients=20, board_clients=0, seconds=8.0, board_candidates=0)


class Skip(Exception):
    """A row that cannot run here, and why."""


def health(server: Server) -> str:
    """/healthz's status and reason, e.g. "503 read_only"."""
    try:
        answer = httpx.get(f"{server.base_url}/healthz", timeout=10)
    except httpx.HTTPError as error:
        return type(error).__name__
    return f"{answer.status_code} {answer.json().get('database')}"


def counts(record: Record) -> dict:
    """Forms sent, thanked (303), given back with "nothing was saved" (503), failed (500
    and any other 5xx), and anything else, in one phase."""
    outcomes = Counter(outcome for _, outcome in record.submissions)
    failed = sum(n for o, n in outcomes.items() if o.isdigit() and o.startswith("5"))
    failed -= outcomes["503"]
    return {
        "sent": sum(outcomes.values()),
        "thanked": outcomes["303"],
        "503": outcomes["503"],
        "500": failed,
        "other": sum(outcomes.values()) - outcomes["303"] - outcomes["503"] - failed,
    }


def phase(server, seed_data, tag: str, plan: Plan = PHASE) -> Record:
    record = Record()
    burst(server, seed_data, record, plan, tag, plan.seconds)
    return record


def run_row(name: str, kind: str, fault, workdir: Path, database_folder: Path) -> dict:
    """Serve a scratch database, run fault(server, url, seed_data) -> {phase: Record,
    ...}, then check that nothing thanked was lost."""
    instance = workdir / "instance"
    with scratch_database(kind, database_folder) as url:
        seed_data = seed(url, instance, 0)
        server = Server(server_environment(url, instance), workdir / "gunicorn.log")
        try:
            phases = fault(server, url, seed_data)
        finally:
            server.stop()
        everything = Record()
        for record in phases.values():
            everything.submissions.extend(record.submissions)
        checked = check(url, everything, seed_data)
        return {
            "row": name,
            "phases": {key: counts(record) for key, record in phases.items()},
            "health": {key: getattr(record, "health", "") for key, record in phases.items()},
            "lost": checked["lost"],
            "saved_twice": checked["extra"] + checked["duplicates"],
            "integrity": integrity(url),
        }


def sqlite_path(url: str) -> Path:
    return Path(make_url(url).database)


def need_root(tool: str) -> None:
    if os.geteuid() != 0 or not shutil.which(tool):
        raise Skip(f"needs root and {tool}")


def read_only(server, url, seed_data) -> dict:
    need_root("chattr")
    path = sqlite_path(url)
    subprocess.run(["chattr", "+i", str(path)], check=True)
    try:
        # Starting now, every connection the workers open is read-only, as after a
        # restart or a worker recycled while the file could not be written.
        server.start(ready=(200, 503))
        during = phase(server, seed_data, "ro")
        during.health = health(server)
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)
    after = phase(server, seed_data, "rw")
    after.health = health(server)
    return {"read-only": during, "writable again": after}


def disk_full(server, url, seed_data) -> dict:
    server.start()
    filler = sqlite_path(url).parent / "filler"
    # The suppression outside: closing the file flushes what did not fit, and fails too.
    with contextlib.suppress(OSError), open(filler, "wb") as file:
        while True:
            file.write(b"\0" * 65536)
            file.flush()
    try:
        during = phase(server, seed_data, "full")
        during.health = health(server)
    finally:
        filler.unlink()
    after = phase(server, seed_data, "room")
    after.health = health(server)
    return {"disk full": during, "space back": after}


def lock_held(server, url, seed_data) -> dict:
    server.start()
    holder = sqlite3.connect(sqlite_path(url), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        # Longer than the 5 s busy timeout: whoever waits for the lock from the start
        # gives up before it is let go.
        during = phase(server, seed_data, "locked", Plan(**{**vars(PHASE), "seconds": 7.0}))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    during.health = "(not asked: it waits for the lock too)"
    after = phase(server, seed_data, "free")
    after.health = health(server)
    return {"lock held 7 s": during, "lock free": after}


def terminations(server, url, seed_data) -> dict:
    server.start()
    name = make_url(url).database
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    stop = threading.Event()
    terminated = []

    def terminate_every_second():
        with admin.connect() as connection:
            while not stop.wait(1.0):
                ended = connection.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                ).scalar_one()
                terminated.append(ended)

    killer = threading.Thread(target=terminate_every_second)
    killer.start()
    try:
        during = phase(server, seed_data, "pg", CROWD)
    finally:
        stop.set()
        killer.join()
        admin.dispose()
    during.health = f"{sum(terminated)} connections terminated"
    after = phase(server, seed_data, "pg-after")
    after.health = health(server)
    return {"terminations, 20 clients": during, "after": after}


def backup_during_burst(server, url, seed_data) -> dict:
    server.start()
    database = sqlite_path(url)
    folder = database.parent / "backups"
    stop = threading.Event()
    copies = []

    def back_up_again_and_again():
        while not stop.is_set():
            copies.append(backups.backup(database, database.parent / "uploads", folder, 3))

    taker = threading.Thread(target=back_up_again_and_again)
    taker.start()
    try:
        during = phase(server, seed_data, "backup")
    finally:
        stop.set()
        taker.join()
    during.health = f"{len(copies)} copies, last one intact: {backups.integrity_ok(copies[-1])}"
    after = phase(server, seed_data, "after-backup")
    after.health = health(server)
    return {"backups during a burst": during, "after": after}


@contextlib.contextmanager
def tiny_disk(size: str):
    need_root("mount")
    folder = Path(tempfile.mkdtemp(prefix="recruit-disk-"))
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)
        folder.rmdir()


ROWS = {
    "read-only": ("sqlite", read_only),
    "disk-full": ("sqlite", disk_full),
    "lock-held": ("sqlite", lock_held),
    "pg-terminations": ("postgresql", terminations),
    "backup": ("sqlite", backup_during_burst),
}


def run(name: str, keep: bool = False) -> dict:
    kind, fault = ROWS[name]
    if kind == "postgresql" and not os.environ.get("TEST_DATABASE_URL"):
        raise Skip("set TEST_DATABASE_URL to a PostgreSQL server")
    workdir = Path(tempfile.mkdtemp(prefix="recruit-faults-"))
    try:
        if name == "disk-full":
            # The database alone on the small disk: the server's log and instance stay off it.
            with tiny_disk("16m") as disk:
                return run_row(name, kind, fault, workdir, disk)
        return run_row(name, kind, fault, workdir, workdir)
    finally:
        if keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def print_row(result: dict) -> None:
    print(f"\n{result['row']}")
    for key, figures in result["phases"].items():
        print(
            f"  {key:26} sent {figures['sent']:4}  thanked {figures['thanked']:4}  "
            f"503 {figures['503']:4}  500 {figures['500']:4}  other {figures['other']:3}  "
            f"healthz {result['health'][key]}"
        )
    print(
        f"  lost {result['lost']}, saved twice {result['saved_twice']}, "
        f"integrity {result['integrity']}"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="*", help=f"rows to run: {', '.join(ROWS)} (all)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folders")
    args = parser.parse_args(argv)
    if unknown := set(args.rows) - set(ROWS):
        parser.error(f"no such row: {', '.join(sorted(unknown))}")
    ok = True
    for name in args.rows or ROWS:
        try:
            result = run(name, args.keep)
        except Skip as reason:
            print(f"\n{name}\n  skipped: {reason}")
            continue
        print_row(result)
        ok = ok and result["lost"] == 0 and result["integrity"] == "ok"
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
