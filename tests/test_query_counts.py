"""Pages that show candidates cost the same number of SQL queries however many there are."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import insert

from recruit.auth.models import Role
from recruit.candidates import services
from recruit.candidates.models import (
    Candidate,
    CandidateInterest,
    Interest,
    Note,
    Stage,
    StageChange,
    Tag,
    candidate_tags,
)
from recruit.database import utcnow
from recruit.extensions import db
from recruit.interviews.models import Interview, InterviewKind, InterviewState
from recruit.pipeline import search_index
from recruit.pipeline.moves import move_candidate
from recruit.placements.models import Evaluation, EvaluationKind, Outcome
from tests.placement_factories import new_placement, new_position
from tests.query_counting import counting_queries, queries_for, recording_statements

INTERESTS = list(Interest)


@pytest.fixture
def add_candidates(app, stages, make_university):
    """Return a callable that bulk-inserts candidates spread over every stage, each with a
    university, tags, interests, an entry in the history and a note, then reindexes them."""
    universities = [make_university() for _ in range(3)]
    tags = [Tag(name=name) for name in ("bilingual", "veteran", "returning")]
    db.session.add_all(tags)
    db.session.commit()
    university_ids = [u.id for u in universities]
    tag_ids = [t.id for t in tags]
    stage_ids = [s.id for s in stages.values()]
    made = [0]

    def add(n: int) -> list[int]:
        now = utcnow()
        start = made[0]
        rows = [
            {
                "first_name": f"Student{start + i}",
                # One in five shares a surname, so a search finds some at every size.
                "last_name": "Fernandez" if (start + i) % 5 == 0 else f"Family{start + i}",
                "email": f"bulk{start + i}@university.example",
                "university_id": university_ids[i % len(university_ids)],
                "major": "Public administration",
                "rating": i % 5 + 1,
                "stage_id": stage_ids[i % len(stage_ids)],
                "stage_entered_at": now - timedelta(hours=start + i),
                "created_at": now - timedelta(hours=start + i),
            }
            for i in range(n)
        ]
        ids = db.session.scalars(insert(Candidate).returning(Candidate.id), rows).all()
        by_id = dict(zip(ids, rows, strict=True))
        db.session.execute(
            insert(candidate_tags),
            [
                {"candidate_id": cid, "tag_id": tag_id}
                for k, cid in enumerate(ids)
                for tag_id in tag_ids[: k % 3 + 1]
            ],
        )
        db.session.execute(
            insert(CandidateInterest),
            [
                {"candidate_id": cid, "interest": interest}
                for k, cid in enumerate(ids)
                for interest in INTERESTS[: k % 2 + 1]
            ],
        )
        db.session.execute(
            insert(StageChange),
            [
                {
                    "candidate_id": cid,
                    "to_stage_id": by_id[cid]["stage_id"],
                    "created_at": by_id[cid]["stage_entered_at"],
                }
                for cid in ids
            ],
        )
        db.session.execute(
            insert(Note), [{"candidate_id": cid, "body": "Met at the fall fair"} for cid in ids]
        )
        # Bulk inserts skip the session hooks that keep the search index in step.
        search_index.rebuild(db.session.connection())
        db.session.commit()
        made[0] += n
        return list(ids)

    return add


@pytest.mark.parametrize(
    "url",
    [
        "/candidates/board",
        "/candidates/board?q=fernandez",
        "/candidates/",
        "/candidates/?q=fernandez",
        "/candidates/?q=fernandez&sort=name&status=all",
        "/candidates/?status=all&sort=university&tag=veteran",
        "/candidates/export.csv",
    ],
)
def test_candidate_pages_cost_the_same_with_500(
    client, signed_in, add_candidates, record_property, url
):
    """Does the page send as many queries with 500 candidates as with 10?"""
    signed_in(Role.HR)
    add_candidates(10)
    with_10 = queries_for(client, url)
    add_candidates(490)
    with_500 = queries_for(client, url)
    record_property("queries", f"{with_10} with 10, {with_500} with 500")
    assert with_10 == with_500, f"{url}: {with_10} queries with 10, {with_500} with 500"


def test_candidate_page_costs_the_same_with_500(client, signed_in, add_candidates, record_property):
    """Does a candidate's page send as many queries with 500 candidates as with 10?"""
    signed_in(Role.HR)
    candidate_id = add_candidates(10)[0]
    with_10 = queries_for(client, f"/candidates/{candidate_id}")
    add_candidates(490)
    with_500 = queries_for(client, f"/candidates/{candidate_id}")
    record_property("queries", f"{with_10} with 10, {with_500} with 500")
    assert with_10 == with_500


