"""Students tell the office they are interested: the public form, its fair mode and kiosk,
its defences against bots, and the event pages that point students to it."""

import io
import re
import time
from datetime import date, timedelta
from html import unescape
from pathlib import Path

import itsdangerous.timed
import pytest
from sqlalchemy import func, select

from recruit.admin.models import set_setting
from recruit.auth.models import Role
from recruit.candidates.models import (
    Attachment,
    Candidate,
    CandidateEvent,
    CandidateInterest,
    Interest,
    ProposedUpdate,
    Source,
    StageChange,
)
from recruit.config import DEFAULTS
from recruit.events.models import EventStatus
from recruit.extensions import db
from recruit.i18n import COOKIE
from recruit.interest import receipts
from tests.pdf_files import blank_pdf

GRAD_YEAR = str(date.today().year + 1)


@pytest.fixture
def config_overrides():
    """The fill-time check is off unless a test turns it on."""
    return {"MIN_FILL_SECONDS": 0}


@pytest.fixture
def university(make_university):
    return make_university(name="Capital State University")


def form_data(school, /, **changes):
    """A complete, valid submission, with some answers changed or (as None) left out."""
    data = {
        "first_name": "Maya",
        "last_name": "Okafor",
        "email": "maya.okafor@capital.example.edu",
        "phone": "555-0100",
        "university": str(school.id),
        "university_other": "",
        "major": "Supply Chain Management",
        "class_standing": "junior",
        "grad_term": "spring",
        "grad_year": GRAD_YEAR,
        "interests": ["summer_internship"],
        "availability": "May, after finals",
        "procurement_areas": ["Contract management"],
        "consent": "y",
        "website": "",
        # Each call is a fresh page, as each student's own would be.
        "started": receipts.start_token(),
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def page_text(response) -> str:
    return unescape(response.get_data(as_text=True))


def field_error(response, field_id: str) -> str:
    """The error shown beside a field (its -error paragraph), or ''."""
    match = re.search(
        rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>',
        response.get_data(as_text=True),
        re.S,
    )
    return unescape(match.group(1)) if match else ""


def input_value(response, name: str) -> str | None:
    """The value a text input was re-rendered with."""
    match = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', response.get_data(as_text=True))
    if match is None:
        return None
    value = re.search(r'\bvalue="([^"]*)"', match.group(0))
    return unescape(value.group(1)) if value else ""


def field_tag(response, name: str) -> str:
    """The opening tag of the input or select a field is drawn with."""
    html = response.get_data(as_text=True)
    return re.search(rf'<(?:input|select)[^>]*\bname="{name}"[^>]*>', html).group(0)


def attribute(tag: str, name: str) -> str | None:
    """An attribute's value in an opening tag, '' when it stands alone, None when absent."""
    match = re.search(rf'\s{name}(?:="([^"]*)")?[\s>]', tag)
    if match is None:
        return None
    return unescape(match.group(1) or "")


def error_summary(response) -> str:
    """The error summary's text, tags removed and spaces folded."""
    html = response.get_data(as_text=True)
    match = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(0))).split()) if match else ""


def selected_value(response, name: str) -> str | None:
    """The option selected in a select."""
    html = response.get_data(as_text=True)
    select_html = re.search(rf'<select[^>]*\bname="{name}".*?</select>', html, re.S)
    if select_html is None:
        return None
    option = re.search(r'<option selected value="([^"]*)"', select_html.group(0))
    option = option or re.search(r'<option value="([^"]*)" selected', select_html.group(0))
    return unescape(option.group(1)) if option else None


def checked(response, name: str) -> set[str]:
    """Which checkboxes of a group are ticked."""
    found = set()
    for tag in re.findall(rf'<input[^>]*\bname="{name}"[^>]*>', response.get_data(as_text=True)):
        if re.search(r"\bchecked\b", tag):
            found.add(unescape(re.search(r'\bvalue="([^"]*)"', tag).group(1)))
    return found


def count(model) -> int:
    db.session.rollback()  # read what the requests committed
    return db.session.scalar(select(func.count()).select_from(model))


def only_candidate() -> Candidate:
    db.session.rollback()
    return db.session.scalars(select(Candidate)).one()


def assert_kept(response, data: dict, *skip: str) -> None:
    """Every answer the student gave is still in the re-rendered form."""
    for name in ("first_name", "last_name", "email", "phone", "major", "availability"):
        if name not in skip:
            assert input_value(response, name) == data[name], name
    assert selected_value(response, "university") == data["university"]
    assert selected_value(response, "class_standing") == data["class_standing"]
    assert selected_value(response, "grad_term") == data["grad_term"]
    if "grad_year" not in skip:
        assert selected_value(response, "grad_year") == data["grad_year"]
    if "interests" not in skip:
        assert checked(response, "interests") == set(data["interests"])
    assert checked(response, "procurement_areas") == set(data["procurement_areas"])


# --- the page itself ------------------------------------------------------------------


def test_form_opens_without_sign_in(client, stages, university):
    """Can a student open /apply without an account and see every question the brief lists?"""
    response = client.get("/apply")
    assert response.status_code == 200
    text = page_text(response)
    for label in (
        "First name",
        "Last name",
        "Email",
        "Phone (optional)",
        "University",
        "Major",
        "Class standing",
        "Expected graduation",
        "I'm interested in",
        "When can you start",
        "Areas of procurement that interest you",
        "Resume (PDF, optional)",
        "I agree",
    ):
        assert label in text, label
    assert "Capital State University" in text


