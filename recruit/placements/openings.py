"""Open positions as students see them, and the openings each student chose."""

from functools import cache

from sqlalchemy import Select, bindparam, delete, func, or_, select, true

from recruit.candidates.models import Candidate
from recruit.database import parse_id
from recruit.extensions import db
from recruit.placements.models import CandidateOpening, Position, PositionStatus

# More ids than this in one form are not a student's choice.
MOST_CHOSEN_AT_ONCE = 100


def open_positions_query() -> Select:
    """SQL: positions students may choose, soonest start first (the openings page pages it)."""
    return (
        select(Position)
        .where(Position.status == PositionStatus.OPEN)
        .order_by(Position.starts_on.is_(None), Position.starts_on, Position.title, Position.id)
    )


def opening_choices() -> list[tuple[str, str]]:
    """(id, "title · agency") for the form's "Openings you are interested in"."""
    # Three columns, not whole positions: every view and every send of the form reads
    # them, and well over a hundred open positions made whole cost a millisecond or two.
    query = open_positions_query().with_only_columns(Position.id, Position.title, Position.agency)
    return [(str(i), f"{title} · {agency}") for i, title, agency in db.session.execute(query)]


@cache
def _chosen_openings():
    # Built once: the candidate's page and the student's own page both ask.
    return (
        select(Position)
        .join(CandidateOpening, CandidateOpening.position_id == Position.id)
        .where(CandidateOpening.candidate_id == bindparam("candidate_id"))
        .order_by(Position.title)
    )


def chosen_openings(candidate: Candidate) -> list[Position]:
    """The positions a candidate said they are interested in, by title."""
    return list(db.session.scalars(_chosen_openings(), {"candidate_id": candidate.id}))


def add_openings(candidate: Candidate, position_ids: list[int]) -> list[int]:
    """Add open positions to what a candidate chose (a form sent again adds, never
    removes); ids of positions that are not open are ignored. Returns the ids added."""
    added = sorted(open_ids(position_ids) - chosen_ids(candidate))
    for position_id in added:
        db.session.add(CandidateOpening(candidate_id=candidate.id, position_id=position_id))
    db.session.flush()
    return added


def replace_openings(candidate: Candidate, position_ids: list[int]) -> None:
    """Set the open positions a candidate chose (their own page); choices of positions
    that have since closed stay, since the student can no longer see them to untick."""
    wanted = open_ids(position_ids)
    open_now = select(Position.id).where(Position.status == PositionStatus.OPEN)
    db.session.execute(
        delete(CandidateOpening).where(
            CandidateOpening.candidate_id == candidate.id,
            CandidateOpening.position_id.in_(open_now),
            CandidateOpening.position_id.not_in(wanted) if wanted else true(),
        )
    )
    add_openings(candidate, list(wanted))


def chosen_count(position: Position) -> int:
    """How many candidates said they are interested in a position."""
    return db.session.scalar(
        select(func.count()).where(CandidateOpening.position_id == position.id)
    )


def opening_filter_choices() -> list[tuple[str, str]]:
    """(id, "title · agency (term)") for staff's "Opening" filter: the open positions and
    any other that a candidate chose, open ones first."""
    chosen = select(CandidateOpening.position_id).where(CandidateOpening.position_id == Position.id)
    rows = db.session.execute(
        select(Position.id, Position.title, Position.agency, Position.term)
        .where(or_(Position.status == PositionStatus.OPEN, chosen.exists()))
        .order_by(Position.status != PositionStatus.OPEN, Position.title, Position.id)
        .limit(300)
    )
    return [(str(row.id), f"{row.title} · {row.agency} ({row.term})") for row in rows]


def chosen_ids(candidate: Candidate) -> set[int]:
    """The ids of the positions a candidate chose."""
    return set(
        db.session.scalars(
            select(CandidateOpening.position_id).where(
                CandidateOpening.candidate_id == candidate.id
            )
        )
    )


def open_ids(position_ids) -> set[int]:
    """Those of the ids given that are open positions (at most MOST_CHOSEN_AT_ONCE read).
    Anything a client sent is read with care: ids past what an INTEGER holds, or digits
    int() refuses ("²"), are no position."""
    ids = {parse_id(str(i)) for i in list(position_ids)[:MOST_CHOSEN_AT_ONCE]} - {None}
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(Position.id).where(Position.id.in_(ids), Position.status == PositionStatus.OPEN)
        )
    )
