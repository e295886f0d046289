"""Contacts at universities: adding and editing them, and logging interactions."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from recruit.audit.models import AuditEntry
from recruit.auth.models import Role
from recruit.extensions import db
from recruit.timezones import local_today
from recruit.universities.models import (
    Contact,
    ContactRole,
    Interaction,
    InteractionKind,
)


def today():
    """Today in the office, as the forms read dates (not the UTC date, which runs ahead of
    Chicago's every evening)."""
    return local_today()


@pytest.fixture
def make_contact(make_university):
    """Return a callable that makes contacts (at a new university unless given one)."""

    def make(name="Maria Lopez", university=None, **fields):
        fields.setdefault("role", ContactRole.CAREER_CENTER)
        contact = Contact(university=university or make_university(), name=name, **fields)
        db.session.add(contact)
        db.session.commit()
        return contact

    return make


def contact_form(**changes) -> dict:
    data = {
        "name": "Maria Lopez",
        "role": "career_center",
        "title": "Employer Relations Manager",
        "email": "mlopez@gulfcoast.example",
        "phone": "713-555-0142",
        "owner_id": "",
        "next_follow_up_on": "",
        "notes": "Runs the spring fair.",
    }
    data.update(changes)
    return data


def interaction_form(**changes) -> dict:
    data = {
        "occurred_on": today().isoformat(),
        "kind": "call",
        "notes": "Asked about booth space for the spring fair.",
        "next_follow_up_on": "",
    }
    data.update(changes)
    return data


def selected_owner(html: str) -> str | None:
    """The value selected in the owner menu."""
    menu = re.search(r'<select[^>]*name="owner_id"[^>]*>(.*?)</select>', html, re.S).group(1)
    chosen = re.search(r'<option selected value="([^"]*)"', menu)
    return chosen.group(1) if chosen else None


# --- adding and editing ------------------------------------------------------------------


def test_new_contact_is_owned_by_its_creator_by_default(client, signed_in, make_university):
    """Does the new-contact form offer the person adding it as its owner?"""
    user = signed_in(Role.OUTREACH)
    university = make_university()
    page = client.get(f"/universities/{university.id}/contacts/new").text
    assert selected_owner(page) == str(user.id)


def test_outreach_adds_a_contact(client, signed_in, make_university):
    """Is a new contact saved at its university, and the user sent to its page?"""
    user = signed_in(Role.OUTREACH)
    university = make_university()
    response = client.post(
        f"/universities/{university.id}/contacts/new",
        data=contact_form(owner_id=str(user.id), next_follow_up_on="2030-03-02"),
    )
    contact = db.session.scalars(select(Contact)).one()
    assert response.location == f"/contacts/{contact.id}"
    assert (contact.university_id, contact.owner_id) == (university.id, user.id)
    assert contact.next_follow_up_on.isoformat() == "2030-03-02"


def test_adding_a_contact_is_audited(client, signed_in, make_university):
    """Does adding a contact leave an audit entry naming who added it?"""
    user = signed_in(Role.OUTREACH)
    university = make_university()
    client.post(f"/universities/{university.id}/contacts/new", data=contact_form())
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "contact.create")
    ).one()
    assert (entry.user_id, entry.target_type) == (user.id, "Contact")


def test_contact_needs_a_name(client, signed_in, make_university):
    """Is a contact without a name refused, with the email and title kept?"""
    signed_in(Role.OUTREACH)
    university = make_university()
    response = client.post(
        f"/universities/{university.id}/contacts/new", data=contact_form(name="")
    )
    assert response.status_code == 200
    assert 'class="error-summary"' in response.text
    assert 'value="mlopez@gulfcoast.example"' in response.text
    assert 'value="Employer Relations Manager"' in response.text
    assert db.session.scalars(select(Contact)).all() == []


