"""Stage moves: the one service every move goes through, and the move view around it."""

import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select

from recruit.auth.models import Role, User
from recruit.candidates import services
from recruit.candidates.models import Candidate, Stage, StageChange
from recruit.extensions import db
from recruit.pipeline import moves
from tests.query_counting import recording_statements


def change_count(candidate_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(StageChange)
        .where(StageChange.candidate_id == candidate_id)
    )


def latest_change(candidate_id: int) -> StageChange:
    return db.session.scalars(
        select(StageChange)
        .where(StageChange.candidate_id == candidate_id)
        .order_by(StageChange.id.desc())
        .limit(1)
    ).one()


# --- the service ------------------------------------------------------------------------


def test_legal_move_records_who_from_and_to(make_user, make_candidate, stages):
    """Does a move to the next stage record who moved the candidate, from where and to where?"""
    hr = make_user(Role.HR, name="Priya Raman")
    candidate = make_candidate()
    moves.move_candidate(candidate, stages["screening"], hr, candidate.version)
    db.session.commit()

    change = latest_change(candidate.id)
    assert (change.from_stage_id, change.to_stage_id) == (
        stages["interested"].id,
        stages["screening"].id,
    )
    assert change.user_id == hr.id
    assert candidate.stage_id == stages["screening"].id
    assert candidate.version == 2


def test_a_move_knows_what_it_wrote_without_reading_the_row_back(make_user, make_candidate, stages):
    """After a move (a close, with its reason), is the candidate in memory, every column,
    its stage and its history loaded before the move, as the database holds them, without
    a second read of their row during the move?"""
    hr = make_user(Role.HR)
    candidate = make_candidate()
    db.session.commit()
    version = candidate.version
    assert candidate.stage.key == stages["interested"].key  # loaded before the move
    assert len(candidate.history) == 1
    with recording_statements() as sent:
        moves.move_candidate(
            candidate, stages["not_selected"], hr, version, reason="no_response", notify=False
        )
        assert [s for s, _ in sent if s.startswith("SELECT candidates.")] == []
    columns = Candidate.__table__.columns.keys()
    in_memory = {name: getattr(candidate, name) for name in columns}
    in_database = (
        db.session.execute(select(Candidate.__table__).where(Candidate.id == candidate.id))
        .one()
        ._asdict()
    )
    assert in_memory == in_database
    assert (candidate.version, candidate.closed_reason) == (version + 1, "no_response")
    assert candidate.stage.key == stages["not_selected"].key
    arrivals = sorted(c.to_stage_id for c in candidate.history)
    assert arrivals == sorted([stages["interested"].id, stages["not_selected"].id])


def test_move_records_when_the_stay_it_ends_began(make_user, make_candidate, stages):
    """Does a move keep when the candidate entered the stage it leaves, so the reports
    can count that stay's length without rebuilding the history?"""
    hr = make_user(Role.HR)
    candidate = make_candidate()
    entered = datetime(2025, 9, 1, 9, 30)
    candidate.stage_entered_at = entered
    db.session.commit()

    moves.move_candidate(candidate, stages["screening"], hr, candidate.version)
    moves.move_candidate(candidate, stages["interview"], hr, candidate.version)
    db.session.commit()

    first, second = db.session.scalars(
        select(StageChange)
        .where(StageChange.candidate_id == candidate.id, StageChange.from_stage_id.is_not(None))
        .order_by(StageChange.id)
    ).all()
    assert first.from_stage_entered_at == entered
    assert second.from_stage_entered_at == first.created_at


def test_move_back_to_a_stage_records_the_earlier_entry(make_user, make_candidate, stages):
    """Does a move into a stage the candidate was in before record when they entered it
    last, and a first entry record nothing?"""
    hr = make_user(Role.HR)
    candidate = make_candidate()
    moves.move_candidate(candidate, stages["screening"], hr, candidate.version)
    moves.move_candidate(candidate, stages["interview"], hr, candidate.version)
    moves.move_candidate(candidate, stages["screening"], hr, candidate.version)
    db.session.commit()

    history = db.session.scalars(
        select(StageChange).where(StageChange.candidate_id == candidate.id).order_by(StageChange.id)
    ).all()
    first_screening, interview, second_screening = history[-3:]
    assert (first_screening.previous_entry_at, interview.previous_entry_at) == (None, None)
    assert second_screening.previous_entry_at == first_screening.created_at


