"""Staff forms word their refusals per field, as the student form does, through the
shared form base rather than a message in every form."""

from recruit.auth.models import Role
from tests.test_candidate_pages import profile
from tests.test_positions import FORM as POSITION_FORM


def error_of(page: str, field_id: str) -> str:
    """The error message shown under one field."""
    return page.split(f'id="{field_id}-error">')[1].split("</p>")[0]


def test_candidate_form_names_what_is_missing(client, signed_in):
    """Does a blank first name on the candidate form say "Enter the candidate's first
    name." rather than "This field is required."?"""
    signed_in(Role.HR)
    page = client.post("/candidates/new", data=profile(first_name="", last_name="")).text
    assert "This field is required." not in page
    assert error_of(page, "first_name") == "Enter the candidate's first name."
    assert error_of(page, "last_name") == "Enter the candidate's last name."


def test_a_form_without_words_of_its_own_names_the_field(client, signed_in):
    """Does a staff form with no messages of its own name the blank field from its label?"""
    signed_in(Role.HR)
    page = client.post("/positions/new", data={**POSITION_FORM, "title": "", "agency": ""}).text
    assert error_of(page, "title") == "Enter the title."
    assert error_of(page, "agency") == "Enter the agency."


def test_a_malformed_email_says_what_an_address_looks_like(client, signed_in):
    """Does a malformed email on a staff form show an example address, not "Invalid email
    address."?"""
    signed_in(Role.HR)
    page = client.post("/candidates/new", data=profile(email="not-an-address")).text
    assert error_of(page, "email") == "Enter an email address like name@agency.example."


def test_messages_of_a_forms_own_stay(client, signed_in):
    """Does a form's own message (the student form's) stay as written?"""
    page = client.post("/apply", data={"first_name": ""}).text
    assert "This field is required." not in page
    assert "Enter the first name." not in page
