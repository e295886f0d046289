"""Students, supervisors and interns read the public pages in English or Spanish: how the
language is chosen, the Spanish form, and checks that every public text is translatable
and translated."""

import io
import re
from html import unescape
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from recruit.candidates.models import Candidate, ProposedUpdate
from recruit.extensions import db
from recruit.i18n import COOKIE
from recruit.messages.services import stop_token
from tests.placement_factories import new_link, new_placement, standard_items
from tests.test_interest_form import form_data, input_value

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
CATALOG = ROOT / "recruit/translations/es/LC_MESSAGES/messages.po"

# Every page a student, supervisor or intern can open. New public folders go here too.
PUBLIC_TEMPLATES = (
    "interest/*.html",
    "feedback/*.html",
    "errors/*.html",
    "messages/stop.html",
    "students/*.html",
    "openings/*.html",
)
# Attributes whose values people read (or hear from a screen reader).
TEXT_ATTRIBUTES = ("placeholder", "aria-label", "aria-description", "title", "alt", "label")
# Blocks whose content is an attribute's value, not text: base.html's <body class>.
ATTRIBUTE_BLOCKS = {"body_class"}
# Words that are no language's: the product's name.
NOT_LANGUAGE = {"Recruit"}
# Where an expression or tag stood between two pieces of text.
GAP = "\x00"

SPANISH = {"Accept-Language": "es-MX,es;q=0.9"}


@pytest.fixture(scope="module", autouse=True)
def compiled_catalog():
    """The Spanish pages read the compiled catalog: compile it when the .po is newer, as
    make does, so running pytest alone after a translation still checks the new words."""
    compiled = CATALOG.with_suffix(".mo")
    if compiled.exists() and compiled.stat().st_mtime >= CATALOG.stat().st_mtime:
        return
    with CATALOG.open("rb") as po:
        catalog = read_po(po, locale="es")
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    partial = compiled.with_suffix(".mo.partial")
    partial.write_bytes(buffer.getvalue())
    partial.replace(compiled)


@pytest.fixture
def config_overrides():
    """The fill-time check is off: these tests send the form at once."""
    return {"MIN_FILL_SECONDS": 0}


@pytest.fixture
def university(make_university):
    return make_university(name="Capital State University")


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def page_language(response) -> str:
    return re.search(r'<html lang="([^"]*)"', response.get_data(as_text=True)).group(1)


# --- which language a page speaks -------------------------------------------------------


def test_lang_parameter_gives_spanish_and_sets_the_cookie(client, stages):
    """Does ?lang=es show the form in Spanish, say so in <html lang>, and remember it?"""
    response = client.get("/apply?lang=es")
    assert "Pasantías y empleos en compras del Estado" in text_of(response)
    assert page_language(response) == "es"
    assert client.get_cookie(COOKIE).value == "es"


def test_cookie_alone_gives_spanish(client, stages):
    """Does a student who chose Spanish earlier get Spanish without ?lang=?"""
    client.set_cookie(COOKIE, "es")
    response = client.get("/apply")
    assert "Pasantías y empleos en compras del Estado" in text_of(response)
    assert page_language(response) == "es"


def test_browser_in_mexican_spanish_gives_spanish(client, stages):
    """Does a phone set to Spanish (es-MX) get the form in Spanish at first sight?"""
    response = client.get("/apply", headers={"Accept-Language": "es-MX"})
    assert "Pasantías y empleos en compras del Estado" in text_of(response)
    assert page_language(response) == "es"


def test_nothing_chosen_gives_english(client, stages):
    """Does a visitor who asks for no language get English?"""
    response = client.get("/apply")
    assert "Internships and jobs in state procurement" in text_of(response)
    assert page_language(response) == "en"


def test_unknown_language_falls_back_and_is_not_remembered(client, stages):
    """Does ?lang=fr fall back to the browser's language and set no cookie?"""
    english = client.get("/apply?lang=fr")
    spanish = client.get("/apply?lang=fr", headers=SPANISH)
    assert page_language(english) == "en"
    assert page_language(spanish) == "es"
    assert client.get_cookie(COOKIE) is None


def test_staff_pages_stay_english(client, signed_in):
    """Does a signed-in staff page stay English despite the cookie and a Spanish browser?"""
    signed_in()
    client.set_cookie(COOKIE, "es")
    response = client.get("/", headers=SPANISH)
    assert response.status_code == 200
    assert page_language(response) == "en"
    assert "Saltar al contenido principal" not in text_of(response)


def test_sign_in_page_stays_english(client):
    """Is the staff's sign-in page English, though anyone may open it?"""
    client.set_cookie(COOKIE, "es")
    response = client.get("/login?lang=es", headers=SPANISH)
    assert page_language(response) == "en"
    assert "Skip to main content" in text_of(response)


