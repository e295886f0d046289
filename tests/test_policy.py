"""The access policy: README's Roles table is what each role may do, and every page obeys it."""

from datetime import timedelta
from pathlib import Path

import pytest
from flask_login import AnonymousUserMixin

from recruit.auth.access import requires
from recruit.auth.models import Role, User
from recruit.auth.policy import POLICY, can
from recruit.database import utcnow
from recruit.extensions import db
from recruit.interviews import services as interviews
from recruit.interviews.models import InterviewKind
from recruit.messages.services import ensure_default_templates
from recruit.placements.models import ItemForm
from recruit.placements.questionnaires import create_standard_evaluation_items
from recruit.universities.models import Contact, ContactRole
from tests.conftest import PASSWORD
from tests.placement_factories import new_placement, new_position

README = Path(__file__).resolve().parents[1] / "README.md"

# Each row of README's Roles table and the policy actions it stands for, stated once here.
ROWS = {
    "Board, candidate list and pages, events, universities, placements, reports": {"view_pipeline"},
    "Add and edit candidates, add notes, log interactions": {
        "edit_candidates",
        "log_interactions",
    },
    "Move candidates between stages, bulk actions, candidate CSV export, merge": {
        "move_candidates",
        "bulk_candidates",
        "export_candidates",
        "merge_candidates",
    },
    "Accept or dismiss the updates the public form sent for a known email": {"review_updates"},
    "Plan and edit events, move them on the events board, log visits, add and import leads; "
    "edit universities and contacts": {"manage_events", "manage_universities"},
    "Positions, placements, evaluation links, outcomes": {"manage_placements"},
    "Schedule, move and cancel interviews; offer times for the candidate to pick": {
        "schedule_interviews"
    },
    "Write to a candidate; untick a stage's message when moving": {"message_candidates"},
    "Follow up with an event's leads; see the outbox and send a message again": {
        "follow_up_leads",
        "use_outbox",
    },
    "Staff accounts, stages, message templates and stage messages, evaluation questions, "
    "settings, privacy export and erasure, audit log": {"administer"},
    "Answer for the whole office's follow-ups (the home page counts everyone's, not one's own)": {
        "oversee_follow_ups"
    },
}

# Pages any signed-in staff member may open whatever their role: their own account, and
# the home page, which shows each role what it may see.
EVERY_SIGNED_IN_USER = {
    "main.dashboard",
    "auth.logout",
    "auth.change_password",
    "auth.account_sessions",
    "auth.end_session",
    "auth.end_other_sessions",
    "auth.two_step_setup",
    "auth.new_recovery_codes",
    "auth.two_step_off",
    "calendar.calendar_link",
}


