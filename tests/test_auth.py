"""Signing in and out, sessions, rate limits and the audit trail of sign-ins."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from recruit.audit.models import AuditEntry
from recruit.auth.models import Role, StaffSession
from recruit.auth.sessions import wall_clock
from recruit.extensions import db

PASSWORD = "correct horse battery staple"  # what make_user gives every user

WRONG_MESSAGE = "The email or password is not right."
SESSION_COOKIE = "recruit_session"
REMEMBER_COOKIE = "remember_token"


def test_right_password_lands_on_dashboard(client, auth, make_user):
    """Does a staff member with the right password land on the dashboard?"""
    user = make_user(name="Dana Whitfield")
    response = auth.login(user.email)
    assert response.status_code == 302
    assert response.location == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "Good to see you, Dana" in page.text


def test_email_in_other_letter_case_signs_in(client, auth, make_user):
    """Can a staff member sign in typing their email in capitals?"""
    make_user(email="dana.whitfield@agency.example")
    response = auth.login("Dana.Whitfield@Agency.example")
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_email_with_a_non_ascii_capital_signs_in(client, auth, make_user):
    """Can a staff member whose email has a capital like Ä sign in, typing it as stored?"""
    make_user(email="Ärne.Lind@agency.example")
    response = auth.login("Ärne.Lind@agency.example")
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_wrong_password_shows_error_and_keeps_email(auth, make_user):
    """Does a wrong password show the form again, with an error and the email kept?"""
    user = make_user()
    response = auth.login(user.email, password="not the right one at all")
    assert response.status_code == 200
    assert WRONG_MESSAGE in response.text
    assert f'value="{user.email}"' in response.text


def test_unknown_email_gets_the_same_message(auth, make_user):
    """Does an unknown email get the same message as a wrong password, revealing nothing?"""
    make_user()
    response = auth.login("nobody@agency.example")
    assert response.status_code == 200
    assert WRONG_MESSAGE in response.text


def test_deactivated_user_is_refused(client, auth, make_user):
    """Can a deactivated user sign in with the right password?"""
    user = make_user(active=False)
    response = auth.login(user.email)
    assert response.status_code == 200
    assert WRONG_MESSAGE in response.text
    assert client.get("/").status_code == 302


def test_sign_in_is_audited(auth, make_user):
    """Does a sign-in leave an audit entry naming the user?"""
    user = make_user()
    auth.login(user.email)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.sign_in"))
    assert entry is not None
    assert entry.user_id == user.id


@pytest.mark.parametrize(
    ("email_kind", "reason"),
    [("known", "wrong password"), ("unknown", "unknown account"), ("deactivated", "deactivated")],
)
def test_failed_sign_in_is_audited(auth, make_user, email_kind, reason):
    """Does a failed sign-in leave an audit entry with the reason?"""
    user = make_user(active=email_kind != "deactivated")
    email = "nobody@agency.example" if email_kind == "unknown" else user.email
    auth.login(email, password="a guess that is wrong")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.sign_in_failed"))
    assert entry is not None
    assert entry.detail["reason"] == reason


def test_no_password_is_written_to_the_audit_log(auth, make_user):
    """Does any audit row hold a password that was typed at sign-in?"""
    user = make_user()
    guesses = ["first wrong guess 1234", "second wrong guess 5678"]
    for guess in guesses:
        auth.login(user.email, password=guess)
    auth.login("nobody@agency.example", password=guesses[0])
    auth.login(user.email)
    rows = db.session.scalars(select(AuditEntry)).all()
    assert len(rows) == 4
    dumped = json.dumps(
        [{c.name: getattr(row, c.name) for c in AuditEntry.__table__.columns} for row in rows],
        default=str,
    )
    for secret in [PASSWORD, *guesses]:
        assert secret not in dumped


def test_sign_in_follows_a_safe_next_path(client, make_user):
    """Does sign-in return the user to the page they asked for?"""
    user = make_user(role=Role.ADMIN)
    response = client.post(
        "/login",
        query_string={"next": "/admin/users?page=2"},
        data={"email": user.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.location == "/admin/users?page=2"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "///evil.example",
        "/\t/evil.example",
        " //evil.example",
    ],
)
def test_sign_in_refuses_an_unsafe_next(client, make_user, target):
    """Does sign-in send the user to the dashboard instead of a next URL off the site?"""
    user = make_user()
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": user.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.location == "/"


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example"])
def test_signed_in_user_visiting_login_is_not_sent_off_site(client, signed_in, target):
    """Does /login, opened while signed in, refuse to send the user off the site?"""
    signed_in()
    response = client.get("/login", query_string={"next": target})
    assert response.status_code == 302
    assert response.location == "/"


@pytest.mark.parametrize("config_overrides", [{"RATELIMIT_ENABLED": True}])
def test_sixth_wrong_attempt_for_an_account_is_refused(auth, make_user):
    """Is the sixth wrong password for one account in a minute refused with 429?"""
    user = make_user()
    for _ in range(5):
        assert auth.login(user.email, password="wrong guess here").status_code == 200
    response = auth.login(user.email, password="wrong guess here")
    assert response.status_code == 429
    assert "Too many tries" in response.text
    assert "<html" in response.text


@pytest.mark.parametrize("config_overrides", [{"RATELIMIT_ENABLED": True}])
def test_account_limit_ignores_email_letter_case(auth, make_user):
    """Does changing the email's letter case get around the account limit?"""
    user = make_user(email="case.test@agency.example")
    spellings = ["case.test@agency.example", "CASE.TEST@agency.example", "Case.Test@Agency.Example"]
    for n in range(5):
        auth.login(spellings[n % 3], password="wrong guess here")
    response = auth.login(user.email.upper(), password="wrong guess here")
    assert response.status_code == 429


