"""Interview kits and scorecards: HR writes the questions, each interviewer rates the
candidate blind to the others until their own is in, and the panel's summary adds up."""

import hashlib
import itertools
import secrets
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from recruit.audit.models import AuditEntry
from recruit.auth.models import Role
from recruit.extensions import db
from recruit.interviews.models import (
    Interview,
    Interviewer,
    InterviewKind,
    InterviewKit,
    InterviewState,
    KitQuestion,
    Recommendation,
    Scorecard,
)
from recruit.interviews.scorecards import (
    BUILT_IN_QUESTIONS,
    QuestionEdit,
    default_kit,
    erase_scorecards,
    kit_for,
    panel_summary,
    save_kit,
    scorecard_token,
    scorecard_url,
    scorecards_for_candidate,
    submit_scorecard,
    visible_scorecards,
)
from tests.conftest import PASSWORD
from tests.placement_factories import new_position
from tests.query_counting import counting_queries

_sequence = itertools.count(1)


@pytest.fixture(autouse=True)
def frozen(clock):
    """One clock for every test here: interviews start an hour before it."""
    return clock


@pytest.fixture
def make_interview(app, make_candidate, clock):
    """Return a callable that makes an interview, scheduled an hour ago unless told."""

    def make(candidate=None, state=InterviewState.SCHEDULED, starts_in=timedelta(hours=-1), **f):
        n = next(_sequence)
        scheduled = state == InterviewState.SCHEDULED
        interview = Interview(
            candidate=candidate or make_candidate(),
            kind=InterviewKind.PANEL,
            state=state,
            starts_at=clock.now + starts_in if scheduled else None,
            ends_at=clock.now + starts_in + timedelta(minutes=45) if scheduled else None,
            duration_minutes=45,
            uid=f"interview-{n}@recruit.test",
            token_hash=hashlib.sha256(secrets.token_bytes(16)).hexdigest(),
            link_nonce=secrets.token_hex(16),
            **f,
        )
        db.session.add(interview)
        db.session.commit()
        return interview

    return make


@pytest.fixture
def seat(app):
    """Return a callable that puts a staff user, or an outside person by name, on a panel."""

    def make(interview, user=None, name=None):
        if user is not None:
            interviewer = Interviewer(
                interview=interview, user_id=user.id, name=user.name, email=user.email.lower()
            )
        else:
            interviewer = Interviewer(
                interview=interview,
                name=name,
                email=f"{name.split()[0].lower()}@agency.example",
                link_nonce=secrets.token_hex(16),
            )
        db.session.add(interviewer)
        db.session.flush()
        if user is None:
            interviewer.token_hash = hashlib.sha256(
                scorecard_token(interviewer).encode()
            ).hexdigest()
        db.session.commit()
        return interviewer

    return make


def sign_in(client, user):
    client.post("/logout")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


def answers(kit, rating="3", evidence="Walked through the quotes step by step.", **extra):
    """A filled scorecard form for every question of a kit."""
    data = {"recommendation": "yes", "summary": "Ready for the role.", **extra}
    for question in kit.questions:
        data[f"rating_{question.id}"] = rating
        data[f"evidence_{question.id}"] = evidence
    return data


def submit(interviewer, rating, recommendation=Recommendation.YES, evidence="Evidence."):
    """Put a scorecard in directly, with the same rating for every question."""
    questions = list(kit_for(interviewer.interview.position).questions)
    submit_scorecard(
        interviewer,
        questions,
        {q.id: (rating, evidence) for q in questions},
        recommendation,
        "Summary words.",
    )
    db.session.commit()


# --- kits --------------------------------------------------------------------------------


def test_default_kit_is_created_once(client, signed_in):
    """Does the office default kit come from the built-in questions, and only once?"""
    signed_in(Role.HR)
    assert client.get("/interview-kits/").status_code == 200
    assert client.get("/interview-kits/").status_code == 200
    kit_for(None)
    kit_for(new_position())
    assert db.session.scalar(select(func.count(InterviewKit.id))) == 1
    questions = default_kit().questions
    assert [q.competency for q in questions] == [key for key, _ in BUILT_IN_QUESTIONS]


