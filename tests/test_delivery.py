"""The delivery worker against a real SMTP server on 127.0.0.1: what students and
supervisors receive, retries and failures, and workers that never block the app or send a
message twice."""

import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from recruit.auth.models import Role
from recruit.candidates.models import Candidate
from recruit.database import utcnow
from recruit.extensions import db
from recruit.interest.receipts import start_token
from recruit.messages import services as messages
from recruit.messages.delivery import RETRY_MINUTES, deliver_due
from recruit.messages.models import DeliveryState, OutboxMessage
from recruit.placements.evaluation_links import issue_request
from recruit.placements.models import EvaluationKind
from tests.placement_factories import new_link, new_placement, standard_items

GRAD_YEAR = str(date.today().year + 1)
STUDENT_EMAIL = "maya.okafor@capital.example.edu"


@pytest.fixture
def config_overrides(smtp_server):
    """Mail goes to the test's SMTP server; the form's fill-time check is off."""
    return {"MIN_FILL_SECONDS": 0, **smtp_server.config}


@pytest.fixture
def university(make_university):
    return make_university(name="Capital State University")


def interest_form(school, **changes) -> dict:
    """A complete, valid interest form."""
    return {
        "first_name": "Maya",
        "last_name": "Okafor",
        "email": STUDENT_EMAIL,
        "phone": "555-0100",
        "university": str(school.id),
        "university_other": "",
        "major": "Supply Chain Management",
        "class_standing": "junior",
        "grad_term": "spring",
        "grad_year": GRAD_YEAR,
        "interests": ["summer_internship"],
        "availability": "May, after finals",
        "procurement_areas": ["Contract management"],
        "consent": "y",
        "website": "",
        "started": start_token(),
        **changes,
    }


def outbox() -> list[OutboxMessage]:
    """Every outbox row as committed, oldest first."""
    db.session.rollback()  # read what requests and workers committed
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def only_message() -> OutboxMessage:
    (message,) = outbox()
    return message


def queue_plain(n: int = 1) -> list[OutboxMessage]:
    """Committed messages to no candidate, due now."""
    queued = [
        messages.queue(f"reader{i}@example.org", f"Notice {i}", f"Body of notice {i}.")
        for i in range(n)
    ]
    db.session.commit()
    return queued


def wait_until_due(clock) -> None:
    """Move the clock on to when the next queued message is due."""
    due = min(m.due_at for m in outbox() if m.state == DeliveryState.QUEUED)
    clock.now = max(clock.now, due)


def body(received) -> str:
    return received.get_content()


def stop_link_in(text: str) -> str:
    line = next(line for line in text.splitlines() if line.startswith("Stop emails from us: "))
    return line.removeprefix("Stop emails from us: ")


def run_worker(app, started: threading.Barrier | None = None) -> int:
    """A worker in its own thread's app context: rounds until nothing is left; returns
    how many messages it sent."""
    with app.app_context():
        try:
            if started is not None:
                started.wait()
            sent = 0
            while True:
                result = deliver_due()
                sent += result.sent
                if not result.handled:
                    return sent
        finally:
            db.session.remove()


# --- what a student receives ---------------------------------------------------------------


@pytest.fixture
def confirmation(client, stages, university, smtp_server):
    """A student sends the interest form and the worker delivers the confirmation:
    (the message the server received, its outbox row)."""
    response = client.post("/apply", data=interest_form(university))
    assert response.status_code == 303, "the interest form was not accepted"
    deliver_due()
    (received,) = smtp_server.received
    return received, only_message()


def test_confirmation_goes_to_the_student(confirmation):
    """Does the worker deliver the form's confirmation to the student, with its subject?"""
    received, _ = confirmation
    assert received["To"] == STUDENT_EMAIL
    assert received["Subject"] == "We received your interest form"


def test_delivered_message_id_is_the_outbox_rows(confirmation, smtp_server):
    """Does the delivered message carry the Message-ID its outbox row keeps?"""
    _, row = confirmation
    assert smtp_server.message_ids() == [row.message_id]


def test_confirmation_ends_with_contact_and_stop_link(confirmation):
    """Does the delivered body end with the office's contact and a real stop-emails link?"""
    received, _ = confirmation
    lines = body(received).rstrip("\n").splitlines()
    assert lines[-2] == "State Procurement Office · internships@procurement.state.example"
    assert lines[-1].startswith("Stop emails from us: http://127.0.0.1:5000/apply/stop/")
    assert messages.STOP_LINK_MASK not in body(received)


