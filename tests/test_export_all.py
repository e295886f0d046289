"""The admin's export of every table."""

import csv
import io
import zipfile

from sqlalchemy import select

from recruit.audit.models import AuditEntry
from recruit.auth.models import Role
from recruit.extensions import db


def _tables(response) -> dict[str, list[dict]]:
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    return {
        name.removesuffix(".csv"): list(csv.DictReader(io.StringIO(archive.read(name).decode())))
        for name in archive.namelist()
    }


def test_export_without_personal_fields_blanks_them(client, signed_in, make_candidate):
    """Does the default export hold every table with names and emails left empty?"""
    signed_in(Role.ADMIN)
    make_candidate(first_name="Imani", email="imani@u.example", major="Law")
    tables = _tables(client.post("/admin/export", data={}))
    assert set(tables) >= {"candidates", "stage_changes", "events", "placements", "users"}
    row = tables["candidates"][0]
    assert row["first_name"] == "" and row["email"] == "" and row["major"] == "Law"


def test_export_with_personal_fields_by_choice(client, signed_in, make_candidate):
    """Are personal fields included when the admin deliberately ticks the box?"""
    signed_in(Role.ADMIN)
    make_candidate(first_name="Imani", email="imani@u.example")
    tables = _tables(client.post("/admin/export", data={"include_personal": "y"}))
    assert tables["candidates"][0]["email"] == "imani@u.example"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "admin.export_all"))
    assert entry.detail["personal"] is True


def test_export_never_holds_secrets(client, signed_in):
    """Are password hashes and session tokens left out even with personal fields?"""
    signed_in(Role.ADMIN)
    tables = _tables(client.post("/admin/export", data={"include_personal": "y"}))
    assert "password_hash" not in tables["users"][0]
    assert "token_hash" not in tables["staff_sessions"][0]


def test_export_neutralises_formulas(client, signed_in, make_candidate):
    """Is a cell that a spreadsheet would run as a formula made harmless?"""
    signed_in(Role.ADMIN)
    make_candidate(major='=HYPERLINK("http://evil.example")')
    tables = _tables(client.post("/admin/export", data={}))
    assert tables["candidates"][0]["major"].startswith("'=")


def test_only_admins_export_everything(client, signed_in):
    """Is the export refused to HR staff?"""
    signed_in(Role.HR)
    assert client.post("/admin/export", data={}).status_code == 403
