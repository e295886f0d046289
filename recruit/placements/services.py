"""Placement rules: positions, placing interns, outcomes, private evaluation links, the
outbox, and the standard evaluation and feedback questionnaires."""

import hashlib
import logging
import re
import secrets
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from recruit.audit.services import record
from recruit.auth.models import User
from recruit.candidates.models import Candidate, Stage, StageChange
from recruit.candidates.services import move_candidate
from recruit.database import utcnow
from recruit.extensions import db
from recruit.messages import services as messages
from recruit.messages.links import derived_token, public_url
from recruit.messages.models import LinkKind
from recruit.messages.services import PRIVATE_LINK_MASK
from recruit.placements.models import (
    AnswerType,
    Evaluation,
    EvaluationAnswer,
    EvaluationItem,
    EvaluationKind,
    EvaluationRequest,
    ItemForm,
    Outcome,
    Placement,
    Position,
    PositionStatus,
)

log = logging.getLogger(__name__)

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


# --- positions ----------------------------------------------------------------------------

POSITION_FIELDS = (
    "title",
    "agency",
    "division",
    "supervisor_name",
    "supervisor_email",
    "term",
    "starts_on",
    "ends_on",
    "hours_per_week",
    "pay_hourly",
    "funding_source",
    "openings",
    "status",
    "description",
)


def filled_count():
    """A correlated SQL count of a position's placements, for selecting beside it."""
    return (
        select(func.count(Placement.id))
        .where(Placement.position_id == Position.id)
        .correlate(Position)
        .scalar_subquery()
    )


def save_position(position: Position | None, values: dict, by_user: User) -> Position:
    """Create a position, or save edits to one."""
    created = position is None
    if created:
        position = Position()
        db.session.add(position)
    for name in POSITION_FIELDS:
        setattr(position, name, values[name])
    db.session.flush()
    record("position.create" if created else "position.update", user=by_user, target=position)
    return position


def terms() -> list[str]:
    """Every term that has positions, the latest first."""
    rows = db.session.execute(
        select(Position.term, func.max(Position.starts_on).label("latest"))
        .group_by(Position.term)
        .order_by(func.max(Position.starts_on).desc(), Position.term)
    )
    return [term for term, _ in rows]


# --- placements ---------------------------------------------------------------------------

PLACEABLE_STAGE_KEYS = ("offer", "onboarding")
DUE_SOON_DAYS = 14


class PlacementRefused(Exception):
    """A placement or outcome that the program's rules do not allow."""


def halfway(starts_on: date, ends_on: date) -> date:
    """The middle of a placement, when the mid-term evaluation falls due."""
    return starts_on + (ends_on - starts_on) // 2


def place_candidate(candidate: Candidate, position: Position, values: dict, by_user: User):
    """Place a candidate in an open position; blanks default from the position."""
    if position.status != PositionStatus.OPEN:
        raise PlacementRefused(
            f"{position.title} ({position.agency}) is {position.status.value}: "
            "only open positions take interns."
        )
    filled = db.session.scalar(
        select(func.count(Placement.id)).where(Placement.position_id == position.id)
    )
    if filled >= position.openings:
        raise PlacementRefused(
            f"All {position.openings} openings of {position.title} are filled. "
            "Add an opening to the position first."
        )
    starts_on = values.get("starts_on") or position.starts_on
    ends_on = values.get("ends_on") or position.ends_on
    if starts_on is None or ends_on is None:
        raise PlacementRefused("Give the placement's start and end dates.")
    if ends_on <= starts_on:
        raise PlacementRefused("The placement must end after it starts.")
    placement = Placement(
        candidate=candidate,
        position=position,
        supervisor_name=values.get("supervisor_name") or position.supervisor_name,
        supervisor_email=values.get("supervisor_email") or position.supervisor_email,
        mentor_name=values.get("mentor_name") or "",
        starts_on=starts_on,
        ends_on=ends_on,
        hours_per_week=values.get("hours_per_week") or position.hours_per_week,
        midterm_due_on=values.get("midterm_due_on") or halfway(starts_on, ends_on),
        final_due_on=values.get("final_due_on") or ends_on,
        created_by_id=by_user.id,
    )
    db.session.add(placement)
    db.session.flush()
    record("placement.create", user=by_user, target=placement, position_id=position.id)
    return placement


