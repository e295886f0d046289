"""Two-step verification through Chromium: setting it up from the QR page, printing the
recovery codes, and signing in with a code; each page accessible, with a clean console."""

import time

import pyotp
from playwright.sync_api import expect

from recruit.admin.models import set_setting
from recruit.auth.models import Role
from recruit.extensions import db


def accessible(page, axe_check) -> None:
    violations, report = axe_check(page)
    assert violations == [], report


def test_admin_sets_up_two_step_then_signs_in_with_a_code(
    page, live_server, make_user, stages, sign_in, axe_check, console_errors
):
    """Under "admins", does an admin set two-step up from the QR page, see ten recovery
    codes, and next time sign in with a code, every page accessible?"""
    set_setting("two_step_required", "admins")
    db.session.commit()
    admin = make_user(role=Role.ADMIN, name="Rosa Lind")
    colleague = make_user(role=Role.HR, name="Omar Haddad")

    sign_in(page, live_server, admin)
    expect(page).to_have_url(f"{live_server}/account/two-step")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    accessible(page, axe_check)
    totp = pyotp.TOTP(page.locator("#two-step-key").inner_text().strip())
    page.get_by_label("6-digit code from your authenticator app").fill(totp.now())
    page.get_by_role("button", name="Turn on two-step verification").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    accessible(page, axe_check)
    page.locator(".site-header summary", has_text="Rosa Lind").click()  # the account menu
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, admin)
    expect(page).to_have_url(f"{live_server}/login/two-step")
    accessible(page, axe_check)
    # The next code: the one used to set up cannot be taken again.
    next_code = totp.generate_otp(totp.timecode(time.time()) + 1)
    page.get_by_label("6-digit code from your authenticator app").fill(next_code)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Good to see you, Rosa")

    # The pages around it: managing two-step, one's devices, and a colleague's account.
    page.goto(f"{live_server}/account/two-step")
    accessible(page, axe_check)
    page.goto(f"{live_server}/account/sessions")
    expect(page.get_by_text("This device")).to_be_visible()
    accessible(page, axe_check)
    page.goto(f"{live_server}/admin/users/{colleague.id}/edit")
    accessible(page, axe_check)
    assert console_errors == []
