"""A student's whole journey on a phone in Spanish, from the interest form to withdrawing
on their own page, and what HR see of it; every public page passes axe-core in English
and Spanish."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from recruit.auth.models import Role
from recruit.candidates.models import Candidate
from recruit.database import utcnow
from recruit.extensions import db
from recruit.messages.delivery import deliver_due
from recruit.messages.services import stop_token
from recruit.students import services as students
from tests.placement_factories import new_link, new_placement, new_position, standard_items
from tests.test_candidate_pages import tiny_pdf
from tests.test_i18n import compiled_catalog  # noqa: F401 (the Spanish pages need it)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
STUDENT = "Lucía Fernández"
STUDENT_EMAIL = "lucia.fernandez@riverside.example.edu"


@pytest.fixture
def config_overrides():
    """CSRF on as for students, and no minimum fill time, so no test has to wait."""
    return {"WTF_CSRF_ENABLED": True, "MIN_FILL_SECONDS": 0}


@pytest.fixture
def phone(new_page):
    """A student's phone."""
    return new_page(viewport=PHONE, is_mobile=True, has_touch=True)


@pytest.fixture
def desk(new_page):
    """HR's desktop, in a context of its own."""
    return new_page(viewport=DESKTOP)


@pytest.fixture
def mail(app, live_server, smtp_server):
    """The worker sends to the test SMTP server, with links on the live server's address."""
    app.config.update(smtp_server.config, PUBLIC_BASE_URL=live_server)
    return smtp_server


def fits_the_phone(page) -> None:
    """Fail when the page is wider than a 390-pixel phone (sideways scrolling)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a 390px phone"


def flash(page):
    """The flash messages at the top of the page."""
    return page.get_by_role("main").get_by_role("status").first


# --- the journey ---------------------------------------------------------------------------


def send_the_form_in_spanish(phone, live_server: str) -> None:
    """Switch the interest form to Spanish and send it, on the phone."""
    phone.goto(f"{live_server}/apply?lang=es")
    expect(phone.locator("html")).to_have_attribute("lang", "es")
    fits_the_phone(phone)
    phone.get_by_label("Nombre", exact=True).fill("Lucía")
    phone.get_by_label("Apellido").fill("Fernández")
    phone.get_by_label("Correo electrónico").fill(STUDENT_EMAIL)
    phone.get_by_label("Teléfono (opcional)").fill("555-0100")
    phone.get_by_label("Universidad", exact=True).select_option(label="Riverside State University")
    phone.get_by_label("Carrera").fill("Administración pública")
    phone.get_by_label("Año de estudios").select_option(label="Tercer año")
    phone.get_by_label("Período", exact=True).select_option(label="Primavera")
    phone.get_by_label("Año", exact=True).select_option(str(date.today().year + 1))
    phone.get_by_label("Pasantía de verano").check()
    phone.get_by_label("Cuándo puede empezar").fill("En mayo")
    phone.get_by_label("Acepto que la oficina").check()
    phone.get_by_role("button", name="Enviar").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Gracias, ya tenemos sus datos")
    fits_the_phone(phone)


def link_in_the_confirmation(mail, live_server: str) -> str:
    """Deliver the outbox and return the link to the student's page in their message."""
    assert deliver_due().sent == 1
    (message,) = mail.received
    assert message["To"] == STUDENT_EMAIL
    assert message["Subject"] == "Recibimos su formulario de interés"
    body = message.get_content()
    assert body.startswith("Hola, Lucía:")
    lead = "Vea en qué etapa está, o corrija sus datos: "
    lines = [line.removeprefix(lead) for line in body.splitlines() if line.startswith(lead)]
    assert len(lines) == 1, f"no link to the student's page in the confirmation:\n{body}"
    (link,) = lines
    assert re.fullmatch(rf"{re.escape(live_server)}/apply/status/[A-Za-z0-9_-]{{43}}\S*", link)
    return link


def hr_opens_the_candidate(desk, live_server: str) -> None:
    """From the board, HR open the student's card."""
    desk.goto(f"{live_server}/candidates/board")
    interested = desk.get_by_role("region", name=re.compile(r"^Interested\b"))
    interested.get_by_role("link", name=STUDENT, exact=True).click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(STUDENT)


def phone_on_record(desk):
    """The phone number on the candidate page's profile."""
    return desk.locator("dt", has_text=re.compile(r"^Phone$")).locator("+ dd")


def on_their_own_page(desk):
    """What the candidate page lists of the student's own changes."""
    return desk.get_by_role("region", name="On their own page")


@pytest.fixture
def riverside(make_university):
    return make_university(name="Riverside State University")