def test_hr_rewords_removes_reorders_and_adds_kit_questions(client, signed_in):
    """HR rewords one question, removes another, moves the last first and adds one: does
    the kit read that way afterwards, and is the save audited?"""
    signed_in(Role.HR)
    kit = default_kit()
    db.session.commit()
    _first, second, *rest = kit.questions
    data = {"version": str(kit.version)}
    for n, q in enumerate(kit.questions):
        data |= {
            f"questions-{n}-question_id": str(q.id),
            f"questions-{n}-competency": q.competency,
            f"questions-{n}-text": q.text,
            f"questions-{n}-order": str(n + 1),
        }
    data["questions-0-text"] = "Tell us about a time you explained a rule to a vendor."
    data["questions-1-remove"] = "y"
    data[f"questions-{len(rest) + 1}-order"] = "0"  # rejected: orders start at 1
    response = client.post("/interview-kits/", data=data)
    assert response.status_code == 400
    assert f"Question {len(rest) + 2}, order: Give a number from 1 to 999." in response.text
    data[f"questions-{len(rest) + 1}-order"] = "1"
    data["new_text"] = "Which spreadsheet functions do you use to compare bids?"
    data["new_competency"] = "technology"
    response = client.post("/interview-kits/", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    kit = default_kit()
    texts = [q.text for q in kit.questions]
    assert texts[0] == rest[-1].text  # the last, moved first
    assert texts[1] == "Tell us about a time you explained a rule to a vendor."
    assert second.text not in texts
    assert texts[-1] == "Which spreadsheet functions do you use to compare bids?"
    assert kit.questions[-1].competency == "technology"
    assert len(texts) == len(BUILT_IN_QUESTIONS)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "interview_kit.save"))
    assert entry.detail == {"position": None, "added": 1, "removed": 1, "changed": 1}


def test_a_stale_kit_edit_is_refused(client, signed_in, make_user):
    """Two HR staff edit the kit at once: is the second save refused, saying who saved?"""
    signed_in(Role.HR)
    kit = default_kit()
    db.session.commit()
    loaded = kit.version
    other = make_user(role=Role.ADMIN, name="Maria Alvarez")
    first = kit.questions[0]
    save_kit(kit, [QuestionEdit(first.id, "communication", "Reworded first.", 1)], loaded, other)
    db.session.commit()
    response = client.post(
        "/interview-kits/",
        data={
            "version": str(loaded),
            "questions-0-question_id": str(first.id),
            "questions-0-competency": "communication",
            "questions-0-text": "My own rewording.",
            "questions-0-order": "1",
        },
    )
    assert response.status_code == 409, response.text
    assert "Maria Alvarez saved this interview kit" in response.text
    assert "My own rewording." in response.text
    db.session.expire_all()
    assert db.session.get(KitQuestion, first.id).text == "Reworded first."


def test_a_position_gets_its_own_kit_copied_from_the_default(client, signed_in):
    """HR opens a position's kit, starts one of its own: is it a copy the default does not
    share?"""
    signed_in(Role.HR)
    position = new_position()
    page = client.get(f"/positions/{position.id}")
    assert f"/interview-kits/positions/{position.id}" in page.text
    response = client.get(f"/interview-kits/positions/{position.id}")
    assert "This position asks the office default kit" in response.text
    assert "3 - Clear evidence" in response.text or "Clear evidence" in response.text
    response = client.post(f"/interview-kits/positions/{position.id}/start")
    assert response.status_code == 302
    kit = kit_for(position)
    assert kit.position_id == position.id
    assert [q.text for q in kit.questions] == [q.text for q in default_kit().questions]


def test_outreach_cannot_edit_kits(client, signed_in):
    """Is the kit page refused to outreach staff?"""
    signed_in(Role.OUTREACH)
    assert client.get("/interview-kits/").status_code == 403


# --- staff scorecards --------------------------------------------------------------------


