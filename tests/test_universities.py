"""Universities: the list with search and filters, one university's page, its yield, edits."""

import csv
import io
import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import select

from recruit.audit.models import AuditEntry
from recruit.auth.models import Role
from recruit.candidates.models import StageChange
from recruit.extensions import db
from recruit.universities import queries
from recruit.universities.models import Contact, ContactRole, Partnership, University
from tests.query_counting import counting_queries, page_queries


def university_form(**changes) -> dict:
    data = {
        "name": "Lone Star State University",
        "college": "College of Business",
        "majors": "supply chain, public administration",
        "city": "Austin",
        "state": "tx",
        "partnership": "active",
        "agreement_on": "",
        "notes": "Career center prefers email.",
    }
    data.update(changes)
    return data


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def names_listed(html: str) -> list[str]:
    """The university names in the list's rows, in order."""
    return re.findall(r'<th scope="row"><a href="/universities/\d+">([^<]+)</a>', html)


# --- create and edit ------------------------------------------------------------------------


def test_outreach_adds_a_university(client, signed_in):
    """Does outreach's new university get saved, its state in capitals, and shown?"""
    signed_in(Role.OUTREACH)
    response = client.post("/universities/new", data=university_form())
    university = db.session.scalars(select(University)).one()
    assert response.status_code == 302
    assert response.location == f"/universities/{university.id}"
    assert (university.city, university.state) == ("Austin", "TX")
    assert university.partnership == Partnership.ACTIVE


def test_adding_a_university_is_audited(client, signed_in):
    """Does adding a university leave an audit entry naming who added it?"""
    user = signed_in(Role.OUTREACH)
    client.post("/universities/new", data=university_form())
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "university.create")
    ).one()
    assert entry.user_id == user.id
    assert entry.target_type == "University"


def test_formal_agreement_needs_its_date(client, signed_in):
    """Is a formal agreement without a date refused, with everything typed kept?"""
    signed_in(Role.OUTREACH)
    response = client.post(
        "/universities/new", data=university_form(partnership="formal_agreement")
    )
    assert response.status_code == 200
    assert "Give the date the formal agreement was signed." in response.text
    assert 'value="Lone Star State University"' in response.text
    assert 'value="supply chain, public administration"' in response.text
    assert db.session.scalars(select(University)).all() == []


def test_formal_agreement_keeps_its_date(client, signed_in):
    """Is a formal agreement saved with the date it was signed?"""
    signed_in(Role.OUTREACH)
    client.post(
        "/universities/new",
        data=university_form(partnership="formal_agreement", agreement_on="2025-08-15"),
    )
    university = db.session.scalars(select(University)).one()
    assert university.agreement_on == date(2025, 8, 15)


def test_state_must_be_two_letters(client, signed_in):
    """Is a state written out in full refused, with the name kept?"""
    signed_in(Role.OUTREACH)
    response = client.post("/universities/new", data=university_form(state="Texas"))
    assert "two-letter code" in response.text
    assert 'value="Lone Star State University"' in response.text


def test_name_is_required(client, signed_in):
    """Is a university without a name refused, with the city kept?"""
    signed_in(Role.OUTREACH)
    response = client.post("/universities/new", data=university_form(name=""))
    assert 'class="error-summary"' in response.text
    assert 'value="Austin"' in response.text


def test_same_name_and_college_is_refused(client, signed_in, make_university):
    """Is a second university with the same name and college refused, not crashed on?"""
    signed_in(Role.OUTREACH)
    make_university("Lone Star State University", college="College of Business")
    response = client.post("/universities/new", data=university_form())
    assert response.status_code == 200
    assert "is already listed" in response.text
    assert len(db.session.scalars(select(University)).all()) == 1


def test_edit_form_shows_current_values(client, signed_in, make_university):
    """Does the edit form open with the university's current details?"""
    signed_in(Role.OUTREACH)
    university = make_university("Gulf Coast University", city="Houston", state="TX")
    response = client.get(f"/universities/{university.id}/edit")
    assert 'value="Gulf Coast University"' in response.text
    assert 'value="Houston"' in response.text


def test_outreach_edits_a_university(client, signed_in, make_university):
    """Does an edit change the details and audit which fields changed?"""
    signed_in(Role.OUTREACH)
    university = make_university("Lone Star State University", college="College of Business")
    response = client.post(
        f"/universities/{university.id}/edit", data=university_form(city="San Marcos")
    )
    assert response.status_code == 302
    db.session.refresh(university)
    assert university.city == "San Marcos"
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "university.update")
    ).one()
    assert "city" in entry.detail["fields"]


