"""A crowd at the booth: many students send the form at the same moment, on SQLite and
PostgreSQL alike (TEST_DATABASE_URL chooses), and every one of them is kept, once."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import func, select

from recruit.candidates.models import Candidate, CandidateEvent, ProposedUpdate, StageChange
from recruit.extensions import db
from recruit.interest.receipts import start_token


@pytest.fixture
def config_overrides():
    # These tests are about losing nothing and doubling nothing. Fifty threads of one
    # process share one interpreter lock, so on a busy machine the last writer may wait
    # longer than production's few seconds; waiting is fine here, an error is not.
    return {"MIN_FILL_SECONDS": 0, "SQLITE_BUSY_TIMEOUT_MS": 30_000}


def form_data(university_id: int, email: str, n: int) -> dict:
    return {
        "first_name": "Student",
        "last_name": f"Number {chr(ord('A') + n % 26)}",
        "email": email,
        "university": str(university_id),
        "major": "Public Administration",
        "class_standing": "senior",
        "grad_term": "spring",
        "grad_year": str(date.today().year + 1),
        "interests": ["summer_internship" if n % 2 else "full_time"],
        "availability": "June",
        "consent": "y",
        "started": start_token(),
    }


def send_at_once(app, url: str, submissions: list[dict]) -> list[int]:
    """Post every submission from its own thread and client, all released together."""
    barrier = threading.Barrier(len(submissions), timeout=30)

    def send(data: dict) -> int:
        client = app.test_client()
        barrier.wait()
        return client.post(url, data=data).status_code

    with ThreadPoolExecutor(max_workers=len(submissions)) as pool:
        return list(pool.map(send, submissions))


def count(model) -> int:
    db.session.rollback()  # see what the other threads committed
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def university_id(make_university) -> int:
    university_id = make_university().id
    db.session.commit()  # end this thread's read before the crowd writes
    return university_id


def test_fifty_students_at_once_are_all_kept(app, stages, university_id):
    """Do 50 students sending at the same moment all get thanked and all get saved?"""
    submissions = [form_data(university_id, f"student{n}@state.edu", n) for n in range(50)]
    statuses = send_at_once(app, "/apply", submissions)
    assert statuses == [303] * 50
    assert count(Candidate) == 50


def test_fifty_students_at_once_each_enter_the_pipeline(app, stages, university_id):
    """Does each of 50 simultaneous students get exactly one entry in the stage history?"""
    submissions = [form_data(university_id, f"student{n}@state.edu", n) for n in range(50)]
    send_at_once(app, "/apply", submissions)
    assert count(StageChange) == 50
    db.session.rollback()
    per_candidate = db.session.execute(
        select(StageChange.candidate_id, func.count()).group_by(StageChange.candidate_id)
    ).all()
    assert len(per_candidate) == 50 and {n for _, n in per_candidate} == {1}


def test_same_student_twenty_times_at_once_is_one_record(app, stages, university_id):
    """Do 20 simultaneous sends of one email in mixed case make exactly one candidate?"""
    cases = ["ana.ruiz@state.edu", "Ana.Ruiz@State.edu", "ANA.RUIZ@STATE.EDU", "ana.RUIZ@state.EDU"]
    submissions = [form_data(university_id, cases[n % 4], n) for n in range(20)]
    statuses = send_at_once(app, "/apply", submissions)
    assert statuses == [303] * 20
    assert count(Candidate) == 1
    assert count(StageChange) == 1


def test_same_student_twenty_times_at_a_fair_is_one_lead(app, stages, university_id, make_event):
    """Do 20 simultaneous sends of one email at a fair make one lead, the first send's
    record and 19 proposed updates for HR (each names the student differently)?"""
    slug = make_event().slug
    db.session.commit()
    cases = ["li.wei@state.edu", "Li.Wei@State.edu", "LI.WEI@STATE.EDU", "li.WEI@state.EDU"]
    submissions = [form_data(university_id, cases[n % 4], n) for n in range(20)]
    statuses = send_at_once(app, f"/apply/{slug}", submissions)
    assert statuses == [303] * 20
    assert count(CandidateEvent) == 1
    assert count(ProposedUpdate) == 19
    candidate = db.session.scalars(select(Candidate)).one()
    assert len(candidate.interests) == 1
