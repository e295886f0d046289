"""Two people booking at the same moment, on SQLite and PostgreSQL alike (TEST_DATABASE_URL
chooses): one wins, the other is told why, and no interviewer is booked twice."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
from sqlalchemy import func, select

from recruit.auth.models import Role
from recruit.extensions import db
from recruit.interviews import services
from recruit.interviews.models import Interview, InterviewState
from tests.conftest import PASSWORD
from tests.test_interviews import TOMORROW_10_LOCAL, schedule_data


@pytest.fixture
def config_overrides():
    # Threads of one process share one interpreter lock: on a busy machine the second
    # writer may wait longer than production's few seconds. Waiting is fine, an error is not.
    return {"SQLITE_BUSY_TIMEOUT_MS": 30_000}


def at_once(app, requests: list[tuple[str, str, dict]]) -> list[tuple[int, str]]:
    """Each (email, url, data) posted by its own signed-in client, all released together."""
    barrier = threading.Barrier(len(requests), timeout=30)

    def send(request) -> tuple[int, str]:
        email, url, data = request
        client = app.test_client()
        if email:
            assert (
                client.post("/login", data={"email": email, "password": PASSWORD}).status_code
                == 302
            )
        barrier.wait()
        response = client.post(url, data=data)
        return response.status_code, response.get_data(as_text=True)

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(send, requests))


def scheduled() -> list[Interview]:
    db.session.rollback()  # see what the other threads committed
    return list(
        db.session.scalars(select(Interview).where(Interview.state == InterviewState.SCHEDULED))
    )


def test_two_staff_booking_the_same_interviewer_at_once(app, clock, make_user, make_candidate):
    """Two HR staff book the same interviewer at 10:00 for two candidates at the same
    moment: one is booked, the other is refused with the clash named."""
    panelist = make_user(role=Role.HR, name="Jordan Reyes")
    first, second = make_user(role=Role.HR), make_user(role=Role.HR)
    ana = make_candidate(first_name="Ana", stage="screening")
    ben = make_candidate(first_name="Ben", stage="screening")
    data = schedule_data([panelist.id], [TOMORROW_10_LOCAL])
    ids = (ana.id, ben.id)
    db.session.commit()
    results = at_once(
        app,
        [
            (first.email, f"/interviews/new/{ids[0]}", data),
            (second.email, f"/interviews/new/{ids[1]}", data),
        ],
    )
    statuses = sorted(status for status, _ in results)
    assert statuses == [303, 409]
    refused = next(page for status, page in results if status == 409)
    assert "Jordan Reyes is already interviewing then" in refused
    assert len(scheduled()) == 1


def test_two_candidates_choosing_the_same_slot_at_once(app, clock, make_user, make_candidate):
    """Two candidates offered the same times by the same interviewer pick 10:00 at the
    same moment: one gets it, the other is shown the times still open."""
    hr = make_user(role=Role.HR)
    people = [make_candidate(stage="screening") for _ in range(2)]
    offers = [
        services.schedule(
            candidate,
            services.Plan(
                kind=services.InterviewKind.PANEL,
                starts=[datetime(2030, 3, 14, 15, 0), datetime(2030, 3, 14, 16, 0)],
                staff=[hr],
            ),
            hr,
        )
        for candidate in people
    ]
    db.session.commit()
    requests = [
        (
            "",
            f"/apply/interview/{services.candidate_token(offer)}/choose",
            {"slot": offer.slots[0].id},
        )
        for offer in offers
    ]
    results = at_once(app, requests)
    assert sorted(status for status, _ in results) == [303, 409]
    refused = next(page for status, page in results if status == 409)
    assert "just been taken" in refused
    booked = scheduled()
    assert len(booked) == 1 and booked[0].starts_at == datetime(2030, 3, 14, 15, 0)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Interview)) == 2
