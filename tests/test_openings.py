"""Students see the positions open now and say which interest them; HR sees their choice,
and finds the candidates who chose an opening."""

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import event, insert, select

from recruit.auth.models import Role
from recruit.candidates.models import Candidate, ProposedUpdate
from recruit.events.services import unique_slug
from recruit.extensions import db
from recruit.placements.models import CandidateOpening, Position, PositionStatus
from recruit.placements.openings import add_openings
from tests.placement_factories import new_position
from tests.query_counting import queries_for
from tests.test_interest_form import form_data


@pytest.fixture
def config_overrides():
    """The fill-time check is off: these tests send the form at once."""
    return {"MIN_FILL_SECONDS": 0}


def page_text(response) -> str:
    return unescape(response.get_data(as_text=True))


def ticked(html: str, name: str) -> set[str]:
    """The values of the checked boxes of a field."""
    return {
        value
        for tag in re.findall(r"<input[^>]*>", html)
        if f'name="{name}"' in tag and "checked" in tag
        for value in re.findall(r'value="([^"]*)"', tag)
    }


def chosen_ids(candidate_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(CandidateOpening.position_id).where(
                CandidateOpening.candidate_id == candidate_id
            )
        )
    )


def the_candidate() -> Candidate:
    return db.session.scalars(select(Candidate)).one()


# --- the openings page --------------------------------------------------------------------


def test_openings_page_lists_only_open_positions(client, app):
    """Does a visitor who has not signed in see the open positions and none of the draft,
    filled or closed ones?"""
    new_position(title="Sourcing Intern")
    for status in (PositionStatus.DRAFT, PositionStatus.FILLED, PositionStatus.CLOSED):
        new_position(title=f"Hidden {status.value} position", status=status)
    response = client.get("/apply/openings")
    assert response.status_code == 200
    assert "Sourcing Intern" in page_text(response)
    assert "Hidden" not in page_text(response)


def test_openings_page_shows_what_a_student_needs(client, app):
    """Does each opening show its agency, term, hours, pay, location and description?"""
    new_position(
        title="Contracts Intern",
        agency="Department of Transportation",
        term="Summer 2031",
        hours_per_week=25,
        pay_hourly=Decimal("19.75"),
        location="Sacramento, hybrid",
        description="Check construction contracts against the rules.",
    )
    text = page_text(client.get("/apply/openings?lang=en"))
    for shown in (
        "Department of Transportation",
        "Summer 2031",
        "25 hours a week",
        "$19.75 an hour",
        "Sacramento, hybrid",
        "Check construction contracts against the rules.",
    ):
        assert shown in text, shown


def test_spanish_page_shows_the_spanish_description(client, app):
    """Under ?lang=es, does an opening show its Spanish description instead of the English?"""
    new_position(description="Buy school buses.", description_es="Compre autobuses escolares.")
    text = page_text(client.get("/apply/openings?lang=es"))
    assert "Compre autobuses escolares." in text
    assert "Buy school buses." not in text


def test_spanish_page_falls_back_to_the_english_description(client, app):
    """Does an opening with no Spanish description show the English one on the Spanish page?"""
    new_position(description="Buy school buses.", description_es="")
    assert "Buy school buses." in page_text(client.get("/apply/openings?lang=es"))


def test_spanish_page_writes_dates_and_pay_the_spanish_way(client, app):
    """On the Spanish page, are dates in Spanish and the pay in dollars as written in the
    United States?"""
    new_position(pay_hourly=Decimal("18.50"), starts_on=date(2031, 6, 2), ends_on=date(2031, 8, 15))
    text = page_text(client.get("/apply/openings?lang=es"))
    assert "$18.50 por hora" in text
    assert "2 jun 2031" in text


def test_each_opening_links_to_the_form_with_it_ticked(client, app):
    """Does each opening link to /apply?opening=<its id>?"""
    position = new_position()
    html = client.get("/apply/openings").get_data(as_text=True)
    assert f'href="/apply?opening={position.id}"' in html


def test_no_openings_says_so_and_links_the_form(client, app):
    """With nothing open, does the page say so and link the interest form?"""
    new_position(status=PositionStatus.CLOSED)
    response = client.get("/apply/openings")
    assert "No openings right now" in page_text(response)
    assert 'href="/apply"' in response.get_data(as_text=True)


def test_long_lists_come_in_pages(client, app):
    """With more openings than fit one page, does the second page show the rest?"""
    for n in range(25):
        new_position(title=f"Buyer Intern {n:02d}", starts_on=None)
    first = page_text(client.get("/apply/openings"))
    second = page_text(client.get("/apply/openings?page=2"))
    assert "Buyer Intern 00" in first and "Buyer Intern 24" not in first
    assert "Buyer Intern 24" in second


