"""Texts admins write for students that have an English wording but no Spanish one yet:
the privacy notice, stages' student wording, message templates and open positions."""

from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select

from recruit.admin.models import get_setting
from recruit.admin.services import spanish_privacy_notice
from recruit.candidates.models import Stage
from recruit.extensions import db
from recruit.messages.models import MessageTemplate
from recruit.placements.models import Position, PositionStatus

# The page lists this many of each kind; its counts are of them all.
LISTED = 100


def _written(column):
    return func.trim(column) != ""


def _blank(column):
    return func.trim(column) == ""


def stages_clause():
    """SQL: stages in use whose student wording has no Spanish."""
    return and_(
        Stage.retired.is_(False), _written(Stage.student_text), _blank(Stage.student_text_es)
    )


def templates_clause():
    """SQL: templates in use without a Spanish subject and message (a message goes in
    Spanish only with both)."""
    return and_(
        MessageTemplate.retired.is_(False),
        _written(MessageTemplate.body),
        or_(_blank(MessageTemplate.subject_es), _blank(MessageTemplate.body_es)),
    )


def positions_clause():
    """SQL: open positions whose description has no Spanish."""
    return and_(
        Position.status == PositionStatus.OPEN,
        _written(Position.description),
        _blank(Position.description_es),
    )


def privacy_notice_untranslated() -> bool:
    """Do students reading Spanish see the English privacy notice?"""
    return bool(get_setting("privacy_notice").strip()) and not spanish_privacy_notice()


@dataclass
class Untranslated:
    """What the Untranslated page lists: some rows of each kind, and how many there are."""

    privacy_notice: bool
    privacy_notice_reworded: bool
    stage_count: int
    template_count: int
    position_count: int
    stages: list[Stage] = field(default_factory=list)
    templates: list[MessageTemplate] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (
            int(self.privacy_notice) + self.stage_count + self.template_count + self.position_count
        )


def _counts() -> tuple[int, int, int]:
    def count(model, clause):
        return select(func.count()).select_from(model).where(clause).scalar_subquery()

    row = db.session.execute(
        select(
            count(Stage, stages_clause()),
            count(MessageTemplate, templates_clause()),
            count(Position, positions_clause()),
        )
    ).one()
    return row[0], row[1], row[2]


def untranslated_count() -> int:
    """How many texts students read in English for want of a Spanish wording."""
    return sum(_counts()) + int(privacy_notice_untranslated())


def untranslated_texts() -> Untranslated:
    """Every text without its Spanish wording, counted in SQL, the first LISTED of each kind
    loaded for the page."""
    stage_count, template_count, position_count = _counts()
    privacy = privacy_notice_untranslated()
    return Untranslated(
        privacy_notice=privacy,
        # Recruit's Spanish notice stands aside once the English is reworded: say so.
        privacy_notice_reworded=privacy and bool(get_setting("privacy_notice_es").strip()),
        stage_count=stage_count,
        template_count=template_count,
        position_count=position_count,
        stages=list(
            db.session.scalars(
                select(Stage).where(stages_clause()).order_by(Stage.position).limit(LISTED)
            )
        ),
        templates=list(
            db.session.scalars(
                select(MessageTemplate)
                .where(templates_clause())
                .order_by(MessageTemplate.name)
                .limit(LISTED)
            )
        ),
        positions=list(
            db.session.scalars(
                select(Position)
                .where(positions_clause())
                .order_by(Position.title, Position.id)
                .limit(LISTED)
            )
        ),
    )
