"""Do the candidate pages render and move cards at all?"""

from recruit.auth.models import Role


def test_board_list_and_page_render(client, signed_in, make_candidate, stages):
    """Can HR open the board, the list, a search and a candidate's page?"""
    signed_in(Role.HR)
    c = make_candidate(first_name="José", last_name="Álvarez")
    assert client.get("/candidates/board").status_code == 200
    assert client.get("/candidates/").status_code == 200
    r = client.get("/candidates/?q=jose")
    assert "Álvarez" in r.get_data(as_text=True)
    r = client.get(f"/candidates/{c.id}")
    assert r.status_code == 200
    r = client.post(
        f"/candidates/{c.id}/move",
        data={"to_stage": stages["screening"].id, "version": c.version},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 200, r.get_data(as_text=True)
    r = client.post(
        f"/candidates/{c.id}/move",
        data={"to_stage": stages["interview"].id, "version": 1},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 409
    assert "Screening" in r.json["message"]


def test_stale_edit_is_refused(client, signed_in, make_candidate):
    """Is an edit made from an old version refused, keeping the other person's save?"""
    signed_in(Role.HR)
    c = make_candidate(first_name="Maya", major="Economics")
    r = client.post(
        f"/candidates/{c.id}/edit",
        data={
            "first_name": "Maya",
            "last_name": c.last_name,
            "email": c.email,
            "major": "History",
            "source": "website",
            "version": str(c.version - 1),
        },
    )
    assert r.status_code == 409
    assert "Someone else saved this candidate" in r.get_data(as_text=True)
    from recruit.extensions import db

    db.session.refresh(c)
    assert c.major == "Economics"
