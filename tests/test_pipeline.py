"""The pipeline owns a candidate's stage, stage history and search document: merging keeps
them true, and nothing outside recruit/pipeline/ writes them behind its back."""

import ast
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from recruit.auth.models import Role
from recruit.candidates.models import Candidate, Note, StageChange
from recruit.extensions import db
from recruit.pipeline.moves import move_candidate
from recruit.reports.funnel import funnel
from recruit.reports.periods import term_containing

ROOT = Path(__file__).resolve().parent.parent
PIPELINE = ROOT / "recruit" / "pipeline"


def listed(response) -> list[int]:
    """The candidate ids a list page shows, in the order shown."""
    assert response.status_code == 200, response.status_code
    return [int(i) for i in re.findall(r'<a href="/candidates/(\d+)">', response.text)]


def merge(client, keep: Candidate, duplicate: Candidate):
    """Merge a duplicate into the kept record through the merge page."""
    response = client.post(
        f"/candidates/{keep.id}/merge", data={"other_email": duplicate.email, "confirm": "y"}
    )
    assert response.status_code == 302, response.status_code
    db.session.expire_all()
    return response


# --- merging -------------------------------------------------------------------------------


def test_search_finds_the_merged_candidate_by_a_note_of_the_duplicate(
    client, signed_in, make_candidate
):
    """HR adds a note to B, merges B into A and searches a word of the note: is A found?"""
    signed_in(Role.HR)
    keep = make_candidate(first_name="Amara", last_name="Okafor", email="amara@csu.example")
    duplicate = make_candidate(
        first_name="Amara", last_name="Okafor", email="a.okafor@gmail.example"
    )
    client.post(f"/candidates/{duplicate.id}/notes", data={"body": "Speaks fluent Tagalog."})

    merge(client, keep, duplicate)

    assert listed(client.get("/candidates/?q=tagalog")) == [keep.id]


def test_merged_candidate_counts_once_in_the_funnel(
    client, signed_in, make_candidate, stages, clock
):
    """Two records of one person both entered Interested this term; after HR merges them,
    does the funnel count one person in Interested, not two?"""
    hr = signed_in(Role.HR)
    keep = make_candidate(email="amara@csu.example")
    clock.advance(days=2)
    duplicate = make_candidate(email="a.okafor@gmail.example")
    clock.advance(days=1)
    move_candidate(duplicate, stages["screening"], hr, duplicate.version)
    db.session.commit()

    merge(client, keep, duplicate)

    rows = {row.key: row.current for row in funnel(term_containing(clock.today()))}
    assert rows["interested"] == 1
    assert rows["screening"] == 1


def test_merge_rebuilds_the_history_fields_in_time_order(
    client, signed_in, make_candidate, stages, clock
):
    """After a merge, does each change record when the stay it ends began and when the
    person last entered its stage, across both records' changes in time order?"""
    hr = signed_in(Role.HR)
    keep = make_candidate(email="amara@csu.example")
    first_entry = clock.now
    clock.advance(days=2)
    duplicate = make_candidate(email="a.okafor@gmail.example")
    second_entry = clock.now
    clock.advance(days=1)
    move_candidate(duplicate, stages["screening"], hr, duplicate.version)
    db.session.commit()

    merge(client, keep, duplicate)

    history = db.session.scalars(
        select(StageChange)
        .where(StageChange.candidate_id == keep.id)
        .order_by(StageChange.created_at, StageChange.id)
    ).all()
    assert [(c.from_stage_entered_at, c.previous_entry_at) for c in history] == [
        (None, None),
        (None, first_entry),
        (second_entry, None),
    ]


def test_merge_keeps_the_notes_of_both_records(client, signed_in, make_candidate):
    """Are both records' notes on the merged candidate, and only there?"""
    signed_in(Role.HR)
    keep = make_candidate(email="amara@csu.example")
    duplicate = make_candidate(email="a.okafor@gmail.example")
    db.session.add_all(
        [Note(candidate_id=keep.id, body="Kept"), Note(candidate_id=duplicate.id, body="Moved")]
    )
    db.session.commit()

    merge(client, keep, duplicate)

    assert sorted(db.session.scalars(select(Note.body).where(Note.candidate_id == keep.id))) == [
        "Kept",
        "Moved",
    ]


