"""A search past the cap ranks the newest matches and the newest name matches, whether the
name matches it still lacks lie just older than the newest matches or far older."""

import re

import pytest

from recruit.auth.models import Role
from recruit.candidates import search
from recruit.candidates.models import Note
from recruit.extensions import db


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
