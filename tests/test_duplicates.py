"""Duplicates: suggested by email, phone or name at a university, merged side by side, and
the merged-away address kept as an alternate that the form and search still know."""

import re

import pytest
from sqlalchemy import func, select

from recruit.auth.models import Role
from recruit.candidates import services
from recruit.candidates.models import Candidate, CandidateEmail, ProposedUpdate, phone_key
from recruit.candidates.services import PROFILE_FIELDS, likely_duplicates
from recruit.extensions import db
from recruit.interest import receipts
from recruit.pipeline.merge import MERGE_CHOICES, merge_candidates
from recruit.privacy import services as privacy
from tests.query_counting import queries_for
from tests.test_candidate_pages import profile


@pytest.fixture
def config_overrides():
    """The public form's fill-time check is off, as in the form's own tests."""
    return {"MIN_FILL_SECONDS": 0}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def merge_url(keep, other) -> str:
    return f"/candidates/{keep.id}/merge/{other.id}"


def side_by_side_form(page: str) -> dict:
    """What a browser posts from the side-by-side page as drawn: hidden fields and the
    radios checked by default."""
    data = {}
    for tag in re.findall(r"<input[^>]*>", page):
        attributes = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag))
        if attributes.get("type") == "hidden" or (
            attributes.get("type") == "radio" and re.search(r"\schecked\b", tag)
        ):
            data[attributes["name"]] = attributes.get("value", "")
    return data


def test_phone_key_reads_one_number_written_many_ways():
    """Are "(916) 555-0100" and "+1 916 555 0100" one number, and a short one nobody's?"""
    assert phone_key("(916) 555-0100") == phone_key("+1 916 555 0100") == "9165550100"
    assert phone_key("555-01") == ""


def test_hand_add_warns_of_same_phone(client, signed_in, make_candidate, make_university):
    """Is a hand-added Ana Garcia with an existing Ana Garcia's phone (written otherwise,
    another university) held back with a warning and a link?"""
    signed_in(Role.HR)
    here, there = make_university("Capital State University"), make_university("Valley Tech")
    existing = make_candidate(
        first_name="Ana", last_name="Garcia", phone="(916) 555-0100", university_id=there.id
    )

    response = client.post(
        "/candidates/new",
        data=profile(
            first_name="Ana",
            last_name="Garcia",
            email="ana.g@capital.example",
            phone="+1 916 555 0100",
            university_id=str(here.id),
        ),
    )

    assert "This may be someone already here" in response.text
    assert f'href="/candidates/{existing.id}"' in response.text
    assert count(Candidate) == 1


def test_candidate_page_lists_possible_duplicates(client, signed_in, make_candidate):
    """Does a candidate's page list a record with the same phone, saying why, with a link to
    compare the two side by side?"""
    signed_in(Role.HR)
    candidate = make_candidate(first_name="Ana", last_name="Garcia", phone="916-555-0100")
    other = make_candidate(first_name="Anita", last_name="Garcia", phone="9165550100")

    page = client.get(f"/candidates/{candidate.id}").text

    panel = page[page.index("Possible duplicates") :]
    assert "same phone" in panel
    assert f'href="{merge_url(candidate, other)}"' in panel


def listed_on_page(client, candidate) -> list[int]:
    """The ids the candidate page's duplicates panel links to, in its order."""
    page = client.get(f"/candidates/{candidate.id}").text
    found = re.search(r'<section class="card" id="duplicates".*?</section>', page, re.S)
    return [int(i) for i in re.findall(r'href="/candidates/(\d+)"', found[0])] if found else []


def found_by_form(candidate) -> list[int]:
    """The ids the add-or-edit form's check suggests for the candidate's own details."""
    return [
        other.id
        for other in likely_duplicates(
            candidate.email,
            candidate.first_name,
            candidate.last_name,
            candidate.university_id,
            exclude_id=candidate.id,
            phone=candidate.phone,
        )
    ]


