"""Admins shape the pipeline at /admin/stages: rename, reorder, add and retire stages."""

import re

import pytest
from sqlalchemy import select

from recruit.audit.models import AuditEntry
from recruit.auth.models import Role
from recruit.candidates.models import Candidate, Stage, StageChange, StageKind
from recruit.extensions import db


def board_columns(client) -> list[str]:
    """The board's column titles, left to right."""
    page = client.get("/candidates/board").text
    return re.findall(r'<h2 class="board-column__title"[^>]*>\s*<span>([^<]+)</span>', page)


def test_admin_sees_the_stages_with_counts(client, signed_in, make_candidate, stages):
    """Does the stages page list every stage with how many candidates it holds?"""
    signed_in(Role.ADMIN)
    make_candidate(stage="screening")
    make_candidate(stage="screening")
    page = client.get("/admin/stages/").text
    row = page[page.index('value="Screening"') :]
    row = row[: row.index("</tr>")]
    assert "<td>2</td>" in row


def test_rename_keeps_the_key(client, signed_in, stages):
    """Does renaming Screening change its name on the board and keep its stable key?"""
    signed_in(Role.ADMIN)
    response = client.post(
        f"/admin/stages/{stages['screening'].id}", data={"name": "Phone screen", "kind": "active"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (stages["screening"].name, stages["screening"].key) == ("Phone screen", "screening")
    assert "Phone screen" in board_columns(client)


def test_rename_to_a_name_in_use_is_refused(client, signed_in, stages):
    """Is renaming a stage to another stage's name refused with a message?"""
    signed_in(Role.ADMIN)
    response = client.post(
        f"/admin/stages/{stages['screening'].id}",
        data={"name": "Interview", "kind": "active"},
        follow_redirects=True,
    )
    assert "There is already a stage called Interview." in response.text
    db.session.expire_all()
    assert stages["screening"].name == "Screening"


def order_seen(stages_by_key) -> str:
    """The order field of the stages page as an admin loading it now would post it."""
    in_use = [s for s in stages_by_key.values() if not s.retired]
    return ",".join(str(s.id) for s in sorted(in_use, key=lambda s: s.position))


def place(client, stage, position, order):
    """Post the stages page's Position form for one stage."""
    return client.post(
        "/admin/stages/order",
        data={"stage_id": str(stage.id), "position": str(position), "order": order},
    )


def test_one_post_places_a_stage(client, signed_in, stages):
    """Does one Move to position 1 put Offer first on the board, the others shifting down?"""
    signed_in(Role.ADMIN)
    response = place(client, stages["offer"], 1, order_seen(stages))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/stages/#stage-{stages['offer'].id}")
    assert f"Offer is now at position 1 of {len(stages)}." in client.get("/admin/stages/").text
    assert board_columns(client)[:5] == [
        "Offer",
        "Interested",
        "Screening",
        "Interview",
        "Onboarding",
    ]


def test_a_stage_moves_down_in_one_post(client, signed_in, stages):
    """Does moving Interested to position 3 put it after Screening and Interview?"""
    signed_in(Role.ADMIN)
    place(client, stages["interested"], 3, order_seen(stages))
    assert board_columns(client)[:4] == ["Screening", "Interview", "Interested", "Offer"]


def test_a_reorder_writes_one_audit_entry(client, signed_in, stages):
    """Does a move across four places write one stage.reorder entry, naming where it went?"""
    admin = signed_in(Role.ADMIN)
    place(client, stages["onboarding"], 1, order_seen(stages))
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "stage.reorder")
    ).all()
    assert [(e.user_id, e.target_id, e.detail) for e in entries] == [
        (admin.id, stages["onboarding"].id, {"name": "Onboarding", "position": [5, 1]})
    ]


def test_the_audit_log_says_where_a_stage_moved(client, signed_in, stages):
    """Does the audit log show a reorder as the stage's name and "5 → 1"?"""
    signed_in(Role.ADMIN)
    place(client, stages["onboarding"], 1, order_seen(stages))
    page = client.get("/admin/audit/").text
    assert "Moved a stage in the pipeline" in page
    assert "Position:</span> 5 → 1" in page
    assert "Name:</span> Onboarding" in page


