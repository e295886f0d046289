"""Positions: HR adds and edits them, staff see openings filled, outreach may only look."""

from sqlalchemy import select

from recruit.audit.models import AuditEntry
from recruit.auth.models import Role
from recruit.extensions import db
from recruit.placements.models import Position, PositionStatus
from tests.placement_factories import new_placement, new_position

FORM = {
    "title": "Contracts Intern",
    "agency": "Department of Transportation",
    "division": "Contracts Office",
    "supervisor_name": "Victor Osei",
    "supervisor_email": "victor.osei@dot.state.example",
    "term": "Summer 2027",
    "starts_on": "2027-06-01",
    "ends_on": "2027-08-13",
    "hours_per_week": "30",
    "pay_hourly": "19.75",
    "funding_source": "agency",
    "openings": "2",
    "status": "open",
    "description": "Construction contract checklists.",
}


def test_hr_adds_a_position(client, signed_in):
    """Can HR add a position with every field and land on its page?"""
    signed_in(Role.HR)
    response = client.post("/positions/new", data=FORM)
    position = db.session.scalars(select(Position)).one()
    assert response.headers["Location"] == f"/positions/{position.id}"
    assert (position.term, str(position.pay_hourly), position.status) == (
        "Summer 2027",
        "19.75",
        PositionStatus.OPEN,
    )


def test_adding_a_position_is_audited(client, signed_in):
    """Does adding a position leave an audit entry naming who did it?"""
    user = signed_in(Role.HR)
    client.post("/positions/new", data=FORM)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "position.create"))
    assert entry.one().user_id == user.id


def test_edit_uses_the_same_form_filled_in(client, signed_in, app):
    """Does the edit page show the position's values in the same form?"""
    signed_in(Role.HR)
    position = new_position(title="Buyer Intern")
    page = client.get(f"/positions/{position.id}/edit").get_data(as_text=True)
    assert 'value="Buyer Intern"' in page and "Save changes" in page


def test_hr_closes_a_position(client, signed_in, app):
    """Can HR edit a position's status to closed?"""
    signed_in(Role.HR)
    position = new_position()
    client.post(f"/positions/{position.id}/edit", data={**FORM, "status": "closed"})
    db.session.refresh(position)
    assert position.status == PositionStatus.CLOSED


def test_end_before_start_is_refused(client, signed_in):
    """Is a position that ends before it starts refused with the values kept?"""
    signed_in(Role.HR)
    response = client.post("/positions/new", data={**FORM, "ends_on": "2027-05-01"})
    assert response.status_code == 400
    assert 'value="Contracts Intern"' in response.get_data(as_text=True)


def test_list_shows_openings_filled(client, signed_in, make_candidate):
    """Does the list show how many of a position's openings are filled?"""
    signed_in(Role.OUTREACH)
    position = new_position(openings=3)
    new_placement(make_candidate(stage="active_intern"), position)
    page = client.get("/positions/").get_data(as_text=True)
    assert "1 of 3" in page


def test_list_filters_by_term(client, signed_in, app):
    """Does choosing a term list only that term's positions?"""
    signed_in(Role.HR)
    new_position(title="Summer Role", term="Summer 2027")
    new_position(title="Fall Role", term="Fall 2027")
    page = client.get("/positions/?term=Fall+2027").get_data(as_text=True)
    assert "Fall Role" in page and "Summer Role" not in page


def test_outreach_may_view_but_not_add(client, signed_in):
    """Is outreach refused the add form while the list opens?"""
    signed_in(Role.OUTREACH)
    assert client.get("/positions/").status_code == 200
    assert client.post("/positions/new", data=FORM).status_code == 403


def test_position_page_lists_placements(client, signed_in, make_candidate):
    """Does a position's page list the interns placed in it?"""
    signed_in(Role.HR)
    position = new_position()
    new_placement(make_candidate(first_name="Maya", last_name="Okafor"), position)
    page = client.get(f"/positions/{position.id}").get_data(as_text=True)
    assert "Maya Okafor" in page


def test_the_new_position_form_says_a_draft_cannot_take_placements(client, signed_in):
    """Does the new-position form say, beside Status, that a draft is for staff alone and
    that only an open position takes placements?"""
    signed_in(Role.HR)
    page = client.get("/positions/new").text
    assert 'aria-describedby="status-hint"' in page
    hint = page.split('id="status-hint">')[1].split("</p>")[0]
    assert "draft" in hint and "Choose Open" in hint and "place candidates" in hint


def test_placing_says_only_open_positions_are_listed(client, signed_in, make_candidate):
    """Does the position choice say, beside it, that only open positions are listed?"""
    signed_in(Role.HR)
    new_position(title="Draft Intern", status=PositionStatus.DRAFT)
    candidate = make_candidate(stage="offer")
    page = client.get(f"/placements/new?candidate_id={candidate.id}").text
    assert 'aria-describedby="position_id-hint"' in page
    assert "Only open positions are listed" in page.split('id="position_id-hint">')[1]
    assert "Draft Intern" not in page