def test_candidate_page_costs_the_same_with_a_long_history(
    client, signed_in, make_user, add_candidates, stages, record_property
):
    """Does a candidate with 30 notes and 30 moves by several staff cost what one with a
    single entry does?"""
    signed_in(Role.HR)
    target_ids = [stages["interview"].id, stages["offer"].id]
    short_id, long_id = add_candidates(2)
    short = queries_for(client, f"/candidates/{short_id}")
    movers = [make_user(Role.HR) for _ in range(3)]
    candidate = db.session.get(Candidate, long_id)
    targets = [db.session.get(Stage, stage_id) for stage_id in target_ids]
    for n in range(30):
        move_candidate(candidate, targets[n % 2], movers[n % 3], None)
        services.add_note(candidate, f"Follow-up {n}", movers[n % 3])
    db.session.commit()
    long = queries_for(client, f"/candidates/{long_id}")
    record_property("queries", f"{short} with one entry, {long} with 60")
    assert short == long


def test_candidate_page_reads_its_lists_with_the_record(client, signed_in, add_candidates):
    """Does the candidate's page read the tags, interests, other addresses, resumes, notes,
    events, chosen openings, placements with their evaluations, what the student did on
    their own page, how many updates wait for HR and the likely duplicates in the
    statement that reads the candidate, not in one round trip each (and read no updates
    when none wait)?"""
    signed_in(Role.HR)
    candidate_id = add_candidates(1)[0]
    client.get(f"/candidates/{candidate_id}")  # fills the worker's copies
    db.session.remove()
    with counting_queries() as statements:
        assert client.get(f"/candidates/{candidate_id}").status_code == 200
    lists = ("candidate_tags", "candidate_interests", "candidate_emails", "attachments")
    lists += ("notes", "candidate_events", "candidate_openings", "audit_entries")
    lists += ("proposed_updates", "placements", "evaluations")

    def reads(statement: str, table: str) -> bool:
        return re.search(rf"\b(FROM|JOIN) {table}\b", statement) is not None

    [record] = [s for s in statements if reads(s, "stage_changes")]
    assert [t for t in lists if not reads(record, t)] == []
    assert "same_person" in record  # the likely duplicates
    others = [s for s in statements if s is not record]
    assert [t for s in others for t in (*lists, "candidates") if reads(s, t)] == []


def test_candidate_page_reads_placements_with_the_record_and_interviews_when_there_are_some(
    client, signed_in, add_candidates
):
    """Does the candidate's page read the placements with the record, newest start first
    with their outcome and the evaluations in, and ask for interviews only when the record
    says there are some (most candidates have none)?"""
    signed_in(Role.HR)
    candidate_id = add_candidates(1)[0]
    url = f"/candidates/{candidate_id}"

    def loads() -> tuple[list[str], str]:
        db.session.remove()
        with counting_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200
        read = [re.match(r"\s*SELECT (\w+)\.id,", s) for s in statements]
        tables = [m.group(1) for m in read if m]
        return [t for t in tables if t in ("placements", "interviews")], response.text

    client.get(url)  # fills the worker's copies
    none, page = loads()
    assert none == []
    assert "No interviews yet." in page

    candidate = db.session.get(Candidate, candidate_id)
    today = utcnow().date()
    # The later start is placed first, so the page cannot list them by when they were made.
    new_placement(candidate, new_position(title="Sourcing intern", agency="Parks Agency"))
    earlier = new_placement(
        candidate,
        new_position(title="Contracts intern"),
        starts_on=today - timedelta(days=200),
        ends_on=today - timedelta(days=100),
        outcome=Outcome.COMPLETED,
    )
    # In the order requested: neither the kinds' own order nor their names'.
    db.session.add_all(
        Evaluation(placement=earlier, kind=kind)
        for kind in (
            EvaluationKind.SUPERVISOR_FINAL,
            EvaluationKind.INTERN_FEEDBACK,
            EvaluationKind.SUPERVISOR_MIDTERM,
        )
    )
    db.session.add(
        Interview(
            candidate_id=candidate_id,
            kind=InterviewKind.PANEL,
            state=InterviewState.SCHEDULED,
            starts_at=utcnow() + timedelta(days=2),
            ends_at=utcnow() + timedelta(days=2, minutes=45),
            duration_minutes=45,
            uid="page-reads@recruit.test",
            token_hash="0" * 64,
            link_nonce="1" * 32,
        )
    )
    db.session.commit()
    both, page = loads()
    assert both == ["interviews"]
    assert "Panel interview" in page
    placements = page[page.index('id="placements-heading"') :]
    assert placements.index("Sourcing intern, Parks Agency") < placements.index(
        "Contracts intern, Department of General Services"
    )
    assert placements.count(", Completed)</span>") == 1
    assert placements.count("Evaluations in:") == 1
    assert "Evaluations in: Supervisor final, Intern feedback, Supervisor midterm" in placements