@pytest.fixture
def hr_user(make_user):
    return make_user(role=Role.HR, name="Grace Hopkins")


def test_student_journey_in_spanish_on_a_phone(
    phone, desk, live_server, mail, riverside, stages, hr_user, sign_in, console_errors
):
    """A student sends the form in Spanish on a phone, gets the confirmation in Spanish
    with the link, opens their page, changes their phone, sends a resume and withdraws:
    does each step answer in Spanish, and do HR see each change on the candidate page and
    the board?"""
    send_the_form_in_spanish(phone, live_server)
    link = link_in_the_confirmation(mail, live_server)
    sign_in(desk, live_server, hr_user)
    hr_opens_the_candidate(desk, live_server)
    expect(phone_on_record(desk)).to_have_text("555-0100")
    candidate_page = desk.url

    # The mail app opens the link in a browser of its own, which never saw the form.
    phone.context.clear_cookies()
    phone.goto(link)
    expect(phone.locator("html")).to_have_attribute("lang", "es")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hola, Lucía")
    fits_the_phone(phone)

    phone.get_by_label("Teléfono (opcional)").fill("555-0199")
    phone.get_by_role("button", name="Guardar mis datos").tap()
    expect(flash(phone)).to_have_text("Guardamos sus datos.")
    expect(phone.get_by_label("Teléfono (opcional)")).to_have_value("555-0199")
    fits_the_phone(phone)
    desk.goto(candidate_page)
    expect(phone_on_record(desk)).to_have_text("555-0199")
    expect(on_their_own_page(desk)).to_contain_text("Changed their details (phone)")

    phone.get_by_label("Currículum (PDF, hasta 5 MB)").set_input_files(
        {"name": "cv-lucia.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf()}
    )
    phone.get_by_role("button", name="Enviar mi currículum").tap()
    expect(flash(phone)).to_have_text("Recibimos su nuevo currículum.")
    expect(phone.get_by_text("Tenemos su currículum cv-lucia.pdf")).to_be_visible()
    fits_the_phone(phone)
    desk.goto(candidate_page)
    expect(desk.get_by_role("link", name="cv-lucia.pdf")).to_be_visible()
    expect(on_their_own_page(desk)).to_contain_text("Sent a new resume")

    withdraw = phone.get_by_role("region", name="Retirar su solicitud")
    withdraw.get_by_role("button", name="Retirar mi solicitud").tap()
    expect(phone.get_by_role("alert")).to_contain_text(
        "Marque la casilla para confirmar que desea retirarse."
    )
    fits_the_phone(phone)
    withdraw.get_by_label("Sí, quiero retirar mi solicitud").check()
    withdraw.get_by_role("button", name="Retirar mi solicitud").tap()
    expect(flash(phone)).to_have_text("Usted retiró su solicitud.")
    expect(phone.get_by_text("Su solicitud está cerrada.", exact=False)).to_be_visible()
    expect(phone.get_by_role("button", name="Retirar mi solicitud")).to_have_count(0)
    expect(phone.locator("html")).to_have_attribute("lang", "es")
    fits_the_phone(phone)

    desk.goto(candidate_page)
    history = desk.get_by_role("region", name="Stage history").get_by_role("listitem")
    history = history.filter(has_text="Withdrawn")
    expect(history).to_contain_text("Interested → Withdrawn")
    expect(history).to_contain_text("The student, on their own page")
    expect(history).to_contain_text("Reason: Withdrew at their own request")
    expect(on_their_own_page(desk)).to_contain_text("Withdrew their application")

    # The board shows open stages only; closed candidates are in the list.
    desk.goto(f"{live_server}/candidates/board")
    expect(desk.get_by_role("region", name=re.compile(r"^Interested\b"))).to_be_visible()
    expect(desk.get_by_role("link", name=STUDENT, exact=True)).to_have_count(0)
    desk.get_by_role("link", name="list", exact=True).click()
    row = desk.get_by_role("row", name=re.compile(STUDENT))
    expect(row.get_by_role("cell").nth(3)).to_contain_text("Withdrawn")

    db.session.rollback()  # read what the server committed
    candidate = db.session.scalars(select(Candidate)).one()
    assert (candidate.phone, candidate.stage.key, candidate.language) == (
        "555-0199",
        "withdrawn",
        "es",
    )
    # The unticked withdrawal answers 400 on purpose, which Chromium reports.
    assert [e for e in console_errors if "status of 400" not in e] == []


# --- every public page, in both languages --------------------------------------------------

# Each public page: (path, answer, its heading in English, in Spanish). {…} are filled in
# from the records made for the test.
PUBLIC_PAGES = {
    "interest form": (
        "/apply",
        200,
        "Internships and jobs in state procurement",
        "Pasantías y empleos en compras del Estado",
    ),
    "fair's form": (
        "/apply/{slug}",
        200,
        "Internships and jobs in state procurement",
        "Pasantías y empleos en compras del Estado",
    ),
    "thanks": (
        "/apply/thanks",
        200,
        "Thank you, we have your details",
        "Gracias, ya tenemos sus datos",
    ),
    "openings": (
        "/apply/openings",
        200,
        "Internships and jobs open now",
        "Pasantías y empleos abiertos ahora",
    ),
    "link form": (
        "/apply/status",
        200,
        "See where your application stands",
        "Consulte el estado de su solicitud",
    ),
    "own page": ("/apply/status/{status}", 200, "Hello, Maya", "Hola, Maya"),
    "dead link": (
        "/apply/status/{garbage}",
        404,
        "This link no longer works",
        "Este enlace ya no funciona",
    ),
    "stop emails": (
        "/apply/stop/{stop}",
        200,
        "Stop emails from us?",
        "¿Quiere dejar de recibir nuestros correos?",
    ),
    "evaluation": (
        "/feedback/{feedback}",
        200,
        "Mid-term evaluation",
        "Evaluación de mitad de período",
    ),
    "evaluation link unavailable": (
        "/feedback/{garbage}",
        404,
        "This link cannot be used",
        "No se puede usar este enlace",
    ),
    "not found": ("/apply/nothing-here/x", 404, "Page not found", "No encontramos la página"),
}
# The pages a student most often opens on a phone, checked there too.
PHONE_PAGES = ("openings", "link form", "own page", "stop emails")


@pytest.fixture
def public_records(make_user, make_university, make_event, make_candidate):
    """What the public pages show: a fair, an open position, a student with a working link
    to their page, and a supervisor's evaluation link; returns the values of their paths."""
    fair = make_event(name="Riverside Spring Career Fair", university=make_university())
    new_position(title="Procurement Intern", agency="Department of Transportation")
    student = make_candidate(first_name="Maya", last_name="Okafor", consent_at=utcnow())
    link = students.issue_status_link(student)
    db.session.commit()
    standard_items()
    placement = new_placement(make_candidate(first_name="Ben", last_name="Adeyemi"))
    _, feedback = new_link(placement, make_user(role=Role.HR))
    return {
        "slug": fair.slug,
        "status": students.status_token(link),
        "stop": stop_token(student.id),
        "feedback": feedback,
        "garbage": "A" * 43,
    }


def page_problems(page, url: str, answer: int, heading: str, language: str, axe_check) -> list:
    """What is wrong with one public page: its answer, language, heading or axe-core's
    serious and critical findings (and, on a phone, any sideways scrolling)."""
    response = page.goto(url)
    problems = []
    if response.status != answer:
        problems.append(f"answered {response.status}, not {answer}")
    lang = page.locator("html").get_attribute("lang")
    if lang != language:
        problems.append(f'<html lang="{lang}">, not "{language}"')
    h1 = page.get_by_role("heading", level=1).inner_text()
    if h1 != heading:
        problems.append(f"its heading is {h1!r}, not {heading!r}")
    violations, report = axe_check(page)
    if violations:
        problems.append(report)
    if page.viewport_size["width"] == PHONE["width"]:
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{width}px wide on a 390px phone")
    return problems


def check_pages(page, live_server, names, language, records, axe_check, console_errors):
    problems = []
    for name in names:
        path, answer, english, spanish = PUBLIC_PAGES[name]
        url = f"{live_server}{path.format(**records)}?lang={language}"
        heading = spanish if language == "es" else english
        found = page_problems(page, url, answer, heading, language, axe_check)
        problems.extend(f"{name} ({path}): {problem}" for problem in found)
    assert problems == [], "\n".join(problems)
    # Chromium reports each 404 a dead link answers, on purpose; nothing else may appear.
    assert [e for e in console_errors if "status of 404" not in e] == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_public_pages_pass_axe_on_a_desktop(
    page, live_server, public_records, language, axe_check, console_errors
):
    """On a 1280x800 desktop, does every public page answer in the language asked for,
    with its own heading and no serious or critical axe-core finding?"""
    check_pages(
        page, live_server, PUBLIC_PAGES, language, public_records, axe_check, console_errors
    )


@pytest.mark.parametrize("language", ["en", "es"])
def test_student_pages_pass_axe_on_a_phone(
    phone, live_server, public_records, language, axe_check, console_errors
):
    """On a 390-pixel phone, do the pages students open most pass axe-core in the language
    asked for, with nothing wider than the screen?"""
    check_pages(
        phone, live_server, PHONE_PAGES, language, public_records, axe_check, console_errors
    )