def test_contact_email_must_be_an_email(client, signed_in, make_university):
    """Is a malformed email refused, with the name kept?"""
    signed_in(Role.OUTREACH)
    university = make_university()
    response = client.post(
        f"/universities/{university.id}/contacts/new", data=contact_form(email="not-an-email")
    )
    assert 'id="email-error"' in response.text
    assert 'value="Maria Lopez"' in response.text


def test_edit_form_shows_current_values(client, signed_in, make_contact, make_user):
    """Does the edit form open with the contact's details and owner?"""
    signed_in(Role.OUTREACH)
    owner = make_user(Role.OUTREACH)
    contact = make_contact(title="Professor of Supply Chain", owner_id=owner.id)
    page = client.get(f"/contacts/{contact.id}/edit").text
    assert 'value="Professor of Supply Chain"' in page
    assert selected_owner(page) == str(owner.id)


def test_outreach_edits_a_contact(client, signed_in, make_contact, make_user):
    """Does an edit change the contact, hand it to a new owner and audit the fields?"""
    signed_in(Role.OUTREACH)
    colleague = make_user(Role.OUTREACH)
    contact = make_contact()
    response = client.post(
        f"/contacts/{contact.id}/edit",
        data=contact_form(phone="713-555-0199", owner_id=str(colleague.id)),
    )
    assert response.location == f"/contacts/{contact.id}"
    db.session.refresh(contact)
    assert (contact.phone, contact.owner_id) == ("713-555-0199", colleague.id)
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "contact.update")
    ).one()
    assert {"phone", "owner_id"} <= set(entry.detail["fields"])


def test_hr_may_not_add_a_contact(client, signed_in, make_university):
    """Is HR's POST of a new contact refused, with nothing saved?"""
    signed_in(Role.HR)
    university = make_university()
    response = client.post(f"/universities/{university.id}/contacts/new", data=contact_form())
    assert response.status_code == 403
    assert db.session.scalars(select(Contact)).all() == []


def test_hr_may_not_edit_a_contact(client, signed_in, make_contact):
    """Is HR's edit of a contact refused?"""
    signed_in(Role.HR)
    contact = make_contact()
    response = client.post(f"/contacts/{contact.id}/edit", data=contact_form(name="Someone"))
    assert response.status_code == 403


def test_hr_opens_a_contact(client, signed_in, make_contact):
    """Can HR open a contact's page, without an Edit button?"""
    signed_in(Role.HR)
    contact = make_contact()
    response = client.get(f"/contacts/{contact.id}")
    assert response.status_code == 200
    assert f'href="/contacts/{contact.id}/edit"' not in response.text


def test_unknown_contact_is_404(client, signed_in):
    """Does a contact that does not exist give 404?"""
    signed_in(Role.OUTREACH)
    assert client.get("/contacts/9999").status_code == 404


# --- interactions ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.HR, Role.OUTREACH])
def test_staff_log_an_interaction(client, signed_in, make_contact, role):
    """Can HR and outreach log a call, recorded as theirs?"""
    user = signed_in(role)
    contact = make_contact()
    response = client.post(f"/contacts/{contact.id}/interactions", data=interaction_form())
    assert response.location == f"/contacts/{contact.id}"
    interaction = db.session.scalars(select(Interaction)).one()
    assert (interaction.kind, interaction.user_id) == (InteractionKind.CALL, user.id)


def test_log_shows_date_kind_notes_and_who(client, signed_in, make_user, make_contact):
    """Does the contact's page list each interaction with its date, kind, notes and author?"""
    signed_in(Role.HR)
    author = make_user(Role.OUTREACH, name="Dana Whitfield")
    contact = make_contact()
    db.session.add(
        Interaction(
            contact=contact,
            kind=InteractionKind.CLASS_TALK,
            occurred_on=today() - timedelta(days=3),
            notes="Spoke to the procurement class.",
            user_id=author.id,
        )
    )
    db.session.commit()
    page = client.get(f"/contacts/{contact.id}").text
    row = re.search(r"<tr>\s*<th scope=\"row\">.*?</tr>", page, re.S).group(0)
    for text in ("Class talk", "Spoke to the procurement class.", "Dana Whitfield"):
        assert text in row


