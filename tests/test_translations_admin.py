"""Admins word what students in each stage read on their own page, in English and
Spanish."""

import re
from html import unescape

from recruit.auth.models import Role
from recruit.extensions import db
from recruit.pipeline.rules import STANDARD_STAGES
from recruit.pipeline.stages import set_student_wording


def page_text(response) -> str:
    return unescape(response.get_data(as_text=True))


def hidden_version(response) -> str:
    return re.search(r'name="version"[^>]*value="(\d+)"', response.get_data(as_text=True))[1]


# --- stages: what students read ---------------------------------------------------------------


def test_standard_stages_come_with_english_and_spanish_wording(stages):
    """Does every standard stage, closed ones included, start with wording in both
    languages?"""
    for key, _name, _kind in STANDARD_STAGES:
        assert stages[key].student_text.strip(), key
        assert stages[key].student_text_es.strip(), key
    assert stages["interested"].student_text.startswith("We have your details.")


def test_admin_saves_a_stages_wording_in_both_languages(client, signed_in, stages):
    """Does an admin's save of a stage's wording keep the English and the Spanish?"""
    signed_in(Role.ADMIN)
    screening = stages["screening"]
    response = client.post(
        f"/admin/stages/{screening.id}/wording",
        data={
            "student_text": "We are reading your details.",
            "student_text_es": "Estamos leyendo sus datos.",
            "version": str(screening.version),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (screening.student_text, screening.student_text_es) == (
        "We are reading your details.",
        "Estamos leyendo sus datos.",
    )


def test_stale_stage_wording_save_is_refused(client, signed_in, make_user, stages):
    """When another admin saved the stage after it was opened, is the save refused with
    409 naming them, and their words kept?"""
    signed_in(Role.ADMIN)
    screening = stages["screening"]
    opened = client.get(f"/admin/stages/{screening.id}/wording")
    colleague = make_user(Role.ADMIN, name="Dana Whitfield")
    set_student_wording(screening, "Dana's words", "Palabras de Dana", colleague, None)
    db.session.commit()
    response = client.post(
        f"/admin/stages/{screening.id}/wording",
        data={
            "student_text": "Mine",
            "student_text_es": "Mías",
            "version": hidden_version(opened),
        },
    )
    assert response.status_code == 409
    assert "Dana Whitfield saved this stage" in page_text(response)
    db.session.expire_all()
    assert screening.student_text_es == "Palabras de Dana"


def test_wording_page_suggests_recruits_words_for_a_stage_without_any(client, signed_in, stages):
    """For a standard stage with no wording yet (an office from before), does the page
    offer Recruit's words, saving nothing until the admin does?"""
    signed_in(Role.ADMIN)
    offer = stages["offer"]
    offer.student_text = offer.student_text_es = ""
    db.session.commit()
    text = page_text(client.get(f"/admin/stages/{offer.id}/wording"))
    assert "We have offered you a place." in text
    assert "Le ofrecimos un lugar." in text
    db.session.expire_all()
    assert offer.student_text == ""


def test_stages_page_marks_wording_without_spanish(client, signed_in, stages):
    """Does the stages page say which stage's wording has no Spanish, and link its editor?"""
    signed_in(Role.ADMIN)
    stages["offer"].student_text_es = ""
    db.session.commit()
    html = client.get("/admin/stages/").get_data(as_text=True)
    row = html[html.index('value="Offer"') :]
    row = row[: row.index("</tr>")]
    assert "No Spanish" in row
    assert f'href="/admin/stages/{stages["offer"].id}/wording"' in row
