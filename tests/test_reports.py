"""The reports page: every figure against answers worked out by hand, CSV, and query counts."""

import csv
import io
import itertools
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from recruit.auth.models import Role
from recruit.candidates.models import Candidate, CandidateEvent, StageChange
from recruit.events.models import EventKind
from recruit.extensions import db
from recruit.pipeline.history import fill_derived
from recruit.placements.models import (
    AnswerType,
    Evaluation,
    EvaluationAnswer,
    EvaluationItem,
    EvaluationKind,
    ItemForm,
    Outcome,
    Placement,
    Position,
)
from recruit.reports import evaluation_averages
from recruit.reports.funnel import funnel
from recruit.reports.periods import Period, period_from_args, term_period
from recruit.reports.rates import rates
from recruit.reports.stage_times import interest_to_offer, time_in_stage
from recruit.reports.yields import event_yield, university_yield
from tests.query_counting import queries_for

# Fall 2025 runs Aug 15 to Dec 31, 2025 (139 days); the 139 days before it start Mar 29.
FALL_2025 = term_period("fall", 2025)
FALL_2025_ARGS = "term=fall-2025"

_numbers = itertools.count(1)


def when(text: str) -> datetime:
    """A moment written 'YYYY-MM-DD' (noon) or 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text if " " in text else f"{text} 12:00")


@pytest.fixture
def journey(app, stages):
    """Return journey(*(stage key, moment), **fields): a candidate who made those moves."""

    def make(*moves, **fields):
        n = next(_numbers)
        first, last = when(moves[0][1]), when(moves[-1][1])
        fields.setdefault("created_at", first)
        candidate = Candidate(
            first_name="Ana",
            last_name=f"Journey{n}",
            email=f"journey{n}@university.example",
            stage=stages[moves[-1][0]],
            stage_entered_at=last,
            **fields,
        )
        db.session.add(candidate)
        keys = [key for key, _ in moves]
        changes = [
            StageChange(
                candidate=candidate,
                from_stage=stages[before] if before else None,
                to_stage=stages[key],
                created_at=when(moment),
            )
            for before, (key, moment) in zip([None, *keys], moves, strict=False)
        ]
        db.session.add_all(changes)
        fill_derived(changes)
        db.session.commit()
        return candidate

    return make


@pytest.fixture
def make_placement(app):
    """Return make_placement(candidate, ends_on, outcome=None): a placement in a position."""
    position = Position(
        title="Procurement intern", agency="Department of Administration", term="Fall 2025"
    )
    db.session.add(position)
    db.session.commit()
    position_id = position.id  # tests may end the session between calls

    def make(candidate, ends_on: date, outcome: Outcome | None = None):
        placement = Placement(
            candidate=candidate,
            position_id=position_id,
            starts_on=ends_on - timedelta(days=90),
            ends_on=ends_on,
            outcome=outcome,
        )
        db.session.add(placement)
        db.session.commit()
        return placement

    return make


# --- periods -----------------------------------------------------------------------------


def test_fall_term_runs_from_mid_august_to_year_end():
    """Is Fall 2025 Aug 15 to Dec 31, compared with the 139 days before it?"""
    assert (FALL_2025.start, FALL_2025.end, FALL_2025.days) == (
        date(2025, 8, 15),
        date(2025, 12, 31),
        139,
    )
    previous = FALL_2025.previous()
    assert (previous.start, previous.end) == (date(2025, 3, 29), date(2025, 8, 14))


def test_custom_dates_win_over_a_term():
    """Does a valid from/to range choose the period even when a term is also given?"""
    args = {"term": "fall-2025", "from": "2025-10-01", "to": "2025-10-10"}

    period = period_from_args(args, today=date(2026, 3, 1))

    assert (period.start, period.end, period.days) == (date(2025, 10, 1), date(2025, 10, 10), 10)
    assert period.previous() == Period(date(2025, 9, 21), date(2025, 9, 30))


def test_no_period_means_the_current_term():
    """Without arguments, does the page show the term today falls in?"""
    assert period_from_args({}, today=date(2026, 6, 1)).term == "summer-2026"


# --- funnel ------------------------------------------------------------------------------


def test_funnel_counts_candidates_reaching_each_stage_this_period_and_last(journey):
    """Does the funnel count distinct candidates per stage, this period beside the last?"""
    journey(("interested", "2025-09-01"), ("screening", "2025-09-05"), ("interview", "2025-09-15"))
    journey(("interested", "2025-09-02"), ("screening", "2025-09-12"))
    journey(("interested", "2025-05-01"), ("screening", "2025-05-03"), ("interview", "2025-09-10"))
    journey(("interested", "2025-04-01"))
    journey(("interested", "2024-01-01"))  # before both periods
    # Back and forth: reaches Interview twice in the period, counted once.
    journey(
        ("interested", "2025-10-01"),
        ("interview", "2025-10-02"),
        ("screening", "2025-10-03"),
        ("interview", "2025-10-04"),
    )

    rows = {row.key: (row.current, row.previous) for row in funnel(FALL_2025)}

    assert rows["interested"] == (3, 2)
    assert rows["screening"] == (3, 1)
    assert rows["interview"] == (3, 0)
    assert rows["offer"] == (0, 0)


def test_funnel_counts_a_return_to_a_stage_in_each_period_it_happens(journey):
    """Is a candidate who reached Interview last period and again this period counted in
    both, and one who reached it twice this period counted once?"""
    journey(
        ("interested", "2025-06-01"),
        ("interview", "2025-06-10"),
        ("screening", "2025-06-20"),
        ("interview", "2025-09-10"),
        ("screening", "2025-09-20"),
        ("interview", "2025-10-10"),
    )

    rows = {row.key: row for row in funnel(FALL_2025)}

    assert (rows["interview"].current, rows["interview"].previous) == (1, 1)
    assert (rows["screening"].current, rows["screening"].previous) == (1, 1)


def test_funnel_lists_main_path_first_and_closed_stages_last(stages):
    """Are the closed stages listed after Hired, in their order?"""
    keys = [row.key for row in funnel(FALL_2025)]

    assert keys[:8] == [
        "interested",
        "screening",
        "interview",
        "offer",
        "onboarding",
        "active_intern",
        "completed",
        "hired",
    ]
    assert keys[8:] == ["not_selected", "withdrawn", "talent_pool"]


def test_reports_page_shows_the_funnel(client, signed_in, journey):
    """Does HR see this period's and last period's counts in the funnel table?"""
    signed_in(Role.HR)
    journey(("interested", "2025-09-01"), ("screening", "2025-09-05"))
    journey(("interested", "2025-05-01"))

    html = client.get(f"/reports/?{FALL_2025_ARGS}").get_data(as_text=True)

    assert "Fall 2025" in html
    assert '<th scope="row">Interested</th><td>1</td><td>1</td><td>+0</td>' in html
    assert '<th scope="row">Screening</th><td>1</td><td>0</td><td>+1</td>' in html


def test_outreach_staff_may_open_the_reports(client, signed_in, stages):
    """Can an outreach coordinator open the reports page?"""
    signed_in(Role.OUTREACH)

    assert client.get("/reports/").status_code == 200


def test_visitors_are_sent_to_sign_in(client, stages):
    """Is someone not signed in sent to the sign-in page?"""
    response = client.get("/reports/")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# --- per event and per university --------------------------------------------------------


@pytest.fixture
def two_events(journey, make_event, make_university):
    """A career fair ($900, 3 leads, 1 hire) and a class talk ($120, 2 leads, no hires)."""
    university = make_university(name="Capital State University")
    fair = make_event(
        name="Capital State Career Fair",
        university_id=university.id,
        starts_on=date(2025, 9, 10),
        cost_registration=Decimal("500"),
        cost_travel=Decimal("250"),
        cost_giveaways=Decimal("100"),
        cost_other=Decimal("50"),
    )
    talk = make_event(
        name="Class talk: public purchasing",
        kind=EventKind.CLASS_TALK,
        starts_on=date(2025, 10, 1),
        cost_travel=Decimal("120"),
    )
    make_event(name="Spring fair", starts_on=date(2025, 3, 1), cost_registration=Decimal("999"))
    from_fair = [
        journey(("interested", "2025-09-10"), university_id=university.id),
        journey(
            ("interested", "2025-09-10"),
            ("interview", "2025-09-20"),
            university_id=university.id,
        ),
        journey(
            ("interested", "2025-09-10"),
            ("interview", "2025-09-20"),
            ("active_intern", "2025-10-01"),
            ("hired", "2025-12-15"),
            university_id=university.id,
        ),
    ]
    from_talk = [journey(("interested", "2025-10-01")) for _ in range(2)]
    db.session.add_all(CandidateEvent(candidate=c, event=fair) for c in from_fair)
    db.session.add_all(CandidateEvent(candidate=c, event=talk) for c in from_talk)
    db.session.commit()
    return fair, talk


def test_event_yield_counts_leads_interviews_interns_and_hires(two_events):
    """Does each event in the period show its leads and how far they got?"""
    rows = {row.name: row for row in event_yield(FALL_2025)}

    assert set(rows) == {"Capital State Career Fair", "Class talk: public purchasing"}
    fair = rows["Capital State Career Fair"]
    assert (fair.leads, fair.interviews, fair.interns, fair.hires) == (3, 2, 1, 1)
    talk = rows["Class talk: public purchasing"]
    assert (talk.leads, talk.interviews, talk.interns, talk.hires) == (2, 0, 0, 0)


def test_cost_per_lead_and_per_hire_for_two_events(two_events):
    """Is cost per lead total cost / leads, and cost per hire blank without hires?"""
    rows = {row.name: row for row in event_yield(FALL_2025)}

    fair = rows["Capital State Career Fair"]
    assert (fair.cost, fair.cost_per_lead, fair.cost_per_hire) == (
        Decimal("900.00"),
        Decimal("300.00"),
        Decimal("900.00"),
    )
    talk = rows["Class talk: public purchasing"]
    assert (talk.cost, talk.cost_per_lead, talk.cost_per_hire) == (
        Decimal("120.00"),
        Decimal("60.00"),
        None,
    )


def test_events_table_sorts_by_cost_per_lead(client, signed_in, two_events):
    """Does ?sort=cost_per_lead&direction=desc put the dearest lead first, with a dash for
    an event without hires?"""
    signed_in(Role.OUTREACH)

    html = client.get(f"/reports/?{FALL_2025_ARGS}&sort=cost_per_lead&direction=desc").get_data(
        as_text=True
    )

    events_table = html[html.index('id="events-heading"') : html.index('id="universities"')]
    assert events_table.index("Capital State Career Fair") < events_table.index(
        "Class talk: public purchasing"
    )
    assert "<td>$300.00</td>\n    <td>$900.00</td>" in events_table
    assert "<td>$60.00</td>\n    <td>—</td>" in events_table


def test_university_yield_counts_its_candidates_and_event_costs(two_events):
    """Does a university show its candidates of the period and its events' cost?"""
    (row,) = university_yield(FALL_2025)

    assert row.name == "Capital State University"
    assert (row.leads, row.interviews, row.interns, row.hires) == (3, 2, 1, 1)
    assert (row.cost, row.cost_per_lead, row.cost_per_hire) == (
        Decimal("900.00"),
        Decimal("300.00"),
        Decimal("900.00"),
    )


