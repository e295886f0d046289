"""Interview kits and scorecards: the questions a position's interviews ask, each
interviewer's ratings against them, who may read whose, and the panel's summary."""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from recruit.audit.services import record
from recruit.auth.models import User
from recruit.auth.policy import can
from recruit.candidates.models import Candidate
from recruit.database import utcnow
from recruit.extensions import db
from recruit.interviews.models import (
    Interview,
    Interviewer,
    InterviewKit,
    InterviewState,
    KitQuestion,
    Recommendation,
    Scorecard,
)
from recruit.messages.links import LinkGone, derived_token, public_url
from recruit.placements.models import Position
from recruit.placements.questionnaires import NACE_COMPETENCIES, PROCUREMENT_ITEMS
from recruit.stale import check, flush
from recruit.templating import office_time

# One scale for every question, its meanings shown on the kit page and the scorecard.
RATING_SCALE = [
    (1, "1 - No evidence"),
    (2, "2 - Some evidence"),
    (3, "3 - Clear evidence"),
    (4, "4 - Strong evidence"),
]

RECOMMENDATIONS = [
    (Recommendation.STRONG_NO, "Strong no"),
    (Recommendation.NO, "No"),
    (Recommendation.YES, "Yes"),
    (Recommendation.STRONG_YES, "Strong yes"),
]

# The competencies a question may assess: the keys the evaluations rate, with the short
# label before the colon of their supervisor prompt.
COMPETENCIES = {
    **{key: prompt.split(":")[0] for key, prompt, _self in NACE_COMPETENCIES},
    **{key: prompt.split(":")[0] for key, prompt in PROCUREMENT_ITEMS},
}

# The office default kit's questions when none has been written yet.
BUILT_IN_QUESTIONS = [
    (
        "communication",
        "Tell us about a time you had to explain something complicated to someone "
        "outside your field. How did you make sure they understood?",
    ),
    (
        "critical_thinking",
        "Two vendors quote prices 40% apart for the same office chairs. What would you "
        "look into before recommending either?",
    ),
    (
        "professionalism",
        "A vendor you are evaluating offers you free tickets to a game. What do you do, "
        "and why does it matter in public purchasing?",
    ),
    (
        "teamwork",
        "Describe a group project where the team disagreed on the approach. What was "
        "your part in resolving it?",
    ),
    (
        "applies_procurement_rules",
        "An agency wants to buy a $60,000 software subscription from the one company "
        "its staff already like. What questions would you ask before it goes ahead?",
    ),
    (
        "market_research",
        "How would you find out who sells a service the state has never bought before, "
        "and what a fair price for it is?",
    ),
]

# An outside interviewer's link works until this long after the interview ends.
OUTSIDE_LINK_DAYS = 30
# A link's token is a 256-bit HMAC in 43 URL-safe characters; anything else was never
# issued, so it is refused without a lookup.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43,128}")


class ScorecardRefused(Exception):
    """A scorecard cannot be filled now: the message says why."""


class LinkUnavailable(Exception):
    """An outside interviewer's link is wrong, cancelled or expired: all look the same."""


def competency_label(key: str) -> str:
    """The short name of a competency key, or the key itself for one no longer known."""
    return COMPETENCIES.get(key, key.replace("_", " ").capitalize())


# --- kits --------------------------------------------------------------------------------


def default_kit() -> InterviewKit:
    """The office default kit, made from the built-in questions the first time it is asked."""
    kit = db.session.scalar(
        # Should two first requests each make one, the older always wins.
        select(InterviewKit)
        .where(InterviewKit.position_id.is_(None))
        .order_by(InterviewKit.id)
        .limit(1)
    )
    if kit is None:
        kit = InterviewKit(
            position_id=None,
            questions=[
                KitQuestion(sort_order=n, competency=key, text=text)
                for n, (key, text) in enumerate(BUILT_IN_QUESTIONS, start=1)
            ],
        )
        db.session.add(kit)
        db.session.flush()
    return kit


def own_kit(position: Position) -> InterviewKit | None:
    """The kit a position has of its own, if any."""
    return db.session.scalar(select(InterviewKit).where(InterviewKit.position_id == position.id))


def kit_for(position: Position | None) -> InterviewKit:
    """The kit an interview for this position asks: its own, else the office default."""
    if position is not None and (kit := own_kit(position)) is not None:
        return kit
    return default_kit()


