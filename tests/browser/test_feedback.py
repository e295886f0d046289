"""A supervisor fills in a mid-term evaluation on a phone from a private link, and staff
then read it on the placement page; the pages pass axe-core."""

import pytest
from playwright.sync_api import expect

from recruit.auth.models import Role
from recruit.placements.models import ItemForm
from recruit.placements.questionnaires import form_items
from tests.placement_factories import new_link, new_placement, standard_items

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(new_page):
    """A phone-sized page, as a supervisor opening the link from an email would hold."""
    return new_page(viewport=PHONE, is_mobile=True, has_touch=True)


@pytest.fixture
def scene(make_user, make_candidate):
    """An HR user, a placement and a mid-term link, all made before the server answers."""
    hr_user = make_user(role=Role.HR)
    standard_items()
    placement = new_placement(make_candidate(first_name="Maya", last_name="Okafor"))
    _, token = new_link(placement, hr_user)
    prompts = [item.prompt for item in form_items(ItemForm.SUPERVISOR)]
    return {"hr": hr_user, "placement_id": placement.id, "token": token, "prompts": prompts}


def assert_accessible(page, axe_check) -> None:
    violations, report = axe_check(page)
    assert violations == [], report


def test_supervisor_submits_a_midterm_on_a_phone(
    phone, page, live_server, scene, sign_in, axe_check, console_errors
):
    """Can a supervisor send a mid-term from a phone, and do staff then see it?"""
    phone.goto(f"{live_server}/feedback/{scene['token']}")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mid-term evaluation")
    assert_accessible(phone, axe_check)

    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_role("heading", name="Please check these fields")).to_be_visible()
    assert_accessible(phone, axe_check)

    for prompt in scene["prompts"]:
        phone.get_by_role("group", name=prompt).get_by_label("4 Exceeds expectations").check()
    phone.get_by_label("Strengths").fill("Keeps contract files spotless.")
    recommend = phone.get_by_role("group", name="Would you recommend this intern")
    recommend.get_by_label("Yes").check()
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you, your answers are in")

    sign_in(page, live_server, scene["hr"])
    page.goto(f"{live_server}/placements/{scene['placement_id']}")
    expect(page.get_by_role("heading", name="Mid-term evaluation")).to_be_visible()
    expect(page.get_by_text("Keeps contract files spotless.")).to_be_visible()
    assert_accessible(page, axe_check)
    page.goto(f"{live_server}/placements/")
    expect(page.get_by_role("link", name="Maya Okafor", exact=True)).to_be_visible()
    assert_accessible(page, axe_check)
    # The error state answers 400 on purpose, which Chromium reports; nothing else may.
    assert [e for e in console_errors if "status of 400" not in e] == []


def test_used_link_says_so_on_a_phone(phone, live_server, scene, axe_check):
    """Does a link opened again after use show the polite unavailable page?"""
    url = f"{live_server}/feedback/{scene['token']}"
    phone.goto(url)
    for prompt in scene["prompts"]:
        phone.get_by_role("group", name=prompt).get_by_label("Not observed").check()
    phone.get_by_role("group", name="Would you recommend this intern").get_by_label(
        "No", exact=True
    ).check()
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you, your answers are in")
    phone.goto(url)
    expect(phone.get_by_role("heading", level=1)).to_have_text("This link cannot be used")
    assert_accessible(phone, axe_check)
