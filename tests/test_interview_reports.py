"""Interviews beyond their own pages: the reports' interest-to-interview and
interview-to-offer figures, the dashboard's interviews today, and the calendar feed."""

import csv
import io
import itertools
import secrets
from datetime import datetime, timedelta

import pytest
from icalendar import Calendar

from recruit.auth.models import Role, User
from recruit.candidates.models import Candidate, StageChange
from recruit.extensions import db
from recruit.interviews.feed import interview_entries
from recruit.interviews.models import (
    Interview,
    Interviewer,
    InterviewKind,
    InterviewState,
)
from recruit.placements.models import Position
from recruit.reports.interviews import NO_POSITION, interview_report
from recruit.reports.periods import term_period
from tests.query_counting import queries_for

# Fall 2025 runs Aug 15 to Dec 31, 2025; the clock (tests/conftest.py) stands in 2030, so
# every interview of that term has taken place.
FALL_2025 = term_period("fall", 2025)
POSITION = "Procurement intern · Department of Administration"

_numbers = itertools.count(1)


def at(text: str) -> datetime:
    """A UTC moment written 'YYYY-MM-DD' (noon) or 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text if " " in text else f"{text} 12:00")


@pytest.fixture
def position(app):
    position = Position(
        title="Procurement intern", agency="Department of Administration", term="Fall 2025"
    )
    db.session.add(position)
    db.session.commit()
    return position


@pytest.fixture
def make_student(app, stages):
    """Return make_student(created_on, *(stage key, moment)): a candidate who showed
    interest then and made those moves."""

    def make(created_on: str, *moves, first_name="Ana"):
        n = next(_numbers)
        candidate = Candidate(
            first_name=first_name,
            last_name=f"Student{n}",
            email=f"student{n}@university.example",
            stage=stages[moves[-1][0] if moves else "interested"],
            stage_entered_at=at(moves[-1][1] if moves else created_on),
            created_at=at(created_on),
        )
        db.session.add(candidate)
        db.session.add(
            StageChange(
                candidate=candidate, to_stage=stages["interested"], created_at=at(created_on)
            )
        )
        for key, moment in moves:
            db.session.add(
                StageChange(candidate=candidate, to_stage=stages[key], created_at=at(moment))
            )
        db.session.commit()
        return candidate

    return make


@pytest.fixture
def make_interview(app):
    """Return make_interview(candidate, starts, ...): an interview row as scheduling leaves it."""

    def make(
        candidate,
        starts: str,
        position=None,
        state=InterviewState.SCHEDULED,
        panel=(),
        kind=InterviewKind.PANEL,
        location="Room 210, Capitol Annex",
    ):
        starts_at = at(starts)
        interview = Interview(
            candidate=candidate,
            position=position,
            kind=kind,
            state=state,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=30),
            location=location,
            uid=f"interview-{secrets.token_hex(6)}@recruit.example",
            token_hash=secrets.token_hex(32),
            link_nonce=secrets.token_hex(16),
            interviewers=[
                Interviewer(user_id=user.id, name=user.name, email=user.email.lower())
                for user in panel
            ],
        )
        db.session.add(interview)
        db.session.commit()
        return interview

    return make


@pytest.fixture
def three_students(make_student, make_interview, position):
    """Ana (interviewed Sep 11, offered after), Ben (a cancelled Sep 5 interview, then Sep
    21) and Cara (only a cancelled one), who all showed interest on Sep 1."""
    ana = make_student("2025-09-01", ("interview", "2025-09-10"), ("offer", "2025-09-20"))
    ben = make_student("2025-09-01", ("interview", "2025-09-04"))
    cara = make_student("2025-09-01", ("interview", "2025-09-10"))
    make_interview(ana, "2025-09-11", position)
    make_interview(ben, "2025-09-05", position, state=InterviewState.CANCELLED)
    make_interview(ben, "2025-09-21", position)
    make_interview(cara, "2025-09-15", position, state=InterviewState.CANCELLED)


# --- reports ------------------------------------------------------------------------------


def test_days_from_interest_to_first_interview_skip_cancelled_ones(three_students):
    """HR sees a median of 15 days from interest to first interview for the position: Ana
    10, Ben 20 (his cancelled interview on day 4 does not count), Cara none."""
    (row,) = interview_report(FALL_2025).positions

    assert row.name == POSITION
    assert row.first_interviews == 2
    assert row.median_days == pytest.approx(15)
    assert row.average_days == pytest.approx(15)


def test_interview_to_offer_rate_is_one_in_two(three_students):
    """Of the 3 students, 2 were interviewed and 1 then reached Offer: HR sees 50%."""
    (row,) = interview_report(FALL_2025).positions

    assert (row.interviewed, row.offers) == (2, 1)
    assert row.offer_rate == pytest.approx(0.5)


def test_a_later_stage_than_offer_counts_as_reaching_it(make_student, make_interview, position):
    """A student moved from Interview straight to Onboarding counts as reaching an offer."""
    student = make_student("2025-09-01", ("interview", "2025-09-02"), ("onboarding", "2025-09-30"))
    make_interview(student, "2025-09-10", position)

    (row,) = interview_report(FALL_2025).positions

    assert (row.interviewed, row.offers) == (1, 1)


def test_an_offer_before_the_first_interview_does_not_count(make_student, make_interview, position):
    """An offer made before the student's interview was not won by it."""
    student = make_student("2025-09-01", ("offer", "2025-09-05"))
    make_interview(student, "2025-09-10", position)

    (row,) = interview_report(FALL_2025).positions

    assert (row.interviewed, row.offers) == (1, 0)


