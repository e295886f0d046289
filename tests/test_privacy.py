"""Students' data: export it, erase it, and the retention schedule."""

import json
from datetime import timedelta

from sqlalchemy import JSON, String, Text, cast, func, inspect, select, text

from recruit.audit.models import AuditEntry
from recruit.auth.models import Role
from recruit.candidates import search
from recruit.candidates.models import Candidate, StageChange
from recruit.candidates.services import add_note, likely_duplicates
from recruit.database import utcnow
from recruit.extensions import db
from recruit.pipeline.moves import move_candidate
from recruit.privacy import services as privacy


def _text_columns():
    """Every column that can hold text, JSON included (read as text)."""
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text):
                yield table, column
            elif isinstance(column.type, JSON):
                yield table, cast(column, Text)


def test_export_holds_notes_and_history_and_is_audited(client, signed_in, make_candidate, stages):
    """Does an admin's export hold the person's notes and history, with an audit entry?"""
    admin = signed_in(Role.ADMIN)
    candidate = make_candidate(first_name="Amira", last_name="Haddad")
    add_note(candidate, "Prefers remote work", admin)
    db.session.commit()
    response = client.post(
        f"/privacy/candidates/{candidate.id}/export", data={"export-why": "student asked"}
    )
    data = json.loads(response.data)
    assert data["profile"]["last_name"] == "Haddad"
    assert data["notes"][0]["text"] == "Prefers remote work"
    assert data["stage_history"][0]["to"] == "Interested"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.export"))
    assert entry.user_id == admin.id and entry.detail["why"] == "student asked"


def test_hr_cannot_export_or_erase(client, signed_in, make_candidate):
    """Are exports and erasure refused to HR staff?"""
    signed_in(Role.HR)
    candidate = make_candidate()
    assert client.get(f"/privacy/candidates/{candidate.id}").status_code == 403
    response = client.post(
        f"/privacy/candidates/{candidate.id}/erase",
        data={"erase-why": "x", "erase-confirm": "ERASE"},
    )
    assert response.status_code == 403


def test_erase_leaves_no_trace_of_name_or_email_but_keeps_counts(
    client, signed_in, make_candidate, stages
):
    """After erasure, do the name and email appear nowhere, and do the counts stay?"""
    admin = signed_in(Role.ADMIN)
    candidate = make_candidate(first_name="Wilhelmina", last_name="Zabrowski", email="wz@u.example")
    add_note(candidate, "Wilhelmina called back; wz@u.example works", admin)
    move_candidate(candidate, stages["screening"], admin, None, comment="Wilhelmina looks good")
    db.session.commit()
    changes_before = db.session.scalar(select(func.count()).select_from(StageChange))
    response = client.post(
        f"/privacy/candidates/{candidate.id}/erase",
        data={"erase-why": "student asked", "erase-confirm": "ERASE"},
    )
    assert response.status_code == 302
    for table, column in _text_columns():
        for needle in ("wilhelmina", "zabrowski", "wz@u.example"):
            hits = db.session.scalar(
                select(func.count()).select_from(table).where(func.lower(column).contains(needle))
            )
            assert hits == 0, f"{needle} still in {table.name}"
    matches = search.matching("Wilhelmina", db.engine.dialect.name)
    assert db.session.execute(matches).first() is None
    assert db.session.scalar(select(func.count()).select_from(StageChange)) == changes_before
    assert db.session.scalar(select(func.count()).select_from(Candidate)) == 1


def test_an_erased_candidate_is_nobodys_duplicate(client, signed_in, make_candidate):
    """After erasure, is the stored name key blank, so a student of the same name added
    later is not held back as the erased one?"""
    signed_in(Role.ADMIN)
    candidate = make_candidate(first_name="Wilhelmina", last_name="Zabrowski")
    client.post(
        f"/privacy/candidates/{candidate.id}/erase",
        data={"erase-why": "student asked", "erase-confirm": "ERASE"},
    )
    db.session.expire_all()
    assert candidate.anonymized_at is not None
    assert candidate.name_key == ""
    assert likely_duplicates("new@u.example", "Wilhelmina", "Zabrowski", None) == []
    erased_name = (candidate.first_name, candidate.last_name)
    assert likely_duplicates("new@u.example", *erased_name, None) == []


