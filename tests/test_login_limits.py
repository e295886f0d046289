"""Sign-in limits that stop a guesser without locking staff out, and sign-in timing."""

import logging
import os
import socket
import threading
import uuid

import pytest
import werkzeug.security
from sqlalchemy import select

from recruit import create_app
from recruit.audit.models import AuditEntry
from recruit.auth import services, sign_in_limits
from recruit.extensions import db, limiter
from tests.conftest import PASSWORD, base_config

ADDRESS_A = "203.0.113.10"
ADDRESS_B = "198.51.100.20"
WRONG = "a wrong guess 1234"
REDIS_URI = "redis://127.0.0.1:6379/0"

LIMITED = {"RATELIMIT_ENABLED": True, "PROXY_FIX_HOPS": 1}


def sign_in(client, email, password, address):
    """Post the sign-in form as a client behind the proxy at this address."""
    return client.post(
        "/login",
        data={"email": email, "password": password},
        headers={"X-Forwarded-For": address},
    )


def limited_entries():
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "auth.sign_in_limited")
    ).all()


@pytest.mark.parametrize("config_overrides", [LIMITED])
def test_wrong_tries_from_one_address_do_not_lock_out_the_owner(app, make_user):
    """After 25 wrong passwords from address A, does the admin sign in from address B?"""
    admin = make_user()
    attacker = app.test_client()
    for _ in range(25):
        sign_in(attacker, admin.email, WRONG, ADDRESS_A)

    response = sign_in(app.test_client(), admin.email, PASSWORD, ADDRESS_B)
    assert response.status_code == 302


@pytest.mark.parametrize("config_overrides", [LIMITED])
def test_wrong_tries_from_many_addresses_do_not_lock_out_the_owner(app, make_user):
    """After 40 wrong passwords from 40 addresses, does the right one still sign in?"""
    admin = make_user()
    attacker = app.test_client()
    for n in range(40):
        assert sign_in(attacker, admin.email, WRONG, f"192.0.2.{n}").status_code == 200

    response = sign_in(app.test_client(), admin.email, PASSWORD, ADDRESS_B)
    assert response.status_code == 302


@pytest.mark.parametrize("config_overrides", [LIMITED])
def test_the_guessing_address_is_refused_for_that_account(app, make_user):
    """After five wrong passwords from address A, is A refused that account, even with the
    right password, with the friendly page?"""
    admin = make_user()
    attacker = app.test_client()
    for _ in range(5):
        assert sign_in(attacker, admin.email, WRONG, ADDRESS_A).status_code == 200

    response = sign_in(attacker, admin.email, PASSWORD, ADDRESS_A)
    assert response.status_code == 429
    assert "Too many tries" in response.text


@pytest.mark.parametrize("config_overrides", [LIMITED])
def test_successful_sign_ins_do_not_count_against_the_limit(app, make_user):
    """Can a user sign in and out six times in a minute and still get a wrong password
    answered as wrong, not refused?"""
    user = make_user()
    client = app.test_client()
    for _ in range(6):
        assert sign_in(client, user.email, PASSWORD, ADDRESS_A).status_code == 302
        client.post("/logout", headers={"X-Forwarded-For": ADDRESS_A})

    assert sign_in(client, user.email, WRONG, ADDRESS_A).status_code == 200


@pytest.mark.parametrize("config_overrides", [LIMITED])
def test_a_refusal_is_audited_against_the_account(app, make_user):
    """Does the audit log show the refused account and address, and nothing typed?"""
    admin = make_user()
    attacker = app.test_client()
    for _ in range(7):
        sign_in(attacker, admin.email, WRONG, ADDRESS_A)

    [entry] = limited_entries()  # refusals of one key: audited once a minute
    assert entry.target_id == admin.id
    assert entry.remote_addr == ADDRESS_A
    assert entry.detail == {"limit": "account and address"}


@pytest.mark.parametrize("config_overrides", [LIMITED])
def test_a_refusal_for_an_unknown_email_is_audited_by_a_keyed_hash(app):
    """Is a refused unknown email audited as a keyed hash, never as typed?"""
    attacker = app.test_client()
    for _ in range(6):
        sign_in(attacker, "Someone.Else@agency.example", WRONG, ADDRESS_A)

    [entry] = limited_entries()
    assert entry.target_id is None
    assert entry.detail["account"] == sign_in_limits.account_hash("someone.else@agency.example")
    assert "someone" not in str(entry.detail).lower()
    assert entry.detail["account"] != sign_in_limits.account_hash("other@agency.example")


@pytest.mark.parametrize("config_overrides", [LIMITED])
def test_the_address_limit_is_audited(app):
    """Is an address refused for trying too many accounts audited as such?"""
    attacker = app.test_client()
    for n in range(21):
        response = sign_in(attacker, f"guess{n}@agency.example", WRONG, ADDRESS_A)
    assert response.status_code == 429

    [entry] = limited_entries()
    assert entry.detail["limit"] == "address"
    assert entry.remote_addr == ADDRESS_A


@pytest.mark.parametrize("config_overrides", [LIMITED])
def test_no_log_line_holds_what_was_typed_as_the_email(app, caplog):
    """When a password typed into the email field hits the limit, does any log line hold it?"""
    caplog.set_level(logging.DEBUG)
    attacker = app.test_client()
    for _ in range(7):
        response = sign_in(attacker, "my secret password 42", WRONG, ADDRESS_A)
    assert response.status_code == 429

    assert "ratelimit" in caplog.text  # Flask-Limiter did log the refusal
    assert "secret password" not in caplog.text


