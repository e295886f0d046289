"""bench/form_floor.py: the interest form's CPU beside the least a form on the stack costs."""

from bench import floor, form_floor


def test_the_floor_and_recruits_form_are_measured_side_by_side(tmp_path):
    """Does each form answer every post with its 303 (a refused post stops the measure),
    Recruit's costing more CPU than the floor's, in the statements a new student's form
    sends?"""
    floor = form_floor.measure_floor(f"sqlite:///{tmp_path / 'floor.sqlite'}", 5)
    recruit, statements = form_floor.measure_recruit(
        f"sqlite:///{tmp_path / 'recruit.sqlite'}", tmp_path, 5
    )
    assert 0 < floor < recruit
    assert 20 <= statements <= 40


def test_the_floors_move_refuses_a_stale_version(tmp_path):
    """Does the floor's move, like Recruit's, move a card at the version sent, answer with
    the card's new stage and version, and refuse a second move from the same version with
    409 and the card as it now is?"""
    database = f"sqlite:///{tmp_path / 'floor.sqlite'}"
    (card, stage, version), *_ = floor.create_tables(database, 3)
    client = floor.floor_app(database).test_client()
    assert client.post("/login").status_code == 302
    to_stage = next(s for s in floor.STAGES if s != stage)
    sent = {"to_stage": str(to_stage), "version": str(version)}
    moved = client.post(f"/move/{card}", data=sent)
    assert (moved.status_code, moved.json) == (200, {"stage_id": to_stage, "version": 2})
    again = client.post(f"/move/{card}", data=sent)
    assert (again.status_code, again.json) == (409, {"stage_id": to_stage, "version": 2})
