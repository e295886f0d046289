"""Sign-ups that arrive twice or late: a double tap, a retry after a lost answer, a send
kept on a phone or kiosk while the fair's network was down, and a replayed page."""

import io
import time
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import func, select

from recruit.auth.models import Role
from recruit.candidates.models import Candidate
from recruit.database import utcnow
from recruit.events.models import EventStatus
from recruit.extensions import db
from recruit.interest import receipts
from recruit.interest.models import FormReceipt
from recruit.messages import delivery
from tests.conftest import PASSWORD
from tests.pdf_files import blank_pdf
from tests.test_interest_concurrency import send_at_once
from tests.test_interest_form import form_data, input_value, page_text

KEY = "k3y-0f-th1s-s1gn-up-000001"


@pytest.fixture
def config_overrides():
    # As in production: every POST needs its CSRF token, unless it says it was queued.
    return {"MIN_FILL_SECONDS": 0, "WTF_CSRF_ENABLED": True, "SQLITE_BUSY_TIMEOUT_MS": 30_000}


@pytest.fixture
def university(make_university):
    return make_university(name="Capital State University")


def count(model) -> int:
    db.session.rollback()  # see what other requests committed
    return db.session.scalar(select(func.count()).select_from(model))


def page_form(client, university, url="/apply", **changes) -> dict:
    """A student's answers on a page freshly shown, with its CSRF token and start token."""
    page = client.get(url)
    shown = {
        "csrf_token": input_value(page, "csrf_token"),
        "started": input_value(page, "started"),
        "submission": KEY,
    }
    return form_data(university, **{**shown, **changes})


def queued(filled_at: float | None = None) -> dict:
    """The header a send kept on a device carries, with when it was filled in."""
    at = time.time() if filled_at is None else filled_at
    return {receipts.QUEUED_HEADER: str(round(at * 1000))}


def test_page_carries_a_key_and_a_start_token(client, stages):
    """Does the form give a page without JavaScript its own key and a start token?"""
    page = client.get("/apply")
    assert receipts.submission_key(input_value(page, "submission")) is not None
    assert receipts.read_start(input_value(page, "started")) is not None


def test_double_tap_makes_one_candidate(client, stages, university):
    """Does a second send of the same page (same key) thank the student and save nothing?"""
    data = page_form(client, university)
    assert client.post("/apply", data=data).status_code == 303
    assert client.post("/apply", data=data).status_code == 303
    assert count(Candidate) == 1
    assert count(FormReceipt) == 1


def test_same_key_sent_at_once_makes_one_candidate(app, stages, university):
    """Do ten copies of one send arriving together (a retry storm) save one candidate?"""
    data = form_data(university, submission=KEY, started=receipts.start_token())
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = False
    statuses = send_at_once(app, "/apply", [data] * 10)
    assert statuses == [303] * 10
    assert count(Candidate) == 1
    assert count(FormReceipt) == 1


def test_replayed_start_token_saves_nothing_more(client, stages, university):
    """Does a page's start token, once it saved a student, refuse a second submission (a
    bot replaying one page with new keys), keeping the answers and offering a fresh one?"""
    data = page_form(client, university)
    assert client.post("/apply", data=data).status_code == 303
    replay = {**data, "submission": "another-key-000000000001", "email": "bot@spam.example"}
    response = client.post("/apply", data=replay)
    assert response.status_code == 400
    assert "press Send again" in page_text(response)
    assert input_value(response, "started") != data["started"]
    assert count(Candidate) == 1


def test_expired_start_token_is_refused(client, stages, university, monkeypatch):
    """Is a page shown longer ago than a queued send may wait asked to send again?"""
    data = page_form(client, university)
    later = time.time() + 3 * 86400 + 60
    monkeypatch.setattr(receipts.time, "time", lambda: later)
    response = client.post("/apply", data=data)
    assert response.status_code == 400
    assert count(Candidate) == 0