def test_a_reorder_from_an_older_order_is_refused(client, auth, make_user, stages):
    """When a colleague moved a stage after the page was loaded, is the move refused, saying
    who, and the colleague's order kept?"""
    seen = order_seen(stages)
    auth.login(make_user(role=Role.ADMIN, name="Ada Lovelace").email)
    place(client, stages["interview"], 1, seen)
    auth.login(make_user(role=Role.ADMIN, name="Grace Hopper").email)
    response = place(client, stages["offer"], 2, seen)
    assert response.status_code == 409
    assert "Ada Lovelace changed the stages after you loaded this page" in response.text
    assert "Nothing was moved." in response.text
    assert board_columns(client)[:4] == ["Interview", "Interested", "Screening", "Offer"]
    reorders = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "stage.reorder"))
    assert len(reorders.all()) == 1


def test_a_reorder_after_a_stage_was_added_is_refused(client, signed_in, stages):
    """Is a move made from a page loaded before a stage was added refused?"""
    signed_in(Role.ADMIN)
    seen = order_seen(stages)
    client.post("/admin/stages/", data={"name": "Background check", "kind": "active"})
    response = place(client, stages["offer"], 1, seen)
    assert response.status_code == 409
    assert board_columns(client)[0] == "Interested"


def test_reorder_skips_retired_stages(client, signed_in, stages):
    """After Interview is retired, does putting Offer at position 2 put it before Screening?"""
    signed_in(Role.ADMIN)
    client.post(f"/admin/stages/{stages['interview'].id}/retire", data={"move_to": ""})
    db.session.expire_all()
    place(client, stages["offer"], 2, order_seen(stages))
    assert board_columns(client)[:3] == ["Interested", "Offer", "Screening"]


def test_the_stages_page_offers_each_stage_every_position(client, signed_in, stages):
    """Does each stage's Position menu list 1 to the number of stages, its own chosen?"""
    signed_in(Role.ADMIN)
    page = client.get("/admin/stages/").text
    in_use = len([s for s in stages.values() if not s.retired])
    menu = page[page.index(f'id="position-{stages["interview"].id}"') :]
    menu = menu[: menu.index("</select>")]
    assert re.findall(r'<option value="(\d+)"', menu) == [str(n) for n in range(1, in_use + 1)]
    assert re.findall(r'<option value="(\d+)" selected>', menu) == ["3"]


def test_move_without_choosing_leaves_the_stage_in_place(client, signed_in, stages):
    """Does pressing a stage's Move with its Position menu as the page drew it change nothing?"""
    signed_in(Role.ADMIN)
    page = client.get("/admin/stages/").text
    menu = page[page.index(f'id="position-{stages["offer"].id}"') :]
    shown = re.findall(r'<option value="(\d+)" selected>', menu[: menu.index("</select>")])
    place(client, stages["offer"], shown[0], order_seen(stages))
    assert board_columns(client)[:4] == ["Interested", "Screening", "Interview", "Offer"]
    reorders = select(AuditEntry).where(AuditEntry.action == "stage.reorder")
    assert db.session.scalars(reorders).all() == []


def test_add_a_stage_at_the_end(client, signed_in, stages):
    """Does an added active stage appear as the board's last column?"""
    signed_in(Role.ADMIN)
    response = client.post("/admin/stages/", data={"name": "Background check", "kind": "active"})
    assert response.status_code == 302
    stage = db.session.scalars(select(Stage).where(Stage.name == "Background check")).one()
    assert stage.kind == StageKind.ACTIVE
    assert stage.position == max(s.position for s in stages.values()) + 1
    assert board_columns(client)[-1] == "Background check"


def test_added_closed_stage_stays_off_the_board(client, signed_in, stages):
    """Is a new closed stage kept off the board and offered as a place to close candidates?"""
    signed_in(Role.ADMIN)
    client.post("/admin/stages/", data={"name": "Did not qualify", "kind": "closed"})
    assert "Did not qualify" not in board_columns(client)
    stage = db.session.scalars(select(Stage).where(Stage.name == "Did not qualify")).one()
    assert stage.kind == StageKind.CLOSED


