"""Recruit under a crowd, then a crash: nothing a student was thanked for may be lost.

    .venv/bin/python bench/loadtest.py                 # 50 clients, 30 s, then kill -9
    .venv/bin/python bench/loadtest.py --short         # a few seconds, as the tests run it

Serves bench/load_app.py with gunicorn (2 workers on 127.0.0.1) on a scratch database in a
temporary folder: SQLite, and also PostgreSQL when TEST_DATABASE_URL is set (in a scratch
database created and dropped here). Students send the interest form (new and returning
emails, in any letter case) while HR moves candidates on the board; every answer is kept.
A second burst is cut short by kill -9 of the whole server, which is then restarted, and
the database is checked: integrity, every thanked submission saved exactly once, one
record per email, and stage histories that lead to each candidate's current stage.
Exits non-zero on any loss or corruption.

kill -9 simulates a crashed or killed server process, not a power cut: what the process
handed to the operating system survives it even unsynced. Surviving a power cut or an
operating system crash rests on SQLite's synchronous=FULL (every commit's WAL is synced
before the student is thanked; recruit/database.py sets it), which this test cannot show.
"""

import argparse
import contextlib
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import create_engine, make_url, text  # noqa: E402

from bench.server import free_port  # noqa: E402

PASSWORD = "load test staff password"  # noqa: S105 (a scratch account in a scratch database)
RETURNING_NOTE = "Sent the interest form again%"
# Transport failures where the request never reached Recruit: nothing can have been saved.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass
class Plan:
    """How hard and how long to push."""

    form_clients: int = 50
    board_clients: int = 4
    seconds: float = 30.0
    crash_after: float = 5.0
    board_candidates: int = 20
    repeat_share: float = 0.35
    max_requests_per_client: int = 100_000
    request_timeout: float = 30.0


SHORT = Plan(form_clients=12, board_clients=2, seconds=3.0, crash_after=1.5, board_candidates=8)


