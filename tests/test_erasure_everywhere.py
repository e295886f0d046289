"""An erased student leaves no trace: not in any table, not in the export without personal
data, not in the audit log, and not in the working views."""

import csv
import io
import zipfile
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import JSON, column, func, inspect, select, table, text

from recruit.audit.models import AuditEntry
from recruit.audit.services import keyed_hash
from recruit.auth.models import Role
from recruit.candidates.models import Candidate, CandidateEvent
from recruit.candidates.services import add_note
from recruit.database import utcnow
from recruit.events.models import EventStatus
from recruit.extensions import db
from recruit.interviews import services as interviews
from recruit.interviews.models import InterviewKind
from recruit.messages import services as messages
from recruit.messages.models import DeliveryState, OutboxMessage
from recruit.pipeline.merge import merge_candidates
from recruit.pipeline.moves import move_candidate
from recruit.placements.evaluation_links import issue_request
from recruit.placements.models import EvaluationKind, EvaluationRequest
from recruit.privacy import services as privacy
from recruit.timezones import local_today
from recruit.universities.queries import follow_up_counts
from tests import test_migrations
from tests.placement_factories import new_link, new_placement

# The migration tests' databases (SQLite, and PostgreSQL when in use), for 0016's test.
empty_database = test_migrations.empty_database
migration_app = test_migrations.migration_app
flask_db = test_migrations.flask_db

FIRST, LAST = "Zebulon", "Quixtaff"
EMAIL, OLD_EMAIL, PHONE = "zq.planted@u.example", "zq.second@u.example", "555-0199-7731"
# What must not be found anywhere once the student is erased (compared in lower case).
NEEDLES = ("zebulon", "quixtaff", "zq.planted", "zq.second", "0199-7731")


@pytest.fixture
def planted(app, client, signed_in, make_candidate, stages):
    """A student, with a distinctive name, email and phone, in everything they touch: a
    merged duplicate, a note, a stage comment, a message, evaluation links, an interview,
    a searched export and an audit entry's reason."""
    admin = signed_in(Role.ADMIN)
    student = make_candidate(
        first_name=FIRST, last_name=LAST, email=EMAIL, phone=PHONE, consent_at=utcnow()
    )
    duplicate = make_candidate(
        first_name=FIRST, last_name=LAST, email=OLD_EMAIL, phone=PHONE, consent_at=utcnow()
    )
    messages.compose(duplicate, f"Hi {FIRST}", "Before the merge.", admin)
    merge_candidates(student, duplicate, admin)
    add_note(student, f"{FIRST} {LAST} called from {PHONE}", admin)
    move_candidate(student, stages["screening"], admin, None, comment=f"{FIRST} looks good")
    messages.compose(student, f"Hello {FIRST} {LAST}", f"Dear {FIRST}, see you soon.", admin)
    placement = new_placement(student)
    issue_request(placement, EvaluationKind.INTERN_SELF, student.full_name, student.email, admin)
    new_link(placement, admin)
    starts = datetime.combine(utcnow().date() + timedelta(days=7), time(15, 0))
    plan = interviews.Plan(
        kind=InterviewKind.PHONE_SCREEN,
        starts=[starts],
        note_for_candidate=f"{FIRST}, we will call {PHONE}",
        staff=[admin],
    )
    interviews.schedule(student, plan, admin)
    db.session.commit()
    assert client.get(f"/candidates/export.csv?q={LAST}").status_code == 200
    return student


def _found(text: str) -> list[str]:
    text = text.lower()
    return [needle for needle in NEEDLES if needle in text]


def _every_table_holding_a_needle() -> dict[str, list[str]]:
    """Read every column of every table the database has, listed by the database itself
    (so the search index's own tables too), and name where a planted string is held."""
    connection = db.session.connection()
    found = {}
    for name in inspect(connection).get_table_names():
        result = connection.execute(text(f'SELECT * FROM "{name}"'))  # noqa: S608 (its own names)
        columns = list(result.keys())
        for row in result:
            for column_name, value in zip(columns, row, strict=True):
                if value is None:
                    continue
                if isinstance(value, bytes | memoryview):
                    value = bytes(value).decode("latin-1")
                if hits := _found(str(value)):
                    found.setdefault(f"{name}.{column_name}", []).extend(hits)
    return found


