"""The pipeline's rules, named once in recruit.pipeline.rules: every page and service that
asks which stages are placeable or on the board gets the same answer."""

from sqlalchemy import select

from recruit.audit.models import AuditEntry
from recruit.auth.models import Role
from recruit.candidates import queries
from recruit.candidates.services import stage_choices
from recruit.extensions import db
from recruit.main.services import pipeline_counts
from recruit.pipeline import rules
from recruit.pipeline.rules import StageKey
from recruit.placements.models import Placement
from tests.placement_factories import new_position


def test_hr_cannot_place_a_candidate_in_screening(client, signed_in, make_candidate):
    """Is placing a Screening candidate refused with a clear message, nothing saved?"""
    signed_in(Role.HR)
    candidate = make_candidate(stage="screening")
    response = client.post(
        f"/placements/new?candidate_id={candidate.id}",
        data={"position_id": str(new_position().id)},
    )
    assert response.status_code == 400
    assert "only candidates at Offer or Onboarding can be placed" in response.get_data(as_text=True)
    assert db.session.scalars(select(Placement)).all() == []
    assert (
        db.session.scalars(select(AuditEntry).where(AuditEntry.action == "placement.create")).all()
        == []
    )


def test_hr_places_a_candidate_at_onboarding(client, signed_in, make_candidate):
    """Can HR still place a candidate who is onboarding?"""
    signed_in(Role.HR)
    candidate = make_candidate(stage="onboarding")
    response = client.post(
        f"/placements/new?candidate_id={candidate.id}",
        data={"position_id": str(new_position().id)},
    )
    assert response.status_code == 302
    assert db.session.scalars(select(Placement.candidate_id)).all() == [candidate.id]


def test_only_offer_and_onboarding_are_placeable(stages):
    """Are Offer and Onboarding the only standard stages a candidate is placed from?"""
    assert {key for key, stage in stages.items() if rules.placeable(stage)} == {
        StageKey.OFFER,
        StageKey.ONBOARDING,
    }


def test_every_standard_stage_has_a_named_key(stages):
    """Does each standard stage carry one of the named keys, in the main path's order?"""
    assert set(stages) == set(StageKey)
    assert list(rules.MAIN_PATH) == [
        key for key, stage in stages.items() if not rules.closed(stage)
    ]


def test_board_dashboard_and_bulk_moves_agree_on_the_board_stages(stages):
    """With a stage retired, do the board, the dashboard and bulk moves list the same ones?"""
    stages["screening"].retired = True
    db.session.commit()
    board = [stage.id for stage in queries.board_stages()]
    assert board == [stage.id for stage, _count in pipeline_counts()]
    assert board == [int(value) for value, _name in stage_choices(include_closed=False)]
    assert board == [stage.id for stage in stages.values() if rules.on_board(stage)]
    assert stages["screening"].id not in board and stages["hired"].id in board
