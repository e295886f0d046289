"""The pipeline board in Chromium: drag and drop, the keyboard, stale moves and more cards."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from recruit.auth.models import Role
from recruit.candidates.models import StageChange, Tag, Term
from recruit.extensions import db
from recruit.pipeline.moves import move_candidate

BOARD = "/candidates/board"


@pytest.fixture
def hr_user(make_user):
    """The HR staff member who moves cards in these tests."""
    return make_user(role=Role.HR, name="Grace Hopkins")


def card(page, candidate_id: int):
    """A candidate's card, wherever it is on the board."""
    return page.locator(f'[data-candidate-id="{candidate_id}"]')


def column(page, stage_id: int):
    """A stage's column on the board."""
    return page.locator(f'[data-stage-id="{stage_id}"]')


def count(page, stage_id: int):
    """The number shown in a column's heading."""
    return column(page, stage_id).locator("[data-count]")


def open_move(page, candidate_id: int):
    """A card with its move menu opened from its Move link, as a keyboard user would."""
    the_card = card(page, candidate_id)
    the_card.get_by_role("link", name="Move ").press("Enter")
    return the_card


def board_status(page):
    """The board's live region, where the script reports each move."""
    return page.locator("[data-board-status]")


def stage_changes(candidate_id: int) -> int:
    """How many stage changes the database holds for a candidate, seen afresh."""
    db.session.rollback()  # end the test's transaction: the server wrote in its own
    changes = select(func.count()).select_from(StageChange)
    return db.session.scalar(changes.where(StageChange.candidate_id == candidate_id))


def move_as_colleague(app, candidate, to_stage, colleague) -> None:
    """Move a candidate as a colleague's request would, in its own committed transaction."""
    db.session.rollback()  # the server wrote since the test's transaction began
    # A POST request context makes SQLite take the write lock first, as the app's requests do.
    with app.test_request_context(method="POST"):
        move_candidate(candidate, to_stage, colleague, None)
        db.session.commit()


def test_hr_drags_card_to_screening_and_history_shows_who(
    page, live_server, hr_user, stages, make_candidate, sign_in
):
    """Does dragging a card to Screening move it, change the counts and record the mover?"""
    mover = make_candidate(first_name="Lucia", last_name="Fernandez")
    make_candidate()
    make_candidate(stage="screening")
    mover_id, interested, screening = mover.id, stages["interested"].id, stages["screening"].id
    sign_in(page, live_server, hr_user)
    page.goto(f"{live_server}{BOARD}")
    expect(count(page, interested)).to_have_text("2")
    expect(count(page, screening)).to_have_text("1")

    card(page, mover_id).drag_to(column(page, screening))

    expect(board_status(page)).to_have_text("Lucia Fernandez moved to Screening.")
    page.reload()
    expect(column(page, screening).locator(card(page, mover_id))).to_be_visible()
    expect(count(page, interested)).to_have_text("1")
    expect(count(page, screening)).to_have_text("2")
    card(page, mover_id).get_by_role("link", name="Lucia Fernandez", exact=True).click()
    history = page.get_by_role("region", name="Stage history")
    move = history.get_by_role("listitem").filter(has_text="Interested → Screening")
    expect(move).to_contain_text("Grace Hopkins")


def test_hr_moves_card_with_keyboard_without_reload(
    page, live_server, hr_user, stages, make_candidate, sign_in
):
    """Does the Move to control, used by keyboard, move the card in place and say so?"""
    candidate = make_candidate(first_name="Kwame", last_name="Mensah")
    candidate_id, screening = candidate.id, stages["screening"].id
    sign_in(page, live_server, hr_user)
    page.goto(f"{live_server}{BOARD}")
    page.evaluate("window.boardNotReloaded = true")
    the_card = open_move(page, candidate_id)

    move_to = the_card.get_by_label("Move to")
    expect(move_to).to_be_focused()
    move_to.select_option(label="Screening")
    the_card.get_by_role("button", name="Move", exact=True).press("Enter")

    expect(board_status(page)).to_have_text("Kwame Mensah moved to Screening.")
    expect(column(page, screening).locator(card(page, candidate_id))).to_be_visible()
    expect(count(page, screening)).to_have_text("1")
    # Screen readers hear the new numbers too, not those the page was drawn with.
    expect(column(page, screening)).to_have_accessible_name(re.compile(r"^Screening \( ?1 ?\)$"))
    expect(column(page, stages["interested"].id)).to_have_accessible_name(
        re.compile(r"^Interested \( ?0 ?\)$")
    )
    assert page.evaluate("window.boardNotReloaded") is True
    page.reload()
    expect(column(page, screening).locator(card(page, candidate_id))).to_be_visible()


