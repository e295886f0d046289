"""Per-candidate summaries of the stage history, which the reports read instead of every
candidate's history: when it began, when each step was first reached, and when Offer (or
a later stage) was last entered."""

from collections.abc import Iterable
from functools import cache

from sqlalchemy import bindparam, case, event, func, inspect, or_, select, update
from sqlalchemy.orm import Session

from recruit.candidates.models import Candidate, Stage, StageChange
from recruit.pipeline.rules import OFFER_OR_LATER, StageKey, reached

COLUMNS = (
    "pipeline_entered_at",
    "reached_interview_at",
    "reached_offer_at",
    "reached_intern_at",
    "reached_hired_at",
    "last_offer_or_later_at",
)
# A stage's place on the main path decides which stages count as reaching Interview.
STAGE_ATTRIBUTES = ("position", "kind")
# Ids per UPDATE when a list is given, well under every database's parameter limit.
CHUNK = 500


def from_history(candidate_ids: Iterable[int] | None = None):
    """SQL: per candidate with a history (of those given, or all), each summary as the
    history says now, in one pass over the history grouped by candidate.

    The one definition: moves, entries, merges and stage reorders rewrite the summaries
    with it, the rebuild command and migration 0019 fill them with it, and the tests
    compare the stored summaries with it."""

    def first(key: StageKey):
        return func.min(case((StageChange.to_stage_id.in_(reached(key)), StageChange.created_at)))

    offer_or_later = select(Stage.id).where(Stage.key.in_(OFFER_OR_LATER))
    query = select(
        StageChange.candidate_id.label("candidate_id"),
        # When the history began.
        func.min(StageChange.created_at).label("pipeline_entered_at"),
        first(StageKey.INTERVIEW).label("reached_interview_at"),
        first(StageKey.OFFER).label("reached_offer_at"),
        first(StageKey.ACTIVE_INTERN).label("reached_intern_at"),
        first(StageKey.HIRED).label("reached_hired_at"),
        # The latest entry into Offer or beyond: an offer followed an interview if this
        # comes after it.
        func.max(case((StageChange.to_stage_id.in_(offer_or_later), StageChange.created_at))).label(
            "last_offer_or_later_at"
        ),
    ).group_by(StageChange.candidate_id)
    if candidate_ids is not None:
        query = query.where(StageChange.candidate_id.in_(candidate_ids))
    return query.subquery("summaries")


def _rebuild_some(connection, candidate_ids: list[int] | None, blanks: bool = True) -> int:
    chosen = candidate_ids is not None
    parameters = {"ids": candidate_ids} if chosen else {}
    rewrite, blank = _statements(chosen)
    written = connection.execute(rewrite, parameters).rowcount
    if not blanks:
        return written
    return written + connection.execute(blank, parameters).rowcount


@cache
def _statements(chosen: bool):
    """The two UPDATEs a rebuild runs, for everyone or (chosen) for the ids bound as
    "ids". Built once per process: every move and new candidate runs them, and building
    these expressions again cost more than running them."""
    candidates = Candidate.__table__
    ids = bindparam("ids", expanding=True)
    summaries = from_history(ids if chosen else None)
    # Only rows whose summaries change are written: a stage reorder that changes nobody's
    # step writes nothing, which matters on PostgreSQL, where each write is a new row.
    rewrite = (
        update(candidates)
        .where(
            candidates.c.id == summaries.c.candidate_id,
            or_(
                *(candidates.c[column].is_distinct_from(summaries.c[column]) for column in COLUMNS)
            ),
        )
        # Stated, or the column's onupdate would make a summary look like an edit.
        .values(
            **{column: summaries.c[column] for column in COLUMNS},
            updated_at=candidates.c.updated_at,
        )
    )
    # A candidate without any history (none is left so by Recruit) has no summaries.
    blank = (
        update(candidates)
        .where(
            ~select(StageChange.id).where(StageChange.candidate_id == candidates.c.id).exists(),
            or_(*(candidates.c[column].is_not(None) for column in COLUMNS)),
        )
        .values(**dict.fromkeys(COLUMNS), updated_at=candidates.c.updated_at)
    )
    if chosen:
        blank = blank.where(candidates.c.id.in_(ids))
    return rewrite, blank


