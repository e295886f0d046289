"""Can the app start and answer at all?"""


def test_healthz_reports_database_ok(client):
    """Does /healthz answer 200 when the database is reachable?"""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}