def test_candidate_page_lists_whom_the_form_would(
    client, signed_in, make_candidate, make_university
):
    """Does the page list the records the form's check would suggest for the candidate:
    the same address held as an alternate (whatever its case), the same phone, the same
    name at the same university, and not the same name at another one?"""
    signed_in(Role.HR)
    capital, coast = make_university(name="Capital State"), make_university(name="Coast State")
    ana = make_candidate(
        first_name="Ana",
        last_name="Garcia",
        email="Ana.Garcia@Capital.example",
        phone="916-555-0100",
        university=capital,
    )
    same_place = make_candidate(first_name="Ána", last_name="García", university=capital)
    make_candidate(first_name="Ana", last_name="Garcia", university=coast)
    same_phone = make_candidate(first_name="Anita", phone="(916) 555 0100")
    kept = make_candidate(first_name="Kept")
    db.session.add(CandidateEmail(candidate_id=kept.id, email="ana.garcia@capital.example"))
    db.session.commit()

    expected = sorted([same_place.id, same_phone.id, kept.id])
    assert listed_on_page(client, ana) == expected
    assert found_by_form(ana) == expected


def test_without_a_university_the_same_name_anywhere_is_listed_five_at_most(
    client, signed_in, make_candidate, make_university
):
    """For a candidate who gave no university, does the page list the same name at any
    university, the five lowest ids only, as the form's check would?"""
    signed_in(Role.HR)
    elsewhere = make_candidate(first_name="Ana", last_name="Garcia", university=make_university())
    crowd = [make_candidate(first_name="Ana", last_name="Garcia") for _ in range(5)]
    ana = make_candidate(first_name="Ana", last_name="Garcia")

    expected = [elsewhere.id, *(other.id for other in crowd)][:5]
    assert listed_on_page(client, ana) == expected
    assert found_by_form(ana) == expected


def test_an_address_beyond_ascii_is_matched_as_the_form_matches_it(
    client, signed_in, make_candidate
):
    """Is a record that keeps "élise@…" as an alternate listed on the page of the
    candidate whose address is "Élise@…", as the form lists it (SQLite's lower() leaves
    "É" as it is)?"""
    signed_in(Role.HR)
    elise = make_candidate(first_name="Elise", email="Élise@capital.example")
    kept = make_candidate(first_name="Kept")
    db.session.add(CandidateEmail(candidate_id=kept.id, email="élise@capital.example"))
    db.session.commit()

    assert listed_on_page(client, elise) == [kept.id]
    assert found_by_form(elise) == [kept.id]


def test_names_of_punctuation_alone_match_no_one(client, signed_in, make_candidate):
    """Do two records whose names have no letters (blank name keys) stay apart?"""
    signed_in(Role.HR)
    dash = make_candidate(first_name="-", last_name="-")
    make_candidate(first_name=".", last_name=".")

    assert listed_on_page(client, dash) == []
    assert found_by_form(dash) == []


def test_an_erased_record_matches_no_way(signed_in, make_candidate):
    """Does an erased record match none of the ways of matching for the details it had,
    so that it never takes one of the five places before it is left out?"""
    admin = signed_in(Role.ADMIN)
    erased = make_candidate(
        first_name="Ana", last_name="Garcia", email="ana@capital.example", phone="916-555-0100"
    )
    merge_candidates(erased, make_candidate(email="ana.g@mail.example"), admin)
    privacy.erase(erased, admin, why="asked")
    db.session.commit()

    for email in ("ana@capital.example", "ana.g@mail.example"):
        details = services._described(email, "Ana", "Garcia", None, "916-555-0100", None)
        assert db.session.scalars(services._bound_ids(), details).all() == []


def test_the_page_looks_duplicates_up_through_indexes(client, signed_in, make_candidate):
    """Does the record's statement find likely duplicates through the indexes of
    addresses, names and phones, never reading every candidate?"""
    from tests.query_counting import recording_statements
    from tests.test_query_counts import query_plan

    signed_in(Role.HR)
    ana = make_candidate(first_name="Ana", last_name="Garcia", phone="916-555-0100")
    client.get(f"/candidates/{ana.id}")  # fills the worker's copies
    db.session.remove()
    with recording_statements() as sent:
        client.get(f"/candidates/{ana.id}")
    statement, parameters = next((s, p) for s, p in sent if "same_person" in s)
    plan = query_plan(statement, parameters)
    for index in ("uq_candidates_email_lower", "ix_candidates_name_key_university"):
        assert index in plan, plan
    assert "ix_candidates_phone_key" in plan, plan
    assert "SCAN candidates " not in f"{plan} " and "Seq Scan on candidates " not in plan


