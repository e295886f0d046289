"""Who may do what with candidates: HR and admins everything, outreach view, add and edit."""

import pytest
from sqlalchemy import func, select

from recruit.auth.models import Role
from recruit.candidates.models import Candidate, CandidateEvent, Note, StageChange
from recruit.extensions import db

MANAGERS = [Role.HR, Role.ADMIN]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- outreach ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/candidates/", "/candidates/board", "/candidates/new"])
def test_outreach_opens_the_candidate_pages(client, signed_in, stages, path):
    """Can outreach staff open the list, the board and the add form?"""
    signed_in(Role.OUTREACH)
    assert client.get(path).status_code == 200


def test_outreach_opens_a_candidate(client, signed_in, make_candidate):
    """Can outreach staff open a candidate's page and edit form?"""
    signed_in(Role.OUTREACH)
    candidate = make_candidate()
    assert client.get(f"/candidates/{candidate.id}").status_code == 200
    assert client.get(f"/candidates/{candidate.id}/edit").status_code == 200


def test_outreach_adds_a_candidate(client, signed_in, stages):
    """Can outreach staff add a candidate?"""
    signed_in(Role.OUTREACH)
    response = client.post(
        "/candidates/new",
        data={
            "first_name": "Noor",
            "last_name": "Haddad",
            "email": "noor@valley.example",
            "university_id": "",
            "source_event_id": "",
            "class_standing": "",
            "grad_term": "",
            "rating": "",
            "source": "walk_in",
        },
    )
    assert response.status_code == 302
    assert count(Candidate) == 1


def test_outreach_adds_a_note(client, signed_in, make_candidate):
    """Can outreach staff add a note to a candidate?"""
    signed_in(Role.OUTREACH)
    candidate = make_candidate()
    client.post(f"/candidates/{candidate.id}/notes", data={"body": "Called back, interested"})
    assert [n.body for n in db.session.scalars(select(Note))] == ["Called back, interested"]


def test_outreach_may_not_move(client, signed_in, make_candidate, stages):
    """Is a stage move by outreach refused with 403, from the script as from a form?"""
    signed_in(Role.OUTREACH)
    candidate = make_candidate()
    data = {"to_stage": stages["screening"].id, "version": "1"}
    assert client.post(f"/candidates/{candidate.id}/move", data=data).status_code == 403
    script = client.post(
        f"/candidates/{candidate.id}/move", data=data, headers={"Accept": "application/json"}
    )
    assert script.status_code == 403
    assert count(StageChange) == 1