def test_a_staff_interviewer_fills_their_scorecard(client, make_user, make_interview, seat):
    """An interviewer rates each question and recommends: is the scorecard kept with the
    questions as they read, and audited without its words?"""
    user = make_user(role=Role.OUTREACH)
    interview = make_interview()
    interviewer = seat(interview, user)
    sign_in(client, user)
    page = client.get(f"/interviews/{interview.id}/scorecard")
    assert page.status_code == 200
    assert "final" in page.text
    assert "4 - Strong evidence" in page.text
    assert "<fieldset" in page.text and "<legend>" in page.text
    kit = default_kit()
    response = client.post(f"/interviews/{interview.id}/scorecard", data=answers(kit))
    assert response.status_code == 303
    scorecard = db.session.scalar(select(Scorecard))
    assert scorecard.interviewer_id == interviewer.id
    assert scorecard.recommendation == Recommendation.YES
    assert scorecard.ratings[0] == {
        "competency": kit.questions[0].competency,
        "question": kit.questions[0].text,
        "rating": 3,
        "evidence": "Walked through the quotes step by step.",
    }
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "scorecard.submit"))
    assert entry.user_id == user.id and entry.target_id == interview.id
    assert "Walked through" not in str(entry.detail)
    again = client.get(f"/interviews/{interview.id}/scorecard")
    assert "Your scorecard" in again.text and '<form method="post" novalidate' not in again.text


def test_a_submitted_scorecard_is_final(client, make_user, make_interview, seat):
    """Does sending a scorecard a second time leave the first as it was?"""
    user = make_user()
    interview = make_interview()
    seat(interview, user)
    sign_in(client, user)
    kit = default_kit()
    client.post(f"/interviews/{interview.id}/scorecard", data=answers(kit, rating="2"))
    client.post(f"/interviews/{interview.id}/scorecard", data=answers(kit, rating="4"))
    scorecards = db.session.scalars(select(Scorecard)).all()
    assert len(scorecards) == 1 and scorecards[0].ratings[0]["rating"] == 2


@pytest.mark.parametrize("role", [Role.ADMIN, Role.HR, Role.OUTREACH])
def test_someone_not_on_the_panel_gets_403(client, make_user, make_interview, seat, role):
    """Is a staff member who did not interview refused the scorecard, even an admin?"""
    interview = make_interview()
    seat(interview, make_user())
    outsider = make_user(role=role)
    sign_in(client, outsider)
    assert client.get(f"/interviews/{interview.id}/scorecard").status_code == 403
    response = client.post(f"/interviews/{interview.id}/scorecard", data=answers(default_kit()))
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(Scorecard.id))) == 0


def test_the_scorecard_waits_for_the_interview_to_start(client, make_user, make_interview, seat):
    """Before the interview starts, does the page say when it can be filled?"""
    user = make_user()
    interview = make_interview(starts_in=timedelta(hours=2))
    seat(interview, user)
    sign_in(client, user)
    page = client.get(f"/interviews/{interview.id}/scorecard")
    # 12:00 UTC on Mar 13, 2030 is 7:00 AM in Chicago (daylight time).
    assert "once the interview has started, at Mar 13, 2030, 7:00 AM CDT" in page.text
    response = client.post(f"/interviews/{interview.id}/scorecard", data=answers(default_kit()))
    assert response.status_code == 409
    assert db.session.scalar(select(func.count(Scorecard.id))) == 0


def test_bad_input_comes_back_with_values_and_errors(client, make_user, make_interview, seat):
    """A rating of 7 and no recommendation: does the form come back with the evidence typed
    and an error by each field?"""
    user = make_user()
    interview = make_interview()
    seat(interview, user)
    sign_in(client, user)
    kit = default_kit()
    data = answers(kit, evidence="Named three bid thresholds correctly.")
    data[f"rating_{kit.questions[0].id}"] = "7"
    del data["recommendation"]
    response = client.post(f"/interviews/{interview.id}/scorecard", data=data)
    assert response.status_code == 400
    assert "Named three bid thresholds correctly." in response.text
    assert "Question 1: Choose a rating from 1 to 4." in response.text
    assert "Choose your recommendation." in response.text
    assert f'id="rating_{kit.questions[0].id}-error"' in response.text
    assert db.session.scalar(select(func.count(Scorecard.id))) == 0


# --- who sees what -----------------------------------------------------------------------


