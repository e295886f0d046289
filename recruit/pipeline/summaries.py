"""Per-candidate summaries of the stage history, which the reports read instead of every
candidate's history: when it began, and when each step was first reached."""

from collections.abc import Iterable

from sqlalchemy import Table, event, func, inspect, select, update
from sqlalchemy.orm import Session

from recruit.candidates.models import Candidate, Stage, StageChange
from recruit.pipeline.rules import StageKey, reached

# Each summary column with the step it says was reached (None: the history's first change).
STEPS = {
    "pipeline_entered_at": None,
    "reached_interview_at": StageKey.INTERVIEW,
    "reached_offer_at": StageKey.OFFER,
    "reached_intern_at": StageKey.ACTIVE_INTERN,
    "reached_hired_at": StageKey.HIRED,
}
COLUMNS = tuple(STEPS)
# A stage's place on the main path decides which stages count as reaching Interview.
STAGE_ATTRIBUTES = ("position", "kind")
# Ids per UPDATE when a list is given, well under every database's parameter limit.
CHUNK = 500


def summary_values(candidates: Table) -> dict:
    """SQL, per row of the candidates table: each summary as its history says now.

    The one definition: moves, entries, merges and stage reorders rewrite the summaries
    with it, the rebuild command and migration 0019 fill them with it, and the tests
    compare the stored summaries with it."""

    def first(key: StageKey | None):
        query = select(func.min(StageChange.created_at)).where(
            StageChange.candidate_id == candidates.c.id
        )
        if key is not None:
            query = query.where(StageChange.to_stage_id.in_(reached(key)))
        return query.scalar_subquery()

    return {column: first(key) for column, key in STEPS.items()}


def rebuild(connection, candidate_ids: Iterable[int] | None = None) -> int:
    """Rewrite the summaries of the given candidates (all when None) from their
    histories, in batch SQL; returns how many rows were written."""
    candidates = Candidate.__table__
    # Stated, or the column's onupdate would make a summary look like an edit.
    statement = update(candidates).values(
        **summary_values(candidates), updated_at=candidates.c.updated_at
    )
    if candidate_ids is None:
        return connection.execute(statement).rowcount
    ids = sorted(set(candidate_ids))
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        written += connection.execute(statement.where(candidates.c.id.in_(chunk))).rowcount
    return written


def recomputed(connection) -> dict[int, tuple]:
    """Every candidate's summaries as the history says now, by id (for checks)."""
    candidates = Candidate.__table__
    values = summary_values(candidates)
    rows = connection.execute(select(candidates.c.id, *values.values()))
    return {row[0]: tuple(row[1:]) for row in rows}


def stored(connection) -> dict[int, tuple]:
    """Every candidate's stored summaries, by id."""
    candidates = Candidate.__table__
    rows = connection.execute(
        select(candidates.c.id, *(candidates.c[column] for column in COLUMNS))
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def refresh(session: Session, candidate_ids: Iterable[int] | None = None) -> None:
    """Rewrite summaries in a session's transaction (after a bulk change of history the
    session's hooks cannot see) and let its loaded candidates read them afresh."""
    ids = None if candidate_ids is None else set(candidate_ids)
    rebuild(session.connection(), ids)
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
        elif isinstance(obj, Stage) and obj in session.dirty and _reach_changed(obj):
            session.info["summaries_all"] = True


@event.listens_for(Session, "after_flush_postexec")
def _apply_changes(session, _context):
    """Rewrite the touched candidates' summaries (everyone's after a stage reorder) in the
    same transaction."""
    ids = session.info.pop("summaries_candidates", set())
    everyone = session.info.pop("summaries_all", False)
    if everyone:
        refresh(session)
    elif ids:
        refresh(session, ids)
