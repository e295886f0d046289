"""Stage administration: the standard stages, and adding, renaming, reordering and
retiring stages, whose candidates move out through recorded moves first."""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from recruit.audit.models import AuditEntry
from recruit.audit.services import record
from recruit.auth.models import User
from recruit.candidates.models import Candidate, Stage, StageKind
from recruit.extensions import db
from recruit.messages import services as messages
from recruit.pipeline.moves import move_candidate
from recruit.pipeline.rules import STANDARD_STAGES, StageKey
from recruit.stale import check, flush

# What a student in each standard stage reads on their own page, in English and Spanish:
# where they stand and what happens next, never the office's internal name for it.
STUDENT_WORDING = {
    StageKey.INTERESTED: (
        "We have your details. Our recruitment staff read every submission within about two weeks.",
        "Tenemos sus datos. Nuestro equipo de reclutamiento lee cada solicitud en un plazo "
        "de unas dos semanas.",
    ),
    StageKey.SCREENING: (
        "We are reading your details to see which of our openings fit your studies and "
        "dates. We will write to you either way.",
        "Estamos revisando sus datos para ver cuáles de nuestras vacantes se ajustan a sus "
        "estudios y fechas. Le escribiremos en cualquier caso.",
    ),
    StageKey.INTERVIEW: (
        "We would like to meet you. We have written to set up a short conversation; if "
        "our message has not reached you, look in your spam folder or write to us.",
        "Nos gustaría conocerle. Le escribimos para acordar una conversación breve; si no "
        "le llegó nuestro mensaje, revise su carpeta de correo no deseado o escríbanos.",
    ),
    StageKey.OFFER: (
        "We have offered you a place. Our staff will be in touch with the details; please "
        "tell us whether you accept.",
        "Le ofrecimos un lugar. Nuestro equipo se comunicará con usted con los detalles; "
        "por favor, díganos si acepta.",
    ),
    StageKey.ONBOARDING: (
        "Welcome aboard. We are preparing your first day with your agency and will send "
        "you what you need to know before you start.",
        "Le damos la bienvenida. Estamos preparando su primer día con la agencia y le "
        "enviaremos lo que necesita saber antes de comenzar.",
    ),
    StageKey.ACTIVE_INTERN: (
        "You are interning with us. Your supervisor is your first contact, and our "
        "internship staff are here whenever you need us.",
        "Está haciendo su pasantía con nosotros. Su supervisor o supervisora es su primer "
        "contacto, y nuestro equipo de pasantías está a su disposición cuando lo necesite.",
    ),
    StageKey.COMPLETED: (
        "You have completed your internship: thank you for your work. We will tell you "
        "about jobs that fit you as they open.",
        "Completó su pasantía: gracias por su trabajo. Le avisaremos de los empleos que se "
        "ajusten a su perfil a medida que se abran.",
    ),
    StageKey.HIRED: (
        "Congratulations on your job with the state. Your agency's human resources office "
        "will guide you from here.",
        "Felicitaciones por su empleo con el estado. La oficina de recursos humanos de su "
        "agencia le acompañará a partir de ahora.",
    ),
    StageKey.NOT_SELECTED: (
        "We are not able to offer you a place this time. Thank you for applying: you are "
        "welcome to send us the interest form again for a later term.",
        "Esta vez no podemos ofrecerle un lugar. Gracias por postularse: con gusto "
        "recibiremos de nuevo su formulario de interés para un período posterior.",
    ),
    StageKey.WITHDRAWN: (
        "Your application is closed. If your plans change, send us the interest form "
        "again and we will gladly consider you.",
        "Su solicitud está cerrada. Si sus planes cambian, envíenos de nuevo el formulario "
        "de interés y con gusto le tendremos en cuenta.",
    ),
    StageKey.TALENT_POOL: (
        "We have no opening that fits you right now, but we are keeping your details and "
        "will write to you first when one does.",
        "En este momento no tenemos una vacante que se ajuste a su perfil, pero guardamos "
        "sus datos y le escribiremos primero cuando surja una.",
    ),
}


def create_standard_stages() -> dict[str, Stage]:
    """Add the standard stages to an empty pipeline, with what students in each read and
    their automatic messages on for Interview, Offer, Not selected and Talent pool;
    returns them by key."""
    stages = {
        key: Stage(
            key=key,
            name=name,
            kind=kind,
            position=index,
            student_text=STUDENT_WORDING[key][0],
            student_text_es=STUDENT_WORDING[key][1],
        )
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


def suggested_wording(stage: Stage) -> tuple[str, str] | None:
    """Recruit's wording, English and Spanish, of what a student in one of the standard
    stages reads, for an admin whose stage has none yet."""
    return STUDENT_WORDING.get(stage.key) if stage.key else None


def set_student_wording(
    stage: Stage, english: str, spanish: str, by_user: User, expected_version: int | None
) -> None:
    """Reword what a student in this stage reads on their own page; refuses a save made
    from an older version of the stage."""
    check(stage, expected_version, "stage")
    stage.student_text = english.replace("\r\n", "\n").strip()
    stage.student_text_es = spanish.replace("\r\n", "\n").strip()
    flush(stage, "stage")
    record("stage.student_text", user=by_user, target=stage, name=stage.name)


class StageOrderChanged(StageRefused):
    """A reorder built from an order of the stages that is no longer the pipeline's."""


def stages_in_use() -> list[Stage]:
    """The stages not retired, in pipeline order: the order the admin page lets admins
    rearrange and the board shows."""
    return list(
        db.session.scalars(
            select(Stage).where(Stage.retired.is_(False)).order_by(Stage.position, Stage.id)
        )
    )


# The audited actions that change which stages are in use or their order.
ORDER_ACTIONS = ("stage.reorder", "stage.create", "stage.retire")


def last_order_change() -> tuple[str, datetime] | None:
    """Who last reordered, added or retired a stage, and when."""
    entry = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action.in_(ORDER_ACTIONS))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(1)
    ).first()
    if entry is None:
        return None
    return (entry.user.name if entry.user else "Someone else"), entry.created_at


def place_stage(stage: Stage, position: int, seen_order: list[int], by_user: User) -> bool:
    """Put a stage at a position (1 is first) among the stages in use, in one step; returns
    whether it moved. Refuses a placement made from an order (seen_order, the stage ids
    the admin saw) that is no longer the pipeline's."""
    order = stages_in_use()
    if [s.id for s in order] != seen_order:
        raise StageOrderChanged("The stages changed since this page was loaded.")
    if stage not in order:
        raise StageRefused(f"{stage.name} is retired: it has no place in the pipeline.")
    before = order.index(stage) + 1
    after = min(max(position, 1), len(order))
    if after == before:
        return False
    order.remove(stage)
    order.insert(after - 1, stage)
    # Retired stages keep the positions after those in use, as the admin page lists them.
    retired = db.session.scalars(
        select(Stage).where(Stage.retired.is_(True)).order_by(Stage.position, Stage.id)
    )
    for number, row in enumerate([*order, *retired], start=1):
        if row.position != number:
            row.position = number
    try:
        db.session.flush()
    except StaleDataError as error:
        # Another admin's reorder committed between our read and this write.
        raise StageOrderChanged("The stages changed since this page was loaded.") from error
    record("stage.reorder", user=by_user, target=stage, name=stage.name, position=[before, after])
    return True


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