# --- ownership -----------------------------------------------------------------------------

OWNED_MODELS = {"Candidate", "StageChange"}
OWNED_TABLES = {"candidates", "stage_changes", "candidate_search"}
# The search module's name for its table, as SQL built in an f-string spells it.
SEARCH_TABLE_NAMES = {"TABLE", "search.TABLE"}
SQL_WRITE = re.compile(r"\b(?:UPDATE|DELETE\s+FROM|INSERT\s+INTO)\s+\{?([\w.]+)\}?", re.IGNORECASE)


def _names_an_owned_model(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id in OWNED_MODELS:
            return True
        if isinstance(sub, ast.Attribute) and sub.attr in OWNED_MODELS:
            return True
        if isinstance(sub, ast.Constant) and sub.value in OWNED_TABLES:
            return True
    return False


def _writes_in_sql(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        sql = node.value
    elif isinstance(node, ast.JoinedStr):
        sql = "".join(
            part.value if isinstance(part, ast.Constant) else "{" + ast.unparse(part.value) + "}"
            for part in node.values
        )
    else:
        return False
    for table in SQL_WRITE.findall(sql):
        if table in OWNED_TABLES or table in SEARCH_TABLE_NAMES:
            return True
    return False


def pipeline_writes(source: str) -> list[int]:
    """The lines of Python source that update or delete candidates, stage changes or the
    search table (Core update()/delete(), .delete() or .update() on them, a session delete,
    a compare-and-set, or SQL text)."""
    lines = set()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            if name not in ("update", "delete", "compare_and_set"):
                continue
            target = node.args[0] if node.args else None
            # update(Candidate), delete(StageChange), compare_and_set(Candidate, ...), or
            # a method called on them: Candidate.__table__.delete(), query(...).update()
            receiver = func.value if isinstance(func, ast.Attribute) else None
            if (target is not None and _names_an_owned_model(target)) or (
                name != "compare_and_set"
                and receiver is not None
                and _names_an_owned_model(receiver)
            ):
                lines.add(node.lineno)
        elif _writes_in_sql(node):
            lines.add(node.lineno)
    return sorted(lines)


def test_only_the_pipeline_writes_stages_history_and_the_search_document():
    """Does no module outside recruit/pipeline/ update or delete candidates, stage changes
    or the search table?"""
    found = []
    for path in sorted((ROOT / "recruit").rglob("*.py")):
        if PIPELINE in path.parents:
            continue
        for line in pipeline_writes(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(ROOT)}:{line}")
    assert found == [], "write these through recruit.pipeline: " + ", ".join(found)


def test_the_pipeline_itself_is_seen_writing():
    """Does the check find the pipeline's own writes (so it is not blind)?"""
    moves = pipeline_writes((PIPELINE / "moves.py").read_text(encoding="utf-8"))
    index = pipeline_writes((PIPELINE / "search_index.py").read_text(encoding="utf-8"))
    assert moves and index


@pytest.mark.parametrize(
    "source",
    [
        "db.session.execute(update(Candidate).values(stage_id=1))",
        "db.session.execute(sa.delete(StageChange).where(StageChange.id == 1))",
        "db.session.execute(models.Candidate.__table__.delete())",
        "db.session.query(StageChange).filter_by(id=1).update({'comment': ''})",
        "db.session.delete(db.session.get(Candidate, 1))",
        "compare_and_set(Candidate, 1, 1, stage_id=2)",
        "db.session.execute(text(f'DELETE FROM {search.TABLE} WHERE rowid = 1'))",
        "db.session.execute(text(\"UPDATE stage_changes SET comment = ''\"))",
    ],
)
def test_the_ownership_check_sees_each_way_of_writing(source):
    """Does the check flag each way code could write those tables?"""
    assert pipeline_writes(source) == [1]


@pytest.mark.parametrize(
    "source",
    [
        "db.session.execute(update(Placement).where(Placement.candidate_id == Candidate.id))",
        "db.session.execute(delete(Note).where(Note.candidate_id == 1))",
        "session.update(signed_in_at=now)",
        "db.session.scalars(select(Candidate).where(Candidate.id == 1))",
    ],
)
def test_the_ownership_check_lets_other_writes_and_reads_pass(source):
    """Are writes to other tables, and reads of these, left alone?"""
    assert pipeline_writes(source) == []
