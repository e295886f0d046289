"""Private evaluation links: issuing, revoking and spending them, and the message that
carries one."""

import hashlib
import re
import secrets
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from recruit.audit.services import record
from recruit.auth.models import User
from recruit.database import utcnow
from recruit.extensions import db
from recruit.messages import services as messages
from recruit.messages.links import derived_token, public_url
from recruit.messages.models import LinkKind
from recruit.messages.services import PRIVATE_LINK_MASK
from recruit.placements.models import (
    Evaluation,
    EvaluationAnswer,
    EvaluationKind,
    EvaluationRequest,
    Placement,
)
from recruit.placements.placements import PlacementRefused
from recruit.placements.questionnaires import KIND_TITLES, SUPERVISOR_KINDS
from recruit.templating import format_date

# Who an erased intern's own links went to, as the placement page shows it.
ERASED_RECIPIENT = "(erased)"
# A link's token is a 256-bit HMAC in 43 URL-safe characters; anything shorter or outside
# the alphabet was never issued, so it is refused without a lookup.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43,128}")


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


def erase_requests(candidate_id: int, email: str) -> int:
    """Forget who an erased candidate's evaluation links went to where that was the intern,
    stop every link still open, and blank the messages that named them (erasure); the
    supervisor's own details stay on the placement. Returns how many links there were."""
    requests = db.session.scalars(
        select(EvaluationRequest)
        .join(Placement, Placement.id == EvaluationRequest.placement_id)
        .where(Placement.candidate_id == candidate_id)
    ).all()
    now = utcnow()
    for request in requests:
        if request.kind not in SUPERVISOR_KINDS or (
            request.recipient_email.strip().lower() == email.strip().lower()
        ):
            request.recipient_name, request.recipient_email = ERASED_RECIPIENT, ""
        if request.used_at is None and request.revoked_at is None:
            request.revoked_at = now
    messages.erase_link_messages(LinkKind.EVALUATION, [request.id for request in requests])
    db.session.flush()
    return len(requests)


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
        f"{format_date(request.expires_at)}.\n\nThank you."
    )
    return subject, body


def link_for(token: str) -> str:
    """A private link's address on the office's public base URL."""
    return public_url("feedback.form", token=token)
