"""Who may open what: sign-in everywhere except public pages, and roles on top."""

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.routing import AnyConverter, FloatConverter, IntegerConverter, UUIDConverter

from recruit.auth.models import Role

# Pages open to visitors who have not signed in. Adding one must be deliberate: mark the view
# with recruit.auth.access.public AND list its endpoint here.
EXPECTED_PUBLIC = {
    "static",
    "auth.login",
    # The second step of signing in: it opens only for a sign-in whose password was right
    # (a visitor without one is sent back to sign in).
    "auth.two_step_code",
    "main.healthz",
    # The students' interest form, on its own and at a fair, and its thank-you page.
    "interest.apply",
    "interest.apply_at_event",
    "interest.thanks",
    "interest.start_tokens",
    "offline.service_worker",
    # The positions open now, each linking to the form with it ticked.
    "openings.index",
    # The staff calendar feed: calendar apps cannot sign in, so a secret in its URL stands in.
    "calendar.feed",
    # Supervisors' and interns' evaluation forms, opened from a private expiring link.
    "feedback.form",
    "feedback.thanks",
    # An outside interviewer's scorecard (an agency supervisor), opened from the private
    # link their invitation carries.
    "scorecards.outside",
    # The stop-emails link in every message to a student: its signed token is the key.
    "stop_emails.stop",
    # A student's own page, opened from a private expiring link, and the form that
    # sends the link to a known address.
    "students.ask",
    "students.page",
    "students.details",
    "students.resume",
    "students.openings",
    "students.stop_emails",
    "students.withdraw",
    "students.data",
    "students.erasure",
    # A candidate's interview: picking, moving or cancelling it from a private link.
    "interview_link.page",
    "interview_link.choose",
    "interview_link.cancel_by_candidate",
}

SKIPPED_METHODS = {"HEAD", "OPTIONS"}


def public_endpoints(app) -> set[str]:
    """Endpoints whose views are marked public, plus static files."""
    marked = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if getattr(view, "is_public", False)
    }
    return marked | {"static"}


def placeholder(converter):
    """A value that the URL converter accepts: 1 for numbers, "x" for text."""
    if isinstance(converter, IntegerConverter | FloatConverter):
        return 1
    if isinstance(converter, UUIDConverter):
        return uuid.UUID(int=1)
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[0]
    return "x"


def staff_requests(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every route and method a visitor must not reach."""
    public = public_endpoints(app)
    requests = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint in public:
                continue
            values = {
                name: placeholder(rule._converters[name])
                for name in rule.arguments
                if name not in (rule.defaults or {})
            }
            url = rule.build(values, append_unknown=False)[1]
            for method in sorted(rule.methods - SKIPPED_METHODS):
                requests.append((rule.endpoint, method, url))
    return requests


def test_public_pages_are_exactly_the_expected_ones(app):
    """Is every page open to visitors one that we meant to open?"""
    assert public_endpoints(app) == EXPECTED_PUBLIC


def test_every_staff_route_turns_visitors_away(app, client):
    """Does every route but the public ones send a visitor to sign in, or refuse them?"""
    requests = staff_requests(app)
    assert requests, "the sweep found no routes"
    let_through = []
    for endpoint, method, url in requests:
        response = client.open(url, method=method)
        if method == "GET":
            refused = response.status_code == 302 and response.location.startswith("/login?next=")
        else:
            refused = response.status_code in (401, 403)
        if not refused:
            let_through.append((endpoint, method, url, response.status_code))
    assert let_through == []


def test_sweep_covers_admin_pages(app):
    """Does the sweep include the admin pages, with ids filled in?"""
    swept = {(endpoint, method, url) for endpoint, method, url in staff_requests(app)}
    assert ("admin.users", "GET", "/admin/users") in swept
    assert ("admin.edit_user", "POST", "/admin/users/1/edit") in swept


def test_visitor_is_sent_to_sign_in_with_next(client):
    """Is a visitor who opens the user list sent to sign in, coming back afterwards?"""
    response = client.get("/admin/users?page=2")
    assert response.status_code == 302
    location = urlsplit(response.location)
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == ["/admin/users?page=2"]


def test_visitor_posting_to_a_staff_page_gets_401(client):
    """Does a visitor's POST to a staff page get the friendly 401 page?"""
    response = client.post("/admin/users/new", data={"name": "Mallory"})
    assert response.status_code == 401
    assert "Please sign in" in response.text


@pytest.mark.parametrize("role", [Role.HR, Role.OUTREACH])
def test_staff_without_admin_role_get_403_on_users(client, signed_in, role):
    """Does a non-admin get the friendly 403 page on /admin/users?"""
    signed_in(role)
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "Not allowed" in response.text
    assert "<html" in response.text


def test_hr_cannot_create_a_user(client, signed_in):
    """Is an HR user's POST to create an account refused?"""
    signed_in(Role.HR)
    response = client.post(
        "/admin/users/new",
        data={
            "name": "Sneaky",
            "email": "sneaky@agency.example",
            "role": "admin",
            "password": "a long enough password",
        },
    )
    assert response.status_code == 403


def test_admin_opens_users(client, signed_in):
    """Does an admin get the user list?"""
    admin = signed_in(Role.ADMIN)
    response = client.get("/admin/users")
    assert response.status_code == 200
    assert admin.email in response.text


@pytest.mark.parametrize(("role", "shown"), [(Role.ADMIN, True), (Role.HR, False)])
def test_users_link_only_for_admins(client, signed_in, role, shown):
    """Is the Users menu entry shown to admins only?"""
    signed_in(role)
    page = client.get("/")
    assert ('href="/admin/users"' in page.text) is shown