# The supervisor's two evaluations and when each falls due.
DUE_EVALUATIONS = (
    (EvaluationKind.SUPERVISOR_MIDTERM, "midterm_due_on", "Mid-term"),
    (EvaluationKind.SUPERVISOR_FINAL, "final_due_on", "Final"),
)


def evaluations_due(placement: Placement, today: date) -> list[dict]:
    """The supervisor evaluations not yet in that are overdue or due within 14 days."""
    submitted = {evaluation.kind for evaluation in placement.evaluations}
    due = []
    for kind, attribute, name in DUE_EVALUATIONS:
        due_on = getattr(placement, attribute)
        if kind in submitted or due_on is None:
            continue
        if due_on < today:
            due.append({"label": f"{name} overdue", "state": "overdue", "due_on": due_on})
        elif due_on <= today + timedelta(days=DUE_SOON_DAYS):
            due.append({"label": f"{name} due", "state": "due", "due_on": due_on})
    return due


# Which stage each outcome offers to move the candidate to.
OUTCOME_STAGE_KEYS = {
    Outcome.COMPLETED: "completed",
    Outcome.OFFER_ACCEPTED: "hired",
    Outcome.HIRED: "hired",
}


def outcome_stage(outcome: Outcome | None) -> Stage | None:
    """The active stage an outcome moves a candidate to, if any."""
    key = OUTCOME_STAGE_KEYS.get(outcome)
    if key is None:
        return None
    return db.session.scalar(select(Stage).where(Stage.key == key, Stage.retired.is_(False)))


def record_outcome(
    placement: Placement,
    outcome: Outcome,
    outcome_on: date,
    hired_title: str,
    by_user: User,
    move: bool,
) -> StageChange | None:
    """Record how a placement ended; with move, move the candidate to the matching stage."""
    if outcome == Outcome.HIRED and not hired_title.strip():
        raise PlacementRefused("Give the title the intern was hired into.")
    placement.outcome = outcome
    placement.outcome_on = outcome_on
    placement.hired_title = hired_title.strip() if outcome == Outcome.HIRED else ""
    db.session.flush()
    record(
        "placement.outcome",
        user=by_user,
        target=placement,
        outcome=outcome.value,
        outcome_on=outcome_on.isoformat(),
    )
    stage = outcome_stage(outcome) if move else None
    if stage is None or placement.candidate.stage_id == stage.id:
        return None
    return move_candidate(
        placement.candidate,
        stage,
        by_user,
        expected_version=None,
        comment=f"Placement outcome: {outcome.value.replace('_', ' ')}.",
    )


# --- private evaluation links -------------------------------------------------------------

# secrets.token_urlsafe(32) gives 43 characters of 256 random bits; anything shorter or
# outside the alphabet was never issued, so it is refused without a lookup.
TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43,128}")

KIND_FORMS = {
    EvaluationKind.SUPERVISOR_MIDTERM: ItemForm.SUPERVISOR,
    EvaluationKind.SUPERVISOR_FINAL: ItemForm.SUPERVISOR,
    EvaluationKind.INTERN_SELF: ItemForm.INTERN_SELF,
    EvaluationKind.INTERN_FEEDBACK: ItemForm.INTERN_FEEDBACK,
}
KIND_TITLES = {
    EvaluationKind.SUPERVISOR_MIDTERM: "Mid-term evaluation",
    EvaluationKind.SUPERVISOR_FINAL: "Final evaluation",
    EvaluationKind.INTERN_SELF: "Self-assessment",
    EvaluationKind.INTERN_FEEDBACK: "Program feedback",
}
SUPERVISOR_KINDS = (EvaluationKind.SUPERVISOR_MIDTERM, EvaluationKind.SUPERVISOR_FINAL)


