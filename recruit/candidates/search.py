"""Full-text search over candidates: FTS5 on SQLite, tsvector on PostgreSQL.

The index holds one row per candidate (name, email, university, major, tags, notes) and
is kept in step with the tables by a session hook: whatever flushes a change to a
candidate, a note or a tag also rewrites that candidate's row.
"""

import re
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import Select, bindparam, event, func, inspect, literal_column, select, text
from sqlalchemy.orm import Session

from recruit.candidates.models import Candidate, Note, Tag, candidate_tags
from recruit.universities.models import University

TABLE = "candidate_search"
FIELDS = ("name", "email", "university", "major", "tags", "notes")
FIELD_LABELS = {
    "name": "Name",
    "email": "Email",
    "university": "University",
    "major": "Major",
    "tags": "Tags",
    "notes": "Notes",
}
MAX_TERMS = 8
# How much a match in each field counts, so a name outranks a passing mention in a note.
# SQLite's bm25() takes one weight per column; PostgreSQL's ts_rank() knows four classes.
SQLITE_WEIGHTS = (10.0, 6.0, 3.0, 2.0, 3.0, 1.0)
POSTGRES_WEIGHTS = ("A", "B", "C", "C", "B", "D")


def fold(value: str) -> str:
    """Lower-case and strip accents, so 'José' and 'jose' are the same word."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def terms(query: str) -> list[str]:
    """The words of a search, folded, without the characters query syntax reserves."""
    words = re.findall(r"[^\s\"'():*&|!<>^+\-]+", fold(query))
    return words[:MAX_TERMS]


# --- keeping the index in step -------------------------------------------------------


def _documents(connection, ids: list[int]) -> list[dict]:
    """The text to index for these candidates, read with three queries."""
    rows = connection.execute(
        select(
            Candidate.id,
            Candidate.first_name,
            Candidate.last_name,
            Candidate.email,
            Candidate.major,
            Candidate.university_other,
            University.name,
            University.college,
        )
        .outerjoin(University, University.id == Candidate.university_id)
        .where(Candidate.id.in_(ids))
    ).all()
    tags: dict[int, list[str]] = {}
    for candidate_id, name in connection.execute(
        select(candidate_tags.c.candidate_id, Tag.name)
        .join(Tag, Tag.id == candidate_tags.c.tag_id)
        .where(candidate_tags.c.candidate_id.in_(ids))
    ):
        tags.setdefault(candidate_id, []).append(name)
    notes: dict[int, list[str]] = {}
    for candidate_id, body in connection.execute(
        select(Note.candidate_id, Note.body).where(Note.candidate_id.in_(ids))
    ):
        notes.setdefault(candidate_id, []).append(body)
    documents = []
    for row in rows:
        university = " ".join(part for part in (row[6], row[7], row[5]) if part)
        documents.append(
            {
                "candidate_id": row[0],
                "name": f"{row[1]} {row[2]}",
                "email": row[3],
                "university": university,
                "major": row[4] or "",
                "tags": " ".join(sorted(tags.get(row[0], []))),
                "notes": "\n".join(notes.get(row[0], [])),
            }
        )
        for name in FIELDS:
            documents[-1][f"folded_{name}"] = fold(documents[-1][name])
        # PostgreSQL's parser keeps a whole address as one word, so "csu.example" or
        # "ana.okafor@csu" would not find it; the halves around the @ are indexed too.
        # (SQLite's tokenizer splits the address by itself.)
        email = documents[-1]["email"]
        documents[-1]["folded_email"] = fold(f"{email} {email.replace('@', ' ')}")
    return documents


def reindex(connection, ids) -> None:
    """Rewrite the index rows of these candidates (deleted ones simply disappear)."""
    ids = sorted(set(ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        key = "rowid" if connection.dialect.name == "sqlite" else "candidate_id"
        connection.execute(
            text(f"DELETE FROM {TABLE} WHERE {key} IN :ids").bindparams(  # noqa: S608
                bindparam("ids", expanding=True)
            ),
            {"ids": chunk},
        )
        documents = _documents(connection, chunk)
        if documents:
            connection.execute(_insert_statement(connection.dialect.name), documents)


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
        if isinstance(obj, Note) and obj.candidate_id is not None:
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


# --- querying -------------------------------------------------------------------------


def matching(query: str, dialect: str) -> Select | None:
    """A select of (candidate_id, rank) for a search, best first; None for no words."""
    words = terms(query)
    if not words:
        return None
    if dialect == "sqlite":
        match = " ".join('"' + word.replace('"', '""') + '"*' for word in words)
        return (
            select(
                literal_column("rowid").label("candidate_id"),
                literal_column(f"bm25({TABLE}, {', '.join(str(w) for w in SQLITE_WEIGHTS)})").label(
                    "rank"
                ),
            )
            .select_from(text(TABLE))
            .where(text("candidate_search MATCH :match"))
            .params(match=match)
        )
    tsquery = func.to_tsquery(
        "simple",
        " & ".join("'" + word.replace("'", "''").replace("\\", "") + "':*" for word in words),
    )
    document = literal_column("document")
    return (
        select(
            literal_column("candidate_id").label("candidate_id"),
            (-func.ts_rank(document, tsquery)).label("rank"),
        )
        .select_from(text(TABLE))
        .where(document.op("@@")(tsquery))
    )


@dataclass
class Highlight:
    """Where a search matched one candidate, ready to show."""

    field: str
    snippet: Markup


def highlights(connection, query: str, ids: list[int]) -> dict[int, Highlight]:
    """For each candidate on a page of results, the first field the search matched."""
    words = terms(query)
    if not words or not ids:
        return {}
    key = "rowid" if connection.dialect.name == "sqlite" else "candidate_id"
    rows = connection.execute(
        text(
            f"SELECT {key}, {', '.join(FIELDS)} FROM {TABLE} WHERE {key} IN :ids"  # noqa: S608
        ).bindparams(bindparam("ids", expanding=True)),
        {"ids": ids},
    ).all()
    result = {}
    for row in rows:
        for field, value in zip(FIELDS, row[1:], strict=True):
            snippet = _mark(value or "", words)
            if snippet is not None:
                result[row[0]] = Highlight(FIELD_LABELS[field], snippet)
                break
    return result


def _mark(value: str, words: list[str], width: int = 60) -> Markup | None:
    """The value around its first matching word, with matches in <mark>; None if none."""
    folded = fold(value)
    if len(folded) != len(value):
        folded = value.casefold()  # rare letters whose folding changes length
    spans = []
    for word in words:
        for found in re.finditer(r"(?<!\w)" + re.escape(word), folded):
            spans.append((found.start(), found.end()))
    if not spans:
        return None
    spans.sort()
    start = max(0, spans[0][0] - width)
    end = min(len(value), spans[0][1] + width)
    out, cursor = [], start
    for begin, finish in spans:
        if begin < cursor or finish > end:
            continue
        out.append(escape(value[cursor:begin]))
        out.append(Markup("<mark>") + escape(value[begin:finish]) + Markup("</mark>"))
        cursor = finish
    out.append(escape(value[cursor:end]))
    if start > 0:
        out.insert(0, escape("… "))
    if end < len(value):
        out.append(escape(" …"))
    return Markup("").join(out)