def test_openings_page_costs_the_same_with_more_openings(client, app):
    """Does the page send as many queries with 20 openings as with 2?"""
    for _ in range(2):
        new_position()
    with_2 = queries_for(client, "/apply/openings")
    for _ in range(18):
        new_position()
    assert queries_for(client, "/apply/openings") == with_2


def test_no_event_can_take_the_openings_address(app):
    """Is /apply/openings kept from becoming an event's sign-up address?"""
    assert unique_slug("openings") != "openings"


# --- choosing on the interest form ----------------------------------------------------------


def test_form_ticks_the_opening_a_student_came_from(client, stages):
    """Does /apply?opening=<id> show the form with that opening ticked?"""
    position = new_position(title="Sourcing Intern")
    new_position(title="Buyer Intern")
    html = client.get(f"/apply?opening={position.id}").get_data(as_text=True)
    assert "Openings you are interested in" in html
    assert ticked(html, "openings") == {str(position.id)}


def test_form_leaves_out_openings_when_none_is_open(client, stages):
    """With no open position, does the form leave the openings question out?"""
    new_position(status=PositionStatus.DRAFT)
    html = client.get("/apply").get_data(as_text=True)
    assert 'name="openings"' not in html


def test_form_lists_openings_soonest_first_without_loading_whole_positions(client, stages):
    """Does the form list the open positions, soonest start first, from the columns it
    shows, never loading each position whole (every view and every send reads them)?"""
    new_position(title="Buyer Intern", starts_on=date(2030, 6, 1))
    new_position(title="Sourcing Intern", starts_on=date(2030, 1, 1))
    db.session.remove()
    loaded = []

    def note(target, *_args) -> None:
        loaded.append(target)

    event.listen(Position, "load", note)
    event.listen(Position, "refresh", note)
    try:
        html = client.get("/apply").get_data(as_text=True)
    finally:
        event.remove(Position, "load", note)
        event.remove(Position, "refresh", note)
    assert loaded == []
    assert 0 < html.index("Sourcing Intern") < html.index("Buyer Intern")


def test_form_ticks_nothing_for_a_closed_opening(client, stages):
    """Does ?opening= for a closed position tick nothing, and answer 200?"""
    new_position()
    closed = new_position(status=PositionStatus.CLOSED)
    response = client.get(f"/apply?opening={closed.id}")
    assert response.status_code == 200
    assert ticked(response.get_data(as_text=True), "openings") == set()


def test_submitting_saves_the_chosen_openings(client, stages, make_university):
    """Does a submission with openings ticked save them for the new candidate?"""
    first, second = new_position(), new_position()
    school = make_university()
    data = form_data(school, openings=[str(first.id), str(second.id)])
    assert client.post("/apply", data=data).status_code == 303
    assert chosen_ids(the_candidate().id) == {first.id, second.id}


def test_a_position_closed_meanwhile_is_left_out(client, stages, make_university):
    """When a ticked position closed while the student filled the form, is the form still
    taken and only the open choice kept?"""
    kept, closed = new_position(), new_position()
    closed.status = PositionStatus.CLOSED
    db.session.commit()
    data = form_data(make_university(), openings=[str(kept.id), str(closed.id)])
    assert client.post("/apply", data=data).status_code == 303
    assert chosen_ids(the_candidate().id) == {kept.id}


@pytest.mark.parametrize("garbage", ["abc", "-1", "²", "99999999999999999999999", "0", ""])
def test_garbage_opening_ids_are_ignored(client, stages, make_university, garbage):
    """Does an opening id that is no position at all leave the submission taken, with no
    choice saved?"""
    new_position()
    data = form_data(make_university(), openings=[garbage])
    assert client.post("/apply", data=data).status_code == 303
    assert chosen_ids(the_candidate().id) == set()


def test_sending_the_form_again_proposes_the_new_opening(client, stages, make_university):
    """When a student sends the form again with another opening, is the first kept and
    the second proposed for HR to accept (anyone may type a known email)?"""
    first, second = new_position(), new_position()
    school = make_university()
    client.post("/apply", data=form_data(school, openings=[str(first.id)]))
    client.post("/apply", data=form_data(school, openings=[str(second.id)]))
    assert chosen_ids(the_candidate().id) == {first.id}
    proposal = db.session.scalars(select(ProposedUpdate)).one()
    assert proposal.opening_ids == [second.id]


# --- HR sees what students chose ------------------------------------------------------------


