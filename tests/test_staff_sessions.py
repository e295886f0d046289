"""Staff sessions kept on the server: the list of one's devices, signing out one or all of
them, an admin signing a user out, and the limits remember-me keeps."""

import hashlib
import re
import sqlite3
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import func, select, update

from recruit.audit.models import AuditEntry
from recruit.auth.models import Role, StaffSession
from recruit.auth.sessions import describe_device, wall_clock
from recruit.extensions import db
from tests.conftest import PASSWORD
from tests.query_counting import page_queries

REMEMBER_COOKIE = "remember_token"
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')

CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
FIREFOX_ON_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"


def sign_in_from(app, user, remember=False, user_agent=FIREFOX_ON_LINUX):
    """A new browser, signed in as user."""
    browser = app.test_client()
    data = {"email": user.email, "password": PASSWORD}
    # Flask-WTF caches the CSRF token in g, which the test's app context keeps between
    # browsers: each browser reads its own from its form.
    g.pop("csrf_token", None)
    token = CSRF_FIELD.search(browser.get("/login").text)
    g.pop("csrf_token", None)
    if token:
        data["csrf_token"] = token.group(1)
    if remember:
        data["remember"] = "y"
    response = browser.post("/login", data=data, headers={"User-Agent": user_agent})
    assert response.status_code == 302, "sign-in failed"
    return browser


def restarted(app, browser):
    """The same browser after a restart: only its remember cookie is left."""
    fresh = app.test_client()
    fresh.set_cookie(REMEMBER_COOKIE, browser.get_cookie(REMEMBER_COOKIE).value)
    return fresh


def rows():
    """Every session row, oldest first."""
    db.session.expire_all()
    return db.session.scalars(select(StaffSession).order_by(StaffSession.id)).all()


def is_sent_to_sign_in(browser) -> bool:
    response = browser.get("/")
    return response.status_code == 302 and response.location.startswith("/login")


def test_sign_in_stores_only_a_hash_of_the_session_token(client, auth, make_user):
    """Does the database hold only a hash of the token the user's cookie carries?"""
    user = make_user()
    auth.login(user.email)
    with client.session_transaction() as session:
        number, _, token = session["_user_id"].partition(":")
    (row,) = rows()
    assert number == str(user.id)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.token_hash


@pytest.mark.parametrize("config_overrides", [{"REMEMBER_ABSOLUTE_DAYS": 14}])
def test_remember_cookie_past_its_absolute_limit_no_longer_signs_in(app, make_user):
    """Is a device kept signed in asked for the password again 14 days after it was typed,
    even though it was used yesterday?"""
    user = make_user()
    browser = sign_in_from(app, user, remember=True)
    now = wall_clock()
    db.session.execute(
        update(StaffSession).values(
            signed_in_at=now - timedelta(days=14, minutes=1),
            last_seen_at=now - timedelta(days=1),
        )
    )
    db.session.commit()
    assert is_sent_to_sign_in(restarted(app, browser))
    assert rows() == []


def test_remember_cookie_within_its_limit_still_signs_in(app, make_user):
    """Does a device kept signed in 13 days ago still open the app from its cookie?"""
    user = make_user()
    browser = sign_in_from(app, user, remember=True)
    now = wall_clock()
    db.session.execute(
        update(StaffSession).values(
            signed_in_at=now - timedelta(days=13), last_seen_at=now - timedelta(days=1)
        )
    )
    db.session.commit()
    assert restarted(app, browser).get("/").status_code == 200


def test_restoring_from_the_remember_cookie_keeps_the_sign_in_time(app, make_user):
    """When the remember cookie signs the user in again, does the session still count
    from the password sign-in, not from the restore?"""
    user = make_user()
    browser = sign_in_from(app, user, remember=True)
    signed_in_at = wall_clock().replace(microsecond=0) - timedelta(days=3)
    db.session.execute(
        update(StaffSession).values(signed_in_at=signed_in_at, last_seen_at=signed_in_at)
    )
    db.session.commit()
    assert restarted(app, browser).get("/").status_code == 200
    (row,) = rows()
    assert row.signed_in_at == signed_in_at
    assert row.last_seen_at > signed_in_at  # the restore counts as use


