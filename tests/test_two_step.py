"""Two-step verification: the office says who must use it, staff set it up with a QR code,
sign in with a code from their phone or a recovery code, and an admin resets it."""

import base64
import io
import json
import re
import time
import zipfile
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from recruit.admin.models import get_setting, set_setting
from recruit.audit.models import AuditEntry
from recruit.auth import two_step
from recruit.auth.models import RecoveryCode, Role, User
from recruit.extensions import db
from tests.conftest import PASSWORD
from tests.test_access import staff_requests
from tests.test_time_zones import settings_form

DEMO_NOTE = (
    "Two-step verification is off for everyone in this demo office; turn it on before real use."
)


def require(who: str) -> None:
    set_setting("two_step_required", who)
    db.session.commit()


def actions(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def code_after(secret: str, user: User) -> str:
    """A code the user's app shows now, or the next one if this one was used already."""
    db.session.refresh(user)
    totp = pyotp.TOTP(secret)
    step = totp.timecode(time.time())
    if user.totp_last_counter is not None and user.totp_last_counter >= step:
        step = user.totp_last_counter + 1
    return totp.generate_otp(step)


def setup_secret(client) -> str:
    """The key the setup page shows this browser for typing into an authenticator app."""
    page = text(client.get("/account/two-step"))
    return re.search(r'id="two-step-key">([A-Z2-7]+)<', page)[1]


def wrong_code(secret: str) -> str:
    """Six digits that are not any code the app shows around now."""
    totp = pyotp.TOTP(secret)
    step = totp.timecode(time.time())
    near = {totp.generate_otp(step + offset) for offset in range(-2, 3)}
    return next(c for c in (f"{n:06d}" for n in range(0, 10**6, 7919)) if c not in near)


@pytest.fixture
def enrolled(make_user):
    """Return a callable that makes a user with two-step verification on; it returns the
    user, their secret and their recovery codes."""

    def make(role=Role.HR):
        user = make_user(role=role)
        secret = user.totp_secret = pyotp.random_base32()
        user.two_step_enabled_at = user.created_at
        codes = two_step.new_recovery_codes(user)
        db.session.commit()
        return user, secret, codes

    return make


def start_sign_in(client, user, **extra):
    """Give the right password; the answer sends the user on to the code."""
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, **extra})
    assert response.status_code == 302
    return response


# --- who must use it ----------------------------------------------------------------------


def test_admin_who_must_use_it_is_taken_to_set_it_up(client, auth, make_user):
    """Under "admins", is an admin without two-step taken to set it up after the password,
    unable to open the dashboard?"""
    require("admins")
    admin = make_user(role=Role.ADMIN)

    auth.login(admin.email)

    response = client.get("/")
    assert response.status_code == 302
    assert response.location == "/account/two-step"
    page = client.get("/account/two-step")
    assert "The office requires two-step verification for your account" in text(page)


def test_admin_who_must_use_it_can_open_nothing_else(app, client, auth, make_user):
    """Under "admins", does every staff page and action but setting it up and signing out
    send an admin without two-step to set it up?"""
    require("admins")
    admin = make_user(role=Role.ADMIN)
    auth.login(admin.email)

    let_through = []
    for endpoint, method, url in staff_requests(app):
        if endpoint in two_step.ENROLLMENT_ENDPOINTS:
            continue
        response = client.open(url, method=method)
        if response.status_code != 302 or response.location != "/account/two-step":
            let_through.append((endpoint, method, response.status_code))

    assert let_through == []


def test_hr_signs_in_with_password_alone_when_admins_must(client, auth, make_user):
    """Under "admins", does HR staff without two-step reach the dashboard after the password?"""
    require("admins")
    hr = make_user(role=Role.HR)

    auth.login(hr.email)

    assert client.get("/").status_code == 200


def test_everyone_must_use_it_when_the_office_says_everyone(client, auth, make_user):
    """Under "everyone", is HR staff without two-step taken to set it up too?"""
    require("everyone")
    hr = make_user(role=Role.HR)

    auth.login(hr.email)

    assert client.get("/candidates/").location == "/account/two-step"


# --- setting it up ------------------------------------------------------------------------