# --- rates -------------------------------------------------------------------------------


@pytest.fixture
def interns(journey, make_placement):
    """Five eligible interns in Fall 2025: three offers, two accepted; one outside it."""
    completed_only = journey(("active_intern", "2025-09-01"), ("completed", "2025-12-01"))
    hired = journey(("active_intern", "2025-09-01"))
    offered = journey(("active_intern", "2025-09-01"))
    accepted = journey(("active_intern", "2025-09-01"), ("completed", "2025-12-15"))
    not_converted = journey(("active_intern", "2025-06-01"))
    next_term = journey(("active_intern", "2025-12-01"))
    make_placement(hired, date(2025, 12, 10), Outcome.HIRED)
    make_placement(offered, date(2025, 11, 30), Outcome.OFFER_MADE)
    make_placement(accepted, date(2025, 12, 15), Outcome.OFFER_ACCEPTED)
    make_placement(not_converted, date(2025, 10, 1), Outcome.NOT_CONVERTED)
    make_placement(next_term, date(2026, 1, 10), Outcome.HIRED)
    return completed_only


def test_offer_acceptance_and_conversion_rates(interns):
    """Are the rates 3/5 offers, 2/3 accepted and 2/5 converted?"""
    current, previous = rates(FALL_2025)

    assert (current.eligible, current.offers, current.accepted) == (5, 3, 2)
    assert current.offer_rate == pytest.approx(0.6)
    assert current.acceptance_rate == pytest.approx(2 / 3)
    assert current.conversion_rate == pytest.approx(0.4)
    assert (previous.eligible, previous.offer_rate) == (0, None)


