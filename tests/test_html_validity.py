"""Valid HTML everywhere: the Nu HTML checker finds no error on any staff or public page,
in English and in Spanish, over the demo office's records."""

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyotp
import pytest
from sqlalchemy import func, select

from recruit.auth.models import Role, User
from recruit.auth.policy import can
from recruit.candidates.models import Candidate, Stage
from recruit.database import utcnow
from recruit.demo import seed_demo
from recruit.events.models import Event
from recruit.extensions import db
from recruit.interviews import services as interviews
from recruit.interviews.models import Interview, Interviewer, InterviewState
from recruit.interviews.scorecards import outside_link_works, scorecard_token
from recruit.messages.models import MessageTemplate
from recruit.messages.services import stop_token
from recruit.placements.models import (
    Evaluation,
    EvaluationItem,
    EvaluationKind,
    Placement,
    Position,
)
from recruit.students import services as students
from recruit.universities.models import Contact
from tests.conftest import PASSWORD
from tests.placement_factories import new_link
from tests.test_access import EXPECTED_PUBLIC
from tests.test_policy import PANEL_ONLY, get_routes, required_action

# The checker, at the version tests/package-lock.json pins; `make test` installs it.
VNU_JAR = Path(__file__).resolve().parent / "node_modules/vnu-jar/build/dist/vnu.jar"

# Public routes that answer with something other than a page.
NOT_PAGES = {
    "static",
    "main.healthz",
    "calendar.feed",
    "offline.service_worker",
    "interest.start_tokens",
}
DEAD_TOKEN = "x" * 43

# Staff forms whose empty send comes back with errors (and changes nothing).
FORMS_SENT_EMPTY = {
    "admin.edit_user",
    "admin.new_user",
    "candidates.create",
    "candidates.edit",
    "contacts.edit",
    "events.create",
    "events.edit",
    "interviews.schedule",
    "message_templates.create",
    "message_templates.edit",
    "placements.create",
    "positions.create",
    "positions.edit",
    "universities.create",
    "universities.edit",
    "universities.new_contact",
}
ADMIN_EMAIL = "admin@recruit.example"


@pytest.fixture(scope="session")
def checker() -> list[str]:
    """The command that runs the Nu HTML checker; skips (fails under CI) without one."""
    java = shutil.which("java")
    missing = []
    if java is None:
        missing.append("java (apt-get install default-jre-headless)")
    if not VNU_JAR.exists():
        missing.append("vnu.jar (make test installs it: npm ci --prefix tests)")
    if missing:
        reason = f"the Nu HTML checker needs {' and '.join(missing)}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(f"{reason}; HTML validity NOT checked")
    return [java, "-jar", str(VNU_JAR)]


@pytest.fixture
def office(app):
    """The demo office `make run` shows, smaller; every staff member signs in with PASSWORD."""
    seed_demo(ADMIN_EMAIL, PASSWORD, candidates=60)
    for user in db.session.scalars(select(User)):
        user.set_password(PASSWORD)
    db.session.commit()


def first(query):
    """The first row a query finds; fails when the demo has none."""
    found = db.session.scalar(query.limit(1))
    assert found is not None, f"the demo office has no row for {query}"
    return found


def busiest(model, child_key) -> int:
    """The id of the model's row with the most child rows."""
    return first(
        select(model.id)
        .join(child_key.class_, child_key == model.id)
        .group_by(model.id)
        .order_by(func.count().desc(), model.id)
    )


def office_records() -> dict[str, int | str]:
    """The demo's fullest record of each kind a staff page takes an id for, by argument
    name (as tests/test_policy.py's records fixture gives them to its route sweep)."""
    # The earliest booked interview: it has happened, so its panel may fill scorecards.
    interview = first(
        select(Interview.id)
        .where(Interview.state == InterviewState.SCHEDULED)
        .order_by(Interview.starts_at)
    )
    candidate = first(select(Interview.candidate_id).where(Interview.id == interview))
    return {
        "interview_id": interview,
        "candidate_id": candidate,
        "other_id": first(select(Candidate.id).where(Candidate.id != candidate)),
        "event_id": first(select(Event.id).order_by(Event.starts_on)),
        "university_id": first(select(Contact.university_id).order_by(Contact.id)),
        "contact_id": first(select(Contact.id).order_by(Contact.id)),
        "position_id": busiest(Position, Placement.position_id),
        "placement_id": busiest(Placement, Evaluation.placement_id),
        "stage_id": first(select(Stage.id).order_by(Stage.position)),
        "item_id": first(select(EvaluationItem.id).order_by(EvaluationItem.id)),
        "template_id": first(select(MessageTemplate.id).order_by(MessageTemplate.id)),
        "user_id": first(select(User.id).where(User.role == Role.HR)),
        "table": "funnel",
    }


