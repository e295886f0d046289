"""Private evaluation links: unguessable, kept only as a hash, single use, expiring,
revocable, and every dead link looks the same; the outbox keeps messages with mail off."""

import hashlib
import logging
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from recruit.auth.models import Role
from recruit.extensions import db
from recruit.messages.models import OutboxMessage
from recruit.placements.evaluation_links import TOKEN_PATTERN, revoke_request
from recruit.placements.models import (
    Evaluation,
    EvaluationKind,
    EvaluationRequest,
    ItemForm,
)
from recruit.placements.questionnaires import form_items
from tests.placement_factories import new_link, new_placement, standard_items


@pytest.fixture(autouse=True)
def frozen(clock):
    """One clock for every test here, so links expire when a test moves it, not before."""
    return clock


@pytest.fixture
def hr(make_user):
    return make_user(role=Role.HR)


@pytest.fixture
def placement(make_candidate, stages):
    standard_items()
    return new_placement(make_candidate(first_name="Maya", last_name="Okafor"))


@pytest.fixture
def link(placement, hr):
    """A mid-term evaluation link for the placement's supervisor: (request, token)."""
    return new_link(placement, hr)


def answers(**extra) -> dict:
    """A complete supervisor evaluation, every item rated 4."""
    data = {"submitted_by_name": "Renee Caldwell", "recommend_full_time": "yes"}
    for item in form_items(ItemForm.SUPERVISOR):
        data[f"item_{item.key}"] = "4"
    data.update(extra)
    return data


def count_evaluations() -> int:
    db.session.rollback()  # see what other threads committed
    return db.session.scalar(select(func.count()).select_from(Evaluation))


def test_token_has_256_random_bits_shape(link):
    """Is the token 43 URL-safe characters, the shape of 32 random bytes?"""
    _, token = link
    assert len(token) == 43 and TOKEN_PATTERN.fullmatch(token)


def test_tokens_differ_every_time(placement, hr):
    """Do two links for the same form get different tokens?"""
    _, first = new_link(placement, hr)
    _, second = new_link(placement, hr)
    assert first != second


def test_short_guessable_token_is_refused(client, placement, hr):
    """Is a short token refused even if its hash were stored?"""
    request, _ = new_link(placement, hr)
    request.token_hash = hashlib.sha256(b"abc123").hexdigest()
    db.session.commit()
    assert client.get("/feedback/abc123").status_code == 404


def test_only_the_hash_is_stored(link):
    """Does the plain token appear in no column of any table, only its SHA-256?"""
    request, token = link
    assert request.token_hash == hashlib.sha256(token.encode()).hexdigest()
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)):
            assert not any(token in str(value) for value in row), table.name


def test_link_opens_the_form_without_sign_in(client, link):
    """Does a fresh link open the mid-term form for someone with no account?"""
    _, token = link
    page = client.get(f"/feedback/{token}")
    assert page.status_code == 200
    assert "Mid-term evaluation" in page.get_data(as_text=True)


def test_submission_saves_the_evaluation(client, link, placement):
    """Does submitting the form save the evaluation with an answer per item?"""
    _, token = link
    response = client.post(f"/feedback/{token}", data=answers())
    assert response.headers["Location"] == "/feedback/thanks"
    evaluation = db.session.scalars(select(Evaluation)).one()
    assert (evaluation.placement_id, evaluation.kind) == (
        placement.id,
        EvaluationKind.SUPERVISOR_MIDTERM,
    )
    assert len(evaluation.answers) == 13 and evaluation.recommend_full_time is True


def test_not_observed_is_stored_as_no_rating(client, link):
    """Is "Not observed" stored as a missing rating rather than a number?"""
    _, token = link
    client.post(f"/feedback/{token}", data=answers(item_technology="not_observed"))
    evaluation = db.session.scalars(select(Evaluation)).one()
    ratings = {answer.item.key: answer.rating for answer in evaluation.answers}
    assert ratings["technology"] is None and ratings["teamwork"] == 4


def test_validation_error_keeps_every_value(client, link):
    """Does a form missing one rating come back with every other answer still chosen?"""
    _, token = link
    data = answers(strengths="Careful with contract files.")
    del data["item_teamwork"]
    page = client.post(f"/feedback/{token}", data=data).get_data(as_text=True)
    assert "Choose a rating." in page
    assert "Careful with contract files." in page and 'value="Renee Caldwell"' in page
    assert len(re.findall(r'<input checked id="item_\w+-3"', page)) == 12


def test_link_works_once(client, link):
    """After a submission, does the link answer with the unavailable page?"""
    _, token = link
    client.post(f"/feedback/{token}", data=answers())
    assert client.get(f"/feedback/{token}").status_code == 404
    assert client.post(f"/feedback/{token}", data=answers()).status_code == 404
    assert count_evaluations() == 1


def test_expired_link_is_refused(client, link, clock):
    """Does a link open until the moment it expires, and answer with the unavailable page
    from then on?"""
    request, token = link
    clock.now = request.expires_at - timedelta(seconds=1)
    assert client.get(f"/feedback/{token}").status_code == 200
    clock.advance(seconds=1)
    assert client.get(f"/feedback/{token}").status_code == 404


def test_links_expire_two_weeks_after_the_form_is_due(link, placement):
    """Does a link sent now work until 14 days after the evaluation is due?"""
    request, _ = link
    assert request.expires_at.date() == placement.midterm_due_on + timedelta(days=14)


