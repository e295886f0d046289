"""Browser fixtures: the app served on 127.0.0.1, Debian's Chromium, axe-core and sign-in."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from tests.browser.harness import CHROMIUM, keep_on_machine, launch_chromium, serve
from tests.conftest import PASSWORD

# Let tests see and cut a service worker's own requests: context.set_offline() alone does
# not reach them (microsoft/playwright#2311). Read when Playwright starts its driver.
os.environ.setdefault("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")

HERE = Path(__file__).resolve().parent
SERIOUS = ("serious", "critical")
DESKTOP = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(items):
    """Mark every test under tests/browser as a browser test."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def config_overrides():
    """Browser tests post real forms, so CSRF protection is on as it is for staff."""
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def live_server(app):
    """The test app served on a free port of 127.0.0.1; yields its base URL."""
    with serve(app) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, shared by the whole run."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"Debian's chromium is not installed at {CHROMIUM}: apt-get install chromium",
                pytrace=False,
            )
        pytest.skip(
            "Debian's chromium is not installed: apt-get install chromium; browser tests skipped"
        )
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def console_errors():
    """The page's console errors (CSP violations too), uncaught errors and outside requests."""
    return []


@pytest.fixture
def new_page(browser, console_errors):
    """Return new_page(**context_options): a page in a context of its own that can reach only
    127.0.0.1 and reports its errors to console_errors; closed after the test."""
    contexts = []

    def open_page(**context_options):
        context = browser.new_context(**{"viewport": DESKTOP, **context_options})
        contexts.append(context)
        keep_on_machine(context, lambda url: console_errors.append(f"blocked request to {url}"))
        page = context.new_page()
        page.set_default_timeout(10_000)  # local pages answer in milliseconds

        def note_console(message):
            if message.type == "error":
                console_errors.append(f"console: {message.text}")

        page.on("console", note_console)
        page.on("pageerror", lambda error: console_errors.append(f"uncaught: {error}"))
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A fresh desktop page that can reach only 127.0.0.1 and reports its errors."""
    return new_page()


def _axe_check(page) -> tuple[list[dict], str]:
    """Run axe-core on the page; return its serious and critical violations and a report."""
    violations = [v for v in Axe().run(page).response["violations"] if v["impact"] in SERIOUS]
    lines = [f"axe-core found {len(violations)} serious or critical violations on {page.url}"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    at {', '.join(map(str, node['target']))}" for node in violation["nodes"])
    return violations, "\n".join(lines)


@pytest.fixture
def axe_check():
    """Return axe_check(page) -> (serious and critical violations, readable report)."""
    return _axe_check


def _sign_in(page, live_server: str, user, password: str = PASSWORD) -> None:
    """Sign user in through the real form, as a staff member would."""
    page.goto(f"{live_server}/login")
    page.get_by_label("Email", exact=True).fill(user.email)
    page.get_by_label("Password", exact=True).fill(password)
    # The form's answer is a new page: wait for it, so the caller reads that page and not
    # the sign-in form it replaces.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def sign_in():
    """Return sign_in(page, live_server, user, password=PASSWORD)."""
    return _sign_in
