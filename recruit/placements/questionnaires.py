"""The evaluation and feedback questionnaires: the standard items, the form each kind of
evaluation asks, rewording an item, and the averages of supervisors' ratings."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from recruit.audit.services import record
from recruit.auth.models import User
from recruit.extensions import db
from recruit.placements.models import (
    AnswerType,
    Evaluation,
    EvaluationAnswer,
    EvaluationItem,
    EvaluationKind,
    ItemForm,
    Placement,
    Position,
)
from recruit.stale import StaleSave, check, flush

# The NACE career-readiness competencies: (key, supervisor prompt, self-assessment prompt).
# The supervisor and the intern rate the same keys, so their answers line up.
NACE_COMPETENCIES = [
    (
        "career_self_development",
        "Career & self-development: seeks feedback, learns from it and sets goals to grow",
        "Career & self-development: I sought feedback, learned from it and set goals to grow",
    ),
    (
        "communication",
        "Communication: writes and speaks clearly to colleagues, vendors and the public",
        "Communication: I wrote and spoke clearly to colleagues, vendors and the public",
    ),
    (
        "critical_thinking",
        "Critical thinking: gathers the facts, weighs the options and makes sound decisions",
        "Critical thinking: I gathered the facts, weighed the options and made sound decisions",
    ),
    (
        "equity_inclusion",
        "Equity & inclusion: works respectfully with people of every background",
        "Equity & inclusion: I worked respectfully with people of every background",
    ),
    (
        "leadership",
        "Leadership: takes initiative and helps others reach shared goals",
        "Leadership: I took initiative and helped others reach shared goals",
    ),
    (
        "professionalism",
        "Professionalism: reliable, punctual, accountable and ethical in public work",
        "Professionalism: I was reliable, punctual, accountable and ethical in public work",
    ),
    (
        "teamwork",
        "Teamwork: collaborates, shares credit and works through disagreement",
        "Teamwork: I collaborated, shared credit and worked through disagreement",
    ),
    (
        "technology",
        "Technology: learns and uses the office's systems and tools well",
        "Technology: I learned and used the office's systems and tools well",
    ),
]

PROCUREMENT_ITEMS = [
    (
        "applies_procurement_rules",
        "Applies procurement rules: competition, thresholds, conflicts of interest",
    ),
    ("market_research", "Market research: finds vendors, prices and alternatives"),
    (
        "drafting_solicitations",
        "Drafting solicitations: clear specifications, scopes of work and bid forms",
    ),
    (
        "vendor_agency_communication",
        "Vendor and agency communication: prompt, courteous and accurate",
    ),
    ("accurate_contract_files", "Keeps contract files complete and accurate"),
]

FEEDBACK_ITEMS = [
    ("satisfaction", "Overall, how satisfied are you with your internship?", AnswerType.RATING),
    ("belonging", "I felt welcome and part of the team.", AnswerType.RATING),
    (
        "supervisor_support",
        "My supervisor gave me the guidance and support I needed.",
        AnswerType.RATING,
    ),
    (
        "clerical_share",
        "About what share of your time went to clerical work (filing, copying, data entry)?",
        AnswerType.PERCENT,
    ),
    (
        "full_time_likelihood",
        "How likely would you be to accept a full-time offer from the state?",
        AnswerType.RATING,
    ),
]

# Every standard item, in the order each form asks them: (form, key, group, prompt, type).
# Supervisor mid-term and final both use the SUPERVISOR items, so the two compare.
STANDARD_EVALUATION_ITEMS: list[tuple[ItemForm, str, str, str, AnswerType]] = [
    *[
        (ItemForm.SUPERVISOR, key, "nace", prompt, AnswerType.RATING)
        for key, prompt, _ in NACE_COMPETENCIES
    ],
    *[
        (ItemForm.SUPERVISOR, key, "procurement", prompt, AnswerType.RATING)
        for key, prompt in PROCUREMENT_ITEMS
    ],
    *[
        (ItemForm.INTERN_SELF, key, "nace", prompt, AnswerType.RATING)
        for key, _, prompt in NACE_COMPETENCIES
    ],
    *[
        (ItemForm.INTERN_FEEDBACK, key, "program", prompt, answer_type)
        for key, prompt, answer_type in FEEDBACK_ITEMS
    ],
]


def create_standard_evaluation_items() -> dict[ItemForm, list[EvaluationItem]]:
    """Add the standard questionnaire items; returns each form's items in order."""
    items: dict[ItemForm, list[EvaluationItem]] = {form: [] for form in ItemForm}
    for form, key, group, prompt, answer_type in STANDARD_EVALUATION_ITEMS:
        items[form].append(
            EvaluationItem(
                form=form,
                key=key,
                group=group,
                prompt=prompt,
                answer_type=answer_type,
                position=len(items[form]) + 1,
            )
        )
    db.session.add_all([item for form_items in items.values() for item in form_items])
    db.session.flush()
    return items


