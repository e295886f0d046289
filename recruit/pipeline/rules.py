"""The pipeline's rules, named once: the standard stages' keys and kinds, and what pages,
reports and services ask of a stage (on the board? closed? placeable? reached?)."""

import enum

from sqlalchemy import and_, case, select
from sqlalchemy.orm import aliased

from recruit.candidates.models import Stage, StageKind


class StageKey(enum.StrEnum):
    """The stable names of the standard stages; admins may rename a stage, its key stays."""

    INTERESTED = "interested"
    SCREENING = "screening"
    INTERVIEW = "interview"
    OFFER = "offer"
    ONBOARDING = "onboarding"
    ACTIVE_INTERN = "active_intern"
    COMPLETED = "completed"
    HIRED = "hired"
    NOT_SELECTED = "not_selected"
    WITHDRAWN = "withdrawn"
    TALENT_POOL = "talent_pool"


# The stages a state office actually uses, in order: (key, name, kind).
STANDARD_STAGES = [
    (StageKey.INTERESTED, "Interested", StageKind.ACTIVE),
    (StageKey.SCREENING, "Screening", StageKind.ACTIVE),
    (StageKey.INTERVIEW, "Interview", StageKind.ACTIVE),
    (StageKey.OFFER, "Offer", StageKind.ACTIVE),
    (StageKey.ONBOARDING, "Onboarding", StageKind.ACTIVE),
    (StageKey.ACTIVE_INTERN, "Active intern", StageKind.ACTIVE),
    (StageKey.COMPLETED, "Completed", StageKind.ACTIVE),
    (StageKey.HIRED, "Hired", StageKind.HIRED),
    (StageKey.NOT_SELECTED, "Not selected", StageKind.CLOSED),
    (StageKey.WITHDRAWN, "Withdrawn", StageKind.CLOSED),
    (StageKey.TALENT_POOL, "Talent pool", StageKind.CLOSED),
]
# The main path through the standard stages, in order; the closed ones leave it.
MAIN_PATH = tuple(key for key, _name, kind in STANDARD_STAGES if kind != StageKind.CLOSED)
# Reaching Offer means entering it or any later stage of the main path (a move may skip it).
OFFER_OR_LATER = MAIN_PATH[MAIN_PATH.index(StageKey.OFFER) :]
CLOSED_STAGES = tuple(key for key, _name, kind in STANDARD_STAGES if kind == StageKind.CLOSED)
# A candidate is placed in a position from these stages only: after an offer, before the
# first day.
PLACEABLE = frozenset({StageKey.OFFER, StageKey.ONBOARDING})


# --- asked of one stage: services, views and templates ----------------------------------


def closed(stage: Stage) -> bool:
    """Has a candidate in this stage left the pipeline (not selected, withdrawn...)?"""
    return stage.kind == StageKind.CLOSED


def hired(stage: Stage) -> bool:
    """Is this stage the pipeline's goal?"""
    return stage.kind == StageKind.HIRED


def on_board(stage: Stage) -> bool:
    """Does the board (and the dashboard) show this stage? Every stage in use not closed."""
    return not closed(stage) and not stage.retired


def placeable(stage: Stage | None) -> bool:
    """May a candidate in this stage be placed in a position (Offer or Onboarding)?"""
    return stage is not None and stage.key in PLACEABLE


# --- the same rules in SQL, for the queries that list and count -------------------------


def closed_clause(stage=Stage):
    """SQL: the stage (or an alias of it) is closed."""
    return stage.kind == StageKind.CLOSED


def on_board_clause(stage=Stage):
    """SQL: the stage is on the board, as on_board() says."""
    return and_(stage.kind != StageKind.CLOSED, stage.retired.is_(False))


def pipeline_order(stage=Stage) -> tuple:
    """ORDER BY terms: the main path's stages in order, then the closed ones."""
    return case((closed_clause(stage), 1), else_=0), stage.position


def reached(key: StageKey):
    """SQL: the ids of the stages whose entry means a candidate reached a step. Interview
    counts any later stage on the main path too (a move may skip a stage); the other
    steps (Offer, Active intern, Hired...) count their own stage only."""
    if key == StageKey.INTERVIEW:
        step = aliased(Stage)
        step_position = select(step.position).where(step.key == key).scalar_subquery()
        return select(Stage.id).where(
            Stage.kind != StageKind.CLOSED, Stage.position >= step_position
        )
    return select(Stage.id).where(Stage.key == key)