def test_form_asks_nothing_more_personal(client, stages):
    """Does the form leave out birth date, SSN, GPA and demographics?"""
    html = client.get("/apply").get_data(as_text=True)
    names = set(re.findall(r'name="([^"]+)"', html)) - {"viewport"}
    assert names <= {
        "csrf_token",
        "started",
        "submission",
        "website",
        "first_name",
        "last_name",
        "email",
        "phone",
        "university",
        "university_other",
        "major",
        "class_standing",
        "grad_term",
        "grad_year",
        "interests",
        "availability",
        "procurement_areas",
        "resume",
        "consent",
    }
    text = page_text(client.get("/apply")).lower()
    for word in ("birth", "ssn", "social security", "gpa", "gender", "race", "ethnicity"):
        assert not any(word in name for name in names), word
        assert not re.search(rf"\b{word}\b", text), word


def test_phone_fills_the_students_details_and_shows_the_right_keyboards(client, stages):
    """Does each personal field name its autofill kind, with the email and phone keyboards?"""
    response = client.get("/apply")
    expected = {
        "first_name": ("text", "given-name"),
        "last_name": ("text", "family-name"),
        "email": ("email", "email"),
        "phone": ("tel", "tel"),
    }
    for name, (kind, autofill) in expected.items():
        tag = field_tag(response, name)
        assert (attribute(tag, "type"), attribute(tag, "autocomplete")) == (kind, autofill), name


def test_university_is_not_autofilled_as_an_employer(client, stages):
    """Does nothing about the university claim the autofill kind meant for an employer?"""
    response = client.get("/apply")
    for name in ("university", "university_other", "major"):
        assert attribute(field_tag(response, name), "autocomplete") in (None, "off"), name
    assert "organization" not in response.get_data(as_text=True)


def test_other_university_field_is_there_without_javascript(client, stages):
    """Is the 'if not listed' field in the page, not hidden, and marked for the script?"""
    response = client.get("/apply")
    tag = field_tag(response, "university_other")
    assert attribute(tag, "hidden") is None
    assert attribute(tag, "data-shown-for") == "university=other"
    assert '<option value="other">Other / not listed</option>' in response.get_data(as_text=True)


def test_form_page_loads_its_script_deferred(client, stages):
    """Does the form load static/js/form.js deferred (no inline script: the CSP forbids it)?"""
    html = client.get("/apply").get_data(as_text=True)
    assert '<script src="/static/js/form.js" defer></script>' in html
    assert "<script>" not in html


def test_privacy_notice_is_the_one_admins_set(client, stages):
    """Does the form show the privacy notice an admin wrote on the settings page?"""
    set_setting("privacy_notice", "We keep your details for 18 months. Ask to delete them.")
    db.session.commit()
    assert "We keep your details for 18 months." in page_text(client.get("/apply"))


# --- a successful submission ----------------------------------------------------------


def test_submission_goes_to_thanks_with_303(client, stages, university):
    """Does a valid submission answer 303 to /apply/thanks?"""
    response = client.post("/apply", data=form_data(university))
    assert response.status_code == 303
    assert response.headers["Location"] == "/apply/thanks"


def test_thanks_page_says_what_happens_next(client, stages):
    """Does the thank-you page tell the student what happens next?"""
    text = page_text(client.get("/apply/thanks"))
    assert "what happens next" in text.lower()
    assert "within about two weeks" in text
    assert 'http-equiv="refresh"' not in text


def test_thanks_page_offers_a_new_link_to_the_students_page(client, stages):
    """Does the thank-you page say a private link is on its way, and where to get another?"""
    page = client.get("/apply/thanks").get_data(as_text=True)
    assert "a private link to your own page" in page
    assert 'href="/apply/status"' in page


def test_public_pages_link_openings_and_the_students_page(client, stages):
    """Can a student find the openings and their own page from the form?"""
    page = client.get("/apply").get_data(as_text=True)
    assert 'href="/apply/openings"' in page
    assert 'href="/apply/status"' in page


def test_kiosk_form_neither_offers_nor_keeps_answers(client, stages):
    """At a kiosk, do the form and each of its typed fields say autocomplete="off", so no
    browser offers or restores one student's answers to the next?"""
    response = client.get("/apply?kiosk=1")
    html = response.get_data(as_text=True)
    form_tag = re.search(r'<form method="post"[^>]*>', html).group(0)
    assert attribute(form_tag, "autocomplete") == "off"
    for name in ("first_name", "last_name", "email", "phone", "university", "university_other"):
        assert attribute(field_tag(response, name), "autocomplete") == "off", name
    for name in ("major", "class_standing", "grad_term", "grad_year", "availability"):
        assert attribute(field_tag(response, name), "autocomplete") == "off", name


def test_form_elsewhere_keeps_autofill(client, stages):
    """Away from a kiosk, does the form itself leave autocomplete on?"""
    html = client.get("/apply").get_data(as_text=True)
    form_tag = re.search(r'<form method="post"[^>]*>', html).group(0)
    assert attribute(form_tag, "autocomplete") is None


def test_kiosk_keeps_students_on_the_form(client, stages):
    """At a kiosk, does the form leave out the links that would take a student away?"""
    page = client.get("/apply?kiosk=1").get_data(as_text=True)
    assert 'href="/apply/openings"' not in page
    assert 'href="/apply/status"' not in page


