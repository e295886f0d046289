"""Bulk-seed a scratch Recruit database with a believable office at any size.

Rows go in with executemany inserts, a few thousand at a time, so 100,000 candidates
take seconds rather than the hours one request per row would. Proportions follow the
demo office (recruit/demo/): most candidates stop early in the pipeline, a third
came from an event, a few percent reach a placement, and placements carry evaluations.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import func, insert, select, text

from recruit.auth.models import Role
from recruit.auth.services import create_user
from recruit.candidates.models import (
    Candidate,
    CandidateEvent,
    CandidateInterest,
    ClassStanding,
    Interest,
    Note,
    Source,
    Stage,
    StageChange,
    Tag,
    Term,
    candidate_tags,
)
from recruit.database import utcnow
from recruit.events.models import Event, EventKind, EventStatus, FairVisit, FollowUp
from recruit.extensions import db
from recruit.interviews.models import (
    Interview,
    Interviewer,
    InterviewKind,
    InterviewState,
    Recommendation,
    Scorecard,
)
from recruit.pipeline import rules, search_index, summaries
from recruit.pipeline.history import derive
from recruit.pipeline.moves import CLOSE_REASONS
from recruit.pipeline.rules import StageKey
from recruit.pipeline.stages import create_standard_stages
from recruit.placements.models import (
    AnswerType,
    Evaluation,
    EvaluationAnswer,
    EvaluationKind,
    ItemForm,
    Outcome,
    Placement,
    Position,
    PositionStatus,
)
from recruit.placements.questionnaires import create_standard_evaluation_items
from recruit.universities.models import Partnership, University

ADMIN_EMAIL = "bench-admin@procurement.state.example"
ADMIN_PASSWORD = "bench-admin-password-1"  # noqa: S105  (a scratch database's only account)
BATCH = 5000

FIRST = ["Ana", "José", "Li", "Maya", "Omar", "Zoë", "Kwame", "Priya", "Sofia", "Noah", "Aiko"]
LAST = ["Ruiz", "Nguyễn", "O'Brien", "Haddad", "Kim", "Okafor", "Schmidt", "Patel", "Silva"]
MAJORS = ["Supply chain", "Business", "Public administration", "Law", "Economics", "Finance"]
AGENCIES = ["General Services", "Transportation", "Health", "Treasury", "Corrections", "IT"]
TAGS = ["bilingual", "veteran", "returning", "strong writer", "STEM", "data skills"]
# How far candidates get along the main path, and how many leave it for a closed stage.
MAIN_PATH = list(rules.MAIN_PATH)
DEPTH_WEIGHTS = [46, 18, 10, 4, 2, 3, 2, 2]
CLOSED_SHARE = 0.13
# The competencies a seeded scorecard rates.
SCORECARD_KEYS = ("communication", "critical_thinking", "professionalism", "market_research")
# The stages a stage-move run shuffles candidates between.
MOVES = (StageKey.INTERESTED, StageKey.SCREENING, StageKey.INTERVIEW)
# The stages whose candidates have a placement, with the evaluations it has had.
EVALUATIONS = {
    StageKey.ONBOARDING: [],
    StageKey.ACTIVE_INTERN: [EvaluationKind.SUPERVISOR_MIDTERM],
    StageKey.COMPLETED: list(EvaluationKind),
    StageKey.HIRED: list(EvaluationKind),
}
PLACED = set(EVALUATIONS)
ITEM_FORM = {
    EvaluationKind.SUPERVISOR_MIDTERM: ItemForm.SUPERVISOR,
    EvaluationKind.SUPERVISOR_FINAL: ItemForm.SUPERVISOR,
    EvaluationKind.INTERN_SELF: ItemForm.INTERN_SELF,
    EvaluationKind.INTERN_FEEDBACK: ItemForm.INTERN_FEEDBACK,
}


@dataclass
class Seeded:
    """How many rows of each kind went in, for the report and the tests."""

    candidates: int = 0
    stage_changes: int = 0
    events: int = 0
    leads: int = 0
    placements: int = 0
    evaluations: int = 0
    answers: int = 0
    notes: int = 0
    interviews: int = 0
    scorecards: int = 0
    indexed: int = 0


def seed(count: int, rng: random.Random) -> Seeded:
    """Fill an empty, migrated database with `count` candidates and everything around
    them, then rebuild the report summaries and the search index; the caller commits."""
    now = utcnow()
    today = now.date()
    seeded = Seeded()
    stages = create_standard_stages()
    items = create_standard_evaluation_items()
    admin = create_user("Bench Admin", ADMIN_EMAIL, Role.ADMIN, ADMIN_PASSWORD, by=None)
    universities = _universities(max(40, count // 1000))
    tags = [Tag(name=name) for name in TAGS]
    db.session.add_all(tags)
    db.session.flush()
    events = _events(rng, max(20, count // 250), universities, admin.id, today, seeded)
    positions = _positions(rng, max(6, count // 400), today)
    closed = [stages[key] for key in rules.CLOSED_STAGES]
    reasons = [key for key, _ in CLOSE_REASONS]
    attended = [e for e in events if e.starts_on <= today]
    placements: list[tuple[dict, str]] = []
    # (candidate id, when they reached Interview, whether they stand there still)
    interviewed: list[tuple[int, datetime, bool]] = []
    for start in range(0, count, BATCH):
        rows, history, interests, tagged, leads, notes = [], [], [], [], [], []
        for n in range(start, min(count, start + BATCH)):
            cid = n + 1
            depth = rng.choices(range(1, len(MAIN_PATH) + 1), weights=DEPTH_WEIGHTS)[0]
            created = now - timedelta(days=rng.randint(depth * 7, 420), minutes=rng.randint(0, 600))
            path = [stages[key] for key in MAIN_PATH[:depth]]
            if depth < 5 and rng.random() < CLOSED_SHARE:
                path.append(rng.choice(closed))
            event = rng.choice(attended) if attended and rng.random() < 0.35 else None
            moved = created
            previous = None
            changes = []
            for stage in path:
                changes.append(
                    {
                        "candidate_id": cid,
                        "from_stage_id": previous,
                        "to_stage_id": stage.id,
                        "user_id": admin.id if previous else None,
                        "reason": rng.choice(reasons) if stage in closed else None,
                        "comment": "",
                        "created_at": moved,
                    }
                )
                previous = stage.id
                moved += timedelta(days=rng.randint(2, 12))
            steps = [(c["from_stage_id"], c["to_stage_id"], c["created_at"]) for c in changes]
            for change, derived in zip(changes, derive(steps), strict=True):
                change.update(derived._asdict())
            history.extend(changes)
            entered = history[-1]["created_at"]
            interview_stage = stages[StageKey.INTERVIEW].id
            for change in changes:
                if change["to_stage_id"] == interview_stage:
                    interviewed.append((cid, change["created_at"], path[-1].id == interview_stage))
            rows.append(
                {
                    "id": cid,
                    "first_name": rng.choice(FIRST),
                    "last_name": rng.choice(LAST),
                    "email": f"student{n}@university.example",
                    "phone": f"555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
                    "university_id": rng.choice(universities).id,
                    "major": rng.choice(MAJORS),
                    "class_standing": rng.choice(list(ClassStanding)),
                    "grad_term": rng.choice(list(Term)),
                    "grad_year": rng.randint(today.year, today.year + 3),
                    "availability": "Summer",
                    "procurement_areas": [],
                    "source": Source.EVENT if event else Source.WEBSITE,
                    "source_event_id": event.id if event else None,
                    "consent_at": created,
                    "rating": rng.choice([None, None, 3, 4, 5]),
                    "stage_id": path[-1].id,
                    "stage_entered_at": entered,
                    "closed_reason": history[-1]["reason"],
                    "created_at": created,
                    "last_activity_at": entered,
                    "updated_at": entered,
                }
            )
            interests.append({"candidate_id": cid, "interest": rng.choice(list(Interest))})
            if rng.random() < 0.3:
                tagged.append({"candidate_id": cid, "tag_id": rng.choice(tags).id})
            if event is not None:
                leads.append(
                    {
                        "candidate_id": cid,
                        "event_id": event.id,
                        "via": "form",
                        "created_at": created,
                    }
                )
            if depth >= 2 and rng.random() < 0.4:
                notes.append(
                    {
                        "candidate_id": cid,
                        "user_id": admin.id,
                        "body": "Called; strong interest in contract work.",
                        "created_at": entered,
                    }
                )
            if path[-1].key in PLACED:
                placements.append(({"candidate_id": cid, "entered": entered}, path[-1].key))
        _bulk(Candidate, rows)
        _bulk(StageChange, history)
        _bulk(CandidateInterest, interests)
        if tagged:
            _bulk(candidate_tags, tagged)
        if leads:
            _bulk(CandidateEvent, leads)
        if notes:
            _bulk(Note, notes)
        seeded.candidates += len(rows)
        seeded.stage_changes += len(history)
        seeded.leads += len(leads)
        seeded.notes += len(notes)
    _placements(rng, placements, positions, items, admin.id, today, seeded)
    _interviews(rng, interviewed, positions, admin.id, now, seeded)
    summaries.rebuild(db.session.connection())
    seeded.indexed = search_index.rebuild(db.session.connection())
    _advance_sequences()
    return seeded


def _bulk(model, rows: list[dict]) -> None:
    """One executemany for a batch of rows; on PostgreSQL, one COPY."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        _copy(connection, getattr(model, "__table__", model), rows)
    else:
        db.session.execute(_insert(model), rows)