def test_rates_page_gives_nace_context_and_definitions(client, signed_in, interns):
    """Does the page show the conversion rate beside NACE's 53-66% and define its terms?"""
    signed_in(Role.HR)

    html = client.get(f"/reports/?{FALL_2025_ARGS}").get_data(as_text=True)

    assert '<th scope="row">Intern-to-hire conversion</th><td>40%</td><td>—</td>' in html
    assert "about 53% to 66%" in html
    assert 'Candidates who entered the "Completed" stage during the period' in html


# --- time in stage -----------------------------------------------------------------------


def test_time_in_stage_median_and_90th_percentile(journey):
    """Over screening stays of 1, 2, 3, 4 and 10 days, is the median 3 and the p90 7.6?"""
    for n, days in enumerate((1, 2, 3, 4, 10)):
        start = date(2025, 9, 1 + n)
        journey(
            ("interested", f"{start} 09:00"),
            ("screening", f"{start} 21:00"),
            ("interview", f"{start + timedelta(days=days)} 21:00"),
        )

    rows = {row.name: row for row in time_in_stage(FALL_2025)}

    assert rows["Screening"].stays == 5
    assert rows["Screening"].median == pytest.approx(3)
    assert rows["Screening"].p90 == pytest.approx(7.6)
    assert rows["Interested"].median == pytest.approx(0.5)
    assert "Interview" not in rows  # those stays have not ended


