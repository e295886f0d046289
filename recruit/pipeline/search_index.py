"""The search document: one row per candidate (name, email and alternate addresses,
university, major, tags, notes), kept in step with the tables by a session hook and
rewritten only from here.

Whatever flushes a change to a candidate, a note or a university rewrites the candidate's
row; writers that bypass the session (a bulk UPDATE) call reindex() themselves.
"""

from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, event, inspect, select, text
from sqlalchemy.orm import Session

from recruit.candidates.models import Candidate, CandidateEmail, Note, Tag, candidate_tags
from recruit.candidates.search import FIELDS, POSTGRES_WEIGHTS, TABLE, fold
from recruit.database import json_rows
from recruit.universities.models import University


@cache
def _document_query():
    """The SELECT _documents runs for the ids bound as "ids": each candidate's row with
    their tags, notes and alternate addresses as JSON columns beside it (see json_rows),
    one statement where there were four; built once per process, since every new
    candidate and every edit runs it."""
    of_candidate = Candidate.id
    tags = (
        select(json_rows(Tag.name))
        .select_from(candidate_tags)
        .join(Tag, Tag.id == candidate_tags.c.tag_id)
        .where(candidate_tags.c.candidate_id == of_candidate)
        .scalar_subquery()
    )
    notes = (
        select(json_rows(Note.created_at, Note.id, Note.body))
        .where(Note.candidate_id == of_candidate)
        .scalar_subquery()
    )
    alternates = (
        select(json_rows(CandidateEmail.email))
        .where(CandidateEmail.candidate_id == of_candidate)
        .scalar_subquery()
    )
    return (
        select(
            Candidate.id,
            Candidate.first_name,
            Candidate.last_name,
            Candidate.email,
            Candidate.major,
            Candidate.university_other,
            University.name,
            University.college,
            tags,
            notes,
            alternates,
        )
        .outerjoin(University, University.id == Candidate.university_id)
        .where(Candidate.id.in_(bindparam("ids", expanding=True)))
    )


def _documents(connection, ids: list[int]) -> list[dict]:
    """The text to index for these candidates, read in one statement."""
    documents = []
    for row in connection.execute(_document_query(), {"ids": ids}):
        candidate_id, first, last, email, major, other, name, college, tags, notes, alternates = row
        university = " ".join(part for part in (name, college, other) if part)
        # Notes in the order they were written; tags and addresses alphabetically.
        written = sorted((datetime.fromisoformat(at), note_id, body) for at, note_id, body in notes)
        documents.append(
            {
                "candidate_id": candidate_id,
                "name": f"{first} {last}",
                # Addresses kept from merged duplicates find the record as its own does.
                "email": " ".join([email, *sorted(address for (address,) in alternates)]),
                "university": university,
                "major": major or "",
                "tags": " ".join(sorted(tag for (tag,) in tags)),
                "notes": "\n".join(body for _at, _id, body in written),
            }
        )
        for field in FIELDS:
            documents[-1][f"folded_{field}"] = fold(documents[-1][field])
        # PostgreSQL's parser keeps a whole address as one word, so "csu.example" or
        # "ana.okafor@csu" would not find it; the halves around the @ are indexed too.
        # (SQLite's tokenizer splits the address by itself.)
        address = documents[-1]["email"]
        documents[-1]["folded_email"] = fold(f"{address} {address.replace('@', ' ')}")
    return documents


def reindex(connection, ids) -> None:
    """Rewrite the index rows of these candidates (deleted ones simply disappear)."""
    ids = sorted(set(ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        connection.execute(_delete_statement(connection.dialect.name), {"ids": chunk})
        documents = _documents(connection, chunk)
        if documents:
            connection.execute(_insert_statement(connection.dialect.name), documents)


@cache
def _delete_statement(dialect: str):
    key = "rowid" if dialect == "sqlite" else "candidate_id"
    return text(f"DELETE FROM {TABLE} WHERE {key} IN :ids").bindparams(  # noqa: S608
        bindparam("ids", expanding=True)
    )


@cache
def _insert_statement(dialect: str):
    columns = ", ".join(FIELDS)
    values = ", ".join(f":{name}" for name in FIELDS)
    if dialect == "sqlite":
        return text(
            f"INSERT INTO {TABLE} (rowid, {columns}) VALUES (:candidate_id, {values})"  # noqa: S608
        )
    # One weighted vector per field: an unweighted document would rank a name and a note
    # alike.
    document = " || ".join(
        f"setweight(to_tsvector('simple', :folded_{name}), '{weight}')"
        for name, weight in zip(FIELDS, POSTGRES_WEIGHTS, strict=True)
    )
    return text(
        f"INSERT INTO {TABLE} (candidate_id, {columns}, document) "  # noqa: S608
        f"VALUES (:candidate_id, {values}, {document})"
    )


def purge_deleted(connection) -> None:
    """Drop what deleted and rewritten documents leave in the index (erasure): SQLite's
    full-text index keeps a removed word in its older segments until they are merged, so
    an erased name would stay in its tables. (PostgreSQL's rows are plain table rows.)"""
    if connection.dialect.name == "sqlite":
        # Rewrite the tables' own changes first: they are what the merge reads.
        connection.execute(text(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')"))  # noqa: S608


def rebuild(connection) -> int:
    """Rebuild the whole index from the tables; returns how many candidates it holds."""
    connection.execute(text(f"DELETE FROM {TABLE}"))  # noqa: S608
    ids = connection.execute(select(Candidate.id)).scalars().all()
    reindex(connection, ids)
    return len(ids)


# What the index holds of a candidate row itself; other changes (a stage move, a new
# stage-change row in its history) leave its index row as it was.
INDEXED_ATTRIBUTES = (
    "first_name",
    "last_name",
    "email",
    "major",
    "university_id",
    "university_other",
    "tags",
)


def _index_changed(candidate: Candidate) -> bool:
    state = inspect(candidate)
    return any(state.attrs[name].history.has_changes() for name in INDEXED_ATTRIBUTES)


def _touched_candidates(session: Session) -> set[int]:
    ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Note | CandidateEmail) and obj.candidate_id is not None:
            ids.add(obj.candidate_id)
        elif isinstance(obj, Candidate) and obj.id is not None:
            if obj in session.dirty and not _index_changed(obj):
                continue
            ids.add(obj.id)
    return ids


def _touched_universities(session: Session) -> set[int]:
    return {obj.id for obj in session.dirty if isinstance(obj, University)}


@event.listens_for(Session, "after_flush")
def _collect_changes(session, _context):
    """Note which candidates a flush touched, directly or through notes and universities."""
    session.info.setdefault("search_reindex", set()).update(_touched_candidates(session))
    session.info.setdefault("search_universities", set()).update(_touched_universities(session))


@event.listens_for(Session, "after_flush_postexec")
def _apply_changes(session, _context):
    """Rewrite the touched candidates' index rows in the same transaction."""
    ids = session.info.pop("search_reindex", set())
    universities = session.info.pop("search_universities", set())
    if not ids and not universities:
        return
    connection = session.connection()
    if universities:
        ids |= set(
            connection.execute(
                select(Candidate.id).where(Candidate.university_id.in_(universities))
            ).scalars()
        )
    reindex(connection, ids)
