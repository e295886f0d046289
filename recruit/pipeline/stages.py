"""Stage administration: the standard stages, and adding, renaming, reordering and
retiring stages, whose candidates move out through recorded moves first."""

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from recruit.audit.services import record
from recruit.auth.models import User
from recruit.candidates.models import Candidate, Stage, StageKind
from recruit.extensions import db
from recruit.messages import services as messages
from recruit.pipeline.moves import move_candidate
from recruit.pipeline.rules import STANDARD_STAGES
from recruit.stale import check, flush


def create_standard_stages() -> dict[str, Stage]:
    """Add the standard stages to an empty pipeline, with their automatic messages on for
    Interview, Offer, Not selected and Talent pool; returns them by key."""
    stages = {
        key: Stage(key=key, name=name, kind=kind, position=index)
        for index, (key, name, kind) in enumerate(STANDARD_STAGES, start=1)
    }
    db.session.add_all(stages.values())
    db.session.flush()
    messages.greet_standard_stages(stages)
    return stages


class StageRefused(ValueError):
    """A change to the pipeline's stages that would break it."""


def stage_counts() -> dict[int, int]:
    """How many candidates stand in each stage."""
    return dict(
        db.session.execute(
            select(Candidate.stage_id, func.count()).group_by(Candidate.stage_id)
        ).all()
    )


def add_stage(name: str, kind: StageKind, by_user: User) -> Stage:
    """Add a stage at the end of the pipeline."""
    last = db.session.scalar(select(func.max(Stage.position))) or 0
    stage = Stage(name=name.strip(), kind=StageKind(kind), position=last + 1)
    try:
        with db.session.begin_nested():
            db.session.add(stage)
    except IntegrityError as error:
        raise StageRefused(f"There is already a stage called {name}.") from error
    record("stage.create", user=by_user, target=stage, name=stage.name)
    return stage


def update_stage(
    stage: Stage, name: str, kind: StageKind, by_user: User, expected_version: int | None = None
) -> None:
    """Rename a stage or change its kind; the pipeline keeps at least one active stage.
    Refuses a save made from an older version of the stage."""
    check(stage, expected_version, "stage")
    if stage.kind == StageKind.ACTIVE and StageKind(kind) != StageKind.ACTIVE:
        _keep_an_active_stage(stage)
    old = {"name": stage.name, "kind": stage.kind.value}
    stage.name = name.strip()
    stage.kind = StageKind(kind)
    try:
        with db.session.begin_nested():
            flush(stage, "stage")
    except IntegrityError as error:
        raise StageRefused(f"There is already a stage called {name}.") from error
    record("stage.update", user=by_user, target=stage, before=old)


def shift_stage(stage: Stage, step: int, by_user: User) -> None:
    """Swap a stage with its neighbour above (-1) or below (+1)."""
    # Neighbours are the stages still in use: swapping with a retired one, which the
    # admin page lists apart and the board hides, would seem to do nothing.
    stages = list(db.session.scalars(select(Stage).order_by(Stage.position, Stage.id)))
    order = [s for s in stages if not s.retired]
    if stage not in order:
        return
    index = order.index(stage)
    other = index + step
    if not 0 <= other < len(order):
        return
    order[index], order[other] = order[other], order[index]
    for position, row in enumerate(order + [s for s in stages if s.retired], start=1):
        row.position = position
    record("stage.reorder", user=by_user, target=stage, step=step)


def retire_stage(stage: Stage, move_to: Stage | None, by_user: User) -> int:
    """Retire a stage, first moving its candidates (recorded moves) when it is not empty."""
    candidates = list(db.session.scalars(select(Candidate).where(Candidate.stage_id == stage.id)))
    if candidates and (move_to is None or move_to.id == stage.id or move_to.retired):
        raise StageRefused(
            f"{stage.name} still holds {len(candidates)} candidates: choose where they go."
        )
    if stage.kind == StageKind.ACTIVE:
        _keep_an_active_stage(stage)
    for candidate in candidates:
        move_candidate(
            candidate,
            move_to,
            by_user,
            None,
            reason="other",
            comment=f"{stage.name} was retired",
            # An office reshaping its pipeline is no news to the candidates in it.
            notify=False,
        )
    stage.retired = True
    record("stage.retire", user=by_user, target=stage, moved=len(candidates))
    return len(candidates)


def _keep_an_active_stage(stage: Stage) -> None:
    others = db.session.scalar(
        select(func.count())
        .select_from(Stage)
        .where(Stage.kind == StageKind.ACTIVE, Stage.retired.is_(False), Stage.id != stage.id)
    )
    if not others:
        raise StageRefused("The pipeline needs at least one active stage.")


# --- leads from forms, booths and imports ---------------------------------------------