class TestQueuedSends:
    """A send kept on the device arrives later, perhaps after its CSRF token expired."""

    def test_accepted_without_csrf_token_as_json(self, client, stages, university):
        """Is a queued send (its header, no CSRF token) saved and answered in JSON?"""
        data = page_form(client, university, csrf_token=None)
        response = client.post("/apply", data=data, headers=queued())
        assert response.status_code == 200
        assert response.json == {"saved": True}
        assert count(Candidate) == 1

    def test_without_the_header_csrf_still_applies(self, client, stages, university):
        """Is the same send without the queued header refused for its missing token?"""
        data = page_form(client, university, csrf_token=None)
        assert client.post("/apply", data=data).status_code == 400
        assert count(Candidate) == 0

    def test_keeps_the_time_it_was_filled_in(self, client, stages, university, monkeypatch):
        """Does a sign-up queued at the fair and sent two days later keep the fair's time?"""
        data = page_form(client, university, csrf_token=None)
        real = time.time()
        filled = real + 60
        later = filled + 2 * 86400
        frozen_now = utcnow() + timedelta(seconds=later - real)
        monkeypatch.setattr(receipts.time, "time", lambda: later)
        monkeypatch.setattr(receipts, "utcnow", lambda: frozen_now)
        assert client.post("/apply", data=data, headers=queued(filled)).status_code == 200
        candidate = db.session.scalar(select(Candidate))
        expected = frozen_now - timedelta(days=2)
        assert abs((candidate.created_at - expected).total_seconds()) < 2
        assert abs((candidate.consent_at - expected).total_seconds()) < 2

    def test_a_clock_in_the_future_is_not_believed(self, client, stages, university):
        """Is a device's claim to have filled the form tomorrow kept to now?"""
        data = page_form(client, university, csrf_token=None)
        before = utcnow()
        headers = queued(time.time() + 86400)
        assert client.post("/apply", data=data, headers=headers).status_code == 200
        candidate = db.session.scalar(select(Candidate))
        assert before - timedelta(seconds=1) <= candidate.created_at <= utcnow()

    def test_a_clock_in_the_past_stops_at_the_page(self, client, stages, university):
        """Is a claim older than the page the form was on kept to when it was shown?"""
        data = page_form(client, university, csrf_token=None)
        shown = receipts.read_start(data["started"]).shown_at
        headers = queued(time.time() - 30 * 86400)
        assert client.post("/apply", data=data, headers=headers).status_code == 200
        candidate = db.session.scalar(select(Candidate))
        age = (utcnow() - candidate.created_at).total_seconds()
        assert age <= time.time() - shown + 2

    def test_resent_after_a_lost_answer_is_one_candidate(self, client, stages, university):
        """Does a queued send whose answer was lost, sent again, save nothing twice?"""
        data = page_form(client, university, csrf_token=None)
        for _ in range(3):
            assert client.post("/apply", data=data, headers=queued()).json == {"saved": True}
        assert count(Candidate) == 1

    def test_a_mistake_is_answered_with_the_fields(self, client, stages, university):
        """Is a queued send with a bad answer refused in JSON naming the field?"""
        data = page_form(client, university, csrf_token=None, email="not an email")
        response = client.post("/apply", data=data, headers=queued())
        assert response.status_code == 422
        assert response.json["saved"] is False
        assert "email" in response.json["errors"]
        assert count(Candidate) == 0

    def test_at_an_event_it_is_that_event_s_lead(self, client, stages, university, make_event):
        """Is a queued send from a fair's kiosk form saved as that fair's lead?"""
        event = make_event()
        url = f"/apply/{event.slug}?kiosk=1"
        data = page_form(client, university, url=url, csrf_token=None)
        assert client.post(url, data=data, headers=queued()).status_code == 200
        assert db.session.scalar(select(Candidate)).source_event_id == event.id


def test_the_delivery_worker_forgets_old_receipts(client, stages, university):
    """Does the delivery worker's first round forget receipts older than any queued send
    could need, keeping the one a sign-up just saved?"""
    db.session.add(FormReceipt(key="old-receipt-0000000001", received_at=utcnow() - timedelta(7)))
    db.session.commit()
    assert client.post("/apply", data=page_form(client, university)).status_code == 303
    assert len(set(db.session.scalars(select(FormReceipt.key)))) == 2  # the form keeps both
    delivery.run_forever(0, once=True)
    assert set(db.session.scalars(select(FormReceipt.key))) == {KEY}


def test_forget_receipts_command_forgets_old_receipts(client, stages, university, runner):
    """Does `flask forget-receipts` (for an office that runs no worker) forget the receipts
    no kept send can need, keep a fresh one, and say how many it forgot?"""
    db.session.add(FormReceipt(key="old-receipt-0000000001", received_at=utcnow() - timedelta(7)))
    db.session.commit()
    assert client.post("/apply", data=page_form(client, university)).status_code == 303
    assert "Forgot 1 old form receipts." in runner.invoke(args=["forget-receipts"]).output
    db.session.expire_all()
    assert set(db.session.scalars(select(FormReceipt.key))) == {KEY}


@pytest.mark.parametrize("raw", ["", "short", "x" * 65, "with space in it 123", "ünïcode-key-1234"])
def test_only_well_formed_keys_are_kept(raw):
    """Are keys too short, too long or with odd characters ignored (a fresh one used)?"""
    assert receipts.submission_key(raw) is None


def test_service_worker_is_served_from_the_root(client):
    """Is the worker served from /sw.js (so it may control /apply), as script, never stale?"""
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] in ("no-cache", "no-store")
    assert b'importScripts("/static/js/send-queue.js")' in response.data


def test_a_kiosk_can_stock_start_tokens(client):
    """Does a kiosk get fresh, distinct, valid start tokens, never cached?"""
    response = client.get("/apply/start-tokens")
    assert response.headers["Cache-Control"] == "no-store"
    tokens = response.json["tokens"]
    assert len(set(tokens)) == len(tokens) >= 10
    assert all(receipts.read_start(token) is not None for token in tokens)


