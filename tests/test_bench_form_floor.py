"""bench/form_floor.py: the interest form's CPU beside the least a form on the stack costs."""

from bench import form_floor


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