KIND_FORMS = {
    EvaluationKind.SUPERVISOR_MIDTERM: ItemForm.SUPERVISOR,
    EvaluationKind.SUPERVISOR_FINAL: ItemForm.SUPERVISOR,
    EvaluationKind.INTERN_SELF: ItemForm.INTERN_SELF,
    EvaluationKind.INTERN_FEEDBACK: ItemForm.INTERN_FEEDBACK,
}
# In the reader's language: English on staff pages and in messages, the supervisor's or
# intern's own on the public form.
KIND_TITLES = {
    EvaluationKind.SUPERVISOR_MIDTERM: _l("Mid-term evaluation"),
    EvaluationKind.SUPERVISOR_FINAL: _l("Final evaluation"),
    EvaluationKind.INTERN_SELF: _l("Self-assessment"),
    EvaluationKind.INTERN_FEEDBACK: _l("Program feedback"),
}
SUPERVISOR_KINDS = (EvaluationKind.SUPERVISOR_MIDTERM, EvaluationKind.SUPERVISOR_FINAL)


def form_items(form: ItemForm) -> list[EvaluationItem]:
    """A questionnaire's active items, in order."""
    return list(
        db.session.scalars(
            select(EvaluationItem)
            .where(EvaluationItem.form == form, EvaluationItem.retired.is_(False))
            .order_by(EvaluationItem.position, EvaluationItem.id)
        )
    )


def newest_wording(form: ItemForm, key: str) -> EvaluationItem | None:
    """The item a questionnaire asks now under this key."""
    return db.session.scalar(
        select(EvaluationItem).where(
            EvaluationItem.form == form,
            EvaluationItem.key == key,
            EvaluationItem.retired.is_(False),
        )
    )


def reword_item(
    item: EvaluationItem, prompt: str, expected_version: int | None, by_user: User
) -> EvaluationItem:
    """Retire an item and add its reworded successor with the same key and place, so past
    answers keep the words they answered. Rewording a wording already replaced (or one
    saved since it was loaded) is refused, pointing at the newest wording."""
    form, key = item.form, item.key

    def current():
        return newest_wording(form, key) or db.session.get(EvaluationItem, item.id)

    if item.retired:
        raise StaleSave(item, "item", current=current)
    check(item, expected_version, "item", current=current)
    item.retired = True
    successor = EvaluationItem(
        form=item.form,
        key=item.key,
        group=item.group,
        prompt=prompt.strip(),
        answer_type=item.answer_type,
        position=item.position,
    )
    db.session.add(successor)
    flush(item, "item", current=current)
    record("evaluation_item.reword", user=by_user, target=successor, replaces=item.id)
    return successor


# --- averages -----------------------------------------------------------------------------


def term_averages(term: str) -> list[dict]:
    """Per supervisor item key, the mid-term and final average ratings of a term, in SQL."""
    rows = db.session.execute(
        select(
            EvaluationItem.key,
            Evaluation.kind,
            func.avg(EvaluationAnswer.rating),
            func.count(EvaluationAnswer.rating),
        )
        .join(EvaluationAnswer.item)
        .join(EvaluationAnswer.evaluation)
        .join(Evaluation.placement)
        .join(Placement.position)
        .where(
            Position.term == term,
            Evaluation.kind.in_(SUPERVISOR_KINDS),
            EvaluationAnswer.rating.is_not(None),
        )
        .group_by(EvaluationItem.key, Evaluation.kind)
    ).all()
    averages: dict[str, dict] = {}
    for key, kind, average, count in rows:
        averages.setdefault(key, {})[kind] = (round(float(average), 2), count)
    table = []
    for item in form_items(ItemForm.SUPERVISOR):
        if item.key in averages:
            found = averages[item.key]
            table.append(
                {
                    "competency": item.prompt.split(":")[0],
                    "midterm": found.get(EvaluationKind.SUPERVISOR_MIDTERM),
                    "final": found.get(EvaluationKind.SUPERVISOR_FINAL),
                }
            )
    return table


def side_by_side(evaluations: list[Evaluation]) -> list[dict]:
    """Rows of the supervisor's mid-term beside the final, per item key, each with the words
    that form asked."""
    rows: dict[str, dict] = {}
    for evaluation in evaluations:
        if evaluation.kind not in SUPERVISOR_KINDS:
            continue
        for answer in evaluation.answers:
            row = rows.setdefault(
                answer.item.key, {"position": answer.item.position, "prompts": []}
            )
            row[evaluation.kind.value] = answer
            if answer.item.prompt not in row["prompts"]:
                row["prompts"].append(answer.item.prompt)
    return sorted(rows.values(), key=lambda row: row["position"])
