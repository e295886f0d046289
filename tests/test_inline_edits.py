"""The rating and tags set in place on a candidate's page: each a small form posted to its
own address, with or without the page's script, by the Edit form's rules (who may, stale
saves, the values allowed, the audit entry)."""

import re

import pytest
from sqlalchemy import select

from recruit.audit.models import AuditEntry
from recruit.auth import policy
from recruit.auth.models import Role
from recruit.candidates import services
from recruit.candidates.models import Candidate, Tag
from recruit.database import utcnow
from recruit.extensions import db
from tests.query_counting import counting_queries

SCRIPT = {"Accept": "application/json"}


def reloaded(candidate_id: int) -> Candidate:
    db.session.expire_all()
    return db.session.get(Candidate, candidate_id)


def audit_actions(candidate_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.target_type == "Candidate", AuditEntry.target_id == candidate_id
            )
        )
    )


@pytest.fixture
def hr(signed_in):
    return signed_in(Role.HR)


@pytest.fixture
def candidate(make_candidate):
    return make_candidate(first_name="Amara", last_name="Okafor", rating=2)


# --- saving, without and with the script ----------------------------------------------


def test_hr_rates_a_candidate_without_javascript(client, hr, candidate):
    """Does Save on the stars set the rating and go back to the page saying so?"""
    response = client.post(
        f"/candidates/{candidate.id}/rating", data={"rating": "4", "version": candidate.version}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/candidates/{candidate.id}")
    assert reloaded(candidate.id).rating == 4
    assert "Rating saved." in client.get(f"/candidates/{candidate.id}").text


def test_the_script_rates_a_candidate_and_gets_the_next_version(client, hr, candidate):
    """Does a star chosen with the script answer in JSON with the version to send next?"""
    version = candidate.version
    response = client.post(
        f"/candidates/{candidate.id}/rating",
        data={"rating": "5", "version": version},
        headers=SCRIPT,
    )
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["ok"] is True
    assert answer["message"] == "Rating saved."
    assert answer["rating"] == 5
    assert answer["version"] == reloaded(candidate.id).version > version


def test_not_rated_clears_the_rating(client, hr, candidate):
    """Does choosing Not rated leave the candidate without a rating?"""
    client.post(
        f"/candidates/{candidate.id}/rating", data={"rating": "", "version": candidate.version}
    )
    assert reloaded(candidate.id).rating is None


def test_hr_tags_a_candidate_without_javascript(client, hr, candidate):
    """Are the tags typed saved as the Edit form saves them: trimmed, once each?"""
    response = client.post(
        f"/candidates/{candidate.id}/tags",
        data={"tags": " bilingual,  returning student , Bilingual,,", "version": candidate.version},
    )
    assert response.status_code == 303
    assert [t.name for t in reloaded(candidate.id).tags] == ["bilingual", "returning student"]
    assert "Tags saved." in client.get(f"/candidates/{candidate.id}").text


def test_the_script_tags_a_candidate_and_gets_the_tags_as_saved(client, hr, candidate):
    """Does the script get back the tags as saved, to show them, and the next version?"""
    response = client.post(
        f"/candidates/{candidate.id}/tags",
        data={"tags": "veteran, veteran , bilingual", "version": candidate.version},
        headers=SCRIPT,
    )
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["tags"] == ["bilingual", "veteran"]
    assert answer["version"] == reloaded(candidate.id).version


def test_the_script_gets_the_tags_in_the_order_the_page_lists_them(client, hr, candidate):
    """Does the script's answer list mixed-case tags as the page does after a reload, in
    alphabetical order whatever their case?"""
    response = client.post(
        f"/candidates/{candidate.id}/tags",
        data={"tags": "veteran, Bilingual, apprentice", "version": candidate.version},
        headers=SCRIPT,
    )
    assert response.get_json()["tags"] == ["apprentice", "Bilingual", "veteran"]
    page = client.get(f"/candidates/{candidate.id}").text
    listed = re.findall(r'class="badge badge--muted" href="[^"]*">([^<]+)</a>', page)
    assert listed == ["apprentice", "Bilingual", "veteran"]


def test_clearing_the_tags_removes_them(client, hr, make_candidate):
    """Does an empty tags field leave the candidate with no tags?"""
    candidate = make_candidate(tags=[Tag(name="veteran")])
    client.post(f"/candidates/{candidate.id}/tags", data={"tags": "", "version": candidate.version})
    assert reloaded(candidate.id).tags == []


def test_a_rating_leaves_the_tags_and_interests_alone(client, hr, make_candidate):
    """Does saving the rating keep the candidate's tags as they were?"""
    candidate = make_candidate(tags=[Tag(name="veteran")])
    client.post(
        f"/candidates/{candidate.id}/rating", data={"rating": "3", "version": candidate.version}
    )
    assert [t.name for t in reloaded(candidate.id).tags] == ["veteran"]


def test_tags_leave_the_rating_alone(client, hr, candidate):
    """Does saving the tags keep the candidate's rating as it was?"""
    client.post(
        f"/candidates/{candidate.id}/tags", data={"tags": "veteran", "version": candidate.version}
    )
    assert reloaded(candidate.id).rating == 2


@pytest.mark.parametrize(("path", "data"), [("rating", {"rating": "4"}), ("tags", {"tags": "x"})])
def test_each_save_writes_the_edit_forms_audit_entry(client, hr, candidate, path, data):
    """Is a rating or tags saved in place logged as the Edit form's save is, by who saved?"""
    client.post(f"/candidates/{candidate.id}/{path}", data={**data, "version": candidate.version})
    entry = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.target_type == "Candidate", AuditEntry.target_id == candidate.id
        )
    ).one()
    assert (entry.action, entry.target_type, entry.user_id) == (
        "candidate.update",
        "Candidate",
        hr.id,
    )