def _erase(client, candidate: Candidate, why: str = "the student asked") -> None:
    response = client.post(
        f"/privacy/candidates/{candidate.id}/erase",
        data={"erase-why": why, "erase-confirm": "ERASE"},
    )
    assert response.status_code == 302


def test_planted_details_are_really_everywhere_before_erasure(planted):
    """Does the scenario put the student's details in the outbox, links, interview and
    search index?"""
    found = _every_table_holding_a_needle()
    for place in (
        "outbox_messages.subject",
        "outbox_messages.to",
        "evaluation_requests.recipient_email",
        "interviews.note_for_candidate",
        "candidate_search.name",
    ):
        assert place in found


def test_erasure_leaves_the_student_in_no_table(client, planted):
    """After erasure, is the planted name, email or phone in no column of any table?"""
    _erase(client, planted, why=f"{FIRST} {LAST} wrote from {EMAIL}")
    found = _every_table_holding_a_needle()
    assert found == {}, sorted(found)


def test_erasure_keeps_the_outbox_rows_and_their_states(client, planted):
    """Are the student's outbox rows kept (for counts), a sent one still sent, after
    erasure?"""
    sent = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to == EMAIL).limit(1))
    sent.state, sent.sent_at = DeliveryState.SENT, utcnow()
    db.session.commit()
    before = set(db.session.scalars(select(OutboxMessage.id)))
    _erase(client, planted)
    db.session.expire_all()
    assert before <= set(db.session.scalars(select(OutboxMessage.id)))
    assert db.session.get(OutboxMessage, sent.id).state == DeliveryState.SENT


def test_outbox_page_shows_nothing_of_an_erased_student(client, planted):
    """Does /outbox/ show no address, name or body of an erased student?"""
    _erase(client, planted)
    page = client.get("/outbox/").get_data(as_text=True)
    assert _found(page) == []
    assert "(erased)" in page


def test_placement_page_shows_no_name_on_evaluation_links(client, planted):
    """Does the placement page's list of links name no erased intern?"""
    placement_id = db.session.scalar(select(EvaluationRequest.placement_id))
    _erase(client, planted)
    page = client.get(f"/placements/{placement_id}").get_data(as_text=True)
    assert _found(page) == []


def test_merge_entry_holds_ids_and_a_keyed_hash_not_personal_fields(planted):
    """Does a new merge entry name the records by id, with a keyed hash of the email?"""
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "candidate.merge"))
    assert entry.target_id == planted.id and isinstance(entry.detail["removed_id"], int)
    assert _found(str(entry.detail)) == []
    assert entry.detail["removed_email_hash"] != OLD_EMAIL
    assert len(entry.detail["removed_email_hash"]) == 32


def test_audit_log_reads_merge_by_record_numbers(client, planted):
    """Does the audit log say which record was merged into which, by number?"""
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "candidate.merge"))
    page = client.get("/admin/audit/").get_data(as_text=True)
    assert f"Merged candidate #{entry.detail['removed_id']} into #{planted.id}" in page


def test_erasure_scrubs_an_old_merge_entry_holding_a_copy(client, planted):
    """Is an old merge entry's copy of the duplicate's name, email and phone removed by
    erasure, keeping the record numbers?"""
    old = AuditEntry(
        action="candidate.merge",
        target_type="Candidate",
        target_id=planted.id,
        detail={
            "removed_id": 999,
            "removed": {"first_name": FIRST, "email": OLD_EMAIL, "phone": PHONE},
            "proposals_moved": 0,
        },
    )
    db.session.add(old)
    db.session.commit()
    _erase(client, planted)
    db.session.expire_all()
    entry = db.session.get(AuditEntry, old.id)
    assert _found(str(entry.detail)) == [] and entry.detail["removed_id"] == 999


def _tables(response) -> dict[str, list[dict]]:
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    return {
        name.removesuffix(".csv"): list(csv.DictReader(io.StringIO(archive.read(name).decode())))
        for name in archive.namelist()
    }