def rebuild(connection, candidate_ids: Iterable[int] | None = None, blanks: bool = True) -> int:
    """Rewrite the summaries of the given candidates (all when None) from their
    histories, in batch SQL; returns how many rows changed. Without blanks, a candidate
    left with no history at all keeps what it had: only a stage change deleted or given
    to another candidate can leave one so."""
    if candidate_ids is None:
        return _rebuild_some(connection, None, blanks)
    ids = sorted(set(candidate_ids))
    return sum(
        _rebuild_some(connection, ids[start : start + CHUNK], blanks)
        for start in range(0, len(ids), CHUNK)
    )


def recomputed(connection) -> dict[int, tuple]:
    """Every candidate's summaries as the history says now, by id (for checks)."""
    candidates = Candidate.__table__
    summaries = from_history()
    rows = connection.execute(
        select(candidates.c.id, *(summaries.c[column] for column in COLUMNS)).outerjoin(
            summaries, summaries.c.candidate_id == candidates.c.id
        )
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def stored(connection) -> dict[int, tuple]:
    """Every candidate's stored summaries, by id."""
    candidates = Candidate.__table__
    rows = connection.execute(
        select(candidates.c.id, *(candidates.c[column] for column in COLUMNS))
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def refresh(
    session: Session, candidate_ids: Iterable[int] | None = None, blanks: bool = True
) -> None:
    """Rewrite summaries in a session's transaction (after a bulk change of history the
    session's hooks cannot see) and let its loaded candidates read them afresh."""
    ids = None if candidate_ids is None else set(candidate_ids)
    rebuild(session.connection(), ids, blanks)
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Candidate) and (ids is None or obj.id in ids):
            session.expire(obj, COLUMNS)


# --- keeping them in step with every flush -------------------------------------------


def _changed_candidates(change: StageChange) -> set[int]:
    """The candidates whose history a flushed stage change touched (both, if it moved)."""
    ids = {change.candidate_id} if change.candidate_id is not None else set()
    ids.update(i for i in inspect(change).attrs.candidate_id.history.deleted if i is not None)
    return ids


def _reach_changed(stage: Stage) -> bool:
    state = inspect(stage)
    return any(state.attrs[name].history.has_changes() for name in STAGE_ATTRIBUTES)


@event.listens_for(Session, "after_flush")
def _collect_changes(session, _context):
    """Note whose histories a flush changed, or that a stage moved on the main path."""
    ids = session.info.setdefault("summaries_candidates", set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, StageChange):
            ids.update(_changed_candidates(obj))
            if obj in session.deleted or inspect(obj).attrs.candidate_id.history.deleted:
                session.info["summaries_blanks"] = True
        elif isinstance(obj, Stage) and obj in session.dirty and _reach_changed(obj):
            session.info["summaries_all"] = True


@event.listens_for(Session, "after_flush_postexec")
def _apply_changes(session, _context):
    """Rewrite the touched candidates' summaries (everyone's after a stage reorder) in the
    same transaction."""
    ids = session.info.pop("summaries_candidates", set())
    everyone = session.info.pop("summaries_all", False)
    blanks = session.info.pop("summaries_blanks", False)
    if everyone:
        connection = session.connection()
        if connection.dialect.name == "postgresql":
            # Everyone's summaries are read from the history as one statement sees it: a
            # move not yet committed would be left out and its own summary overwritten.
            # Moves in flight finish first, and new ones wait for this transaction.
            connection.exec_driver_sql("LOCK TABLE stage_changes IN SHARE MODE")
        refresh(session)
    elif ids:
        refresh(session, ids, blanks)