def readme_roles_table() -> dict[str, dict[Role, bool]]:
    """README's Roles table as {row: {role: allowed}}."""
    section = README.read_text(encoding="utf-8").split("## Roles", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    roles = [Role(name.lower()) for name in header[1:]]
    table = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert set(cells[1:]) <= {"yes", "no"}, line
        table[cells[0]] = {role: cell == "yes" for role, cell in zip(roles, cells[1:], strict=True)}
    return table


def staff(role: Role, active: bool = True) -> User:
    return User(name="Someone", email="someone@agency.example", role=role, active=active)


def test_readme_rows_are_the_ones_the_policy_stands_for():
    """Does README's Roles table have exactly the rows this test maps to actions?"""
    assert list(readme_roles_table()) == list(ROWS)


def test_every_action_belongs_to_exactly_one_readme_row():
    """Is each action in the policy named by one row of the table, and no row's action
    missing from the policy?"""
    named = [action for actions in ROWS.values() for action in actions]
    assert len(named) == len(set(named))
    assert set(named) == set(POLICY)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_may_do_exactly_what_the_readme_says(role):
    """Can each role do what its column of the Roles table says yes to, and nothing else?"""
    user = staff(role)
    wrong = [
        (row, action, allowed[role])
        for row, allowed in readme_roles_table().items()
        for action in sorted(ROWS[row])
        if can(user, action) is not allowed[role]
    ]
    assert wrong == []


def test_visitors_and_deactivated_staff_may_do_nothing():
    """Are a visitor and a deactivated admin refused every action?"""
    for user in (AnonymousUserMixin(), None, staff(Role.ADMIN, active=False)):
        assert not any(can(user, action) for action in POLICY)


def test_an_unknown_action_fails_loudly():
    """Does a misspelt action raise instead of quietly refusing?"""
    with pytest.raises(KeyError):
        can(staff(Role.ADMIN), "move_candidate")
    with pytest.raises(KeyError):
        requires("move_candidate")


# --- the route sweep ----------------------------------------------------------------------


def required_action(app, endpoint: str) -> str | None:
    """The action a route names: on its view, or on its blueprint's before_request guard."""
    action = getattr(app.view_functions[endpoint], "required_action", None)
    blueprint = endpoint.rpartition(".")[0]
    guards = [
        guard.required_action
        for guard in app.before_request_funcs.get(blueprint, [])
        if hasattr(guard, "required_action")
    ]
    assert not (action and guards), f"{endpoint} is guarded twice"
    assert len(guards) <= 1, f"{blueprint} has more than one guard"
    return action or (guards[0] if guards else None)


def staff_endpoints(app) -> list[str]:
    """Every endpoint a visitor cannot open."""
    return sorted(
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not getattr(view, "is_public", False)
    )


def test_every_staff_route_names_an_action(app):
    """Does every staff page say which action it needs, unless any staff member may open it?"""
    unnamed = {e for e in staff_endpoints(app) if required_action(app, e) is None}
    assert unnamed == EVERY_SIGNED_IN_USER


@pytest.fixture
def records(app, make_user, make_candidate, make_event, make_university, stages):
    """One record of each kind a GET route takes an id for, by the route's argument name."""
    candidate = make_candidate()
    university = make_university()
    contact = Contact(university=university, role=ContactRole.FACULTY, name="Dana Whitfield")
    db.session.add(contact)
    position = new_position()
    placement = new_placement(candidate, position)
    item = create_standard_evaluation_items()[ItemForm.SUPERVISOR][0]
    template = next(iter(ensure_default_templates().values()))
    interviewer = make_user(role=Role.HR)
    interview = interviews.schedule(
        candidate,
        interviews.Plan(
            kind=InterviewKind.PANEL,
            starts=[utcnow().replace(microsecond=0) + timedelta(days=3)],
            staff=[interviewer],
        ),
        interviewer,
    )
    db.session.commit()
    return {
        "interview_id": interview.id,
        "candidate_id": candidate.id,
        "other_id": make_candidate().id,
        "event_id": make_event().id,
        "university_id": university.id,
        "contact_id": contact.id,
        "position_id": position.id,
        "placement_id": placement.id,
        "stage_id": stages["interested"].id,
        "item_id": item.id,
        "template_id": template.id,
        "user_id": make_user(role=Role.HR).id,
        "table": "funnel",
    }


# Pages only an interview's own panel opens: the policy lets a role in, and the page still
# refuses (403) anyone who did not sit on that interview. tests/test_scorecards.py holds
# that rule.
PANEL_ONLY = {"scorecards.fill"}

# Routes that take their record's id from the query string.
QUERY_IDS = {"placements.create": ("candidate_id",)}


def get_routes(app, records) -> list[tuple[str, str]]:
    """(endpoint, url) for every staff GET route, with ids of real records where we have
    them; other ids are 1, which a refused user never gets far enough to look up."""
    staff_only = set(staff_endpoints(app))
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint not in staff_only:
                continue
            names = (*rule.arguments, *QUERY_IDS.get(rule.endpoint, ()))
            values = {name: records.get(name, 1) for name in names}
            routes.append((rule.endpoint, rule.build(values, append_unknown=True)[1]))
    return sorted(routes)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_refused_exactly_the_pages_the_policy_refuses(app, make_user, records, role):
    """Signed in as each role, does every GET page answer 403 exactly when the policy says
    the role may not do the page's action?"""
    user = make_user(role=role)
    client = app.test_client()
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    )
    routes = get_routes(app, records)
    assert len(routes) > 40, "the sweep found too few routes"
    wrong = []
    for endpoint, url in routes:
        action = required_action(app, endpoint)
        allowed = (action is None or can(user, action)) and endpoint not in PANEL_ONLY
        status = client.get(url).status_code
        if (status == 403) is allowed:
            wrong.append((endpoint, url, action, status))
    assert wrong == []
    # The sign-in held all along: an allowed page still opens at the end.
    assert client.get("/candidates/").status_code == 200


def test_the_sweep_opens_the_pages_it_built_ids_for(app, make_user, records):
    """Do the admin's allowed pages mostly open (200), not just avoid 403 by a 404?"""
    user = make_user(role=Role.ADMIN)
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    not_found = [
        (endpoint, url)
        for endpoint, url in get_routes(app, records)
        if client.get(url).status_code == 404
    ]
    # Only routes with ids this test does not build (a resume file, a proposed update's
    # file) may be missing.
    assert {endpoint for endpoint, _ in not_found} <= {"candidates.resume", "proposals.file"}
