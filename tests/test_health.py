"""The health check that monitoring and the load balancer call."""

from recruit.extensions import db


def test_healthz_reports_database_ok(client):
    """Does /healthz answer 200 to a visitor who has not signed in, with the database ok?"""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_reports_unreachable_database(make_app):
    """Does /healthz answer 503 when the database server refuses the connection?"""
    # Port 1 on this machine: nothing listens there, so the connection is refused at once.
    refused = make_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://recruit@127.0.0.1:1/x"})
    response = refused.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unreachable"}


def test_healthz_fails_on_a_database_file_it_cannot_open(make_app, tmp_path):
    """Does /healthz answer 503 when the database file cannot be opened at all?"""
    missing = tmp_path / "no-such-folder" / "recruit.sqlite"
    broken = make_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}"})
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503


def test_admin_dashboard_counts_the_whole_offices_follow_ups(client, signed_in, make_user):
    """Does an admin's dashboard count everyone's follow-ups, and staff only their own?"""
    from datetime import date, timedelta

    from recruit.auth.models import Role
    from recruit.events.models import FollowUp

    outreach = make_user(role=Role.OUTREACH)
    db.session.add(
        FollowUp(
            description="Send fair photos",
            assignee_id=outreach.id,
            due_on=date.today() + timedelta(days=3),
        )
    )
    db.session.commit()
    signed_in(Role.ADMIN)
    page = client.get("/").get_data(as_text=True)
    assert "The office&#39;s follow-ups" in page
    assert _figure_link(page, "tasks from events") == ("/follow-ups?who=all#tasks", 1)


def _figure_link(page: str, label: str) -> str:
    """The address the dashboard's figure for a count links to, found by its hidden label."""
    import re

    found = re.search(
        r'<a class="figure__link" href="([^"]+)">(\d+)<span class="visually-hidden"> '
        + re.escape(label),
        page,
    )
    assert found, f"no linked figure for {label}"
    return found.group(1).replace("&amp;", "&"), int(found.group(2))


def test_new_leads_figure_links_to_the_candidates_it_counts(client, signed_in, make_candidate):
    """Does the dashboard's New leads figure link to a list holding exactly the
    candidates it counts, closed ones included, and not older ones?"""
    from datetime import timedelta

    from recruit.auth.models import Role
    from recruit.database import utcnow

    signed_in(Role.HR)
    recent = make_candidate(last_name="Recent")
    closed = make_candidate(last_name="Withdrew", stage="withdrawn", closed_reason="own_request")
    old = make_candidate(last_name="Longago")
    old.created_at = utcnow() - timedelta(days=30)
    db.session.commit()

    link, count = _figure_link(client.get("/").text, "new leads")
    listed = client.get(link).text

    assert count == 2
    assert link.startswith("/candidates/?")
    assert recent.last_name in listed and closed.last_name in listed
    assert old.last_name not in listed


def test_evaluations_due_figure_links_to_the_placements_it_counts(
    client, signed_in, make_candidate
):
    """Does the Evaluations due figure link to a list of exactly the placements awaiting
    a supervisor evaluation, an ended one with its final missing included?"""
    from datetime import timedelta

    from recruit.auth.models import Role
    from recruit.database import utcnow
    from tests.placement_factories import new_placement

    signed_in(Role.HR)
    today = utcnow().date()
    due = new_placement(make_candidate(last_name="Duesoon"), midterm_due_on=today)
    ended = new_placement(
        make_candidate(last_name="Endedlate"),
        starts_on=today - timedelta(days=90),
        ends_on=today - timedelta(days=10),
    )
    new_placement(
        make_candidate(last_name="Farahead"),
        starts_on=today,
        ends_on=today + timedelta(days=120),
    )

    link, count = _figure_link(client.get("/").text, "placements awaiting")
    listed = client.get(link).text

    assert count == 2
    assert due.candidate.last_name in listed and ended.candidate.last_name in listed
    assert "Farahead" not in listed


def test_follow_up_figures_link_to_their_sections(client, signed_in):
    """Do the follow-up figures link to the follow-ups page's matching sections?"""
    from recruit.auth.models import Role

    signed_in(Role.OUTREACH)
    page = client.get("/").text
    assert _figure_link(page, "contacts to call back")[0] == "/follow-ups#contacts"
    assert _figure_link(page, "tasks from events")[0] == "/follow-ups#tasks"


def test_pipeline_sparkline_names_each_stage_and_count(client, signed_in, make_candidate):
    """Does the dashboard's pipeline chart label each bar with its stage and count?"""
    from recruit.auth.models import Role

    signed_in(Role.HR)
    make_candidate()
    make_candidate()
    page = client.get("/").text
    chart = page[page.index('<figure class="chart chart--compact">') : page.index("</figure>")]
    assert '<text class="chart__label"' in chart
    assert ">Interested</text>" in chart
    assert ">2</text>" in chart
    assert '<title id="pipeline-chart-title">' in chart