@pytest.mark.parametrize("action", ["move", "tag", "export"])
def test_outreach_may_not_bulk_act(client, signed_in, make_candidate, stages, action):
    """Are bulk moves, tags and exports refused to outreach with 403?"""
    signed_in(Role.OUTREACH)
    candidate = make_candidate()
    response = client.post(
        "/candidates/bulk",
        data={
            "ids": [candidate.id],
            "action": action,
            "to_stage": stages["screening"].id,
            "tag": "x",
        },
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert (candidate.stage_id, candidate.tags) == (stages["interested"].id, [])


def test_outreach_may_not_export(client, signed_in, make_candidate):
    """Is the CSV export refused to outreach with 403?"""
    signed_in(Role.OUTREACH)
    make_candidate()
    response = client.get("/candidates/export.csv")
    assert response.status_code == 403
    assert response.mimetype == "text/html"


def test_outreach_may_not_merge(client, signed_in, make_candidate):
    """Are the merge page and a merge refused to outreach with 403?"""
    signed_in(Role.OUTREACH)
    keep = make_candidate(email="keep@csu.example")
    make_candidate(email="dup@csu.example")
    assert client.get(f"/candidates/{keep.id}/merge").status_code == 403
    response = client.post(
        f"/candidates/{keep.id}/merge", data={"other_email": "dup@csu.example", "confirm": "y"}
    )
    assert response.status_code == 403
    assert count(Candidate) == 2


def test_outreach_is_not_offered_what_they_may_not_do(client, signed_in, make_candidate):
    """Are the move, export, bulk and merge controls left off the pages outreach sees?"""
    signed_in(Role.OUTREACH)
    candidate = make_candidate()
    board = client.get("/candidates/board").text
    listing = client.get("/candidates/").text
    page = client.get(f"/candidates/{candidate.id}").text
    assert f'action="/candidates/{candidate.id}/move"' not in board
    assert 'draggable="true"' not in board
    assert f'data-candidate-id="{candidate.id}"' in board
    assert "Export CSV" not in listing
    assert "Apply to selected" not in listing
    assert f'action="/candidates/{candidate.id}/move"' not in page
    assert "Merge a duplicate" not in page


def event_with_a_lead(make_event, make_candidate):
    """An event with one lead who signed up on its form; returns the event's and lead's ids."""
    event = make_event()
    lead = make_candidate(first_name="Sara", last_name="Berg")
    db.session.add(CandidateEvent(candidate=lead, event_id=event.id, via="form"))
    db.session.commit()
    return event.id, lead.id


@pytest.mark.parametrize(
    ("role", "offered"), [(Role.OUTREACH, False), (Role.HR, True), (Role.ADMIN, True)]
)
def test_event_leads_offer_selection_only_to_who_may_act_on_it(
    client, signed_in, make_event, make_candidate, role, offered
):
    """Does an event's leads list show selection boxes and the bulk bar to HR and admins,
    and neither to outreach, for whom the bulk action is refused?"""
    signed_in(role)
    event_id, lead_id = event_with_a_lead(make_event, make_candidate)
    page = client.get(f"/events/{event_id}").text
    assert "Sara Berg" in page
    assert (f'name="ids" value="{lead_id}"' in page) is offered
    assert ("Select all on this page" in page) is offered
    assert ("Apply to selected" in page) is offered


@pytest.mark.parametrize(("role", "offered"), [(Role.OUTREACH, False), (Role.HR, True)])
def test_candidate_list_offers_selection_only_to_who_may_act_on_it(
    client, signed_in, make_candidate, role, offered
):
    """Does the candidate list show selection boxes to HR and none to outreach?"""
    signed_in(role)
    candidate = make_candidate()
    page = client.get("/candidates/").text
    assert candidate.full_name in page
    assert (f'name="ids" value="{candidate.id}"' in page) is offered
    assert ("Select all on this page" in page) is offered


# --- HR and admins ----------------------------------------------------------------------


@pytest.mark.parametrize("role", MANAGERS)
def test_managers_move_candidates(client, signed_in, make_candidate, stages, role):
    """Can HR staff and admins move a candidate?"""
    signed_in(role)
    candidate = make_candidate()
    response = client.post(
        f"/candidates/{candidate.id}/move",
        data={"to_stage": stages["screening"].id, "version": "1"},
    )
    assert response.status_code == 303
    assert db.session.get(Candidate, candidate.id).stage_id == stages["screening"].id


@pytest.mark.parametrize("role", MANAGERS)
def test_managers_export(client, signed_in, make_candidate, role):
    """Can HR staff and admins download the CSV?"""
    signed_in(role)
    make_candidate()
    response = client.get("/candidates/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"


@pytest.mark.parametrize("role", MANAGERS)
def test_managers_bulk_tag(client, signed_in, make_candidate, role):
    """Can HR staff and admins tag candidates in bulk?"""
    signed_in(role)
    candidate = make_candidate()
    client.post("/candidates/bulk", data={"ids": [candidate.id], "action": "tag", "tag": "vip"})
    db.session.expire_all()
    assert [t.name for t in candidate.tags] == ["vip"]


@pytest.mark.parametrize("role", MANAGERS)
def test_managers_merge(client, signed_in, make_candidate, role):
    """Can HR staff and admins merge a duplicate?"""
    signed_in(role)
    keep = make_candidate(email="keep@csu.example")
    make_candidate(email="dup@csu.example")
    response = client.post(
        f"/candidates/{keep.id}/merge", data={"other_email": "dup@csu.example", "confirm": "y"}
    )
    assert response.status_code == 302
    assert count(Candidate) == 1


def test_hr_is_offered_the_board_controls(client, signed_in, make_candidate):
    """Does HR see each card's Move control and can drag it?"""
    signed_in(Role.HR)
    candidate = make_candidate()
    board = client.get("/candidates/board").text
    assert f'href="/candidates/{candidate.id}/move?version=' in board
    assert 'draggable="true"' in board


# --- signed out -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/candidates/", "/candidates/board", "/candidates/export.csv"])
def test_signed_out_visitors_are_sent_to_sign_in(client, stages, path):
    """Are signed-out visitors sent to sign in from the candidate pages?"""
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_signed_out_move_is_refused(client, make_candidate, stages):
    """Is a move posted without signing in refused, changing nothing?"""
    candidate = make_candidate()
    response = client.post(
        f"/candidates/{candidate.id}/move",
        data={"to_stage": stages["screening"].id, "version": "1"},
    )
    assert response.status_code == 401
    assert db.session.get(Candidate, candidate.id).stage_id == stages["interested"].id
