"""The audit log reads in words: actions as sentences, details as lines, records as links,
and every entry names the real user it is about."""

import csv
import io
import json

from flask_login import current_user, login_user
from sqlalchemy import select

from recruit.audit.models import AuditEntry
from recruit.audit.services import record
from recruit.auth.models import Role
from recruit.extensions import db
from tests.conftest import PASSWORD


def entries(action: str) -> list[AuditEntry]:
    """The audit entries of one action, oldest first."""
    query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    return list(db.session.scalars(query))


def test_an_entry_about_the_signed_in_user_names_the_user(app, make_user):
    """Does an entry recorded against the signed-in user (a proxy) name a User, not the
    proxy's class?"""
    user = make_user(role=Role.HR)
    with app.test_request_context("/"):
        login_user(user)
        entry = record("test.proxy", user=current_user, target=current_user)
    assert (entry.target_type, entry.target_id, entry.user_id) == ("User", user.id, user.id)


def test_a_new_calendar_link_is_recorded_against_the_user(client, signed_in):
    """Does making a new calendar link leave an entry about the user's account?"""
    user = signed_in(Role.OUTREACH)
    client.post("/account/calendar")
    entry = entries("user.calendar_token")[-1]
    assert (entry.target_type, entry.target_id) == ("User", user.id)


def test_a_password_change_is_recorded_against_the_user(client, signed_in):
    """Does changing one's password leave an entry about the user's account?"""
    user = signed_in(Role.HR)
    new = "a brand new long passphrase"
    data = {"current_password": PASSWORD, "new_password": new, "confirm": new}
    assert client.post("/account/password", data=data).status_code == 302
    entry = entries("user.password_change")[-1]
    assert (entry.target_type, entry.target_id) == ("User", user.id)


def test_signing_out_elsewhere_is_recorded_against_the_user(client, signed_in):
    """Does signing out on every other device leave an entry about the user's account?"""
    user = signed_in(Role.HR)
    client.post("/account/sessions/end-others")
    entry = entries("auth.sign_out_everywhere")[-1]
    assert (entry.target_type, entry.target_id) == ("User", user.id)


def test_an_old_proxy_entry_is_shown_as_the_users_account(client, signed_in, make_user):
    """Is an entry written before the fix, against "LocalProxy", shown as the staff
    account it was about?"""
    signed_in(Role.ADMIN)
    other = make_user(role=Role.HR)
    db.session.add(
        AuditEntry(action="user.calendar_token", target_type="LocalProxy", target_id=other.id)
    )
    db.session.commit()
    page = client.get("/admin/audit/").text
    assert "LocalProxy" not in page
    assert f'<a href="/admin/users/{other.id}/edit">Staff account #{other.id}</a>' in page


def test_actions_read_as_sentences(client, signed_in):
    """Does the log show an action as a sentence, and an unknown code as it is?"""
    signed_in(Role.ADMIN)
    db.session.add_all(
        [AuditEntry(action="privacy.erase"), AuditEntry(action="custom.something_new")]
    )
    db.session.commit()
    page = client.get("/admin/audit/").text
    assert "Erased a student&#39;s record" in page
    assert "custom.something_new" in page


def test_details_read_as_lines_not_a_python_dict(client, signed_in):
    """Are an entry's details shown as "name: value" lines rather than a raw dict?"""
    signed_in(Role.ADMIN)
    detail = {"proposals_moved": 2, "removed": {"first_name": "Rosa"}, "fields": ["a", "b"]}
    db.session.add(AuditEntry(action="candidate.merge", detail=detail))
    db.session.commit()
    page = client.get("/admin/audit/").text
    assert "{&#39;" not in page and "[&#39;" not in page
    assert "Proposals moved:</span> 2" in page
    assert "Removed:</span> First name: Rosa" in page
    assert "Fields:</span> a, b" in page


def test_changes_read_as_before_and_after(client, signed_in, make_user):
    """Is an account change shown as "before → after"?"""
    signed_in(Role.ADMIN)
    db.session.add(AuditEntry(action="user.update", detail={"role": ["hr", "admin"]}))
    db.session.commit()
    assert "Role:</span> hr → admin" in client.get("/admin/audit/").text


def test_records_link_to_their_pages_while_they_exist(client, signed_in, make_candidate):
    """Does a record that still exists link to its page, and a deleted one not?"""
    signed_in(Role.ADMIN)
    candidate = make_candidate()
    db.session.add_all(
        [
            AuditEntry(action="candidate.update", target_type="Candidate", target_id=candidate.id),
            AuditEntry(action="candidate.update", target_type="Candidate", target_id=987654),
        ]
    )
    db.session.commit()
    page = client.get("/admin/audit/").text
    assert f'<a href="/candidates/{candidate.id}">Candidate #{candidate.id}</a>' in page
    assert "Candidate #987654" in page
    assert 'href="/candidates/987654"' not in page


def test_the_csv_holds_details_as_json(client, signed_in):
    """Does the audit CSV hold each entry's details as JSON a program can read back?"""
    signed_in(Role.ADMIN)
    db.session.add(AuditEntry(action="settings.update", detail={"keys": ["retention"]}))
    db.session.commit()
    text = client.get("/admin/audit/export.csv").get_data().decode("utf-8-sig")
    rows = [row for row in csv.DictReader(io.StringIO(text)) if row["action"] == "settings.update"]
    assert json.loads(rows[0]["detail"]) == {"keys": ["retention"]}
