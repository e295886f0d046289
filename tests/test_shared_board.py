"""The candidates board and the events board share one move path and one stale-move rule."""

import re

from recruit.auth.models import Role
from recruit.candidates.models import Candidate
from recruit.events.models import EventStatus
from recruit.extensions import db
from recruit.pipeline.moves import move_candidate

JSON = {"Accept": "application/json"}


def test_a_move_lands_once_on_both_boards(client, signed_in, stages, make_candidate, make_event):
    """On both boards, does a move answer with the next version, and a second move sent from
    the version the first started from get refused, leaving the card where the first put it?"""
    signed_in(Role.ADMIN)
    candidate = make_candidate()
    event = make_event()
    boards = [
        (
            f"/candidates/{candidate.id}/move",
            candidate.version,
            stages["screening"].id,
            stages["interview"].id,
        ),
        (f"/events/{event.id}/move", event.version, "registered", "attended"),
    ]
    for url, version, to_stage, then in boards:
        first = client.post(url, data={"to_stage": to_stage, "version": version}, headers=JSON)
        assert first.status_code == 200
        assert (first.json["stage_id"], first.json["version"]) == (to_stage, version + 1)
        second = client.post(url, data={"to_stage": then, "version": version}, headers=JSON)
        assert second.status_code == 409
        assert (second.json["stage_id"], second.json["version"]) == (to_stage, version + 1)
    history = client.get(f"/candidates/{candidate.id}").text.split("Stage history")[1]
    assert history.count("<strong>Screening</strong>") == 1
    assert "· Registered</p>" in client.get(f"/events/{event.id}").text


def test_stale_event_move_is_refused_like_a_stale_card_move(
    client, signed_in, stages, make_candidate, make_event
):
    """Is a stale move refused with the same 409 answer on both boards?"""
    signed_in(Role.ADMIN)
    candidate = make_candidate()
    event = make_event(status=EventStatus.REGISTERED)
    card = client.post(
        f"/candidates/{candidate.id}/move",
        data={"to_stage": stages["screening"].id, "version": candidate.version + 7},
        headers=JSON,
    )
    event_card = client.post(
        f"/events/{event.id}/move",
        data={"to_stage": "attended", "version": event.version + 7},
        headers=JSON,
    )
    assert card.status_code == event_card.status_code == 409
    assert set(card.json) == set(event_card.json) == {"ok", "message", "stage_id", "version"}
    assert event_card.json["stage_id"] == "registered"
    assert card.json["stage_id"] == stages["interested"].id


def test_both_boards_draw_columns_and_cards_from_the_shared_partials(
    client, signed_in, stages, make_candidate, make_event
):
    """Do both boards carry data-stage-id columns and versioned cards with a Move to form?"""
    signed_in(Role.ADMIN)
    make_candidate()
    make_event()
    for url, card_attribute in (
        ("/candidates/board", "data-candidate-id"),
        ("/events/board", "data-event-id"),
    ):
        page = client.get(url).get_data(as_text=True)
        assert 'class="board-column" data-stage-id=' in page
        assert card_attribute in page and "data-version=" in page
        assert 'name="to_stage"' in page and ">Move</button>" in page
        assert "js/board.js" in page


def test_board_draws_one_stage_list_however_many_cards(client, signed_in, stages, make_candidate):
    """Does the board draw the list of stages once, not on each of its cards?"""
    signed_in(Role.HR)
    for _ in range(12):
        make_candidate()
    page = client.get("/candidates/board").get_data(as_text=True)
    assert page.count('data-candidate-id="') == 12
    assert page.count('name="to_stage"') == 1


def test_each_card_links_to_its_move_page(client, signed_in, stages, make_candidate):
    """Does each card carry a Move link to its candidate's move page, naming the candidate?"""
    signed_in(Role.HR)
    candidate = make_candidate(first_name="Ana", last_name="Garcia")
    page = client.get("/candidates/board").get_data(as_text=True)
    card = page[page.index(f'data-candidate-id="{candidate.id}"') :]
    card = card[: card.index("</li>")]
    assert (
        f'href="/candidates/{candidate.id}/move?version=1" data-move-link>Move'
        '<span class="visually-hidden"> Ana Garcia</span></a>'
    ) in card


def test_move_page_posts_the_boards_form_and_comes_back(client, signed_in, stages, make_candidate):
    """Without the script, does a card's move page post the board's form and lead back to
    the filtered board it came from?"""
    signed_in(Role.HR)
    candidate = make_candidate(first_name="Ana", last_name="Garcia")
    back = "/candidates/board?q=Garcia"
    page = client.get(f"/candidates/{candidate.id}/move", query_string={"next": back})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f'action="/candidates/{candidate.id}/move"' in text
    assert 'name="version" value="1"' in text
    assert f'name="next" value="{back}"' in text
    moved = client.post(
        f"/candidates/{candidate.id}/move",
        data={"to_stage": stages["screening"].id, "version": 1, "next": back},
    )
    assert (moved.status_code, moved.location) == (303, back)


def test_move_page_opened_from_a_stale_card_refuses_the_move(
    client, signed_in, stages, make_candidate, make_user
):
    """Without the script, when someone moved the card after the board was drawn, does its
    move page refuse the move as stale, naming who moved it, as the drag would?"""
    signed_in(Role.HR)
    candidate = make_candidate(first_name="Ana", last_name="Garcia")
    board = client.get("/candidates/board").get_data(as_text=True)
    link = re.search(rf'href="(/candidates/{candidate.id}/move[^"]*)"', board).group(1)
    other = make_user(role=Role.HR, name="Jordan Reyes")
    move_candidate(candidate, stages["interview"], other, candidate.version)
    db.session.commit()

    page = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    moved = client.post(
        f"/candidates/{candidate.id}/move",
        data={"to_stage": stages["screening"].id, "version": version},
        follow_redirects=True,
    )
    assert "Jordan Reyes" in moved.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Candidate, candidate.id).stage_id == stages["interview"].id


def test_outreach_gets_no_move_page(client, signed_in, stages, make_candidate):
    """Is a card's move page refused to outreach staff, who may not move candidates?"""
    signed_in(Role.OUTREACH)
    candidate = make_candidate()
    assert client.get(f"/candidates/{candidate.id}/move").status_code == 403
    assert "data-move-link" not in client.get("/candidates/board").get_data(as_text=True)


def test_the_board_names_itself_as_a_region(client, signed_in, make_candidate, stages):
    """Is the board's name on an element that may carry one (a region), not a bare div?"""
    signed_in(Role.HR)
    page = client.get("/candidates/board").get_data(as_text=True)
    assert '<div class="board" data-board="candidates" role="region" aria-label=' in page