def test_interviews_for_no_position_have_their_own_row_and_count_overall(
    three_students, make_student, make_interview
):
    """An interview held for no particular position shows under that name, after the
    positions, and the overall row counts every student once."""
    dan = make_student("2025-10-01")
    make_interview(dan, "2025-10-31")

    report = interview_report(FALL_2025)

    assert [row.name for row in report.positions] == [POSITION, NO_POSITION]
    assert report.positions[1].median_days == pytest.approx(30)
    overall = report.overall
    assert (overall.name, overall.first_interviews, overall.interviewed) == ("All positions", 3, 3)
    assert overall.median_days == pytest.approx(20)
    assert overall.offer_rate == pytest.approx(1 / 3)


def test_a_first_interview_before_the_period_is_not_counted_again(
    make_student, make_interview, position
):
    """A student first interviewed in the summer and again in the fall counts as
    interviewed in the fall, but their days to a first interview belong to the summer."""
    student = make_student("2025-07-01")
    make_interview(student, "2025-07-11", position)
    make_interview(student, "2025-09-11", position)

    (row,) = interview_report(FALL_2025).positions

    assert (row.first_interviews, row.median_days, row.interviewed) == (0, None, 1)


def test_the_reports_page_shows_the_interview_table(client, signed_in, three_students):
    """The reports page shows the position's figures under plain headings."""
    signed_in(Role.OUTREACH)

    html = client.get("/reports/?term=fall-2025").get_data(as_text=True)

    assert "Interview-to-offer rate" in html
    assert f'<th scope="row">{POSITION}</th><td>2</td><td>15.0</td>' in html
    assert "<td>50%</td>" in html


def test_the_interview_figures_download_as_csv(client, signed_in, three_students):
    """HR downloads the interview figures for the term: the position, then all positions."""
    signed_in(Role.HR)

    response = client.get("/reports/interviews.csv?term=fall-2025")

    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][:3] == ["Position", "First interviews", "Median days from interest"]
    assert rows[1] == [POSITION, "2", "15.0", "15.0", "2", "1", "50.0"]
    assert rows[2][0] == "All positions"


def test_the_reports_page_costs_the_same_with_more_interviews(
    client, signed_in, make_student, make_interview, position, record_property
):
    """Does the reports page send as many queries with 40 interviews as with 2?"""
    signed_in(Role.HR)
    url = "/reports/?term=fall-2025"

    def add(n):
        for i in range(n):
            student = make_student("2025-09-01", ("offer", "2025-10-20"))
            make_interview(student, f"2025-10-{1 + i % 28:02d}", position if i % 2 else None)

    add(2)
    few = queries_for(client, url)
    add(38)
    many = queries_for(client, url)

    record_property("queries", f"{few} with 2 interviews, {many} with 40")
    assert few == many


# --- the dashboard ------------------------------------------------------------------------


def test_the_dashboard_lists_only_my_interviews_today(
    client, clock, signed_in, make_user, make_student, make_interview
):
    """At 11 PM in Chicago I see my 11:30 PM interview (already tomorrow in UTC), but not
    my 12:30 AM one, a colleague's tonight, or one of mine that was cancelled."""
    clock.now = at("2030-03-14 04:00")  # 11:00 PM CDT on Mar 13
    me = signed_in(Role.OUTREACH)
    colleague = make_user(Role.HR)
    rosa = make_student("2030-03-01", first_name="Rosa")
    tomas = make_student("2030-03-01", first_name="Tomas")
    lena = make_student("2030-03-01", first_name="Lena")
    omar = make_student("2030-03-01", first_name="Omar")
    make_interview(rosa, "2030-03-14 04:30", panel=[me, colleague])
    make_interview(tomas, "2030-03-14 05:30", panel=[me])
    make_interview(lena, "2030-03-14 04:15", panel=[colleague])
    make_interview(omar, "2030-03-14 04:45", panel=[me], state=InterviewState.CANCELLED)

    html = client.get("/").get_data(as_text=True)

    assert "11:30 PM CDT" in html and "Rosa" in html and "Room 210, Capitol Annex" in html
    assert "Tomas" not in html and "Lena" not in html and "Omar" not in html
    assert 'href="/interviews/?when=today">All interviews</a>' in html


