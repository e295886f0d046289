"""Common, trivial and personal passwords are refused wherever a password is set."""

import pytest
from sqlalchemy import select

from recruit.admin.models import set_setting
from recruit.auth.models import Role, User
from recruit.auth.passwords import (
    TOO_COMMON,
    TOO_PERSONAL,
    TOO_SIMPLE,
    common_passwords,
    password_problem,
)
from recruit.extensions import db
from tests.conftest import PASSWORD

NAME, EMAIL = "Priya Raman", "priya.raman@agency.example"


def problem(password: str) -> str | None:
    """What the rules say of a password for Priya Raman at the default office."""
    return password_problem(password, NAME, EMAIL)


def test_shipped_list_holds_thousands_of_common_passwords(app):
    """Does Recruit ship a list of thousands of common passwords, lowercased?"""
    passwords = common_passwords()
    assert len(passwords) > 10_000
    assert {"password", "iloveyou", "qwertyuiop", "1q2w3e4r5t6y"} <= passwords
    assert all(word == word.lower() for word in passwords)


@pytest.mark.parametrize("password", ["password1234", "PassWord1234", "1qaz2wsx3edc"])
def test_common_passwords_are_refused_in_any_letter_case(app, password):
    """Is a password from the common list refused, whatever its letter case?"""
    assert problem(password) == TOO_COMMON


def test_a_common_password_padded_with_digits_is_refused(app):
    """Is a common password with digits and a symbol added ("iloveyou2024!") refused?"""
    assert problem("iloveyou2024!") == TOO_COMMON


@pytest.mark.parametrize(
    "password", ["aaaaaaaaaaaa", "abcdefghijklmn", "98765432109876", "abcabcabcabc", "asdfghjklasd"]
)
def test_repeated_characters_and_sequences_are_refused(app, password):
    """Is a password of one repeated character, a run or a repeated piece refused?"""
    assert problem(password) == TOO_SIMPLE


@pytest.mark.parametrize(
    "password",
    ["Recruit2024!", "procurement-2030", "PriyaRaman1985", "priya.raman-2024", "Agency12345!!"],
)
def test_passwords_built_from_context_words_are_refused(app, password):
    """Is a password made of the office's words, the user's name or email, plus a little,
    refused?"""
    assert problem(password) == TOO_PERSONAL


def test_the_office_name_an_admin_set_is_a_context_word(app):
    """Is a password built from the office's own name, as an admin set it, refused?"""
    set_setting("office_name", "Harbor Valley Agency")
    db.session.commit()
    assert problem("HarborValley2030") == TOO_PERSONAL


@pytest.mark.parametrize(
    "password",
    [PASSWORD, "Priya likes green tea at noon", "mjiIo3OeRz0J8tQa", "recruit 7Hq!v92Lm#xZ"],
)
def test_good_passwords_pass(app, password):
    """Are passphrases and random passwords, even with a context word in them, accepted?"""
    assert problem(password) is None


def test_admin_cannot_give_a_new_user_a_common_password(client, signed_in):
    """Does an admin adding a user with "aaaaaaaaaaaa" see a friendly error, and no account
    is made?"""
    signed_in(Role.ADMIN)
    response = client.post(
        "/admin/users/new",
        data={"name": NAME, "email": EMAIL, "role": "hr", "password": "aaaaaaaaaaaa"},
    )
    assert response.status_code == 200
    assert TOO_SIMPLE.replace("'", "&#39;") in response.text
    assert db.session.scalar(select(User).where(User.email == EMAIL)) is None


def test_admin_cannot_give_a_new_user_their_own_name(client, signed_in):
    """Is a new user's initial password made of their own name refused?"""
    signed_in(Role.ADMIN)
    response = client.post(
        "/admin/users/new",
        data={"name": NAME, "email": EMAIL, "role": "hr", "password": "Priya Raman 2024"},
    )
    assert response.status_code == 200
    assert "built from your name" in response.text


def test_a_short_password_gets_only_the_length_message(client, signed_in):
    """Is a short common password told only to be longer, not two things at once?"""
    signed_in(Role.ADMIN)
    response = client.post(
        "/admin/users/new",
        data={"name": NAME, "email": EMAIL, "role": "hr", "password": "password"},
    )
    assert "Use at least 12 characters." in response.text
    assert "most common" not in response.text


def test_changing_to_a_common_password_is_refused(client, signed_in):
    """Does a user changing their password to a common one see why, and keep the old one?"""
    user = signed_in()
    old_hash = user.password_hash
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "Password1234",
            "confirm": "Password1234",
        },
    )
    assert response.status_code == 200
    assert "This password is among the most common ones; choose another." in response.text
    db.session.refresh(user)
    assert user.password_hash == old_hash


def test_changing_to_a_password_built_from_ones_email_is_refused(client, make_user, auth):
    """Is a new password made of the user's email's local part refused?"""
    user = make_user(email="jordan.blake@agency.example", name="J. Blake")
    auth.login(user.email)
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "jordan.blake.2025",
            "confirm": "jordan.blake.2025",
        },
    )
    assert response.status_code == 200
    assert "built from your name" in response.text


def test_create_user_command_refuses_a_common_password(runner):
    """Does `flask create-user` refuse a common password and make no account?"""
    result = runner.invoke(
        args=["create-user", "--email", EMAIL, "--name", NAME, "--role", "admin"],
        input="qwertyuiop123\nqwertyuiop123\n",
    )
    assert result.exit_code != 0
    assert "most common" in result.output
    assert db.session.scalar(select(User).where(User.email == EMAIL)) is None