@dataclass
class Record:
    """Every answer the clients got, by kind of request."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    # (email as sent, outcome); outcome is "303", "http-<code>", or a transport error kind.
    submissions: list = field(default_factory=list)
    moves: list = field(default_factory=list)  # (candidate id, outcome)
    emails: list = field(default_factory=list)  # emails already sent, for returning students

    def add(self, bucket: str, key, outcome: str) -> None:
        with self.lock:
            getattr(self, bucket).append((key, outcome))


# --- scratch storage and the server ----------------------------------------------------


@contextlib.contextmanager
def scratch_database(kind: str, workdir: Path):
    """Yield the URL of an empty database of this kind, dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'load.sqlite'}"
        return
    server = make_url(os.environ["TEST_DATABASE_URL"])
    name = f"recruit_load_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def server_environment(url: str, instance: Path) -> dict:
    """The environment bench/load_app.py reads."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "RECRUIT_DATABASE_URL": url,
        "RECRUIT_LOAD_INSTANCE": str(instance),
        "RECRUIT_SECRET_KEY": "load-test-secret-key",
        "RECRUIT_RATELIMIT_ENABLED": "0",
        "RECRUIT_MIN_FILL_SECONDS": "0",
    }


def seed(url: str, instance: Path, board_candidates: int) -> dict:
    """Migrate the scratch database and add stages, a university, HR and board cards."""
    from flask_migrate import upgrade

    from recruit import create_app
    from recruit.auth.models import Role
    from recruit.auth.services import create_user
    from recruit.candidates.models import Candidate, Stage, StageKind
    from recruit.extensions import db
    from recruit.pipeline.stages import create_standard_stages
    from recruit.universities.models import University

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "load-test-secret-key",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "MIN_FILL_SECONDS": 0,
        }
    )
    with app.app_context():
        upgrade()
        create_standard_stages()
        university = University(name="State University")
        db.session.add(university)
        user = create_user("Load Test HR", "hr@load.example", Role.HR, PASSWORD, None)
        db.session.commit()
        university_id, user_id = university.id, user.id
        client = app.test_client()
        for n in range(board_candidates):
            page = client.get("/apply").get_data(as_text=True)
            data = form_data(university_id, f"board{n}@load.example", page)
            answer = client.post("/apply", data=data)
            if answer.status_code != 303:
                raise RuntimeError(f"seeding a board card failed with {answer.status_code}")
        db.session.rollback()
        cards = {
            c.id: (c.stage_id, c.version)
            for c in db.session.scalars(db.select(Candidate).order_by(Candidate.id))
        }
        stage_ids = list(
            db.session.scalars(
                db.select(Stage.id).where(Stage.kind == StageKind.ACTIVE, Stage.retired.is_(False))
            )
        )
        db.session.remove()
        db.engine.dispose()
    return {"university_id": university_id, "user_id": user_id, "cards": cards, "stages": stage_ids}


PORT_TRIES = 3


class PortTaken(Exception):
    """gunicorn could not bind the port it was given: something took it first."""


class Server:
    """gunicorn with two workers, in a process group of its own so kill -9 takes it all."""

    def __init__(self, environment: dict, log_path: Path):
        self.environment = environment
        self.log_path = log_path
        self.process = None
        self.base_url = ""

    def start(self, wait_seconds: float = 60.0, ready=(200,)) -> None:
        """Start serving; wait until /healthz answers one of the ready statuses (a fault
        table starts it on a database that cannot write, where 503 is the truth). The free
        port is only free when it was asked for: taken meanwhile, another is tried."""
        for _ in range(PORT_TRIES - 1):
            with contextlib.suppress(PortTaken):
                return self._start(wait_seconds, ready)
        return self._start(wait_seconds, ready)

    def _start(self, wait_seconds: float, ready) -> None:
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        logged = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = open(self.log_path, "a")  # noqa: SIM115 (the child keeps it open)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers=2",
                f"--bind=127.0.0.1:{port}",
                "--timeout=60",
                "bench.load_app:app",
            ],
            cwd=ROOT,
            env=self.environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        # Only once this gunicorn says it listens is /healthz asked: until then whatever
        # answers on the port may be someone else's server.
        listening = f"Listening at: {self.base_url}".encode()
        said = b""
        deadline = time.monotonic() + wait_seconds
        while time.monotonic() < deadline:
            if listening not in said:
                with self.log_path.open("rb") as output:
                    output.seek(logged)
                    said = output.read()
                if b"Connection in use" in said:
                    self.kill()
                    raise PortTaken(port)
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early; see {self.log_path}")
            if listening in said:
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{self.base_url}/healthz", timeout=2).status_code in ready:
                        return
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"gunicorn did not answer in {wait_seconds:.0f} s; see {self.log_path}")

    def kill(self) -> None:
        """kill -9 the master and its workers at once: a crashed process, not a power cut
        (the operating system still writes out what they handed it)."""
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        """Shut down gracefully, or by force after a bounded wait."""
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


# --- the clients --------------------------------------------------------------------


HIDDEN = re.compile(r'name="(started|submission)" type="hidden" value="([^"]*)"')


def page_fields(page: str) -> dict:
    """The start token and submission key of a form page a student opened."""
    return dict(HIDDEN.findall(page))


def form_data(university_id: int, email: str, page: str) -> dict:
    """A complete, valid interest form, filled in on the page given."""
    return {
        **page_fields(page),
        "first_name": "Student",
        "last_name": "Load",
        "email": email,
        "university": str(university_id),
        "major": "Public Administration",
        "class_standing": "senior",
        "grad_term": "spring",
        "grad_year": str(date.today().year + 1),
        "interests": [random.choice(["summer_internship", "co_op", "full_time"])],
        "availability": "June",
        "consent": "y",
    }


def outcome_of(error: Exception) -> str:
    if isinstance(error, NOT_SENT):
        return "not-sent"
    if isinstance(error, httpx.TimeoutException):
        return "timeout"
    return "cut-off"  # the connection broke after the request went out


def student(base_url: str, seed_data: dict, record: Record, stop: threading.Event, plan, tag):
    """Send the interest form again and again: mostly new students, some returning."""
    rng = random.Random()
    with httpx.Client(base_url=base_url, timeout=plan.request_timeout) as client:
        for _ in range(plan.max_requests_per_client):
            if stop.is_set():
                return
            with record.lock:
                known = list(record.emails[-200:])
            if known and rng.random() < plan.repeat_share:
                email = rng.choice(known)
                # Returning students type their address as they please.
                email = rng.choice([email, email.upper(), email.capitalize()])
            else:
                email = f"s-{tag}-{uuid.uuid4().hex[:12]}@students.example"
                with record.lock:
                    record.emails.append(email)
            try:
                # Each student opens the form, then sends it, as on a phone.
                page = client.get("/apply").text
                data = form_data(seed_data["university_id"], email, page)
                answer = client.post("/apply", data=data)
                outcome = str(answer.status_code)
            except httpx.HTTPError as error:
                outcome = outcome_of(error)
            record.add("submissions", email, outcome)
            if outcome == "not-sent":
                return  # the server is down; this client is done


def recruiter(base_url: str, seed_data: dict, record: Record, stop: threading.Event, plan, cards):
    """Sign in as HR and move cards between active stages, as the board does."""
    rng = random.Random()
    with httpx.Client(base_url=base_url, timeout=plan.request_timeout) as client:
        try:
            signed = client.post("/login", data={"email": "hr@load.example", "password": PASSWORD})
        except httpx.HTTPError as error:
            record.add("moves", None, "login-" + outcome_of(error))
            return
        if signed.status_code != 302:
            record.add("moves", None, f"login-{signed.status_code}")
            return
        for _ in range(plan.max_requests_per_client):
            if stop.is_set():
                return
            candidate_id = rng.choice(list(cards))
            with record.lock:
                stage_id, version = cards[candidate_id]
            to_stage = rng.choice([s for s in seed_data["stages"] if s != stage_id])
            try:
                answer = client.post(
                    f"/candidates/{candidate_id}/move",
                    data={"to_stage": str(to_stage), "version": str(version)},
                    headers={"Accept": "application/json"},
                )
                outcome = str(answer.status_code)
                if answer.status_code in (200, 409):
                    body = answer.json()
                    with record.lock:
                        cards[candidate_id] = (body["stage_id"], body["version"])
            except httpx.HTTPError as error:
                outcome = outcome_of(error)
            record.add("moves", candidate_id, outcome)
            if outcome == "not-sent":
                return


def burst(server: Server, seed_data, record, plan, tag, seconds, kill_after=None) -> None:
    """Run the crowd for a while; optionally kill -9 the server partway through."""
    stop = threading.Event()
    cards = dict(seed_data["cards"])
    threads = [
        threading.Thread(target=student, args=(server.base_url, seed_data, record, stop, plan, tag))
        for _ in range(plan.form_clients)
    ] + [
        threading.Thread(
            target=recruiter, args=(server.base_url, seed_data, record, stop, plan, cards)
        )
        for _ in range(plan.board_clients)
    ]
    for thread in threads:
        thread.start()
    if kill_after is not None:
        time.sleep(kill_after)
        server.kill()
    else:
        time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=plan.request_timeout + 10)
    seed_data["cards"] = cards


# --- the checks ---------------------------------------------------------------------


def integrity(url: str) -> str:
    """SQLite's own integrity and foreign-key checks; B-tree checks on PostgreSQL."""
    if url.startswith("sqlite"):
        path = make_url(url).database
        with contextlib.closing(sqlite3.connect(path)) as connection:
            rows = [r[0] for r in connection.execute("PRAGMA integrity_check")]
            broken_keys = connection.execute("PRAGMA foreign_key_check").fetchall()
        if rows != ["ok"]:
            return "; ".join(rows[:5])
        return "ok" if not broken_keys else f"{len(broken_keys)} broken foreign keys"
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
            indexes = connection.execute(
                text(
                    "SELECT c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                    "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n "
                    "ON n.oid = c.relnamespace WHERE a.amname = 'btree' "
                    "AND n.nspname = 'public'"
                )
            ).scalars()
            for oid in list(indexes):
                connection.execute(text("SELECT bt_index_check(:oid, true)"), {"oid": oid})
        return "ok"
    except Exception as error:  # amcheck reports corruption as an error
        return f"amcheck: {error}".splitlines()[0]
    finally:
        engine.dispose()