def test_an_interviewer_sees_others_only_after_submitting(client, make_user, make_interview, seat):
    """Does an interviewer see nothing of a colleague's scorecard until theirs is in, and
    all of it after?"""
    me, colleague = make_user(), make_user(name="Jordan Blake")
    interview = make_interview()
    mine = seat(interview, me)
    submit(seat(interview, colleague), 4, evidence="Cited the conflict-of-interest rule.")
    assert visible_scorecards(interview, me) == []
    summary = panel_summary(interview, me)
    assert summary.cards == [] and summary.submitted == 1 and summary.on_panel
    sign_in(client, me)
    page = client.get(f"/interviews/{interview.id}/scorecard")
    assert "Cited the conflict-of-interest rule." not in page.text
    client.post(f"/interviews/{interview.id}/scorecard", data=answers(default_kit()))
    db.session.expire_all()
    assert len(visible_scorecards(interview, me)) == 2
    page = client.get(f"/interviews/{interview.id}/scorecard")
    assert "Cited the conflict-of-interest rule." in page.text
    assert "Jordan Blake" in page.text
    assert mine.scorecard is not None


def test_hr_not_on_the_panel_sees_every_scorecard(make_user, make_interview, seat):
    """Does HR who did not interview see every scorecard that is in, and outreach none?"""
    interview = make_interview()
    submit(seat(interview, make_user()), 3)
    submit(seat(interview, name="Pat Outside"), 2)
    seat(interview, make_user())  # not in yet
    assert len(visible_scorecards(interview, make_user(role=Role.HR))) == 2
    assert len(visible_scorecards(interview, make_user(role=Role.ADMIN))) == 2
    assert visible_scorecards(interview, make_user(role=Role.OUTREACH)) == []


def test_the_summary_averages_each_competency(make_user, make_interview, seat):
    """Three interviewers rate 2, 3 and 4: is each competency's average 3.0, each rating
    named, and the recommendations tallied?"""
    interview = make_interview()
    submit(seat(interview, make_user(name="Ann")), 2, Recommendation.NO)
    submit(seat(interview, make_user(name="Ben")), 3, Recommendation.YES)
    submit(seat(interview, name="Cy Agency"), 4, Recommendation.YES)
    summary = panel_summary(interview, make_user(role=Role.HR))
    assert [row.key for row in summary.competencies] == [k for k, _ in BUILT_IN_QUESTIONS]
    communication = summary.competencies[0]
    assert communication.label == "Communication"
    assert communication.average == 3.0
    assert [(r["name"], r["rating"]) for r in communication.ratings] == [
        ("Ann", 2),
        ("Ben", 3),
        ("Cy Agency", 4),
    ]
    assert dict(summary.recommendations) == {"Strong no": 0, "No": 1, "Yes": 2, "Strong yes": 0}


def test_candidate_summaries_take_the_same_queries_however_many_interviews(
    make_user, make_candidate, make_interview, seat
):
    """Does loading a candidate's scorecards cost as many queries for four interviews as
    for one?"""
    hr = make_user(role=Role.HR)

    def queries_for_interviews(count):
        candidate = make_candidate()
        for _ in range(count):
            interview = make_interview(candidate)
            submit(seat(interview, make_user()), 3)
            submit(seat(interview, name=f"Outside Person{next(_sequence)}"), 2)
        db.session.expire_all()
        db.session.refresh(candidate)  # as the candidate page has it, and the reader
        db.session.refresh(hr)
        with counting_queries() as statements:
            found = scorecards_for_candidate(candidate, hr)
            assert sum(summary.submitted for _i, summary in found) == 2 * count
            assert all(len(summary.cards) == 2 for _i, summary in found)
        return len(statements)

    assert queries_for_interviews(1) == queries_for_interviews(4) <= 3


# --- outside interviewers ----------------------------------------------------------------


def test_an_outside_interviewer_fills_theirs_through_the_link(client, make_interview, seat):
    """An agency supervisor opens their link, rates and sends: is it in, and does the link
    then say thank you?"""
    interview = make_interview()
    outsider = seat(interview, name="Renee Caldwell")
    url = scorecard_url(outsider)
    assert url.startswith("http") and "/scorecard/" in url
    path = f"/scorecard/{scorecard_token(outsider)}"
    page = client.get(path)
    assert page.status_code == 200
    assert "Hello Renee Caldwell" in page.text
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    response = client.post(path, data=answers(default_kit(), recommendation="strong_yes"))
    assert response.status_code == 303
    scorecard = db.session.scalar(select(Scorecard))
    assert scorecard.interviewer_id == outsider.id
    assert scorecard.recommendation == Recommendation.STRONG_YES
    thanks = client.get(path)
    assert thanks.status_code == 200
    assert "already received" in thanks.text