def test_saved_on_this_device_page(client, stages, make_event):
    """Does the page a device shows after keeping a sign-up say so, with a place for the
    count, and the kiosk's way to the next student?"""
    event = make_event()
    text = page_text(client.get(f"/apply/thanks?event={event.slug}&kiosk=1&queued=1"))
    assert "saved on this device" in text
    assert "data-queued" in client.get("/apply/thanks?queued=1").get_data(as_text=True)
    assert "Next student" in text
    assert "saved on this device" not in page_text(client.get("/apply/thanks"))


class TestQuickAddAtTheBooth:
    """Staff at the booth have the fair's network too: a lead typed in offline is kept on
    the device and sent later, once."""

    @pytest.fixture
    def event(self, client, make_user, make_event):
        user = make_user(role=Role.OUTREACH)
        token = input_value(client.get("/login"), "csrf_token")
        signed = client.post(
            "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
        )
        assert signed.status_code == 302
        # The test's app context outlives requests, and Flask-WTF keeps the token it made
        # in g: forget the one made for the session that sign-in replaced.
        g.pop("csrf_token", None)
        return make_event(status=EventStatus.ATTENDED)

    def lead(self, event, client, **changes) -> dict:
        page = client.get(f"/events/{event.id}")
        key = input_value(page, "submission")
        assert receipts.submission_key(key) is not None
        return {
            "first_name": "Mei",
            "last_name": "Chen",
            "email": "mei@u.example",
            "submission": key,
            **changes,
        }

    def test_a_kept_lead_is_added_once_in_json(self, client, stages, event):
        """Is a lead sent from the device's queue added, answered in JSON, and added only
        once when sent again?"""
        data = self.lead(event, client)
        url = f"/events/{event.id}/leads"
        first = client.post(url, data=data, headers=queued())
        assert first.status_code == 200
        assert first.json == {"saved": True, "message": "Mei Chen added."}
        again = client.post(url, data=data, headers=queued())
        assert again.json["saved"] is True
        assert count(Candidate) == 1
        assert db.session.scalar(select(Candidate)).source_event_id == event.id

    def test_a_kept_lead_keeps_when_it_was_typed_in(self, client, stages, event):
        """Does a lead typed in an hour ago, offline, keep that time?"""
        data = self.lead(event, client)
        headers = queued(time.time() - 3600)
        assert client.post(f"/events/{event.id}/leads", data=data, headers=headers).json["saved"]
        age = utcnow() - db.session.scalar(select(Candidate)).created_at
        assert timedelta(minutes=59) < age < timedelta(minutes=61)

    def test_a_kept_lead_with_a_mistake_names_the_field(self, client, stages, event):
        data = self.lead(event, client, email="not an email")
        response = client.post(f"/events/{event.id}/leads", data=data, headers=queued())
        assert response.status_code == 422
        assert "email" in response.json["errors"]
        assert count(Candidate) == 0

    def test_without_the_header_csrf_is_checked(self, client, stages, event):
        """Is a plain post without the page's CSRF token still refused?"""
        response = client.post(f"/events/{event.id}/leads", data=self.lead(event, client))
        assert response.status_code == 400
        assert count(Candidate) == 0

    def test_the_plain_form_still_adds_a_lead(self, client, stages, event):
        """Does the form without JavaScript (CSRF token, no header) add the lead once?"""
        page = client.get(f"/events/{event.id}")
        data = self.lead(event, client, csrf_token=input_value(page, "csrf_token"))
        for _ in range(2):  # a double click
            assert client.post(f"/events/{event.id}/leads", data=data).status_code == 302
        assert count(Candidate) == 1

    def test_signed_out_staff_cannot_send_kept_leads(self, client, stages, event):
        """Is a kept lead sent after the staff member signed out refused, not added?"""
        data = self.lead(event, client)
        page = client.get(f"/events/{event.id}")
        client.post("/logout", data={"csrf_token": input_value(page, "csrf_token")})
        response = client.post(f"/events/{event.id}/leads", data=data, headers=queued())
        assert response.status_code in (302, 401, 403)
        assert count(Candidate) == 0


@pytest.mark.parametrize(
    "config_overrides", [{"MIN_FILL_SECONDS": 0, "UPLOAD_MIN_FREE_BYTES": 2**62}]
)
def test_a_resume_there_is_no_room_for_is_said_on_the_thanks_page(client, stages, university):
    """With the disk nearly full, is the student saved and told plainly that the resume was
    not kept (in their language), rather than shown an error?"""
    pdf = blank_pdf()
    data = form_data(university, resume=(io.BytesIO(pdf), "cv.pdf"))
    response = client.post("/apply", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    assert "resume=not-kept" in response.location
    assert "could not keep your resume" in page_text(client.get(response.location))
    assert count(Candidate) == 1
