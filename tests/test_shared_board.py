"""The candidates board and the events board share one move path and one stale-move rule."""

import pytest

from recruit import board
from recruit.auth.models import Role
from recruit.events.models import EventStatus

JSON = {"Accept": "application/json"}


@pytest.fixture
def spy_moves(monkeypatch):
    """Record which models go through the shared compare-and-set."""
    calls = []
    real = board.compare_and_set

    def spy(model, row_id, expected_version, **values):
        calls.append(model.__name__)
        return real(model, row_id, expected_version, **values)

    monkeypatch.setattr(board, "compare_and_set", spy)
    monkeypatch.setattr("recruit.candidates.services.compare_and_set", spy)
    monkeypatch.setattr("recruit.events.services.compare_and_set", spy)
    return calls


def test_both_boards_move_through_the_shared_compare_and_set(
    client, signed_in, stages, make_candidate, make_event, spy_moves
):
    """Do a card move and an event move both go through recruit.board.compare_and_set?"""
    signed_in(Role.ADMIN)
    candidate = make_candidate()
    event = make_event()
    client.post(
        f"/candidates/{candidate.id}/move",
        data={"to_stage": stages["screening"].id, "version": candidate.version},
        headers=JSON,
    )
    client.post(
        f"/events/{event.id}/move",
        data={"to_stage": "registered", "version": event.version},
        headers=JSON,
    )
    assert spy_moves == ["Candidate", "Event"]


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