def test_logging_sets_the_next_follow_up(client, signed_in, make_contact):
    """Does the same submit that logs an interaction set the next follow-up date?"""
    signed_in(Role.HR)
    contact = make_contact(next_follow_up_on=today() - timedelta(days=1))
    when = today() + timedelta(days=21)
    client.post(
        f"/contacts/{contact.id}/interactions",
        data=interaction_form(next_follow_up_on=when.isoformat()),
    )
    db.session.refresh(contact)
    assert contact.next_follow_up_on == when


def test_logging_without_a_date_clears_the_follow_up(client, signed_in, make_contact):
    """Does logging an interaction with no next date leave no follow-up due?"""
    signed_in(Role.HR)
    contact = make_contact(next_follow_up_on=today())
    client.post(f"/contacts/{contact.id}/interactions", data=interaction_form())
    db.session.refresh(contact)
    assert contact.next_follow_up_on is None


def test_logging_is_audited(client, signed_in, make_contact):
    """Does logging an interaction leave an audit entry on the contact?"""
    user = signed_in(Role.HR)
    contact = make_contact()
    client.post(f"/contacts/{contact.id}/interactions", data=interaction_form())
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "interaction.create")
    ).one()
    assert (entry.user_id, entry.target_id) == (user.id, contact.id)


def test_interaction_cannot_be_in_the_future(client, signed_in, make_contact):
    """Is an interaction dated tomorrow refused, with its notes kept?"""
    signed_in(Role.HR)
    contact = make_contact()
    tomorrow = (today() + timedelta(days=1)).isoformat()
    response = client.post(
        f"/contacts/{contact.id}/interactions", data=interaction_form(occurred_on=tomorrow)
    )
    assert "cannot be in the future" in response.text
    assert "Asked about booth space for the spring fair." in response.text
    assert db.session.scalars(select(Interaction)).all() == []


def test_next_follow_up_cannot_be_in_the_past(client, signed_in, make_contact):
    """Is a next follow-up dated yesterday refused, and nothing logged?"""
    signed_in(Role.HR)
    contact = make_contact()
    yesterday = (today() - timedelta(days=1)).isoformat()
    response = client.post(
        f"/contacts/{contact.id}/interactions",
        data=interaction_form(next_follow_up_on=yesterday),
    )
    assert "cannot be in the past" in response.text
    assert db.session.scalars(select(Interaction)).all() == []


def test_form_offers_a_future_follow_up_already_set(client, signed_in, make_contact):
    """Does the log form start with the contact's next follow-up when it is still ahead?"""
    signed_in(Role.HR)
    ahead = today() + timedelta(days=10)
    contact = make_contact(next_follow_up_on=ahead)
    page = client.get(f"/contacts/{contact.id}").text
    assert f'name="next_follow_up_on" type="date" value="{ahead.isoformat()}"' in page


def test_form_leaves_out_a_follow_up_already_due(client, signed_in, make_contact):
    """Does the log form start empty when the follow-up it answers is already due?"""
    signed_in(Role.HR)
    due = today() - timedelta(days=2)
    contact = make_contact(next_follow_up_on=due)
    page = client.get(f"/contacts/{contact.id}").text
    assert f'value="{due.isoformat()}"' not in page


def test_contact_of_a_deactivated_owner_can_be_edited(client, signed_in, make_contact, make_user):
    """Can a contact still owned by a deactivated user be saved without choosing a new owner?"""
    signed_in(Role.OUTREACH)
    former = make_user(Role.OUTREACH, active=False)
    contact = make_contact(owner_id=former.id)
    response = client.post(
        f"/contacts/{contact.id}/edit", data=contact_form(owner_id=str(former.id), phone="1")
    )
    assert response.status_code == 302
    db.session.refresh(contact)
    assert (contact.owner_id, contact.phone) == (former.id, "1")