def test_closed_stage_needs_a_reason(make_user, make_candidate, stages):
    """Is a move to Not selected without a reason refused, leaving the candidate where they were?"""
    hr = make_user(Role.HR)
    candidate = make_candidate()
    with pytest.raises(moves.MoveRefused, match="reason"):
        moves.move_candidate(candidate, stages["not_selected"], hr, candidate.version)
    db.session.rollback()

    assert candidate.stage_id == stages["interested"].id
    assert change_count(candidate.id) == 1


def test_closed_stage_keeps_the_reason_given(make_user, make_candidate, stages):
    """Does a move to Withdrawn with a reason close the candidate and keep the reason?"""
    hr = make_user(Role.HR)
    candidate = make_candidate()
    moves.move_candidate(
        candidate, stages["withdrawn"], hr, candidate.version, reason="accepted_elsewhere"
    )
    db.session.commit()

    assert candidate.stage_id == stages["withdrawn"].id
    assert candidate.closed_reason == "accepted_elsewhere"
    assert latest_change(candidate.id).reason == "accepted_elsewhere"


def test_stale_version_is_refused_and_nothing_written(make_user, make_candidate, stages):
    """Is a move made from an old copy of the card refused, naming who moved it, with no history
    written?"""
    first = make_user(Role.HR, name="Dana Whitfield")
    second = make_user(Role.HR)
    candidate = make_candidate()
    seen_version = candidate.version
    moves.move_candidate(candidate, stages["screening"], first, seen_version)
    db.session.commit()

    with pytest.raises(moves.StaleMove) as refused:
        moves.move_candidate(candidate, stages["interview"], second, seen_version)
    db.session.rollback()

    assert "Dana Whitfield" in str(refused.value)
    assert "Screening" in str(refused.value)
    assert candidate.stage_id == stages["screening"].id
    assert change_count(candidate.id) == 2


def test_stale_move_after_a_note_does_not_blame_an_old_move(make_user, make_candidate, stages):
    """When a note added since the card was loaded makes a move stale, does the refusal say
    the record changed instead of naming an old move as news?"""
    old_mover = make_user(Role.HR, name="Dana Whitfield")
    candidate = make_candidate()
    moves.move_candidate(candidate, stages["screening"], old_mover, candidate.version)
    db.session.commit()
    seen_version = candidate.version
    services.add_note(candidate, "Called, left a message", make_user(Role.OUTREACH))
    db.session.commit()

    with pytest.raises(moves.StaleMove) as refused:
        moves.move_candidate(candidate, stages["interview"], old_mover, seen_version)
    db.session.rollback()

    assert "changed by someone else meanwhile" in str(refused.value)
    assert "Dana Whitfield" not in str(refused.value)


def test_move_to_the_same_stage_is_refused(make_user, make_candidate, stages):
    """Is moving a candidate to the stage they are already in refused?"""
    hr = make_user(Role.HR)
    candidate = make_candidate(stage="screening")
    with pytest.raises(moves.MoveRefused, match="already in Screening"):
        moves.move_candidate(candidate, stages["screening"], hr, candidate.version)
    db.session.rollback()

    assert candidate.version == 1
    assert change_count(candidate.id) == 1


def test_move_right_after_a_note_in_the_same_transaction(make_user, make_candidate, stages):
    """Is a candidate moved when a note was added to them just before, unsaved yet?"""
    hr = make_user(Role.HR)
    candidate = make_candidate()
    services.add_note(candidate, "Strong interview, moving on", hr)
    moves.move_candidate(candidate, stages["offer"], hr, None)
    db.session.commit()

    assert candidate.stage_id == stages["offer"].id
    assert latest_change(candidate.id).to_stage_id == stages["offer"].id


def test_move_to_a_retired_stage_is_refused(make_user, make_candidate, stages):
    """Is a move to a retired stage refused?"""
    hr = make_user(Role.HR)
    stages["onboarding"].retired = True
    db.session.commit()
    candidate = make_candidate()
    with pytest.raises(moves.MoveRefused, match="retired"):
        moves.move_candidate(candidate, stages["onboarding"], hr, candidate.version)
    db.session.rollback()

    assert candidate.stage_id == stages["interested"].id
    assert change_count(candidate.id) == 1


