"""Evaluation averages: supervisors' ratings per competency and interns' program feedback."""

from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from recruit.extensions import db
from recruit.placements.models import (
    AnswerType,
    Evaluation,
    EvaluationAnswer,
    EvaluationItem,
    EvaluationKind,
)
from recruit.reports.periods import Period
from recruit.reports.rates import ratio


@dataclass
class Competency:
    """One rated item: mid-term and final supervisor averages, lined up by item key."""

    group: str
    key: str
    name: str
    midterm: float | None = None
    midterm_count: int = 0
    final: float | None = None
    final_count: int = 0

    @property
    def change(self) -> float | None:
        if self.midterm is None or self.final is None:
            return None
        return self.final - self.midterm


@dataclass
class FeedbackItem:
    """One rated question on interns' program feedback."""

    key: str
    name: str
    average: float | None
    count: int


@dataclass
class EvaluationSummary:
    """Evaluation averages for a period."""

    competencies: list[Competency] = field(default_factory=list)
    feedback: list[FeedbackItem] = field(default_factory=list)
    recommended: int = 0
    recommend_answers: int = 0

    @property
    def recommend_share(self) -> float | None:
        return ratio(self.recommended, self.recommend_answers)

    @property
    def satisfaction(self) -> FeedbackItem | None:
        return next((item for item in self.feedback if item.key == "satisfaction"), None)


def _item_name(prompt: str | None, key: str) -> str:
    """A short name for an item: its prompt up to the colon ("Communication: ...")."""
    if not prompt:
        return key.replace("_", " ").capitalize()
    return prompt.split(":", 1)[0]


GROUP_ORDER = {"nace": 0, "procurement": 1}


def evaluations(period: Period) -> EvaluationSummary:
    """Averages per item key for supervisor mid-term and final evaluations and interns'
    feedback submitted in the period, and the supervisors' "would recommend" share."""
    kinds = (
        EvaluationKind.SUPERVISOR_MIDTERM,
        EvaluationKind.SUPERVISOR_FINAL,
        EvaluationKind.INTERN_FEEDBACK,
    )
    # First the period's ratings summed per form kind and item, through the evaluations'
    # date index; only those few dozen sums meet the items table. Reworded items keep
    # their key, so answers to old and new wording average together; the current wording
    # names the row.
    sums = (
        select(
            Evaluation.kind.label("kind"),
            EvaluationAnswer.item_id.label("item_id"),
            func.sum(EvaluationAnswer.rating).label("total"),
            func.count(EvaluationAnswer.rating).label("answers"),
        )
        .join(EvaluationAnswer, EvaluationAnswer.evaluation_id == Evaluation.id)
        .where(Evaluation.kind.in_(kinds), period.holds_timestamp(Evaluation.submitted_at))
        # The item first: SQLite sorts the tens of thousands of answers by this key, and
        # an integer compares faster than the kind's name.
        .group_by(EvaluationAnswer.item_id, Evaluation.kind)
        .subquery()
    )
    current_prompt = func.max(case((EvaluationItem.retired.is_(False), EvaluationItem.prompt)))
    answers = func.sum(sums.c.answers)
    rows = db.session.execute(
        select(
            EvaluationItem.group,
            EvaluationItem.key,
            sums.c.kind,
            current_prompt,
            case((answers > 0, func.sum(sums.c.total) * 1.0 / answers)),
            answers,
        )
        .join(sums, sums.c.item_id == EvaluationItem.id)
        .where(EvaluationItem.answer_type == AnswerType.RATING)
        .group_by(EvaluationItem.group, EvaluationItem.key, sums.c.kind)
        .order_by(func.min(EvaluationItem.position))
    ).all()
    summary = EvaluationSummary()
    competencies: dict[str, Competency] = {}
    for group, key, kind, prompt, average, count in rows:
        value = float(average) if average is not None else None
        if kind == EvaluationKind.INTERN_FEEDBACK:
            summary.feedback.append(FeedbackItem(key, _item_name(prompt, key), value, count))
            continue
        if group not in GROUP_ORDER:
            continue
        item = competencies.setdefault(key, Competency(group, key, _item_name(prompt, key)))
        if prompt:
            item.name = _item_name(prompt, key)
        if kind == EvaluationKind.SUPERVISOR_MIDTERM:
            item.midterm, item.midterm_count = value, count
        else:
            item.final, item.final_count = value, count
    summary.competencies = sorted(competencies.values(), key=lambda c: GROUP_ORDER[c.group])

    recommended, answers = db.session.execute(
        select(
            func.count(case((Evaluation.recommend_full_time.is_(True), Evaluation.id))),
            func.count(Evaluation.recommend_full_time),
        ).where(
            Evaluation.kind == EvaluationKind.SUPERVISOR_FINAL,
            period.holds_timestamp(Evaluation.submitted_at),
        )
    ).one()
    summary.recommended, summary.recommend_answers = recommended, answers
    return summary
