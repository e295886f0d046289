"""Full-text search over candidates: FTS5 on SQLite, tsvector on PostgreSQL.

The index holds one row per candidate (name, email, university, major, tags, notes);
recruit.pipeline.search_index writes it, this module reads it.
"""

import re
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import Select, bindparam, func, literal_column, select, text

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