def test_qr_code_on_the_setup_page_holds_the_otpauth_address(client, signed_in):
    """Does the QR code on the setup page decode to the otpauth address of the user's
    secret, which the page also shows for typing in?"""
    user = signed_in(Role.HR)

    page = text(client.get("/account/two-step"))

    data = re.search(r'src="data:image/png;base64,([^"]+)"', page)[1]
    image = Image.open(io.BytesIO(base64.b64decode(data))).convert("L")
    [found] = zxingcpp.read_barcodes(image, zxingcpp.BarcodeFormat.QRCode)
    secret = re.search(r'id="two-step-key">([A-Z2-7]+)<', page)[1]
    address = urlsplit(found.text)
    assert (address.scheme, address.netloc) == ("otpauth", "totp")
    assert address.path == "/Recruit%20%28State%20Procurement%20Office%29:" + user.email.replace(
        "@", "%40"
    )
    query = parse_qs(address.query)
    assert query["secret"] == [secret]
    assert query["issuer"] == ["Recruit (State Procurement Office)"]
    assert setup_secret(client) == secret  # a reload shows the QR code already scanned
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page


def test_setting_it_up_shows_ten_recovery_codes_once(client, signed_in):
    """Does a right code turn two-step on and show ten recovery codes, kept only as
    hashes, and never shown again; and is it audited?"""
    user = signed_in(Role.HR)
    secret = setup_secret(client)

    response = client.post("/account/two-step", data={"code": code_after(secret, user)})

    page = text(response)
    codes = re.findall(r"<code>([a-z0-9-]+)</code>", page)
    assert len(set(codes)) == 10
    assert all(len(code) == 19 for code in codes)
    assert response.headers["Cache-Control"] == "no-store"
    db.session.refresh(user)
    assert user.two_step_enabled_at is not None
    assert user.totp_secret == secret
    hashes = set(db.session.scalars(select(RecoveryCode.code_hash)))
    assert len(hashes) == 10 and not hashes & set(codes)
    again = text(client.get("/account/two-step"))
    assert "You have 10 unused recovery codes" in again
    assert codes[0] not in again
    [entry] = actions("auth.two_step_enrolled")
    assert entry.user_id == user.id


def test_setting_it_up_with_a_wrong_code_is_refused(client, signed_in):
    """Is a wrong code refused on the setup page, two-step left off, and the try audited?"""
    user = signed_in(Role.HR)
    secret = setup_secret(client)

    response = client.post("/account/two-step", data={"code": wrong_code(secret)})

    assert "That code is not right" in text(response)
    db.session.refresh(user)
    assert (user.two_step_enabled_at, user.totp_secret) == (None, None)
    assert len(actions("auth.two_step_failed")) == 1


def test_admin_who_sets_it_up_reaches_the_dashboard(client, auth, make_user):
    """Under "admins", does an admin who sets two-step up then open the dashboard?"""
    require("admins")
    admin = make_user(role=Role.ADMIN)
    auth.login(admin.email)
    secret = setup_secret(client)

    client.post("/account/two-step", data={"code": code_after(secret, admin)})

    assert client.get("/").status_code == 200


def test_two_browsers_setting_up_get_their_own_secrets(app, client, auth, make_user):
    """Under "everyone", do two browsers signed in with the same password see different
    secrets while setting up, and once one confirms its code, is that secret the one kept,
    the other browser signed out, and its code refused?"""
    require("everyone")
    user = make_user(role=Role.HR)
    auth.login(user.email)
    other = app.test_client()
    start_sign_in(other, user)
    mine, theirs = setup_secret(client), setup_secret(other)
    assert mine != theirs
    db.session.refresh(user)
    assert user.totp_secret is None

    client.post("/account/two-step", data={"code": code_after(mine, user)})

    db.session.refresh(user)
    assert user.two_step_enabled_at is not None
    assert user.totp_secret == mine
    assert client.get("/").status_code == 200
    assert other.get("/").location.startswith("/login")
    start_sign_in(other, user)
    assert other.get("/").location.startswith("/login")  # now the code is asked for
    refused = other.post("/login/two-step", data={"code": code_after(theirs, user)})
    assert refused.status_code == 200
    assert "That code is not right" in text(refused)


# --- signing in ---------------------------------------------------------------------------


def test_sign_in_asks_for_the_code_after_the_password(client, enrolled):
    """Does a user with two-step on give a code after the password, and only then come in,
    to the page they asked for and remembered if they chose it?"""
    user, secret, _ = enrolled()

    response = start_sign_in(client, user, remember="y")
    assert response.location == "/login/two-step"
    assert client.get("/").location.startswith("/login")
    page = text(client.get("/login/two-step"))
    assert 'autocomplete="one-time-code"' in page

    response = client.post("/login/two-step", data={"code": code_after(secret, user)})

    assert response.status_code == 302
    assert response.location == "/"
    assert client.get_cookie("remember_token") is not None
    assert client.get("/").status_code == 200
    [entry] = actions("auth.two_step_passed")
    assert (entry.user_id, entry.detail) == (user.id, {"method": "authenticator"})


