"""`make bench`: Recruit's pages and forms under gunicorn at 1,000, 10,000 and 100,000
candidates, each figure set against a bare Flask baseline served the same way.

    .venv/bin/python bench/run.py            # the full run, under 10 minutes
    .venv/bin/python bench/run.py --quick    # a smoke run at 300 candidates

For each size it bulk-seeds a scratch SQLite database in a temporary folder (never
the instance database), counts each page's SQL statements in this process, then
serves the app with gunicorn (2 sync workers) on 127.0.0.1 and measures what follows.
When PostgreSQL answers on 127.0.0.1:5432 (RECRUIT_BENCH_POSTGRES names another
server), it does the same at 10,000 and 100,000 candidates in a scratch database it
creates and drops (recruit_bench_<pid>_<size>), in columns of their own:

- each page's server time, as the latency one client at a time sees over loopback
  after a warm-up (median and 95th percentile);
- the board's 95th percentile with 20 staff loading boards at once;
- at the largest size of each database, the interest form's POST throughput and errors with 50
  clients (each POST queues the student's confirmation in its own transaction), the
  same again while the delivery worker sends the outbox, and stage moves with 20 staff
  (409s counted apart from errors);
- at 10,000 on each database, the delivery worker's throughput: 2,000 queued confirmations sent by
  `flask --app bench.app deliver --once` (a subprocess) to a counting SMTP sink on
  127.0.0.1 (bench/mail.py), against bare smtplib sending as many;
- each worker's peak memory (VmHWM).

The baselines (bench/baseline.py: a short text, one sqlite3 insert, and one psycopg
insert into PostgreSQL) run under the same gunicorn settings in the same run; the
worker's (bench/mail.py) is smtplib alone. So does the floor (bench/floor.py): the least a
form and a stage move can cost on Recruit's stack, under the same loads as Recruit's form
and moves, on each database, which shows how much of the insert's rate the stack itself
leaves for Recruit's rules. It prints one table and writes bench/results.json.
"""

import argparse
import asyncio
import itertools
import json
import os
import platform
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import psycopg
from flask_migrate import upgrade
from sqlalchemy import event, func, select

from bench import baseline, floor
from bench.cpu import CpuMeter
from bench.load import LoadResult, combined, loopback_client, run_load, sequential, warm_up
from bench.mail import Sink, Worker, run_bare
from bench.seed import ADMIN_EMAIL, ADMIN_PASSWORD, MOVES, movable_candidates, seed
from bench.server import WORKERS, Gunicorn
from bench.students import interest_form
from recruit import create_app
from recruit.candidates.models import Candidate, CandidateEvent, Note, Stage
from recruit.database import utcnow
from recruit.extensions import db
from recruit.interest.receipts import QUEUED_HEADER, start_token
from recruit.interviews.models import Interviewer, Scorecard
from recruit.messages import services as messages
from recruit.messages.models import DeliveryState, OutboxMessage
from recruit.placements.models import Evaluation, Outcome, Placement
from recruit.students.services import issue_status_link, status_token
from recruit.universities.models import University

HERE = Path(__file__).resolve().parent
# The whole run must end inside ten minutes; phases that would not fit are skipped.
BUDGET_SECONDS = 560
SECRET_KEY = "recruit-bench-scratch-key"  # noqa: S105  (signs scratch sessions only)
SEARCH_TERM = "ruiz"
# The server whose scratch databases the PostgreSQL columns use (never its `test`).
POSTGRES = os.environ.get("RECRUIT_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")

# The board's HTML as an admin saw it at 10,000 candidates before its cards were made
# compact (every card carried its own "Move to" select): the bytes target is half of it.
BOARD_BYTES_BEFORE = 300_695

# name, label, target (reported, never asserted)
PAGES = [
    ("board", "board", "median ≤ 15 ms at 10k, ≤ 25 ms at 100k"),
    ("board_drawn", "board drawn afresh (a new address each time)", ""),
    ("board_university", "board, one university", ""),
    ("list", "list, open candidates", ""),
    ("search", f"list, search '{SEARCH_TERM}'", "≤ 20 ms at 100k"),
    ("candidate", "candidate page", "≤ 10 ms"),
    ("home", "home (dashboard)", ""),
    ("events_board", "events board", ""),
    ("reports", "reports", "≤ 150 ms at 100k"),
    ("reports_drawn", "reports drawn afresh (a new address each time)", ""),
    ("interviews", "interviews this week", "≤ 20 ms"),
    ("interview", "an interview with its scorecards", "≤ 15 ms"),
    ("student_page", "a student's own page", "≤ 15 ms"),
    ("openings", "openings (public)", "≤ 15 ms"),
]
# Pages students open, asked for as a student's phone does: without a staff session.
STUDENT_PAGES = {"student_page", "openings"}


@dataclass
class Settings:
    """How big and how long: the full run, or a smoke run with --quick."""

    sizes: tuple[int, ...] = (1_000, 10_000, 100_000)
    # The same on PostgreSQL, when it answers.
    pg_sizes: tuple[int, ...] = (10_000, 100_000)
    warmup: int = 4
    repeats: int = 30
    # The pages take turns in so many rounds, repeats // page_rounds requests each.
    page_rounds: int = 3
    page_seconds: float = 12
    board_clients: int = 20
    board_requests: int = 400
    # Loads are shorter since PostgreSQL's columns joined the run (8, 20 and 10 s before):
    # the whole run must still fit in ten minutes.
    board_seconds: float = 6
    interest_clients: int = 50
    interest_seconds: float = 12
    move_clients: int = 20
    move_seconds: float = 8
    move_pool: int = 400
    # The delivery worker: so many messages queued at this size (or the largest run).
    worker_size: int = 10_000
    worker_messages: int = 2_000
    worker_seconds: float = 120

    @classmethod
    def quick(cls) -> "Settings":
        return cls(
            sizes=(300,),
            pg_sizes=(300,),
            warmup=2,
            repeats=6,
            page_rounds=2,
            page_seconds=3,
            board_clients=5,
            board_requests=40,
            board_seconds=2,
            interest_clients=10,
            interest_seconds=2,
            move_clients=5,
            move_seconds=2,
            move_pool=50,
            worker_size=300,
            worker_messages=100,
            worker_seconds=30,
        )