def test_renaming_to_a_listed_university_is_refused(client, signed_in, make_university):
    """Is an edit that would duplicate another university refused, leaving both as they were?"""
    signed_in(Role.OUTREACH)
    make_university("Lone Star State University", college="College of Business")
    other = make_university("Gulf Coast University", college="College of Business")
    response = client.post(f"/universities/{other.id}/edit", data=university_form())
    assert "is already listed" in response.text
    db.session.refresh(other)
    assert other.name == "Gulf Coast University"


def test_agreement_date_is_dropped_without_an_agreement(client, signed_in, make_university):
    """Is the agreement date cleared when the partnership is no longer a formal agreement?"""
    signed_in(Role.OUTREACH)
    university = make_university(
        "Lone Star State University",
        college="College of Business",
        partnership=Partnership.FORMAL_AGREEMENT,
        agreement_on=date(2024, 1, 10),
    )
    client.post(
        f"/universities/{university.id}/edit",
        data=university_form(partnership="active", agreement_on="2024-01-10"),
    )
    db.session.refresh(university)
    assert university.agreement_on is None


# --- roles --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.HR, Role.OUTREACH, Role.ADMIN])
def test_every_staff_role_sees_the_list(client, signed_in, make_university, role):
    """Can HR, outreach and admins open the university list?"""
    signed_in(role)
    make_university("Gulf Coast University")
    response = client.get("/universities/")
    assert response.status_code == 200
    assert "Gulf Coast University" in response.text


def test_hr_opens_a_university(client, signed_in, make_university):
    """Can HR open a university's page?"""
    signed_in(Role.HR)
    university = make_university("Gulf Coast University")
    assert client.get(f"/universities/{university.id}").status_code == 200


@pytest.mark.parametrize("path", ["/universities/new", "/universities/{id}/edit"])
def test_hr_may_not_open_university_forms(client, signed_in, make_university, path):
    """Is HR refused the new and edit university forms?"""
    signed_in(Role.HR)
    university = make_university()
    assert client.get(path.format(id=university.id)).status_code == 403


def test_hr_may_not_add_a_university(client, signed_in):
    """Is HR's POST of a new university refused, with nothing saved?"""
    signed_in(Role.HR)
    response = client.post("/universities/new", data=university_form())
    assert response.status_code == 403
    assert db.session.scalars(select(University)).all() == []


def test_hr_may_not_edit_a_university(client, signed_in, make_university):
    """Is HR's POST of an edit refused, with nothing changed?"""
    signed_in(Role.HR)
    university = make_university("Gulf Coast University")
    response = client.post(f"/universities/{university.id}/edit", data=university_form())
    assert response.status_code == 403
    db.session.refresh(university)
    assert university.name == "Gulf Coast University"


@pytest.mark.parametrize(("role", "shown"), [(Role.OUTREACH, True), (Role.HR, False)])
def test_add_button_only_for_those_who_may_add(client, signed_in, role, shown):
    """Is the Add a university button shown to outreach and not to HR?"""
    signed_in(role)
    assert ("Add a university" in client.get("/universities/").text) is shown


@pytest.mark.parametrize("role", [Role.HR, Role.OUTREACH, Role.ADMIN])
def test_menu_links_universities_and_follow_ups(client, signed_in, role):
    """Does every signed-in user's menu link to Universities and Follow-ups?"""
    signed_in(role)
    page = client.get("/").text
    assert 'href="/universities/"' in page
    assert 'href="/follow-ups"' in page


def test_unknown_university_is_404(client, signed_in):
    """Does a university that does not exist give 404?"""
    signed_in(Role.HR)
    assert client.get("/universities/9999").status_code == 404


# --- search, filters, sorting ----------------------------------------------------------------


@pytest.fixture
def three_universities(make_university):
    make_university(
        "Gulf Coast University",
        college="School of Law",
        city="Houston",
        state="TX",
        majors="law, public administration",
        partnership=Partnership.ACTIVE,
    )
    make_university(
        "Mountain State University",
        college="College of Business",
        city="Denver",
        state="CO",
        majors="supply chain, business",
        partnership=Partnership.PROSPECT,
    )
    make_university(
        "Bayou Technical College",
        city="Baton Rouge",
        state="LA",
        majors="Supply Chain Management",
        partnership=Partnership.FORMAL_AGREEMENT,
        agreement_on=date(2024, 5, 1),
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("gulf", ["Gulf Coast University"]),
        ("college of business", ["Mountain State University"]),
        ("baton", ["Bayou Technical College"]),
        ("%", []),
    ],
)
def test_search_matches_name_college_and_city(
    client, signed_in, three_universities, query, expected
):
    """Does the search find universities by name, college or city, whatever the case?"""
    signed_in(Role.HR)
    assert names_listed(client.get("/universities/", query_string={"q": query}).text) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"state": "tx"}, ["Gulf Coast University"]),
        ({"partnership": "formal_agreement"}, ["Bayou Technical College"]),
        ({"programs": "supply chain"}, ["Bayou Technical College", "Mountain State University"]),
        ({"programs": "supply chain", "state": "CO"}, ["Mountain State University"]),
    ],
)
def test_filters_narrow_the_list(client, signed_in, three_universities, args, expected):
    """Do the state, partnership and programs filters narrow the list, and combine?"""
    signed_in(Role.HR)
    assert names_listed(client.get("/universities/", query_string=args).text) == expected


