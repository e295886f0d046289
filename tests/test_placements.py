"""Placements: HR places a candidate with an offer, staff watch evaluations fall due, and
an outcome moves the candidate through the one stage-move rule."""

from datetime import date, timedelta

from sqlalchemy import select

from recruit.audit.models import AuditEntry
from recruit.auth.models import Role
from recruit.candidates.models import StageChange
from recruit.extensions import db
from recruit.placements.models import (
    Evaluation,
    EvaluationAnswer,
    EvaluationKind,
    ItemForm,
    Outcome,
    Placement,
    PositionStatus,
)
from recruit.placements.questionnaires import term_averages
from tests.placement_factories import new_placement, new_position, standard_items
from tests.query_counting import queries_for


def place(client, candidate, position, **fields):
    return client.post(
        f"/placements/new?candidate_id={candidate.id}",
        data={"position_id": str(position.id), **fields},
    )


def test_hr_places_a_candidate_with_an_offer(client, signed_in, make_candidate):
    """Can HR place a candidate in the Offer stage in an open position?"""
    signed_in(Role.HR)
    candidate = make_candidate(stage="offer")
    response = place(client, candidate, new_position(), mentor_name="Luis Ortega")
    placement = db.session.scalars(select(Placement)).one()
    assert response.headers["Location"] == f"/placements/{placement.id}"
    assert (placement.candidate_id, placement.mentor_name) == (candidate.id, "Luis Ortega")


def test_placement_defaults_from_the_position(client, signed_in, make_candidate):
    """Does a placement left blank take the position's supervisor, dates and due dates?"""
    signed_in(Role.HR)
    position = new_position(starts_on=date(2027, 6, 1), ends_on=date(2027, 8, 31))
    place(client, make_candidate(stage="offer"), position)
    placement = db.session.scalars(select(Placement)).one()
    assert placement.supervisor_email == position.supervisor_email
    assert (placement.midterm_due_on, placement.final_due_on) == (
        date(2027, 7, 16),
        date(2027, 8, 31),
    )


def test_closed_position_is_refused(client, signed_in, make_candidate):
    """Is placing a candidate in a closed position refused, with nothing saved?"""
    signed_in(Role.HR)
    position = new_position(status=PositionStatus.CLOSED)
    response = place(client, make_candidate(stage="offer"), position)
    assert response.status_code == 400
    assert "only open positions take interns" in response.get_data(as_text=True)
    assert db.session.scalars(select(Placement)).all() == []


def test_full_position_is_refused(client, signed_in, make_candidate):
    """Is a third intern refused for a position with two openings, both filled?"""
    signed_in(Role.HR)
    position = new_position(openings=2)
    new_placement(make_candidate(stage="active_intern"), position)
    new_placement(make_candidate(stage="active_intern"), position)
    response = place(client, make_candidate(stage="offer"), position)
    assert "All 2 openings" in response.get_data(as_text=True)


def test_candidate_page_offers_placing_at_offer_stage(client, signed_in, make_candidate):
    """Does the page of a candidate with an offer link to placing them?"""
    signed_in(Role.HR)
    candidate = make_candidate(stage="offer")
    page = client.get(f"/candidates/{candidate.id}").get_data(as_text=True)
    assert "Place in a position" in page


def test_candidate_page_hides_placing_before_an_offer(client, signed_in, make_candidate):
    """Is the placing link absent for a candidate still in screening?"""
    signed_in(Role.HR)
    candidate = make_candidate(stage="screening")
    page = client.get(f"/candidates/{candidate.id}").get_data(as_text=True)
    assert "Place in a position" not in page


