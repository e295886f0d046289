"""Do the event pages work end to end at all?"""

from datetime import date

from recruit.auth.models import Role
from recruit.events.models import EventStatus


def test_outreach_plans_moves_logs_and_adds_lead(client, signed_in, stages, make_event):
    """Can outreach plan an event, move it on the board, log a visit and quick-add a lead?"""
    signed_in(Role.OUTREACH)
    r = client.post(
        "/events/new",
        data={
            "name": "Spring Fair",
            "kind": "career_fair",
            "status": "planned",
            "starts_on": date.today().isoformat(),
            "university_id": "",
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    board = client.get("/events/board").get_data(as_text=True)
    assert "Spring Fair" in board and 'data-event-id="' in board
    event = make_event(status=EventStatus.ATTENDED)
    r = client.post(
        f"/events/{event.id}/move",
        data={"to_stage": "followed_up", "version": 0},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 409
    r = client.post(f"/events/{event.id}/visits", data={"students_talked_to": "40"})
    assert r.status_code == 302
    r = client.post(
        f"/events/{event.id}/leads",
        data={"first_name": "Li", "last_name": "Wei", "email": "li@u.example"},
    )
    assert r.status_code == 302
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Li Wei" in page and "talked to 40 students" in page


def test_calendar_feed_needs_the_secret(client, signed_in, make_event):
    """Does /events.ics serve the events for a user's secret link and refuse a wrong one?"""
    signed_in()
    make_event(name="Capital Fair, Spring; 2027")
    page = client.post("/account/calendar").get_data(as_text=True)
    link = page.split('class="code"><a href="')[1].split('"')[0]
    token = link.split("token=")[1]
    client.post("/logout")
    feed = client.get(f"/events.ics?token={token}")
    assert feed.status_code == 200
    assert "SUMMARY:Capital Fair\\, Spring\\; 2027" in feed.get_data(as_text=True)
    assert client.get("/events.ics?token=wrong").status_code == 404


def test_import_previews_then_commits(client, signed_in, stages, make_event, make_candidate):
    """Does an attendee import preview creates, updates and rejects, then apply them?"""
    import io

    signed_in(Role.OUTREACH)
    event = make_event()
    make_candidate(email="known@u.example")
    data = (
        b"First Name,Last Name,Email,School,Graduation Date\n"
        b"Ana,Ruiz,ana@u.example,Somewhere U,May 2027\n"
        b"Known,Person,KNOWN@u.example,,\n"
        b"No,Email,,,\n"
    )
    r = client.post(
        f"/events/{event.id}/import",
        data={"file": (io.BytesIO(data), "attendees.csv")},
        content_type="multipart/form-data",
    )
    page = r.get_data(as_text=True)
    assert "<strong>1</strong> new leads" in page and "No email." in page
    token = page.split('name="token" value="')[1].split('"')[0]
    r = client.post(f"/events/{event.id}/import/commit", data={"token": token, "filename": "a.csv"})
    assert r.status_code == 302
    leads = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Ana Ruiz" in leads and "Leads (2)" in leads