def test_list_is_sorted_by_name(client, signed_in, three_universities):
    """Is the list in name order, A to Z?"""
    signed_in(Role.HR)
    assert names_listed(client.get("/universities/").text) == [
        "Bayou Technical College",
        "Gulf Coast University",
        "Mountain State University",
    ]


def test_list_sorts_by_name_z_to_a(client, signed_in, three_universities):
    """Does direction=desc list names Z to A?"""
    signed_in(Role.HR)
    assert names_listed(client.get("/universities/?direction=desc").text) == [
        "Mountain State University",
        "Gulf Coast University",
        "Bayou Technical College",
    ]


@pytest.mark.parametrize("config_overrides", [{"PAGE_SIZE": 2}])
def test_list_is_paginated(client, signed_in, three_universities):
    """Does the second page hold the rest, with a pager linking back?"""
    signed_in(Role.HR)
    response = client.get("/universities/?page=2")
    assert names_listed(response.text) == ["Mountain State University"]
    assert 'rel="prev"' in response.text
    assert "Page 2 of 2" in response.text


def test_list_counts_contacts_and_candidates(client, signed_in, make_university, make_candidate):
    """Does each row show how many contacts and candidates the university has?"""
    signed_in(Role.HR)
    university = make_university("Gulf Coast University")
    for name in ("Ana Ruiz", "Ben Cho"):
        db.session.add(Contact(university=university, role=ContactRole.FACULTY, name=name))
    db.session.commit()
    for _ in range(3):
        make_candidate(university_id=university.id)
    page = client.get("/universities/").text
    assert re.search(r"<td>2</td>\s*<td><a href=\"/candidates/\?university=\d+[^\"]*\">3</a>", page)


# --- one university ----------------------------------------------------------------------


def test_page_shows_contacts_and_events(client, signed_in, make_university, make_event):
    """Does a university's page list its contacts and its events?"""
    signed_in(Role.HR)
    university = make_university("Gulf Coast University")
    db.session.add(
        Contact(university=university, role=ContactRole.CAREER_CENTER, name="Maria Lopez")
    )
    db.session.commit()
    make_event("Spring Career Expo", university_id=university.id)
    page = client.get(f"/universities/{university.id}").text
    assert "Maria Lopez" in page
    assert "Spring Career Expo" in page


def test_page_links_to_its_candidates(client, signed_in, make_university, make_candidate):
    """Does the page count the university's candidates and link to them in the list?"""
    signed_in(Role.HR)
    university = make_university()
    make_candidate(university_id=university.id)
    make_candidate(university_id=university.id)
    page = client.get(f"/universities/{university.id}").text
    assert f'href="/candidates/?university={university.id}' in page
    assert "2 candidates from here" in page


# --- yield ----------------------------------------------------------------------------------


@pytest.fixture
def yield_fixture(make_university, make_candidate, stages):
    """Eight candidates with hand-written histories; seven of them from one university."""
    university = make_university("Gulf Coast University")
    elsewhere = make_university("Mountain State University")

    def candidate(path: list[str], university_id: int):
        person = make_candidate(stage=path[0], university_id=university_id)
        for key in path[1:]:
            db.session.add(StageChange(candidate=person, to_stage=stages[key]))
            person.stage = stages[key]
        db.session.commit()
        return person

    candidate(["interested"], university.id)  # a lead only
    candidate(["interested", "screening", "interview", "not_selected"], university.id)
    candidate(
        ["interview", "offer", "onboarding", "active_intern", "completed", "hired"],
        university.id,
    )
    candidate(["interested", "withdrawn"], university.id)  # closed stages do not count
    candidate(["hired"], university.id)  # hired straight away: past interview, never an intern
    candidate(["active_intern"], university.id)
    candidate(["interested", "talent_pool"], university.id)
    candidate(["interview", "active_intern", "hired"], elsewhere.id)
    return university