# --- stale saves ----------------------------------------------------------------------


@pytest.fixture
def saved_meanwhile(candidate, make_user):
    """Dana saves the candidate (a new major) after the page was drawn; returns the version
    the page carried."""
    loaded = candidate.version
    dana = make_user(Role.HR, name="Dana Whitfield")
    services.update_candidate(candidate, {"major": "Economics"}, None, None, dana)
    db.session.commit()
    return loaded


def test_a_stale_star_from_the_script_is_refused_naming_who_saved(
    client, hr, candidate, saved_meanwhile
):
    """Is a star chosen on a page older than Dana's save refused with 409, naming Dana,
    with the version that lets the next save through?"""
    response = client.post(
        f"/candidates/{candidate.id}/rating",
        data={"rating": "5", "version": saved_meanwhile},
        headers=SCRIPT,
    )
    assert response.status_code == 409
    answer = response.get_json()
    assert answer["ok"] is False
    assert answer["message"].startswith("Dana Whitfield saved this candidate")
    assert "Nothing was saved" in answer["message"]
    assert answer["rating"] == 2
    current = reloaded(candidate.id)
    assert (current.rating, current.major) == (2, "Economics")
    assert answer["version"] == current.version


def test_a_stale_rating_without_javascript_keeps_the_choice(client, hr, candidate, saved_meanwhile):
    """Without the script, is the stale rating refused with 409 on the candidate's page,
    naming Dana, the star chosen still checked and the current version to save again?"""
    response = client.post(
        f"/candidates/{candidate.id}/rating", data={"rating": "5", "version": saved_meanwhile}
    )
    assert response.status_code == 409
    page = response.text
    assert "Dana Whitfield saved this candidate while you were editing it" in page
    assert re.search(r'id="rating-5" value="5" checked', page)
    versions = set(re.findall(r'name="version" value="(\d+)" data-candidate-version', page))
    assert versions == {str(reloaded(candidate.id).version)}
    assert reloaded(candidate.id).rating == 2


