"""Counting the SQL statements a block or a page sends: every test that holds a page's
query count steady as rows grow measures it this one way."""

from contextlib import contextmanager

from sqlalchemy import event

from recruit import database
from recruit.extensions import db


@contextmanager
def counting_queries():
    """Collect every statement sent to the database while the block runs."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, _parameters, _context, _executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def page_queries(client, url: str) -> tuple[int, str]:
    """How many statements one steady request for url sends, and the page it answered.

    A first request compiles the templates and fills the caches. The counted one asks
    for a new address (url with one more argument, which pages ignore), as the first
    request after a change does: what a worker keeps for an address
    (recruit.cached.fragment) is never its answer, so the count is of the page drawn.
    Requests in tests share the test's app context and so its session: each counted one
    starts from an empty session, as a real request does, or rows loaded earlier would
    hide lazy loads."""
    counted = f"{url}{'&' if '?' in url else '?'}counted=1"
    # Both requests see one instant, so the copies of the stages, universities and
    # settings the first one made are the second's too.
    held = database._frozen
    database._frozen = held or database.utcnow()
    try:
        db.session.remove()
        assert client.get(url).status_code == 200
        db.session.remove()
        with counting_queries() as statements:
            response = client.get(counted)
        assert response.status_code == 200
        db.session.remove()
    finally:
        database._frozen = held
    return len(statements), response.get_data(as_text=True)


def queries_for(client, url: str) -> int:
    """How many statements one steady request for url sends."""
    return page_queries(client, url)[0]


@contextmanager
def recording_statements():
    """Collect every statement sent while the block runs, with the parameters it was sent
    with, to run again or explain."""
    sent: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