@pytest.mark.parametrize("config_overrides", [{"RATELIMIT_ENABLED": True}])
def test_address_limit_refuses_many_accounts_from_one_address(auth, make_user):
    """Is one address that tries many accounts refused after 20 attempts in a minute?"""
    make_user()
    for n in range(20):
        response = auth.login(f"guess{n}@agency.example", password="wrong guess here")
        assert response.status_code == 200
    response = auth.login("guess-last@agency.example", password="wrong guess here")
    assert response.status_code == 429
    assert "Too many tries" in response.text


@pytest.mark.parametrize("config_overrides", [{"RATELIMIT_ENABLED": True}])
def test_other_accounts_are_not_limited_by_one_attacked_account(auth, client, make_user):
    """Can a colleague still sign in while someone hammers another account?"""
    attacked, colleague = make_user(), make_user()
    for _ in range(6):
        auth.login(attacked.email, password="wrong guess here")
    response = client.post(
        "/login",
        data={"email": colleague.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.7"},
    )
    assert response.status_code == 302


def test_sign_out_refuses_get(client, signed_in):
    """Does GET /logout leave the user signed in (sign-out is POST only)?"""
    signed_in()
    response = client.get("/logout")
    assert response.status_code == 405
    assert client.get("/").status_code == 200


def test_sign_out_ends_the_session(client, auth, signed_in):
    """After signing out, is the user asked to sign in again?"""
    signed_in()
    response = auth.logout()
    assert response.status_code == 302
    assert response.location == "/login"
    assert client.get("/").location.startswith("/login")


def test_copied_session_cookie_stops_working_after_sign_out(app, client, auth, signed_in):
    """Does a session cookie copied before sign-out still open pages afterwards?"""
    signed_in()
    copied = client.get_cookie(SESSION_COOKIE).value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie(SESSION_COOKIE, copied)
    response = thief.get("/")
    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_sign_out_deletes_the_remember_cookie(client, auth, make_user):
    """Does signing out remove the keep-me-signed-in cookie from the browser?"""
    user = make_user()
    auth.login(user.email, remember="y")
    assert client.get_cookie(REMEMBER_COOKIE) is not None
    auth.logout()
    assert client.get_cookie(REMEMBER_COOKIE) is None


def test_remember_cookie_signs_in_a_new_browser_session(app, client, auth, make_user):
    """Does the keep-me-signed-in cookie alone sign the user in after the browser restarts?"""
    user = make_user()
    auth.login(user.email, remember="y")
    restarted = app.test_client()
    restarted.set_cookie(REMEMBER_COOKIE, client.get_cookie(REMEMBER_COOKIE).value)
    assert restarted.get("/").status_code == 200


NEW_PASSWORD = "a brand new passphrase"


def change_password(client, new_password=NEW_PASSWORD):
    """Submit the change-password form."""
    return client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": new_password,
            "confirm": new_password,
        },
    )


def test_changing_password_ends_other_sessions(app, client, auth, make_user):
    """Does changing a password sign the user out on their other devices?"""
    user = make_user()
    other_device = app.test_client()
    other_device.post("/login", data={"email": user.email, "password": PASSWORD})
    assert other_device.get("/").status_code == 200
    auth.login(user.email)
    assert change_password(client).status_code == 302
    response = other_device.get("/")
    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_changing_password_keeps_this_session(client, signed_in):
    """Does the device that changed the password stay signed in?"""
    signed_in()
    response = change_password(client)
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_changing_password_keeps_this_device_remembered(app, client, auth, make_user):
    """Does a device that chose to stay signed in stay so after changing the password?"""
    user = make_user()
    auth.login(user.email, remember="y")
    change_password(client)
    restarted = app.test_client()
    restarted.set_cookie(REMEMBER_COOKIE, client.get_cookie(REMEMBER_COOKIE).value)
    assert restarted.get("/").status_code == 200