def test_stop_link_opens_the_stop_page(client, confirmation):
    """Does the delivered stop-emails link open the student's stop page?"""
    received, _ = confirmation
    page = client.get(urlsplit(stop_link_in(body(received))).path)
    assert page.status_code == 200
    assert "Stop emails from us?" in page.get_data(as_text=True)


def test_list_unsubscribe_is_the_stop_link(confirmation):
    """Does the List-Unsubscribe header name the same stop link, for one-click posts?"""
    received, _ = confirmation
    # A long header is folded after its colon; unfolded, the value may start with a space.
    assert received["List-Unsubscribe"].strip() == f"<{stop_link_in(body(received))}>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_spanish_students_links_open_in_spanish(app, client, stages, university, smtp_server):
    """Do the links in a Spanish student's confirmation open their page and the stop page
    in Spanish, in a browser that never chose a language (a phone's mail app)?"""
    client.post("/apply?lang=es", data=interest_form(university))
    deliver_due()
    (received,) = smtp_server.received
    paths = re.findall(r"http://127\.0\.0\.1:5000(/apply/(?:status|stop)/\S+)", body(received))
    assert len(paths) == 2
    for path in paths:
        page = app.test_client().get(path)
        assert page.status_code == 200
        assert '<html lang="es">' in page.get_data(as_text=True), path


def test_delivered_message_is_marked_sent(confirmation):
    """Is the outbox row marked sent, with one attempt and no claim left?"""
    _, row = confirmation
    assert row.state == DeliveryState.SENT and row.sent_at is not None
    assert (row.attempts, row.claimed_until, row.last_error) == (1, None, "")


def test_interview_message_is_delivered_after_a_move(
    client, signed_in, make_candidate, stages, smtp_server
):
    """Does an HR move to Interview lead the worker to deliver the interview invitation?"""
    signed_in(Role.HR)
    candidate = make_candidate(email="lee.park@capital.example.edu", consent_at=utcnow())
    response = client.post(
        f"/candidates/{candidate.id}/move",
        data={"to_stage": stages["interview"].id, "version": "1"},
    )
    assert response.status_code in (302, 303)
    deliver_due()
    (received,) = smtp_server.received
    assert received["To"] == "lee.park@capital.example.edu"
    assert received["Subject"] == "Can we talk? An interview with the State Procurement Office"
    assert only_message().state == DeliveryState.SENT


# --- when the server says no, or nothing ---------------------------------------------------


@pytest.mark.parametrize("at", ["rcpt", "data"])
def test_temporary_refusal_is_tried_again_later(smtp_server, app, clock, at):
    """Does a 4xx answer (to the address or the data) leave the message queued for a retry
    a minute later, with the server's reason?"""
    queue_plain()
    smtp_server.refuse("451 4.7.1 Greylisted, please try again later", at=at)
    deliver_due()
    message = only_message()
    assert message.state == DeliveryState.QUEUED and message.attempts == 1
    assert message.due_at == clock.now + timedelta(minutes=RETRY_MINUTES[0])
    assert "451" in message.last_error and "Greylisted" in message.last_error


def test_retry_waits_until_it_is_due(smtp_server, app, clock):
    """After a 4xx, does the worker leave the message alone until its retry is due a minute
    later, and send it then?"""
    queue_plain()
    smtp_server.refuse("451 4.3.0 Mailbox busy", at="data")
    deliver_due()
    smtp_server.accept()
    clock.advance(minutes=RETRY_MINUTES[0], seconds=-1)
    result = deliver_due()
    assert result.handled == 0 and smtp_server.received == []
    assert only_message().attempts == 1
    clock.advance(seconds=1)
    deliver_due()
    assert len(smtp_server.received) == 1
    assert only_message().state == DeliveryState.SENT


def test_retries_back_off(smtp_server, app, clock):
    """Does each retry after a 4xx wait longer, as RETRY_MINUTES says?"""
    queue_plain()
    smtp_server.refuse("451 4.3.0 Mailbox busy", at="data")
    waits = []
    for _ in RETRY_MINUTES:
        wait_until_due(clock)
        deliver_due()
        waits.append(only_message().due_at - clock.now)
    assert waits == [timedelta(minutes=minutes) for minutes in RETRY_MINUTES]