class LinkUnavailable(Exception):
    """The link is wrong, expired, revoked or used: every case looks the same outside."""


def token_hash(token: str) -> str:
    """The SHA-256 of a link's token, as stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def default_recipient(placement: Placement, kind: EvaluationKind) -> tuple[str, str]:
    """The supervisor for supervisor forms, the intern for the others."""
    if kind in SUPERVISOR_KINDS:
        return placement.supervisor_name, placement.supervisor_email
    return placement.candidate.full_name, placement.candidate.email


def issue_request(
    placement: Placement,
    kind: EvaluationKind,
    name: str,
    email: str,
    by_user: User,
    send_on: date | None = None,
) -> tuple[EvaluationRequest, str]:
    """Make a private link for one evaluation and queue the message that carries it, now
    or on send_on. Returns the request and its token, which is stored only as a hash and
    shown once; the worker derives it again when it sends."""
    already = db.session.scalar(
        select(Evaluation.id).where(
            Evaluation.placement_id == placement.id, Evaluation.kind == kind
        )
    )
    if already is not None:
        raise PlacementRefused(f"The {KIND_TITLES[kind].lower()} is already in.")
    now = utcnow()
    opens_at = now if send_on is None else max(now, datetime.combine(send_on, SEND_TIME))
    # Valid from sending until a while after the form is due, whichever is later.
    days = timedelta(days=current_app.config["EVALUATION_LINK_DAYS"])
    due_on = due_date(placement, kind)
    expires_at = opens_at + days
    if due_on is not None:
        expires_at = max(expires_at, datetime.combine(due_on, SEND_TIME) + days)
    request = EvaluationRequest(
        placement=placement,
        kind=kind,
        recipient_name=name.strip(),
        recipient_email=email.strip(),
        link_nonce=secrets.token_hex(16),
        token_hash="pending-" + secrets.token_hex(16),
        opens_at=opens_at,
        expires_at=expires_at,
        created_by_id=by_user.id,
    )
    db.session.add(request)
    db.session.flush()
    token = evaluation_token(request)
    request.token_hash = token_hash(token)
    subject, body = evaluation_message(request, PRIVATE_LINK_MASK)
    messages.queue(
        request.recipient_email,
        subject,
        body,
        by_user=by_user,
        due_at=opens_at,
        link_kind=LinkKind.EVALUATION,
        link_ref=request.id,
    )
    record("evaluation_request.create", user=by_user, target=request, kind=kind.value)
    return request, token


# Scheduled links go out mid-morning across the US (stored times are UTC).
SEND_TIME = time(14, 0)


def due_date(placement: Placement, kind: EvaluationKind) -> date | None:
    """When a placement's evaluation of this kind is due."""
    if kind in (EvaluationKind.SUPERVISOR_MIDTERM,):
        return placement.midterm_due_on
    return placement.final_due_on


def evaluation_token(request: EvaluationRequest) -> str:
    """The token of a request's private link, derived again whenever it is needed."""
    return derived_token("evaluation", request.id, request.link_nonce)


def revoke_request(request: EvaluationRequest, by_user: User) -> None:
    """Stop a link from working."""
    if request.used_at is not None or request.revoked_at is not None:
        return
    request.revoked_at = utcnow()
    db.session.flush()
    record("evaluation_request.revoke", user=by_user, target=request)


def reissue_request(request: EvaluationRequest, by_user: User) -> tuple[EvaluationRequest, str]:
    """Revoke a link and make a new one for the same form and person."""
    if request.used_at is not None:
        raise PlacementRefused("That link was used; the evaluation is in.")
    revoke_request(request, by_user)
    return issue_request(
        request.placement, request.kind, request.recipient_name, request.recipient_email, by_user
    )


