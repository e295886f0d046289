"""Does the interest form take a submission at all?"""

import pytest
from sqlalchemy import func, select

from recruit.candidates.models import Candidate
from recruit.extensions import db


@pytest.fixture
def config_overrides():
    return {"MIN_FILL_SECONDS": 0}


def test_student_submits_form(client, stages, make_university):
    """Does a valid submission create a candidate in the first stage?"""
    uni = make_university()
    page = client.get("/apply")
    assert page.status_code == 200
    r = client.post(
        "/apply",
        data={
            "first_name": "Zoë",
            "last_name": "O'Brien-Núñez",
            "email": "Zoe@Example.edu",
            "university": str(uni.id),
            "major": "Supply chain",
            "class_standing": "junior",
            "grad_term": "spring",
            "grad_year": "2028",
            "interests": ["summer_internship"],
            "availability": "May",
            "consent": "y",
        },
    )
    assert r.status_code == 303, r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Candidate)) == 1


def test_event_page_shows_qr_and_sign(client, signed_in, make_event):
    """Does staff's event page show a QR code for the event's form, and the booth sign too?"""
    signed_in()
    event = make_event()
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "<svg" in page and f"/apply/{event.slug}" in page
    sign = client.get(f"/events/{event.id}/sign").get_data(as_text=True)
    assert "<svg" in sign and event.name in sign