def test_user_sees_each_device_and_this_one_marked(app, make_user):
    """Does a user signed in on two browsers see both, with this one marked?"""
    user = make_user()
    laptop = sign_in_from(app, user, user_agent=CHROME_ON_WINDOWS)
    sign_in_from(app, user, user_agent=FIREFOX_ON_LINUX)
    this, other = rows()
    page = laptop.get("/account/sessions").text
    assert "Chrome on Windows" in page
    assert "Firefox on Linux" in page
    assert page.count("This device") == 1
    assert f'action="/account/sessions/{other.id}/end"' in page
    assert f'action="/account/sessions/{this.id}/end"' not in page


def test_user_signs_out_their_other_device(app, make_user):
    """When a user signs out their other browser, is that browser asked to sign in
    while this one goes on, and is it audited?"""
    user = make_user()
    laptop = sign_in_from(app, user)
    phone = sign_in_from(app, user)
    _, phone_row = rows()
    response = laptop.post(f"/account/sessions/{phone_row.id}/end")
    assert response.status_code == 302
    assert is_sent_to_sign_in(phone)
    assert laptop.get("/").status_code == 200
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.session_end"))
    assert entry.user_id == user.id
    assert entry.detail == {"session": phone_row.id}


def test_a_user_cannot_end_someone_elses_session(app, make_user):
    """Is a user refused when they try to end a colleague's session?"""
    colleague = sign_in_from(app, make_user())
    mallory = sign_in_from(app, make_user())
    colleague_row, _ = rows()
    assert mallory.post(f"/account/sessions/{colleague_row.id}/end").status_code == 404
    assert colleague.get("/").status_code == 200


def test_user_signs_out_everywhere_else(app, make_user):
    """Does "Sign out everywhere else" sign out every other browser and keep this one?"""
    user = make_user()
    laptop = sign_in_from(app, user)
    others = [sign_in_from(app, user), sign_in_from(app, user, remember=True)]
    assert laptop.post("/account/sessions/end-others").status_code == 302
    assert all(is_sent_to_sign_in(browser) for browser in others)
    assert laptop.get("/").status_code == 200
    assert len(rows()) == 1
    assert db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "auth.sign_out_everywhere")
    )


def test_signing_out_on_one_device_leaves_the_others_signed_in(app, make_user):
    """Does signing out on the laptop leave the phone signed in?"""
    user = make_user()
    laptop = sign_in_from(app, user)
    phone = sign_in_from(app, user)
    assert laptop.post("/logout").status_code == 302
    assert is_sent_to_sign_in(laptop)
    assert phone.get("/").status_code == 200


def test_sign_out_asks_the_browser_to_clear_what_it_kept(client, signed_in):
    """Does the answer to signing out tell the browser to clear its cache and storage for
    the site, but not cookies, which browsers clear for the whole parent domain?"""
    signed_in()
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_admin_sees_and_ends_a_users_sessions(app, client, auth, make_user):
    """Does an admin see where a user is signed in and sign them out everywhere?"""
    staff = make_user(role=Role.HR, name="Robin Okafor")
    browsers = [sign_in_from(app, staff, user_agent=CHROME_ON_WINDOWS), sign_in_from(app, staff)]
    admin = make_user(role=Role.ADMIN)
    auth.login(admin.email)
    page = client.get(f"/admin/users/{staff.id}/edit").text
    assert "Where Robin Okafor is signed in" in page
    assert "Chrome on Windows" in page
    response = client.post(f"/admin/users/{staff.id}/sessions/end")
    assert response.status_code == 302
    assert all(is_sent_to_sign_in(browser) for browser in browsers)
    assert client.get("/").status_code == 200
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "auth.sign_out_everywhere")
    )
    assert (entry.user_id, entry.target_id) == (admin.id, staff.id)


def test_staff_cannot_end_a_colleagues_sessions_from_the_admin_pages(app, make_user):
    """Is HR staff refused when posting to sign a colleague out everywhere?"""
    colleague = make_user()
    colleague_browser = sign_in_from(app, colleague)
    hr = sign_in_from(app, make_user(role=Role.HR))
    assert hr.post(f"/admin/users/{colleague.id}/sessions/end").status_code == 403
    assert colleague_browser.get("/").status_code == 200


