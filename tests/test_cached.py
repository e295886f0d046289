"""Each worker keeps copies of the stages, universities and settings, and a change made
through any worker shows on the next request every other worker serves."""

import re

import pytest
from sqlalchemy import select, update

from recruit import cached, change_clock, create_app
from recruit.admin.models import get_setting
from recruit.auth.models import Role
from recruit.candidates.models import Candidate
from recruit.extensions import db
from tests.conftest import PASSWORD, base_config
from tests.query_counting import counting_queries


@pytest.fixture
def other_worker(database_url, tmp_path, make_user):
    """A second app on the test's database, as a second gunicorn worker is: return a
    client of it signed in as an admin."""
    other = create_app(base_config(database_url, tmp_path / "other-worker"))
    client = other.test_client()
    email = make_user(role=Role.ADMIN).email
    settle()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    yield client
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def settle() -> None:
    """End the test's own read transaction, as each request's ends: on SQLite a write
    after another connection's write would otherwise be refused."""
    db.session.commit()


def board_columns(client) -> list[str]:
    """The board's column titles, left to right."""
    page = client.get("/candidates/board").text
    return re.findall(r'<h2 class="board-column__title"[^>]*>\s*<span>([^<]+)</span>', page)


def test_a_stage_renamed_through_one_worker_shows_on_another(
    client, signed_in, stages, other_worker
):
    """An admin renames Screening; does the board another worker draws next say so?"""
    screening = stages["screening"].id
    settle()
    assert "Screening" in board_columns(other_worker)
    signed_in(Role.ADMIN)
    response = client.post(
        f"/admin/stages/{screening}", data={"name": "Phone screen", "kind": "active"}
    )
    assert response.status_code == 302
    columns = board_columns(other_worker)
    assert "Phone screen" in columns
    assert "Screening" not in columns


def test_a_university_added_through_one_worker_is_offered_by_another(
    client, signed_in, stages, other_worker
):
    """An admin adds a university; does the interest form another worker serves offer it?"""
    assert "Lone Star State University" not in other_worker.get("/apply").text
    signed_in(Role.ADMIN)
    response = client.post(
        "/universities/new",
        data={
            "name": "Lone Star State University",
            "college": "",
            "majors": "",
            "city": "Austin",
            "state": "tx",
            "partnership": "active",
            "agreement_on": "",
            "notes": "",
        },
    )
    assert response.status_code == 302
    assert "Lone Star State University" in other_worker.get("/apply").text


def test_a_privacy_notice_saved_through_one_worker_shows_on_another(
    client, signed_in, stages, other_worker
):
    """An admin rewords the privacy notice; do students see it on another worker's form?"""
    assert "We keep what you enter here" in other_worker.get("/apply").text
    signed_in(Role.ADMIN)
    settle()
    page = client.get("/admin/settings").text
    version = re.search(r'name="version"[^>]*value="(\d+)"', page)[1]
    response = client.post(
        "/admin/settings",
        data={
            "office_name": get_setting("office_name"),
            "office_email": get_setting("office_email"),
            "privacy_notice": "The office keeps your answers for two years.",
            "privacy_notice_es": get_setting("privacy_notice_es"),
            "retention_months": "24",
            "time_zone": get_setting("time_zone"),
            "two_step_required": get_setting("two_step_required"),
            "version": version,
        },
    )
    assert response.status_code == 302
    form = other_worker.get("/apply").text
    assert "The office keeps your answers for two years." in form
    assert "We keep what you enter here" not in form


def test_the_board_reads_stages_and_settings_once_per_worker(client, signed_in, stages, clock):
    """Once a worker has drawn the board, does the next board (in the same minute) read no
    stage, university or setting rows, only the one statement that says whether they
    changed?"""
    signed_in(Role.HR)
    client.get("/candidates/board")
    db.session.remove()
    with counting_queries() as statements:
        assert client.get("/candidates/board").status_code == 200
    watched = [s for s in statements if re.search(r"FROM (stages|universities|settings)\b", s)]
    assert len(watched) == 1
    assert "sum(stages.version)" in watched[0]