class Clock:
    """The run's ten-minute budget."""

    def __init__(self, seconds: float):
        self.started = time.monotonic()
        self.seconds = seconds

    def left(self) -> float:
        return self.seconds - (time.monotonic() - self.started)

    def elapsed(self) -> float:
        return time.monotonic() - self.started


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Target:
    """One column of the table: a database kind at one size."""

    size: int
    postgres: bool = False

    @property
    def column(self) -> str:
        return f"{self.size:,} PG" if self.postgres else f"{self.size:,}"

    @property
    def key(self) -> str:
        """Its name in results.json: the size alone for SQLite, as before."""
        return f"postgresql-{self.size}" if self.postgres else str(self.size)


# --- PostgreSQL scratch databases --------------------------------------------------------


def postgres_version() -> str | None:
    """PostgreSQL's version if it answers at POSTGRES, else None."""
    try:
        with psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=3) as connection:
            return connection.info.parameter_status("server_version")
    except psycopg.Error:
        return None


def scratch_postgres(name: str, drop: bool = False) -> str:
    """Create (or drop) a scratch database; its SQLAlchemy address."""
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop:
            connection.execute(f'CREATE DATABASE "{name}"')
    return f"{POSTGRES.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"


# --- the scratch database, in this process ----------------------------------------------


def bench_app(database: str, instance: Path):
    """Recruit on a scratch database, as bench/app.py builds it for gunicorn."""
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database,
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": SECRET_KEY,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )


def prepare(size: int, folder: Path, database: str) -> dict:
    """Seed one size, pick the pages' URLs, and count each page's SQL statements."""
    app = bench_app(database, folder)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        counts = seed(size, random.Random(size))
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # As a database in use would have them: planner statistics, and a visibility
            # map for index-only scans (autovacuum would get there in its own time).
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("VACUUM ANALYZE")
        seconds = time.perf_counter() - started
        # The same shape of candidate page at every size: someone hired, with a note, an
        # event and evaluations, so that each of its lists has rows to load.
        candidate_id = db.session.scalar(
            select(Placement.candidate_id)
            .join(Evaluation, Evaluation.placement_id == Placement.id)
            .join(Note, Note.candidate_id == Placement.candidate_id)
            .join(CandidateEvent, CandidateEvent.candidate_id == Placement.candidate_id)
            .where(Placement.outcome == Outcome.HIRED)
            .order_by(Placement.id)
            .limit(1)
        ) or db.session.scalar(select(Placement.candidate_id).order_by(Placement.id))
        university_id = db.session.scalar(select(University.id).order_by(University.id))
        # A held interview with a scorecard in, the same shape at every size.
        interview_id = db.session.scalar(
            select(Interviewer.interview_id)
            .join(Scorecard, Scorecard.interviewer_id == Interviewer.id)
            .order_by(Interviewer.interview_id)
            .limit(1)
        )
        student_link = issue_status_link(db.session.get(Candidate, candidate_id))
        db.session.commit()
        urls = {
            "board": "/candidates/board",
            # The columns as a worker draws them after a change: a new address each
            # request, so its kept copy is never the answer.
            "board_drawn": "/candidates/board?drawn={n}",
            "board_university": f"/candidates/board?university={university_id}",
            "list": "/candidates/",
            "search": f"/candidates/?q={SEARCH_TERM}",
            "home": "/",
            "candidate": f"/candidates/{candidate_id}",
            "events_board": "/events/board",
            "reports": "/reports/",
            # The figures as a worker counts them after a change, never from its copy.
            "reports_drawn": "/reports/?drawn={n}",
            "interviews": "/interviews/?when=week",
            "interview": f"/interviews/{interview_id}",
            "student_page": f"/apply/status/{status_token(student_link)}",
            "openings": "/apply/openings",
        }
        movable = movable_candidates(size)
        stage_ids = db.session.scalars(select(Stage.id).where(Stage.key.in_(MOVES))).all()
        universities = db.session.scalars(select(University.id)).all()
        db.session.remove()
    queries = count_queries(app, urls)
    with app.app_context():
        db.engine.dispose()
    return {
        "app": app,
        "database": database,
        "seed_seconds": round(seconds, 1),
        "counts": asdict(counts),
        "urls": urls,
        "queries": queries,
        "movable": movable,
        "move_stages": sorted(stage_ids),
        "universities": universities,
    }