def _copy(connection, table, rows: list[dict]) -> None:
    """COPY rows into a table through psycopg, in the session's own transaction, each
    value converted as SQLAlchemy would bind it (an enum's value, a JSON list) and each
    column a row leaves out given its default, as an INSERT would."""
    given = set().union(*rows)
    columns = [
        column
        for column in table.columns
        if column.key in given
        or (column.default is not None and (column.default.is_scalar or column.default.is_callable))
    ]
    convert = [column.type._cached_bind_processor(connection.dialect) for column in columns]

    def default(column, row: dict):
        if column.default is None:
            return None
        if column.default.is_scalar:
            return column.default.arg
        # A default may read the row's other values (a name's key), as from an INSERT.
        return column.default.arg(SimpleNamespace(get_current_parameters=lambda: row))

    names = ", ".join(connection.dialect.identifier_preparer.quote(c.name) for c in columns)
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        for row in rows:
            values = []
            for column, process in zip(columns, convert, strict=True):
                value = row[column.key] if column.key in row else default(column, row)
                values.append(process(value) if process and value is not None else value)
            copy.write_row(values)


def _insert(model):
    # Without render_nulls the ORM splits a batch wherever a row has a None, which turns
    # one executemany into thousands of small ones.
    return insert(model).execution_options(render_nulls=True)