def signed_in_client(app, user: User):
    """A new client signed in as user through the real form."""
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, f"could not sign in {user.email}"
    return client


def staff_pages(app, routes) -> dict[str, str]:
    """Every staff GET page of the policy sweep, as each role that may open it sees it; the
    admin's view of a candidate in each stage and of an interview in each state; and the
    admin's forms sent empty, with their errors."""
    pages = {}
    unopened = set()
    for role in Role:
        user = first(select(User).where(User.role == role).order_by(User.id))
        client = signed_in_client(app, user)
        for endpoint, url in routes:
            action = required_action(app, endpoint)
            if endpoint in PANEL_ONLY or not (action is None or can(user, action)):
                continue
            response = client.get(url)
            if response.status_code == 200 and response.mimetype == "text/html":
                pages[f"{role} {url}"] = response.get_data(as_text=True)
            elif response.mimetype == "text/html":
                unopened.add(endpoint)
    # Files the demo has none of, and a placement for a candidate without an offer (one
    # with an offer comes below).
    assert unopened <= {"candidates.resume", "proposals.file", "placements.create"}, unopened
    admin = signed_in_client(app, first(select(User).where(User.email == ADMIN_EMAIL)))
    for stage in db.session.scalars(select(Stage).order_by(Stage.position)):
        candidate = db.session.scalar(select(Candidate.id).where(Candidate.stage_id == stage.id))
        if candidate is not None:
            url = f"/candidates/{candidate}"
            pages[f"admin {url} ({stage.key})"] = admin.get(url).get_data(as_text=True)
    for state in InterviewState:
        interview = db.session.scalar(
            select(Interview.id).where(Interview.state == state).order_by(Interview.id.desc())
        )
        if interview is not None:
            url = f"/interviews/{interview}"
            pages[f"admin {url} ({state})"] = admin.get(url).get_data(as_text=True)
    offer = first(select(Candidate.id).join(Stage).where(Stage.key == "offer"))
    url = f"/placements/new?candidate_id={offer}"
    pages[f"admin {url}"] = admin.get(url).get_data(as_text=True)
    # Last, as a send could change what the pages above show.
    for endpoint, url in routes:
        if endpoint in FORMS_SENT_EMPTY:
            response = admin.post(url, data={})
            assert response.status_code in (200, 400, 409), f"{url} took an empty send"
            pages[f"admin POST {url}"] = response.get_data(as_text=True)
    return pages


def public_requests(make_user) -> dict[str, list[tuple[str, str, dict | None]]]:
    """What visitors ask of each public page: (method, url, form data), the page as they
    first see it, with their mistakes, and from a dead link."""
    now = utcnow()
    offered, booked = (
        first(select(Interview).where(Interview.state == state).order_by(Interview.id))
        for state in (InterviewState.OFFERED, InterviewState.SCHEDULED)
    )
    outside = next(
        person
        for person in db.session.scalars(select(Interviewer).order_by(Interviewer.id))
        if outside_link_works(person, now)
    )
    student = booked.candidate
    student_token = students.status_token(students.issue_status_link(student))
    db.session.commit()
    placement = first(
        select(Placement)
        .where(~Placement.evaluations.any(Evaluation.kind == EvaluationKind.SUPERVISOR_FINAL))
        .order_by(Placement.id)
    )
    _, feedback_token = new_link(placement, make_user(), EvaluationKind.SUPERVISOR_FINAL)
    slug = first(select(Event.slug).order_by(Event.starts_on.desc()))
    return {
        "auth.login": [("GET", "/login", None), ("POST", "/login", {"email": "x@y.example"})],
        "interest.apply": [
            ("GET", "/apply", None),
            ("GET", "/apply?kiosk=1", None),
            ("POST", "/apply", {}),
        ],
        "interest.apply_at_event": [
            ("GET", f"/apply/{slug}", None),
            ("GET", f"/apply/{slug}?kiosk=1", None),
        ],
        "interest.thanks": [
            ("GET", "/apply/thanks", None),
            ("GET", f"/apply/thanks?event={slug}&kiosk=1&queued=1&resume=not-kept", None),
        ],
        "openings.index": [("GET", "/apply/openings", None)],
        "students.ask": [
            ("GET", "/apply/status", None),
            ("POST", "/apply/status", {"email": "not an address"}),
        ],
        "students.page": [
            ("GET", f"/apply/status/{student_token}", None),
            ("POST", f"/apply/status/{student_token}/details", {"grad_year": "1900"}),
            ("GET", f"/apply/status/{DEAD_TOKEN}", None),
        ],
        "stop_emails.stop": [("GET", f"/apply/stop/{stop_token(student.id)}", None)],
        "interview_link.page": [
            ("GET", f"/apply/interview/{interviews.candidate_token(offered)}", None),
            ("GET", f"/apply/interview/{interviews.candidate_token(booked)}", None),
            ("GET", f"/apply/interview/{DEAD_TOKEN}", None),
        ],
        "feedback.form": [
            ("GET", f"/feedback/{feedback_token}", None),
            ("POST", f"/feedback/{feedback_token}", {}),
            ("GET", f"/feedback/{DEAD_TOKEN}", None),
        ],
        "feedback.thanks": [("GET", "/feedback/thanks", None)],
        "scorecards.outside": [
            ("GET", f"/scorecard/{scorecard_token(outside)}", None),
            ("POST", f"/scorecard/{scorecard_token(outside)}", {}),
            ("GET", f"/scorecard/{DEAD_TOKEN}", None),
        ],
    }


