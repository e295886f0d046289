"""The demo office that `make run` loads: big enough, consistent and always current."""

import re
from datetime import timedelta
from itertools import pairwise

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from recruit.auth.models import Role, User
from recruit.candidates.models import (
    Candidate,
    Source,
    Stage,
    StageChange,
    StageKind,
    name_key,
)
from recruit.database import utcnow
from recruit.demo import seed_demo
from recruit.events.models import Event, EventStatus, FollowUp
from recruit.extensions import db
from recruit.interviews import services
from recruit.interviews.models import Interview, Interviewer, InterviewState
from recruit.main.services import placements_awaiting_evaluations
from recruit.messages.models import DeliveryState, OutboxMessage
from recruit.pipeline.moves import CLOSE_REASON_LABELS
from recruit.placements.models import (
    AnswerType,
    Evaluation,
    EvaluationKind,
    ItemForm,
    Placement,
)
from recruit.placements.questionnaires import create_standard_evaluation_items
from recruit.timezones import day_bounds, local_today
from recruit.universities.models import Contact

PASSWORD = "demo password for the tests"
LATER_STAGES = ("active_intern", "completed", "hired")


@pytest.fixture
def demo(app):
    """The demo office, seeded and committed."""
    seed_demo("admin@recruit.example", PASSWORD)
    db.session.commit()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def candidates_with_history() -> list[Candidate]:
    return list(
        db.session.scalars(
            select(Candidate).options(
                selectinload(Candidate.history), selectinload(Candidate.stage)
            )
        )
    )


def test_seed_demo_fills_every_active_stage(runner):
    """Does seed-demo create about 200 candidates spread over every active stage?"""
    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    assert count(Candidate) == 200
    per_stage = dict(
        db.session.execute(
            select(Stage.key, func.count(Candidate.id))
            .outerjoin(Candidate, Candidate.stage_id == Stage.id)
            .where(Stage.kind != StageKind.CLOSED)
            .group_by(Stage.key)
        ).all()
    )
    assert len(per_stage) == 8
    assert all(n >= 3 for n in per_stage.values()), per_stage


def test_history_ends_at_current_stage_in_time_order(demo):
    """Does every candidate's stage history end at their current stage, in time order?"""
    now = utcnow()
    for candidate in candidates_with_history():
        history = sorted(candidate.history, key=lambda change: change.created_at)
        assert history[0].from_stage_id is None
        assert history[0].to_stage.key == "interested"
        assert history[0].created_at == candidate.created_at
        for before, after in pairwise(history):
            assert after.from_stage_id == before.to_stage_id
            assert after.created_at > before.created_at
            assert after.user_id is not None
        assert history[-1].to_stage_id == candidate.stage_id
        assert candidate.stage_entered_at == history[-1].created_at <= now


def test_closed_candidates_carry_a_reason(demo):
    """Does every closed candidate carry a reason staff could have chosen, with a comment?"""
    closed = [c for c in candidates_with_history() if c.stage.kind == StageKind.CLOSED]

    assert 30 <= len(closed) <= 70
    for candidate in closed:
        last = max(candidate.history, key=lambda change: change.created_at)
        assert candidate.closed_reason in CLOSE_REASON_LABELS
        assert last.reason == candidate.closed_reason
        assert last.comment


def test_nothing_has_happened_in_the_future(demo):
    """Do the demo's records all lie in the past, fourteen months at most?"""
    now = utcnow()
    earliest = now - timedelta(days=430)
    for column in (
        Candidate.created_at,
        Candidate.last_activity_at,
        StageChange.created_at,
        Evaluation.submitted_at,
        FollowUp.done_at,
    ):
        low, high = db.session.execute(select(func.min(column), func.max(column))).one()
        assert earliest <= low and high <= now, column


def test_event_statuses_match_their_dates(demo):
    """Are past events attended, followed up or (once) cancelled, and future ones planned?"""
    today = utcnow().date()
    events = list(db.session.scalars(select(Event)))

    assert 14 <= len(events) <= 22
    for event in events:
        if event.starts_on < today:
            assert event.status in (
                EventStatus.ATTENDED,
                EventStatus.FOLLOWED_UP,
                EventStatus.CANCELLED,
            )
        else:
            assert event.status in (EventStatus.PLANNED, EventStatus.REGISTERED)
    assert [e.status for e in events].count(EventStatus.CANCELLED) == 1