def test_bulk_export_costs_the_same_for_50_as_for_5(client, signed_in, add_candidates):
    """Does exporting 50 ticked candidates send as many queries as exporting 5?"""
    signed_in(Role.HR)
    ids = add_candidates(50)

    def export(chosen: list[int]) -> int:
        db.session.remove()
        with counting_queries() as statements:
            response = client.post("/candidates/bulk", data={"ids": chosen, "action": "export"})
        assert response.mimetype == "text/csv"
        db.session.remove()
        return len(statements)

    export(ids[:1])  # the first request fills the worker's copies of settings and stages
    assert export(ids[:5]) == export(ids)


def query_plan(statement: str, parameters) -> str:
    """How the database means to run a statement, as one line of text."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        return " ".join(str(row[-1]) for row in plan)
    # A tiny table is cheaper to scan than to look up in: forbid scans to see the index the
    # planner can use, as it would choose with many rows.
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    plan = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
    return " ".join(row[0] for row in plan)


def test_search_with_a_filter_walks_the_full_text_index_once(client, signed_in, add_candidates):
    """On SQLite, does a search narrowed to one university walk the full-text index's
    matches, never ask it once for each candidate of that university (a whole search each
    time, seconds at 100,000 candidates)?"""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL joins its search table like any other")
    signed_in(Role.HR)
    ids = add_candidates(50)
    university_id = db.session.get(Candidate, ids[0]).university_id
    db.session.remove()
    with recording_statements() as sent:
        response = client.get(f"/candidates/?q=fernandez&university={university_id}")
    assert response.status_code == 200
    plans = [
        query_plan(statement, parameters) for statement, parameters in sent if "MATCH" in statement
    ]
    assert len(plans) == 1, plans  # the count, with the page ranked in it
    # FTS5 names its plan "M" for a full-text match, "=" for a lookup by rowid.
    lookups = [plan for plan in plans if re.search(r"VIRTUAL TABLE INDEX \d+:\S*=", plan)]
    assert lookups == []
    db.session.rollback()


def test_duplicate_check_reads_only_the_same_name_through_its_index(
    app, add_candidates, make_candidate
):
    """Does the check for a likely duplicate (adding by hand, previewing an import) send as
    many queries with 500 candidates as with 10, look the name up through its index, and
    read only the candidates with that name?"""
    ids = add_candidates(10)
    university_id = db.session.get(Candidate, ids[0]).university_id
    known_id = make_candidate(
        first_name="Björn", last_name="Van der Berg", university_id=university_id
    ).id

    def check() -> list[tuple[str, object]]:
        db.session.remove()
        with recording_statements() as sent:
            found = services.likely_duplicates(
                "bjorn@u.example", "Bjorn", "Vanderberg", university_id
            )
        assert [candidate.id for candidate in found] == [known_id]
        return sent

    with_10 = check()
    add_candidates(490)
    with_500 = check()

    assert len(with_10) == len(with_500)
    lookups = [
        (statement, parameters) for statement, parameters in with_500 if "same_person" in statement
    ]
    assert len(lookups) == 1, [statement for statement, _ in with_500]
    statement, parameters = lookups[0]
    rows = db.session.connection().exec_driver_sql(statement, parameters).all()
    assert [row[0] for row in rows] == [known_id]
    assert "ix_candidates_name_key_university" in query_plan(statement, parameters)
    db.session.rollback()


def test_a_move_reads_the_earlier_arrival_from_the_candidates_own_history(
    app, stages, make_candidate
):
    """Does a move look up the candidate's earlier arrival in the stage through that
    candidate's history, never through every arrival in the stage?"""
    candidate = make_candidate()
    db.session.commit()
    with recording_statements() as sent:
        move_candidate(candidate, stages["screening"], None, None)
    lookups = [
        (statement, parameters)
        for statement, parameters in sent
        if statement.startswith("SELECT max(stage_changes.created_at)")
    ]
    assert len(lookups) == 1, [statement for statement, _ in sent]
    plan = query_plan(*lookups[0])
    assert "ix_stage_changes_candidate_history" in plan, plan
    assert "ix_stage_changes_stage_arrivals" not in plan, plan
    db.session.rollback()