def start_position_kit(position: Position, by_user: User) -> InterviewKit:
    """Give a position a kit of its own, starting as a copy of the office default."""
    kit = own_kit(position)
    if kit is not None:
        return kit
    default = default_kit()
    kit = InterviewKit(
        position_id=position.id,
        updated_by_id=by_user.id,
        questions=[
            KitQuestion(sort_order=q.sort_order, competency=q.competency, text=q.text)
            for q in default.questions
        ],
    )
    db.session.add(kit)
    db.session.flush()
    record("interview_kit.create", user=by_user, target=kit, position=position.id)
    return kit


@dataclass
class QuestionEdit:
    """One row of the kit form: an existing question (id) or a new one (id None)."""

    id: int | None
    competency: str
    text: str
    sort_order: int
    remove: bool = False


def save_kit(
    kit: InterviewKit, edits: list[QuestionEdit], expected_version: int | None, by_user: User
) -> InterviewKit:
    """Reword, reorder, remove and add a kit's questions in one save; a save made from an
    older version of the kit is refused (StaleSave)."""
    check(kit, expected_version, "interview kit")
    by_id = {q.id: q for q in kit.questions}
    # Sorted by the number typed; a question given a number it did not have goes ahead of
    # the one holding it ("1" moves a question to the top), then in the form's order.
    kept: list[tuple[int, int, int, KitQuestion]] = []
    changes = {"added": 0, "removed": 0, "changed": 0}
    for n, edit in enumerate(edits):
        question = by_id.pop(edit.id, None) if edit.id is not None else None
        if edit.id is not None and question is None:
            continue  # removed by an earlier save; the version check caught any real race
        if edit.remove or not edit.text.strip():
            if question is not None:
                kit.questions.remove(question)
                changes["removed"] += 1
            continue
        moved = question is not None and question.sort_order != edit.sort_order
        if question is None:
            question = KitQuestion(competency=edit.competency, text=edit.text.strip())
            kit.questions.append(question)
            changes["added"] += 1
        elif (question.competency, question.text) != (edit.competency, edit.text.strip()):
            question.competency, question.text = edit.competency, edit.text.strip()
            changes["changed"] += 1
        kept.append((edit.sort_order, 0 if moved else 1, n, question))
    # Questions the form did not carry stay, after the ones it did.
    kept += [(10**6, 1, len(edits) + n, q) for n, q in enumerate(by_id.values())]
    for place, row in enumerate(sorted(kept, key=lambda k: k[:3]), start=1):
        row[3].sort_order = place
    kit.questions.sort(key=lambda q: q.sort_order)
    # Touching the kit's own row raises its version, so every question edit counts as a
    # save of the kit for the stale check.
    kit.updated_by_id = by_user.id
    kit.updated_at = utcnow()
    flush(kit, "interview kit")
    record("interview_kit.save", user=by_user, target=kit, position=kit.position_id, **changes)
    return kit


# --- filling a scorecard -----------------------------------------------------------------


def interviewer_for(interview: Interview, user) -> Interviewer | None:
    """The signed-in user's seat on this interview's panel, if they have one."""
    user_id = getattr(user, "id", None)
    if user_id is None:
        return None
    return next((i for i in interview.interviewers if i.user_id == user_id), None)


def check_fillable(interview: Interview) -> None:
    """Refuse (ScorecardRefused) a scorecard for an interview not held, or not yet begun."""
    if interview.state == InterviewState.CANCELLED:
        raise ScorecardRefused("This interview was cancelled, so it has no scorecards.")
    if interview.candidate.anonymized_at is not None:
        raise ScorecardRefused("The candidate's record was erased, so it takes no scorecards.")
    if interview.state != InterviewState.SCHEDULED or interview.starts_at is None:
        raise ScorecardRefused(
            "This interview has no time yet. You can fill this scorecard once it is "
            "scheduled and has started."
        )
    if interview.starts_at > utcnow():
        raise ScorecardRefused(
            "You can fill this scorecard once the interview has started, at "
            f"{office_time(interview.starts_at)}."
        )