def test_gives_up_after_the_last_retry_with_the_servers_reason(smtp_server, app, clock):
    """After the last retry of a 4xx, is the message failed with the server's words?"""
    queue_plain()
    smtp_server.refuse("452 4.2.2 Mailbox full", at="rcpt")
    for _ in range(len(RETRY_MINUTES) + 1):
        wait_until_due(clock)
        deliver_due()
    message = only_message()
    assert message.state == DeliveryState.FAILED
    assert message.attempts == len(RETRY_MINUTES) + 1
    assert "452" in message.last_error and "Mailbox full" in message.last_error


def test_retry_carries_the_same_message_id(smtp_server, app, clock):
    """When a retry goes through, does it carry the Message-ID of the first try?"""
    (queued,) = queue_plain()
    message_id = queued.message_id
    smtp_server.refuse("451 4.3.0 Mailbox busy", at="data")
    deliver_due()
    smtp_server.accept()
    wait_until_due(clock)
    deliver_due()
    assert smtp_server.message_ids() == [message_id]
    assert only_message().state == DeliveryState.SENT


@pytest.mark.parametrize("at", ["rcpt", "data"])
def test_permanent_refusal_fails_at_once(smtp_server, app, at):
    """Does a 5xx answer fail the message on the first try, with the server's reason?"""
    queue_plain()
    smtp_server.refuse("550 5.1.1 No such user here", at=at)
    deliver_due()
    message = only_message()
    assert message.state == DeliveryState.FAILED and message.attempts == 1
    assert "550" in message.last_error and "No such user" in message.last_error


def test_dropped_connection_is_tried_again(smtp_server, app, clock):
    """When the server drops the connection mid-message, is the message queued for a retry?"""
    queue_plain()
    smtp_server.drop()
    deliver_due()
    message = only_message()
    assert message.state == DeliveryState.QUEUED and message.attempts == 1
    assert message.due_at > clock.now
    assert message.last_error == "The mail server closed the connection."


class TestHangingServer:
    @pytest.fixture
    def config_overrides(self, smtp_server):
        return {**smtp_server.config, "MAIL_TIMEOUT_SECONDS": 0.5}

    def test_no_answer_is_tried_again(self, smtp_server, app):
        """When the server stops answering, is the message queued again as "did not answer
        in time"?"""
        queue_plain()
        smtp_server.hang()
        deliver_due()
        message = only_message()
        assert message.state == DeliveryState.QUEUED and message.attempts == 1
        assert message.last_error == "The mail server did not answer in time."


# --- the worker never holds up the app ---------------------------------------------------


@pytest.fixture
def worker_waiting_on_smtp(app, smtp_server):
    """A worker in its own thread, stuck in an SMTP conversation until the test sets
    smtp_server.release: (its future, the thread pool)."""
    queue_plain()
    smtp_server.hang()
    # Far longer than the test takes: the worker is still waiting when the test checks.
    app.config["MAIL_TIMEOUT_SECONDS"] = 30
    with ThreadPoolExecutor(max_workers=1) as pool:
        worker = pool.submit(run_worker, app)
        assert smtp_server.reached.wait(timeout=10), "the worker never reached the server"
        yield worker
        smtp_server.release.set()


def test_form_is_answered_while_the_worker_talks_to_smtp(
    client, stages, university, worker_waiting_on_smtp
):
    """While the worker waits on the mail server, does a student's form still answer 303
    and save the student?"""
    response = client.post("/apply", data=interest_form(university))
    assert not worker_waiting_on_smtp.done(), "the worker finished before the form was sent"
    assert response.status_code == 303
    db.session.rollback()
    assert db.session.scalar(select(Candidate.email)) == STUDENT_EMAIL


def test_worker_records_the_send_after_writes_during_its_conversation(
    client, stages, university, smtp_server, worker_waiting_on_smtp
):
    """When the app writes while the worker waits on the mail server, does the worker
    still record the message as sent once the server answers?"""
    client.post("/apply", data=interest_form(university))
    smtp_server.release.set()
    assert worker_waiting_on_smtp.result(timeout=10) >= 1
    plain = [m for m in outbox() if m.candidate_id is None]
    assert [m.state for m in plain] == [DeliveryState.SENT]


def test_two_workers_send_every_message_once(app, smtp_server):
    """Do two workers at once deliver 200 messages with none sent twice, every row sent?"""
    queue_plain(200)
    queued_ids = {m.message_id for m in outbox()}
    started = threading.Barrier(2, timeout=10)
    with ThreadPoolExecutor(max_workers=2) as pool:
        workers = [pool.submit(run_worker, app, started) for _ in range(2)]
        sent = [worker.result(timeout=120) for worker in workers]
    received = Counter(smtp_server.message_ids())
    assert sum(sent) == 200
    assert set(received) == queued_ids and set(received.values()) == {1}
    assert {m.state for m in outbox()} == {DeliveryState.SENT}


