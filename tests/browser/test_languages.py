"""A student at a fair switches the form to Spanish on a phone and signs up in it."""

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from recruit.candidates.models import Candidate
from recruit.extensions import db
from recruit.i18n import COOKIE
from tests.test_i18n import compiled_catalog  # noqa: F401 (the Spanish pages need it)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def config_overrides():
    """CSRF on as for students, and no minimum fill time, so no test has to wait."""
    return {"WTF_CSRF_ENABLED": True, "MIN_FILL_SECONDS": 0}


@pytest.fixture
def phone(new_page):
    return new_page(viewport=PHONE, is_mobile=True, has_touch=True)


@pytest.fixture
def fair(make_university, make_event):
    university = make_university(name="Riverside State University")
    return make_event(name="Feria de Empleo de Riverside", university=university)


def test_student_switches_to_spanish_and_signs_up(phone, live_server, fair, stages):
    """Can a student tap Español on a phone, sign up in Spanish, and be recorded in it?"""
    phone.goto(f"{live_server}/apply/{fair.slug}")
    phone.get_by_role("navigation", name="Language").get_by_role("link", name="Español").tap()
    expect(phone.locator("html")).to_have_attribute("lang", "es")
    switch = phone.get_by_role("navigation", name="Idioma")
    expect(switch.get_by_role("link", name="Español")).to_have_attribute("aria-current", "true")
    phone.get_by_label("Nombre", exact=True).fill("Lucía")
    phone.get_by_label("Apellido").fill("Fernández")
    phone.get_by_label("Correo electrónico").fill("lucia@riverside.example")
    phone.get_by_label("Carrera").fill("Administración pública")
    phone.get_by_label("Año de estudios").select_option(label="Tercer año")
    phone.get_by_label("Período", exact=True).select_option(label="Primavera")
    phone.get_by_label("Año", exact=True).select_option(str(date.today().year + 1))
    phone.get_by_label("Pasantía de verano").check()
    phone.get_by_label("Cuándo puede empezar").fill("En mayo")
    phone.get_by_label("Acepto que la oficina").check()
    phone.get_by_role("button", name="Enviar").tap()
    expect(phone.get_by_role("heading", name="Gracias, ya tenemos sus datos")).to_be_visible()
    db.session.rollback()
    assert db.session.scalars(select(Candidate)).one().language == "es"


def test_language_switch_fits_a_phone(phone, live_server, fair, stages, axe_check):
    """On a 390-pixel phone, are both language links big enough to tap, is nothing wider
    than the screen, and does axe find no serious problem with the Spanish form?"""
    phone.goto(f"{live_server}/apply/{fair.slug}?lang=es")
    for name in ("English", "Español"):
        box = phone.get_by_role("link", name=name).bounding_box()
        assert box["height"] >= 44, name
        assert box["x"] + box["width"] <= PHONE["width"], name
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    violations, report = axe_check(phone)
    assert not violations, report


def test_kiosk_student_in_spanish_leaves_english_for_the_next(new_page, live_server, fair, stages):
    """At a fair's kiosk, does a student who taps Español sign up and read the thank-you
    in Spanish, while 'Siguiente estudiante' brings the next student the form in the
    tablet's own language (English) and no language cookie stays behind?"""
    tablet = new_page(viewport={"width": 820, "height": 1180}, is_mobile=True, has_touch=True)
    tablet.goto(f"{live_server}/apply/{fair.slug}?kiosk=1")
    tablet.get_by_role("navigation", name="Language").get_by_role("link", name="Español").tap()
    expect(tablet.locator("html")).to_have_attribute("lang", "es")
    tablet.get_by_label("Nombre", exact=True).fill("Lucía")
    tablet.get_by_label("Apellido").fill("Fernández")
    tablet.get_by_label("Correo electrónico").fill("lucia@riverside.example")
    tablet.get_by_label("Carrera").fill("Administración pública")
    tablet.get_by_label("Año de estudios").select_option(label="Tercer año")
    tablet.get_by_label("Período", exact=True).select_option(label="Primavera")
    tablet.get_by_label("Año", exact=True).select_option(str(date.today().year + 1))
    tablet.get_by_label("Pasantía de verano").check()
    tablet.get_by_label("Cuándo puede empezar").fill("En mayo")
    tablet.get_by_label("Acepto que la oficina").check()
    tablet.get_by_role("button", name="Enviar").tap()
    expect(tablet.get_by_role("heading", name="Gracias, ya tenemos sus datos")).to_be_visible()

    tablet.get_by_role("link", name="Siguiente estudiante").tap()

    expect(tablet).to_have_url(f"{live_server}/apply/{fair.slug}?kiosk=1")
    expect(tablet.locator("html")).to_have_attribute("lang", "en")
    expect(tablet.get_by_label("First name")).to_have_value("")
    assert [c for c in tablet.context.cookies() if c["name"] == COOKIE] == []