def test_a_stale_tags_save_keeps_what_was_typed(client, hr, candidate, saved_meanwhile):
    """Is a stale tags save refused with 409, writing nothing and keeping what was typed?"""
    response = client.post(
        f"/candidates/{candidate.id}/tags",
        data={"tags": "typed meanwhile", "version": saved_meanwhile},
    )
    assert response.status_code == 409
    assert 'value="typed meanwhile"' in response.text
    assert reloaded(candidate.id).tags == []


def test_saving_again_after_a_stale_refusal_goes_through(client, hr, candidate, saved_meanwhile):
    """With the version the refusal gave, does the second save go through?"""
    refused = client.post(
        f"/candidates/{candidate.id}/rating",
        data={"rating": "5", "version": saved_meanwhile},
        headers=SCRIPT,
    )
    again = client.post(
        f"/candidates/{candidate.id}/rating",
        data={"rating": "5", "version": refused.get_json()["version"]},
        headers=SCRIPT,
    )
    assert again.status_code == 200
    assert reloaded(candidate.id).rating == 5


def test_a_stale_save_writes_no_audit_entry(client, hr, candidate, saved_meanwhile):
    """Is a refused stale save left out of the audit log (only Dana's save is there)?"""
    client.post(
        f"/candidates/{candidate.id}/tags", data={"tags": "late", "version": saved_meanwhile}
    )
    assert audit_actions(candidate.id) == ["candidate.update"]


def test_a_move_since_the_page_was_drawn_makes_a_rating_stale(
    client, hr, candidate, stages, make_user
):
    """Is a rating chosen on a page drawn before a colleague's stage move refused too?"""
    from recruit.pipeline.moves import move_candidate

    loaded = candidate.version
    move_candidate(candidate, stages["screening"], make_user(Role.HR, name="Lee Chen"), None)
    db.session.commit()
    response = client.post(
        f"/candidates/{candidate.id}/rating",
        data={"rating": "5", "version": loaded},
        headers=SCRIPT,
    )
    assert response.status_code == 409
    assert response.get_json()["message"].startswith("Lee Chen saved this candidate")


# --- refused values -------------------------------------------------------------------

BAD_RATINGS = ["9", "0", "-1", "five", "4.5", "1" * 5000]


@pytest.mark.parametrize("rating", BAD_RATINGS)
def test_a_rating_out_of_range_is_refused_saying_why(client, hr, candidate, rating):
    """Is a rating that is not 1 to 5 refused with 400 and the Edit form's words?"""
    response = client.post(
        f"/candidates/{candidate.id}/rating",
        data={"rating": rating, "version": candidate.version},
        headers=SCRIPT,
    )
    assert response.status_code == 400
    assert response.get_json()["message"] == "Choose a rating from 1 to 5, or Not rated."
    assert reloaded(candidate.id).rating == 2


def test_a_missing_rating_is_refused(client, hr, candidate):
    """Is a form posted without any star refused with 400 rather than clearing the rating?"""
    response = client.post(
        f"/candidates/{candidate.id}/rating", data={"version": candidate.version}
    )
    assert response.status_code == 400
    assert reloaded(candidate.id).rating == 2


def test_a_bad_rating_without_javascript_shows_the_page_with_the_reason(client, hr, candidate):
    """Without the script, does a rating of 9 show the page again (400) with the reason
    beside the stars?"""
    response = client.post(
        f"/candidates/{candidate.id}/rating", data={"rating": "9", "version": candidate.version}
    )
    assert response.status_code == 400
    assert re.search(
        r'<p class="error" id="rating-error">Choose a rating from 1 to 5, or Not rated.</p>',
        response.text,
    )
    assert 'aria-describedby="rating-error"' in response.text