def test_sign_in_goes_on_to_the_page_asked_for(client, enrolled):
    """Does a user who was sent to sign in from a page land there after the code?"""
    user, secret, _ = enrolled()
    client.post("/login?next=/candidates/", data={"email": user.email, "password": PASSWORD})

    response = client.post("/login/two-step", data={"code": code_after(secret, user)})

    assert response.location == "/candidates/"


def test_wrong_code_is_refused_with_a_message(client, enrolled):
    """Is a wrong code refused with a message, the user still signed out, and the try
    audited without the code?"""
    user, secret, _ = enrolled()
    start_sign_in(client, user)
    code = wrong_code(secret)

    response = client.post("/login/two-step", data={"code": code})

    assert response.status_code == 200
    assert "That code is not right, or it was used already" in text(response)
    assert client.get("/").location.startswith("/login")
    [entry] = actions("auth.two_step_failed")
    assert entry.user_id == user.id
    assert code not in json.dumps(entry.detail)


def test_the_same_code_is_not_taken_twice(client, auth, enrolled):
    """Is a code that signed a user in refused when given again (a replayed code)?"""
    user, secret, _ = enrolled()
    code = code_after(secret, user)
    start_sign_in(client, user)
    assert client.post("/login/two-step", data={"code": code}).status_code == 302
    auth.logout()
    start_sign_in(client, user)

    response = client.post("/login/two-step", data={"code": code})

    assert response.status_code == 200
    assert "it was used already" in text(response)


def test_a_recovery_code_signs_in_once(client, auth, enrolled):
    """Does a recovery code sign a user in once, saying how many are left, and is it
    refused the second time?"""
    user, _, codes = enrolled()
    start_sign_in(client, user)

    response = client.post(
        "/login/two-step?with=recovery-code", data={"recovery_code": codes[3].upper()}
    )

    assert response.location == "/"
    assert "You used a recovery code; 9 left" in text(client.get("/"))
    assert actions("auth.two_step_passed")[0].detail == {"method": "recovery_code"}
    auth.logout()
    start_sign_in(client, user)
    again = client.post("/login/two-step?with=recovery-code", data={"recovery_code": codes[3]})
    assert again.status_code == 200
    assert "not one of yours, or it was used already" in text(again)


def test_five_wrong_codes_send_the_user_back_to_the_password(app, client, enrolled):
    """After five wrong codes, is the user sent back to the password, and does an older
    copy of the session cookie not bring more tries, even with the right code?"""
    user, secret, _ = enrolled()
    start_sign_in(client, user)
    cookie = app.config["SESSION_COOKIE_NAME"]
    waiting = client.get_cookie(cookie).value
    for _ in range(4):
        assert client.post("/login/two-step", data={"code": wrong_code(secret)}).status_code == 200

    fifth = client.post("/login/two-step", data={"code": wrong_code(secret)})

    assert fifth.location == "/login"
    assert "Too many wrong codes" in text(client.get("/login"))
    assert len(actions("auth.two_step_locked")) == 1
    client.set_cookie(cookie, waiting)
    replayed = client.post("/login/two-step", data={"code": code_after(secret, user)})
    assert replayed.location == "/login"
    assert client.get("/").location.startswith("/login")


def test_wrong_codes_over_several_sign_ins_are_limited_per_account(client, enrolled, clock):
    """After ten wrong codes over two sign-ins, is the eleventh code refused unchecked in a
    fresh sign-in, even the right one, with a message and the refusal audited once, until
    the wrong codes are fifteen minutes old?"""
    user, secret, _ = enrolled()
    for _ in range(2):
        start_sign_in(client, user)
        for _ in range(5):
            client.post("/login/two-step", data={"code": wrong_code(secret)})
        clock.advance(minutes=1)
    start_sign_in(client, user)

    eleventh = client.post("/login/two-step", data={"code": code_after(secret, user)})

    assert eleventh.location == "/login"
    assert "Too many wrong codes for this account; try again in a few minutes" in text(
        client.get("/login")
    )
    assert client.get("/").location.startswith("/login")
    assert actions("auth.two_step_passed") == []
    assert len(actions("auth.two_step_failed")) == 10
    start_sign_in(client, user)
    client.post("/login/two-step", data={"code": code_after(secret, user)})
    assert len(actions("auth.two_step_throttled")) == 1
    clock.advance(minutes=16)
    start_sign_in(client, user)
    assert client.post("/login/two-step", data={"code": code_after(secret, user)}).location == "/"