def check(url: str, record: Record, seed_data: dict) -> dict:
    """Compare every answer with what the database holds."""
    engine = create_engine(url)
    with engine.connect() as connection:
        candidates = connection.execute(
            text("SELECT id, lower(email), stage_id FROM candidates")
        ).all()
        returning = dict(
            connection.execute(
                text(
                    "SELECT candidate_id, count(*) FROM notes WHERE body LIKE :note "
                    "GROUP BY candidate_id"
                ),
                {"note": RETURNING_NOTE},
            ).all()
        )
        changes = connection.execute(
            text(
                "SELECT candidate_id, from_stage_id, to_stage_id FROM stage_changes "
                "ORDER BY candidate_id, id"
            )
        ).all()
        moves_saved = connection.execute(
            text("SELECT count(*) FROM stage_changes WHERE user_id = :user"),
            {"user": seed_data["user_id"]},
        ).scalar_one()
    engine.dispose()

    by_email = defaultdict(list)
    for candidate_id, email, _ in candidates:
        by_email[email].append(candidate_id)
    duplicates = sum(len(ids) - 1 for ids in by_email.values() if len(ids) > 1)

    # Per email: answers that promised a save, and requests whose fate the client never
    # learned (cut off by the crash). Saved copies must lie between the two.
    thanked, unsure = Counter(), Counter()
    for email, outcome in record.submissions:
        if outcome == "303":
            thanked[email.lower()] += 1
        elif outcome in ("cut-off", "timeout"):
            unsure[email.lower()] += 1
    lost = extra = 0
    for email in set(thanked) | set(unsure):
        ids = by_email.get(email, [])
        saved = sum(1 + returning.get(i, 0) for i in ids)
        lost += max(0, thanked[email] - saved)
        extra += max(0, saved - thanked[email] - unsure[email])

    moved = sum(1 for _, outcome in record.moves if outcome == "200")
    moves_unsure = sum(1 for _, outcome in record.moves if outcome in ("cut-off", "timeout"))
    lost += max(0, moved - moves_saved)
    extra += max(0, moves_saved - moved - moves_unsure)

    broken = 0
    history = defaultdict(list)
    for candidate_id, from_id, to_id in changes:
        history[candidate_id].append((from_id, to_id))
    for candidate_id, _, stage_id in candidates:
        chain = history.get(candidate_id, [])
        previous = None
        ok = bool(chain)
        for from_id, to_id in chain:
            ok = ok and from_id == previous
            previous = to_id
        if not ok or previous != stage_id:
            broken += 1
    return {
        "candidates": len(candidates),
        "duplicates": duplicates,
        "lost": lost,
        "extra": extra,
        "broken_histories": broken,
        "moves_saved": moves_saved,
    }