@pytest.mark.parametrize("token", ["garbage", "A" * 43, "x" * 300, "%E2%98%83" * 43])
def test_a_garbage_link_gets_the_polite_page(client, token):
    """Does a made-up link get the polite page, GET or POST, never a server error?"""
    for response in (client.get(f"/scorecard/{token}"), client.post(f"/scorecard/{token}")):
        assert response.status_code == 404
        assert "This link cannot be used" in response.text


def test_a_cancelled_interviews_link_is_dead(client, make_interview, seat):
    """Once the interview is cancelled, does the link give the polite page, GET and POST?"""
    interview = make_interview()
    outsider = seat(interview, name="Renee Caldwell")
    interview.state = InterviewState.CANCELLED
    db.session.commit()
    path = f"/scorecard/{scorecard_token(outsider)}"
    assert "This link cannot be used" in client.get(path).text
    assert client.post(path, data=answers(default_kit())).status_code == 404
    assert db.session.scalar(select(func.count(Scorecard.id))) == 0


def test_an_outside_link_expires_30_days_after_the_interview(client, clock, make_interview, seat):
    """Does the link still work 29 days after the interview ended, and not 31?"""
    outsider = seat(make_interview(), name="Renee Caldwell")
    path = f"/scorecard/{scorecard_token(outsider)}"
    clock.advance(days=29)
    assert client.get(path).status_code == 200
    clock.advance(days=2)
    assert "This link cannot be used" in client.get(path).text


def test_an_outside_link_before_the_interview_says_when(client, make_interview, seat):
    """Opened before the interview, does the link say when the scorecard opens?"""
    outsider = seat(make_interview(starts_in=timedelta(days=1)), name="Renee Caldwell")
    page = client.get(f"/scorecard/{scorecard_token(outsider)}")
    assert "You can fill this scorecard once the interview has started, at Mar 14" in page.text


# --- erasure -----------------------------------------------------------------------------


def test_erasure_blanks_the_words_and_keeps_the_ratings(make_user, make_interview, seat):
    """When a candidate is erased, are the evidence and summaries gone and the ratings
    kept for reports?"""
    interview = make_interview()
    submit(seat(interview, make_user()), 4, evidence="Mentioned her time at Acme Corp.")
    other = make_interview()
    submit(seat(other, make_user()), 2, evidence="Someone else's words.")
    assert erase_scorecards(interview.candidate_id) == 1
    db.session.commit()
    db.session.expire_all()
    erased = db.session.get(Interview, interview.id).interviewers[0].scorecard
    assert erased.summary == ""
    assert {r["evidence"] for r in erased.ratings} == {""}
    assert {r["rating"] for r in erased.ratings} == {4}
    assert erased.ratings[0]["question"]
    kept = db.session.get(Interview, other.id).interviewers[0].scorecard
    assert kept.ratings[0]["evidence"] == "Someone else's words."


def test_the_scorecards_partial_renders_for_each_reader(app, make_user, make_interview, seat):
    """Included as the interview and candidate pages include it, does the partial show HR
    the averages and tally, and a panel member who has not sent theirs only a way to?"""
    from flask import render_template_string
    from flask_login import login_user

    interview = make_interview()
    waiting = make_user()
    seat(interview, waiting)
    submit(seat(interview, make_user(name="Ann")), 2, evidence="Knew the small purchase limit.")
    submit(seat(interview, name="Cy Agency"), 3, Recommendation.STRONG_YES)
    page = (
        '{% from "interviews/_scorecards.html" import scorecards %}'
        "{{ scorecards(interview, summary) }}"
    )
    for reader, shown, hidden in (
        (make_user(role=Role.HR), ["2.5", "Knew the small purchase limit.", "Strong yes"], []),
        (waiting, ["Fill your scorecard"], ["Knew the small purchase limit.", "2.5"]),
    ):
        with app.test_request_context():
            login_user(reader)
            html = render_template_string(
                page, interview=interview, summary=panel_summary(interview, reader)
            )
        assert "Scorecards (2 of 3 in)" in html
        assert all(text in html for text in shown)
        assert not any(text in html for text in hidden)
