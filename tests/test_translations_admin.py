"""Admins write the Spanish beside every text students read: stages' student wording,
message templates and the privacy notice, with a page listing what still has no Spanish."""

import re
from html import unescape

import pytest
from flask_migrate import upgrade
from sqlalchemy import delete, select, update

from recruit.admin.models import SETTING_DEFAULTS, set_setting
from recruit.audit.models import AuditEntry
from recruit.auth.models import Role
from recruit.candidates.models import Stage
from recruit.extensions import db
from recruit.messages import services
from recruit.messages.defaults import DEFAULT_TEMPLATES, DEFAULT_TEMPLATES_ES
from recruit.messages.models import MessageTemplate
from recruit.pipeline.rules import STANDARD_STAGES
from recruit.pipeline.stages import set_student_wording
from tests.placement_factories import new_position

ENGLISH_NOTICE = "We keep your details for 18 months to consider you for internships."


def page_text(response) -> str:
    return unescape(response.get_data(as_text=True))


def hidden_version(response) -> str:
    return re.search(r'name="version"[^>]*value="(\d+)"', response.get_data(as_text=True))[1]


def template(key: str) -> MessageTemplate:
    return db.session.scalars(select(MessageTemplate).where(MessageTemplate.key == key)).one()


def untranslated(client) -> str:
    """The Untranslated page's text."""
    response = client.get("/admin/untranslated")
    assert response.status_code == 200
    return page_text(response)


def section(text: str, heading: str) -> str:
    """One section of the Untranslated page: from its heading to the next."""
    return text.split(heading, 1)[1].split("<h2", 1)[0]


@pytest.fixture
def office_before_spanish(app, stages):
    """An office whose stages and templates were worded before Recruit spoke Spanish: the
    English is there, the Spanish empty."""
    db.session.execute(update(Stage).values(student_text_es=""))
    db.session.execute(update(MessageTemplate).values(subject_es="", body_es=""))
    db.session.commit()
    return stages


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


# --- message templates ------------------------------------------------------------------------


def template_form(t: MessageTemplate, **changes) -> dict:
    return {
        "name": t.name,
        "subject": t.subject,
        "body": t.body,
        "subject_es": t.subject_es,
        "body_es": t.body_es,
        "version": str(t.version),
        **changes,
    }