def spanish(url: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}lang=es"


def public_pages(app, make_user) -> dict[str, str]:
    """Every public page, in English and in Spanish."""
    requests = public_requests(make_user)
    post_only = {
        endpoint
        for endpoint in EXPECTED_PUBLIC
        if "GET" not in next(app.url_map.iter_rules(endpoint)).methods
    }
    unvisited = EXPECTED_PUBLIC - NOT_PAGES - post_only - set(requests) - {"auth.two_step_code"}
    assert not unvisited, f"public pages this test does not visit: {unvisited}"
    pages = {}
    for endpoint, asked in requests.items():
        for method, url, data in asked:
            for language, path in (("en", url), ("es", spanish(url))):
                response = app.test_client().open(path, method=method, data=data)
                assert response.mimetype == "text/html", (endpoint, path, response.status_code)
                pages[f"{language} {method} {path}"] = response.get_data(as_text=True)
    return pages


def other_pages(app, make_user, interview_id: int) -> dict[str, str]:
    """The second step of signing in, a panel member's scorecard, and the pages met on a
    wrong address or a refusal."""
    user = make_user(role=Role.HR)
    user.totp_secret = pyotp.random_base32()
    user.two_step_enabled_at = user.created_at
    db.session.commit()
    two_step = app.test_client()
    two_step.post("/login", data={"email": user.email, "password": PASSWORD})
    visitor = app.test_client()
    hr = signed_in_client(app, make_user(role=Role.HR))
    panel_member = first(
        select(User)
        .join(Interviewer, Interviewer.user_id == User.id)
        .where(Interviewer.interview_id == interview_id)
    )
    scorecard = signed_in_client(app, panel_member).get(f"/interviews/{interview_id}/scorecard")
    assert scorecard.status_code == 200, "the panel's scorecard did not open"
    answers = {
        "panel scorecard": scorecard,
        "two-step code": two_step.get("/login/two-step"),
        "visitor 404": visitor.get("/no-such-page"),
        "visitor 404 in Spanish": visitor.get("/apply/no/such/page?lang=es"),
        "visitor 401": visitor.post("/admin/users/new"),
        "staff 404": hr.get("/no-such-page"),
        "staff 403": hr.get("/admin/users"),
    }
    return {name: response.get_data(as_text=True) for name, response in answers.items()}


def nu_errors(checker: list[str], pages: dict[str, str], folder: Path) -> list[str]:
    """Run the checker once over every page; its errors as 'page, line N: message'."""
    names = {}
    for n, (name, html) in enumerate(pages.items()):
        path = folder / f"page-{n:04d}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = name
    result = subprocess.run(  # noqa: S603 (our own command line)
        [*checker, "--errors-only", "--format", "json", *sorted(folder.glob("page-*.html"))],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    report = json.loads(result.stderr or result.stdout)
    errors = []
    for message in report["messages"]:
        page = names.get(Path(unquote(urlsplit(message.get("url", "")).path)).name, "?")
        errors.append(f"{page}, line {message.get('lastLine', '?')}: {message['message']}")
    return errors


def test_every_page_is_valid_html(checker, app, office, make_user, tmp_path):
    """Does the Nu HTML checker find no error on any page, staff or public, in English
    and in Spanish?"""
    records = office_records()
    pages = {
        **staff_pages(app, get_routes(app, records)),
        **public_pages(app, make_user),
        **other_pages(app, make_user, records["interview_id"]),
    }
    assert len(pages) > 200, f"only {len(pages)} pages rendered"

    errors = nu_errors(checker, pages, tmp_path)

    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)
