"""The rating and tags set in place on a candidate's page, in Chromium: a star saves as soon
as it is chosen, tags on Enter, a stale save keeps the choice, the page works without
JavaScript, passes axe-core and fits a phone."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from recruit.audit.models import AuditEntry
from recruit.auth.models import Role
from recruit.candidates import services
from recruit.candidates.models import Candidate
from recruit.extensions import db

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def hr_user(make_user):
    """The HR staff member who rates and tags in these tests."""
    return make_user(role=Role.HR, name="Grace Hopkins")


@pytest.fixture
def amara(make_candidate):
    """A candidate rated 2 of 5, with no tags."""
    return make_candidate(first_name="Amara", last_name="Diallo", rating=2)


def saved(candidate_id: int) -> Candidate:
    """The candidate as the database holds it now."""
    db.session.rollback()  # end the test's transaction: the server wrote in its own
    return db.session.get(Candidate, candidate_id)


def candidate_updates(candidate_id: int) -> int:
    """How many saves of the candidate the audit log holds."""
    db.session.rollback()
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "candidate.update", AuditEntry.target_id == candidate_id)
    )


def star(page, n: int):
    """The star a pointer clicks for a rating of n (its radio is hidden from sight)."""
    return page.locator(f'label[for="rating-{n}"]')


def status(page, kind: str):
    """The live region beside the rating or the tags."""
    return page.locator(f'form[data-in-place="{kind}"] [data-in-place-status]')


def open_candidate(page, live_server, sign_in, user, candidate_id: int) -> None:
    sign_in(page, live_server, user)
    page.goto(f"{live_server}/candidates/{candidate_id}")


def test_a_star_saves_at_once_and_stays_after_reload(
    page, live_server, hr_user, amara, sign_in, console_errors
):
    """Does clicking the fourth star say "Rating saved", show 4 of 5, and keep it after a
    reload, without a console error?"""
    candidate_id = amara.id
    open_candidate(page, live_server, sign_in, hr_user, candidate_id)

    star(page, 4).click()

    expect(status(page, "rating")).to_have_text("Rating saved.")
    expect(page.locator("[data-rated]")).to_have_text("· rated 4 of 5")
    assert saved(candidate_id).rating == 4
    page.reload()
    expect(page.get_by_role("radio", name="4 of 5")).to_be_checked()
    assert console_errors == []


def test_a_keyboard_user_moves_along_the_stars(page, live_server, hr_user, amara, sign_in):
    """Do a keyboard user's arrows pass stars without saving each, and does Enter save the
    one reached, once (one audit entry)?"""
    candidate_id = amara.id
    open_candidate(page, live_server, sign_in, hr_user, candidate_id)
    entries_before = candidate_updates(candidate_id)
    page.get_by_role("radio", name="2 of 5").focus()

    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="4 of 5")).to_be_checked()
    assert saved(candidate_id).rating == 2
    page.keyboard.press("Enter")

    expect(page.locator("[data-rated]")).to_have_text("· rated 4 of 5")
    expect(status(page, "rating")).to_have_text("Rating saved.")
    assert saved(candidate_id).rating == 4
    assert candidate_updates(candidate_id) == entries_before + 1


def test_leaving_the_stars_saves_the_one_reached(page, live_server, hr_user, amara, sign_in):
    """Does Tab out of the stars, after an arrow, save the star reached?"""
    candidate_id = amara.id
    open_candidate(page, live_server, sign_in, hr_user, candidate_id)
    page.get_by_role("radio", name="2 of 5").focus()

    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Tab")

    expect(status(page, "rating")).to_have_text("Rating saved.")
    assert saved(candidate_id).rating == 1


def test_after_a_star_the_tags_and_a_move_are_not_stale(
    page, live_server, hr_user, amara, stages, sign_in
):
    """After a star saved in the background, do the tags and then a move from the same page
    go through (each form got the new version)?"""
    candidate_id = amara.id
    open_candidate(page, live_server, sign_in, hr_user, candidate_id)
    star(page, 5).click()
    expect(status(page, "rating")).to_have_text("Rating saved.")

    tags = page.get_by_label("Tags", exact=True)
    tags.fill("bilingual,  veteran")
    tags.press("Enter")

    expect(status(page, "tags")).to_have_text("Tags saved.")
    expect(tags).to_have_value("bilingual, veteran")
    expect(page.locator("[data-tag-list] a")).to_have_text(["bilingual", "veteran"])
    page.get_by_label("Move to").select_option(label="Screening")
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.locator(".flash--success")).to_contain_text("moved to Screening")
    candidate = saved(candidate_id)
    assert (candidate.rating, candidate.stage_id) == (5, stages["screening"].id)
    assert [t.name for t in candidate.tags] == ["bilingual", "veteran"]


def test_tags_save_when_the_field_is_left(page, live_server, hr_user, amara, sign_in):
    """Are the tags saved when the user leaves the field with Tab?"""
    candidate_id = amara.id
    open_candidate(page, live_server, sign_in, hr_user, candidate_id)

    page.get_by_label("Tags", exact=True).fill("returning")
    page.keyboard.press("Tab")

    expect(status(page, "tags")).to_have_text("Tags saved.")
    assert [t.name for t in saved(candidate_id).tags] == ["returning"]


def test_a_stale_star_keeps_the_choice_and_saving_again_goes_through(
    app, page, live_server, hr_user, make_user, amara, sign_in
):
    """When a colleague saved the candidate after the page opened, does a star say who saved,
    keep the star chosen and save nothing; and does Save then replace theirs?"""
    candidate_id = amara.id
    colleague = make_user(role=Role.HR, name="Tobias Keller")
    open_candidate(page, live_server, sign_in, hr_user, candidate_id)
    expect(page.get_by_role("radio", name="2 of 5")).to_be_checked()
    with app.test_request_context(method="POST"):
        candidate = saved(candidate_id)
        services.update_candidate(candidate, {"rating": 3}, None, None, colleague)
        db.session.commit()

    star(page, 5).click()

    expect(status(page, "rating")).to_contain_text("Tobias Keller saved this candidate")
    expect(page.get_by_role("radio", name="5 of 5")).to_be_checked()
    expect(page.locator("[data-rated]")).to_have_text("· rated 3 of 5")
    assert saved(candidate_id).rating == 3
    page.get_by_role("button", name="Save the rating").click()
    expect(status(page, "rating")).to_have_text("Rating saved.")
    assert saved(candidate_id).rating == 5


def test_rating_works_without_javascript(new_page, live_server, hr_user, amara, sign_in):
    """With JavaScript off, do a star and Save set the rating, saying so?"""
    candidate_id = amara.id
    page = new_page(java_script_enabled=False)
    open_candidate(page, live_server, sign_in, hr_user, candidate_id)

    star(page, 1).click()
    page.get_by_role("button", name="Save the rating").click()

    expect(page.locator(".flash--success")).to_have_text("Rating saved.")
    expect(page.get_by_role("radio", name="1 of 5")).to_be_checked()
    assert saved(candidate_id).rating == 1


def test_too_many_tags_are_refused_beside_the_field(page, live_server, hr_user, amara, sign_in):
    """Are 200 tags refused beside the field, with what was typed kept?"""
    candidate_id = amara.id
    open_candidate(page, live_server, sign_in, hr_user, candidate_id)
    typed = ", ".join(f"tag{n}" for n in range(200))
    tags = page.get_by_label("Tags", exact=True)

    tags.fill(typed)
    page.get_by_role("button", name="Save the tags").click()

    expect(status(page, "tags")).to_have_text(
        "Tags take at most 400 characters in all: remove some."
    )
    expect(tags).to_have_attribute("aria-invalid", "true")
    expect(tags).to_have_value(typed)
    assert saved(candidate_id).tags == []


def test_candidate_page_with_the_controls_is_accessible(
    page, live_server, hr_user, amara, sign_in, axe_check
):
    """Is the candidate page, stars and tags field included, free of serious axe problems,
    after a save too?"""
    open_candidate(page, live_server, sign_in, hr_user, amara.id)
    violations, report = axe_check(page)
    assert violations == [], report
    star(page, 3).click()
    expect(status(page, "rating")).to_have_text("Rating saved.")
    violations, report = axe_check(page)
    assert violations == [], report


def test_controls_fit_a_phone(new_page, live_server, hr_user, amara, sign_in, axe_check):
    """On a 390-pixel phone, is nothing wider than the screen, do the stars and both Save
    buttons lie inside it, and is the page free of serious axe problems?"""
    page = new_page(**PHONE)
    open_candidate(page, live_server, sign_in, hr_user, amara.id)
    width = PHONE["viewport"]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for control in (
        star(page, 5),
        page.get_by_role("button", name="Save the rating"),
        page.get_by_label("Tags", exact=True),
        page.get_by_role("button", name="Save the tags"),
    ):
        box = control.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box
    violations, report = axe_check(page)
    assert violations == [], report
