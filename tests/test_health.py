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
    assert '<p class="figure">1</p><p>tasks from events</p>' in page