def count_queries(app, urls: dict[str, str]) -> dict[str, int]:
    """The SQL statements each page runs, counted with a before_cursor_execute listener,
    and (as name_bytes) the bytes of HTML it sends."""
    staff, student = app.test_client(), app.test_client()
    signed_in = staff.post("/login", data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    if signed_in.status_code != 302:
        raise SystemExit(f"the bench admin could not sign in ({signed_in.status_code})")
    statements: list[str] = []

    def listen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    # Requests run outside any app context of ours: inside one, Flask would reuse it, and
    # its database session (with every object already loaded) would outlive each request.
    counts = {}
    event.listen(engine, "before_cursor_execute", listen)
    try:
        for name, url in urls.items():
            client = student if name in STUDENT_PAGES else staff
            for _ in range(3):
                # What a worker keeps is kept for the minute: counted across its turn, a
                # kept page would be counted as drawn afresh. Counted again if it turned.
                minute = utcnow().replace(second=0, microsecond=0)
                client.get(url.replace("{n}", "first"))  # first sight loads settings, copies
                statements.clear()
                response = client.get(url.replace("{n}", "counted"))
                if utcnow().replace(second=0, microsecond=0) == minute:
                    break
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            counts[name] = len(statements)
            counts[f"{name}_bytes"] = len(response.data)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return counts


# --- the outbox, in this process ------------------------------------------------------


def queue_messages(app, count: int) -> dict:
    """Queue `count` interest confirmations (the form's template, through the services
    the form uses) to consenting candidates, for the delivery worker to send."""
    with app.app_context():
        template = messages.template_by_key("interest_received")
        if template is None:
            raise SystemExit("the interest_received template is missing")
        started = time.perf_counter()
        reachable = db.session.scalars(
            select(Candidate)
            .where(
                Candidate.consent_at.is_not(None),
                Candidate.emails_stopped_at.is_(None),
                Candidate.anonymized_at.is_(None),
            )
            .order_by(Candidate.id)
            .limit(count)
        ).all()
        if not reachable:
            raise SystemExit("no seeded candidate may be written to")
        for candidate in itertools.islice(itertools.cycle(reachable), count):
            messages.send_template(candidate, template)
        db.session.commit()
        seconds = time.perf_counter() - started
        body_chars = db.session.scalar(
            select(func.avg(func.length(OutboxMessage.body))).where(
                OutboxMessage.template_key == "interest_received"
            )
        )
        db.session.remove()
        db.engine.dispose()
    return {"queued": count, "seconds": round(seconds, 1), "body_chars": int(body_chars or 0)}


def outbox_counts(app) -> dict[str, int]:
    """Messages due now (queued, unclaimed), sent, and interest confirmations written."""
    with app.app_context():
        now = utcnow()
        due = db.session.scalar(
            select(func.count()).where(
                OutboxMessage.state == DeliveryState.QUEUED,
                OutboxMessage.due_at <= now,
                OutboxMessage.claimed_until.is_(None) | (OutboxMessage.claimed_until < now),
            )
        )
        sent = db.session.scalar(
            select(func.count()).where(OutboxMessage.state == DeliveryState.SENT)
        )
        confirmations = db.session.scalar(
            select(func.count()).where(OutboxMessage.template_key == "interest_received")
        )
        db.session.remove()
        db.engine.dispose()
    return {"due": due, "sent": sent, "confirmations": confirmations}


def measure_worker(app, env: dict, folder: Path, settings: Settings) -> dict:
    """The delivery worker's throughput: `flask deliver --once` sends what is due to the
    counting sink and exits; then bare smtplib sends as many, as the floor."""
    queued = queue_messages(app, settings.worker_messages)
    before = outbox_counts(app)
    with Sink() as sink:
        worker = Worker(env, sink.port, folder / "worker.log", once=True)
        whole = worker.wait(settings.worker_seconds)
        received, rate = sink.count, sink.rate()
        sink.reset()
        bare_whole = run_bare(
            sink.port, before["due"], queued["body_chars"], settings.worker_seconds
        )
        bare_received, bare_rate = sink.count, sink.rate()
    after = outbox_counts(app)
    sent = after["sent"] - before["sent"]
    return {
        "queued": queued["queued"],
        "queue_seconds": queued["seconds"],
        "body_chars": queued["body_chars"],
        "due": before["due"],
        "sent": sent,
        "received": received,
        "errors": before["due"] - sent + abs(received - sent),
        "per_second": round(rate, 1),
        "seconds": round(whole, 2),
        "per_second_whole_run": round(before["due"] / whole, 1) if whole else 0.0,
        "bare_received": bare_received,
        "bare_per_second": round(bare_rate, 1),
        "bare_seconds": round(bare_whole, 2),
    }


def measure_interest_delivering(
    base_url: str, prepared: dict, size: int, settings: Settings, env: dict, folder: Path
) -> dict:
    """The interest form's POSTs again, while `flask deliver` (a subprocess, polling
    every second) sends the outbox to the sink: the confirmations the first POST load
    queued, then those these POSTs queue."""
    with Sink() as sink:
        worker = Worker(env, sink.port, folder / "worker.log", once=False, poll=1)
        try:
            if not sink.wait_for(1, 30):
                raise SystemExit(f"the delivery worker sent nothing in 30 s; see {worker.log}")
            before = sink.count
            started = time.perf_counter()
            load = asyncio.run(measure_interest(base_url, prepared, size, settings, 1_000_000))
            seconds = time.perf_counter() - started
            delivered = sink.count - before
        finally:
            worker.stop()
    return {"load": load, "delivered": delivered, "seconds": seconds}


# --- load over HTTP ---------------------------------------------------------------------


async def sign_in(base_url: str):
    """Sign the bench admin in once; the load clients share the session cookie."""
    async with loopback_client(base_url, 1) as client:
        response = await client.post(
            "/login", data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        )
        if response.status_code != 302:
            raise SystemExit(f"sign-in over HTTP answered {response.status_code}")
        return client.cookies


async def measure_pages(
    base_url: str, urls: dict, settings: Settings, clock: Clock, cpu: CpuMeter | None = None
) -> dict:
    """Each page one request at a time, then the board with many staff at once. The
    pages take turns, a few requests each per round, so that a spell of a slower
    machine falls on every page's figures a little rather than on one page's whole.
    Pages drawn afresh (a new address each request) come after the rounds, in one go
    each: taking turns, they would push the others' kept pieces out of the slots a
    worker has for them."""
    cookies = await sign_in(base_url)
    rounds: dict[str, list[LoadResult]] = {name: [] for name in urls}
    turns = [name for name, url in urls.items() if "{n}" not in url]
    afresh = [name for name in urls if name not in turns]
    # (round, pages, how many rounds share each page's requests and seconds)
    order = [(round_, turns, settings.page_rounds) for round_ in range(settings.page_rounds)]
    order.append((0, afresh, 1))
    async with (
        loopback_client(base_url, settings.board_clients, cookies) as client,
        loopback_client(base_url, 1) as student,
    ):

        def asking(name: str) -> httpx.AsyncClient:
            return student if name in STUDENT_PAGES else client

        for name, url in urls.items():
            await warm_up(asking(name), url, settings.warmup)
        for round_, names, share in order:
            for name in names:
                url = urls[name]
                seconds = min(settings.page_seconds, max(1.0, clock.left() - 60)) / share
                load = await sequential(
                    asking(name), url, settings.repeats // share, seconds, round_
                )
                if load.errors({200}):
                    raise SystemExit(f"{url} failed: {load.statuses}, {load.failures} failures")
                rounds[name].append(load)
        results = {name: combined(loads) for name, loads in rounds.items()}

        async def board(http, _worker, _index) -> httpx.Response:
            return await http.get(urls["board"])

        seconds = min(settings.board_seconds, max(1.0, clock.left() - 60))
        results["board_concurrent"] = await run_load(
            client, board, settings.board_clients, seconds, settings.board_requests, cpu
        )
    return results


async def measure_interest(
    base_url: str,
    prepared: dict,
    size: int,
    settings: Settings,
    first: int = 0,
    queued: bool = False,
    cpu: CpuMeter | None = None,
):
    """The public form's POST throughput with many students sending at once; each is a
    new student (numbered from `first`), so each queues a confirmation. With `queued`,
    each is a send a device kept while the network was down (its header, no CSRF token,
    a JSON answer), as a kiosk sends them when the network is back."""
    universities = prepared["universities"]
    headers = {QUEUED_HEADER: str(round(time.time() * 1000) - 3_600_000)} if queued else {}

    async def send(http, _worker, index) -> httpx.Response:
        with prepared["app"].app_context():  # start tokens are signed with the app's key
            data = interest_form(first + index, universities, size, start_token())
        return await http.post("/apply", data=data, headers=headers)

    return await form_load(base_url, send, settings, cpu)


async def form_load(base_url: str, send, settings: Settings, cpu: CpuMeter | None = None):
    """Students sending the interest form at once, `send` posting each one's; Recruit's
    form and the floor's."""
    async with loopback_client(base_url, settings.interest_clients) as client:
        return await run_load(
            client,
            send,
            settings.interest_clients,
            settings.interest_seconds,
            max_requests=int(settings.interest_seconds * 2000),
            cpu=cpu,
        )


async def measure_moves(
    base_url: str, prepared: dict, settings: Settings, cpu: CpuMeter | None = None
):
    """Stage moves by staff on the same board, each sending the version it last saw."""
    return await move_load(
        base_url,
        "/candidates/{}/move",
        prepared["movable"],
        prepared["move_stages"],
        settings,
        cpu,
    )


async def move_load(
    base_url: str,
    path: str,
    movable: list,
    stages: list[int],
    settings: Settings,
    cpu: CpuMeter | None = None,
):
    """Staff signed in at `base_url` moving cards (id, stage, version) to other stages
    at `path`, each sending the version it last saw; Recruit's moves and the floor's."""
    cookies = await sign_in(base_url)
    cards = {cid: [stage, version] for cid, stage, version in movable}
    pool = random.Random(7).sample(sorted(cards), min(settings.move_pool, len(cards)))
    picker = random.Random(11)

    async def send(http, _worker, _index) -> httpx.Response:
        cid = picker.choice(pool)
        stage, version = cards[cid]
        to_stage = picker.choice([s for s in stages if s != stage])
        response = await http.post(
            path.format(cid),
            data={"to_stage": str(to_stage), "version": str(version)},
            headers={"Accept": "application/json"},
        )
        if response.status_code in (200, 409):
            answer = response.json()
            cards[cid] = [answer["stage_id"], answer["version"]]
        return response

    async with loopback_client(base_url, settings.move_clients, cookies) as client:
        return await run_load(
            client,
            send,
            settings.move_clients,
            settings.move_seconds,
            max_requests=int(settings.move_seconds * 2000),
            cpu=cpu,
        )


async def measure_floor(base_url: str, movable: list, settings: Settings, cpu: CpuMeter):
    """The floor (bench/floor.py) under the loads of Recruit's interest form and moves."""
    universities = list(floor.UNIVERSITIES)

    async def send(http, _worker, index) -> httpx.Response:
        return await http.post("/apply", data=interest_form(index, universities, 0, ""))

    form = await form_load(base_url, send, settings, cpu)
    moves = await move_load(base_url, "/move/{}", movable, list(floor.STAGES), settings, cpu)
    return {"form": form, "moves": moves}


async def measure_baselines(
    base_url: str, settings: Settings, inserts_only=False, cpu: CpuMeter | None = None
) -> dict:
    """The bare views under the same load shapes as Recruit's figures."""
    results = {}
    async with loopback_client(base_url, settings.interest_clients) as client:

        async def text(http, _worker, _index) -> httpx.Response:
            return await http.get("/text")

        async def insert(http, _worker, _index) -> httpx.Response:
            return await http.post("/insert")

        if not inserts_only:
            await warm_up(client, "/text", 20)
            results["text"] = await sequential(client, "/text", 200, 10)
            results["text_concurrent"] = await run_load(
                client,
                text,
                settings.board_clients,
                settings.board_seconds,
                settings.board_requests,
                cpu,
            )
        results["insert"] = await run_load(
            client,
            insert,
            settings.interest_clients,
            settings.interest_seconds,
            int(settings.interest_seconds * 4000),
            cpu,
        )
        results["insert_moves"] = await run_load(
            client,
            insert,
            settings.move_clients,
            settings.move_seconds,
            int(settings.move_seconds * 4000),
            cpu,
        )
    return results


# --- the run ----------------------------------------------------------------------------


def serve(module: str, env: dict, folder: Path, ready_path: str) -> Gunicorn:
    server = Gunicorn(module, env, folder / "gunicorn.log")
    server.wait_ready(ready_path)
    return server


def run_baselines(folder: Path, settings: Settings, postgres: bool) -> dict:
    """The bare views; with `postgres`, the insert again into a PostgreSQL scratch
    database (as pg_insert and pg_insert_moves)."""
    database = folder / "baseline.sqlite"
    baseline.create_table(str(database))
    server = serve(
        "bench.baseline:app", {"RECRUIT_BENCH_BASELINE_DB": str(database)}, folder, "/text"
    )
    try:
        cpu = CpuMeter(server.worker_pids())
        results = asyncio.run(measure_baselines(server.base_url, settings, cpu=cpu))
    finally:
        server.stop()
    if not postgres:
        return results
    name = f"recruit_bench_{os.getpid()}_baseline"
    address = scratch_postgres(name).replace("+psycopg", "", 1)
    try:
        baseline.create_table(address)
        server = serve(
            "bench.baseline:app", {"RECRUIT_BENCH_BASELINE_DB": address}, folder, "/text"
        )
        try:
            cpu = CpuMeter(server.worker_pids())
            pg = asyncio.run(
                measure_baselines(server.base_url, settings, inserts_only=True, cpu=cpu)
            )
        finally:
            server.stop()
    finally:
        scratch_postgres(name, drop=True)
    results["pg_insert"] = pg["insert"]
    results["pg_insert_moves"] = pg["insert_moves"]
    return results


def run_floors(folder: Path, settings: Settings, postgres: bool) -> dict:
    """The floor (bench/floor.py) served as Recruit is, on SQLite and, with `postgres`,
    in a PostgreSQL scratch database: floor_form and floor_moves, pg_ before each on
    PostgreSQL."""
    databases = {"": f"sqlite:///{folder / 'floor.sqlite'}"}
    name = f"recruit_bench_{os.getpid()}_floor"
    if postgres:
        databases["pg_"] = scratch_postgres(name)
    results = {}
    try:
        for prefix, database in databases.items():
            movable = floor.create_tables(database, settings.move_pool)
            server = serve(
                "bench.floor:served()", {"RECRUIT_BENCH_FLOOR_DB": database}, folder, "/apply"
            )
            try:
                cpu = CpuMeter(server.worker_pids())
                loads = asyncio.run(measure_floor(server.base_url, movable, settings, cpu))
            finally:
                server.stop()
            results[f"{prefix}floor_form"] = loads["form"]
            results[f"{prefix}floor_moves"] = loads["moves"]
    finally:
        if postgres:
            scratch_postgres(name, drop=True)
    return results


def run_size(
    target: Target, database: str, folder: Path, settings: Settings, clock: Clock, last: bool
) -> dict:
    size = target.size
    say(f"seeding {size:,} candidates on {'PostgreSQL' if target.postgres else 'SQLite'} ...")
    prepared = prepare(size, folder, database)
    say(f"  seeded in {prepared['seed_seconds']} s; serving with gunicorn")
    env = {
        "RECRUIT_DATABASE_URL": database,
        "RECRUIT_BENCH_INSTANCE": str(folder),
        "RECRUIT_SECRET_KEY": SECRET_KEY,
        "RECRUIT_RATELIMIT_ENABLED": "0",
        "RECRUIT_MIN_FILL_SECONDS": "0",
    }
    server = serve("bench.app:app", env, folder, "/login")
    result = {
        "database": "postgresql" if target.postgres else "sqlite",
        "size": size,
        "seed_seconds": prepared["seed_seconds"],
        "counts": prepared["counts"],
        "queries": prepared["queries"],
        "urls": prepared["urls"],
    }
    try:
        result["cpu_probe_ms"] = cpu_probe_ms()
        cpu = CpuMeter(server.worker_pids())
        pages = asyncio.run(measure_pages(server.base_url, prepared["urls"], settings, clock, cpu))
        result["pages"] = pages
        if last and clock.left() > settings.interest_seconds + settings.move_seconds + 30:
            say("  interest form POSTs (each queues a confirmation) ...")
            before = outbox_counts(prepared["app"])
            result["interest"] = asyncio.run(
                measure_interest(server.base_url, prepared, size, settings, cpu=cpu)
            )
            after = outbox_counts(prepared["app"])
            result["confirmations"] = after["confirmations"] - before["confirmations"]
            say("  interest form sends kept on a device while offline, sent at once ...")
            result["interest_queued"] = asyncio.run(
                measure_interest(server.base_url, prepared, size, settings, 2_000_000, True, cpu)
            )
            say("  stage moves ...")
            result["moves"] = asyncio.run(measure_moves(server.base_url, prepared, settings, cpu))
            if clock.left() > settings.interest_seconds + 60:
                say("  interest form POSTs while the delivery worker sends ...")
                result["interest_delivering"] = measure_interest_delivering(
                    server.base_url, prepared, size, settings, env, folder
                )
            else:
                say("  skipping the POSTs beside the worker: the budget is nearly spent")
        elif last:
            say("  skipping the POST loads: the ten-minute budget is nearly spent")
        result["memory_mb"] = server.memory_mb("VmHWM")
        result["resident_mb"] = server.memory_mb("VmRSS")
    finally:
        server.stop()
    if size == worker_size(settings) and clock.left() > 90:
        say(f"  delivery worker: {settings.worker_messages:,} messages to a local SMTP sink ...")
        result["worker"] = measure_worker(prepared["app"], env, folder, settings)
        say(
            f"  worker sent {result['worker']['sent']:,} at {result['worker']['per_second']} "
            f"per s ({result['worker']['seconds']} s with start-up)"
        )
    elif size == worker_size(settings):
        say("  skipping the delivery worker: the ten-minute budget is nearly spent")
    return result


def worker_size(settings: Settings) -> int:
    """Where the worker is measured: its own size if the run has it, else the largest."""
    return settings.worker_size if settings.worker_size in settings.sizes else settings.sizes[-1]


def cpu_probe_ms() -> float:
    """How long this machine takes for a fixed piece of pure Python work, best of three:
    a shared or throttled machine shows here, so runs on different days can be compared."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for number in range(1_000_000):
            total += number
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def machine() -> str:
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{model or platform.machine()}, {len(os.sched_getaffinity(0))} cores"


def ms(load: LoadResult) -> str:
    return f"{load.median_ms():.1f} / {load.p95_ms():.1f}"


def server_ms(load: LoadResult) -> str:
    """Server median / p95, then the client's median in brackets."""
    return f"{load.server_median_ms():.1f} / {load.server_p95_ms():.1f} ({load.median_ms():.1f})"


def ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}x" if base else "-"