def test_time_in_stage_counts_only_stays_ending_in_the_period(journey):
    """Is a stay that ended before the period left out?"""
    journey(("interested", "2025-07-01"), ("screening", "2025-07-11"))
    journey(("interested", "2025-08-10"), ("screening", "2025-08-30"))

    (row,) = time_in_stage(FALL_2025)

    assert (row.name, row.stays, row.median) == ("Interested", 1, pytest.approx(20))


def test_interest_to_offer_median_days(journey):
    """For candidates first offered in the period, is the median from arrival 20 days?"""
    journey(("interested", "2025-09-01"), ("offer", "2025-09-11"))
    journey(("interested", "2025-09-01"), ("screening", "2025-09-05"), ("offer", "2025-09-21"))
    journey(
        ("interested", "2025-09-01"),
        ("offer", "2025-10-11"),
        ("screening", "2025-10-12"),
        ("offer", "2025-10-30"),  # a second offer does not move the first
    )
    journey(("interested", "2025-03-01"), ("offer", "2025-04-01"))  # offered before

    result = interest_to_offer(FALL_2025)

    assert result.candidates == 3
    assert result.median == pytest.approx(20)


# --- evaluations -------------------------------------------------------------------------


@pytest.fixture
def evaluations(journey, make_placement):
    """Two interns' mid-term and final evaluations; one mid-term used a since-reworded item."""

    def item(form, key, group, prompt, position, retired=False):
        return EvaluationItem(
            form=form,
            key=key,
            group=group,
            prompt=prompt,
            answer_type=AnswerType.RATING,
            position=position,
            retired=retired,
        )

    old_communication = item(
        ItemForm.SUPERVISOR, "communication", "nace", "Communication: speaks well", 1, True
    )
    communication = item(
        ItemForm.SUPERVISOR, "communication", "nace", "Communication: writes and speaks", 1
    )
    research = item(
        ItemForm.SUPERVISOR, "market_research", "procurement", "Market research: finds vendors", 2
    )
    satisfaction = item(
        ItemForm.INTERN_FEEDBACK, "satisfaction", "program", "How satisfied are you?", 1
    )
    db.session.add_all([old_communication, communication, research, satisfaction])
    placements = [
        make_placement(journey(("active_intern", "2025-08-20")), date(2025, 12, 10))
        for _ in range(2)
    ]

    def evaluation(placement, kind, on, answers, recommend=None):
        db.session.add(
            Evaluation(
                placement=placement,
                kind=kind,
                submitted_at=when(on),
                recommend_full_time=recommend,
                answers=[EvaluationAnswer(item=i, rating=r) for i, r in answers],
            )
        )

    midterm, final = EvaluationKind.SUPERVISOR_MIDTERM, EvaluationKind.SUPERVISOR_FINAL
    first, second = placements
    evaluation(first, midterm, "2025-10-01", [(old_communication, 3), (research, 2)])
    evaluation(second, midterm, "2025-10-01", [(communication, 4), (research, None)])
    evaluation(first, final, "2025-12-05", [(communication, 4), (research, 3)], True)
    evaluation(second, final, "2025-12-05", [(communication, 5), (research, 4)], False)
    feedback = EvaluationKind.INTERN_FEEDBACK
    evaluation(first, feedback, "2025-12-06", [(satisfaction, 5)])
    evaluation(second, feedback, "2025-12-06", [(satisfaction, 4)])
    evaluation(first, EvaluationKind.INTERN_SELF, "2025-12-06", [])
    db.session.commit()