def test_export_without_personal_data_holds_none_in_any_column(client, planted):
    """Does the export without personal fields hold the planted name, email or phone in
    no column of any table?"""
    old = AuditEntry(
        action="candidate.merge",
        target_type="Candidate",
        target_id=planted.id,
        detail={"removed_id": 999, "removed": {"first_name": FIRST, "email": OLD_EMAIL}},
    )
    db.session.add(old)
    db.session.commit()
    tables = _tables(client.post("/admin/export", data={}))
    found = {
        f"{name}.{column}": hits
        for name, rows in tables.items()
        for row in rows
        for column, value in row.items()
        if (hits := _found(value or ""))
    }
    assert found == {}
    assert tables["outbox_messages"] and tables["audit_entries"]


# --- working views -------------------------------------------------------------------


def _erased(client, make_candidate, **fields) -> Candidate:
    student = make_candidate(first_name=FIRST, last_name=LAST, **fields)
    _erase(client, student)
    db.session.expire_all()
    return db.session.get(Candidate, student.id)


def test_erased_student_is_not_on_the_list_or_board(client, signed_in, make_candidate):
    """Is an erased student left off the candidate list (any status), board and search?"""
    signed_in(Role.ADMIN)
    erased = _erased(client, make_candidate)
    kept = make_candidate(first_name="Kept")
    mark = f'/candidates/{erased.id}"'
    lists = ("/candidates/", "/candidates/?status=all", "/candidates/board")
    for url in (*lists, "/candidates/?q=Erased"):
        page = client.get(url).get_data(as_text=True)
        assert mark not in page, url
    assert f'/candidates/{kept.id}"' in client.get("/candidates/").get_data(as_text=True)


def test_erased_student_is_not_among_an_events_leads(client, signed_in, make_candidate, make_event):
    """Is an erased student left off the leads of the event they came from?"""
    signed_in(Role.ADMIN)
    event = make_event()
    student = make_candidate()
    db.session.add(CandidateEvent(candidate_id=student.id, event_id=event.id, via="form"))
    db.session.commit()
    _erase(client, student)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert f'/candidates/{student.id}"' not in page


def test_erased_student_is_no_follow_up_to_call(client, signed_in, make_candidate, make_event):
    """Is an erased lead of an attended fair left off the follow-ups due, and the count?"""
    me = signed_in(Role.ADMIN)
    fair = make_event(
        starts_on=utcnow().date() - timedelta(days=5), status=EventStatus.ATTENDED, staff=[me]
    )
    erased, waiting = make_candidate(), make_candidate(first_name="Waiting")
    for student in (erased, waiting):
        db.session.add(CandidateEvent(candidate_id=student.id, event_id=fair.id, via="form"))
    db.session.commit()
    _erase(client, erased)
    page = client.get("/follow-ups").get_data(as_text=True)
    assert f'/candidates/{waiting.id}"' in page
    assert f'/candidates/{erased.id}"' not in page
    assert follow_up_counts(me.id, local_today())["leads"] == 1


def test_erased_student_cannot_be_edited_moved_or_merged(client, signed_in, make_candidate, stages):
    """Are edit, move, note and merge refused for an erased student, saying why, and is an
    erased record never folded into another?"""
    signed_in(Role.ADMIN)
    erased = _erased(client, make_candidate)
    other = make_candidate()
    detail = f"/candidates/{erased.id}"
    refusals = [
        client.get(f"{detail}/edit"),
        client.post(f"{detail}/edit", data={"first_name": "New", "last_name": "Name"}),
        client.post(
            f"{detail}/move", data={"to_stage": stages["screening"].id, "version": erased.version}
        ),
        client.post(f"{detail}/notes", data={"body": "a note"}),
        client.get(f"{detail}/merge"),
    ]
    for response in refusals:
        assert response.status_code == 303 and response.location.endswith(detail)
    assert "record was erased" in client.get(detail).get_data(as_text=True)
    into_other = client.post(
        f"/candidates/{other.id}/merge", data={"other_email": erased.email, "confirm": "y"}
    )
    assert into_other.status_code == 200
    db.session.expire_all()
    kept = db.session.get(Candidate, erased.id)
    assert kept is not None and kept.stage_id == stages["interested"].id
    assert kept.first_name == privacy.ERASED and kept.notes == []