def cpu_split(cpu: dict[str, float]) -> str:
    """A load's CPU per request as a table cell (bench.cpu), or nothing if unmeasured."""
    if not cpu:
        return ""
    return (
        f"{cpu['app']:.1f} / {cpu['load_client']:.1f} / {cpu['database']:.1f} "
        f"({cpu['idle']:.1f} of {cpu['cores']:.1f})"
    )


def table(targets: list[Target], runs: dict, base: dict) -> str:
    """One markdown table: every figure by size and database, its baselines, the ratios
    (Recruit's figure at the largest size over the baseline on the same database), the
    target."""
    columns = [runs[t] for t in targets]
    largest = {
        postgres: runs[max((t for t in targets if t.postgres == postgres), key=lambda t: t.size)]
        for postgres in {t.postgres for t in targets}
    }
    on_pg = True in largest
    header = [
        "figure",
        *(t.column for t in targets),
        "baseline",
        "ratio",
        *(["PG baseline", "PG ratio"] if on_pg else []),
        "target",
    ]
    rows = []
    text = base["text"]

    def row(label, cells, baselines=("", ""), ratios=(None, None), target="") -> list[str]:
        """A row: one cell per column, then the baseline and ratio of each database."""
        line = [label, *cells, baselines[0], ratios[0] or ""]
        if on_pg:
            line += [baselines[1], ratios[1] or ""]
        return [*line, target]

    def both(figure) -> tuple:
        """The ratio of each database's largest run, `figure(run)` giving (ours, base)."""
        return tuple(
            ratio(*figure(largest[pg], pg)) if pg in largest else None for pg in (False, True)
        )

    def inserts(pg: bool):
        return base["pg_insert" if pg else "insert"]

    for name, label, target in PAGES:
        rows.append(
            row(
                f"{label}: server median / p95 ms (client median)",
                [server_ms(run["pages"][name]) for run in columns],
                (f"{server_ms(text)} (text)", "(the same text)"),
                both(lambda run, _pg, n=name: (run["pages"][n].median_ms(), text.median_ms())),
                target,
            )
        )
        rows.append(row(f"{label}: SQL queries", [str(r["queries"][name]) for r in columns]))
    ten = [r for r in columns if r["size"] == 10_000 and r["database"] == "sqlite"]
    rows.append(
        row(
            "board HTML bytes",
            [f"{r['queries']['board_bytes']:,}" for r in columns],
            (f"{BOARD_BYTES_BEFORE:,} (before, 10k)", ""),
            (
                ratio(ten[0]["queries"]["board_bytes"], BOARD_BYTES_BEFORE) if ten else "-",
                None,
            ),
            "≤ 0.50x before",
        )
    )
    text_concurrent = base["text_concurrent"]
    clients = columns[0]["pages"]["board_concurrent"].clients
    rows.append(
        row(
            f"board, {clients} staff at once: client median / p95 ms",
            [ms(r["pages"]["board_concurrent"]) for r in columns],
            (f"{ms(text_concurrent)} (text)", "(the same text)"),
            both(
                lambda run, _pg: (
                    run["pages"]["board_concurrent"].p95_ms(),
                    text_concurrent.p95_ms(),
                )
            ),
            "p95 ≤ 3x the text view's p95",
        )
    )
    if any(r["pages"]["board_concurrent"].cpu_ms for r in columns):
        rows.append(
            row(
                f"board, {clients} staff at once: CPU ms per request, app / load client / "
                "database (idle, of the cores' time)",
                [cpu_split(r["pages"]["board_concurrent"].cpu_ms) for r in columns],
                (f"{cpu_split(text_concurrent.cpu_ms)} (text)", "(the same text)"),
            )
        )

    def cells(key: str, show) -> list[str]:
        return [show(r[key]) if key in r else "" for r in columns]

    def insert_cells(name: str) -> tuple[str, str]:
        """One insert baseline's rate and errors (name, or pg_name), on each database."""
        return tuple(
            f"{base[n].per_second():.0f} ({base[n].errors({201})}) (insert)" if n in base else ""
            for n in (name, f"pg_{name}")
        )

    def insert_baselines() -> tuple:
        return insert_cells("insert")

    def insert_ms() -> tuple:
        return (
            f"{ms(inserts(False))} (insert)",
            f"{ms(inserts(True))} (insert)" if on_pg else "",
        )

    def cpu_row(label: str, key: str, baselines: tuple[str, str]) -> None:
        """Where the CPU went per request in a load, beside the insert's same split."""
        if any(key in r and r[key].cpu_ms for r in columns):
            rows.append(
                row(
                    f"{label}: CPU ms per request, app / load client / database "
                    "(idle, of the cores' time)",
                    cells(key, lambda load: cpu_split(load.cpu_ms)),
                    baselines,
                )
            )

    def rate(key: str):
        return lambda run, pg: (
            run[key]["load"].per_second()
            if key == "interest_delivering"
            else run[key].per_second(),
            inserts(pg).per_second(),
        )

    def present(key: str) -> tuple:
        """Ratios only where the figure was measured (the budget may skip loads)."""
        return tuple(
            ratio(*rate(key)(largest[pg], pg)) if pg in largest and key in largest[pg] else None
            for pg in (False, True)
        )

    def floor_rows(label: str, key: str, name: str, ok: set[int], insert: str) -> None:
        """Recruit's load over the floor's (bench/floor.py) under the same load, and the
        floor's own over the insert: how much of the insert's rate the stack leaves."""
        if name not in base:
            return
        floors = (base[name], base.get("pg_" + name))
        inserts_of = (insert, f"pg_{insert}")
        shown = tuple(
            f"{load.per_second():.0f} ({load.errors(ok)}) (floor)" if load else ""
            for load in floors
        )
        rows.append(
            row(
                f"{label} over the floor's under the same load: per s",
                [""] * len(columns),
                shown,
                tuple(
                    ratio(largest[pg][key].per_second(), floors[pg].per_second())
                    if pg in largest and key in largest[pg] and floors[pg]
                    else None
                    for pg in (False, True)
                ),
            )
        )
        rows.append(
            row(
                f"the floor's over the insert: per s (the most {label} could reach)",
                [""] * len(columns),
                insert_cells(insert),
                tuple(
                    ratio(floors[pg].per_second(), base[inserts_of[pg]].per_second())
                    if floors[pg] and inserts_of[pg] in base
                    else None
                    for pg in (False, True)
                ),
            )
        )
        rows.append(
            row(
                f"the floor's {label}: CPU ms per request, app / load client / database "
                "(idle, of the cores' time)",
                [""] * len(columns),
                tuple(f"{cpu_split(load.cpu_ms)} (floor)" if load else "" for load in floors),
            )
        )

    if any("interest" in r for r in columns):
        first = next(r["interest"] for r in columns if "interest" in r)
        rows.append(
            row(
                f"interest POST, confirmation queued, {first.clients} clients: per s (errors)",
                cells("interest", lambda i: f"{i.per_second():.0f} ({i.errors({303})})"),
                insert_baselines(),
                present("interest"),
                "≥ 0.50x insert, 0 errors",
            )
        )
        cpu_row(
            "interest POST",
            "interest",
            (
                f"{cpu_split(inserts(False).cpu_ms)} (insert)",
                f"{cpu_split(inserts(True).cpu_ms)} (insert)" if on_pg else "",
            ),
        )
        rows.append(
            row(
                "interest POST: median / p95 ms",
                cells("interest", ms),
                insert_ms(),
                tuple(
                    ratio(largest[pg]["interest"].median_ms(), inserts(pg).median_ms())
                    if pg in largest and "interest" in largest[pg]
                    else None
                    for pg in (False, True)
                ),
            )
        )
        floor_rows("interest POST", "interest", "floor_form", {303}, "insert")
    if any("interest_queued" in r for r in columns):
        first = next(r["interest_queued"] for r in columns if "interest_queued" in r)
        rows.append(
            row(
                f"interest POST kept offline, then sent, {first.clients} clients: per s (errors)",
                cells("interest_queued", lambda i: f"{i.per_second():.0f} ({i.errors({200})})"),
                insert_baselines(),
                present("interest_queued"),
                "≥ 0.50x insert, 0 errors",
            )
        )
    if any("interest_delivering" in r for r in columns):
        first = next(
            r["interest_delivering"]["load"] for r in columns if "interest_delivering" in r
        )
        rows.append(
            row(
                f"interest POST, {first.clients} clients, while the worker delivers: "
                "per s (errors)",
                cells(
                    "interest_delivering",
                    lambda d: f"{d['load'].per_second():.0f} ({d['load'].errors({303})})",
                ),
                insert_baselines(),
                present("interest_delivering"),
            )
        )
        rows.append(
            row(
                "interest POST while the worker delivers: median / p95 ms",
                cells("interest_delivering", lambda d: ms(d["load"])),
                insert_ms(),
            )
        )
        rows.append(
            row(
                "delivery worker during those POSTs: messages per s",
                cells("interest_delivering", lambda d: f"{d['delivered'] / d['seconds']:.0f}"),
            )
        )
    if any("moves" in r for r in columns):
        first = next(r["moves"] for r in columns if "moves" in r)

        rows.append(
            row(
                f"stage moves, {first.clients} staff: per s (409s, errors)",
                cells(
                    "moves",
                    lambda m: (
                        f"{m.per_second():.0f} ({m.statuses.get(409, 0)}, {m.errors({200, 409})})"
                    ),
                ),
                insert_cells("insert_moves"),
                tuple(
                    ratio(
                        largest[pg]["moves"].per_second(),
                        base["pg_insert_moves" if pg else "insert_moves"].per_second(),
                    )
                    if pg in largest and "moves" in largest[pg]
                    else None
                    for pg in (False, True)
                ),
                "≥ 0.50x insert, 0 errors",
            )
        )
        cpu_row(
            "stage moves",
            "moves",
            tuple(
                f"{cpu_split(base[name].cpu_ms)} (insert)" if name in base else ""
                for name in ("insert_moves", "pg_insert_moves")
            ),
        )
        floor_rows("stage moves", "moves", "floor_moves", {200, 409}, "insert_moves")
    measured = [r["worker"] for r in columns if "worker" in r]
    if measured:
        first = measured[0]
        rows.append(
            row(
                f"delivery worker, {first['due']:,} due, to an SMTP sink on 127.0.0.1: "
                "per s (whole run s, errors)",
                cells(
                    "worker",
                    lambda w: f"{w['per_second']:.0f} ({w['seconds']:.1f}, {w['errors']})",
                ),
                (f"{first['bare_per_second']:.0f} ({first['bare_seconds']:.1f}) (smtplib)", ""),
                (ratio(first["per_second"], first["bare_per_second"]), None),
            )
        )
    rows.append(
        row(
            f"peak memory per worker, MB ({WORKERS} workers)",
            [" / ".join(f"{m:.0f}" for m in r["memory_mb"]) for r in columns],
            target="≤ 120 MB at 100k",
        )
    )
    rows.append(
        row(
            "memory held per worker after the loads, MB",
            [" / ".join(f"{m:.0f}" for m in r["resident_mb"]) for r in columns],
        )
    )
    rows.append(row("seeding, s", [str(r["seed_seconds"]) for r in columns]))
    rows.append(
        row(
            "CPU probe before the pages, ms (lower is faster)",
            [str(r["cpu_probe_ms"]) for r in columns],
        )
    )
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(line) + " |" for line in rows]
    return "\n".join(lines)