def test_evaluation_averages_mid_term_against_final(evaluations):
    """Do competencies average 3.5 then 4.5 (communication) and 2 then 3.5 (research)?"""
    summary = evaluation_averages.evaluations(FALL_2025)

    rows = {c.key: c for c in summary.competencies}
    assert list(rows) == ["communication", "market_research"]
    communication = rows["communication"]
    assert communication.name == "Communication"
    assert (communication.midterm, communication.midterm_count) == (pytest.approx(3.5), 2)
    assert (communication.final, communication.final_count) == (pytest.approx(4.5), 2)
    research = rows["market_research"]
    assert (research.midterm, research.midterm_count) == (pytest.approx(2), 1)
    assert research.final == pytest.approx(3.5)


def test_intern_satisfaction_and_would_recommend_share(evaluations):
    """Is satisfaction 4.5 and the would-recommend share one in two?"""
    summary = evaluation_averages.evaluations(FALL_2025)

    assert summary.satisfaction.average == pytest.approx(4.5)
    assert (summary.recommended, summary.recommend_answers) == (1, 2)
    assert summary.recommend_share == pytest.approx(0.5)


# --- charts and CSV ----------------------------------------------------------------------


def test_each_chart_is_an_accessible_svg_with_a_title(client, signed_in, two_events):
    """Does every chart have role=img, a title and a description that names its data?"""
    signed_in(Role.HR)

    html = client.get(f"/reports/?{FALL_2025_ARGS}").get_data(as_text=True)

    assert html.count('<svg role="img"') == 6
    assert html.count("<title id=") == 6
    assert 'aria-labelledby="events-chart-title"' in html
    assert "Capital State Career Fair: 3 (Leads), 1 (Hires)" in html
    assert "style=" not in html
    assert not re.search(r"<script(?![^>]*\ssrc=)", html)  # scripts from files only


def test_csv_export_neutralises_a_formula_in_an_event_name(client, signed_in, make_event):
    """Does an event named like a formula reach the CSV with a leading quote?"""
    signed_in(Role.OUTREACH)
    make_event(name='=HYPERLINK("http://evil.example","Fair")', starts_on=date(2025, 9, 1))

    response = client.get(f"/reports/events.csv?{FALL_2025_ARGS}")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][:3] == ["Name", "Date", "Leads"]
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example","Fair")'