def test_erased_student_page_says_so_and_offers_no_edit(client, signed_in, make_candidate):
    """Does an erased student's own page say the record is erased, with no Edit or Merge?"""
    signed_in(Role.ADMIN)
    erased = _erased(client, make_candidate)
    page = client.get(f"/candidates/{erased.id}").get_data(as_text=True)
    assert "erased" in page.lower()
    assert f"/candidates/{erased.id}/edit" not in page
    assert f"/candidates/{erased.id}/merge" not in page


def test_erased_student_still_counts_in_reports(client, signed_in, make_candidate):
    """Does the funnel count an erased student as it did before?"""
    signed_in(Role.ADMIN)
    student = make_candidate()
    make_candidate()
    before = client.get("/reports/").get_data(as_text=True)
    privacy.erase(student, None, why="test")
    db.session.commit()
    assert client.get("/reports/").get_data(as_text=True) == before


def test_erasure_withdraws_the_supervisors_link_naming_the_student(client, planted):
    """Is a supervisor's evaluation link for an erased intern revoked, and its queued
    message withdrawn and blank, with the supervisor's address kept?"""
    supervisor = db.session.scalar(
        select(EvaluationRequest).where(EvaluationRequest.kind == EvaluationKind.SUPERVISOR_MIDTERM)
    )
    _erase(client, planted)
    db.session.expire_all()
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.link_ref == supervisor.id)
    )
    assert db.session.get(EvaluationRequest, supervisor.id).revoked_at is not None
    assert message.state == DeliveryState.CANCELLED and message.body == ""
    assert message.to == "renee.caldwell@dgs.state.example"


def test_upgrade_to_0016_removes_copies_from_old_audit_entries(migration_app):
    """Does the upgrade turn an old merge entry's profile copy into a keyed hash, and
    drop an interviewer's name and a searched export's words?"""
    flask_db(migration_app, "upgrade", "0015")
    old = [
        ("candidate.merge", {"removed_id": 9, "removed": {"first_name": FIRST, "email": EMAIL}}),
        ("scorecard.submit", {"interviewer": 3, "interviewer_name": f"{FIRST} {LAST}"}),
        ("candidate.export", {"count": 1, "filters": {"q": LAST, "rating": 5}}),
    ]
    entries = table("audit_entries", column("action"), column("detail", JSON), column("created_at"))
    with db.engine.begin() as connection:
        for action, detail in old:
            connection.execute(
                entries.insert().values(action=action, detail=detail, created_at=utcnow())
            )
    flask_db(migration_app, "upgrade")
    details = dict(db.session.execute(select(entries.c.action, entries.c.detail)).all())
    assert _found(str(details)) == []
    assert details["candidate.merge"] == {"removed_id": 9, "removed_email_hash": keyed_hash(EMAIL)}
    assert details["scorecard.submit"] == {"interviewer": 3}
    assert details["candidate.export"]["filters"] == {"q": keyed_hash(LAST), "rating": 5}


def test_a_supervisors_blanked_message_is_not_sent_again(client, planted):
    """Is the blanked message that carried a supervisor's link refused a resend, and
    offered none?"""
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.to == "renee.caldwell@dgs.state.example")
    )
    message.state, message.sent_at = DeliveryState.SENT, utcnow()
    db.session.commit()
    _erase(client, planted)
    page = client.get("/outbox/").get_data(as_text=True)
    assert f"/outbox/{message.id}/resend" not in page
    client.post(f"/outbox/{message.id}/resend")
    count = db.session.scalar(
        select(func.count()).where(OutboxMessage.to == "renee.caldwell@dgs.state.example")
    )
    assert count == 1


def test_erased_student_cannot_be_placed_or_scheduled(client, signed_in, make_candidate, stages):
    """Are placing an erased student in a position, and scheduling their interview, refused?"""
    signed_in(Role.ADMIN)
    erased = _erased(client, make_candidate, stage=stages["offer"])
    placing = client.get(f"/placements/new?candidate_id={erased.id}")
    assert placing.status_code == 302
    assert placing.location.endswith(f"/candidates/{erased.id}")
    assert "cannot be placed" in client.get(placing.location).get_data(as_text=True)
    assert client.get(f"/interviews/new/{erased.id}").status_code == 404
