"""Full-text search over candidates: FTS5 on SQLite, tsvector on PostgreSQL.

The index holds one row per candidate (name, email, university, major, tags, notes);
recruit.pipeline.search_index writes it, this module reads it.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import (
    Select,
    Subquery,
    any_,
    case,
    column,
    func,
    literal_column,
    or_,
    select,
    text,
    union,
)
from sqlalchemy import table as table_clause

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
_SQLITE_WEIGHTS = ", ".join(str(weight) for weight in SQLITE_WEIGHTS)
POSTGRES_WEIGHTS = ("A", "B", "C", "C", "B", "D")


def fold(value: str) -> str:
    """Lower-case and strip accents, so 'José' and 'jose' are the same word."""
    if value.isascii():  # no accents to strip: most text, read a character at a time below
        return value.casefold()
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def terms(query: str) -> list[str]:
    """The words of a search, folded, without the characters query syntax reserves."""
    words = re.findall(r"[^\s\"'():*&|!<>^+\-\\]+", fold(query))
    return words[:MAX_TERMS]


# A search lists, ranks and counts at most this many matches: ranking every match of a
# common surname (a tenth of a large office) and reading each one's row to count it cost
# more than the page they fill. Past it the list says "more than" and its pages stop.
SEARCH_CAP = 1000
# The field whose match makes a candidate worth ranking however old the record: a name
# (weighed most) must not be lost behind a thousand newer mentions in notes.
STRONG_FIELD = "name"
_INDEX = table_clause(TABLE, column("rowid"), column("candidate_id"), column("document"))


def _sqlite_match(words: list[str], field: str | None = None) -> str:
    """Every word as a prefix; in one field, every word whole (a name typed in full)."""
    ending = "" if field else "*"
    match = " ".join('"' + word.replace('"', '""') + '"' + ending for word in words)
    return f"{{{field}}} : ({match})" if field else match


def _postgres_query(words: list[str], weights: str = ""):
    """Every word as a prefix; with weights (one field), every word whole."""
    ending = ":" + weights if weights else ":*"
    return func.to_tsquery(
        "simple", " & ".join("'" + word.replace("'", "''") + "'" + ending for word in words)
    )


# --- querying -------------------------------------------------------------------------


def matched(query: str, dialect: str, strong: bool = False) -> Subquery | None:
    """A subquery of the candidate_id of each match, unranked (only those whose name has
    every word whole, when strong); None for no words. Candidates join it on joined_id().
    On PostgreSQL every match also says, as named, whether its name has every word whole
    (counted among the newest matches, it spares ranked_from() a search of the names),
    and its rank, as matching() ranks it, read only where a query uses it."""
    words = terms(query)
    if not words:
        return None
    if dialect == "sqlite":
        match = _sqlite_match(words, STRONG_FIELD if strong else None)
        found = select(_INDEX.c.rowid.label("candidate_id")).where(
            literal_column(TABLE).op("MATCH")(match)
        )
    else:
        strong_weight = POSTGRES_WEIGHTS[FIELDS.index(STRONG_FIELD)]
        tsquery = _postgres_query(words, strong_weight if strong else "")
        columns = [_INDEX.c.candidate_id]
        if not strong:
            named = _INDEX.c.document.op("@@")(_postgres_query(words, strong_weight))
            rank = -func.ts_rank(_INDEX.c.document, tsquery)
            columns += [named.label("named"), rank.label("rank")]
        found = select(*columns).where(_INDEX.c.document.op("@@")(tsquery))
    return found.subquery("strong" if strong else "found")


def named_flag(found: Subquery):
    """The column of matched() that says a match's name has every word whole, where the
    database gives one (PostgreSQL); else None."""
    return found.c.get("named")


# Past any candidate's id: where a walk of the index starts when there is nothing to find.
_PAST_EVERY_ID = 2**63 - 1


def _oldest_of(newest):
    """SQL: the oldest id in newest, from which SQLite walks its index again; past every
    id when newest is empty (from NULL, SQLite would walk every match)."""
    return select(func.coalesce(func.min(newest.c.id), _PAST_EVERY_ID)).scalar_subquery()


def named_count(query: str, dialect: str, newest):
    """SQL: how many of the matches in newest (a CTE of matched()'s rows as id, with
    named_flag() as named where the database gives it) have every word whole in the
    name. SQLite walks the name's matches from the oldest of newest on: its index
    cannot say of one match which fields it matched."""
    if "named" in newest.c:
        return func.count().filter(newest.c.named)
    strong = matched(query, dialect, strong=True)
    return (
        select(func.count())
        .select_from(strong)
        .where(
            strong.c.candidate_id >= _oldest_of(newest),
            (strong.c.candidate_id + 0).in_(select(newest.c.id)),
        )
        .scalar_subquery()
    )


def newest_ranked(query: str, dialect: str, newest):
    """The matches in newest (a CTE of matched()'s rows as id, with rank_of() as rank
    where the database gives it) as (id, rank), ranked as matching() ranks them. SQLite
    ranks only within the statement that has the MATCH, so its index is walked again
    from the oldest of newest on; a statement that asks for this only when it needs
    the ranks (a CASE) spares a broad search such as "a" its costly bm25() otherwise."""
    if "rank" in newest.c:
        return newest
    return (
        select(
            _INDEX.c.rowid.label("id"),
            literal_column(f"bm25({TABLE}, {_SQLITE_WEIGHTS})").label("rank"),
        )
        .where(
            literal_column(TABLE).op("MATCH")(_sqlite_match(terms(query))),
            _INDEX.c.rowid >= _oldest_of(newest),
            (_INDEX.c.rowid + 0).in_(select(newest.c.id)),
        )
        .subquery("newest_ranked")
    )


def rank_of(found: Subquery):
    """The column of matched() that ranks a match as matching() does (best first), where
    the database can rank outside the search itself (PostgreSQL); else None."""
    return found.c.get("rank")


def joined_id(found: Subquery, dialect: str):
    """The match's candidate id as a join should use it. On SQLite the full-text index
    must drive the join (it yields matches in id order and stops at a LIMIT): were the
    join free to look matches up by id, a filter such as a university would have SQLite
    ask the index once per candidate of that university, a whole search each time (a
    second for a common surname at 100,000 candidates). Adding 0 hides the id from it."""
    return found.c.candidate_id + 0 if dialect == "sqlite" else found.c.candidate_id


def newest_suffice(named_from_oldest):
    """SQL: whether a search past the cap ranks its newest matches alone, given how many
    of them have the name (named_count()): as many as the cap, so the newest name
    matches are all among them."""
    return named_from_oldest >= SEARCH_CAP


def ranked_from(
    query: str,
    dialect: str,
    oldest: int,
    under_filters: Callable[[Subquery], Select],
    named_from_oldest: int | None = None,
    newest: int | None = None,
) -> Subquery:
    """A subquery of (candidate_id, rank) for a search's matches from oldest on and the
    newest SEARCH_CAP under the list's filters whose name has every word whole (so "Wei
    Li" is not lost behind a thousand newer "Liam"s), ranked as a search of every match
    ranks them; candidates join it on joined_id(). under_filters(matches) selects, as
    candidate_id, the matches that pass the list's filters. named_from_oldest, when
    known, is how many of the matches under the filters from oldest on (to newest) have
    the name."""
    words = terms(query)
    strong = matched(query, dialect, strong=True)
    if dialect == "sqlite":
        by_name = (
            under_filters(strong)
            .order_by(strong.c.candidate_id.desc())
            .limit(SEARCH_CAP)
            .cte("by_name")
        )
        oldest_by_name = select(func.min(by_name.c.candidate_id)).scalar_subquery()
        return (
            select(
                _INDEX.c.rowid.label("candidate_id"),
                literal_column(f"bm25({TABLE}, {_SQLITE_WEIGHTS})").label("rank"),
            )
            .where(
                literal_column(TABLE).op("MATCH")(_sqlite_match(words)),
                # One walk of the index from the oldest of either part, ranking only
                # those: handed to the index as "rowid IN (...)" (hidden from it by the
                # + 0), each id would be a whole search of its own.
                _INDEX.c.rowid >= case((oldest_by_name < oldest, oldest_by_name), else_=oldest),
                or_(_INDEX.c.rowid >= oldest, (_INDEX.c.rowid + 0).in_(select(by_name))),
            )
            .subquery("ranked")
        )
    tsquery = _postgres_query(words)
    rank = (-func.ts_rank(_INDEX.c.document, tsquery)).label("rank")
    # PostgreSQL reads a name's rare matches through the GIN index (the OFFSET 0 keeps
    # it from walking the table newest first in search of them), and looks the set up
    # as an array: told "IN (...)", it expects a thousand lookups to cost more than
    # reading the whole table, and reads it.
    any_order = select(strong.c.candidate_id).offset(0).subquery("strong_any_order")
    by_name = (
        under_filters(any_order)
        .order_by(any_order.c.candidate_id.desc())
        .limit(SEARCH_CAP)
        .subquery("by_name")
    )
    recent = select(_INDEX.c.candidate_id).where(
        _INDEX.c.candidate_id >= oldest, _INDEX.c.document.op("@@")(tsquery)
    )
    parts = [recent, select(by_name.c.candidate_id)]
    missing = SEARCH_CAP - (named_from_oldest or 0)
    if named_from_oldest is not None and newest is not None and named_from_oldest >= missing:
        # Names are common among the newest matches, so the few name matches still
        # missing are likely just older than oldest: they are looked for by walking
        # back as far again as the newest matches span, and only if that walk falls
        # short are all the name matches read through the GIN index.
        lowest = oldest - (newest - oldest + 1)
        window = (
            select(strong.c.candidate_id)
            .where(strong.c.candidate_id >= lowest, strong.c.candidate_id < oldest)
            .subquery("named_window")
        )
        before = (
            under_filters(window)
            .order_by(window.c.candidate_id.desc())
            .limit(missing)
            .cte("named_before")
        )
        short = select(func.count()).select_from(before).scalar_subquery() < missing
        parts = [recent, select(before.c.candidate_id), parts[1].where(short)]
    bounded = union(*parts).subquery("bounded")
    return (
        select(_INDEX.c.candidate_id, rank)
        .where(
            _INDEX.c.candidate_id
            == any_(func.array(select(bounded.c.candidate_id).scalar_subquery()))
        )
        .subquery("ranked")
    )


def matching(query: str, dialect: str) -> Select | None:
    """A select of (candidate_id, rank) for a search, best first; None for no words."""
    words = terms(query)
    if not words:
        return None
    if dialect == "sqlite":
        match = _sqlite_match(words)
        return (
            select(
                literal_column("rowid").label("candidate_id"),
                literal_column(f"bm25({TABLE}, {_SQLITE_WEIGHTS})").label("rank"),
            )
            .select_from(text(TABLE))
            .where(text("candidate_search MATCH :match"))
            .params(match=match)
        )
    tsquery = _postgres_query(words)
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


def searched_fields(candidate_id, dialect: str):
    """SQL: the search table's text fields (FIELDS, in order) for a join to the candidate
    whose id is given (the full-text table's rowid on SQLite), so that a page of results
    reads what highlights() marks in the statement that reads its rows."""
    key = "rowid" if dialect == "sqlite" else "candidate_id"
    searched = table_clause(TABLE, column(key), *(column(field) for field in FIELDS))
    return searched, searched.c[key] == candidate_id, [searched.c[field] for field in FIELDS]


def highlights(query: str, rows) -> dict[int, Highlight]:
    """For each candidate on a page of results (rows with an id and the searched fields
    read with searched_fields()), the first field the search matched."""
    words = terms(query)
    result = {}
    for row in rows if words else ():
        for field, value in zip(FIELDS, row.searched, strict=True):
            snippet = _mark(value or "", words)
            if snippet is not None:
                result[row.id] = Highlight(FIELD_LABELS[field], snippet)
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