@pytest.mark.parametrize("config_overrides", [{**LIMITED, "LOGIN_SLOWDOWN_MAX_SECONDS": 3.0}])
def test_failures_on_one_account_are_answered_ever_later(app, make_user, monkeypatch):
    """Are an account's failures from anywhere held back longer and longer, up to three
    seconds, while its owner's right password is answered at once?"""
    waits = []
    monkeypatch.setattr(sign_in_limits, "sleep", waits.append)
    admin = make_user()
    attacker = app.test_client()
    for n in range(8):
        sign_in(attacker, admin.email, WRONG, f"192.0.2.{n}")
    assert waits == [0.25, 0.5, 1.0, 2.0, 3.0]  # the first three failures are free

    waits.clear()
    assert sign_in(app.test_client(), admin.email, PASSWORD, ADDRESS_B).status_code == 302
    assert waits == []


@pytest.mark.parametrize(
    "config_overrides",
    [{**LIMITED, "LOGIN_SLOWDOWN_FREE_FAILURES": 0, "LOGIN_SLOWDOWN_MAX_SECONDS": 3.0}],
)
def test_a_delayed_failure_does_not_hold_up_other_sign_ins(app, make_user, monkeypatch):
    """While one failed sign-in is being answered late, is another failure on the account
    answered at once, and does the owner's right password sign in at once?"""
    pauses = []
    pausing, release = threading.Event(), threading.Event()

    def pause(seconds):
        # The first delayed answer waits until the test lets it go; any later one only
        # records itself, so a missing cap fails the test instead of hanging it.
        pauses.append(seconds)
        if len(pauses) == 1:
            pausing.set()
            release.wait(timeout=10)

    monkeypatch.setattr(sign_in_limits, "sleep", pause)
    email = make_user().email  # read here: the thread has no session of its own
    db.session.commit()  # the test's requests share its session: start them afresh
    answers = []
    delayed = threading.Thread(
        target=lambda: answers.append(sign_in(app.test_client(), email, WRONG, ADDRESS_A))
    )
    delayed.start()
    try:
        assert pausing.wait(timeout=10)  # the first failure is being held back

        response = sign_in(app.test_client(), email, WRONG, ADDRESS_B)
        assert response.status_code == 200
        assert "not right" in response.text
        response = sign_in(app.test_client(), email, PASSWORD, "192.0.2.77")
        assert response.status_code == 302
        assert pauses == [0.25]  # only the first failure was held back
    finally:
        release.set()
        delayed.join(timeout=10)
    assert answers[0].status_code == 200


def count_hashes(monkeypatch) -> list[str]:
    """Count each password hash werkzeug computes, to make or to check a hash."""
    counted = []
    real = werkzeug.security._hash_internal

    def counting(method, salt, password):
        counted.append(method)
        return real(method, salt, password)

    monkeypatch.setattr(werkzeug.security, "_hash_internal", counting)
    return counted


def test_unknown_and_known_emails_cost_one_hash_each(auth, make_user, monkeypatch):
    """Does a sign-in with an unknown email cost one password hash, as a known email with a
    wrong password does, so timing does not tell which emails are staff?"""
    monkeypatch.setattr(services, "_DUMMY_HASH", {})  # as a worker that just started
    user = make_user()
    counted = count_hashes(monkeypatch)

    auth.login(user.email, password=WRONG)
    known = len(counted)
    auth.login("first.unknown@agency.example", password=WRONG)
    first_unknown = len(counted) - known
    auth.login("next.unknown@agency.example", password=WRONG)
    next_unknown = len(counted) - known - first_unknown

    assert (known, first_unknown, next_unknown) == (1, 1, 1)


@pytest.fixture
def redis_storage():
    """A Redis answering on 127.0.0.1:6379 (skipped without one, failed under CI=true)."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        reason = "nothing answers on 127.0.0.1:6379: start Redis to test the shared store"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    import redis

    return redis.Redis.from_url(REDIS_URI)


@pytest.fixture
def make_worker(app, database_url, tmp_path, redis_storage, monkeypatch):
    """Return a callable that starts a further app on the test's database, as another
    gunicorn worker would, counting limits in Redis under a key prefix of the test's own."""
    prefix = f"recruit-test-{uuid.uuid4().hex}"
    # Flask-Limiter keeps the first prefix it is given: give it back when the test ends.
    monkeypatch.setattr(limiter, "_key_prefix", limiter._key_prefix)
    workers = []

    def make():
        config = {
            **base_config(database_url, tmp_path / f"worker-{len(workers)}"),
            **LIMITED,
            "RATELIMIT_STORAGE_URI": REDIS_URI,
            "RATELIMIT_KEY_PREFIX": prefix,
        }
        worker = create_app(config)
        workers.append(worker)
        return worker

    yield make
    for key in redis_storage.scan_iter(f"*{prefix}*"):
        redis_storage.delete(key)
    for worker in workers:
        with worker.app_context():
            db.engine.dispose()


def test_two_workers_share_one_count_in_redis(make_worker, make_user):
    """With RECRUIT_RATELIMIT_STORAGE_URI on Redis, do failures answered by one worker count
    for the next worker too, so an attacker cannot double the limit by landing on both?"""
    admin = make_user()
    first = make_worker().test_client()
    for _ in range(3):
        assert sign_in(first, admin.email, WRONG, ADDRESS_A).status_code == 200

    # A second worker, starting its own connection to the store (memory:// would start at 0).
    second = make_worker().test_client()
    for _ in range(2):
        assert sign_in(second, admin.email, WRONG, ADDRESS_A).status_code == 200
    assert sign_in(second, admin.email, WRONG, ADDRESS_A).status_code == 429