def test_yield_counts_each_step_by_hand(yield_fixture):
    """Are leads, interviews, interns and hires what the histories say (7, 4, 2, 2)?"""
    assert queries.university_yield(yield_fixture) == {
        "leads": 7,
        "interviews": 4,
        "interns": 2,
        "hires": 2,
    }


def test_yield_is_one_query(yield_fixture):
    """Is the whole yield counted in a single SQL query?"""
    db.session.refresh(yield_fixture)  # loaded, and inside a transaction, before counting
    with counting_queries() as statements:
        queries.university_yield(yield_fixture)
    assert len(statements) == 1


def test_yield_of_a_university_without_candidates_is_zero(make_university, stages):
    """Does a university with no candidates show zeros, not an error?"""
    assert queries.university_yield(make_university()) == {
        "leads": 0,
        "interviews": 0,
        "interns": 0,
        "hires": 0,
    }


def test_yield_table_on_the_page(client, signed_in, yield_fixture):
    """Does the university page show the yield with shares of leads?"""
    signed_in(Role.HR)
    page = client.get(f"/universities/{yield_fixture.id}").text
    assert re.search(r"Reached interview</th><td>4</td><td>57%</td>", page)
    assert re.search(r"Hires</th><td>2</td><td>29%</td>", page)


# --- queries per page ------------------------------------------------------------------------


def add_universities(start: int, count: int) -> None:
    for n in range(start, start + count):
        university = University(
            name=f"University {n:03}", city="Austin", state="TX", majors="supply chain"
        )
        db.session.add(university)
        db.session.add(Contact(university=university, role=ContactRole.FACULTY, name="Ana"))
    db.session.commit()


@pytest.mark.parametrize("config_overrides", [{"PAGE_SIZE": 100}])
def test_list_queries_do_not_grow_with_rows(client, signed_in):
    """Does the university list run as many queries for 100 rows as for 5?"""
    signed_in(Role.HR)
    add_universities(0, 5)
    few, page = page_queries(client, "/universities/")
    assert len(names_listed(page)) == 5
    add_universities(5, 95)
    many, page = page_queries(client, "/universities/")
    assert len(names_listed(page)) == 100
    assert many == few


# --- full names: the college or department wherever a university is shown or picked -----


@pytest.fixture
def state_colleges(make_university):
    """Three colleges that share the name State University, as in the demo."""
    return [
        make_university(name="State University", college=college)
        for college in ("College of Business", "School of Public Affairs", "College of Law")
    ]


FULL_NAMES = [
    "State University, College of Business",
    "State University, College of Law",
    "State University, School of Public Affairs",
]


def options(html: str, select_name: str) -> list[str]:
    """The labels of a select's options, in order."""
    select_html = html.split(f'name="{select_name}"')[1].split("</select>")[0]
    return [unescape(label).strip() for label in re.findall(r"<option[^>]*>([^<]*)<", select_html)]


def test_full_name_includes_the_college_in_python_and_sql(state_colleges, make_university):
    """Is a university's full name its name and college, and the name alone without one,
    alike on the model and in a query?"""
    alone = make_university(name="Capital State")
    assert state_colleges[2].full_name == "State University, College of Law"
    assert alone.full_name == "Capital State"
    in_sql = dict(db.session.execute(select(University.id, University.full_name)).all())
    assert in_sql[state_colleges[2].id] == "State University, College of Law"
    assert in_sql[alone.id] == "Capital State"


@pytest.mark.parametrize(
    ("path", "select_name"),
    [
        ("/candidates/new", "university_id"),
        ("/candidates/", "university"),
        ("/events/", "university"),
        ("/events/new", "university_id"),
    ],
)
def test_staff_selects_name_each_college(
    client, signed_in, stages, state_colleges, path, select_name
):
    """Does each university select on staff pages tell the three State Universities apart?"""
    signed_in(Role.ADMIN)
    html = client.get(path).get_data(as_text=True)
    assert [o for o in options(html, select_name) if o.startswith("State")] == FULL_NAMES


def test_interest_form_select_names_each_college(client, stages, state_colleges):
    """Does a student picking their university on the public form see each college?"""
    html = client.get("/apply").get_data(as_text=True)
    assert [o for o in options(html, "university") if o.startswith("State")] == FULL_NAMES


def test_candidate_export_names_the_college(client, signed_in, state_colleges, make_candidate):
    """Does the candidate export give the student's university with its college?"""
    signed_in(Role.HR)
    make_candidate(university_id=state_colleges[2].id)
    rows = list(csv.DictReader(io.StringIO(client.get("/candidates/export.csv").text)))
    assert [row["university"] for row in rows] == ["State University, College of Law"]