def test_duplicates_panel_query_count_stays_constant(client, signed_in, make_candidate):
    """Does the candidate page send as many queries with four duplicates as with one?"""
    signed_in(Role.HR)
    candidate = make_candidate(first_name="Ana", last_name="Garcia", phone="916-555-0100")
    make_candidate(first_name="Ana", last_name="Garcia")
    one = queries_for(client, f"/candidates/{candidate.id}")
    for _ in range(3):
        make_candidate(first_name="Ana", last_name="Garcia", phone="916 555 0100")
    four = queries_for(client, f"/candidates/{candidate.id}")
    assert "Possible duplicates" in client.get(f"/candidates/{candidate.id}").text
    assert four == one


def test_erased_record_is_never_suggested_nor_merged(client, signed_in, make_candidate):
    """Is an erased record left out of the panel, and its side-by-side merge not found?"""
    admin = signed_in(Role.ADMIN)
    candidate = make_candidate(first_name="Ana", last_name="Garcia", phone="916-555-0100")
    erased = make_candidate(first_name="Ana", last_name="Garcia", phone="916-555-0100")
    privacy.erase(erased, admin, why="asked")
    db.session.commit()

    assert "Possible duplicates" not in client.get(f"/candidates/{candidate.id}").text
    assert client.get(merge_url(candidate, erased)).status_code == 404


def test_side_by_side_merge_keeps_a_chosen_detail_of_the_other_record(
    client, signed_in, make_candidate
):
    """On the side-by-side page, does picking the duplicate's major (and keeping our phone)
    merge the two with exactly those values?"""
    signed_in(Role.HR)
    keep = make_candidate(
        first_name="Ana", last_name="Garcia", phone="916-555-0100", major="Business"
    )
    other = make_candidate(
        first_name="Ana", last_name="Garcia", phone="916-555-0199", major="Supply chain"
    )
    keep_id, other_id = keep.id, other.id
    page = client.get(merge_url(keep, other)).text
    assert "Business" in page and "Supply chain" in page
    data = side_by_side_form(page)
    assert data["take-major"] == "kept" and data["take-phone"] == "kept"

    response = client.post(merge_url(keep, other), data=data | {"take-major": "other"})

    assert response.headers["Location"] == f"/candidates/{keep_id}"
    db.session.expire_all()
    assert db.session.get(Candidate, other_id) is None
    kept = db.session.get(Candidate, keep_id)
    assert (kept.major, kept.phone) == ("Supply chain", "916-555-0100")


def test_side_by_side_merge_of_a_record_changed_meanwhile_is_refused(
    client, signed_in, make_candidate
):
    """Is a merge chosen from a page drawn before the other record was edited refused?"""
    signed_in(Role.HR)
    keep = make_candidate(first_name="Ana", last_name="Garcia", major="Business")
    other = make_candidate(first_name="Ana", last_name="Garcia", major="Law")
    data = side_by_side_form(client.get(merge_url(keep, other)).text)
    other.major = "Economics"
    db.session.commit()

    response = client.post(merge_url(keep, other), data=data | {"take-major": "other"})

    assert response.status_code == 409
    assert count(Candidate) == 2


def test_losing_email_becomes_an_alternate_the_interest_form_knows(
    client, signed_in, make_candidate, make_university
):
    """After a merge, is the duplicate's email an alternate address of the kept record, and
    does the interest form sent with it update that record instead of adding a new one?"""
    from tests.test_interest_form import form_data

    signed_in(Role.HR)
    university = make_university("Capital State University")
    keep = make_candidate(first_name="Ana", last_name="Garcia", email="ana@capital.example")
    other = make_candidate(first_name="Ana", last_name="Garcia", email="Ana.G@Mail.example")
    keep_id = keep.id
    client.post(
        merge_url(keep, other), data=side_by_side_form(client.get(merge_url(keep, other)).text)
    )
    db.session.expire_all()
    assert db.session.scalars(select(CandidateEmail.email)).all() == ["ana.g@mail.example"]
    assert db.session.get(Candidate, keep_id).email == "ana@capital.example"

    client.get("/logout")
    data = form_data(university, email="ANA.G@mail.example", started=receipts.start_token())
    assert client.post("/apply", data=data).status_code == 303

    assert count(Candidate) == 1
    assert db.session.scalars(select(ProposedUpdate.candidate_id)).all() == [keep_id]