def test_links_without_a_due_date_expire_two_weeks_after_sending(placement, hr, clock):
    """With no due date, does a new link expire 14 days after it is sent?"""
    placement.midterm_due_on = None
    db.session.commit()
    request, _ = new_link(placement, hr)
    assert request.expires_at == clock.now + timedelta(days=14)


def test_two_simultaneous_submissions_save_one(app, link):
    """Do two submissions of one link at the same moment save exactly one evaluation?"""
    _, token = link
    data = answers()
    db.session.commit()  # end this thread's transaction before the others write
    barrier = threading.Barrier(2, timeout=30)

    def send(_):
        client = app.test_client()
        barrier.wait()
        return client.post(f"/feedback/{token}", data=data).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(send, range(2)))
    assert statuses == [303, 404]
    assert count_evaluations() == 1


def test_staff_revoke_a_link(client, signed_in, link):
    """Does a revoked link stop opening the form?"""
    request, token = link
    signed_in(Role.HR)
    client.post(f"/placements/requests/{request.id}/revoke")
    assert client.get(f"/feedback/{token}").status_code == 404


def test_reissue_replaces_the_link(client, signed_in, link):
    """Does re-issuing revoke the old link and show a new one that works?"""
    request, old_token = link
    signed_in(Role.HR)
    page = client.post(f"/placements/requests/{request.id}/reissue").get_data(as_text=True)
    new_url = page.split('id="private-link" type="text" readonly value="')[1].split('"')[0]
    assert client.get(f"/feedback/{old_token}").status_code == 404
    assert client.get("/feedback/" + new_url.rsplit("/", 1)[1]).status_code == 200


def test_staff_see_a_new_link_once(client, signed_in, placement):
    """Is a new link shown on the page after making it, and not on the placement page later?"""
    signed_in(Role.HR)
    made = client.post(
        f"/placements/{placement.id}/requests", data={"kind": "supervisor_final"}
    ).get_data(as_text=True)
    url = made.split('id="private-link" type="text" readonly value="')[1].split('"')[0]
    token = url.rsplit("/", 1)[1]
    assert token not in client.get(f"/placements/{placement.id}").get_data(as_text=True)


def test_request_defaults_to_the_intern_for_intern_forms(client, signed_in, placement):
    """Does a self-assessment link go to the intern when no recipient is given?"""
    signed_in(Role.HR)
    client.post(f"/placements/{placement.id}/requests", data={"kind": "intern_self"})
    request = db.session.scalars(select(EvaluationRequest)).one()
    assert request.recipient_email == placement.candidate.email


def dead_link_page(client, token):
    response = client.get(f"/feedback/{token}")
    return response.status_code, response.get_data(as_text=True)


def test_wrong_expired_revoked_and_used_look_the_same(client, placement, hr, clock):
    """Do wrong, expired, revoked and used links all get the same status and page?"""
    expired, expired_token = new_link(placement, hr, EvaluationKind.INTERN_SELF)
    clock.now = expired.expires_at
    revoked, revoked_token = new_link(placement, hr, EvaluationKind.INTERN_FEEDBACK)
    revoke_request(revoked, hr)
    db.session.commit()
    _, used_token = new_link(placement, hr)
    client.post(f"/feedback/{used_token}", data=answers())
    wrong_token = "A" * 43
    pages = {
        dead_link_page(client, token)
        for token in (wrong_token, expired_token, revoked_token, used_token)
    }
    assert len(pages) == 1 and pages.pop()[0] == 404


def test_outbox_keeps_the_message_when_mail_is_off(client, signed_in, link, placement):
    """With mail off, is the message in the outbox for staff, without the private link?"""
    _, token = link
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.to == placement.supervisor_email and message.sent_at is None
    signed_in(Role.OUTREACH)
    page = client.get("/outbox/").get_data(as_text=True)
    assert "Mid-term evaluation: Maya Okafor" in page and token not in page


class TestRateLimit:
    @pytest.fixture
    def config_overrides(self):
        return {"RATELIMIT_ENABLED": True, "FEEDBACK_FORM_LIMIT": "3 per minute"}

    def test_posts_are_limited_per_address(self, client):
        """Are a fourth and later POSTs from one address within a minute refused?"""
        statuses = [client.post(f"/feedback/{'B' * 43}").status_code for _ in range(4)]
        assert statuses == [404, 404, 404, 429]


def test_no_token_in_the_logs(client, link, caplog):
    """Does opening and submitting a link log nothing that holds the token?"""
    _, token = link
    client.get(f"/feedback/{token}")
    client.post(f"/feedback/{token}", data=answers())
    assert token not in caplog.text


def test_access_log_lines_hide_the_token(app, link, caplog):
    """Does a server's access log line for a private link show the path without its token?"""
    _, token = link
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        logging.getLogger("werkzeug").info('"GET %s HTTP/1.1" 200', f"/feedback/{token}")
    assert token not in caplog.text and "/feedback/[link]" in caplog.text


class TestExpiredFormToken:
    @pytest.fixture
    def config_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_lost_session_keeps_the_answers(self, client, link):
        """Without a valid form token, does the form come back with the answers kept?"""
        _, token = link
        data = answers(csrf_token="stale", strengths="Thorough market research.")
        response = client.post(f"/feedback/{token}", data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "This page was open for a while" in page
        assert "Thorough market research." in page and count_evaluations() == 0
