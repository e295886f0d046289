"""Questionnaire items are data: an admin rewords one for next term, and evaluations
already in keep showing the words they answered."""

import pytest
from sqlalchemy import select

from recruit.auth.models import Role
from recruit.extensions import db
from recruit.placements.models import (
    Evaluation,
    EvaluationAnswer,
    EvaluationItem,
    EvaluationKind,
    ItemForm,
)
from recruit.placements.questionnaires import form_items
from tests.placement_factories import new_link, new_placement, standard_items

OLD = "Communication: writes and speaks clearly to colleagues, vendors and the public"
NEW = "Communication: writes clear memos and explains procurement rules to agency staff"


@pytest.fixture
def communication(app):
    items = standard_items()
    return next(item for item in items[ItemForm.SUPERVISOR] if item.key == "communication")


def reword(client, item, prompt=NEW):
    return client.post(f"/admin/evaluation-items/{item.id}/reword", data={"prompt": prompt})


def test_admin_sees_the_active_items_per_form(client, signed_in, communication):
    """Does the items page list each form's items with their wording?"""
    signed_in(Role.ADMIN)
    page = client.get("/admin/evaluation-items/").get_data(as_text=True)
    assert "Supervisor form" in page and "Intern feedback form" in page and OLD in page


def test_rewording_retires_the_old_row(client, signed_in, communication):
    """Does rewording retire the item and add a row with the same key and place?"""
    signed_in(Role.ADMIN)
    reword(client, communication)
    rows = db.session.scalars(
        select(EvaluationItem)
        .where(EvaluationItem.key == "communication", EvaluationItem.form == ItemForm.SUPERVISOR)
        .order_by(EvaluationItem.id)
    ).all()
    assert [(row.prompt, row.retired) for row in rows] == [(OLD, True), (NEW, False)]
    assert rows[0].position == rows[1].position


def test_past_answers_keep_the_old_prompt(client, signed_in, make_candidate, communication):
    """After rewording for next term, does a past evaluation still show the old words?"""
    placement = new_placement(make_candidate(stage="completed"))
    db.session.add(
        Evaluation(
            placement=placement,
            kind=EvaluationKind.SUPERVISOR_MIDTERM,
            answers=[EvaluationAnswer(item_id=communication.id, rating=4)],
        )
    )
    db.session.commit()
    signed_in(Role.ADMIN)
    reword(client, communication)
    page = client.get(f"/placements/{placement.id}").get_data(as_text=True)
    assert OLD in page and NEW not in page


def test_new_forms_ask_the_new_words(client, signed_in, make_candidate, communication):
    """After rewording, does a new evaluation link's form ask the new words?"""
    admin = signed_in(Role.ADMIN)
    reword(client, communication)
    _, token = new_link(new_placement(make_candidate(stage="active_intern")), admin)
    page = client.get(f"/feedback/{token}").get_data(as_text=True)
    assert NEW in page and OLD not in page


def test_a_retired_item_cannot_be_reworded_again(client, signed_in, communication):
    """Is rewording an already retired row refused, as every stale save is (409)?"""
    signed_in(Role.ADMIN)
    reword(client, communication)
    assert reword(client, communication, "Something else").status_code == 409
    assert client.get(f"/admin/evaluation-items/{communication.id}/reword").status_code == 404


def test_hr_cannot_reword(client, signed_in, communication):
    """Is rewording refused to HR, who are not admins?"""
    signed_in(Role.HR)
    assert reword(client, communication).status_code == 403
    assert len(form_items(ItemForm.SUPERVISOR)) == 13