def test_new_password_works_and_old_one_does_not(app, client, signed_in):
    """After a password change, does the new password sign in and the old one fail?"""
    user = signed_in()
    change_password(client, "a brand new passphrase")
    fresh = app.test_client()
    old = fresh.post("/login", data={"email": user.email, "password": PASSWORD})
    assert old.status_code == 200
    new = fresh.post("/login", data={"email": user.email, "password": "a brand new passphrase"})
    assert new.status_code == 302


def test_wrong_current_password_is_refused(client, signed_in):
    """Is a password change refused when the current password is wrong?"""
    user = signed_in()
    old_hash = user.password_hash
    response = client.post(
        "/account/password",
        data={
            "current_password": "not my password at all",
            "new_password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 200
    assert "That is not your current password." in response.text
    db.session.refresh(user)
    assert user.password_hash == old_hash


def test_short_new_password_is_refused(client, signed_in):
    """Is a new password shorter than 12 characters refused?"""
    signed_in()
    response = change_password(client, "too short")
    assert response.status_code == 200
    assert "Use at least 12 characters." in response.text


def test_deactivation_ends_the_users_session(app, client, auth, make_user):
    """Is a user signed out at once when an admin deactivates them?"""
    staff = make_user(role=Role.HR, name="Robin Okafor")
    staff_browser = app.test_client()
    staff_browser.post("/login", data={"email": staff.email, "password": PASSWORD})
    assert staff_browser.get("/").status_code == 200
    admin = make_user(role=Role.ADMIN)
    auth.login(admin.email)
    response = client.post(
        f"/admin/users/{staff.id}/edit", data={"name": "Robin Okafor", "role": "hr"}
    )
    assert response.status_code == 302
    page = staff_browser.get("/")
    assert page.status_code == 302
    assert page.location.startswith("/login")


def set_session_times(*, idle_seconds=0, age_seconds=0):
    """Pretend the sessions were last used, and started, some seconds ago (on the server,
    where their times are kept)."""
    now = wall_clock()
    db.session.execute(
        update(StaffSession).values(
            last_seen_at=now - timedelta(seconds=idle_seconds),
            signed_in_at=now - timedelta(seconds=max(age_seconds, idle_seconds)),
        )
    )
    db.session.commit()


@pytest.mark.parametrize("config_overrides", [{"SESSION_IDLE_MINUTES": 5}])
def test_idle_session_expires(client, signed_in):
    """Is a session left idle longer than the limit sent back to sign in?"""
    signed_in()
    set_session_times(idle_seconds=5 * 60 + 1)
    response = client.get("/")
    assert response.status_code == 302
    assert response.location.startswith("/login")


@pytest.mark.parametrize("config_overrides", [{"SESSION_IDLE_MINUTES": 5}])
def test_session_used_within_the_idle_limit_goes_on(client, signed_in):
    """Does a session used again within the idle limit stay signed in?"""
    signed_in()
    set_session_times(idle_seconds=4 * 60)
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("config_overrides", [{"SESSION_IDLE_MINUTES": 5}])
def test_idle_expiry_counts_from_the_last_request(client, signed_in):
    """Does using the app push the idle limit forward?"""
    signed_in()
    set_session_times(idle_seconds=4 * 60)
    assert client.get("/").status_code == 200
    last_seen = db.session.scalar(select(StaffSession.last_seen_at))
    assert last_seen >= wall_clock() - timedelta(seconds=5)


def test_session_expires_after_its_absolute_lifetime(client, signed_in):
    """Is a busy session still ended once it is older than the absolute limit?"""
    signed_in()
    set_session_times(age_seconds=12 * 3600 + 1)
    response = client.get("/")
    assert response.status_code == 302
    assert response.location.startswith("/login")


@pytest.mark.parametrize("config_overrides", [{"SESSION_IDLE_MINUTES": 5}])
def test_remembered_session_outlives_the_idle_limit(client, auth, make_user):
    """Does a user who chose to stay signed in stay signed in after a long pause?"""
    user = make_user()
    auth.login(user.email, remember="y")
    set_session_times(idle_seconds=3600)
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("config_overrides", [{"SESSION_IDLE_MINUTES": 5}])
def test_session_restored_from_remember_cookie_outlives_the_idle_limit(
    app, client, auth, make_user
):
    """Does a session restored from the remember cookie survive a pause past the idle limit?"""
    user = make_user()
    auth.login(user.email, remember="y")
    restarted = app.test_client()
    restarted.set_cookie(REMEMBER_COOKIE, client.get_cookie(REMEMBER_COOKIE).value)
    assert restarted.get("/").status_code == 200
    set_session_times(idle_seconds=3600)
    response = restarted.post("/account/password", data={})
    assert response.status_code == 200
