"""Interviews: HR books one or offers times, clashes and past times are refused, the
candidate picks, moves or cancels from their link, and invitations carry a calendar entry."""

import logging
import re
from datetime import datetime

import pytest
from icalendar import Calendar
from sqlalchemy import select

from recruit.auth.models import Role, User
from recruit.candidates.models import Candidate
from recruit.events.services import new_calendar_token
from recruit.extensions import db
from recruit.interviews import services
from recruit.interviews.forms import DURATIONS
from recruit.interviews.models import Interview, InterviewKind, InterviewState, Scorecard
from recruit.messages.delivery import envelope
from recruit.messages.models import DeliveryState, OutboxMessage
from recruit.pipeline.merge import merge_candidates
from recruit.placements.models import Position
from recruit.privacy.services import erase
from recruit.students.services import issue_status_link, status_token
from tests.query_counting import page_queries

# The clock stands at 2030-03-13 10:00 UTC (tests/conftest.py); Chicago is on CDT then.
TOMORROW_10_LOCAL = ("2030-03-14", "10:00")


def schedule_data(staff_ids, times, **extra):
    """The schedule form as HR fills it: rows of (date, time)."""
    data = {"kind": "panel", "duration": "30", "location": "Room 210, Capitol Annex"}
    for n, (day, at) in enumerate(times):
        data[f"times-{n}-day"], data[f"times-{n}-at"] = day, at
    data["staff"] = [str(i) for i in staff_ids]
    data["move_to_interview"] = "y"
    data.update(extra)
    return data


@pytest.fixture
def hr(signed_in, clock):
    return signed_in(Role.HR)


def outbox(to=None):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if to:
        query = query.where(OutboxMessage.to == to)
    return db.session.scalars(query).all()