def test_event_slugs_are_unique_and_hyphenated(demo):
    """Are the demo's event slugs unique, lowercase and hyphenated?"""
    slugs = list(db.session.scalars(select(Event.slug)))

    assert len(set(slugs)) == len(slugs)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) for slug in slugs)


def test_about_half_the_candidates_are_leads_of_past_events(demo):
    """Did about half the candidates come from a past attended event, as its lead?"""
    from_events = list(
        db.session.scalars(
            select(Candidate)
            .where(Candidate.source == Source.EVENT)
            .options(selectinload(Candidate.event_links), selectinload(Candidate.source_event))
        )
    )

    assert 70 <= len(from_events) <= 130
    for candidate in from_events:
        event = candidate.source_event
        assert event.status in (EventStatus.ATTENDED, EventStatus.FOLLOWED_UP)
        assert event.starts_on == candidate.created_at.date()
        assert [link.event_id for link in candidate.event_links] == [event.id]
        assert candidate.event_links[0].via in ("form", "quick_add")


def test_placements_follow_the_interns_history(demo):
    """Does each intern's placement start when they became an active intern?"""
    today = utcnow().date()
    interns = [c for c in candidates_with_history() if c.stage.key in LATER_STAGES]
    placements = {
        p.candidate_id: p
        for p in db.session.scalars(select(Placement).options(selectinload(Placement.position)))
    }

    assert interns and len(placements) == len(interns)
    for candidate in interns:
        placement = placements[candidate.id]
        started = next(c for c in candidate.history if c.to_stage.key == "active_intern")
        assert placement.starts_on == started.created_at.date()
        assert placement.starts_on < placement.midterm_due_on < placement.final_due_on
        assert placement.final_due_on == placement.ends_on
        assert placement.position.term
        if candidate.stage.key == "active_intern":
            assert placement.outcome is None and placement.starts_on <= today
        else:
            assert placement.outcome is not None and placement.ends_on < today


def test_dashboard_shows_evaluations_due(demo):
    """Does the dashboard have supervisor evaluations due in the next two weeks?"""
    assert placements_awaiting_evaluations(utcnow().date()) > 0


def test_follow_ups_are_done_due_and_overdue(demo):
    """Are some follow-ups done, some due soon and some overdue, for contacts and events?"""
    today = utcnow().date()
    tasks = list(db.session.scalars(select(FollowUp)))
    follow_up_dates = [
        d for d in db.session.scalars(select(Contact.next_follow_up_on)) if d is not None
    ]

    assert any(task.done_at for task in tasks)
    assert any(not task.done_at and task.due_on < today for task in tasks)
    assert any(d < today for d in follow_up_dates)
    assert any(today <= d <= today + timedelta(days=14) for d in follow_up_dates)
    assert any(d > today + timedelta(days=14) for d in follow_up_dates)


def test_evaluations_answer_every_item_of_their_form(demo):
    """Does every submitted evaluation answer each item of its form, ratings 1 to 5?"""
    forms = {
        EvaluationKind.SUPERVISOR_MIDTERM: ItemForm.SUPERVISOR,
        EvaluationKind.SUPERVISOR_FINAL: ItemForm.SUPERVISOR,
        EvaluationKind.INTERN_SELF: ItemForm.INTERN_SELF,
        EvaluationKind.INTERN_FEEDBACK: ItemForm.INTERN_FEEDBACK,
    }
    evaluations = list(
        db.session.scalars(select(Evaluation).options(selectinload(Evaluation.answers)))
    )

    assert {e.kind for e in evaluations} == set(forms)
    for evaluation in evaluations:
        items = {answer.item.form for answer in evaluation.answers}
        assert items == {forms[evaluation.kind]}
        assert len(evaluation.answers) in (13, 8, 5)
        assert all(
            1 <= answer.rating <= 5 for answer in evaluation.answers if answer.rating is not None
        )