# --- the board's columns and the filter bar, kept under the change clock ---------------


def change_clock_time() -> int:
    """Where the change clock stands, as a worker reads it."""
    settle()
    return db.session.scalar(select(change_clock.reading(db.engine.dialect.name)))


def card_column(client, candidate_id: int) -> str | None:
    """The title of the board column holding the candidate's card, or None."""
    page = client.get("/candidates/board").text
    for section in re.findall(r'<section class="board-column".*?</section>', page, re.S):
        if f'data-candidate-id="{candidate_id}"' in section:
            return re.search(r"<span>([^<]+)</span>", section).group(1)
    return None


def test_a_card_moved_through_one_worker_moves_on_the_board_another_keeps(
    client, signed_in, make_candidate, stages, other_worker, clock
):
    """Another worker has drawn (and kept) the board; HR moves a card through this one.
    Does the other worker's next board show the card in its new column?"""
    signed_in(Role.HR)
    candidate = make_candidate(first_name="Odile", last_name="Brandt")
    settle()
    assert card_column(other_worker, candidate.id) == "Interested"
    before = change_clock_time()
    assert card_column(other_worker, candidate.id) == "Interested"  # now kept
    response = client.post(
        f"/candidates/{candidate.id}/move",
        data={"to_stage": stages["screening"].id, "version": "1"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    assert change_clock_time() == before + 1
    assert card_column(other_worker, candidate.id) == "Screening"


def test_a_kept_board_reads_no_candidates_until_something_changes(
    client, signed_in, make_candidate, stages, clock
):
    """Does a second board load (in the same minute) read no candidate rows, while a
    change made since through the session's own connection shows on the next one?"""
    candidate_id = make_candidate(first_name="Odile", last_name="Brandt").id
    signed_in(Role.HR)
    client.get("/candidates/board")
    db.session.remove()
    with counting_queries() as statements:
        assert "Odile Brandt" in client.get("/candidates/board").text
    assert not [s for s in statements if re.search(r"\bFROM candidates\b", s)]
    db.session.connection().execute(
        update(Candidate).where(Candidate.id == candidate_id).values(first_name="Odette")
    )
    db.session.commit()
    page = client.get("/candidates/board").text
    assert "Odette Brandt" in page
    assert "Odile Brandt" not in page


def test_the_change_clock_moves_once_a_change_and_never_for_reading(
    client, signed_in, make_candidate, stages
):
    """Do board loads, sign-ins and their stamps leave the clock alone, a move tick it
    once, and a change rolled back leave it where it was?"""
    candidate = make_candidate()
    before = change_clock_time()
    signed_in(Role.HR)
    client.get("/candidates/board")
    client.get("/")
    assert change_clock_time() == before
    client.post(
        f"/candidates/{candidate.id}/move",
        data={"to_stage": stages["screening"].id, "version": "1"},
    )
    assert change_clock_time() == before + 1
    db.session.get(Candidate, candidate.id).first_name = "Rolled"
    db.session.flush()
    db.session.rollback()
    assert change_clock_time() == before + 1


def test_a_change_before_a_savepoint_rolled_back_still_ticks(make_candidate):
    """A change, then a savepoint (with one of its own inside, released) rolled back: does
    the change still move the clock when the transaction commits?"""
    candidate = make_candidate()
    before = change_clock_time()
    db.session.get(Candidate, candidate.id).first_name = "Kept"
    db.session.flush()
    outer = db.session.begin_nested()
    db.session.begin_nested().commit()
    outer.rollback()
    db.session.commit()
    assert change_clock_time() == before + 1


@pytest.mark.parametrize(
    ("statement", "writes"),
    [
        ("UPDATE candidates SET rating = 3", True),
        ("/* from a script */ update candidates set rating = 3", True),
        ("INSERT INTO candidate_tags (candidate_id, tag_id) VALUES (1, 2)", True),
        ("INSERT OR IGNORE INTO tags (name) VALUES ('x')", True),
        ("WITH old AS (SELECT 1) DELETE FROM notes WHERE id IN (SELECT * FROM old)", True),
        ("WITH x AS (SELECT 1) UPDATE ONLY public.candidates AS c SET rating = 3", True),
        ("TRUNCATE candidates", True),
        ("UPDATE staff_sessions SET last_seen_at = now()", False),
        ('INSERT INTO "audit_entries" (action) VALUES (1)', False),
        ("SELECT id FROM candidates WHERE id = 1 FOR UPDATE", False),
        ("WITH by_name AS (SELECT 1) SELECT * FROM by_name", False),
        ("SAVEPOINT sa_savepoint_1", False),
        ("PRAGMA foreign_keys=ON", False),
    ],
)
def test_which_statements_move_the_clock(statement, writes):
    """Is a write seen as one however it is written, and a read or sign-in stamp not?"""
    assert change_clock.writes_pages(statement) is writes


def test_a_kept_board_still_counts_the_days_in_stage(client, signed_in, make_candidate, clock):
    """The board is kept, and nothing changes for two days: does it say two days?"""
    make_candidate(first_name="Odile", last_name="Brandt")
    signed_in(Role.HR)
    assert "0 days in stage" in client.get("/candidates/board").text
    clock.advance(days=2)
    assert "2 days in stage" in client.get("/candidates/board").text


def test_a_board_kept_for_hr_shows_outreach_no_move_links(
    client, make_user, make_candidate, auth, clock
):
    """HR draws the board first; does outreach, at the same address and while the board
    is kept, get cards without Move links, and HR still get them afterwards?"""
    hr, outreach = make_user(Role.HR), make_user(Role.OUTREACH)
    make_candidate(first_name="Odile", last_name="Brandt")
    auth.login(hr.email)
    assert "data-move-link" in client.get("/candidates/board").text
    before = change_clock_time()
    auth.logout()
    auth.login(outreach.email)
    page = client.get("/candidates/board").text
    assert change_clock_time() == before
    assert "Odile Brandt" in page
    assert "data-move-link" not in page
    auth.logout()
    auth.login(hr.email)
    assert "data-move-link" in client.get("/candidates/board").text


def test_an_event_added_through_one_worker_is_a_filter_on_another(
    client, other_worker, make_event, clock
):
    """Another worker keeps the list's filter bar; does an event added since show among
    its choices?"""
    settle()
    assert "Spring Supply Chain Fair" not in other_worker.get("/candidates/").text
    make_event(name="Spring Supply Chain Fair")
    settle()
    assert "Spring Supply Chain Fair" in other_worker.get("/candidates/").text


def test_a_worker_nobody_asks_drops_what_it_kept_after_the_minute(
    app, client, signed_in, make_candidate, monkeypatch
):
    """After an erasure no request may come to a worker for hours: does it let go of the
    board it kept (students' names with it) once the piece's time is up?"""
    make_candidate(first_name="Odile", last_name="Brandt")
    signed_in(Role.HR)
    # Long enough that a stalled machine still finds the piece kept when the page is in.
    monkeypatch.setattr(cached, "FRAGMENT_SECONDS", 5)
    client.get("/candidates/board")
    copies = app.extensions["recruit_cached"]
    sweeper = copies.sweeper
    assert any("Odile Brandt" in piece for piece in copies.fragments.values())
    sweeper.join(timeout=30)
    assert not sweeper.is_alive()
    assert not copies.fragments


def funnel_count(client, stage: str) -> int:
    """How many candidates reached a stage this term, as the reports page's funnel says."""
    page = client.get("/reports/").text
    return int(re.search(rf'<th scope="row">{stage}</th><td>(\d+)</td>', page).group(1))


def pipeline_count(client, stage: str) -> int:
    """How many candidates stand in a stage, as the dashboard's pipeline says."""
    page = client.get("/").text
    found = re.search(rf">{stage}</a> <span class=\"pipeline__count\">(\d+)</span>", page)
    return int(found.group(1))


@pytest.mark.parametrize(
    ("figure", "after"),
    [
        (funnel_count, {"Screening": 1}),
        (pipeline_count, {"Screening": 1, "Interested": 0}),
    ],
    ids=["reports", "dashboard"],
)
def test_figures_another_worker_keeps_count_a_move_made_since(
    client, signed_in, make_candidate, stages, other_worker, clock, figure, after
):
    """A manager has this term's report, or an admin the dashboard, from another worker,
    which keeps its figures; HR moves a candidate to Screening through this one. Does the
    next load there count the move?"""
    signed_in(Role.HR)
    candidate = make_candidate(first_name="Odile", last_name="Brandt")
    settle()
    assert figure(other_worker, "Screening") == 0
    assert figure(other_worker, "Screening") == 0  # now kept
    response = client.post(
        f"/candidates/{candidate.id}/move",
        data={"to_stage": stages["screening"].id, "version": "1"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    assert {stage: figure(other_worker, stage) for stage in after} == after


def test_a_kept_report_reads_no_history_until_something_changes(
    client, signed_in, make_candidate, stages, clock
):
    """Does a second load of the same report (in the same minute) read no stage history,
    while a change made since is counted on the next one?"""
    signed_in(Role.HR)
    candidate_id = make_candidate(first_name="Odile", last_name="Brandt").id
    screening = stages["screening"].id
    assert funnel_count(client, "Screening") == 0
    db.session.remove()
    with counting_queries() as statements:
        assert funnel_count(client, "Screening") == 0
    assert not [s for s in statements if re.search(r"\bstage_changes\b", s)]
    response = client.post(
        f"/candidates/{candidate_id}/move",
        data={"to_stage": screening, "version": "1"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    with counting_queries() as statements:
        assert funnel_count(client, "Screening") == 1
    assert [s for s in statements if re.search(r"\bstage_changes\b", s)]


def test_a_kept_dashboard_counts_no_candidates_until_something_changes(
    client, signed_in, make_candidate, stages, clock
):
    """Does a second dashboard load (in the same minute) count no candidates, placements
    or updates, while the signed-in person's own follow-ups and interviews are read each
    time, and a candidate added since is counted on the next load?"""
    signed_in(Role.HR)
    make_candidate(first_name="Odile", last_name="Brandt")
    assert pipeline_count(client, "Interested") == 1
    db.session.remove()
    with counting_queries() as statements:
        assert pipeline_count(client, "Interested") == 1
    office = re.compile(
        r"GROUP BY candidates\.stage_id|candidates\.created_at >="
        r"|\bFROM (placements|proposed_updates)\b"
    )
    assert not [s for s in statements if office.search(s)]
    read = " ".join(statements)
    assert re.search(r"\bFROM interviews\b", read) and re.search(r"\bFROM follow_ups\b", read)
    make_candidate(first_name="Ines", last_name="Moreau")
    settle()
    with counting_queries() as statements:
        assert pipeline_count(client, "Interested") == 2
    assert [s for s in statements if office.search(s)]


def list_count(client, url: str = "/candidates/") -> int:
    """How many candidates the list says its filters find."""
    found = re.search(
        r'<p class="result-count" role="status">(\d+) candidates?', client.get(url).text
    )
    return int(found.group(1))


def test_the_lists_count_is_kept_until_something_changes(
    client, signed_in, make_candidate, stages, clock
):
    """Does a second load of the list (in the same minute) count no candidates, each set
    of filters keep a count of its own, and a candidate added since count on the next?"""
    signed_in(Role.HR)
    make_candidate(first_name="Odile", stage="screening")
    make_candidate(first_name="Ines")
    screening = f"/candidates/?stage={stages['screening'].id}"
    assert list_count(client) == 2 and list_count(client, screening) == 1
    db.session.remove()
    with counting_queries() as statements:
        assert list_count(client, "/candidates/?page=1&sort=name") == 2
    assert not [
        s for s in statements if re.search(r"count\(\*\).*FROM \(SELECT candidates\.id", s, re.S)
    ]
    make_candidate(first_name="Lea")
    settle()
    assert list_count(client) == 3 and list_count(client, screening) == 1