def test_switch_offers_both_languages_and_marks_the_current(client, stages, make_event):
    """Does the switch link this same page (kiosk mode kept) in each language, each link
    named in its own language and the current one marked?"""
    event = make_event()
    html = client.get(f"/apply/{event.slug}?kiosk=1&lang=es").get_data(as_text=True)
    switch = re.search(r'<nav class="language-switch" aria-label="Idioma">.*?</nav>', html, re.S)
    links = re.findall(r"<a [^>]*>[^<]*</a>", switch.group(0))
    assert links == [
        '<a href="?kiosk=1&amp;lang=en" lang="en" hreflang="en">English</a>',
        '<a href="?kiosk=1&amp;lang=es" lang="es" hreflang="es" aria-current="true">Español</a>',
    ]


# --- the form in Spanish ----------------------------------------------------------------


def test_spanish_form_shows_spanish_errors_and_keeps_the_values(client, stages, university):
    """Does a Spanish form sent with mistakes come back in Spanish with every answer kept?"""
    data = form_data(university, first_name="", email="maya@")
    response = client.post("/apply?lang=es", data=data)
    text = text_of(response)
    assert response.status_code == 400
    assert "Revise estos campos" in text
    assert "Escriba su nombre." in text
    assert "Escriba un correo electrónico como nombre@universidad.edu." in text
    assert "Enter your first name." not in text
    assert input_value(response, "last_name") == "Okafor"
    assert input_value(response, "email") == "maya@"


def test_consent_reads_well_in_the_spanish_error_summary(client, stages, university):
    """Does the Spanish summary name the unticked box 'Consentimiento', not its sentence?"""
    response = client.post("/apply?lang=es", data=form_data(university, consent=None))
    summary = re.search(r'<div class="error-summary".*?</div>', text_of(response), re.S).group(0)
    entry = " ".join(re.sub(r"<[^>]+>", " ", summary).split())
    assert (
        "Consentimiento: Marque la casilla para aceptar que guardemos sus datos y nos "
        "comuniquemos con usted." in entry
    )
    assert "Acepto" not in entry


def test_wtforms_own_messages_come_out_in_spanish(client, stages, university):
    """Are WTForms' built-in messages (a too-long name, a choice not offered) Spanish too?"""
    data = form_data(university, last_name="Okafor" * 20, class_standing="wizard")
    text = text_of(client.post("/apply?lang=es", data=data))
    assert "El campo no puede tener más de 100 caracteres." in text
    assert "Opción inválida." in text
    assert "Not a valid choice" not in text


def test_spanish_submission_records_spanish(client, stages, university):
    """Does a student who sends the form in Spanish get a candidate record in Spanish?"""
    response = client.post("/apply?lang=es", data=form_data(university))
    assert response.status_code == 303
    db.session.rollback()
    assert db.session.scalars(select(Candidate)).one().language == "es"


def test_returning_students_new_language_waits_for_hr(client, stages, university, make_candidate):
    """Does a student who wrote in Spanish, then sends the form in English, keep Spanish
    until HR accepts English from the proposed update (anyone may type a known email)?"""
    make_candidate(email="maya.okafor@capital.example.edu", language="es")
    client.post("/apply", data=form_data(university))
    db.session.rollback()
    assert db.session.scalars(select(Candidate)).one().language == "es"
    assert db.session.scalars(select(ProposedUpdate)).one().language == "en"


# --- every public text is translatable ---------------------------------------------------


def untranslated_text(env, source: str, name: str) -> list[str]:
    """The pieces of a template's text that no translation call wraps: its data outside
    {% trans %} blocks, tags, comments and entities removed, attributes people read kept."""
    data, tag, in_trans, in_attribute = [], None, False, False
    for _line, kind, value in env.lex(source, name):
        if kind == "block_begin":
            tag = []
        elif kind == "block_end":
            in_trans = {"trans": True, "endtrans": False}.get(tag[0], in_trans)
            if tag[0] in ("block", "endblock"):
                in_attribute = tag[0] == "block" and tag[1] in ATTRIBUTE_BLOCKS
            tag = None
        elif kind == "name" and tag is not None:
            tag.append(value)
        elif kind == "data" and not (in_trans or in_attribute):
            data.append(value)
            continue
        data.append(GAP)
    text = re.sub(r"<!--.*?-->", GAP, "".join(data), flags=re.S)
    read_aloud = []

    def strip_tag(tag: re.Match) -> str:
        attributes = "|".join(TEXT_ATTRIBUTES)
        for match in re.finditer(rf"""\b(?:{attributes})\s*=\s*("[^"]*"|'[^']*')""", tag[0]):
            read_aloud.append(match[1][1:-1])
        return GAP

    text = re.sub(r"<[^<>]*>", strip_tag, text)
    text = re.sub(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);", GAP, text)
    found = []
    for piece in [*re.split(rf"[{GAP}\n]", text), *read_aloud]:
        words = [w for w in re.findall(r"[^\W\d_]+", piece) if w not in NOT_LANGUAGE]
        if words:
            found.append(" ".join(piece.split()))
    return found