def submit_scorecard(
    interviewer: Interviewer,
    questions: list[KitQuestion],
    answers: dict[int, tuple[int, str]],
    recommendation: Recommendation,
    summary: str,
    by_user: User | None = None,
) -> Scorecard:
    """Save an interviewer's scorecard, final once in: the ratings keep each question as it
    read. answers maps question id to (rating, evidence). A second submission raises
    ScorecardRefused."""
    check_fillable(interviewer.interview)
    scorecard = Scorecard(
        interviewer_id=interviewer.id,
        ratings=[
            {
                "competency": q.competency,
                "question": q.text,
                "rating": answers[q.id][0],
                "evidence": answers[q.id][1].strip(),
            }
            for q in questions
        ],
        recommendation=recommendation,
        summary=summary.strip(),
        submitted_at=utcnow(),
    )
    try:
        # The unique interviewer_id decides between two submissions sent at once.
        with db.session.begin_nested():
            db.session.add(scorecard)
            db.session.flush()
    except IntegrityError as error:
        raise ScorecardRefused("Your scorecard is already in.") from error
    record(
        "scorecard.submit",
        user=by_user,
        target=interviewer.interview,
        interviewer=interviewer.id,
    )
    return scorecard


# --- outside interviewers' links ---------------------------------------------------------


def token_hash(token: str) -> str:
    """The SHA-256 of a link's token, as Interviewer.token_hash keeps it."""
    return hashlib.sha256(token.encode()).hexdigest()


def scorecard_token(interviewer: Interviewer) -> str:
    """The token of an outside interviewer's private scorecard link, derived again whenever
    it is needed (the row keeps its nonce and the token's hash)."""
    return derived_token("scorecard", interviewer.id, interviewer.link_nonce)


def scorecard_url(interviewer: Interviewer) -> str:
    """An outside interviewer's private scorecard link on the office's public address."""
    return public_url("scorecards.outside", token=scorecard_token(interviewer))


def link_expires_at(interview: Interview) -> datetime | None:
    """When an outside interviewer's link stops working: a while after the interview ends."""
    if interview.state != InterviewState.SCHEDULED or interview.starts_at is None:
        return None
    ends_at = interview.ends_at or interview.starts_at + timedelta(
        minutes=interview.duration_minutes
    )
    return ends_at + timedelta(days=OUTSIDE_LINK_DAYS)


def outside_link_works(interviewer: Interviewer, now: datetime) -> bool:
    """May this outside interviewer's link be sent or opened now (scheduled, not cancelled,
    not past its expiry, nothing submitted yet)?"""
    expires_at = link_expires_at(interviewer.interview)
    return (
        interviewer.user_id is None
        and interviewer.token_hash is not None
        and expires_at is not None
        and now < expires_at
        and interviewer.scorecard is None
    )


def open_outside_link(token: str) -> Interviewer:
    """The outside interviewer a working link belongs to, scorecard in or not; a wrong,
    cancelled or expired link raises LinkUnavailable."""
    if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
        raise LinkUnavailable
    interviewer = db.session.scalar(
        select(Interviewer)
        .where(Interviewer.token_hash == token_hash(token), Interviewer.user_id.is_(None))
        .options(selectinload(Interviewer.interview), selectinload(Interviewer.scorecard))
    )
    if interviewer is None:
        raise LinkUnavailable
    expires_at = link_expires_at(interviewer.interview)
    if interviewer.interview.state == InterviewState.CANCELLED or (
        expires_at is not None and expires_at <= utcnow()
    ):
        raise LinkUnavailable
    return interviewer


def reveal_scorecard_link(interviewer_id: int) -> str:
    """The link a queued message to an outside interviewer carries, made at send time; a
    link that no longer works raises LinkGone."""
    interviewer = db.session.get(Interviewer, interviewer_id)
    if interviewer is None or not outside_link_works(interviewer, utcnow()):
        raise LinkGone("The interview was cancelled or its scorecard is already in.")
    return scorecard_url(interviewer)


# --- reading scorecards ------------------------------------------------------------------


def visible_scorecards(interview: Interview, user) -> list[Scorecard]:
    """The scorecards of an interview this user may read: an interviewer sees the panel's
    once their own is in (none before, so no one is swayed); HR and admins not on the panel
    see every one; anyone else none."""
    submitted = [i.scorecard for i in interview.interviewers if i.scorecard is not None]
    seat = interviewer_for(interview, user)
    if seat is not None:
        return submitted if seat.scorecard is not None else []
    if can(user, "manage_placements"):
        return submitted
    return []