def test_taking_the_duplicates_email_keeps_ours_as_the_alternate(client, signed_in, make_candidate):
    """When HR picks the duplicate's email, is it the kept record's, and ours the
    alternate?"""
    signed_in(Role.HR)
    keep = make_candidate(email="old@capital.example")
    other = make_candidate(email="new@mail.example")
    keep_id = keep.id
    data = side_by_side_form(client.get(merge_url(keep, other)).text)
    client.post(merge_url(keep, other), data=data | {"take-email": "other"})
    db.session.expire_all()
    assert db.session.get(Candidate, keep_id).email == "new@mail.example"
    assert db.session.scalars(select(CandidateEmail.email)).all() == ["old@capital.example"]


def test_search_finds_a_record_by_its_alternate_email(client, signed_in, make_candidate):
    """Does a search for a merged-away address find the kept record?"""
    user = signed_in(Role.HR)
    keep = make_candidate(first_name="Ana", last_name="Garcia", email="ana@capital.example")
    other = make_candidate(first_name="Ana", last_name="Garcia", email="zorilla.q@mail.example")
    merge_candidates(keep, other, user)
    db.session.commit()

    page = client.get("/candidates/?q=zorilla&status=all").text

    assert re.findall(r'<a href="/candidates/(\d+)">', page) == [str(keep.id)]


def test_hand_add_with_an_alternate_email_is_refused(client, signed_in, make_candidate):
    """Is a hand-added candidate with another's alternate address refused as that email?"""
    user = signed_in(Role.HR)
    keep = make_candidate(email="ana@capital.example")
    merge_candidates(keep, make_candidate(email="ana.g@mail.example"), user)
    db.session.commit()

    response = client.post("/candidates/new", data=profile(email="Ana.G@mail.example"))

    assert "Another candidate already has this email." in response.text
    assert count(Candidate) == 1


@pytest.mark.parametrize("held_as", ["alternate", "own"])
def test_an_email_held_by_a_record_past_the_first_five_suggestions_is_refused(
    client, signed_in, make_candidate, held_as
):
    """When eight records share a phone, is an edit to an address that a record outside the
    five suggestions holds (as its own, or as an alternate) still refused, not saved into
    a clash?"""
    user = signed_in(Role.HR)
    phone = "916 555 0100"
    crowd = [make_candidate(first_name="Zed", phone=phone) for _ in range(7)]
    holder = make_candidate(first_name="Holder", email="holder@capital.example", phone=phone)
    if held_as == "alternate":
        merge_candidates(holder, make_candidate(email="old@mail.example"), user)
        db.session.commit()
    taken = "old@mail.example" if held_as == "alternate" else "holder@capital.example"
    edited = crowd[0]

    response = client.post(
        f"/candidates/{edited.id}/edit",
        data=profile(
            first_name="Zed",
            email=taken.upper(),
            phone=phone,
            confirm_duplicate="y",
            version=str(edited.version),
        ),
    )

    assert "Another candidate already has this email." in response.text
    db.session.expire_all()
    assert db.session.get(Candidate, edited.id).email != taken


def test_erasure_leaves_no_alternate_email(client, signed_in, make_candidate):
    """Does erasing a merged record delete its alternate addresses?"""
    admin = signed_in(Role.ADMIN)
    keep = make_candidate(email="ana@capital.example")
    merge_candidates(keep, make_candidate(email="ana.g@mail.example"), admin)
    db.session.commit()
    assert count(CandidateEmail) == 1

    privacy.erase(keep, admin, why="asked")
    db.session.commit()

    assert count(CandidateEmail) == 0


def test_merge_choices_cover_every_profile_field():
    """Does the side-by-side merge offer every profile field, each once?"""
    fields = [name for names in MERGE_CHOICES.values() for name in names]
    assert sorted(fields) == sorted(PROFILE_FIELDS)


def test_duplicate_lookup_reads_candidates_through_indexes(app, make_candidate):
    """Does the lookup by email, alternate email and phone use indexes, never reading every
    candidate?"""
    from tests.query_counting import recording_statements
    from tests.test_query_counts import query_plan

    known_id = make_candidate(first_name="Ana", last_name="Garcia", phone="916-555-0100").id
    db.session.remove()
    with recording_statements() as sent:
        found = likely_duplicates("ana@u.example", "Ana", "Garcia", None, phone="9165550100")
    assert [candidate.id for candidate in found] == [known_id]
    statement, parameters = next((s, p) for s, p in sent if "phone_key" in s)
    plan = query_plan(statement, parameters)
    assert "ix_candidates_phone_key" in plan, plan
    assert "uq_candidates_email_lower" in plan
    assert "SCAN candidates" not in plan and "Seq Scan on candidates" not in plan
    db.session.rollback()