@pytest.fixture
def chose(app):
    """Return a callable that records a candidate's choice of positions."""

    def choose(candidate, *positions):
        add_openings(candidate, [p.id for p in positions])
        db.session.commit()

    return choose


def test_candidate_page_shows_the_openings_chosen(client, signed_in, make_candidate, chose):
    """Does HR see the openings a candidate chose, each linking to its position?"""
    signed_in(Role.HR)
    position = new_position(title="Sourcing Intern")
    candidate = make_candidate()
    chose(candidate, position)
    html = client.get(f"/candidates/{candidate.id}").get_data(as_text=True)
    assert "Openings chosen" in html
    assert f'<a href="/positions/{position.id}">Sourcing Intern</a>' in html


def test_candidate_list_filters_by_opening(client, signed_in, make_candidate, chose):
    """Does ?opening=<id> list only the candidates who chose that opening?"""
    signed_in(Role.HR)
    position, other = new_position(), new_position()
    chose(make_candidate(first_name="Chosen"), position)
    chose(make_candidate(first_name="Elsewhere"), other)
    make_candidate(first_name="Nobody")
    text = page_text(client.get(f"/candidates/?opening={position.id}"))
    assert "Chosen" in text
    assert "Elsewhere" not in text and "Nobody" not in text


def test_filter_bar_offers_the_openings(client, signed_in, make_candidate):
    """Does the list's filter bar offer each open position as an Opening?"""
    signed_in(Role.HR)
    position = new_position(title="Sourcing Intern")
    html = client.get("/candidates/").get_data(as_text=True)
    assert 'id="filter-opening"' in html
    assert f'<option value="{position.id}">Sourcing Intern' in html


def test_board_filters_by_opening(client, signed_in, make_candidate, chose):
    """Does the board with ?opening=<id> show only the candidates who chose it?"""
    signed_in(Role.HR)
    position = new_position()
    chose(make_candidate(first_name="Chosen"), position)
    make_candidate(first_name="Nobody")
    text = page_text(client.get(f"/candidates/board?opening={position.id}"))
    assert "Chosen" in text and "Nobody" not in text


@pytest.mark.parametrize("page", ["/candidates/", "/candidates/board"])
def test_opening_filter_costs_the_same_with_more_candidates(client, signed_in, stages, page):
    """Filtered by opening, does the page send as many queries with 200 candidates who
    chose it as with 10?"""
    signed_in(Role.HR)
    position_id, stage_id = new_position().id, stages["interested"].id
    url = f"{page}?opening={position_id}&status=all"

    def add(n: int, start: int) -> None:
        ids = db.session.scalars(
            insert(Candidate).returning(Candidate.id),
            [
                {
                    "first_name": f"Student{start + i}",
                    "last_name": "Family",
                    "email": f"bulk{start + i}@university.example",
                    "stage_id": stage_id,
                }
                for i in range(n)
            ],
        ).all()
        db.session.execute(
            insert(CandidateOpening), [{"candidate_id": i, "position_id": position_id} for i in ids]
        )
        db.session.commit()

    add(10, 0)
    with_10 = queries_for(client, url)
    add(190, 10)
    assert queries_for(client, url) == with_10


def test_position_page_counts_who_chose_it(client, signed_in, make_candidate, chose):
    """Does the position page say how many candidates chose it, linking to them?"""
    signed_in(Role.HR)
    position = new_position()
    for _ in range(3):
        chose(make_candidate(), position)
    html = client.get(f"/positions/{position.id}").get_data(as_text=True)
    link = f'href="/candidates/?opening={position.id}&amp;status=all"'
    assert re.search(rf"{re.escape(link)}>3 candidates</a>", html)


# --- positions: location and descriptions ---------------------------------------------------


def test_hr_saves_location_and_both_descriptions(client, signed_in):
    """Does the position form save the location and the English and Spanish descriptions,
    and the position page show them?"""
    signed_in(Role.HR)
    form = {
        "title": "Contracts Intern",
        "agency": "Department of Transportation",
        "term": "Summer 2031",
        "funding_source": "agency",
        "openings": "1",
        "status": "open",
        "location": "Sacramento, hybrid",
        "description": "Check construction contracts.",
        "description_es": "Revise contratos de obra.",
    }
    response = client.post("/positions/new", data=form)
    position = db.session.scalars(select(Position)).one()
    assert response.status_code == 302
    assert (position.location, position.description, position.description_es) == (
        "Sacramento, hybrid",
        "Check construction contracts.",
        "Revise contratos de obra.",
    )
    text = page_text(client.get(f"/positions/{position.id}"))
    for shown in ("Sacramento, hybrid", "Check construction contracts.", "Revise contratos"):
        assert shown in text, shown