def test_placing_form_refuses_a_candidate_in_screening_at_once(client, signed_in, make_candidate):
    """Does opening the placing form for a Screening candidate say at once that only
    candidates at Offer or Onboarding can be placed, back on the candidate's page?"""
    signed_in(Role.HR)
    candidate = make_candidate(stage="screening")
    response = client.get(f"/placements/new?candidate_id={candidate.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/candidates/{candidate.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "only candidates at Offer or Onboarding can be placed" in page


def test_placing_form_opens_for_a_candidate_with_an_offer(client, signed_in, make_candidate):
    """Does the placing form open for a candidate in the Offer stage?"""
    signed_in(Role.HR)
    candidate = make_candidate(stage="offer")
    response = client.get(f"/placements/new?candidate_id={candidate.id}")
    assert response.status_code == 200
    assert "only candidates at Offer or Onboarding" not in response.get_data(as_text=True)


def test_outreach_cannot_place(client, signed_in, make_candidate):
    """Is outreach refused when placing a candidate?"""
    signed_in(Role.OUTREACH)
    response = place(client, make_candidate(stage="offer"), new_position())
    assert response.status_code == 403


def record_outcome(client, placement, outcome, move=True, **fields):
    data = {"outcome": outcome, "outcome_on": date.today().isoformat(), **fields}
    if move:
        data["move_candidate"] = "y"
    return client.post(f"/placements/{placement.id}/outcome", data=data)


def test_completed_outcome_moves_the_candidate(client, signed_in, make_candidate, stages):
    """Does recording Completed move the intern to Completed, with a stage change by HR?"""
    user = signed_in(Role.HR)
    candidate = make_candidate(stage="active_intern")
    record_outcome(client, new_placement(candidate), "completed")
    db.session.refresh(candidate)
    change = db.session.scalars(
        select(StageChange)
        .where(StageChange.candidate_id == candidate.id)
        .order_by(StageChange.id.desc())
    ).first()
    assert candidate.stage_id == stages["completed"].id
    assert (change.from_stage_id, change.to_stage_id, change.user_id) == (
        stages["active_intern"].id,
        stages["completed"].id,
        user.id,
    )


def test_accepted_offer_is_recorded_as_a_move(client, signed_in, make_candidate, stages):
    """Does an accepted offer move the candidate to Hired as any move is recorded: the flash
    says so, and their history shows the move, who made it and why?"""
    user = signed_in(Role.HR)
    candidate = make_candidate(first_name="Amara", last_name="Okafor", stage="completed")
    response = record_outcome(client, new_placement(candidate), "offer_accepted")
    assert "Amara Okafor moved to Hired." in client.get(response.location).text
    page = client.get(f"/candidates/{candidate.id}").text
    history = page[page.index("Stage history") :]
    assert "Completed → <strong>Hired</strong>" in history
    assert user.name in history
    assert "Placement outcome: offer accepted." in history


def test_unticked_move_leaves_the_stage(client, signed_in, make_candidate, stages):
    """With the move box unticked, does the outcome leave the candidate where they are?"""
    signed_in(Role.HR)
    candidate = make_candidate(stage="active_intern")
    record_outcome(client, new_placement(candidate), "completed", move=False)
    db.session.refresh(candidate)
    assert candidate.stage_id == stages["active_intern"].id


def test_hired_needs_a_title(client, signed_in, make_candidate):
    """Is a hire without the job title refused?"""
    signed_in(Role.HR)
    placement = new_placement(make_candidate(stage="completed"))
    response = record_outcome(client, placement, "hired")
    assert response.status_code == 400
    db.session.refresh(placement)
    assert placement.outcome is None


def test_hired_outcome_keeps_the_title(client, signed_in, make_candidate, stages):
    """Does a hire record the title and move the candidate to Hired?"""
    signed_in(Role.HR)
    candidate = make_candidate(stage="completed")
    placement = new_placement(candidate)
    record_outcome(client, placement, "hired", hired_title="Procurement Analyst I")
    db.session.refresh(placement)
    db.session.refresh(candidate)
    assert (placement.outcome, placement.hired_title) == (Outcome.HIRED, "Procurement Analyst I")
    assert candidate.stage_id == stages["hired"].id


def test_outcome_is_audited(client, signed_in, make_candidate):
    """Does recording an outcome leave an audit entry?"""
    signed_in(Role.HR)
    placement = new_placement(make_candidate(stage="active_intern"))
    record_outcome(client, placement, "not_converted")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "placement.outcome"))
    assert entry.one().detail["outcome"] == "not_converted"


def test_due_badge_within_fourteen_days(client, signed_in, make_candidate):
    """Is a mid-term evaluation due in ten days shown as due on the list?"""
    signed_in(Role.OUTREACH)
    due = date.today() + timedelta(days=10)
    new_placement(make_candidate(stage="active_intern"), midterm_due_on=due)
    page = client.get("/placements/").get_data(as_text=True)
    assert "Mid-term due" in page and "Mid-term overdue" not in page