def test_move_button_works_without_javascript(
    new_page, live_server, hr_user, stages, make_candidate, sign_in
):
    """With JavaScript off, does a card's Move link open its form, and the Move button post
    it and come back to the board?"""
    candidate = make_candidate(first_name="Ingrid", last_name="Larsen")
    candidate_id, screening = candidate.id, stages["screening"].id
    page = new_page(java_script_enabled=False)
    sign_in(page, live_server, hr_user)
    page.goto(f"{live_server}{BOARD}")
    card(page, candidate_id).get_by_role("link", name="Move Ingrid Larsen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Move Ingrid Larsen")
    page.get_by_label("Move to").select_option(label="Screening")
    page.get_by_role("button", name="Move", exact=True).click()

    expect(page).to_have_url(re.compile(r"/candidates/board\??$"))
    expect(page.get_by_role("status").filter(has_text="Ingrid Larsen moved")).to_have_text(
        "Ingrid Larsen moved to Screening."
    )
    expect(column(page, screening).locator(card(page, candidate_id))).to_be_visible()
    expect(count(page, screening)).to_have_text("1")


def test_stale_move_says_who_moved_it_and_moves_nothing(
    app, page, live_server, hr_user, make_user, stages, make_candidate, sign_in
):
    """When someone moved the card meanwhile, is the move refused, explained and put right?"""
    candidate = make_candidate(first_name="Amara", last_name="Diallo")
    colleague = make_user(role=Role.HR, name="Tobias Keller")
    candidate_id, screening = candidate.id, stages["screening"].id
    sign_in(page, live_server, hr_user)
    page.goto(f"{live_server}{BOARD}")
    expect(card(page, candidate_id)).to_be_visible()
    move_as_colleague(app, candidate, stages["screening"], colleague)
    the_card = open_move(page, candidate_id)

    the_card.get_by_label("Move to").select_option(label="Interview")
    the_card.get_by_role("button", name="Move", exact=True).click()

    expect(board_status(page)).to_contain_text(
        "Amara Diallo was moved to Screening by Tobias Keller"
    )
    expect(column(page, screening).locator(card(page, candidate_id))).to_be_visible()
    expect(column(page, stages["interview"].id).locator("[data-candidate-id]")).to_have_count(0)
    expect(count(page, screening)).to_have_text("1")
    expect(count(page, stages["interested"].id)).to_have_text("0")
    assert stage_changes(candidate_id) == 2  # the entry and the colleague's move only


def test_show_more_appends_the_rest_of_a_column(
    page, live_server, hr_user, stages, make_candidate, sign_in
):
    """With 30 in a stage, does the column show 25 and then the other 5 on Show more?"""
    for _ in range(30):
        make_candidate()
    interested = stages["interested"].id
    sign_in(page, live_server, hr_user)
    page.goto(f"{live_server}{BOARD}")
    cards = column(page, interested).locator("[data-candidate-id]")
    expect(cards).to_have_count(25)
    expect(count(page, interested)).to_have_text("30")

    column(page, interested).get_by_role("link", name="Show more").click()

    expect(cards).to_have_count(30)
    expect(column(page, interested).get_by_role("link", name="Show more")).to_have_count(0)
    expect(board_status(page)).to_have_text("Showing 30 of 30.")
    expect(page).to_have_url(f"{live_server}{BOARD}")


def test_show_more_after_a_move_out_skips_nobody(
    page, live_server, hr_user, stages, make_candidate, sign_in
):
    """After a card leaves a full column, does Show more bring every remaining card?"""
    for _ in range(30):
        make_candidate()
    interested = stages["interested"].id
    sign_in(page, live_server, hr_user)
    page.goto(f"{live_server}{BOARD}")
    cards = column(page, interested).locator("[data-candidate-id]")
    leaving = cards.first
    leaving_id = leaving.get_attribute("data-candidate-id")
    leaving = open_move(page, int(leaving_id))
    leaving.get_by_label("Move to").select_option(label="Screening")
    leaving.get_by_role("button", name="Move", exact=True).click()
    expect(cards).to_have_count(24)

    column(page, interested).get_by_role("link", name="Show more").click()

    expect(cards).to_have_count(29)
    ids = cards.evaluate_all("cs => cs.map(c => c.dataset.candidateId)")
    assert len(set(ids)) == 29
    assert leaving_id not in ids


