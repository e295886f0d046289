"""Each worker keeps copies of the stages, universities and settings, and a change made
through any worker shows on the next request every other worker serves."""

import re

import pytest

from recruit import create_app
from recruit.admin.models import get_setting
from recruit.auth.models import Role
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


def test_the_board_reads_stages_and_settings_once_per_worker(client, signed_in, stages):
    """Once a worker has drawn the board, does the next board read no stage, university
    or setting rows, only the one statement that says whether they changed?"""
    signed_in(Role.HR)
    client.get("/candidates/board")
    db.session.remove()
    with counting_queries() as statements:
        assert client.get("/candidates/board").status_code == 200
    watched = [s for s in statements if re.search(r"FROM (stages|universities|settings)\b", s)]
    assert len(watched) == 1
    assert "sum(stages.version)" in watched[0]