def test_text_check_finds_words_outside_translation_calls(app):
    """Does the check itself catch text, and attributes people read, left untranslated?"""
    source = (
        '<p title="Hello there" class="lead">{{ _("Fine") }} Left out'
        ' <a href="/x?y=z">{% trans n=1 %}Also fine {{ n }}{% endtrans %}</a> &mdash; Recruit'
        "<!-- a comment --></p>"
    )
    assert untranslated_text(app.jinja_env, source, "sample.html") == ["Left out", "Hello there"]


def test_every_public_template_has_no_text_outside_translation_calls(app):
    """Is every word of every public page (students', supervisors', interns') translatable?"""
    names = sorted(
        path.relative_to(TEMPLATES).as_posix()
        for pattern in PUBLIC_TEMPLATES
        for path in TEMPLATES.glob(pattern)
    )
    assert {"interest/form.html", "feedback/form.html", "messages/stop.html"} <= set(names)
    problems = []
    for name in names:
        source, _filename, _uptodate = app.jinja_env.loader.get_source(app.jinja_env, name)
        problems += [f"{name}: {text!r}" for text in untranslated_text(app.jinja_env, source, name)]
    assert not problems, "text outside translation calls:\n" + "\n".join(problems)


# --- every message has its Spanish -------------------------------------------------------


def spanish_catalog():
    with CATALOG.open("rb") as po:
        return read_po(po, locale="es")


def test_every_message_has_a_spanish_translation():
    """Does the Spanish catalog translate every message in the code and templates?"""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    wanted = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT, method_map, options_map
        )
    }
    assert "Send" in wanted and "Stop emails" in wanted  # the extraction itself works
    catalog = spanish_catalog()
    missing = []
    for msgid in sorted(wanted):
        message = catalog.get(msgid)
        strings = [] if message is None else [message.string]
        if strings and isinstance(strings[0], tuple | list):
            strings = list(strings[0])
        if not strings or not all(strings) or message.fuzzy:
            missing.append(msgid)
    assert not missing, "no Spanish yet (make catalogs, then translate):\n" + "\n".join(missing)


def test_spanish_catalog_compiles():
    """Does the Spanish catalog compile, whole and with every placeholder kept?"""
    catalog = spanish_catalog()
    assert not catalog.fuzzy, "the .po lost its header: pybabel compile would skip it"
    assert [(message.id, errors) for message, errors in catalog.check()] == []
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    assert compiled.getvalue()


# --- each public page in Spanish ---------------------------------------------------------


def assert_spanish(response, phrase: str, status: int = 200) -> None:
    assert response.status_code == status
    assert page_language(response) == "es"
    assert phrase in text_of(response)


def test_form_in_spanish(client, stages, university, make_event):
    """Is a fair's form, its choices included, in Spanish?"""
    event = make_event(name="Feria de Empleo")
    response = client.get(f"/apply/{event.slug}?lang=es")
    assert_spanish(response, "Está en Feria de Empleo")
    for phrase in ("Año de estudios", "Tercer año", "Pasantía de verano", "Otoño", "Enviar"):
        assert phrase in text_of(response), phrase


def test_thanks_in_spanish(client, stages):
    """Is the thank-you page in Spanish?"""
    assert_spanish(client.get("/apply/thanks?lang=es"), "Gracias, ya tenemos sus datos")


def test_unknown_event_in_spanish(client, stages):
    """Is the page for an event that is not open in Spanish, and still a 404?"""
    response = client.get("/apply/no-such-fair?lang=es")
    assert_spanish(response, "La inscripción para este evento no está abierta", 404)


def test_error_page_under_apply_in_spanish(client, stages):
    """Is a 404 under /apply in Spanish, with the students' header and switch?"""
    response = client.get("/apply/no/such/page?lang=es")
    assert_spanish(response, "No encontramos la página", 404)
    assert 'class="language-switch"' in response.get_data(as_text=True)
    assert "Ir al formulario de interés" in text_of(response)


def test_feedback_form_in_spanish(client, make_candidate, make_user):
    """Is a supervisor's evaluation form in Spanish, with the admins' prompts as written?"""
    standard_items()
    placement = new_placement(make_candidate())
    _request, token = new_link(placement, make_user())
    response = client.get(f"/feedback/{token}?lang=es")
    assert_spanish(response, "Evaluación de mitad de período")
    text = text_of(response)
    assert "4 Supera las expectativas" in text
    assert "¿Recomendaría a este pasante para un empleo de tiempo completo?" in text


def test_feedback_unavailable_in_spanish(client):
    """Is the page for a dead evaluation link in Spanish?"""
    response = client.get(f"/feedback/{'x' * 43}?lang=es")
    assert_spanish(response, "No se puede usar este enlace", 404)


def test_feedback_thanks_in_spanish(client):
    """Is the thank-you page after an evaluation in Spanish?"""
    assert_spanish(client.get("/feedback/thanks?lang=es"), "Gracias, recibimos sus respuestas")


def test_stop_page_in_spanish(client, make_candidate):
    """Is the stop-emails page in Spanish?"""
    student = make_candidate()
    response = client.get(f"/apply/stop/{stop_token(student.id)}?lang=es")
    assert_spanish(response, "¿Quiere dejar de recibir nuestros correos?")