def test_sessions_page_needs_sign_in(client):
    """Is a visitor who opens the sessions page sent to sign in?"""
    response = client.get("/account/sessions")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


def test_password_page_links_to_the_sessions_page(client, signed_in):
    """Can a user find their sessions from the change-password page?"""
    signed_in()
    assert 'href="/account/sessions"' in client.get("/account/password").text


def test_sessions_page_queries_do_not_grow_with_sessions(app, make_user):
    """Does the sessions page send as many queries for four devices as for one?"""
    user = make_user()
    laptop = sign_in_from(app, user)
    alone, _ = page_queries(laptop, "/account/sessions")
    for _ in range(3):
        sign_in_from(app, user)
    many, page = page_queries(laptop, "/account/sessions")
    assert page.count('/end"') == 3
    assert many == alone


def test_signing_in_clears_away_expired_sessions(app, make_user):
    """When someone signs in, are the sessions that expired long ago deleted, a
    colleague's who never came back included?"""
    user, colleague = make_user(), make_user()
    sign_in_from(app, user)
    sign_in_from(app, user, remember=True)
    sign_in_from(app, colleague, remember=True)
    long_ago = wall_clock() - timedelta(days=30)
    db.session.execute(update(StaffSession).values(signed_in_at=long_ago, last_seen_at=long_ago))
    db.session.commit()
    sign_in_from(app, user)
    assert db.session.scalar(select(func.count()).select_from(StaffSession)) == 1


def test_deactivation_ends_every_session_row(app, client, auth, make_user):
    """When an admin deactivates a user, are all of that user's sessions gone?"""
    staff = make_user(name="Robin Okafor")
    sign_in_from(app, staff, remember=True)
    admin = make_user(role=Role.ADMIN)
    auth.login(admin.email)
    client.post(f"/admin/users/{staff.id}/edit", data={"name": "Robin Okafor", "role": "hr"})
    assert [row.user_id for row in rows()] == [admin.id]


@pytest.mark.parametrize("config_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_another_site_cannot_end_a_users_sessions(app, make_user):
    """Is "sign out everywhere else" without the CSRF token refused?"""
    user = make_user()
    laptop, other = sign_in_from(app, user), sign_in_from(app, user)
    assert laptop.post("/account/sessions/end-others").status_code == 400
    assert other.get("/").status_code == 200


@pytest.mark.parametrize("config_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_sign_out_everywhere_else_works_with_the_pages_csrf_token(app, make_user):
    """Does the button on the sessions page, with its CSRF token, sign the others out?"""
    user = make_user()
    laptop, other = sign_in_from(app, user), sign_in_from(app, user)
    g.pop("csrf_token", None)
    page = laptop.get("/account/sessions").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = laptop.post("/account/sessions/end-others", data={"csrf_token": token})
    assert response.status_code == 302
    assert is_sent_to_sign_in(other)


@pytest.mark.parametrize(
    ("user_agent", "shown"),
    [
        (CHROME_ON_WINDOWS, "Chrome on Windows"),
        (FIREFOX_ON_LINUX, "Firefox on Linux"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.4 Safari/605.1.15",
            "Safari on macOS",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
            "Safari on iOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        (CHROME_ON_WINDOWS + " Edg/124.0.2478.51", "Edge on Windows"),
        ("curl/8.5.0", "Unknown device"),
        ("", "Unknown device"),
    ],
)
def test_device_is_named_from_the_browser(user_agent, shown):
    """Is each device named plainly by its browser and system?"""
    assert describe_device(user_agent) == shown


@pytest.mark.parametrize("config_overrides", [{"SQLITE_BUSY_TIMEOUT_MS": 100}])
def test_a_page_opens_while_another_process_holds_the_write_lock(app, make_user):
    """When the minute's "last active" stamp cannot be written (the public form holding
    SQLite's write lock past the busy timeout), does the staff page still open?"""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite's write lock; PostgreSQL writes rows side by side")
    user = make_user()
    browser = sign_in_from(app, user)
    earlier = wall_clock().replace(microsecond=0) - timedelta(minutes=5)
    db.session.execute(update(StaffSession).values(last_seen_at=earlier))
    db.session.commit()
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        response = browser.get("/")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert response.status_code == 200
    (row,) = rows()
    assert row.last_seen_at == earlier  # stamped on a later request, not this one