def test_the_dashboard_says_when_i_have_no_interviews_today(client, clock, signed_in):
    """With nothing booked, the dashboard says so plainly."""
    signed_in(Role.HR)

    assert "No interviews for you today." in client.get("/").get_data(as_text=True)


def test_the_dashboard_costs_the_same_with_more_interviews_today(
    client, clock, signed_in, make_student, make_interview, record_property
):
    """Does the dashboard send as many queries with 10 of my interviews today as with 1?"""
    me_id = signed_in(Role.HR).id  # counting queries ends the session: keep the id
    few = None
    for n in range(10):
        me = db.session.get(User, me_id)
        make_interview(make_student("2030-03-01"), f"2030-03-13 {12 + n}:00", panel=[me])
        if n == 0:
            few = queries_for(client, "/")
    many = queries_for(client, "/")

    record_property("queries", f"{few} with 1 interview today, {many} with 10")
    assert few == many


# --- the calendar feed --------------------------------------------------------------------


def test_my_feed_carries_my_interviews_as_timed_entries(
    app, clock, make_user, make_student, make_interview
):
    """My feed has my upcoming interview at its time in Chicago, with the invitation's UID
    and sequence, a link to its page, and parses as iCalendar."""
    me, colleague = make_user(Role.HR), make_user(Role.HR)
    ana = make_student(
        "2030-03-01",
        first_name="Ana",
    )
    mine = make_interview(ana, "2030-03-14 15:00", panel=[me])
    mine.sequence = 2
    db.session.commit()
    make_interview(make_student("2030-03-01"), "2030-03-14 16:00", panel=[colleague])

    cal = Calendar()
    cal.add("prodid", "-//State Procurement Office//Recruit//EN")
    cal.add("version", "2.0")
    for entry in interview_entries(me):
        cal.add_component(entry)
    cal.add_missing_timezones()
    (event,) = Calendar.from_ical(cal.to_ical()).walk("VEVENT")

    assert event["uid"] == mine.uid and event["sequence"] == 2
    assert str(event["dtstart"].dt) == "2030-03-14 10:00:00-05:00"
    assert str(event["dtstart"].dt.tzinfo) == "America/Chicago"
    assert event["summary"] == f"Panel interview: {ana.full_name}"
    assert event["location"] == "Room 210, Capitol Annex"
    assert event["url"].endswith(f"/interviews/{mine.id}")
    assert event["status"] == "CONFIRMED"


def test_my_feed_leaves_out_cancelled_and_long_past_interviews(
    app, clock, make_user, make_student, make_interview
):
    """A cancelled interview and one from over a month ago are not in my feed; one from
    last week still is."""
    me = make_user(Role.HR)
    make_interview(
        make_student("2030-01-01"), "2030-03-20 15:00", panel=[me], state=InterviewState.CANCELLED
    )
    make_interview(make_student("2030-01-01"), "2030-02-01 15:00", panel=[me])
    last_week = make_interview(make_student("2030-01-01"), "2030-03-06 15:00", panel=[me])

    assert [entry["uid"] for entry in interview_entries(me)] == [last_week.uid]


def test_an_offer_after_an_earlier_positions_interview_counts_for_the_office_only(
    make_student, make_interview, position
):
    """A student interviewed for one position in the summer, offered in August, then
    interviewed for another in the fall: does the fall's office row count the offer (it
    followed their first interview) while the other position's row does not?"""
    other = Position(title="Buyer trainee", agency="Transportation", term="Fall 2025")
    db.session.add(other)
    db.session.commit()
    student = make_student("2025-07-01", ("interview", "2025-07-10"), ("offer", "2025-08-01"))
    make_interview(student, "2025-07-11", position)
    make_interview(student, "2025-09-11", other)

    report = interview_report(FALL_2025)

    rows = {
        row.name: (row.first_interviews, row.interviewed, row.offers) for row in report.positions
    }
    assert rows == {"Buyer trainee · Transportation": (1, 1, 0), POSITION: (0, 0, 0)}
    overall = report.overall
    assert (overall.first_interviews, overall.interviewed, overall.offers) == (0, 1, 1)