def test_overdue_badge(client, signed_in, make_candidate):
    """Is a mid-term evaluation past its due date and not in shown as overdue?"""
    signed_in(Role.HR)
    new_placement(
        make_candidate(stage="active_intern"), midterm_due_on=date.today() - timedelta(days=3)
    )
    page = client.get("/placements/").get_data(as_text=True)
    assert "Mid-term overdue" in page


def test_no_badge_once_the_evaluation_is_in(client, signed_in, make_candidate):
    """Does an overdue mid-term lose its badge once the evaluation is in?"""
    signed_in(Role.HR)
    placement = new_placement(
        make_candidate(stage="active_intern"), midterm_due_on=date.today() - timedelta(days=3)
    )
    db.session.add(Evaluation(placement=placement, kind=EvaluationKind.SUPERVISOR_MIDTERM))
    db.session.commit()
    page = client.get("/placements/").get_data(as_text=True)
    assert "Mid-term overdue" not in page


def test_list_filters_past_by_agency(client, signed_in, make_candidate):
    """Does the past tab filtered by agency show only that agency's finished placements?"""
    signed_in(Role.HR)
    ended = {"starts_on": date(2025, 6, 1), "ends_on": date(2025, 8, 1)}
    new_placement(
        make_candidate(last_name="Treasury"), new_position(agency="State Treasury"), **ended
    )
    new_placement(make_candidate(last_name="Health"), new_position(agency="Health"), **ended)
    page = client.get("/placements/?when=past&agency=State+Treasury").get_data(as_text=True)
    assert "Ana Treasury" in page and "Ana Health" not in page


def test_placement_page_shows_the_outcome_offer(client, signed_in, make_candidate):
    """Does the placement page offer to move the candidate to Completed by default?"""
    signed_in(Role.HR)
    placement = new_placement(make_candidate(stage="active_intern"))
    page = client.get(f"/placements/{placement.id}").get_data(as_text=True)
    assert "Also move the candidate to Completed" in page and "checked" in page


def rated(placement, kind, key_ratings: dict, items) -> None:
    answers = [
        EvaluationAnswer(item_id=items[key].id, rating=rating)
        for key, rating in key_ratings.items()
    ]
    db.session.add(Evaluation(placement=placement, kind=kind, answers=answers))
    db.session.commit()


def test_term_averages_compare_midterm_and_final(client, signed_in, make_candidate):
    """Does the placements page for a term show each competency's mid-term and final
    averages, leaving out "Not observed"?"""
    signed_in(Role.HR)
    items = {item.key: item for item in standard_items()[ItemForm.SUPERVISOR]}
    position = new_position(term="Fall 2026")
    first = new_placement(make_candidate(stage="active_intern"), position)
    second = new_placement(make_candidate(stage="active_intern"), position)
    rated(first, EvaluationKind.SUPERVISOR_MIDTERM, {"teamwork": 3}, items)
    rated(second, EvaluationKind.SUPERVISOR_MIDTERM, {"teamwork": 4}, items)
    rated(first, EvaluationKind.SUPERVISOR_FINAL, {"teamwork": 5}, items)
    rated(second, EvaluationKind.SUPERVISOR_FINAL, {"teamwork": None}, items)
    averages = {row["competency"]: row for row in term_averages("Fall 2026")}
    assert averages["Teamwork"]["midterm"] == (3.5, 2)
    assert averages["Teamwork"]["final"] == (5.0, 1)
    page = client.get("/placements/?term=Fall+2026").get_data(as_text=True)
    assert "3.50" in page and "5.00" in page


def test_lists_cost_the_same_queries_for_more_rows(client, signed_in, make_candidate):
    """Do the positions and placements lists run as many queries for six rows as for one?"""
    signed_in(Role.HR)
    new_placement(make_candidate(stage="active_intern"))
    before = (queries_for(client, "/positions/"), queries_for(client, "/placements/"))
    for _ in range(5):
        new_placement(make_candidate(stage="active_intern"))
    after = (queries_for(client, "/positions/"), queries_for(client, "/placements/"))
    assert after == before