def test_the_edit_form_refuses_a_bad_rating_in_the_same_words(client, hr, candidate):
    """Does the Edit form refuse a rating of 9 with the words the stars use (one rule)?"""
    from tests.test_candidate_pages import profile

    response = client.post(
        f"/candidates/{candidate.id}/edit",
        data=profile(rating="9", version=candidate.version, email=candidate.email),
    )
    assert "Choose a rating from 1 to 5, or Not rated." in response.text
    assert reloaded(candidate.id).rating == 2


TOO_MANY_TAGS = ", ".join(f"tag{n}" for n in range(200))
TEN_KB_OF_TAGS = "x" * 10_240


@pytest.mark.parametrize("tags", [TOO_MANY_TAGS, TEN_KB_OF_TAGS], ids=["200 tags", "10 KB"])
def test_too_many_tags_are_refused_saying_why(client, hr, candidate, tags):
    """Are 200 tags, or 10 KB typed as tags, refused with 400 and a plain reason?"""
    response = client.post(
        f"/candidates/{candidate.id}/tags",
        data={"tags": tags, "version": candidate.version},
        headers=SCRIPT,
    )
    assert response.status_code == 400
    assert response.get_json()["message"] == (
        "Tags take at most 400 characters in all: remove some."
    )
    assert reloaded(candidate.id).tags == []


def test_too_many_tags_without_javascript_keep_the_page(client, hr, candidate):
    """Without the script, do 200 tags show the page again (400) with the reason beside
    the field and what was typed in it?"""
    response = client.post(
        f"/candidates/{candidate.id}/tags",
        data={"tags": TOO_MANY_TAGS, "version": candidate.version},
    )
    assert response.status_code == 400
    assert '<p class="error" id="tags-error">Tags take at most 400 characters' in response.text
    assert "tag199" in response.text


def test_a_line_break_in_the_tags_is_refused(client, hr, candidate):
    """Are control characters refused in the tags, as in every text field?"""
    response = client.post(
        f"/candidates/{candidate.id}/tags",
        data={"tags": "one\r\ntwo", "version": candidate.version},
        headers=SCRIPT,
    )
    assert response.status_code == 400
    assert "control characters" in response.get_json()["message"]


def test_a_long_tag_is_cut_as_the_edit_form_cuts_it(client, hr, candidate):
    """Is one tag longer than 40 characters kept at its first 40, as the Edit form does?"""
    client.post(
        f"/candidates/{candidate.id}/tags", data={"tags": "y" * 60, "version": candidate.version}
    )
    assert [t.name for t in reloaded(candidate.id).tags] == ["y" * 40]


# --- who may --------------------------------------------------------------------------


@pytest.fixture
def editing_for_hr_only(monkeypatch):
    """The policy narrowed so that only HR and admins may edit candidates."""
    monkeypatch.setitem(policy.POLICY, "edit_candidates", policy.HR_STAFF)


@pytest.mark.parametrize("path", ["rating", "tags"])
def test_a_role_that_may_not_edit_candidates_gets_403(
    client, signed_in, candidate, editing_for_hr_only, path
):
    """When the policy keeps editing from outreach, is their save refused with 403?"""
    signed_in(Role.OUTREACH)
    for headers in ({}, SCRIPT):
        response = client.post(
            f"/candidates/{candidate.id}/{path}",
            data={"rating": "5", "tags": "x", "version": candidate.version},
            headers=headers,
        )
        assert response.status_code == 403
    assert reloaded(candidate.id).rating == 2
    assert audit_actions(candidate.id) == []


def test_a_role_that_may_not_edit_sees_rating_and_tags_read_only(
    client, signed_in, make_candidate, editing_for_hr_only
):
    """Does outreach, kept from editing, see the rating and tags but no controls or script?"""
    candidate = make_candidate(rating=4, tags=[Tag(name="bilingual")])
    signed_in(Role.OUTREACH)
    page = client.get(f"/candidates/{candidate.id}").text
    assert "rated 4 of 5" in page and ">bilingual</a>" in page
    assert f"/candidates/{candidate.id}/rating" not in page
    assert 'name="tags"' not in page
    assert "in-place.js" not in page