def test_admin_saves_a_templates_spanish(client, signed_in, stages):
    """Does the template editor save a Spanish subject and message beside the English?"""
    signed_in(Role.ADMIN)
    interview = template("interview")
    response = client.post(
        f"/admin/messages/{interview.id}",
        data=template_form(
            interview, subject_es="Entrevista, {first_name}", body_es="Hola, {first_name}."
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (interview.subject_es, interview.body_es) == (
        "Entrevista, {first_name}",
        "Hola, {first_name}.",
    )


def test_stale_template_save_keeps_the_other_admins_spanish(client, signed_in, make_user, stages):
    """When another admin saved the template's Spanish after it was opened, is the save
    refused with 409 and their Spanish kept?"""
    signed_in(Role.ADMIN)
    interview = template("interview")
    seen = str(interview.version)
    colleague = make_user(Role.ADMIN, name="Dana Whitfield")
    services.save_template(
        interview,
        template_form(interview, subject_es="Asunto de Dana", body_es="Mensaje de Dana"),
        int(seen),
        colleague,
    )
    db.session.commit()
    response = client.post(
        f"/admin/messages/{interview.id}",
        data=template_form(interview, subject_es="Mío", body_es="Mío", version=seen),
    )
    assert response.status_code == 409
    db.session.expire_all()
    assert interview.body_es == "Mensaje de Dana"


def test_spanish_subject_without_its_message_is_refused(client, signed_in, stages):
    """Is a Spanish subject with no Spanish message refused, since it would never be sent?"""
    signed_in(Role.ADMIN)
    interview = template("interview")
    response = client.post(
        f"/admin/messages/{interview.id}",
        data=template_form(interview, subject_es="Entrevista", body_es=""),
    )
    assert response.status_code == 400
    assert "Write both the Spanish subject and message, or neither." in page_text(response)


def test_unknown_placeholder_in_the_spanish_is_refused(client, signed_in, stages):
    """Is a placeholder Recruit does not know refused in the Spanish message too?"""
    signed_in(Role.ADMIN)
    interview = template("interview")
    response = client.post(
        f"/admin/messages/{interview.id}",
        data=template_form(interview, subject_es="Hola", body_es="Hola, {nombre}."),
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert "{nombre}" not in interview.body_es


# --- a new office's defaults ------------------------------------------------------------------


def test_a_new_office_gets_recruits_spanish_messages(make_app):
    """On a new install (`flask db upgrade`, then the first `flask create-user`), does every
    one of Recruit's templates come with its Spanish?"""
    app = make_app()
    with app.app_context():
        upgrade()
        result = app.test_cli_runner().invoke(
            args=["create-user", "--email", "ops@agency.example", "--name", "Ops"],
            input="a long enough password\na long enough password\n",
        )
        assert result.exit_code == 0, result.output
        spanish = {
            t.key: (t.subject_es, t.body_es) for t in db.session.scalars(select(MessageTemplate))
        }
        db.session.remove()
    assert spanish == DEFAULT_TEMPLATES_ES


def test_templates_recruit_adds_come_with_their_spanish(app):
    """When Recruit adds its templates to an office that has none, does each come with its
    Spanish?"""
    db.session.execute(delete(MessageTemplate))
    db.session.commit()
    created = services.ensure_default_templates()
    db.session.commit()
    assert set(created) == {key for key, *_rest in DEFAULT_TEMPLATES}
    for key, t in created.items():
        assert (t.subject_es, t.body_es) == DEFAULT_TEMPLATES_ES[key], key


def test_an_office_from_before_keeps_its_empty_spanish_until_an_admin_chooses(
    app, office_before_spanish
):
    """Does an office whose templates predate the Spanish keep them empty when Recruit
    next checks its templates, leaving the choice to an admin?"""
    services.ensure_default_templates()
    db.session.commit()
    assert template("interview").body_es == ""


def test_adding_missing_templates_leaves_an_admins_spanish_alone(app, stages):
    """When Recruit adds its missing templates, do the existing ones keep their Spanish,
    even an empty one?"""
    db.session.execute(update(MessageTemplate).values(subject_es="", body_es=""))
    db.session.delete(template("booth_thanks"))
    db.session.commit()
    services.ensure_default_templates()
    db.session.commit()
    assert template("interview").body_es == ""
    assert template("booth_thanks").body_es == DEFAULT_TEMPLATES_ES["booth_thanks"][1]


def test_spanish_defaults_use_the_english_placeholders(app):
    """Does each Spanish default use exactly the placeholders of its English template?"""
    placeholders = re.compile(r"\{(\w+)\}")
    for key, _name, subject, body in DEFAULT_TEMPLATES:
        subject_es, body_es = DEFAULT_TEMPLATES_ES[key]
        assert services.template_errors(subject_es, body_es) == [], key
        assert set(placeholders.findall(subject_es + body_es)) == set(
            placeholders.findall(subject + body)
        ), key


# --- the privacy notice -----------------------------------------------------------------------


def test_spanish_form_shows_the_spanish_privacy_notice(client, stages):
    """Does the interest form in Spanish show the Spanish privacy notice?"""
    set_setting("privacy_notice_es", "Guardamos sus datos 18 meses.")
    db.session.commit()
    assert "Guardamos sus datos 18 meses." in page_text(client.get("/apply?lang=es"))


def test_spanish_form_falls_back_to_the_english_notice(client, stages):
    """With the Spanish notice left empty, does the Spanish form show the English one?"""
    set_setting("privacy_notice", ENGLISH_NOTICE)
    set_setting("privacy_notice_es", "")
    db.session.commit()
    assert ENGLISH_NOTICE in page_text(client.get("/apply?lang=es"))


def test_recruits_spanish_notice_stands_aside_once_the_english_is_reworded(client, stages):
    """When an admin rewords the English notice and leaves Recruit's Spanish one, does the
    Spanish form show the admin's English rather than a notice that may now differ?"""
    set_setting("privacy_notice", ENGLISH_NOTICE)
    db.session.commit()
    text = page_text(client.get("/apply?lang=es"))
    assert ENGLISH_NOTICE in text
    assert SETTING_DEFAULTS["privacy_notice_es"] not in text


def test_admin_saves_the_spanish_privacy_notice(client, signed_in, stages):
    """Does the settings page save the Spanish privacy notice?"""
    signed_in(Role.ADMIN)
    page = client.get("/admin/settings")
    response = client.post(
        "/admin/settings",
        data={
            "office_name": "State Procurement Office",
            "office_email": "internships@procurement.state.example",
            "privacy_notice": SETTING_DEFAULTS["privacy_notice"],
            "privacy_notice_es": "Guardamos sus datos para tenerle en cuenta en pasantías.",
            "retention_months": "24",
            "time_zone": "America/Chicago",
            "version": hidden_version(page),
        },
    )
    assert response.status_code == 302
    assert "Guardamos sus datos para tenerle" in page_text(client.get("/apply?lang=es"))


# --- the Untranslated page --------------------------------------------------------------------


def test_untranslated_page_lists_every_kind_of_text(client, signed_in, office_before_spanish):
    """Does the page list the privacy notice, each stage, each template and each open
    position whose Spanish is empty, each linked to its editor?"""
    signed_in(Role.ADMIN)
    set_setting("privacy_notice_es", "")
    position = new_position(title="Sourcing Intern", description="Buy things well.")
    db.session.commit()
    html = client.get("/admin/untranslated").get_data(as_text=True)
    assert "The privacy notice has no Spanish wording." in html
    assert f'href="/admin/stages/{office_before_spanish["offer"].id}/wording"' in html
    assert f'href="/admin/messages/{template("interview").id}"' in html
    assert f'href="/positions/{position.id}/edit"' in html
    counts = re.findall(r"\((\d+)\)</h2>", html)
    assert counts == [str(len(STANDARD_STAGES)), str(len(DEFAULT_TEMPLATES)), "1"]


def test_untranslated_page_leaves_out_what_students_never_see(client, signed_in, stages):
    """Are a draft position, a retired template and a position with no description left
    off the list?"""
    signed_in(Role.ADMIN)
    new_position(title="Draft Intern", description="Soon.", status="draft")
    new_position(title="Plain Intern", description="")
    retired = template("talent_pool")
    retired.subject_es = retired.body_es = ""
    retired.retired = True
    db.session.commit()
    text = untranslated(client)
    assert "Draft Intern" not in text and "Plain Intern" not in text
    assert retired.name not in section(text, "Messages (")


def test_untranslated_page_clears_as_texts_get_translated(client, signed_in, stages):
    """Does a text leave the list once its Spanish is written, until none is left?"""
    signed_in(Role.ADMIN)
    position = new_position(title="Sourcing Intern", description="Buy things well.")
    assert "Sourcing Intern" in untranslated(client)
    position.description_es = "Comprar bien."
    db.session.commit()
    text = untranslated(client)
    assert "Sourcing Intern" not in text
    assert "Every text students read has its Spanish wording." in text


def test_a_reworded_english_notice_is_listed(client, signed_in, stages):
    """When the English notice is reworded beside Recruit's Spanish one, does the page say
    the Spanish no longer stands?"""
    signed_in(Role.ADMIN)
    set_setting("privacy_notice", ENGLISH_NOTICE)
    db.session.commit()
    assert "the English notice has been reworded since" in untranslated(client)


def test_settings_and_messages_pages_link_the_untranslated_page(
    client, signed_in, office_before_spanish
):
    """Do the Settings and Messages pages link the Untranslated page, with its count?"""
    signed_in(Role.ADMIN)
    for url in ("/admin/settings", "/admin/messages/"):
        html = client.get(url).get_data(as_text=True)
        link = re.search(r'href="/admin/untranslated">[^<]*<span class="badge[^"]*">(\d+)', html)
        assert link, url
        assert int(link[1]) == len(STANDARD_STAGES) + len(DEFAULT_TEMPLATES)


def test_hr_may_not_open_the_untranslated_page(client, signed_in, stages):
    """Is the Untranslated page for admins alone?"""
    signed_in(Role.HR)
    assert client.get("/admin/untranslated").status_code == 403


# --- "Use Recruit's Spanish wording" ----------------------------------------------------------


def test_recruits_spanish_wording_fills_a_template(client, signed_in, office_before_spanish):
    """Does the button give an untranslated template Recruit's Spanish, take it off the
    list and leave an audit entry naming the admin?"""
    admin = signed_in(Role.ADMIN)
    interview = template("interview")
    response = client.post(
        f"/admin/untranslated/templates/{interview.id}/spanish",
        data={"version": str(interview.version)},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert (interview.subject_es, interview.body_es) == DEFAULT_TEMPLATES_ES["interview"]
    assert interview.name not in section(untranslated(client), "Messages (")
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "message_template.spanish_default")
    ).one()
    assert entry.user_id == admin.id


def test_recruits_spanish_wording_refuses_a_stale_page(
    client, signed_in, make_user, office_before_spanish
):
    """When another admin saved the template after the page was loaded, is the fill
    refused with 409 naming them, and nothing written?"""
    signed_in(Role.ADMIN)
    interview = template("interview")
    seen = interview.version
    colleague = make_user(Role.ADMIN, name="Dana Whitfield")
    services.save_template(
        interview, template_form(interview, body="Dana's new English"), seen, colleague
    )
    db.session.commit()
    response = client.post(
        f"/admin/untranslated/templates/{interview.id}/spanish", data={"version": str(seen)}
    )
    assert response.status_code == 409
    assert "Dana Whitfield saved" in page_text(response)
    db.session.expire_all()
    assert interview.body_es == ""


def test_recruits_spanish_wording_never_replaces_an_admins(
    client, signed_in, office_before_spanish
):
    """Does the fill refuse a template that already has Spanish an admin wrote?"""
    signed_in(Role.ADMIN)
    interview = template("interview")
    interview.subject_es, interview.body_es = "Mío", "Mis palabras"
    db.session.commit()
    client.post(
        f"/admin/untranslated/templates/{interview.id}/spanish",
        data={"version": str(interview.version)},
    )
    db.session.expire_all()
    assert interview.body_es == "Mis palabras"