def test_a_name_of_punctuation_alone_matches_no_erased_candidate(client, signed_in, make_candidate):
    """Is a name with no letters (an empty key, like an erased record's) never taken for
    the erased candidates?"""
    signed_in(Role.ADMIN)
    candidate = make_candidate(first_name="Wilhelmina", last_name="Zabrowski")
    client.post(
        f"/privacy/candidates/{candidate.id}/erase",
        data={"erase-why": "student asked", "erase-confirm": "ERASE"},
    )

    assert likely_duplicates("new@u.example", "-", "-", None) == []


def test_erase_needs_the_confirmation_word(client, signed_in, make_candidate):
    """Is erasure refused, with a message, until the admin types ERASE?"""
    signed_in(Role.ADMIN)
    candidate = make_candidate(first_name="Kept")
    response = client.post(
        f"/privacy/candidates/{candidate.id}/erase",
        data={"erase-why": "test", "erase-confirm": "erase please"},
    )
    assert response.status_code == 400
    assert "Type ERASE in capitals" in response.get_data(as_text=True)
    db.session.refresh(candidate)
    assert candidate.first_name == "Kept"


def test_retention_dry_run_lists_exactly_the_due_and_skips_held(
    app, runner, make_candidate, stages
):
    """Does the retention dry run list only inactive, unheld, not-hired candidates?"""
    old = utcnow() - timedelta(days=800)
    due = make_candidate(first_name="Due", last_activity_at=old)
    make_candidate(first_name="Held", last_activity_at=old, legal_hold=True)
    make_candidate(first_name="Hired", last_activity_at=old, stage="hired")
    make_candidate(first_name="Recent")
    result = runner.invoke(args=["retention"])
    assert result.exit_code == 0, result.output
    assert f"#{due.id} " in result.output
    assert result.output.count("  #") == 1
    assert "Dry run" in result.output
    assert [c.id for c in privacy.due_for_retention()] == [due.id]


def test_retention_apply_anonymizes_and_audits(app, runner, make_candidate, stages):
    """Does `retention --apply` anonymize the due candidates and record the run?"""
    due = make_candidate(first_name="Gone", last_activity_at=utcnow() - timedelta(days=800))
    result = runner.invoke(args=["retention", "--apply"])
    assert result.exit_code == 0, result.output
    db.session.refresh(due)
    assert due.first_name == "Erased" and due.anonymized_at is not None
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"privacy.retention", "privacy.retention_run"} <= actions


def test_audit_log_page_filters_and_exports(client, signed_in, make_candidate):
    """Can an admin filter the audit log to sign-ins and export it as CSV?"""
    signed_in(Role.ADMIN)
    page = client.get("/admin/audit/?action=auth.").get_data(as_text=True)
    assert "auth.sign_in" in page
    csv = client.get("/admin/audit/export.csv?action=auth.")
    assert csv.mimetype == "text/csv" and "auth.sign_in" in csv.get_data(as_text=True)


def _search_tables_text() -> str:
    """Everything the search index's tables hold (SQLite's full-text shadow tables too)."""
    connection = db.session.connection()
    held = []
    for name in inspect(connection).get_table_names():
        if name.startswith(search.TABLE):
            for row in connection.execute(text(f'SELECT * FROM "{name}"')):  # noqa: S608
                held.extend(
                    bytes(v).decode("latin-1") if isinstance(v, bytes | memoryview) else str(v)
                    for v in row
                )
    return "\n".join(held).lower()


def test_retention_leaves_no_erased_word_in_the_search_index(app, make_user, make_candidate):
    """After a retention run, do the erased names and notes leave the search index's
    tables, not just its results?"""
    admin = make_user(Role.ADMIN)
    old = utcnow() - timedelta(days=800)
    for first, last in (("Ottoline", "Vasquezberg"), ("Peregrine", "Ulmstead")):
        gone = make_candidate(first_name=first, last_name=last)
        add_note(gone, f"{first} prefers mornings", admin)
        gone.last_activity_at = old
    make_candidate(first_name="Stays")
    db.session.commit()
    assert "vasquezberg" in _search_tables_text()
    assert privacy.apply_retention() == 2
    db.session.commit()
    held = _search_tables_text()
    assert not any(word in held for word in ("ottoline", "vasquezberg", "peregrine", "ulmstead"))
    assert "stays" in held