@pytest.mark.parametrize("role", [Role.HR, Role.OUTREACH, Role.ADMIN])
def test_roles_that_may_edit_see_the_controls(client, signed_in, candidate, role):
    """Does every role the policy lets edit candidates get the stars, the tags field and
    the script?"""
    signed_in(role)
    page = client.get(f"/candidates/{candidate.id}").text
    assert f'action="/candidates/{candidate.id}/rating"' in page
    assert f'action="/candidates/{candidate.id}/tags"' in page
    assert re.search(r'id="rating-2" value="2" checked', page)
    assert "js/in-place.js" in page


def test_signed_out_posts_are_refused(client, candidate):
    """Is a save from someone signed out refused with 401?"""
    response = client.post(
        f"/candidates/{candidate.id}/rating", data={"rating": "5", "version": candidate.version}
    )
    assert response.status_code == 401
    assert reloaded(candidate.id).rating == 2


def test_an_erased_record_is_not_rated(client, hr, candidate):
    """Is an erased record's rating refused (409 for the script) and its page without
    controls?"""
    candidate.anonymized_at = utcnow()
    db.session.commit()
    response = client.post(
        f"/candidates/{candidate.id}/rating",
        data={"rating": "5", "version": candidate.version},
        headers=SCRIPT,
    )
    assert response.status_code == 409
    assert "erased" in response.get_json()["message"]
    assert reloaded(candidate.id).rating == 2
    assert (
        f"/candidates/{candidate.id}/rating" not in client.get(f"/candidates/{candidate.id}").text
    )


def test_an_unknown_candidate_is_404(client, hr, stages):
    """Is a rating for a candidate that does not exist answered with 404?"""
    response = client.post("/candidates/999999/rating", data={"rating": "5", "version": "1"})
    assert response.status_code == 404


def test_a_save_without_the_csrf_token_is_refused(app, client, hr, candidate):
    """With CSRF protection on, is a rating posted without the form's token refused with 400?"""
    app.config["WTF_CSRF_ENABLED"] = True
    for headers in ({}, SCRIPT):
        response = client.post(
            f"/candidates/{candidate.id}/rating",
            data={"rating": "5", "version": candidate.version},
            headers=headers,
        )
        assert response.status_code == 400
    assert reloaded(candidate.id).rating == 2


def test_the_pages_forms_carry_the_csrf_token_that_saves(app, client, hr, candidate):
    """With CSRF protection on, does the token the page's stars form carries save?"""
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(f"/candidates/{candidate.id}").text
    form = page[page.index(f'action="/candidates/{candidate.id}/rating"') :]
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    response = client.post(
        f"/candidates/{candidate.id}/rating",
        data={"rating": "5", "version": candidate.version, "csrf_token": token},
    )
    assert response.status_code == 303
    assert reloaded(candidate.id).rating == 5


# --- cost -----------------------------------------------------------------------------


def test_a_save_costs_the_same_with_many_known_tags(client, hr, make_candidate):
    """Does giving a candidate 30 tags already in use send as many queries as giving 3?"""
    db.session.add_all(Tag(name=f"t{n}") for n in range(30))
    db.session.commit()

    def queries_to_tag(names):
        candidate_id = make_candidate().id
        db.session.remove()
        with counting_queries() as statements:
            response = client.post(
                f"/candidates/{candidate_id}/tags",
                data={"tags": ", ".join(names), "version": "1"},
                headers=SCRIPT,
            )
        assert response.status_code == 200
        return len(statements)

    queries_to_tag(["t0"])  # the worker's first request fills its copies of the settings
    assert queries_to_tag([f"t{n}" for n in range(3)]) == queries_to_tag(
        [f"t{n}" for n in range(30)]
    )