def test_concurrent_moves_of_one_card_apply_exactly_once(app, make_user, make_candidate, stages):
    """When two staff move the same card at the same moment, does exactly one move happen and
    the other get told who won?"""
    movers = [make_user(Role.HR, name="First Mover"), make_user(Role.HR, name="Second Mover")]
    candidate = make_candidate()
    candidate_id, seen_version = candidate.id, candidate.version
    user_ids = [user.id for user in movers]
    targets = [stages["screening"].id, stages["interview"].id]
    db.session.rollback()  # end this thread's read so it holds nothing while they write

    barrier = threading.Barrier(2, timeout=10)
    outcomes: list = [None, None]

    def move(index: int) -> None:
        # Each thread is one request with its own app context and session, as two browsers
        # posting the same card's form would be.
        with app.test_request_context("/", method="POST"):
            try:
                barrier.wait()
                card = db.session.get(Candidate, candidate_id)
                moves.move_candidate(
                    card,
                    db.session.get(Stage, targets[index]),
                    db.session.get(User, user_ids[index]),
                    seen_version,
                )
                db.session.commit()
                outcomes[index] = "moved"
            except moves.StaleMove as error:
                db.session.rollback()
                outcomes[index] = str(error)
            except Exception as error:  # any other failure is shown by the assertion below
                db.session.rollback()
                outcomes[index] = repr(error)

    threads = [threading.Thread(target=move, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(o == "moved" for o in outcomes) == [False, True], outcomes
    winner = outcomes.index("moved")
    assert movers[winner].name in outcomes[1 - winner]
    db.session.expire_all()
    candidate = db.session.get(Candidate, candidate_id)
    assert candidate.stage_id == targets[winner]
    assert candidate.version == seen_version + 1
    assert change_count(candidate_id) == 2
    assert latest_change(candidate_id).user_id == user_ids[winner]


# --- the move view ----------------------------------------------------------------------


def test_stale_move_from_the_board_answers_409_naming_the_mover(
    client, signed_in, make_user, make_candidate, stages
):
    """Does the board's script get a 409 that says who moved the card, and where it is now?"""
    signed_in(Role.HR)
    colleague = make_user(Role.HR, name="Dana Whitfield")
    candidate = make_candidate()
    moves.move_candidate(candidate, stages["screening"], colleague, 1)
    db.session.commit()

    response = client.post(
        f"/candidates/{candidate.id}/move",
        data={"to_stage": stages["interview"].id, "version": "1"},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 409
    assert response.json["ok"] is False
    assert "Dana Whitfield" in response.json["message"]
    assert "Screening" in response.json["message"]
    assert "just now" in response.json["message"]
    assert response.json["stage_id"] == stages["screening"].id
    assert response.json["version"] == 2


def test_board_move_answers_json_with_the_new_version(client, signed_in, make_candidate, stages):
    """Does a move from the board's script answer with the new stage and version?"""
    signed_in(Role.HR)
    candidate = make_candidate()

    response = client.post(
        f"/candidates/{candidate.id}/move",
        data={"to_stage": stages["interview"].id, "version": "1"},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 200
    assert response.json["stage_id"] == stages["interview"].id
    assert response.json["version"] == 2


def test_plain_form_move_flashes_and_redirects(client, signed_in, make_candidate, stages):
    """Does the card's Move button, without the script, move, redirect with 303 and say so?"""
    signed_in(Role.HR)
    candidate = make_candidate(first_name="Marisol", last_name="Vega")

    response = client.post(
        f"/candidates/{candidate.id}/move",
        data={
            "to_stage": stages["screening"].id,
            "version": "1",
            "next": "/candidates/board?rating=2",
        },
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/candidates/board?rating=2"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Marisol Vega moved to Screening." in page
    assert db.session.get(Candidate, candidate.id).stage_id == stages["screening"].id


def test_plain_form_stale_move_flashes_the_refusal(
    client, signed_in, make_user, make_candidate, stages
):
    """Does a stale plain-form move redirect with 303 and flash who moved the card?"""
    signed_in(Role.HR)
    colleague = make_user(Role.HR, name="Dana Whitfield")
    candidate = make_candidate()
    moves.move_candidate(candidate, stages["screening"], colleague, 1)
    db.session.commit()

    response = client.post(
        f"/candidates/{candidate.id}/move",
        data={"to_stage": stages["interview"].id, "version": "1"},
    )

    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "by Dana Whitfield" in page
    assert change_count(candidate.id) == 2


def test_close_without_reason_from_the_script_answers_422(
    client, signed_in, make_candidate, stages
):
    """Does the script get a refusal, not a move, when closing without a reason?"""
    signed_in(Role.HR)
    candidate = make_candidate()

    response = client.post(
        f"/candidates/{candidate.id}/move",
        data={"to_stage": stages["talent_pool"].id, "version": "1"},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 422
    assert "reason" in response.json["message"]
    assert db.session.get(Candidate, candidate.id).stage_id == stages["interested"].id