def test_names_include_accents_and_other_scripts(demo):
    """Do the demo's candidates include accented and non-Latin names?"""
    names = [c.full_name for c in db.session.scalars(select(Candidate))]

    assert any(re.search(r"[À-ɏ]", name) for name in names)
    assert any(
        re.search(r"[\u0370-\u03ff\u0400-\u04ff\u0600-\u06ff\u3040-\u9fff]", n) for n in names
    )


def test_every_candidate_is_stored_with_the_key_of_their_name(demo):
    """Does each demo candidate carry the name key the duplicate check looks names up by?"""
    rows = db.session.execute(select(Candidate.first_name, Candidate.last_name, Candidate.name_key))

    assert all(key == name_key(first, last) != "" for first, last, key in rows)


def test_supervisor_form_asks_nace_and_procurement_items(app):
    """Does the supervisor form ask the eight NACE competencies and five procurement items?"""
    items = create_standard_evaluation_items()[ItemForm.SUPERVISOR]

    assert [item.group for item in items] == ["nace"] * 8 + ["procurement"] * 5
    assert [item.position for item in items] == list(range(1, 14))
    assert all(item.answer_type == AnswerType.RATING for item in items)


def test_intern_feedback_asks_about_clerical_work_in_percent(app):
    """Does the program feedback form ask the share of clerical work as a percentage?"""
    items = {i.key: i for i in create_standard_evaluation_items()[ItemForm.INTERN_FEEDBACK]}

    assert items["clerical_share"].answer_type == AnswerType.PERCENT
    assert items.keys() == {
        "satisfaction",
        "belonging",
        "supervisor_support",
        "clerical_share",
        "full_time_likelihood",
    }


def test_seed_demo_if_empty_keeps_data(runner):
    """Does running seed-demo --if-empty a second time keep the data and print no new password?"""
    runner.invoke(args=["seed-demo", "--if-empty"])
    before = count(Candidate)

    result = runner.invoke(args=["seed-demo", "--if-empty"])

    assert result.exit_code == 0
    assert "password" not in result.output
    assert count(Candidate) == before == 200


def test_admin_signs_in_with_printed_password(runner, client):
    """Does the admin created by seed-demo sign in with the printed password?"""
    output = runner.invoke(args=["seed-demo"]).output
    email, password = re.search(r"as (\S+) with password (\S+)", output).groups()

    response = client.post("/login", data={"email": email, "password": password})

    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_interviews_fill_the_interview_pages_without_sending_anything(demo):
    """Does the demo have interviews today with its admin on the panel, one offered with
    three times, one past and one cancelled, for candidates in Interview, with working
    links, and nothing waiting in the outbox?"""
    interviews = list(
        db.session.scalars(select(Interview).options(selectinload(Interview.interviewers)))
    )
    now = utcnow()
    start, end = day_bounds(local_today())
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
    today = [i for i in interviews if i.starts_at and start <= i.starts_at < end]
    assert len(today) >= 2
    assert all(admin.id in {p.user_id for p in i.interviewers} for i in today)
    offered = [i for i in interviews if i.state == InterviewState.OFFERED]
    assert [len(i.slots) for i in offered] == [3]
    assert all(slot.starts_at > now for slot in offered[0].slots)
    booked = [i for i in interviews if i.state == InterviewState.SCHEDULED]
    assert any(i.starts_at < now for i in booked)
    assert sum(i.starts_at > now for i in booked) >= 2
    assert sum(i.state == InterviewState.CANCELLED for i in interviews) == 1
    assert {i.candidate.stage.key for i in interviews} <= {"interview", "screening"}
    for interview in interviews:
        if interview.state != InterviewState.CANCELLED:
            assert services.open_link(services.candidate_token(interview)) == interview
    outside = db.session.scalars(select(Interviewer).where(Interviewer.user_id.is_(None))).all()
    assert outside and all(p.token_hash for p in outside)
    waiting = select(func.count()).where(OutboxMessage.state != DeliveryState.SENT)
    assert db.session.scalar(waiting) == 0