# --- the run ------------------------------------------------------------------------


def run(kind: str, plan: Plan, keep: bool = False) -> dict:
    """One full load test on one kind of database; returns the summary."""
    workdir = Path(tempfile.mkdtemp(prefix="recruit-load-"))
    instance = workdir / "instance"
    record = Record()
    try:
        with scratch_database(kind, workdir) as url:
            seed_data = seed(url, instance, plan.board_candidates)
            server = Server(server_environment(url, instance), workdir / "gunicorn.log")
            started = time.monotonic()
            try:
                server.start()
                burst(server, seed_data, record, plan, "a", plan.seconds)
                burst(server, seed_data, record, plan, "b", None, kill_after=plan.crash_after)
                server.start()  # a restart on the same files, after the crash
                after = Plan(form_clients=2, board_clients=1, seconds=1.0)
                burst(server, seed_data, record, after, "c", after.seconds)
            finally:
                server.stop()
            elapsed = time.monotonic() - started
            summary = {"database": kind, "seconds": round(elapsed, 1)}
            summary.update(tally(record))
            summary["integrity"] = integrity(url)
            summary.update(check(url, record, seed_data))
    finally:
        if keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    summary["ok"] = (
        summary["lost"] == 0
        and summary["extra"] == 0
        and summary["duplicates"] == 0
        and summary["broken_histories"] == 0
        and summary["integrity"] == "ok"
    )
    return summary


def tally(record: Record) -> dict:
    """Requests, successes and errors by kind."""
    errors = Counter()
    for _, outcome in record.submissions:
        if outcome != "303":
            errors[f"form {outcome}"] += 1
    for _, outcome in record.moves:
        if outcome != "200":
            errors[f"move {outcome}"] += 1
    return {
        "requests": len(record.submissions) + len(record.moves),
        "submissions": len(record.submissions),
        "submissions_saved": sum(1 for _, o in record.submissions if o == "303"),
        "distinct_emails": len({e.lower() for e, _ in record.submissions}),
        "moves": len(record.moves),
        "moves_done": sum(1 for _, o in record.moves if o == "200"),
        "errors": dict(sorted(errors.items())),
    }


def print_summary(summary: dict) -> None:
    print(f"\nRecruit load test on {summary['database']} ({summary['seconds']} s in all)")
    print(f"  requests          {summary['requests']}")
    print(
        f"  interest form     {summary['submissions']} sent, {summary['submissions_saved']} "
        f"thanked (303), {summary['distinct_emails']} distinct emails"
    )
    print(f"  board moves       {summary['moves']} sent, {summary['moves_done']} done (200)")
    errors = ", ".join(f"{k}: {v}" for k, v in summary["errors"].items()) or "none"
    print(f"  errors by kind    {errors}")
    print(f"  candidates        {summary['candidates']} ({summary['duplicates']} duplicates)")
    print(f"  stage histories   {summary['broken_histories']} inconsistent")
    print(f"  integrity         {summary['integrity']}")
    print(f"  saved twice       {summary['extra']}")
    print(f"  lost              {summary['lost']}")
    print(f"  verdict           {'OK' if summary['ok'] else 'FAILED'}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="a few seconds, as CI runs it")
    parser.add_argument("--clients", type=int, help="interest form clients")
    parser.add_argument("--seconds", type=float, help="length of the first burst")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgresql", "all"],
        default="all",
        help="all: SQLite, and PostgreSQL when TEST_DATABASE_URL is set",
    )
    args = parser.parse_args(argv)
    plan = Plan(**vars(SHORT)) if args.short else Plan()
    if args.clients:
        plan.form_clients = args.clients
    if args.seconds:
        plan.seconds = args.seconds
    kinds = ["sqlite"] if args.database in ("sqlite", "all") else []
    if args.database in ("postgresql", "all") and os.environ.get("TEST_DATABASE_URL"):
        kinds.append("postgresql")
    elif args.database == "postgresql":
        parser.error("set TEST_DATABASE_URL to a PostgreSQL server")
    ok = True
    for kind in kinds:
        summary = run(kind, plan, keep=args.keep)
        print_summary(summary)
        ok = ok and summary["ok"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