def test_hr_books_a_panel_and_everyone_gets_an_invitation(client, hr, make_candidate, make_user):
    """HR books a panel at one time: the candidate moves to Interview, and the candidate
    and each interviewer get an invitation whose calendar entry starts then, in Chicago."""
    candidate = make_candidate(stage="screening", consent_at=datetime(2030, 1, 1))
    colleague = make_user(role=Role.OUTREACH, name="Lee Park")
    response = client.post(
        f"/interviews/new/{candidate.id}",
        data=schedule_data(
            [hr.id, colleague.id],
            [TOMORROW_10_LOCAL],
            outside="Maria Lopez <Maria.Lopez@agency.state.example>",
        ),
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    interview = db.session.scalar(select(Interview))
    assert interview.state == InterviewState.SCHEDULED
    assert interview.starts_at == datetime(2030, 3, 14, 15, 0)  # 10:00 CDT
    db.session.refresh(candidate)
    assert candidate.stage.key == "interview"
    sent = {m.to: m for m in outbox()}
    assert set(sent) == {
        candidate.email,
        hr.email,
        colleague.email,
        "maria.lopez@agency.state.example",
    }
    entry = Calendar.from_ical(sent[candidate.email].calendar)
    assert entry["method"] == "REQUEST"
    event = next(iter(entry.walk("VEVENT")))
    assert str(event["dtstart"].dt) == "2030-03-14 10:00:00-05:00"
    assert str(event["dtstart"].dt.tzinfo) == "America/Chicago"
    assert event["uid"] == interview.uid and event["sequence"] == 0


def test_a_time_that_clashes_with_the_interviewers_other_interview_is_refused(
    client, hr, make_candidate
):
    """Booking an interviewer who is already interviewing someone then is refused, and
    the message names the other interview."""
    first = make_candidate(first_name="Ana", last_name="Garcia", stage="screening")
    second = make_candidate(first_name="Ben", stage="screening")
    client.post(f"/interviews/new/{first.id}", data=schedule_data([hr.id], [TOMORROW_10_LOCAL]))
    response = client.post(
        f"/interviews/new/{second.id}", data=schedule_data([hr.id], [("2030-03-14", "10:15")])
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "already interviewing then" in page and "Ana Garcia" in page
    assert 'value="10:15"' in page  # what HR typed is kept
    assert db.session.scalar(select(db.func.count()).select_from(Interview)) == 1


def test_a_time_in_the_past_is_refused(client, hr, make_candidate):
    """A time that has passed is refused, not booked."""
    candidate = make_candidate(stage="screening")
    response = client.post(
        f"/interviews/new/{candidate.id}", data=schedule_data([hr.id], [("2030-03-12", "09:00")])
    )
    assert response.status_code == 409
    assert "already passed" in response.get_data(as_text=True)


def test_a_time_the_clocks_skip_is_refused_with_a_field_error(client, hr, make_candidate):
    """2:30 AM on the night clocks spring forward does not exist: the row says so."""
    candidate = make_candidate(stage="screening")
    response = client.post(
        f"/interviews/new/{candidate.id}", data=schedule_data([hr.id], [("2031-03-09", "02:30")])
    )
    assert response.status_code == 400
    assert "the clocks skip that hour" in response.get_data(as_text=True)


def test_outreach_cannot_schedule(client, signed_in, make_candidate):
    """Outreach coordinators see interviews but do not schedule them."""
    signed_in(Role.OUTREACH)
    candidate = make_candidate()
    assert client.get(f"/interviews/new/{candidate.id}").status_code == 403


def _offer(client, hr, candidate, times):
    response = client.post(f"/interviews/new/{candidate.id}", data=schedule_data([hr.id], times))
    assert response.status_code == 303, response.get_data(as_text=True)
    return db.session.scalar(
        select(Interview)
        .where(Interview.candidate_id == candidate.id)
        .order_by(Interview.id.desc())
    )


def test_the_candidate_picks_an_offered_time_and_it_is_gone_for_the_next(
    client, app, hr, make_candidate
):
    """Two candidates are offered the same times with the same interviewer; the first to
    choose 10:00 gets it, and the second sees only the times still open."""
    times = [TOMORROW_10_LOCAL, ("2030-03-14", "11:00"), ("2030-03-15", "09:00")]
    ana = make_candidate(stage="screening", consent_at=datetime(2030, 1, 1))
    ben = make_candidate(stage="screening", consent_at=datetime(2030, 1, 1))
    offer_a, offer_b = _offer(client, hr, ana, times), _offer(client, hr, ben, times)
    assert offer_a.state == InterviewState.OFFERED and len(offer_a.slots) == 3
    token_a, token_b = services.candidate_token(offer_a), services.candidate_token(offer_b)
    student = app.test_client()
    page = student.get(f"/apply/interview/{token_a}").get_data(as_text=True)
    assert "10:00" in page and "CDT" in page
    response = student.post(
        f"/apply/interview/{token_a}/choose", data={"slot": offer_a.slots[0].id}
    )
    assert response.status_code == 303
    db.session.refresh(offer_a)
    assert offer_a.state == InterviewState.SCHEDULED
    # Ben's page left open still offered 10:00: choosing it now is refused, kindly.
    response = student.post(
        f"/apply/interview/{token_b}/choose", data={"slot": offer_b.slots[0].id}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "just been taken" in page
    assert "11:00" in page and "Thursday, March 14, 2030, 10:00" not in page


def test_the_candidate_cancels_from_their_link_and_everyone_gets_the_cancellation(
    client, app, hr, make_candidate
):
    """The candidate ticks the box and cancels; the panel's calendars get METHOD:CANCEL
    with the same UID and a higher SEQUENCE."""
    candidate = make_candidate(stage="screening", consent_at=datetime(2030, 1, 1))
    interview = _offer(client, hr, candidate, [TOMORROW_10_LOCAL, ("2030-03-16", "10:00")])
    token = services.candidate_token(interview)
    student = app.test_client()
    student.post(f"/apply/interview/{token}/choose", data={"slot": interview.slots[1].id})
    refused = student.post(f"/apply/interview/{token}/cancel", data={})
    assert refused.status_code == 400 and "Tick the box" in refused.get_data(as_text=True)
    assert (
        student.post(f"/apply/interview/{token}/cancel", data={"confirm": "y"}).status_code == 303
    )
    db.session.refresh(interview)
    assert interview.state == InterviewState.CANCELLED and interview.cancelled_by_candidate
    cancellation = outbox(hr.email)[-1]
    entry = Calendar.from_ical(cancellation.calendar)
    event = next(iter(entry.walk("VEVENT")))
    assert entry["method"] == "CANCEL" and event["uid"] == interview.uid
    assert event["sequence"] == 1


def test_the_candidate_cannot_change_it_within_a_day(client, app, clock, hr, make_candidate):
    """Less than INTERVIEW_CHANGE_HOURS before, the page says to write to the office."""
    candidate = make_candidate(stage="screening")
    client.post(f"/interviews/new/{candidate.id}", data=schedule_data([hr.id], [TOMORROW_10_LOCAL]))
    interview = db.session.scalar(select(Interview))
    clock.advance(hours=20)
    token = services.candidate_token(interview)
    student = app.test_client()
    page = student.get(f"/apply/interview/{token}").get_data(as_text=True)
    assert "To change it now, write to us" in page
    response = student.post(f"/apply/interview/{token}/cancel", data={"confirm": "y"})
    assert response.status_code == 409


def test_garbage_links_get_the_polite_page(app, clock):
    """A made-up or overlong token gets the same polite page as any dead link."""
    student = app.test_client()
    for token in ("x" * 43, "nope", "a" * 500):
        response = student.get(f"/apply/interview/{token}")
        assert response.status_code == 404
        assert "This link no longer works" in response.get_data(as_text=True)
    assert student.post("/apply/interview/nope/choose", data={"slot": "1"}).status_code == 404


def test_the_invitation_email_carries_the_link_and_the_calendar(client, hr, make_candidate):
    """The candidate's email carries their private link (made at sending) and an
    invite.ics attachment with method=REQUEST."""
    candidate = make_candidate(stage="screening", consent_at=datetime(2030, 1, 1), language="es")
    client.post(f"/interviews/new/{candidate.id}", data=schedule_data([hr.id], [TOMORROW_10_LOCAL]))
    message = outbox(candidate.email)[0]
    email = envelope(message)
    body = email.get_body(("plain",)).get_content()
    assert re.search(r"https?://\S+/apply/interview/[A-Za-z0-9_-]{20,}\?lang=es", body)
    assert "jueves" in body  # the date in the candidate's language
    attachment = next(email.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"


def test_staff_move_the_interview_and_the_sequence_goes_up(client, hr, make_candidate):
    """HR moves a booked interview: the same UID, SEQUENCE 1, the new time."""
    candidate = make_candidate(stage="screening")
    client.post(f"/interviews/new/{candidate.id}", data=schedule_data([hr.id], [TOMORROW_10_LOCAL]))
    interview = db.session.scalar(select(Interview))
    response = client.post(
        f"/interviews/{interview.id}/reschedule",
        data={"time-day": "2030-03-20", "time-at": "14:30", "version": str(interview.version)},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.refresh(interview)
    assert interview.sequence == 1
    assert interview.starts_at == datetime(2030, 3, 20, 19, 30)
    event = next(iter(Calendar.from_ical(outbox(hr.email)[-1].calendar).walk("VEVENT")))
    assert event["sequence"] == 1 and event["dtstart"].dt.hour == 14


def test_a_stale_move_is_refused(client, hr, make_candidate):
    """A move made from a page older than the interview's last change is refused."""
    candidate = make_candidate(stage="screening")
    client.post(f"/interviews/new/{candidate.id}", data=schedule_data([hr.id], [TOMORROW_10_LOCAL]))
    interview = db.session.scalar(select(Interview))
    old = interview.version
    client.post(
        f"/interviews/{interview.id}/reschedule",
        data={"time-day": "2030-03-20", "time-at": "14:30", "version": str(old)},
    )
    response = client.post(
        f"/interviews/{interview.id}/reschedule",
        data={"time-day": "2030-03-21", "time-at": "09:00", "version": str(old)},
    )
    assert response.status_code == 409
    db.session.refresh(interview)
    assert interview.starts_at == datetime(2030, 3, 20, 19, 30)


def test_the_list_shows_today_in_the_office_zone(client, hr, make_candidate, clock):
    """'Today' is the office's day: at 10:00 UTC (5 AM in Chicago) an interview at 8 PM
    Chicago time (01:00 UTC tomorrow) is today's."""
    candidate = make_candidate(first_name="Rosa", stage="screening")
    client.post(
        f"/interviews/new/{candidate.id}", data=schedule_data([hr.id], [("2030-03-13", "20:00")])
    )
    page = client.get("/interviews/?when=today").get_data(as_text=True)
    assert "Rosa" in page and "8:00 PM CDT" in page
    assert "Rosa" in client.get("/interviews/?when=week").get_data(as_text=True)
    phone_screens = client.get("/interviews/?when=today&kind=phone_screen")
    assert "Rosa" not in phone_screens.get_data(as_text=True)


def _row_of(page: str, text: str) -> str:
    """The list's row (a <tr>) that holds text."""
    (row,) = [row for row in page.split("<tr>") if text in row]
    return row


def test_the_list_shows_each_interview_as_booked(client, hr, make_candidate, make_user):
    """Each row of the list names the candidate, the position, the panel in the order it
    was named, and where; an offered interview says how many times it offers, and a
    cancelled one is marked so."""
    rosa = make_candidate(first_name="Rosa", last_name="Diaz", stage="screening")
    ben = make_candidate(first_name="Ben", last_name="Okafor", stage="screening")
    cara = make_candidate(first_name="Cara", last_name="Lind", stage="screening")
    zed = make_user(name="Zed Adams")
    position = Position(title="Procurement intern", agency="General Services", term="summer")
    db.session.add(position)
    booked = services.schedule(
        rosa,
        services.Plan(
            kind=InterviewKind.PANEL,
            starts=[datetime(2030, 3, 14, 15, 0)],
            position=position,
            location="Room 210, Capitol Annex",
            staff=[zed, hr],
            outside=[("Amy Brook", "amy.brook@agency.example")],
        ),
        hr,
    )
    services.schedule(
        ben,
        services.Plan(
            kind=InterviewKind.PHONE_SCREEN,
            starts=[datetime(2030, 3, 15, 15, 0), datetime(2030, 3, 15, 16, 0)],
            staff=[hr],
        ),
        hr,
    )
    gone = services.schedule(
        cara,
        services.Plan(
            kind=InterviewKind.AGENCY,
            starts=[datetime(2030, 3, 16, 15, 0)],
            video_url="https://meet.agency.example/cara",
            staff=[hr],
        ),
        hr,
    )
    services.cancel(gone, hr)
    db.session.commit()
    panel = [interviewer.name for interviewer in booked.interviewers]
    assert panel != sorted(panel), "the panel's names should not already be in name order"

    upcoming = _row_of(client.get("/interviews/?when=upcoming").get_data(as_text=True), "Rosa")
    assert f'href="/interviews/{booked.id}"' in upcoming
    assert "Mar 14, 2030, 10:00 AM CDT" in upcoming
    assert f'href="/candidates/{rosa.id}">Rosa Diaz</a>' in upcoming
    assert "Procurement intern" in upcoming and "Panel interview" in upcoming
    assert ", ".join(panel) in upcoming and "Room 210, Capitol Annex" in upcoming

    offered = _row_of(client.get("/interviews/?when=offered").get_data(as_text=True), "Ben")
    assert "2 times offered" in offered and "Phone screen" in offered
    assert hr.name in offered

    cancelled = _row_of(client.get("/interviews/?when=cancelled").get_data(as_text=True), "Cara")
    assert "Cancelled" in cancelled and "Video" in cancelled


def test_only_mine_lists_what_i_booked_or_sit_on(client, hr, make_candidate, make_user):
    """ "Only mine" lists the interviews HR booked (whoever sits on them) and those she
    sits on (whoever booked them), and none of a colleague's own."""
    zed = make_user(name="Zed Adams")
    for first, booker, panel, day in [
        ("Rosa", hr, [zed], 14),
        ("Ben", zed, [hr], 15),
        ("Cara", zed, [zed], 16),
    ]:
        services.schedule(
            make_candidate(first_name=first, stage="screening"),
            services.Plan(
                kind=InterviewKind.PANEL, starts=[datetime(2030, 3, day, 15, 0)], staff=panel
            ),
            booker,
        )
    db.session.commit()
    mine = client.get("/interviews/?when=upcoming&mine=y").get_data(as_text=True)
    assert "Rosa" in mine and "Ben" in mine and "Cara" not in mine
    assert "2 interviews." in mine
    every = client.get("/interviews/?when=upcoming").get_data(as_text=True)
    assert "Cara" in every and "3 interviews." in every


def test_a_spanish_reader_picks_a_time_in_spanish(client, app, hr, make_candidate):
    """A student who wrote in Spanish opens the link from their message and reads the
    offered times in Spanish, in the office's zone."""
    candidate = make_candidate(stage="screening", language="es")
    interview = _offer(client, hr, candidate, [TOMORROW_10_LOCAL, ("2030-03-15", "09:00")])
    token = services.candidate_token(interview)
    page = app.test_client().get(f"/apply/interview/{token}?lang=es").get_data(as_text=True)
    assert "Elija la hora que le convenga" in page
    assert "jueves, 14 de marzo de 2030, 10:00" in page and "CDT" in page


def test_the_same_person_twice_on_a_panel_is_invited_once(client, hr, make_candidate):
    """An outside interviewer typed twice (or a colleague typed as outside too) sits on
    the panel once and gets one invitation."""
    candidate = make_candidate(stage="screening")
    response = client.post(
        f"/interviews/new/{candidate.id}",
        data=schedule_data(
            [hr.id],
            [TOMORROW_10_LOCAL],
            outside=f"Maria Lopez <maria@agency.example>\nM. Lopez, MARIA@agency.example\n"
            f"Me again <{hr.email.upper()}>",
        ),
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    interview = db.session.scalar(select(Interview))
    assert sorted(p.email for p in interview.interviewers) == sorted(
        [hr.email.lower(), "maria@agency.example"]
    )
    assert len(outbox("maria@agency.example")) == 1


def test_an_outside_interviewer_written_wrongly_is_refused_with_the_line(
    client, hr, make_candidate
):
    """A line without an email is refused, naming it; the other fields keep their values."""
    candidate = make_candidate(stage="screening")
    response = client.post(
        f"/interviews/new/{candidate.id}",
        data=schedule_data([hr.id], [TOMORROW_10_LOCAL], outside="Maria from the agency"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "“Maria from the agency” is not" in page
    assert "Room 210, Capitol Annex" in page


def test_the_outside_interviewer_gets_a_working_scorecard_link(
    client, app, clock, hr, make_candidate
):
    """An agency supervisor on the panel gets the invitation with a private link to their
    scorecard, made when the message goes out; it opens once the interview has begun."""
    candidate = make_candidate(stage="screening")
    client.post(
        f"/interviews/new/{candidate.id}",
        data=schedule_data(
            [hr.id], [TOMORROW_10_LOCAL], outside="Maria Lopez <maria@agency.example>"
        ),
    )
    body = envelope(outbox("maria@agency.example")[0]).get_body(("plain",)).get_content()
    link = re.search(r"https?://[^/\s]+(/scorecard/[A-Za-z0-9_-]{20,})", body)
    assert link, body
    clock.now = datetime(2030, 3, 14, 15, 10)  # ten minutes into the interview
    page = app.test_client().get(link[1])
    assert page.status_code == 200
    assert "Maria Lopez" in page.get_data(as_text=True)


def test_access_log_lines_hide_the_interview_token(app, caplog):
    """Does gunicorn's access log show a candidate's interview page without its token, and
    the student's own page and an evaluation link too, in one line?"""
    token = "A" * 43
    line = f"/apply/interview/{token} /apply/status/{token}/choose /feedback/{token}"
    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        logging.getLogger("gunicorn.access").info('"GET %s HTTP/1.1" 200', line)
    assert token not in caplog.text
    assert "/apply/interview/[link] /apply/status/[link]/choose /feedback/[link]" in caplog.text


def test_the_staff_calendar_feed_carries_my_interviews(client, app, hr, make_candidate, make_user):
    """HR's private calendar feed holds the interview she sits on, with the invitation's
    UID and its time in Chicago; a colleague's feed does not."""
    candidate = make_candidate(first_name="Rosa", last_name="Diaz", stage="screening")
    client.post(f"/interviews/new/{candidate.id}", data=schedule_data([hr.id], [TOMORROW_10_LOCAL]))
    interview = db.session.scalar(select(Interview))
    mine, theirs = new_calendar_token(hr), new_calendar_token(make_user())
    db.session.commit()
    feed = Calendar.from_ical(app.test_client().get(f"/events.ics?token={mine}").data)
    (entry,) = [e for e in feed.walk("VEVENT") if e["uid"] == interview.uid]
    assert str(entry["summary"]) == "Panel interview: Rosa Diaz"
    assert str(entry["dtstart"].dt) == "2030-03-14 10:00:00-05:00"
    other = Calendar.from_ical(app.test_client().get(f"/events.ics?token={theirs}").data)
    assert all(e["uid"] != interview.uid for e in other.walk("VEVENT"))


def _book_many(hr_id: int, candidate_id: int, n: int, start_day: int = 20) -> None:
    """n more interviews of a candidate with HR and a new outside panelist each, a day apart."""
    hr, candidate = db.session.get(User, hr_id), db.session.get(Candidate, candidate_id)
    for k in range(n):
        services.schedule(
            candidate,
            services.Plan(
                kind=InterviewKind.PANEL,
                starts=[datetime(2030, 3, start_day + k, 15, 0)],
                staff=[hr],
                outside=[(f"Panelist {k}", f"panelist{k}.{start_day}@agency.example")],
            ),
            hr,
        )
    db.session.commit()


@pytest.mark.parametrize("page", ["list", "candidate", "interview"])
def test_interview_pages_cost_the_same_with_more_interviews(client, hr, make_candidate, page):
    """The interviews list, a candidate's page and an interview's page send as many
    queries with 8 interviews (and 8 panelists) as with 1."""
    hr_id, candidate_id = hr.id, make_candidate(stage="screening").id
    _book_many(hr_id, candidate_id, 1)
    first = db.session.scalar(select(Interview.id))
    url = {
        "list": "/interviews/?when=upcoming",
        "candidate": f"/candidates/{candidate_id}",
        "interview": f"/interviews/{first}",
    }[page]
    few, _ = page_queries(client, url)
    _book_many(hr_id, candidate_id, 7, start_day=22)
    many, text = page_queries(client, url)
    assert many == few, f"{url}: {few} queries with 1 interview, {many} with 8"
    assert "Panel interview" in text


def test_no_length_on_offer_is_longer_than_the_lists_look_back():
    """Do the lists of a day's interviews find every interview the form can book? They
    look back services.LONGEST before the day starts."""
    assert max(minutes for minutes, _ in DURATIONS) * 60 <= services.LONGEST.total_seconds()


def test_erasure_cancels_what_is_to_come_and_forgets_what_was_written(
    client, app, hr, make_candidate
):
    """An admin erases a candidate with an interview booked: the panel's calendars get the
    cancellation (naming no one), what the office wrote to and about them is blanked, and
    their link opens nothing."""
    candidate = make_candidate(first_name="Rosa", last_name="Diaz", stage="screening")
    client.post(
        f"/interviews/new/{candidate.id}",
        data=schedule_data(
            [hr.id], [TOMORROW_10_LOCAL], note_for_candidate="Ask for Rosa's file at the desk."
        ),
    )
    interview = db.session.scalar(select(Interview))
    token = services.candidate_token(interview)
    erase(candidate, hr, why="asked by the student")
    db.session.commit()
    db.session.refresh(interview)
    assert interview.state == InterviewState.CANCELLED and interview.note_for_candidate == ""
    invitation, cancellation = outbox(hr.email)
    assert "Rosa" not in invitation.subject + invitation.body and invitation.calendar is None
    assert "Rosa" not in cancellation.subject + cancellation.body + cancellation.calendar
    assert Calendar.from_ical(cancellation.calendar)["method"] == "CANCEL"
    assert app.test_client().get(f"/apply/interview/{token}").status_code == 404


def test_a_merged_record_keeps_the_duplicates_interviews(client, hr, make_candidate):
    """HR merge a duplicate who had an interview booked: the interview now belongs to the
    record kept."""
    kept = make_candidate(first_name="Ana", stage="screening")
    duplicate = make_candidate(first_name="Ana", stage="screening")
    client.post(f"/interviews/new/{duplicate.id}", data=schedule_data([hr.id], [TOMORROW_10_LOCAL]))
    interview_id = db.session.scalar(select(Interview.id))
    merge_candidates(kept, duplicate, hr)
    db.session.commit()
    assert db.session.get(Interview, interview_id).candidate_id == kept.id


def test_a_candidate_who_stopped_emails_is_booked_but_not_written_to(client, hr, make_candidate):
    """Booking someone who asked us to stop emailing them works, says they were not emailed,
    and only the panel is invited."""
    candidate = make_candidate(stage="screening", emails_stopped_at=datetime(2030, 1, 2))
    response = client.post(
        f"/interviews/new/{candidate.id}",
        data=schedule_data([hr.id], [TOMORROW_10_LOCAL]),
        follow_redirects=True,
    )
    assert "was not emailed: they asked us to stop emailing them" in response.get_data(as_text=True)
    assert outbox(candidate.email) == [] and len(outbox(hr.email)) == 1


def test_the_students_own_page_leads_to_their_interview(client, app, hr, make_candidate):
    """A student who lost the invitation finds their interview on their own page, with
    the way to move or cancel it."""
    candidate = make_candidate(stage="screening")
    client.post(f"/interviews/new/{candidate.id}", data=schedule_data([hr.id], [TOMORROW_10_LOCAL]))
    interview = db.session.scalar(select(Interview))
    link = issue_status_link(candidate)
    db.session.commit()
    page = app.test_client().get(f"/apply/status/{status_token(link)}").get_data(as_text=True)
    assert "Booked for Thursday, March 14, 2030" in page
    assert f'href="/apply/interview/{services.candidate_token(interview)}"' in page


@pytest.mark.parametrize(
    "change",
    [
        {"times-0-day": "9999-12-31", "times-0-at": "23:00"},
        {"outside": "Maria Lopez <a@a.a@a.a>"},
        {"outside": "M" * 121 + " <maria@agency.example>"},
        {"outside": "Maria Lopez <" + "m" * 250 + "@agency.example>"},
        {"video_url": "javascript:alert(1)"},
    ],
)
def test_wrong_input_on_the_schedule_form_is_refused_with_the_values_kept(
    client, hr, make_candidate, change
):
    """A date years away, a malformed or overlong outside interviewer, or a link that is not
    a web address is refused with a 400 and the form comes back, nothing booked."""
    candidate = make_candidate(stage="screening")
    data = schedule_data([hr.id], [TOMORROW_10_LOCAL])
    data.update(change)
    response = client.post(f"/interviews/new/{candidate.id}", data=data)
    assert response.status_code == 400
    assert "Room 210, Capitol Annex" in response.get_data(as_text=True)
    assert db.session.scalar(select(Interview)) is None


def test_a_move_or_cancel_without_the_pages_version_is_refused(client, hr, make_candidate):
    """A move or a cancel sent without the version its page carries is refused (400): it
    could be a stale one."""
    candidate = make_candidate(stage="screening")
    client.post(f"/interviews/new/{candidate.id}", data=schedule_data([hr.id], [TOMORROW_10_LOCAL]))
    interview = db.session.scalar(select(Interview))
    moved = client.post(
        f"/interviews/{interview.id}/reschedule",
        data={"time-day": "2030-03-20", "time-at": "14:30"},
    )
    cancelled = client.post(f"/interviews/{interview.id}/cancel", data={})
    assert (moved.status_code, cancelled.status_code) == (400, 400)
    db.session.refresh(interview)
    assert interview.state == InterviewState.SCHEDULED and interview.sequence == 0


def test_an_erased_candidates_interview_cannot_be_moved(client, hr, make_candidate):
    """After erasure the record's interviews stay as they are: moving one is refused."""
    candidate = make_candidate(stage="screening")
    client.post(f"/interviews/new/{candidate.id}", data=schedule_data([hr.id], [TOMORROW_10_LOCAL]))
    interview = db.session.scalar(select(Interview))
    erase(candidate, hr, why="asked by the student")
    db.session.commit()
    response = client.post(
        f"/interviews/{interview.id}/reschedule",
        data={"time-day": "2030-03-20", "time-at": "14:30", "version": str(interview.version)},
    )
    assert response.status_code == 409
    assert "record was erased" in response.get_data(as_text=True)


def test_a_name_typed_with_a_line_break_makes_a_one_line_subject(client, hr, make_candidate):
    """A candidate's name with a line break (staff forms take any text) still gives the
    panel's invitation a subject the mail server takes."""
    candidate = make_candidate(first_name="Ana\nBcc: someone@else.example", stage="screening")
    client.post(f"/interviews/new/{candidate.id}", data=schedule_data([hr.id], [TOMORROW_10_LOCAL]))
    message = outbox(hr.email)[0]
    assert "\n" not in message.subject
    assert envelope(message)["Subject"] == message.subject


def test_erasure_withdraws_the_panels_invitations_not_yet_sent(client, hr, make_candidate):
    """Erased before the worker ran: the panel's invitation is withdrawn, not sent blank,
    and the place (a phone number to call them on) goes with what was written."""
    candidate = make_candidate(stage="screening")
    client.post(
        f"/interviews/new/{candidate.id}",
        data=schedule_data([hr.id], [TOMORROW_10_LOCAL], location="Call Ana at 555-0100"),
    )
    erase(candidate, hr, why="asked by the student")
    db.session.commit()
    invitation, cancellation = outbox(hr.email)
    assert invitation.state == DeliveryState.CANCELLED
    assert cancellation.state == DeliveryState.QUEUED
    assert "555-0100" not in cancellation.body + (cancellation.calendar or "")


def test_no_scorecard_is_taken_about_an_erased_candidate(client, app, clock, hr, make_candidate):
    """An outside interviewer's link opened after the candidate's erasure takes nothing
    written about them."""
    candidate = make_candidate(stage="screening")
    client.post(
        f"/interviews/new/{candidate.id}",
        data=schedule_data(
            [hr.id], [TOMORROW_10_LOCAL], outside="Maria Lopez <maria@agency.example>"
        ),
    )
    body = envelope(outbox("maria@agency.example")[0]).get_body(("plain",)).get_content()
    link = re.search(r"https?://[^/\s]+(/scorecard/[A-Za-z0-9_-]{20,})", body)[1]
    clock.now = datetime(2030, 3, 14, 15, 10)
    erase(candidate, hr, why="asked by the student")
    db.session.commit()
    response = app.test_client().post(link, data={"recommendation": "yes", "summary": "x"})
    assert response.status_code in (404, 409)
    assert db.session.scalar(select(db.func.count()).select_from(Scorecard)) == 0


def test_an_interview_that_took_place_is_neither_moved_nor_cancelled(
    client, clock, hr, make_candidate
):
    """Once an interview is over, its page offers no Move or Cancel, and a cancel sent
    anyway is refused: the panel is not told to drop a meeting that happened."""
    candidate = make_candidate(stage="screening")
    client.post(f"/interviews/new/{candidate.id}", data=schedule_data([hr.id], [TOMORROW_10_LOCAL]))
    interview = db.session.scalar(select(Interview))
    clock.now = datetime(2030, 3, 14, 16, 0)  # an hour after it began, 30 minutes after
    page = client.get(f"/interviews/{interview.id}").get_data(as_text=True)
    assert "Cancel the interview" not in page and "Move the interview" not in page
    response = client.post(
        f"/interviews/{interview.id}/cancel", data={"version": str(interview.version)}
    )
    assert response.status_code == 409 and "has taken place" in response.get_data(as_text=True)
    db.session.refresh(interview)
    assert interview.state == InterviewState.SCHEDULED
