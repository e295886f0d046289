"""Two bare Flask views that set the floor for `make bench`'s figures.

    RECRUIT_BENCH_BASELINE_DB=/tmp/.../baseline.sqlite gunicorn bench.baseline:app
    RECRUIT_BENCH_BASELINE_DB=postgresql://postgres@127.0.0.1/scratch gunicorn bench.baseline:app

GET /text answers a short text; POST /insert adds one row, with the standard library's
sqlite3 (the same pragmas and write lock Recruit uses) or, given a PostgreSQL address,
with psycopg in its own transaction, so a Recruit figure over its baseline on the same
database shows what the application itself costs.
"""

import os
import sqlite3
import time

from flask import Flask, g

app = Flask(__name__)
DATABASE = os.environ.get("RECRUIT_BENCH_BASELINE_DB", "")
_db: sqlite3.Connection | None = None
_pg = None


def on_postgresql(database: str) -> bool:
    return database.startswith("postgresql://")


def create_table(path: str) -> None:
    """Make the baseline's one table (the runner calls this before gunicorn starts)."""
    if on_postgresql(path):
        import psycopg

        with psycopg.connect(path) as connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS leads (id serial PRIMARY KEY, email text, "
                "created timestamptz)"
            )
        return
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS leads (id INTEGER PRIMARY KEY, email TEXT, created TEXT)"
        )


def _connection() -> sqlite3.Connection:
    # One connection per worker process, kept open as Recruit's connection pool keeps its
    # own: gunicorn's sync workers serve one request at a time.
    global _db
    if _db is None:
        _db = sqlite3.connect(DATABASE, isolation_level=None)
        _db.execute("PRAGMA journal_mode=WAL")
        # FULL, as Recruit's own connections: each commit waits for the disk, and SQLite
        # holds its one write lock meanwhile (NORMAL made the baseline's commits about
        # 0.06 ms against Recruit's 3, so its ratio measured the disk, not Recruit).
        _db.execute("PRAGMA synchronous=FULL")
        _db.execute("PRAGMA busy_timeout=5000")
    return _db


@app.before_request
def start_clock() -> None:
    g.started = time.perf_counter()


@app.after_request
def stamp_time(response):
    """The same Server-Timing header Recruit sends under `make bench`."""
    response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - g.started) * 1000:.2f}"
    return response


@app.get("/text")
def short_text():
    """A short text and nothing else."""
    return "ok"


def _pg_connection():
    # One connection per worker, as for SQLite; psycopg opens a transaction on the first
    # statement, as SQLAlchemy's does for Recruit.
    global _pg
    if _pg is None:
        import psycopg

        _pg = psycopg.connect(DATABASE)
    return _pg


@app.post("/insert")
def insert_row():
    """Insert one row in its own write transaction."""
    if on_postgresql(DATABASE):
        connection = _pg_connection()
        connection.execute(
            "INSERT INTO leads (email, created) VALUES (%s, now())", ("a@b.example",)
        )
        connection.commit()
        return "ok", 201
    connection = _connection()
    connection.execute("BEGIN IMMEDIATE")
    connection.execute(
        "INSERT INTO leads (email, created) VALUES (?, datetime('now'))", ("a@b.example",)
    )
    connection.execute("COMMIT")
    return "ok", 201