def request_state(request: EvaluationRequest, now) -> str:
    """used, revoked, expired or open."""
    if request.used_at is not None:
        return "used"
    if request.revoked_at is not None:
        return "revoked"
    if request.expires_at <= now:
        return "expired"
    if request.opens_at > now:
        return "scheduled"
    return "open"


def open_request(token: str) -> EvaluationRequest:
    """The unused, unrevoked, unexpired request a token belongs to, or LinkUnavailable."""
    if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
        raise LinkUnavailable
    request = db.session.scalar(
        select(EvaluationRequest).where(
            EvaluationRequest.token_hash == token_hash(token),
            EvaluationRequest.used_at.is_(None),
            EvaluationRequest.revoked_at.is_(None),
            EvaluationRequest.expires_at > utcnow(),
            EvaluationRequest.opens_at <= utcnow(),
        )
    )
    if request is None:
        raise LinkUnavailable
    return request


def form_items(form: ItemForm) -> list[EvaluationItem]:
    """A questionnaire's active items, in order."""
    return list(
        db.session.scalars(
            select(EvaluationItem)
            .where(EvaluationItem.form == form, EvaluationItem.retired.is_(False))
            .order_by(EvaluationItem.position, EvaluationItem.id)
        )
    )


def submit_evaluation(request: EvaluationRequest, answers: dict, values: dict) -> Evaluation:
    """Save an evaluation and spend its link in the same transaction; a link spent, revoked
    or expired meanwhile raises LinkUnavailable. answers maps item id to (rating, value)."""
    now = utcnow()
    # Compare and set: of two simultaneous submissions only one finds the link unused.
    spent = db.session.execute(
        update(EvaluationRequest)
        .where(
            EvaluationRequest.id == request.id,
            EvaluationRequest.used_at.is_(None),
            EvaluationRequest.revoked_at.is_(None),
            EvaluationRequest.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        raise LinkUnavailable
    evaluation = Evaluation(
        placement_id=request.placement_id,
        kind=request.kind,
        request_id=request.id,
        submitted_by_name=values["submitted_by_name"].strip(),
        strengths=values.get("strengths", "").strip(),
        areas_to_grow=values.get("areas_to_grow", "").strip(),
        recommend_full_time=values.get("recommend_full_time"),
        submitted_at=now,
        answers=[
            EvaluationAnswer(item_id=item_id, rating=rating, value=value)
            for item_id, (rating, value) in answers.items()
        ],
    )
    try:
        with db.session.begin_nested():
            db.session.add(evaluation)
            db.session.flush()
    except IntegrityError as error:  # the unique (placement, kind) guards as well
        raise LinkUnavailable from error
    record("evaluation.submit", target=evaluation, kind=request.kind.value)
    return evaluation


# --- the message that carries a link ---------------------------------------------------


def evaluation_message(request: EvaluationRequest, link: str) -> tuple[str, str]:
    """The subject and body of the message that carries a private link."""
    placement = request.placement
    title = KIND_TITLES[request.kind]
    subject = f"{title}: {placement.candidate.full_name}, {placement.position.title}"
    body = (
        f"Hello {request.recipient_name},\n\n"
        f"The State Procurement Office's internship program asks for the {title.lower()} of "
        f"{placement.candidate.full_name}'s placement as {placement.position.title} "
        f"({placement.position.agency}). It takes about five minutes on a phone or computer:\n\n"
        f"{link}\n\n"
        f"The link is for you only, works once and expires on "
        f"{request.expires_at:%b %-d, %Y}.\n\nThank you."
    )
    return subject, body


def link_for(token: str) -> str:
    """A private link's address on the office's public base URL."""
    return public_url("feedback.form", token=token)


# --- questionnaire items ------------------------------------------------------------------


def reword_item(item: EvaluationItem, prompt: str, by_user: User) -> EvaluationItem:
    """Retire an item and add its reworded successor with the same key and place, so past
    answers keep the words they answered."""
    if item.retired:
        raise PlacementRefused("That item was already reworded; edit its newest wording.")
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
    db.session.flush()
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