def test_a_waiting_sign_in_expires_after_five_minutes(client, enrolled, clock):
    """Is the right code refused six minutes after the password, sending the user back?"""
    user, secret, _ = enrolled()
    start_sign_in(client, user)
    clock.advance(minutes=6)

    response = client.post("/login/two-step", data={"code": code_after(secret, user)})

    assert response.location == "/login"
    assert "That sign-in has expired" in text(client.get("/login"))


def test_the_code_page_without_a_password_sends_visitors_to_sign_in(client):
    """Does a visitor who opens the code page without giving a password go to sign in?"""
    assert client.get("/login/two-step").location == "/login"
    assert client.post("/login/two-step", data={"code": "123456"}).location == "/login"


# --- changing it on one's account ---------------------------------------------------------


def sign_in_with_code(client, user, secret):
    start_sign_in(client, user)
    assert client.post("/login/two-step", data={"code": code_after(secret, user)}).location == "/"


def test_new_recovery_codes_replace_the_old(client, enrolled):
    """Do new recovery codes, made with a current code, replace the old ones, audited?"""
    user, secret, old = enrolled()
    sign_in_with_code(client, user, secret)

    response = client.post(
        "/account/two-step/recovery-codes", data={"codes-code": code_after(secret, user)}
    )

    new = re.findall(r"<code>([a-z0-9-]+)</code>", text(response))
    assert len(new) == 10 and not set(new) & set(old)
    assert not two_step.use_recovery_code(user, old[0])
    assert two_step.use_recovery_code(user, new[0])
    assert len(actions("auth.recovery_codes_replaced")) == 1


def test_user_turns_it_off_where_the_office_allows(client, enrolled):
    """Under "nobody", does a user turn two-step off with a current code, audited, and then
    sign in with the password alone?"""
    user, secret, _ = enrolled()
    sign_in_with_code(client, user, secret)

    response = client.post("/account/two-step/off", data={"off-code": code_after(secret, user)})

    assert response.location == "/account/two-step"
    db.session.refresh(user)
    assert (user.two_step_enabled_at, user.totp_secret) == (None, None)
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0
    assert len(actions("auth.two_step_disabled")) == 1


def test_turning_it_off_signs_out_the_users_other_devices(app, client, enrolled):
    """Does turning two-step off sign the user out on their other devices, this one staying
    signed in?"""
    user, secret, recovery_codes = enrolled()
    other = app.test_client()
    start_sign_in(other, user)
    other.post("/login/two-step?with=recovery-code", data={"recovery_code": recovery_codes[0]})
    assert other.get("/").status_code == 200
    sign_in_with_code(client, user, secret)

    client.post("/account/two-step/off", data={"off-code": code_after(secret, user)})

    db.session.refresh(user)
    assert user.two_step_enabled_at is None

    assert client.get("/").status_code == 200
    assert other.get("/").location.startswith("/login")


def test_user_cannot_turn_it_off_where_the_office_requires_it(client, enrolled):
    """Under "everyone", is turning two-step off refused even with the right code?"""
    require("everyone")
    user, secret, _ = enrolled()
    sign_in_with_code(client, user, secret)
    assert "so it stays on" in text(client.get("/account/two-step"))

    client.post("/account/two-step/off", data={"off-code": code_after(secret, user)})

    db.session.refresh(user)
    assert user.two_step_enabled_at is not None


# --- admins -------------------------------------------------------------------------------


def test_admin_resets_another_users_two_step(app, client, signed_in, enrolled):
    """Does an admin's reset clear another user's two-step and end their sessions, audited,
    so that they set it up again at their next sign-in?"""
    require("everyone")
    admin, admin_secret, _ = enrolled(Role.ADMIN)
    user, secret, _ = enrolled(Role.HR)
    theirs = app.test_client()
    sign_in_with_code(theirs, user, secret)
    sign_in_with_code(client, admin, admin_secret)
    page = text(client.get(f"/admin/users/{user.id}/edit"))
    assert "Reset two-step verification" in page

    response = client.post(f"/admin/users/{user.id}/two-step/reset")

    assert response.location == f"/admin/users/{user.id}/edit"
    db.session.refresh(user)
    assert (user.two_step_enabled_at, user.totp_secret) == (None, None)
    [entry] = actions("auth.two_step_reset")
    assert (entry.user_id, entry.target_id) == (admin.id, user.id)
    assert theirs.get("/").location.startswith("/login")
    start_sign_in(theirs, user)
    assert theirs.get("/").location == "/account/two-step"