def as_json(settings: Settings, targets: list[Target], runs: dict, base: dict, meta: dict) -> dict:
    def pages(run: dict) -> dict:
        return {
            name: {
                **load.as_dict({200}),
                "queries": run["queries"].get(name),
                "html_bytes": run["queries"].get(f"{name}_bytes"),
            }
            for name, load in run["pages"].items()
        }

    out = {
        "meta": meta,
        "settings": asdict(settings),
        "baselines": {
            "text": base["text"].as_dict({200}),
            "text_concurrent": base["text_concurrent"].as_dict({200}),
            "insert": base["insert"].as_dict({201}),
            "insert_moves": base["insert_moves"].as_dict({201}),
            **{
                name: base[name].as_dict({201})
                for name in ("pg_insert", "pg_insert_moves")
                if name in base
            },
            **{
                name: base[name].as_dict({303} if name.endswith("form") else {200, 409})
                for name in ("floor_form", "floor_moves", "pg_floor_form", "pg_floor_moves")
                if name in base
            },
        },
        "sizes": {},
    }
    for target in targets:
        run = runs[target]
        entry = {
            "database": run["database"],
            "size": run["size"],
            "seed_seconds": run["seed_seconds"],
            "cpu_probe_ms": run["cpu_probe_ms"],
            "counts": run["counts"],
            "urls": run["urls"],
            "pages": pages(run),
            "memory_mb": run["memory_mb"],
            "resident_mb": run["resident_mb"],
        }
        if "interest" in run:
            entry["interest"] = {
                **run["interest"].as_dict({303}),
                "confirmations_queued": run["confirmations"],
            }
        if "interest_queued" in run:
            entry["interest_queued"] = run["interest_queued"].as_dict({200})
        if "interest_delivering" in run:
            delivering = run["interest_delivering"]
            entry["interest_delivering"] = {
                **delivering["load"].as_dict({303}),
                "worker_delivered": delivering["delivered"],
                "worker_per_second": round(delivering["delivered"] / delivering["seconds"], 1),
            }
        if "worker" in run:
            entry["worker"] = run["worker"]
        if "moves" in run:
            entry["moves"] = {
                **run["moves"].as_dict({200, 409}),
                "conflicts_409": run["moves"].statuses.get(409, 0),
            }
        out["sizes"][target.key] = entry
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run at 300 candidates")
    parser.add_argument("--out", type=Path, help="where to write the results as JSON")
    parser.add_argument(
        "--sizes", type=int, nargs="+", help="candidate counts to seed (default 1k 10k 100k)"
    )
    parser.add_argument(
        "--pg-sizes", type=int, nargs="*", help="the same on PostgreSQL (default 10k 100k)"
    )
    args = parser.parse_args()
    settings = Settings.quick() if args.quick else Settings()
    if args.sizes:
        settings.sizes = tuple(args.sizes)
    if args.pg_sizes is not None:
        settings.pg_sizes = tuple(args.pg_sizes)
    postgres = postgres_version() if settings.pg_sizes else None
    if settings.pg_sizes and postgres is None:
        say(f"PostgreSQL does not answer at {POSTGRES}: SQLite only")
    targets = [Target(size) for size in settings.sizes]
    if postgres:
        targets += [Target(size, postgres=True) for size in settings.pg_sizes]
    # Size by size, SQLite first: should the budget run short, the largest goes untried.
    targets.sort(key=lambda target: (target.size, target.postgres))
    out = args.out or (None if args.quick else HERE / "results.json")
    clock = Clock(BUDGET_SECONDS)
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres,
        "server": f"gunicorn, {WORKERS} sync workers, 127.0.0.1",
        "client": "httpx AsyncClient in one asyncio process on the same machine",
        # Other work on the machine shares its cores with the server and the client.
        "load_average_at_start": os.getloadavg()[0],
        "cpu_probe_ms_at_start": cpu_probe_ms(),
    }
    scratch = Path(tempfile.mkdtemp(prefix="recruit-bench-"))
    runs: dict[Target, dict] = {}
    try:
        say("baselines ...")
        (scratch / "baseline").mkdir()
        base = run_baselines(scratch / "baseline", settings, postgres is not None)
        say("the floor: a bare form and a bare move under the same loads ...")
        base.update(run_floors(scratch / "baseline", settings, postgres is not None))
        for target in targets:
            if runs and clock.left() < 120:
                say(f"skipping {target.column}: the ten-minute budget is nearly spent")
                continue
            folder = scratch / target.key
            folder.mkdir()
            last = target.size == max(t.size for t in targets if t.postgres == target.postgres)
            name = f"recruit_bench_{os.getpid()}_{target.size}"
            if target.postgres:
                database = scratch_postgres(name)
            else:
                database = f"sqlite:///{folder / 'recruit.sqlite'}"
            try:
                runs[target] = run_size(target, database, folder, settings, clock, last)
            finally:
                # A 100,000-candidate database is large: free it now.
                if target.postgres:
                    scratch_postgres(name, drop=True)
                shutil.rmtree(folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    targets = list(runs)
    meta["seconds"] = round(clock.elapsed(), 1)
    meta["load_average_at_end"] = os.getloadavg()[0]
    meta["cpu_probe_ms_at_end"] = cpu_probe_ms()
    print(
        f"Recruit bench, {meta['date']}, {meta['machine']}, SQLite {meta['sqlite']}, "
        f"PostgreSQL {meta['postgresql'] or 'not measured'}, "
        f"load average {meta['load_average_at_start']:.1f} at start; CPU probe "
        f"{meta['cpu_probe_ms_at_start']} ms at start, {meta['cpu_probe_ms_at_end']} ms at end"
    )
    print(
        "Pages: one request at a time after a warm-up, in three rounds of ten that take "
        "turns (pages drawn afresh after them); server = the app's own time (its "
        "Server-Timing header), client = latency over loopback; ratio = ours / baseline "
        "(client medians, or rates) at the largest size, over the baseline on the same "
        "database; PG columns are PostgreSQL."
    )
    print(table(targets, runs, base))
    print(f"(run took {meta['seconds']} s)")
    if out is not None:
        out.write_text(json.dumps(as_json(settings, targets, runs, base, meta), indent=2) + "\n")
        say(f"wrote {out}")


if __name__ == "__main__":
    main()