@dataclass
class CompetencyRow:
    """One competency of a panel summary: each interviewer's rating and the average."""

    key: str
    label: str
    ratings: list[dict] = field(default_factory=list)

    @property
    def average(self) -> float | None:
        numbers = [r["rating"] for r in self.ratings if r["rating"] is not None]
        return round(sum(numbers) / len(numbers), 1) if numbers else None


@dataclass
class PanelSummary:
    """What a reader may see of a panel's scorecards (templates/interviews/_scorecards.html)."""

    competencies: list[CompetencyRow]
    recommendations: list[tuple[str, int]]
    # Each visible scorecard as {"name", "recommendation", "summary", "submitted_at"}.
    cards: list[dict]
    # The panel members whose scorecard is not in yet, and the panel's size: how many are
    # in is no secret, what they say is.
    waiting_for: list[str]
    expected: int
    # The reader sits on the panel: whether their own scorecard is in decides the rest.
    on_panel: bool
    own_submitted: bool
    may_see: bool

    @property
    def submitted(self) -> int:
        return self.expected - len(self.waiting_for)


def panel_summary(interview: Interview, user) -> PanelSummary:
    """Per competency, each visible rating with its interviewer and evidence and their
    average, and the tally of recommendations."""
    scorecards = visible_scorecards(interview, user)
    names = {i.id: i.name for i in interview.interviewers}
    rows: dict[str, CompetencyRow] = {}
    for scorecard in scorecards:
        for rating in scorecard.ratings:
            key = rating.get("competency", "")
            row = rows.setdefault(key, CompetencyRow(key=key, label=competency_label(key)))
            row.ratings.append(
                {
                    "name": names[scorecard.interviewer_id],
                    "question": rating.get("question", ""),
                    "rating": rating.get("rating"),
                    "evidence": rating.get("evidence", ""),
                }
            )
    tally = {value: 0 for value, _label in RECOMMENDATIONS}
    for scorecard in scorecards:
        tally[scorecard.recommendation] += 1
    seat = interviewer_for(interview, user)
    labels = dict(RECOMMENDATIONS)
    return PanelSummary(
        competencies=list(rows.values()),
        recommendations=[(label, tally[value]) for value, label in RECOMMENDATIONS],
        cards=[
            {
                "name": names[s.interviewer_id],
                "recommendation": labels[s.recommendation],
                "summary": s.summary,
                "submitted_at": s.submitted_at,
            }
            for s in scorecards
        ],
        waiting_for=[i.name for i in interview.interviewers if i.scorecard is None],
        expected=len(interview.interviewers),
        on_panel=seat is not None,
        own_submitted=seat is not None and seat.scorecard is not None,
        may_see=seat is not None or can(user, "manage_placements"),
    )


def scorecards_for_candidate(
    candidate: Candidate, user, interviews: list[Interview] | None = None
) -> list[tuple[Interview, PanelSummary]]:
    """Each of a candidate's interviews, newest first, with the summary this user may see;
    three queries however many interviews there are, none when the page loaded them
    already (with their panels' scorecards)."""
    if interviews is None:
        interviews = db.session.scalars(
            select(Interview)
            .where(Interview.candidate_id == candidate.id)
            .options(selectinload(Interview.interviewers).selectinload(Interviewer.scorecard))
            .order_by(Interview.starts_at.desc().nulls_last(), Interview.id.desc())
        ).all()
    return [(interview, panel_summary(interview, user)) for interview in interviews]


# --- erasure -----------------------------------------------------------------------------


def erase_scorecards(candidate_id: int) -> int:
    """Blank the evidence and summaries written about a candidate, keeping the ratings and
    recommendations for reports; returns how many scorecards were touched."""
    scorecards = db.session.scalars(
        select(Scorecard)
        .join(Scorecard.interviewer)
        .join(Interviewer.interview)
        .where(Interview.candidate_id == candidate_id)
    ).all()
    for scorecard in scorecards:
        # A new list, so the JSON column sees the change.
        scorecard.ratings = [{**rating, "evidence": ""} for rating in scorecard.ratings]
        scorecard.summary = ""
    db.session.flush()
    return len(scorecards)