def test_show_more_after_a_move_in_repeats_nobody(
    page, live_server, hr_user, stages, make_candidate, sign_in
):
    """After a card joins a full column, does Show more add the rest without repeating one?"""
    for _ in range(30):
        make_candidate()
    arriving = make_candidate(first_name="Sven", last_name="Olsen", stage="screening")
    arriving_id, interested = arriving.id, stages["interested"].id
    sign_in(page, live_server, hr_user)
    page.goto(f"{live_server}{BOARD}")
    arriving_card = open_move(page, arriving_id)
    arriving_card.get_by_label("Move to").select_option(label="Interested")
    arriving_card.get_by_role("button", name="Move", exact=True).click()
    cards = column(page, interested).locator("[data-candidate-id]")
    expect(cards).to_have_count(26)

    column(page, interested).get_by_role("link", name="Show more").click()

    expect(column(page, interested).get_by_role("link", name="Show more")).to_have_count(0)
    ids = cards.evaluate_all("cs => cs.map(c => c.dataset.candidateId)")
    assert len(ids) == len(set(ids)) == 31


def test_show_more_on_a_column_page_continues_where_it_starts(
    page, live_server, hr_user, stages, make_candidate, sign_in
):
    """On a column's own page from card 26, does Show more bring cards 51 to 55, once each?"""
    for _ in range(55):
        make_candidate()
    interested = stages["interested"].id
    sign_in(page, live_server, hr_user)
    page.goto(f"{live_server}/candidates/board/stages/{interested}?offset=25")
    cards = column(page, interested).locator("[data-candidate-id]")
    expect(cards).to_have_count(25)

    column(page, interested).get_by_role("link", name="Show more").click()

    expect(cards).to_have_count(30)
    ids = cards.evaluate_all("cs => cs.map(c => c.dataset.candidateId)")
    assert len(set(ids)) == 30
    expect(board_status(page)).to_have_text("Showing 55 of 55.")


def test_card_rating_reads_as_words(page, live_server, hr_user, make_candidate, sign_in):
    """Does a screen reader hear a card's rating in words rather than a row of stars?"""
    candidate = make_candidate(first_name="Yuki", last_name="Sato", rating=2)
    sign_in(page, live_server, hr_user)

    page.goto(f"{live_server}{BOARD}")

    spoken = card(page, candidate.id).aria_snapshot()
    assert "Rated 2 of 5" in spoken
    assert "★" not in spoken


# Names of the lengths a board usually holds.
NAMES = [
    ("Lucia", "Fernandez"),
    ("Kwame", "Mensah"),
    ("Ingrid", "Larsen"),
    ("Amara", "Diallo"),
    ("Mateo", "Hernandez"),
    ("Yuki", "Sato"),
]


def test_at_1366_by_768_twenty_cards_and_six_columns_show_and_nothing_scrolls_sideways(
    new_page, live_server, hr_user, stages, make_candidate, sign_in
):
    """On a 1366x768 screen, are at least 20 cards and six columns wholly in view without
    scrolling, is the board's sideways scrollbar in view, and is the page no wider than
    the window?"""
    tags = [Tag(name=name) for name in ("Spanish speaker", "Evenings", "Veteran")]
    for key in ("interested", "screening", "interview", "offer", "onboarding", "active_intern"):
        for n, (first, last) in enumerate(NAMES):
            make_candidate(
                first_name=first,
                last_name=last,
                stage=key,
                university_other="University of Texas at San Antonio",
                grad_term=Term.SPRING,
                grad_year=2027,
                rating=4,
                tags=tags[: n % 4],
            )
    page = new_page(viewport={"width": 1366, "height": 768})
    sign_in(page, live_server, hr_user)
    page.goto(f"{live_server}{BOARD}")
    expect(page.locator("[data-fold]").first).to_be_attached()

    seen = page.evaluate(
        """() => {
          const inView = (el) => {
            const r = el.getBoundingClientRect();
            let box = el.parentElement;
            while (box) {  // clipped by a scrolling column or the board?
              const s = getComputedStyle(box);
              if (/(auto|scroll|hidden)/.test(s.overflowX + s.overflowY)) {
                const b = box.getBoundingClientRect();
                if (r.left < b.left || r.right > b.right || r.top < b.top || r.bottom > b.bottom)
                  return false;
              }
              box = box.parentElement;
            }
            return r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight;
          };
          const board = document.querySelector("[data-board]").getBoundingClientRect();
          return {
            cards: [...document.querySelectorAll("[data-candidate-id]")].filter(inView).length,
            columns: [...document.querySelectorAll(".board-column")].filter(inView).length,
            boardBottom: board.bottom,
            scrollWidth: document.documentElement.scrollWidth,
            scrollHeight: document.documentElement.scrollHeight,
          };
        }"""
    )

    assert seen["cards"] >= 20, seen
    assert seen["columns"] >= 6, seen
    assert seen["boardBottom"] <= 768, seen
    assert seen["scrollWidth"] == 1366, seen
    assert seen["scrollHeight"] == 768, seen


