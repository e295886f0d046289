"""One rule for stale saves, for every record staff edit: when a colleague saved the record
after an editor opened it, the editor's save is refused with 409, keeps what they typed,
names the colleague, and writes nothing; saving again then goes through."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from recruit.admin import services as settings
from recruit.auth.models import Role
from recruit.candidates import services as candidates
from recruit.candidates.models import Stage
from recruit.database import utcnow
from recruit.events import services as events
from recruit.events.models import Event
from recruit.extensions import db
from recruit.messages import services as messages
from recruit.messages.models import MessageTemplate
from recruit.pipeline import stages as stage_admin
from recruit.placements.models import EvaluationItem, ItemForm, Outcome
from recruit.placements.placements import record_outcome
from recruit.placements.positions import POSITION_FIELDS, save_position
from recruit.placements.questionnaires import newest_wording, reword_item
from recruit.universities import services as universities
from recruit.universities.models import Contact, University
from tests.conftest import AuthActions
from tests.placement_factories import new_placement, new_position, standard_items
from tests.test_candidate_pages import profile
from tests.test_events import event_form

THEIRS = "Saved by Dana meanwhile"
MINE = "Typed by me while Dana saved"


@dataclass
class Case:
    """How one kind of record is edited on its page and by a colleague's service call."""

    role: Role
    make: Callable  # () -> the record
    url: Callable  # record -> the edit form's address
    post: Callable  # (record, version, text) -> the form as the browser posts it
    colleague: Callable  # (record, user, text) -> a save through the service
    saved: Callable  # record -> the edited text as saved now
    current: Callable = lambda record: record  # the record a second save edits
    version: Callable = lambda record: record.version


def _university():
    university = University(name="Gulf Coast University", notes="First notes")
    db.session.add(university)
    db.session.commit()
    return university


def _university_values(university, text):
    return {
        "name": university.name,
        "college": "",
        "majors": "",
        "city": "",
        "state": "",
        "partnership": "prospect",
        "agreement_on": None,
        "notes": text,
    }


def _contact():
    university = _university()
    contact = Contact(university=university, role="faculty", name="Lena Ortiz", notes="First")
    db.session.add(contact)
    db.session.commit()
    return contact


def _contact_values(contact, text):
    return {
        "role": "faculty",
        "name": contact.name,
        "title": "",
        "email": "",
        "phone": "",
        "notes": text,
        "owner_id": None,
        "next_follow_up_on": None,
    }


def _event():
    event = Event(name="Capital Career Fair", slug="capital", kind="career_fair")
    event.starts_on = utcnow().date()
    db.session.add(event)
    db.session.commit()
    return event


def _event_values(event, text):
    values = {name: getattr(event, name) for name in events.EVENT_FIELDS if name != "staff"}
    return {**values, "staff": [], "notes": text}


def _candidate():
    values = {name: profile()[name] for name in ("first_name", "last_name", "email")}
    candidate = candidates.create_candidate(values | {"major": "Economics"}, [], [], None)
    db.session.commit()
    return candidate


def _position():
    return new_position(description="First description")


def _position_form(position, version, text):
    form = {name: getattr(position, name) for name in POSITION_FIELDS}
    form.update(
        starts_on=position.starts_on.isoformat(),
        ends_on=position.ends_on.isoformat(),
        funding_source=position.funding_source.value,
        status=position.status.value,
        pay_hourly="",
        description=text,
        version=version,
    )
    return form


def _placement():
    return new_placement(_candidate())


def _item():
    standard_items()
    return db.session.scalars(
        db.select(EvaluationItem).where(
            EvaluationItem.form == ItemForm.SUPERVISOR, EvaluationItem.retired.is_(False)
        )
    ).first()


def _settings_form(text):
    return {
        "office_name": text,
        "office_email": "internships@procurement.state.example",
        "privacy_notice": "We keep what you enter here to consider you for internships. " * 2,
        "retention_months": "24",
        "time_zone": "America/Chicago",
    }


def _template():
    messages.ensure_default_templates()
    db.session.commit()
    return db.session.scalars(db.select(MessageTemplate).order_by(MessageTemplate.id)).first()