def test_admin_cannot_reset_their_own(client, enrolled):
    """Is an admin's reset of their own two-step refused, with no reset button shown?"""
    admin, secret, _ = enrolled(Role.ADMIN)
    sign_in_with_code(client, admin, secret)
    assert "Reset two-step verification" not in text(client.get(f"/admin/users/{admin.id}/edit"))

    client.post(f"/admin/users/{admin.id}/two-step/reset")

    db.session.refresh(admin)
    assert admin.two_step_enabled_at is not None
    assert actions("auth.two_step_reset") == []


def test_hr_cannot_reset_anyones_two_step(client, signed_in, enrolled):
    """Is HR staff's reset of a colleague's two-step refused?"""
    user, _, _ = enrolled()
    signed_in(Role.HR)

    assert client.post(f"/admin/users/{user.id}/two-step/reset").status_code == 403


def test_admin_changes_who_must_use_it_on_settings(client, signed_in):
    """Does the admin choose who must use two-step on the Settings page, audited?"""
    admin = signed_in(Role.ADMIN)
    page = client.get("/admin/settings")
    assert "Who must use two-step verification at sign-in" in text(page)

    client.post("/admin/settings", data=settings_form(page, two_step_required="everyone"))

    assert get_setting("two_step_required") == "everyone"
    [entry] = actions("settings.two_step_required")
    assert (entry.user_id, entry.detail) == (admin.id, {"before": "nobody", "after": "everyone"})


# --- new installs and the demo ------------------------------------------------------------


def test_first_account_of_a_new_install_makes_admins_use_it(runner, client, auth):
    """Does `flask create-user` on an empty database require two-step for admins, so the
    new admin sets it up at the first sign-in?"""
    result = runner.invoke(
        args=["create-user", "--email", "ops@agency.example", "--name", "Ops", "--role", "admin"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )

    assert result.exit_code == 0, result.output
    assert "Admins must use two-step verification" in result.output
    assert get_setting("two_step_required") == "admins"
    auth.login("ops@agency.example")
    assert client.get("/").location == "/account/two-step"


def test_later_accounts_leave_the_setting_alone(runner, make_user):
    """Does `flask create-user` on an office with staff keep the office's choice?"""
    make_user(role=Role.ADMIN)
    require("nobody")

    runner.invoke(
        args=["create-user", "--email", "ops@agency.example", "--name", "Ops", "--role", "admin"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )

    assert get_setting("two_step_required") == "nobody"


def test_demo_office_has_it_off_and_says_so(runner, client):
    """Does the demo office sign its admin in with the printed password alone, and do the
    admin's Settings and Users pages say two-step is off for everyone?"""
    output = runner.invoke(args=["seed-demo", "--candidates", "5"]).output
    email, password = re.search(r"as (\S+) with password (\S+)", output).groups()

    client.post("/login", data={"email": email, "password": password})

    assert get_setting("two_step_required") == "nobody"
    assert client.get("/").status_code == 200
    assert DEMO_NOTE in text(client.get("/admin/settings"))
    assert "Two-step verification is off for everyone in this demo office" in text(
        client.get("/admin/users")
    )


def test_demo_note_goes_once_two_step_is_on(runner, client, enrolled):
    """Once the demo office requires two-step for admins, does Settings stop saying it is
    off?"""
    runner.invoke(args=["seed-demo", "--candidates", "5"])
    require("admins")
    admin, secret, _ = enrolled(Role.ADMIN)
    sign_in_with_code(client, admin, secret)

    assert DEMO_NOTE not in text(client.get("/admin/settings"))


def test_exports_leave_out_secrets_and_code_hashes(client, signed_in, enrolled):
    """Does the admin's export of everything leave out two-step secrets and code hashes?"""
    enrolled()
    signed_in(Role.ADMIN)

    response = client.post("/admin/export", data={"include_personal": "y"})

    archive = zipfile.ZipFile(io.BytesIO(response.data))
    users = archive.read("users.csv").decode().splitlines()[0]
    codes = archive.read("recovery_codes.csv").decode().splitlines()[0]
    assert "totp_secret" not in users
    assert "code_hash" not in codes