def test_csv_exports_the_funnel_for_the_same_period(client, signed_in, journey):
    """Does the funnel CSV carry the period's counts and name its file after the term?"""
    signed_in(Role.HR)
    journey(("interested", "2025-09-01"))

    response = client.get(f"/reports/funnel.csv?{FALL_2025_ARGS}")

    assert "recruit-funnel-fall-2025.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[1] == ["Interested", "1", "0", "1"]


def test_unknown_csv_table_is_not_found(client, signed_in, stages):
    """Does asking for a table the page does not have give 404?"""
    signed_in(Role.HR)

    assert client.get("/reports/secrets.csv").status_code == 404


# --- query counts ------------------------------------------------------------------------


@pytest.fixture
def add_pipeline(app, stages, make_university, make_event, make_placement):
    """Return add(n): n more candidates with histories, event leads, placements and
    evaluations, all in Fall 2025."""
    university = make_university()
    fair = make_event(starts_on=date(2025, 9, 1), university_id=university.id)
    item = EvaluationItem(
        form=ItemForm.SUPERVISOR,
        key="teamwork",
        group="nace",
        prompt="Teamwork: collaborates",
        answer_type=AnswerType.RATING,
        position=1,
    )
    db.session.add(item)
    db.session.commit()
    # Ids, not rows: counting queries ends the session between calls.
    university_id, fair_id, item_id = university.id, fair.id, item.id
    stage_ids = {key: stage.id for key, stage in stages.items()}
    path = ["interested", "screening", "interview", "offer", "active_intern", "completed"]

    def add(n: int) -> None:
        for i in range(n):
            k = next(_numbers)
            steps = path[: 1 + i % len(path)]
            candidate = Candidate(
                first_name="Bulk",
                last_name=f"Student{k}",
                email=f"bulk{k}@university.example",
                university_id=university_id,
                stage_id=stage_ids[steps[-1]],
                created_at=when("2025-09-01"),
            )
            db.session.add(candidate)
            for day, key in enumerate(steps, start=1):
                db.session.add(
                    StageChange(
                        candidate=candidate,
                        to_stage_id=stage_ids[key],
                        created_at=when(f"2025-09-{day:02d}"),
                    )
                )
            db.session.add(CandidateEvent(candidate=candidate, event_id=fair_id))
            if steps[-1] == "completed":
                placement = make_placement(candidate, date(2025, 12, 1), Outcome.HIRED)
                db.session.add(
                    Evaluation(
                        placement=placement,
                        kind=EvaluationKind.SUPERVISOR_FINAL,
                        submitted_at=when("2025-12-01"),
                        recommend_full_time=True,
                        answers=[EvaluationAnswer(item_id=item_id, rating=4)],
                    )
                )
        db.session.commit()

    return add


def test_reports_page_costs_the_same_queries_for_5_or_100_candidates(
    client, signed_in, add_pipeline
):
    """Does the reports page send as many queries for 100 candidates as for 5?"""
    signed_in(Role.HR)
    url = f"/reports/?{FALL_2025_ARGS}"
    add_pipeline(5)
    few = queries_for(client, url)

    add_pipeline(95)
    many = queries_for(client, url)

    assert few == many
    # One per section (the interviews' section included), the office's time zone, the
    # signed-in user with their server-side session, who must use two-step verification,
    # and BEGIN on SQLite.
    assert many <= 14, many


def test_dashboard_costs_the_same_queries_for_5_or_100_candidates(client, signed_in, add_pipeline):
    """Does the dashboard, with its sparkline, send as many queries for 100 as for 5?"""
    signed_in(Role.HR)
    add_pipeline(5)
    few = queries_for(client, "/")

    add_pipeline(95)

    assert queries_for(client, "/") == few


def test_dashboard_links_each_stage_to_its_board_column(client, signed_in, stages):
    """Does each stage in the dashboard's pipeline link to its column of the board, under a
    sparkline of the counts?"""
    signed_in(Role.HR)

    html = client.get("/").get_data(as_text=True)

    interview = stages["interview"]
    assert f'href="/candidates/board/stages/{interview.id}">Interview</a>' in html
    assert 'aria-labelledby="pipeline-chart-title"' in html
    assert "Interested: 0; Screening: 0;" in html