CASES = {
    "university": Case(
        role=Role.OUTREACH,
        make=_university,
        url=lambda u: f"/universities/{u.id}/edit",
        post=lambda u, v, text: (
            {"name": u.name, "partnership": "prospect", "notes": text} | {"version": v}
        ),
        colleague=lambda u, user, text: universities.update_university(
            u, _university_values(u, text), u.version, user
        ),
        saved=lambda u: u.notes,
    ),
    "contact": Case(
        role=Role.OUTREACH,
        make=_contact,
        url=lambda c: f"/contacts/{c.id}/edit",
        post=lambda c, v, text: (
            {"name": c.name, "role": "faculty", "owner_id": ""} | {"notes": text, "version": v}
        ),
        colleague=lambda c, user, text: universities.update_contact(
            c, _contact_values(c, text), c.version, user
        ),
        saved=lambda c: c.notes,
    ),
    "event": Case(
        role=Role.OUTREACH,
        make=_event,
        url=lambda e: f"/events/{e.id}/edit",
        post=lambda e, v, text: event_form(name=e.name, slug=e.slug, notes=text, version=v),
        colleague=lambda e, user, text: events.save_event(
            e, _event_values(e, text), e.version, user
        ),
        saved=lambda e: e.notes,
    ),
    "candidate": Case(
        role=Role.HR,
        make=_candidate,
        url=lambda c: f"/candidates/{c.id}/edit",
        post=lambda c, v, text: profile(major=text, version=v),
        colleague=lambda c, user, text: candidates.update_candidate(
            c, {"major": text}, [], [], user
        ),
        saved=lambda c: c.major,
    ),
    "position": Case(
        role=Role.HR,
        make=_position,
        url=lambda p: f"/positions/{p.id}/edit",
        post=_position_form,
        colleague=lambda p, user, text: save_position(
            p,
            {name: getattr(p, name) for name in POSITION_FIELDS} | {"description": text},
            p.version,
            user,
        ),
        saved=lambda p: p.description,
    ),
    "placement": Case(
        role=Role.HR,
        make=_placement,
        url=lambda p: f"/placements/{p.id}/outcome",
        post=lambda p, v, text: {
            "outcome": "hired",
            "outcome_on": utcnow().date().isoformat(),
            "hired_title": text,
            "version": v,
        },
        colleague=lambda p, user, text: record_outcome(
            p, Outcome.HIRED, utcnow().date(), text, user, move=False
        ),
        saved=lambda p: p.hired_title,
    ),
    "stage": Case(
        role=Role.ADMIN,
        make=lambda: db.session.scalars(db.select(Stage).where(Stage.key == "screening")).one(),
        url=lambda s: f"/admin/stages/{s.id}",
        post=lambda s, v, text: {"name": text, "kind": "active", "version": v},
        colleague=lambda s, user, text: stage_admin.update_stage(s, text, s.kind, user),
        saved=lambda s: s.name,
    ),
    "settings": Case(
        role=Role.ADMIN,
        make=lambda: None,
        url=lambda _: "/admin/settings",
        post=lambda _, v, text: _settings_form(text) | {"version": v},
        colleague=lambda _, user, text: settings.save_settings(
            _settings_form(text) | {"retention_months": 24}, None, user
        ),
        saved=lambda _: settings.current_settings().office_name,
        version=lambda _: settings.current_settings().version,
    ),
    "evaluation item": Case(
        role=Role.ADMIN,
        make=_item,
        url=lambda i: f"/admin/evaluation-items/{i.id}/reword",
        post=lambda i, v, text: {"prompt": text, "version": v},
        colleague=lambda i, user, text: reword_item(i, text, i.version, user),
        saved=lambda i: newest_wording(i.form, i.key).prompt,
        current=lambda i: newest_wording(i.form, i.key),
    ),
    "message template": Case(
        role=Role.ADMIN,
        make=_template,
        url=lambda t: f"/admin/messages/{t.id}",
        post=lambda t, v, text: (
            {"name": t.name, "subject": t.subject, "body": text} | {"version": v}
        ),
        colleague=lambda t, user, text: messages.save_template(
            t, {"name": t.name, "subject": t.subject, "body": text}, t.version, user
        ),
        saved=lambda t: t.body,
    ),
}


@pytest.fixture(params=list(CASES))
def stale(request, client, signed_in, make_user, stages):
    """An editor opens a record, a colleague (Dana Whitfield) saves it, the editor saves."""
    case = CASES[request.param]
    signed_in(case.role)
    dana = make_user(case.role, name="Dana Whitfield")
    record = case.make()
    loaded = case.version(record)
    case.colleague(record, dana, THEIRS)
    db.session.commit()
    response = client.post(case.url(record), data=case.post(record, str(loaded), MINE))
    db.session.expire_all()
    return case, record, response


def _form_version(response, case, record) -> str:
    page = response.get_data(as_text=True)
    if isinstance(record, Stage):  # the stages page has a form per stage: take its row's
        page = page.split(f'id="stage-name-{record.id}"')[0]
    return re.findall(r'name="version"[^>]*value="(\d+)"', page)[-1]


def test_stale_save_answers_409(stale):
    """Is a save made after a colleague's save answered with 409 Conflict?"""
    _case, _record, response = stale
    assert response.status_code == 409


def test_stale_save_keeps_what_was_typed(stale):
    """Does the refused form come back holding what the editor typed?"""
    _case, _record, response = stale
    assert MINE in response.get_data(as_text=True)


def test_stale_save_names_who_saved_meanwhile(stale):
    """Does the refusal name the colleague who saved meanwhile?"""
    _case, _record, response = stale
    page = response.get_data(as_text=True)
    assert "Dana Whitfield saved" in page and "while you were editing" in page


def test_stale_save_saves_nothing(stale):
    """Is the colleague's save left in place, untouched by the refused one?"""
    case, record, _response = stale
    assert case.saved(record) == THEIRS


def test_saving_again_goes_through(client, stale):
    """Having seen the refusal, does saving the same form again replace the colleague's?"""
    case, record, response = stale
    current = case.current(record)
    version = _form_version(response, case, record)
    assert version == str(case.version(current))
    again = client.post(case.url(current), data=case.post(current, version, MINE))
    assert again.status_code in (302, 303)
    db.session.expire_all()
    assert case.saved(record) == MINE


def test_two_staff_editing_one_university_do_not_undo_each_other(app, client, signed_in, make_user):
    """Bug 4: two staff open one university's edit page and both save; is the second save
    refused rather than silently undoing the first?"""
    signed_in(Role.OUTREACH)
    university = _university()
    colleague = make_user(Role.OUTREACH, name="Dana Whitfield")
    theirs = app.test_client()
    AuthActions(theirs).login(colleague.email)
    url = f"/universities/{university.id}/edit"
    mine_opened, theirs_opened = client.get(url), theirs.get(url)

    def form(page, notes):
        seen = re.search(r'name="version"[^>]*value="(\d+)"', page.get_data(as_text=True))
        return {"name": university.name, "partnership": "prospect", "notes": notes} | (
            {"version": seen.group(1)} if seen else {}
        )

    theirs.post(url, data=form(theirs_opened, THEIRS))
    client.post(url, data=form(mine_opened, MINE))

    db.session.expire_all()
    assert db.session.get(University, university.id).notes == THEIRS
