"""A search past the cap ranks the newest matches and the newest name matches, whether the
name matches it still lacks lie just older than the newest matches or far older."""

import re

import pytest

from recruit.auth.models import Role
from recruit.candidates import search
from recruit.candidates.models import Note
from recruit.extensions import db
from tests.query_counting import recording_statements


@pytest.fixture
def cap_of_3(monkeypatch):
    """A search cap of 3 instead of 1,000, so that a handful of candidates outgrow it."""
    monkeypatch.setattr(search, "SEARCH_CAP", 3)


def listed(response) -> list[int]:
    assert response.status_code == 200, response.status_code
    return [int(i) for i in re.findall(r'<a href="/candidates/(\d+)">', response.text)]


def mention(candidate) -> None:
    db.session.add(Note(candidate_id=candidate.id, body="Referred by a Ruiz from the office."))
    db.session.commit()


@pytest.mark.parametrize("between", [0, 6])
def test_an_older_name_outranks_newer_mentions(
    client, signed_in, make_candidate, cap_of_3, between
):
    """Past the cap, with two of the four newest matches only mentioning Ruiz in a note,
    is an older Ruiz listed with the two newer ones, whether just older than the newest
    matches or behind other candidates, and the mentions left out?"""
    signed_in(Role.HR)
    older = make_candidate(last_name="Ruiz")
    for _ in range(between):
        make_candidate()
    mentions = [make_candidate(), make_candidate()]
    for candidate in mentions:
        mention(candidate)
    newer = [make_candidate(last_name="Ruiz"), make_candidate(last_name="Ruiz")]

    response = client.get("/candidates/?q=ruiz")

    assert "More than 3 candidates" in response.text
    assert sorted(listed(response)) == sorted([older.id, *(c.id for c in newer)])


def paged(client, app, url: str, pages: int) -> list[list[int]]:
    """The ids each of the first pages of a list shows, two to a page."""
    app.config["PAGE_SIZE"] = 2
    return [listed(client.get(f"{url}&page={n}")) for n in range(1, pages + 1)]


def test_pages_past_the_cap_list_the_best_of_the_newest_once(
    app, client, signed_in, make_candidate, cap_of_3
):
    """Past the cap, with the newest matches all named Ruiz, do pages of two list the
    same three of the newest, in the same order, as one page of the whole list, and
    stop at the cap, the older Ruiz left out?"""
    signed_in(Role.HR)
    older = make_candidate(last_name="Ruiz")
    newest = [make_candidate(last_name="Ruiz") for _ in range(4)]
    for _ in range(6):  # SQLite's bm25 weighs a word found in most rows as nothing
        make_candidate(last_name="Schmidt")
    mention(newest[2])
    whole = client.get("/candidates/?q=ruiz")

    pages = paged(client, app, "/candidates/?q=ruiz", 3)

    assert "More than 3 candidates" in whole.text
    assert pages == [listed(whole)[:2], listed(whole)[2:], []]
    assert set(listed(whole)) <= {c.id for c in newest}
    assert older.id not in listed(whole)


def test_past_the_cap_the_newest_names_are_ranked_as_they_are_counted(
    client, signed_in, make_candidate, cap_of_3
):
    """Past the cap, with the newest matches all named Ruiz, is the page ranked in the
    statement that counts the matches, not in a second search of the index (each one a
    walk of thousands of matches at 100,000 candidates)?"""
    signed_in(Role.HR)
    for _ in range(5):
        make_candidate(last_name="Ruiz")
    db.session.remove()
    with recording_statements() as sent:
        response = client.get("/candidates/?q=ruiz")

    assert "More than 3 candidates" in response.text
    searches = [s for s, _ in sent if re.search(r"\bMATCH\b|@@", s)]
    assert len(searches) == 1, searches


def test_a_page_ranked_as_counted_keeps_to_the_filters(client, signed_in, make_candidate):
    """Under the cap, where the page is ranked from the matches just counted, is a newer
    Ruiz in a closed stage left out of the open candidates' search, and listed among
    the closed ones?"""
    signed_in(Role.HR)
    open_one = make_candidate(last_name="Ruiz")
    withdrawn = make_candidate(last_name="Ruiz", stage="withdrawn", closed_reason="own_request")

    assert listed(client.get("/candidates/?q=ruiz")) == [open_one.id]
    assert listed(client.get("/candidates/?q=ruiz&status=closed")) == [withdrawn.id]


def test_pages_under_the_cap_list_every_match_best_first(app, client, signed_in, make_candidate):
    """Under the cap, do pages of two list every Ruiz once, in the order of one page of
    the whole list, the Ruiz also mentioned in a note first on PostgreSQL?"""
    signed_in(Role.HR)
    found = [make_candidate(last_name="Ruiz") for _ in range(3)]
    for _ in range(6):
        make_candidate(last_name="Schmidt")
    mention(found[1])
    whole = client.get("/candidates/?q=ruiz")

    pages = paged(client, app, "/candidates/?q=ruiz", 2)

    assert "3 candidates matching" in whole.text
    assert sorted(listed(whole)) == sorted(c.id for c in found)
    assert pages == [listed(whole)[:2], listed(whole)[2:]]
    if db.engine.dialect.name == "postgresql":
        assert listed(whole)[0] == found[1].id