def test_a_folded_column_stays_folded_after_a_reload(
    page, live_server, hr_user, stages, make_candidate, sign_in
):
    """Does folding a column hide its cards, say so, and last after a reload?"""
    candidate = make_candidate(first_name="Noor", last_name="Haddad", stage="offer")
    offer = column(page, stages["offer"].id)
    sign_in(page, live_server, hr_user)
    page.goto(f"{live_server}{BOARD}")
    fold = offer.get_by_role("button", name="Offer cards")
    expect(fold).to_have_attribute("aria-expanded", "true")

    fold.click()

    expect(card(page, candidate.id)).to_be_hidden()
    expect(fold).to_have_attribute("aria-expanded", "false")
    page.reload()
    expect(offer.get_by_role("button", name="Offer cards")).to_have_attribute(
        "aria-expanded", "false"
    )
    expect(card(page, candidate.id)).to_be_hidden()
    offer.get_by_role("button", name="Offer cards").click()
    expect(card(page, candidate.id)).to_be_visible()


def test_escape_closes_a_cards_move_menu_and_moves_nothing(
    page, live_server, hr_user, stages, make_candidate, sign_in
):
    """Does Escape close a card's move menu, back on its Move link, with nothing moved?"""
    candidate = make_candidate(first_name="Lena", last_name="Vogel")
    sign_in(page, live_server, hr_user)
    page.goto(f"{live_server}{BOARD}")
    the_card = open_move(page, candidate.id)
    expect(the_card.get_by_label("Move to")).to_be_focused()

    page.keyboard.press("Escape")

    expect(the_card.get_by_label("Move to")).to_be_hidden()
    expect(the_card.get_by_role("link", name="Move Lena Vogel")).to_be_focused()
    assert stage_changes(candidate.id) == 1


@pytest.fixture
def candidate_with_history(hr_user, stages, make_candidate):
    """A candidate moved once, so the board, list and page have something to show."""
    candidate = make_candidate(first_name="Ana", last_name="Oliveira", major="Supply chain")
    make_candidate(first_name="Ana", last_name="Kowalski")
    make_candidate(first_name="Ben", last_name="Adeyemi", stage="interview")
    move_candidate(candidate, stages["screening"], hr_user, None)
    db.session.commit()
    return candidate


@pytest.mark.parametrize(
    "path",
    ["board", "search", "candidate", "move"],
)
def test_candidate_pages_are_accessible(
    page, live_server, hr_user, candidate_with_history, sign_in, axe_check, path
):
    """Does axe-core find no serious or critical problems on the board, list, page and a
    card's move page?"""
    url = {
        "board": BOARD,
        "search": "/candidates/?q=Ana",
        "candidate": f"/candidates/{candidate_with_history.id}",
        "move": f"/candidates/{candidate_with_history.id}/move",
    }[path]
    sign_in(page, live_server, hr_user)
    page.goto(f"{live_server}{url}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    if path == "search":
        expect(page.locator(".match mark").first).to_be_visible()

    violations, report = axe_check(page)

    assert violations == [], report


def test_candidate_pages_log_no_console_errors(
    page, live_server, hr_user, candidate_with_history, sign_in, console_errors
):
    """Do the board, a search of the list and a candidate's page log no errors or CSP reports?"""
    candidate_id = candidate_with_history.id
    sign_in(page, live_server, hr_user)
    for url, heading in [
        (BOARD, "Pipeline board"),
        ("/candidates/?q=Ana", "Candidates"),
        (f"/candidates/{candidate_id}", "Ana Oliveira"),
    ]:
        page.goto(f"{live_server}{url}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)

    assert console_errors == []