def test_retire_an_empty_stage(client, signed_in, stages):
    """Does retiring an empty stage take it off the board and keep its row?"""
    signed_in(Role.ADMIN)
    response = client.post(f"/admin/stages/{stages['onboarding'].id}/retire", data={"move_to": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert stages["onboarding"].retired is True
    assert "Onboarding" not in board_columns(client)


def test_retire_a_stage_with_candidates_needs_a_target(client, signed_in, make_candidate, stages):
    """Is retiring a stage that still holds candidates, without saying where they go, refused?"""
    signed_in(Role.ADMIN)
    make_candidate(stage="offer")
    response = client.post(
        f"/admin/stages/{stages['offer'].id}/retire",
        data={"move_to": ""},
        follow_redirects=True,
    )
    assert "Offer still holds 1 candidates: choose where they go." in response.text
    db.session.expire_all()
    assert stages["offer"].retired is False


def test_retire_moves_its_candidates_with_history(client, signed_in, make_candidate, stages):
    """Does retiring a stage with a target move its candidates there, recording each move?"""
    admin = signed_in(Role.ADMIN)
    a, b = make_candidate(stage="offer"), make_candidate(stage="offer")
    response = client.post(
        f"/admin/stages/{stages['offer'].id}/retire",
        data={"move_to": str(stages["interview"].id)},
        follow_redirects=True,
    )
    assert "Retired Offer; moved 2 candidates." in response.text
    db.session.expire_all()
    assert stages["offer"].retired is True
    assert {c.stage_id for c in (a, b)} == {stages["interview"].id}
    moves = db.session.scalars(
        select(StageChange).where(StageChange.from_stage_id == stages["offer"].id)
    ).all()
    assert sorted(m.candidate_id for m in moves) == sorted([a.id, b.id])
    assert {(m.to_stage_id, m.user_id, m.comment) for m in moves} == {
        (stages["interview"].id, admin.id, "Offer was retired")
    }


def test_retire_into_a_retired_stage_is_refused(client, signed_in, make_candidate, stages):
    """Is retiring a stage into one already retired refused, the candidates left in place?"""
    signed_in(Role.ADMIN)
    candidate = make_candidate(stage="offer")
    stages["completed"].retired = True
    db.session.commit()
    client.post(
        f"/admin/stages/{stages['offer'].id}/retire",
        data={"move_to": str(stages["completed"].id)},
    )
    db.session.expire_all()
    assert stages["offer"].retired is False
    assert db.session.get(Candidate, candidate.id).stage_id == stages["offer"].id


def test_last_active_stage_cannot_be_retired(client, signed_in, stages):
    """Is retiring the only active stage left refused, so new candidates have a way in?"""
    signed_in(Role.ADMIN)
    active = [s for s in stages.values() if s.kind == StageKind.ACTIVE]
    for stage in active[1:]:
        stage.retired = True
    db.session.commit()
    response = client.post(
        f"/admin/stages/{active[0].id}/retire", data={"move_to": ""}, follow_redirects=True
    )
    assert "The pipeline needs at least one active stage." in response.text
    db.session.expire_all()
    assert active[0].retired is False


@pytest.mark.parametrize("role", [Role.HR, Role.OUTREACH])
def test_only_admins_see_the_stages_page(client, signed_in, stages, role):
    """Do HR and outreach staff get 403 on the stages page?"""
    signed_in(role)
    assert client.get("/admin/stages/").status_code == 403


@pytest.mark.parametrize("role", [Role.HR, Role.OUTREACH])
def test_only_admins_change_stages(client, signed_in, stages, role):
    """Are HR and outreach staff refused with 403 when they rename, add, reorder or retire?"""
    signed_in(role)
    screening = stages["screening"].id
    attempts = [
        client.post(f"/admin/stages/{screening}", data={"name": "X", "kind": "active"}),
        client.post("/admin/stages/", data={"name": "New", "kind": "active"}),
        place(client, stages["screening"], 1, order_seen(stages)),
        client.post(f"/admin/stages/{screening}/retire", data={"move_to": ""}),
    ]
    assert [r.status_code for r in attempts] == [403] * 4
    db.session.expire_all()
    assert (stages["screening"].name, stages["screening"].retired) == ("Screening", False)
    assert db.session.scalars(select(Stage).where(Stage.name == "New")).first() is None