def _bulk_numbered(model, rows: list[dict]) -> list[int]:
    """Insert rows with ids numbered here, in order, and return those ids. An INSERT ...
    RETURNING in parameter order costs PostgreSQL small batches and SQLAlchemy a slow
    splice of their results; numbering the rows costs nothing on either database (the
    sequences catch up in _advance_sequences)."""
    first = (db.session.scalar(select(func.max(model.id))) or 0) + 1
    ids = list(range(first, first + len(rows)))
    for row_id, row in zip(ids, rows, strict=True):
        row["id"] = row_id
    _bulk(model, rows)
    return ids


def _advance_sequences() -> None:
    """On PostgreSQL, move each table's id sequence past the ids seeded by hand, so the
    app's own inserts (a student's form, a move's history) get fresh ones."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        column = table.c.get("id")
        if column is None or not column.primary_key or not column.autoincrement:
            continue
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"
            )
        )


def _universities(count: int) -> list[University]:
    universities = [
        University(
            name=f"State University {n}",
            college="College of Business" if n % 3 == 0 else "",
            city=f"Springfield {n}",
            state="CA",
            partnership=list(Partnership)[n % 3],
        )
        for n in range(count)
    ]
    db.session.add_all(universities)
    db.session.flush()
    return universities


def _events(rng, count, universities, admin_id, today, seeded) -> list[Event]:
    """Events over fourteen months, past ones attended with a visit and follow-ups."""
    events = []
    for n in range(count):
        starts = today + timedelta(days=rng.randint(-410, 90))
        if starts > today:
            status = rng.choice([EventStatus.PLANNED, EventStatus.REGISTERED])
        else:
            status = rng.choices(
                [EventStatus.ATTENDED, EventStatus.FOLLOWED_UP, EventStatus.CANCELLED],
                weights=[3, 6, 1],
            )[0]
        events.append(
            Event(
                name=f"Career fair {n}",
                slug=f"career-fair-{n}",
                kind=rng.choice(list(EventKind)),
                university_id=rng.choice(universities).id,
                starts_on=starts,
                status=status,
                cost_registration=Decimal(rng.randint(0, 400)),
                cost_travel=Decimal(rng.randint(0, 300)),
                status_changed_by_id=admin_id,
            )
        )
    db.session.add_all(events)
    db.session.flush()
    visits = [
        FairVisit(event_id=e.id, user_id=admin_id, students_talked_to=rng.randint(10, 120))
        for e in events
        if e.status in (EventStatus.ATTENDED, EventStatus.FOLLOWED_UP)
    ]
    db.session.add_all(visits)
    db.session.flush()
    if visits:
        _bulk(
            FollowUp,
            [
                {
                    "event_id": v.event_id,
                    "visit_id": v.id,
                    "description": "Send the career center our internship flyer",
                    "assignee_id": admin_id,
                    "due_on": today + timedelta(days=rng.randint(-30, 20)),
                    "done_at": None if rng.random() < 0.5 else utcnow(),
                }
                for v in visits
            ],
        )
    seeded.events = len(events)
    return [e for e in events if e.status != EventStatus.CANCELLED]


def _positions(rng, count, today) -> list[Position]:
    positions = [
        Position(
            title=f"Procurement intern {n}",
            agency=f"Department of {AGENCIES[n % len(AGENCIES)]}",
            term=f"{rng.choice(['Spring', 'Summer', 'Fall'])} {today.year}",
            openings=rng.randint(1, 4),
            hours_per_week=20,
            pay_hourly=Decimal("18.50"),
            status=rng.choice([PositionStatus.OPEN, PositionStatus.FILLED]),
        )
        for n in range(count)
    ]
    db.session.add_all(positions)
    db.session.flush()
    return positions


def _placements(rng, placed, positions, items, admin_id, today, seeded) -> None:
    """One placement per placed candidate, with the evaluations its stage implies."""
    outcome = {StageKey.COMPLETED: Outcome.COMPLETED, StageKey.HIRED: Outcome.HIRED}
    for start in range(0, len(placed), BATCH):
        chunk = placed[start : start + BATCH]
        rows = []
        for values, key in chunk:
            entered: datetime = values["entered"]
            starts: date = entered.date() - timedelta(days=70)
            rows.append(
                {
                    "candidate_id": values["candidate_id"],
                    "position_id": rng.choice(positions).id,
                    "supervisor_name": "Pat Lee",
                    "supervisor_email": "pat.lee@agency.state.example",
                    "starts_on": starts,
                    "ends_on": starts + timedelta(days=84),
                    "hours_per_week": 20,
                    "midterm_due_on": starts + timedelta(days=42),
                    "final_due_on": starts + timedelta(days=84),
                    "outcome": outcome.get(key),
                    "outcome_on": entered.date() if key in outcome else None,
                    "created_by_id": admin_id,
                    "created_at": entered,
                }
            )
        ids = _bulk_numbered(Placement, rows)
        evaluations = []
        for placement_id, (values, key) in zip(ids, chunk, strict=True):
            for kind in EVALUATIONS[key]:
                evaluations.append(
                    {
                        "placement_id": placement_id,
                        "kind": kind,
                        "submitted_by_name": "Pat Lee",
                        "strengths": "Careful with contract files.",
                        "recommend_full_time": rng.random() < 0.7,
                        "submitted_at": values["entered"],
                    }
                )
        seeded.placements += len(rows)
        if not evaluations:
            continue
        evaluation_ids = _bulk_numbered(Evaluation, evaluations)
        answers = []
        for evaluation_id, evaluation in zip(evaluation_ids, evaluations, strict=True):
            for item in items[ITEM_FORM[evaluation["kind"]]]:
                rating, value = None, ""
                if item.answer_type == AnswerType.RATING:
                    rating = rng.choice([None, 3, 4, 4, 5, 5])
                elif item.answer_type == AnswerType.PERCENT:
                    value = str(rng.randint(0, 40))
                elif item.answer_type == AnswerType.YES_NO:
                    value = rng.choice(["yes", "no"])
                else:
                    value = "Clear and helpful."
                answers.append(
                    {
                        "evaluation_id": evaluation_id,
                        "item_id": item.id,
                        "rating": rating,
                        "value": value,
                    }
                )
        _bulk(EvaluationAnswer, answers)
        seeded.evaluations += len(evaluations)
        seeded.answers += len(answers)


def _interviews(rng, interviewed, positions, admin_id, now, seeded) -> None:
    """One interview for each candidate who reached Interview: held the day they did, with
    the admin's scorecard, or, for those standing in Interview now, booked in the coming
    month; the admin and an agency supervisor sit on each panel."""
    kit = [(key, f"Tell us about {key.replace('_', ' ')}.") for key in SCORECARD_KEYS]
    for start in range(0, len(interviewed), BATCH):
        chunk = interviewed[start : start + BATCH]
        rows = []
        for cid, reached, waiting in chunk:
            when = now + timedelta(days=rng.randint(1, 30), hours=rng.randint(-4, 4))
            starts = when.replace(minute=0, second=0, microsecond=0) if waiting else reached
            rows.append(
                {
                    "candidate_id": cid,
                    "position_id": rng.choice(positions).id if rng.random() < 0.6 else None,
                    "kind": rng.choice(list(InterviewKind)),
                    "state": InterviewState.SCHEDULED,
                    "starts_at": starts,
                    "ends_at": starts + timedelta(minutes=30),
                    "duration_minutes": 30,
                    "location": "Room 210, Capitol Annex",
                    "video_url": "",
                    "note_for_candidate": "",
                    "uid": f"bench-interview-{cid}@recruit.bench",
                    "sequence": 0,
                    "token_hash": f"{cid:064x}",
                    "link_nonce": f"{cid:032x}",
                    "cancelled_by_candidate": False,
                    "created_by_id": admin_id,
                    "created_at": reached,
                    "updated_at": reached,
                }
            )
        ids = _bulk_numbered(Interview, rows)
        panel = []
        for interview_id in ids:
            panel.append(
                {
                    "interview_id": interview_id,
                    "user_id": admin_id,
                    "name": "Bench Admin",
                    "email": ADMIN_EMAIL,
                    "link_nonce": "",
                }
            )
            panel.append(
                {
                    "interview_id": interview_id,
                    "user_id": None,
                    "name": "Pat Lee",
                    "email": "pat.lee@agency.state.example",
                    "link_nonce": f"{interview_id:032x}",
                    "token_hash": f"{interview_id:064x}",
                }
            )
        panel_ids = _bulk_numbered(Interviewer, panel)
        cards = [
            {
                "interviewer_id": interviewer_id,
                "ratings": [
                    {
                        "competency": key,
                        "question": text,
                        "rating": rng.randint(1, 4),
                        "evidence": "Gave a clear example.",
                    }
                    for key, text in kit
                ],
                "recommendation": rng.choice(list(Recommendation)),
                "summary": "",
                "submitted_at": row["starts_at"] + timedelta(hours=1),
            }
            for interviewer_id, row in zip(panel_ids[::2], rows, strict=True)
            if row["starts_at"] < now
        ]
        if cards:
            _bulk(Scorecard, cards)
        seeded.interviews += len(rows)
        seeded.scorecards += len(cards)


def movable_candidates(limit: int) -> list[tuple[int, int, int]]:
    """Candidates in the first three stages as (id, stage id, version), for stage moves."""
    early = [stage.id for stage in db.session.scalars(select(Stage).where(Stage.key.in_(MOVES)))]
    query = (
        select(Candidate.id, Candidate.stage_id, Candidate.version)
        .where(Candidate.stage_id.in_(early))
        .order_by(Candidate.id)
        .limit(limit)
    )
    return [tuple(row) for row in db.session.execute(query)]