def test_new_student_enters_first_stage_with_history(client, stages, university):
    """Is a new student placed in the first stage, with a stage change made by nobody?"""
    client.post("/apply", data=form_data(university))
    candidate = only_candidate()
    assert candidate.stage_id == stages["interested"].id
    change = db.session.scalars(select(StageChange)).one()
    assert (change.candidate_id, change.to_stage_id, change.user_id) == (
        candidate.id,
        stages["interested"].id,
        None,
    )
    assert candidate.source == Source.WEBSITE
    assert candidate.consent_at is not None


def test_optional_answers_may_be_left_out(client, stages, university):
    """Does a form with only the required answers, no optional field sent, save the student?"""
    optional = ("phone", "university_other", "procurement_areas", "website")
    data = form_data(university, **dict.fromkeys(optional))
    response = client.post("/apply", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert only_candidate().stage_id == stages["interested"].id


def test_submission_keeps_every_answer(client, stages, university):
    """Are the student's answers stored as given?"""
    client.post("/apply", data=form_data(university, interests=["co_op", "full_time"]))
    candidate = only_candidate()
    assert (candidate.first_name, candidate.last_name) == ("Maya", "Okafor")
    assert candidate.email == "maya.okafor@capital.example.edu"
    assert candidate.university_id == university.id
    assert candidate.grad_year == int(GRAD_YEAR)
    assert candidate.availability == "May, after finals"
    assert candidate.procurement_areas == ["Contract management"]
    assert {ci.interest for ci in candidate.interests} == {Interest.CO_OP, Interest.FULL_TIME}


def test_new_student_appears_on_the_board(client, stages, university, signed_in):
    """Does HR find the new student on the board after the form is sent?"""
    client.post("/apply", data=form_data(university, first_name="Ngozi"))
    signed_in(Role.HR)
    assert "Ngozi Okafor" in page_text(client.get("/candidates/board"))


def test_email_with_trailing_space_from_a_phone_keyboard(client, stages, university):
    """Is an email with the space a phone keyboard appends accepted, and stored trimmed?"""
    response = client.post("/apply", data=form_data(university, email=" maya@capital.edu "))
    assert response.status_code == 303
    assert only_candidate().email == "maya@capital.edu"


def test_other_university_by_name(client, stages, university):
    """Can a student whose university is not listed type its name?"""
    data = form_data(university, university="other", university_other="Lakeside College")
    assert client.post("/apply", data=data).status_code == 303
    candidate = only_candidate()
    assert (candidate.university_id, candidate.university_other) == (None, "Lakeside College")


@pytest.mark.parametrize(
    ("first_name", "last_name"),
    [
        ("José", "Álvarez"),
        ("李", "明"),
        ("محمد", "العلي"),
        ("Siobhán", "O'Brien"),
        ("Anne-Marie", "D\u2019Arcy"),  # a curly apostrophe, as phones type it
        ("Jose\u0301", "Nun\u0303ez"),  # decomposed accents, as some keyboards send them
        ("مُحَمَّد", "Haddad"),  # Arabic with its vowel marks
        ("प्रिया", "शर्मा"),  # Devanagari, with its vowel signs
        ("Nguyễn", "Thị Minh"),
    ],
)
def test_names_in_any_script_are_saved_exactly(client, stages, university, first_name, last_name):
    """Are names in any script, with accents, apostrophes and hyphens, saved as typed?"""
    data = form_data(university, first_name=first_name, last_name=last_name)
    response = client.post("/apply", data=data)
    assert response.status_code == 303, field_error(response, "first_name")
    candidate = only_candidate()
    assert (candidate.first_name, candidate.last_name) == (first_name, last_name)


# --- validation -----------------------------------------------------------------------


def test_missing_names_are_shown_beside_their_fields(client, stages, university):
    """Does leaving out both names give an error beside each, with everything else kept?"""
    data = form_data(university, first_name="", last_name="")
    response = client.post("/apply", data=data)
    assert response.status_code == 400
    assert field_error(response, "first_name") == "Enter your first name."
    assert field_error(response, "last_name") == "Enter your last name."
    assert_kept(response, data)
    assert count(Candidate) == 0


def test_name_of_spaces_counts_as_missing(client, stages, university):
    """Is a name of spaces alone refused as missing?"""
    response = client.post("/apply", data=form_data(university, first_name="   "))
    assert response.status_code == 400
    assert field_error(response, "first_name") == "Enter your first name."
    assert count(Candidate) == 0


def test_name_with_digits_is_refused(client, stages, university):
    """Is a name with digits refused with a message beside it, and the rest kept?"""
    data = form_data(university, last_name="Okafor2")
    response = client.post("/apply", data=data)
    assert response.status_code == 400
    assert "letters only" in field_error(response, "last_name")
    assert_kept(response, data)
    assert count(Candidate) == 0


def test_bad_email_is_refused(client, stages, university):
    """Is an email without a real shape refused beside the field, the rest kept?"""
    data = form_data(university, email="maya@capital")
    response = client.post("/apply", data=data)
    assert response.status_code == 400
    assert field_error(response, "email") == "Enter an email address like name@university.edu."
    assert_kept(response, data)


def test_overlong_name_is_refused(client, stages, university):
    """Is a name longer than the record can hold refused?"""
    response = client.post("/apply", data=form_data(university, first_name="A" * 101))
    assert response.status_code == 400
    assert field_error(response, "first_name")


@pytest.mark.parametrize("year", ["1990", str(date.today().year + 20), "next year"])
def test_graduation_year_outside_the_choices_is_refused(client, stages, university, year):
    """Is a graduation year the form does not offer refused beside its field?"""
    data = form_data(university, grad_year=year)
    response = client.post("/apply", data=data)
    assert response.status_code == 400
    assert field_error(response, "grad_year").startswith("Choose a graduation year from")
    assert_kept(response, data, "grad_year")
    assert count(Candidate) == 0


def test_consent_missing_is_refused(client, stages, university):
    """Is a submission without the consent box ticked refused, with everything kept?"""
    data = form_data(university, consent=None)
    response = client.post("/apply", data=data)
    assert response.status_code == 400
    wanted = "Tick the box to agree that we may keep your details and contact you."
    assert field_error(response, "consent") == wanted
    assert_kept(response, data)
    assert count(Candidate) == 0


def test_consent_reads_well_in_the_error_summary(client, stages, university):
    """Does the summary name the unticked box 'Consent', not with its whole sentence?"""
    response = client.post("/apply", data=form_data(university, consent=None))
    summary = error_summary(response)
    assert (
        "Consent: Tick the box to agree that we may keep your details and contact you." in summary
    )
    assert "I agree" not in summary
    assert '<a href="#consent">' in response.get_data(as_text=True)


def test_other_university_needs_a_name(client, stages, university):
    """Does choosing 'Other' without typing the university's name ask for it?"""
    data = form_data(university, university="other", university_other="")
    response = client.post("/apply", data=data)
    assert response.status_code == 400
    assert field_error(response, "university_other") == "Enter the name of your university."
    assert selected_value(response, "university") == "other"
    assert count(Candidate) == 0


def test_interests_missing_is_refused(client, stages, university):
    """Does a submission with no kind of work ticked ask for at least one?"""
    data = form_data(university, interests=None)
    response = client.post("/apply", data=data)
    assert response.status_code == 400
    assert field_error(response, "interests") == "Choose at least one."
    assert_kept(response, data, "interests")
    assert count(Candidate) == 0


def test_errors_are_announced_to_screen_readers(client, stages, university):
    """Does an error summary alert screen readers and tie each error to its field?"""
    response = client.post("/apply", data=form_data(university, email="nope"))
    html = response.get_data(as_text=True)
    assert 'class="error-summary" role="alert" tabindex="-1"' in html
    assert '<a href="#email">' in html
    email_input = re.search(r'<input[^>]*\bname="email"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in email_input
    assert re.search(r'aria-describedby="[^"]*\bemail-error\b', email_input)


# --- a student who sends the form again -----------------------------------------------


@pytest.fixture
def returning(client, stages, university, make_event, make_candidate):
    """A student HR noted at a booth (few details, now in Screening), who then sends the
    form at a fair with their email in other letter case."""
    make_candidate(
        first_name="Maya",
        last_name="Okafor",
        email="maya.okafor@capital.example.edu",
        stage="screening",
        availability="Summer only",
        interests=[CandidateInterest(interest=Interest.SUMMER_INTERNSHIP)],
    )
    event = make_event(name="Spring Career Expo")
    again = form_data(
        university,
        first_name="Mayah",
        email="MAYA.Okafor@Capital.Example.EDU",
        interests=["semester_internship"],
    )
    response = client.post(f"/apply/{event.slug}", data=again)
    return response, event


def test_returning_student_keeps_one_record(returning):
    """Does a second submission with the same email in another case keep one record?"""
    assert count(Candidate) == 1


def test_returning_student_sees_the_same_thanks(returning, client, make_university):
    """Is the answer to a known email the same as to a new one (nothing revealed)?"""
    response, event = returning
    fresh = client.post(
        f"/apply/{event.slug}", data=form_data(make_university(), email="new@capital.edu")
    )
    assert (response.status_code, response.headers["Location"]) == (
        fresh.status_code,
        fresh.headers["Location"],
    )
    assert response.get_data() == fresh.get_data()


def test_returning_student_changes_nothing_directly(returning):
    """Does a second submission leave the record's details as they were, blanks included
    (anyone may type a known email into the public form)?"""
    candidate = only_candidate()
    assert candidate.phone == ""
    assert candidate.major == ""
    assert candidate.university_id is None
    assert candidate.grad_year is None
    assert candidate.consent_at is None
    assert candidate.first_name == "Maya"
    assert candidate.email == "maya.okafor@capital.example.edu"
    assert candidate.availability == "Summer only"


def test_returning_student_leaves_a_proposal_for_hr(returning, university):
    """Is what the second submission carried kept as a proposed update for HR?"""
    _, event = returning
    proposal = db.session.scalars(select(ProposedUpdate)).one()
    assert proposal.candidate_id == only_candidate().id
    assert (proposal.first_name, proposal.phone, proposal.major) == (
        "Mayah",
        "555-0100",
        "Supply Chain Management",
    )
    assert (proposal.university_id, proposal.grad_year) == (university.id, int(GRAD_YEAR))
    assert proposal.interests == ["semester_internship"]
    assert proposal.event_id == event.id


def test_returning_student_is_counted_at_the_event(returning):
    """Does a second submission count the student as the event's lead, and leave their
    interests for HR to accept?"""
    _, event = returning
    candidate = only_candidate()
    assert {ci.interest for ci in candidate.interests} == {Interest.SUMMER_INTERNSHIP}
    link = db.session.scalars(select(CandidateEvent)).one()
    assert (link.candidate_id, link.event_id) == (candidate.id, event.id)


def test_returning_student_keeps_their_stage(returning, stages):
    """Does a second submission leave the student in the stage staff moved them to?"""
    candidate = only_candidate()
    assert candidate.stage_id == stages["screening"].id
    assert count(StageChange) == 1


# --- bots -----------------------------------------------------------------------------


def test_honeypot_gets_thanks_and_saves_nothing(client, stages, university):
    """Does a bot that fills the hidden 'website' field get thanked and nothing saved?"""
    response = client.post("/apply", data=form_data(university, website="http://spam.example"))
    assert response.status_code == 303
    assert response.headers["Location"] == "/apply/thanks"
    assert count(Candidate) == 0


@pytest.fixture
def form_clock(monkeypatch) -> float:
    """Hold the clock the start tokens are read against still for the test, so that a
    send comes exactly as many seconds after the form as the test says, however slowly
    the machine runs the request."""
    now = time.time()
    monkeypatch.setattr(receipts.time, "time", lambda: now)
    return now


def token_from(seconds_ago: float) -> str:
    """A start token for a form shown this many seconds ago."""
    real = time.time()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(receipts.time, "time", lambda: real - seconds_ago)
        return receipts.start_token()


def test_minimum_fill_time_is_quicker_than_any_person():
    """Is the default minimum above zero (bots are held back) yet well below the seconds
    a person needs for the selects and boxes, autofill or not?"""
    assert 0 < DEFAULTS["MIN_FILL_SECONDS"] <= 2


@pytest.mark.usefixtures("form_clock")
class TestMinimumFillTime:
    """The form holds back a send quicker than any person, keeping every answer, until a
    moment later."""

    @pytest.fixture
    def config_overrides(self):
        return {"MIN_FILL_SECONDS": DEFAULTS["MIN_FILL_SECONDS"]}

    def test_too_fast_is_held_back_with_every_answer_kept(self, client, stages, university):
        """Is a send half a second after the form opened re-shown, answers kept, nothing
        saved?"""
        data = form_data(university, started=token_from(0.5))
        response = client.post("/apply", data=data)
        assert response.status_code == 400
        assert_kept(response, data)
        assert count(Candidate) == 0

    def test_too_fast_says_why_in_the_error_summary(self, client, stages, university):
        """Does the error summary say plainly why the form was held back, with no field
        marked wrong?"""
        response = client.post("/apply", data=form_data(university, started=token_from(0.5)))
        summary = error_summary(response)
        assert summary.startswith("Your answers have not been sent yet")
        assert "quicker than anyone can fill in this form" in summary
        assert "press Send again" in summary
        assert 'aria-invalid="true"' not in response.get_data(as_text=True)
        assert 'class="flash' not in response.get_data(as_text=True)

    def test_the_same_press_passes_a_moment_later(self, client, stages, university, monkeypatch):
        """Does the page keep its token (never a back-dated one, which a bot would reuse), so
        that the student's next press, a moment later, goes through?"""
        data = form_data(university, started=token_from(0.5))
        first = client.post("/apply", data=data)
        assert input_value(first, "started") == data["started"]
        later = time.time() + 2
        monkeypatch.setattr(receipts.time, "time", lambda: later)
        second = client.post("/apply", data=data)
        assert second.status_code == 303
        assert count(Candidate) == 1

    def test_form_filled_in_two_seconds_passes(self, client, stages, university):
        """Is a send two seconds after the form opened (autofill and quick thumbs) accepted?"""
        response = client.post("/apply", data=form_data(university, started=token_from(2)))
        assert response.status_code == 303
        assert count(Candidate) == 1

    def test_forged_token_is_not_trusted(self, client, stages, university):
        """Is a send with a made-up start token held back?"""
        response = client.post("/apply", data=form_data(university, started="1700000000"))
        assert response.status_code == 400
        assert count(Candidate) == 0

    def test_form_page_carries_a_start_token(self, client, stages):
        """Does the form carry a signed note of when it was shown?"""
        token = input_value(client.get("/apply"), "started")
        assert receipts.read_start(token) is not None


@pytest.mark.usefixtures("form_clock")
class TestLongerMinimum:
    """An office may ask for a longer minimum with RECRUIT_MIN_FILL_SECONDS."""

    @pytest.fixture
    def config_overrides(self):
        return {"MIN_FILL_SECONDS": 5}

    def test_send_under_the_set_minimum_is_held_back(self, client, stages, university):
        """With a minimum of 5 s, is a send after 3 s held back?"""
        response = client.post("/apply", data=form_data(university, started=token_from(3)))
        assert response.status_code == 400
        assert count(Candidate) == 0

    def test_send_over_the_set_minimum_passes(self, client, stages, university):
        """With a minimum of 5 s, is a send after 6 s accepted?"""
        response = client.post("/apply", data=form_data(university, started=token_from(6)))
        assert response.status_code == 303


def test_zero_minimum_fill_time_turns_the_check_off(client, stages, university):
    """With MIN_FILL_SECONDS 0, is a send made the instant its form was shown accepted?"""
    assert client.post("/apply", data=form_data(university)).status_code == 303


# --- CSRF -----------------------------------------------------------------------------


class TestCsrf:
    """A missing or expired CSRF token re-renders the form; it is never an error page."""

    @pytest.fixture
    def config_overrides(self):
        return {"MIN_FILL_SECONDS": 0, "WTF_CSRF_ENABLED": True, "WTF_CSRF_TIME_LIMIT": 3600}

    def test_missing_token_keeps_the_answers(self, client, stages, university):
        """Is a send without a CSRF token shown again with every answer and a short note?"""
        client.get("/apply")
        data = form_data(university)
        response = client.post("/apply", data=data)
        assert response.status_code == 400
        text = page_text(response)
        assert "Your answers are still here" in error_summary(response)
        assert "Your answers have not been sent yet" in error_summary(response)
        assert "CSRF" not in text
        assert "Something in that request" not in text
        assert_kept(response, data)
        assert count(Candidate) == 0

    def test_expired_token_keeps_the_answers(self, client, stages, university, monkeypatch):
        """Is a form left open two hours (token expired) shown again with the answers?"""
        real = time.time()
        monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real - 7200)
        old_token = input_value(client.get("/apply"), "csrf_token")
        monkeypatch.undo()
        data = form_data(university, csrf_token=old_token)
        response = client.post("/apply", data=data)
        assert response.status_code == 400
        assert "Your answers are still here" in page_text(response)
        assert_kept(response, data)
        assert count(Candidate) == 0

    def test_send_again_after_the_note_goes_through(self, client, stages, university):
        """After the note, does pressing Send again (fresh token) save the student?"""
        first = client.post("/apply", data=form_data(university))
        token = input_value(first, "csrf_token")
        response = client.post("/apply", data=form_data(university, csrf_token=token))
        assert response.status_code == 303
        assert count(Candidate) == 1

    def test_note_and_field_errors_together(self, client, stages, university):
        """With no token and a bad email, does the student see the note and the email error?"""
        response = client.post("/apply", data=form_data(university, email="nope"))
        assert "Your answers are still here" in page_text(response)
        assert field_error(response, "email")
        assert "CSRF" not in page_text(response)


# --- rate limit -----------------------------------------------------------------------


class TestRateLimit:
    """One address may only send so many forms a minute."""

    @pytest.fixture
    def config_overrides(self):
        return {"MIN_FILL_SECONDS": 0, "RATELIMIT_ENABLED": True, "INTEREST_FORM_LIMIT": "2/minute"}

    def test_too_many_sends_get_the_friendly_page(self, client, stages, university):
        """Does the third send in a minute get the friendly 429 page?"""
        for n in range(2):
            data = form_data(university, email=f"student{n}@capital.edu")
            assert client.post("/apply", data=data).status_code == 303
        response = client.post("/apply", data=form_data(university, email="third@capital.edu"))
        assert response.status_code == 429
        assert "Please wait a minute, then try again." in page_text(response)
        assert count(Candidate) == 2

    def test_event_form_shares_the_limit(self, client, stages, university, make_event):
        """Do sends to an event's form count toward the same limit as /apply?"""
        event = make_event()
        client.post("/apply", data=form_data(university, email="a@capital.edu"))
        client.post(f"/apply/{event.slug}", data=form_data(university, email="b@capital.edu"))
        response = client.post(f"/apply/{event.slug}", data=form_data(university))
        assert response.status_code == 429

    def test_opening_the_form_is_not_limited(self, client, stages):
        """Can the form page itself be opened more often than the send limit?"""
        assert all(client.get("/apply").status_code == 200 for _ in range(4))


# --- fair mode ------------------------------------------------------------------------


def test_event_form_says_where_the_student_is(client, stages, university, make_event):
    """Does /apply/<slug> say 'You're at <event>' and preselect the event's university?"""
    event = make_event(name="Capital Fall Career Fair", university_id=university.id)
    response = client.get(f"/apply/{event.slug}")
    assert response.status_code == 200
    assert "You're at Capital Fall Career Fair" in page_text(response)
    assert selected_value(response, "university") == str(university.id)


def test_event_form_attributes_the_event(client, stages, university, make_event):
    """Is a submission at an event recorded as that event's lead?"""
    event = make_event(university_id=university.id)
    response = client.post(f"/apply/{event.slug}", data=form_data(university))
    assert response.status_code == 303
    candidate = only_candidate()
    assert (candidate.source, candidate.source_event_id) == (Source.EVENT, event.id)
    link = db.session.scalars(select(CandidateEvent)).one()
    assert (link.candidate_id, link.event_id, link.via) == (candidate.id, event.id, "form")


def test_event_leads_list_the_student(client, stages, university, make_event, signed_in):
    """Does staff's event page list the student who signed up there?"""
    event = make_event()
    client.post(f"/apply/{event.slug}", data=form_data(university, first_name="Tomasz"))
    signed_in(Role.HR)
    assert "Tomasz Okafor" in page_text(client.get(f"/events/{event.id}"))


def test_unknown_event_gets_the_friendly_page(client, stages):
    """Does a mistyped event link show a friendly 404 that points to /apply?"""
    response = client.get("/apply/no-such-fair")
    assert response.status_code == 404
    assert "sign-up is not open" in page_text(response)
    assert 'href="/apply"' in response.get_data(as_text=True)


def test_cancelled_event_gets_the_friendly_page(client, stages, make_event):
    """Does a cancelled event's link show the friendly 404 that points to /apply?"""
    event = make_event(status=EventStatus.CANCELLED)
    response = client.get(f"/apply/{event.slug}")
    assert response.status_code == 404
    assert 'href="/apply"' in response.get_data(as_text=True)


def test_cancelled_event_saves_nothing(client, stages, university, make_event):
    """Is a submission posted to a cancelled event's form refused without saving?"""
    event = make_event(status=EventStatus.CANCELLED)
    assert client.post(f"/apply/{event.slug}", data=form_data(university)).status_code == 404
    assert count(Candidate) == 0


# --- kiosk ----------------------------------------------------------------------------


def kiosk_thanks(client, event, data):
    """Send the form at the event's kiosk; return the thank-you page it leads to."""
    response = client.post(f"/apply/{event.slug}?kiosk=1", data=data)
    assert response.status_code == 303
    return client.get(response.headers["Location"])


def next_student_link(thanks) -> str:
    """Where the thank-you page's 'Next student' button leads (in either language)."""
    html = thanks.get_data(as_text=True)
    return unescape(re.search(r'<a [^>]*href="([^"]*)"[^>]*\sdata-kiosk-again>', html).group(1))


def test_kiosk_thanks_has_no_meta_refresh(client, stages, university, make_event):
    """Does the kiosk's thank-you page leave out the meta refresh no one can pause?"""
    thanks = kiosk_thanks(client, make_event(), form_data(university))
    assert "http-equiv" not in thanks.get_data(as_text=True)


def test_kiosk_thanks_counts_down_with_its_script(client, stages, university, make_event):
    """Does the kiosk's thank-you page carry the countdown's length and load kiosk.js?"""
    html = kiosk_thanks(client, make_event(), form_data(university)).get_data(as_text=True)
    assert 'data-kiosk-next data-seconds="8"' in html
    assert '<script src="/static/js/kiosk.js" defer></script>' in html
    assert "<script>" not in html
    assert "This screen returns to an empty form for the next student in 8 seconds." in html


def test_kiosk_countdown_follows_the_setting(app, client, stages, university, make_event):
    """With KIOSK_RESET_SECONDS at 75, does the page count from 1:15?"""
    app.config["KIOSK_RESET_SECONDS"] = 75
    text = page_text(kiosk_thanks(client, make_event(), form_data(university)))
    assert 'data-seconds="75"' in text
    assert "Next student in 1:15" in re.sub(r"<[^>]+>", "", text)


def test_kiosk_countdown_is_announced_politely(client, stages, university, make_event):
    """Is the countdown's status line a polite status region, and the ticking time outside
    it, so screen readers are not told every second?"""
    html = kiosk_thanks(client, make_event(), form_data(university)).get_data(as_text=True)
    status = re.search(r"<p [^>]*role=\"status\"[^>]*>.*?</p>", html, re.S).group(0)
    assert "data-kiosk-time" not in status
    assert "aria-live" not in html  # role=status is polite; nothing else speaks up


def test_kiosk_pause_button_waits_for_its_script(client, stages, university, make_event):
    """Without JavaScript, are the countdown and the Pause button hidden (they would do
    nothing), and does the page say to press Next student?"""
    html = kiosk_thanks(client, make_event(), form_data(university)).get_data(as_text=True)
    assert re.search(r"<button [^>]*data-kiosk-pause[^>]*\shidden>Pause</button>", html)
    assert re.search(r"<p [^>]*data-kiosk-timer hidden>", html)
    assert "When you are done, press Next student" in unescape(html)


def test_next_student_link_opens_the_empty_kiosk_form(client, stages, university, make_event):
    """Does 'Next student' lead to the event's kiosk form and nowhere else?"""
    event = make_event()
    thanks = kiosk_thanks(client, event, form_data(university))
    assert next_student_link(thanks) == f"/apply/{event.slug}?kiosk=1"


def test_thanks_away_from_a_kiosk_has_no_countdown(client, stages):
    """Away from a kiosk, is the thank-you page free of the countdown and its script?"""
    html = client.get("/apply/thanks").get_data(as_text=True)
    assert "kiosk.js" not in html
    assert "data-kiosk-next" not in html


def test_next_kiosk_student_sees_nothing_of_the_last(client, stages, university, make_event):
    """Does the next student at the kiosk get a form without the previous student's answers?"""
    event = make_event()
    data = form_data(university, first_name="Priyanka", email="priyanka@capital.edu")
    page = client.get(next_student_link(kiosk_thanks(client, event, data)))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Priyanka" not in html and "priyanka@capital.edu" not in html
    assert input_value(page, "first_name") in ("", None)


@pytest.mark.parametrize("path", ["/apply?kiosk=1", "/apply/thanks?kiosk=1"])
def test_kiosk_pages_are_never_stored(client, stages, path):
    """Do the kiosk's form and thank-you page tell the browser to keep no copy (so Back,
    the back/forward cache and the disk cache never show a student's page again)?"""
    assert client.get(path).headers["Cache-Control"] == "no-store"


def test_kiosk_form_sent_with_an_error_is_never_stored(client, stages, university):
    """Is a kiosk form that comes back with a student's answers also never stored?"""
    response = client.post("/apply?kiosk=1", data=form_data(university, email="nope"))
    assert response.status_code == 400
    assert response.headers["Cache-Control"] == "no-store"


def html_language(response) -> str:
    return re.search(r'<html lang="([^"]*)"', response.get_data(as_text=True)).group(1)


def test_kiosk_language_switch_sets_no_cookie(client, stages, make_event):
    """At a kiosk, does tapping Español show the form in Spanish without keeping a cookie
    the next student would inherit?"""
    response = client.get(f"/apply/{make_event().slug}?kiosk=1&lang=es")
    assert html_language(response) == "es"
    assert "Set-Cookie" not in response.headers
    assert client.get_cookie(COOKIE) is None


def test_kiosk_student_is_thanked_in_their_language(client, stages, university, make_event):
    """Does a student who sent the kiosk's form in Spanish get the thank-you in Spanish,
    still without a cookie?"""
    event = make_event()
    sent = client.post(f"/apply/{event.slug}?kiosk=1&lang=es", data=form_data(university))
    assert sent.headers["Location"] == f"/apply/thanks?event={event.slug}&kiosk=1&lang=es"
    thanks = client.get(sent.headers["Location"])
    assert html_language(thanks) == "es"
    assert client.get_cookie(COOKIE) is None


def test_next_kiosk_student_starts_in_the_kiosks_language(client, stages, university, make_event):
    """After a student in Spanish, does 'Next student' open the form in the tablet's own
    language (English here, Spanish on a tablet set to Spanish)?"""
    event = make_event()
    sent = client.post(f"/apply/{event.slug}?kiosk=1&lang=es", data=form_data(university))
    again = next_student_link(client.get(sent.headers["Location"]))
    assert "lang" not in again
    assert html_language(client.get(again)) == "en"
    assert html_language(client.get(again, headers={"Accept-Language": "es-MX"})) == "es"


def test_kiosk_reads_no_language_cookie(client, stages, make_event):
    """Does a language cookie left on the kiosk's tablet choose nothing for its students?"""
    event = make_event()
    client.set_cookie(COOKIE, "es")
    assert html_language(client.get(f"/apply/{event.slug}?kiosk=1")) == "en"
    assert html_language(client.get(f"/apply/{event.slug}")) == "es"


def test_thanks_follows_the_forms_language_away_from_a_kiosk(client, stages, university):
    """Does the form sent with ?lang=es lead to the thank-you page with ?lang=es?"""
    sent = client.post("/apply?lang=es", data=form_data(university))
    assert sent.headers["Location"] == "/apply/thanks?lang=es"


# --- resumes --------------------------------------------------------------------------

SMALL_PDF = blank_pdf()


def test_resume_that_is_not_a_pdf_is_refused(client, stages, university):
    """Is a Word file offered as the resume refused beside its field, the answers kept?"""
    data = form_data(university)
    data["resume"] = (io.BytesIO(b"PK\x03\x04 not a pdf"), "resume.docx")
    response = client.post("/apply", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert field_error(response, "resume") == "The resume must be a PDF file."
    data.pop("resume")
    assert_kept(response, data)
    assert count(Candidate) == 0


def test_small_pdf_resume_is_stored(client, app, stages, university):
    """Is a real small PDF kept with the new candidate?"""
    data = form_data(university)
    data["resume"] = (io.BytesIO(SMALL_PDF), "Maya Okafor CV.pdf")
    response = client.post("/apply", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    attachment = db.session.scalars(select(Attachment)).one()
    assert attachment.candidate_id == only_candidate().id
    assert attachment.original_name == "Maya Okafor CV.pdf"
    stored = Path(app.config["UPLOAD_FOLDER"]) / attachment.stored_name
    assert stored.read_bytes() == SMALL_PDF


# --- event pages for staff ------------------------------------------------------------


class TestEventPages:
    """Staff print a QR code that leads to the event's form."""

    @pytest.fixture
    def config_overrides(self):
        return {"PUBLIC_BASE_URL": "https://jobs.procurement.example.gov/"}

    def test_event_page_shows_the_qr_code(self, client, signed_in, make_event):
        """Does staff's event page show an SVG QR code for the public sign-up address?"""
        signed_in(Role.HR)
        event = make_event()
        html = client.get(f"/events/{event.id}").get_data(as_text=True)
        url = f"https://jobs.procurement.example.gov/apply/{event.slug}"
        assert re.search(r'<svg role="img"[^>]*class="qr"', html)
        assert f"QR code for {url}" in html
        assert f'href="{url}"' in html

    def test_booth_sign_prints_the_qr_code(self, client, signed_in, make_event):
        """Does the booth sign show the event, a QR code, the address and the privacy line?"""
        signed_in(Role.HR)
        event = make_event(name="Statehouse Internship Fair")
        response = client.get(f"/events/{event.id}/sign")
        text = page_text(response)
        assert response.status_code == 200
        assert "Statehouse Internship Fair" in text
        assert "<svg" in text
        assert f"https://jobs.procurement.example.gov/apply/{event.slug}" in text
        assert "Only our recruitment staff see it." in text

    def test_fair_in_progress_is_listed_as_upcoming(self, client, signed_in, make_event):
        """On the second day of a three-day fair, do staff still find it among upcoming?"""
        signed_in(Role.HR)
        today = date.today()
        make_event(
            name="Three-Day Statewide Fair",
            starts_on=today - timedelta(days=1),
            ends_on=today + timedelta(days=1),
        )
        assert "Three-Day Statewide Fair" in page_text(client.get("/events/"))
        assert "Three-Day Statewide Fair" not in page_text(client.get("/events/?when=past"))

    def test_booth_sign_needs_sign_in(self, client, make_event):
        """Is a visitor who is not signed in sent to sign in for the booth sign?"""
        event = make_event()
        response = client.get(f"/events/{event.id}/sign")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
