"""Signing in through Chromium: the form, the dashboard, accessibility and a clean console."""

import re

from playwright.sync_api import expect


def test_staff_member_signs_in_and_sees_dashboard(page, live_server, make_user, stages, sign_in):
    """Does a staff member sign in and see the dashboard?"""
    user = make_user(name="Maria Okafor")

    sign_in(page, live_server, user)

    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Good to see you, Maria")
    pipeline = page.get_by_role("region", name="The pipeline at a glance")
    expect(pipeline).to_be_visible()
    expect(pipeline.get_by_role("listitem").first).to_contain_text(stages["interested"].name)


def test_wrong_password_keeps_staff_member_out(page, live_server, make_user, sign_in):
    """Does a wrong password show an error and stay on the sign-in page?"""
    user = make_user()

    sign_in(page, live_server, user, password="not the password at all")

    expect(page.get_by_role("alert")).to_contain_text("The email or password is not right.")
    expect(page.get_by_label("Password", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_url(re.compile(r"/login$"))


def test_sign_in_page_is_accessible(page, live_server, axe_check):
    """Does axe-core find no serious or critical problems on the sign-in page?"""
    page.goto(f"{live_server}/login")
    expect(page.get_by_role("heading", name="Sign in to Recruit")).to_be_visible()

    violations, report = axe_check(page)

    assert violations == [], report


def test_sign_in_error_state_is_accessible(page, live_server, make_user, sign_in, axe_check):
    """Does axe-core find no serious or critical problems after a wrong password?"""
    sign_in(page, live_server, make_user(), password="not the password at all")
    expect(page.get_by_role("alert")).to_be_visible()

    violations, report = axe_check(page)

    assert violations == [], report


def test_dashboard_is_accessible(page, live_server, make_user, stages, sign_in, axe_check):
    """Does axe-core find no serious or critical problems on the dashboard?"""
    sign_in(page, live_server, make_user())
    expect(page.get_by_role("region", name="The pipeline at a glance")).to_be_visible()

    violations, report = axe_check(page)

    assert violations == [], report


def test_pages_log_no_console_errors(page, live_server, make_user, stages, sign_in, console_errors):
    """Do the sign-in page, its error state and the dashboard log no errors or CSP violations?"""
    user = make_user()
    sign_in(page, live_server, user, password="not the password at all")
    expect(page.get_by_role("alert")).to_be_visible()
    sign_in(page, live_server, user)
    expect(page.get_by_role("region", name="The pipeline at a glance")).to_be_visible()

    assert console_errors == []