# --- private evaluation links --------------------------------------------------------------


@pytest.fixture
def hr(make_user):
    return make_user(role=Role.HR)


@pytest.fixture
def placement(make_candidate, stages):
    standard_items()
    return new_placement(make_candidate(first_name="Maya", last_name="Okafor"))


def test_evaluation_message_carries_the_working_link(client, placement, hr, smtp_server):
    """Does the supervisor receive the real private link, and does it open the form?"""
    _, token = new_link(placement, hr)
    deliver_due()
    (received,) = smtp_server.received
    assert received["To"] == placement.supervisor_email
    link = f"http://127.0.0.1:5000/feedback/{token}"
    assert link in body(received)
    assert client.get(urlsplit(link).path).status_code == 200


def test_outbox_keeps_only_the_mask_after_sending(placement, hr, smtp_server):
    """Once the link is sent, does the outbox row still hold the mask, not the link?"""
    _, token = new_link(placement, hr)
    deliver_due()
    message = only_message()
    assert message.state == DeliveryState.SENT
    assert messages.PRIVATE_LINK_MASK in message.body and token not in message.body


def schedule_link(placement, hr, days=7) -> tuple:
    """A committed link to send in some days; returns (request, token)."""
    request, token = issue_request(
        placement,
        EvaluationKind.SUPERVISOR_MIDTERM,
        placement.supervisor_name,
        placement.supervisor_email,
        hr,
        send_on=utcnow().date() + timedelta(days=days),
    )
    db.session.commit()
    return request, token


def test_scheduled_link_is_not_sent_before_its_date(placement, hr, smtp_server, clock):
    """Does a link scheduled for a later date stay queued when the worker runs until then?"""
    request, _ = schedule_link(placement, hr)
    clock.now = request.opens_at - timedelta(seconds=1)
    result = deliver_due()
    assert result.handled == 0 and smtp_server.received == []
    assert only_message().state == DeliveryState.QUEUED


def test_scheduled_link_does_not_open_before_its_date(client, placement, hr, clock):
    """Does a scheduled link answer 404 until its date?"""
    request, token = schedule_link(placement, hr)
    assert client.get(f"/feedback/{token}").status_code == 404
    clock.now = request.opens_at - timedelta(seconds=1)
    assert client.get(f"/feedback/{token}").status_code == 404


def test_scheduled_link_is_sent_on_its_date(client, placement, hr, smtp_server, clock):
    """When its date comes, is the scheduled link delivered, and does it open the form?"""
    request, token = schedule_link(placement, hr)
    assert request.opens_at.date() == clock.today() + timedelta(days=7)
    clock.now = request.opens_at
    deliver_due()
    (received,) = smtp_server.received
    assert f"/feedback/{token}" in body(received)
    assert client.get(f"/feedback/{token}").status_code == 200


def test_link_revoked_before_sending_is_withdrawn(client, signed_in, placement, hr, smtp_server):
    """When staff revoke a link before the worker sends it, is its message withdrawn?"""
    request, _ = new_link(placement, hr)
    signed_in(Role.HR)
    client.post(f"/placements/requests/{request.id}/revoke")
    result = deliver_due()
    assert result.cancelled == 1 and smtp_server.received == []
    message = only_message()
    assert message.state == DeliveryState.CANCELLED and "revoked" in message.last_error


# --- with mail off, and the command ----------------------------------------------------------


class TestMailOff:
    @pytest.fixture
    def config_overrides(self, smtp_server):
        return {**smtp_server.config, "MAIL_SERVER": ""}

    def test_nothing_is_sent_and_messages_wait(self, app, smtp_server):
        """With no MAIL_SERVER, does the worker send nothing and leave messages queued?"""
        queue_plain(3)
        result = deliver_due()
        assert result.handled == 0 and smtp_server.received == []
        assert [(m.state, m.attempts) for m in outbox()] == [(DeliveryState.QUEUED, 0)] * 3


def test_deliver_once_command_sends_what_is_due_and_exits(app, smtp_server):
    """Does `flask deliver --once` deliver the due messages and then exit?"""
    queue_plain(3)
    result = app.test_cli_runner().invoke(args=["deliver", "--once"])
    assert result.exit_code == 0, result.output
    assert len(smtp_server.received) == 3
    assert {m.state for m in outbox()} == {DeliveryState.SENT}
