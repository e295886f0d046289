"""Messages to candidates: the templates admins word, the automatic stage messages, the
interest form's confirmation, messages staff write, an event's follow-up, the students'
stop-emails link, erasure and the outbox. Nothing here talks to a mail server: every
message is checked as the outbox row it becomes, and on the pages staff see."""

import re
from html import unescape

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from recruit.audit.models import AuditEntry
from recruit.auth.models import Role, User
from recruit.candidates.models import Candidate, CandidateEvent, Stage
from recruit.database import utcnow
from recruit.extensions import db
from recruit.messages import services
from recruit.messages.defaults import STUDENT_REASONS
from recruit.messages.models import DeliveryState, MessageTemplate, OutboxMessage
from recruit.pipeline.moves import CLOSE_REASON_LABELS
from recruit.students.models import StatusLink
from tests.placement_factories import new_link, new_placement, standard_items
from tests.query_counting import counting_queries, queries_for
from tests.test_i18n import compiled_catalog  # noqa: F401 (Spanish messages need it)
from tests.test_interest_form import form_data

SIGN_OFF = (
    "\n\n--\nState Procurement Office · internships@procurement.state.example\n"
    f"Stop emails from us: {services.STOP_LINK_MASK}"
)


# --- helpers ----------------------------------------------------------------------------


def outbox(candidate_id: int | None = None) -> list[OutboxMessage]:
    """The outbox as the requests left it (to one candidate, if given), oldest first."""
    db.session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if candidate_id is not None:
        query = query.where(OutboxMessage.candidate_id == candidate_id)
    return list(db.session.scalars(query))


def page_text(response) -> str:
    return unescape(response.get_data(as_text=True))


def input_value(response, name: str) -> str | None:
    """The value a text input was rendered with."""
    match = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', response.get_data(as_text=True))
    if match is None:
        return None
    value = re.search(r'\bvalue="([^"]*)"', match.group(0))
    return unescape(value.group(1)) if value else ""


def textarea_value(response, name: str) -> str | None:
    """The text a textarea was rendered with."""
    match = re.search(
        rf'<textarea[^>]*\bname="{name}"[^>]*>(.*?)</textarea>',
        response.get_data(as_text=True),
        re.S,
    )
    return unescape(match.group(1)).lstrip("\r\n") if match else None


def template(key: str) -> MessageTemplate:
    """One of Recruit's own templates."""
    return db.session.scalars(select(MessageTemplate).where(MessageTemplate.key == key)).one()


def stage_form(**chosen) -> dict:
    """The stage messages form as the admin page sends it: every stage's select with the
    message it shows now, some changed (by stage key; "" for no message)."""
    data = {}
    for stage in db.session.scalars(select(Stage).where(Stage.retired.is_(False))):
        data[f"stage-{stage.id}"] = str(stage.message_template_id or "")
        if stage.key in chosen:
            data[f"stage-{stage.id}"] = str(chosen[stage.key])
    return data


def board_move(client, candidate, stage, **extra):
    """A move as the board's script posts it: no message fields."""
    return client.post(
        f"/candidates/{candidate.id}/move",
        data={"to_stage": stage.id, "version": str(candidate.version), **extra},
        headers={"Accept": "application/json"},
    )


def page_move(client, candidate, stage, send_message: bool, **extra):
    """A move from the candidate page's form, which shows the message box."""
    data = {
        "to_stage": stage.id,
        "version": str(candidate.version),
        "message_choice": "shown",
        **extra,
    }
    if send_message:
        data["send_message"] = "y"
    return client.post(f"/candidates/{candidate.id}/move", data=data)


@pytest.fixture
def student(make_candidate):
    """A candidate who agreed to be contacted."""
    return make_candidate(
        first_name="Maya",
        last_name="Okafor",
        email="maya.okafor@capital.example.edu",
        consent_at=utcnow(),
    )


# --- templates (admins) -----------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.HR, Role.OUTREACH])
def test_only_admins_word_the_messages(client, signed_in, stages, role):
    """Are HR and outreach staff refused the templates page and its forms?"""
    signed_in(role)
    assert client.get("/admin/messages/").status_code == 403
    response = client.post(
        "/admin/messages/new", data={"name": "Mine", "subject": "Hi", "body": "Hello"}
    )
    assert response.status_code == 403
    assert db.session.scalar(select(MessageTemplate).where(MessageTemplate.name == "Mine")) is None


def test_admin_sees_templates_and_stage_messages(client, signed_in, stages):
    """Does an admin see Recruit's templates and which stage sends which?"""
    signed_in(Role.ADMIN)
    response = client.get("/admin/messages/")
    assert response.status_code == 200
    text = page_text(response)
    assert "Invitation to interview" in text
    assert "Automatic messages on entering a stage" in text


def test_unknown_placeholder_is_refused_naming_it(client, signed_in, stages):
    """Is a template using {gpa} refused with 400, naming {gpa}, with the typed subject and
    body still in the form and nothing saved?"""
    signed_in(Role.ADMIN)
    typed = {
        "name": "Grades check",
        "subject": "A question for {first_name}",
        "body": "Hello {first_name},\n\nYour {gpa} caught our eye.",
    }
    response = client.post("/admin/messages/new", data=typed)

    assert response.status_code == 400
    assert "{gpa} is not a placeholder Recruit knows" in page_text(response)
    assert input_value(response, "subject") == typed["subject"]
    assert textarea_value(response, "body") == typed["body"]
    named = select(MessageTemplate).where(MessageTemplate.name == "Grades check")
    assert db.session.scalar(named) is None


def test_admin_saves_a_new_template(client, signed_in, stages):
    """Does a template with known placeholders save, offered to staff by its name?"""
    admin = signed_in(Role.ADMIN)
    response = client.post(
        "/admin/messages/new",
        data={
            "name": "Screening update",
            "subject": "Your application, {first_name}",
            "body": "Hello {first_name},\n\nWe are reading your details.",
        },
    )
    assert response.status_code == 302
    saved = db.session.scalars(
        select(MessageTemplate).where(MessageTemplate.name == "Screening update")
    ).one()
    assert saved.subject == "Your application, {first_name}"
    assert saved.updated_by_id == admin.id
    assert saved in services.active_templates()


def test_stale_save_is_refused_keeping_the_words_and_naming_who_saved(
    client, signed_in, make_user, stages
):
    """When another admin saved the template after it was opened, is the save refused with
    409 naming them, the typed words kept in the form and theirs left in place?"""
    signed_in(Role.ADMIN)
    colleague = make_user(Role.ADMIN, name="Dana Whitfield")
    interview = template("interview")
    opened = client.get(f"/admin/messages/{interview.id}")
    seen_version = input_value(opened, "version")
    services.save_template(
        interview,
        {"name": interview.name, "subject": "Dana's subject", "body": "Dana's words"},
        int(seen_version),
        colleague,
    )
    db.session.commit()

    mine = {
        "name": "Invitation to interview",
        "subject": "My subject for {first_name}",
        "body": "My own careful words.",
        "version": seen_version,
    }
    response = client.post(f"/admin/messages/{interview.id}", data=mine)

    assert response.status_code == 409
    assert "Dana Whitfield saved this template while you were editing it" in page_text(response)
    assert input_value(response, "subject") == mine["subject"]
    assert textarea_value(response, "body") == mine["body"]
    db.session.expire_all()
    assert (interview.subject, interview.body) == ("Dana's subject", "Dana's words")


def test_stale_save_shows_the_words_saved_meanwhile(
    client, signed_in, make_user, make_candidate, stages
):
    """Does the refused save show the words the other admin saved, as its message says
    ("the saved ones are in the preview"), so the admin can compare them with their own?"""
    signed_in(Role.ADMIN)
    make_candidate(first_name="Zara", last_name="Quinn")
    colleague = make_user(Role.ADMIN, name="Dana Whitfield")
    interview = template("interview")
    services.save_template(
        interview,
        {"name": interview.name, "subject": "Dana's subject", "body": "Dana's words"},
        interview.version,
        colleague,
    )
    db.session.commit()

    response = client.post(
        f"/admin/messages/{interview.id}",
        data={"name": interview.name, "subject": "Mine", "body": "My words", "version": "1"},
    )

    assert response.status_code == 409
    preview = page_text(response).split('id="preview-heading"', 1)[1]
    assert "Dana's subject" in preview and "Dana's words" in preview


def test_preview_fills_placeholders_for_a_real_candidate(client, signed_in, make_candidate, stages):
    """Does Preview show the typed template filled in for the candidate chosen, saving
    nothing?"""
    signed_in(Role.ADMIN)
    chosen = make_candidate(first_name="Zara", last_name="Quinn", stage="interview")
    make_candidate(first_name="Omar", last_name="Haddad")
    interview = template("interview")
    response = client.post(
        f"/admin/messages/{interview.id}",
        data={
            "action": "preview",
            "name": interview.name,
            "subject": "A note for {full_name}",
            "body": "Hello {first_name}, you are in {stage}. Write to {office_email}.",
            "version": str(interview.version),
            "preview_candidate": str(chosen.id),
        },
    )

    assert response.status_code == 200
    text = page_text(response)
    assert "A note for Zara Quinn" in text
    assert (
        "Hello Zara, you are in Interview. Write to internships@procurement.state.example." in text
    )
    db.session.expire_all()
    assert interview.subject == "Can we talk? An interview with the {office_name}"


def test_retiring_a_template_turns_off_the_stages_that_sent_it(client, signed_in, student, stages):
    """Once an admin retires the interview invitation, does Interview send nothing on entry?"""
    signed_in(Role.ADMIN)
    response = client.post(f"/admin/messages/{template('interview').id}/retire")
    assert response.status_code == 302
    db.session.expire_all()
    assert stages["interview"].message_template_id is None

    board_move(client, student, stages["interview"])
    assert db.session.get(Candidate, student.id).stage_id == stages["interview"].id
    assert outbox(student.id) == []


def test_the_move_forms_hint_follows_a_retired_template(client, signed_in, student, stages, clock):
    """The hint is kept between pages (in the same minute): once an admin retires the
    interview invitation, does the next candidate page stop saying Interview sends a
    message?"""
    signed_in(Role.ADMIN)

    def hint() -> str:
        html = unescape(client.get(f"/candidates/{student.id}").get_data(as_text=True))
        return re.search(r"[^>]*send a message on entry", html).group(0)

    assert hint() == "Interview, Offer, Not selected and Talent pool send a message on entry"
    db.session.remove()
    with counting_queries() as statements:
        assert hint() == "Interview, Offer, Not selected and Talent pool send a message on entry"
    assert not [s for s in statements if "message_templates" in s], "the hint was kept"
    client.post(f"/admin/messages/{template('interview').id}/retire")
    assert hint() == "Offer, Not selected and Talent pool send a message on entry"


# --- which stage sends which message ----------------------------------------------------


def test_turning_screening_on_sends_its_message_on_entry(client, signed_in, student, stages):
    """After an admin picks a message for Screening, does a move to Screening queue it?"""
    signed_in(Role.ADMIN)
    update = MessageTemplate(
        name="Screening update",
        subject="We are reading your details, {first_name}",
        body="Hello {first_name}, you are in {stage}.",
    )
    db.session.add(update)
    db.session.commit()
    response = client.post("/admin/messages/stages", data=stage_form(screening=update.id))
    assert response.status_code == 302

    board_move(client, student, stages["screening"])

    (message,) = outbox(student.id)
    assert message.template_key == f"template-{update.id}"
    assert message.subject == "We are reading your details, Maya"
    assert message.body.startswith("Hello Maya, you are in Screening.")


def test_choosing_no_message_turns_interview_off(client, signed_in, student, stages):
    """After an admin chooses "No message" for Interview, does a move there queue nothing?"""
    signed_in(Role.ADMIN)
    response = client.post("/admin/messages/stages", data=stage_form(interview=""))
    assert response.status_code == 302
    db.session.expire_all()
    assert stages["interview"].message_template_id is None
    assert stages["offer"].message_template_id == template("offer").id

    board_move(client, student, stages["interview"])
    assert outbox(student.id) == []


# --- moves send the stage's message -----------------------------------------------------


def test_candidate_page_offers_the_message_box_ticked(client, signed_in, student, stages):
    """Does the candidate page's move form show the message box, ticked, and say which
    stages send a message?"""
    signed_in(Role.HR)
    html = client.get(f"/candidates/{student.id}").get_data(as_text=True)
    box = re.search(r'<input[^>]*\bname="send_message"[^>]*>', html).group(0)
    assert "checked" in box
    assert '<input type="hidden" name="message_choice" value="shown">' in html
    assert "Interview, Offer, Not selected and Talent pool send a message on entry" in unescape(
        html
    )


def test_ticked_move_to_interview_queues_the_invitation(client, signed_in, student, stages):
    """When HR moves a consenting candidate to Interview with the box ticked, is one
    invitation queued to their address?"""
    signed_in(Role.HR)
    response = page_move(client, student, stages["interview"], send_message=True)
    assert response.status_code == 303

    (message,) = outbox(student.id)
    assert message.to == "maya.okafor@capital.example.edu"
    assert message.template_key == "interview"
    assert message.state == DeliveryState.QUEUED
    assert message.subject == "Can we talk? An interview with the State Procurement Office"
    assert message.body.startswith("Hello Maya,")


def test_stage_message_ends_with_contact_and_stop_link(client, signed_in, student, stages):
    """Does the queued message end with the office's contact and the stop-emails mask (never
    a real link)?"""
    signed_in(Role.HR)
    page_move(client, student, stages["interview"], send_message=True)
    (message,) = outbox(student.id)
    assert message.body.endswith(SIGN_OFF)
    assert "/apply/stop/" not in message.body


def test_ticked_move_says_a_message_will_go(client, signed_in, student, stages):
    """Does the page after the move tell HR the candidate will be emailed?"""
    signed_in(Role.HR)
    response = page_move(client, student, stages["interview"], send_message=True)
    text = page_text(client.get(response.headers["Location"]))
    assert "Maya Okafor moved to Interview. We will email them the stage's message." in text


def test_unticked_move_sends_nothing(client, signed_in, student, stages):
    """When HR unticks the box, does the candidate move with no message queued, and the
    page not promise one?"""
    signed_in(Role.HR)
    response = page_move(client, student, stages["interview"], send_message=False)
    assert db.session.get(Candidate, student.id).stage_id == stages["interview"].id
    assert outbox() == []
    text = page_text(client.get(response.headers["Location"]))
    assert "Maya Okafor moved to Interview." in text
    assert "We will email them" not in text


def test_board_move_sends_the_stage_message(client, signed_in, student, stages):
    """Does a drag on the board, which sends no message fields, queue the stage's message?"""
    signed_in(Role.HR)
    response = board_move(client, student, stages["interview"])
    assert response.status_code == 200
    assert [m.template_key for m in outbox(student.id)] == ["interview"]


def test_not_selected_message_gives_the_reason_in_student_words(client, signed_in, student, stages):
    """Does the Not selected message say why in the student's words, never the code or the
    staff label?"""
    signed_in(Role.HR)
    response = page_move(
        client, student, stages["not_selected"], send_message=True, reason="skills_mismatch"
    )
    assert response.status_code == 303

    (message,) = outbox(student.id)
    assert message.template_key == "not_selected"
    assert str(STUDENT_REASONS["skills_mismatch"]) in message.body
    assert "skills_mismatch" not in message.body
    assert CLOSE_REASON_LABELS["skills_mismatch"] not in message.body


def test_spanish_reader_gets_one_language_per_message(client, signed_in, make_candidate, stages):
    """Does a student who reads Spanish get the Spanish message, reason and footer, and,
    when a template has no Spanish, the English message wholly in English?"""
    signed_in(Role.HR)
    ana, luis = (
        make_candidate(first_name=name, consent_at=utcnow(), language="es")
        for name in ("Ana", "Luis")
    )
    page_move(client, ana, stages["not_selected"], send_message=True, reason="no_response")
    (spanish,) = outbox(ana.id)
    assert "no logramos comunicarnos con usted" in spanish.body
    assert "Para dejar de recibir nuestros correos:" in spanish.body

    template = stages["not_selected"].message_template
    template.subject_es = template.body_es = ""
    db.session.commit()
    page_move(client, luis, stages["not_selected"], send_message=True, reason="no_response")
    (english,) = outbox(luis.id)
    assert str(STUDENT_REASONS["no_response"]) in english.body
    assert "Stop emails from us:" in english.body


def test_bulk_move_of_three_queues_three(client, signed_in, make_candidate, stages):
    """Does moving three selected candidates to Interview queue one invitation each, and
    say so?"""
    signed_in(Role.HR)
    chosen = [make_candidate(consent_at=utcnow()) for _ in range(3)]
    response = client.post(
        "/candidates/bulk",
        data={
            "ids": [str(c.id) for c in chosen],
            "action": "move",
            "to_stage": str(stages["interview"].id),
        },
    )

    messages = outbox()
    assert sorted(m.to for m in messages) == sorted(c.email for c in chosen)
    assert {m.template_key for m in messages} == {"interview"}
    text = page_text(client.get(response.headers["Location"]))
    assert "Moved 3 to Interview. 3 will get the Interview message." in text


def test_no_consent_no_message_but_the_move_happens(client, signed_in, make_candidate, stages):
    """Is a candidate who never agreed to be contacted moved to Interview with no message?"""
    signed_in(Role.HR)
    candidate = make_candidate(consent_at=None)
    response = board_move(client, candidate, stages["interview"])
    assert response.status_code == 200
    assert db.session.get(Candidate, candidate.id).stage_id == stages["interview"].id
    assert outbox() == []


def test_stopped_emails_no_message_but_the_move_happens(client, signed_in, make_candidate, stages):
    """Is a candidate who stopped emails moved to Interview with no message?"""
    signed_in(Role.HR)
    candidate = make_candidate(consent_at=utcnow(), emails_stopped_at=utcnow())
    response = board_move(client, candidate, stages["interview"])
    assert response.status_code == 200
    assert db.session.get(Candidate, candidate.id).stage_id == stages["interview"].id
    assert outbox() == []


# --- the interest form's confirmation ---------------------------------------------------


class TestInterestConfirmation:
    @pytest.fixture
    def config_overrides(self):
        return {"MIN_FILL_SECONDS": 0}

    @pytest.fixture
    def university(self, make_university):
        return make_university(name="Capital State University")

    def test_submission_queues_one_confirmation(self, client, stages, university):
        """Does a student who sends the form get one "we received it" message queued?"""
        response = client.post("/apply", data=form_data(university))
        assert response.status_code == 303

        (message,) = outbox()
        assert message.to == "maya.okafor@capital.example.edu"
        assert message.template_key == "interest_received"
        assert message.subject == "We received your interest form"
        assert message.body.startswith("Hello Maya,")

    @pytest.mark.parametrize("minutes", [0, 59])
    def test_second_submission_within_the_hour_queues_no_second(
        self, client, stages, university, clock, minutes
    ):
        """Does sending the form again within the hour add no second confirmation?"""
        client.post("/apply", data=form_data(university))
        clock.advance(minutes=minutes)
        response = client.post("/apply", data=form_data(university, major="Economics"))
        assert response.status_code == 303
        assert len(outbox()) == 1

    def test_submission_an_hour_later_queues_another(self, client, stages, university, clock):
        """Does a student who sends the form again over an hour later get another one,
        whose link to their own page retires the one the first carried?"""
        client.post("/apply", data=form_data(university))
        clock.advance(minutes=61)
        client.post("/apply", data=form_data(university))
        first, second = outbox()
        assert [first.template_key, second.template_key] == ["interest_received"] * 2
        older, newer = (db.session.get(StatusLink, m.link_ref) for m in (first, second))
        assert older.revoked_at is not None and newer.revoked_at is None

    def test_a_new_students_form_looks_for_nothing_they_cannot_have(
        self, client, stages, university
    ):
        """Does the form of a student it adds neither look for an earlier confirmation nor
        retire older links (they have none), and look for an earlier send of the form in
        one read, not two?"""
        data = form_data(university, submission="a-new-students-own-key-01")
        with counting_queries() as statements:
            assert client.post("/apply", data=data).status_code == 303
        assert len(outbox()) == 1
        sent = [" ".join(statement.split()) for statement in statements]
        assert not [s for s in sent if s.startswith("SELECT outbox_messages.id")]
        assert not [s for s in sent if s.startswith("UPDATE status_links SET revoked_at")]
        receipts_read = [s for s in sent if s.startswith("SELECT form_receipts")]
        assert len(receipts_read) == 1


# --- a candidate's messages page --------------------------------------------------------


def test_hr_writes_to_a_candidate_with_placeholders_filled(client, signed_in, student, stages):
    """Does HR's message go to the outbox with the candidate's name and stage filled in?"""
    hr = signed_in(Role.HR)
    response = client.post(
        f"/candidates/{student.id}/messages",
        data={
            "subject": "Your interview, {first_name}",
            "body": "Hello {full_name},\r\nYou are in {stage}.",
        },
    )
    assert response.status_code == 302

    (message,) = outbox(student.id)
    assert message.subject == "Your interview, Maya"
    assert message.body == "Hello Maya Okafor,\nYou are in Interested." + SIGN_OFF
    assert (message.template_key, message.created_by_id) == ("written", hr.id)
    text = page_text(client.get(response.headers["Location"]))
    assert "Message to Maya Okafor queued." in text
    assert "Your interview, Maya" in text


def test_outreach_cannot_write_to_candidates(client, signed_in, student, stages):
    """Are outreach staff refused a candidate's messages page and its form?"""
    signed_in(Role.OUTREACH)
    assert client.get(f"/candidates/{student.id}/messages").status_code == 403
    response = client.post(
        f"/candidates/{student.id}/messages", data={"subject": "Hi", "body": "Hello"}
    )
    assert response.status_code == 403
    assert outbox() == []


def test_candidate_who_stopped_emails_shows_the_refusal(client, signed_in, make_candidate):
    """Does the messages page of a candidate who stopped emails say none can go, with no
    form to write one?"""
    signed_in(Role.HR)
    candidate = make_candidate(
        first_name="Maya", last_name="Okafor", consent_at=utcnow(), emails_stopped_at=utcnow()
    )
    response = client.get(f"/candidates/{candidate.id}/messages")
    text = page_text(response)
    assert "No message can go to Maya Okafor: they asked us to stop emailing them." in text
    assert 'name="subject"' not in text


def test_writing_to_a_candidate_who_stopped_emails_is_refused(client, signed_in, make_candidate):
    """Is a message posted to a candidate who stopped emails refused, with nothing queued?"""
    signed_in(Role.HR)
    candidate = make_candidate(consent_at=utcnow(), emails_stopped_at=utcnow())
    response = client.post(
        f"/candidates/{candidate.id}/messages", data={"subject": "Hi", "body": "Hello"}
    )
    assert response.status_code == 422
    assert "they asked us to stop emailing them" in page_text(response)
    assert outbox() == []


def test_starting_from_a_template_fills_the_form(client, signed_in, student, stages):
    """Does choosing a template to start from put its subject and words in the form?"""
    signed_in(Role.HR)
    offer = template("offer")
    response = client.get(f"/candidates/{student.id}/messages?template={offer.id}")
    assert response.status_code == 200
    assert input_value(response, "subject") == offer.subject
    assert textarea_value(response, "body") == offer.body


# --- an event's follow-up ---------------------------------------------------------------


@pytest.fixture
def fair(make_event, make_candidate, stages):
    """An event with two reachable leads not yet contacted, one who never agreed to be
    contacted, and one contacted already; returns (event id, {name: candidate id})."""
    event = make_event(name="Capitol Career Fair")
    leads = {
        "ana": make_candidate(first_name="Ana", consent_at=utcnow()),
        "ben": make_candidate(first_name="Ben", consent_at=utcnow()),
        "cy": make_candidate(first_name="Cy", consent_at=None),
        "dee": make_candidate(first_name="Dee", consent_at=utcnow()),
    }
    for name, candidate in leads.items():
        contacted = utcnow() if name == "dee" else None
        db.session.add(CandidateEvent(candidate=candidate, event=event, contacted_at=contacted))
    db.session.commit()
    return event.id, {name: c.id for name, c in leads.items()}


def contacted_at(event_id: int, candidate_id: int):
    db.session.expire_all()
    return db.session.get(CandidateEvent, (candidate_id, event_id)).contacted_at


def test_follow_up_says_how_many_it_reaches_and_skips(client, signed_in, fair):
    """Before sending, does the page say how many uncontacted leads get the message and
    how many are skipped?"""
    signed_in(Role.OUTREACH)
    event_id, _ = fair
    text = page_text(client.get(f"/events/{event_id}/follow-up"))
    assert "2 of 3 leads not yet contacted will get this message." in text
    assert "1 will be skipped" in text
    assert "Send to 2 leads" in text
    assert outbox() == []


def test_follow_up_queues_one_per_reachable_lead(client, signed_in, fair):
    """Does sending the booth thanks queue one message per reachable lead, naming the
    event, and mark just them contacted?"""
    signed_in(Role.OUTREACH)
    event_id, leads = fair
    response = client.post(
        f"/events/{event_id}/follow-up",
        data={"action": "send", "template": str(template("booth_thanks").id)},
    )
    assert response.status_code == 302

    messages = outbox()
    assert sorted(m.candidate_id for m in messages) == sorted([leads["ana"], leads["ben"]])
    assert {m.subject for m in messages} == {
        "Thank you for stopping by our booth at Capitol Career Fair"
    }
    assert contacted_at(event_id, leads["ana"]) is not None
    assert contacted_at(event_id, leads["ben"]) is not None
    assert contacted_at(event_id, leads["cy"]) is None
    text = page_text(client.get(response.headers["Location"]))
    assert "for 2 leads. 1 skipped" in text


def test_second_follow_up_reaches_nobody(client, signed_in, fair):
    """Does sending the follow-up again queue nothing more?"""
    signed_in(Role.OUTREACH)
    event_id, _ = fair
    data = {"action": "send", "template": str(template("booth_thanks").id)}
    client.post(f"/events/{event_id}/follow-up", data=data)
    client.post(f"/events/{event_id}/follow-up", data=data)
    assert len(outbox()) == 2
    text = page_text(client.get(f"/events/{event_id}/follow-up"))
    assert "0 of 1 lead not yet contacted will get this message." in text


# --- the stop-emails link ---------------------------------------------------------------


def stop_url(candidate_id: int) -> str:
    return f"/apply/stop/{services.stop_token(candidate_id)}"


def test_stop_link_shows_a_button_and_changes_nothing(client, student, stages):
    """Does opening the stop-emails link (as a mail scanner would) only show a button?"""
    services.send_template(student, template("interview"))
    db.session.commit()
    response = client.get(stop_url(student.id))

    assert response.status_code == 200
    assert re.search(r"<button[^>]*>Stop emails</button>", response.get_data(as_text=True))
    db.session.expire_all()
    assert student.emails_stopped_at is None
    assert [m.state for m in outbox(student.id)] == [DeliveryState.QUEUED]


class TestOneClickStop:
    """Mail clients post the link in one click (RFC 8058), with no form token."""

    @pytest.fixture
    def config_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    @pytest.fixture
    def queued(self, student, stages):
        """The student with an interview invitation waiting to go."""
        services.send_template(student, template("interview"))
        db.session.commit()
        return student

    def test_one_click_records_the_stop(self, client, queued):
        """Does a post without a form token record that the student stopped emails?"""
        response = client.post(stop_url(queued.id), data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
        assert "We will not email you again" in page_text(response)
        db.session.expire_all()
        assert queued.emails_stopped_at is not None

    def test_one_click_withdraws_what_is_queued(self, client, queued):
        """Are the student's messages still waiting withdrawn, saying why?"""
        client.post(stop_url(queued.id), data={"List-Unsubscribe": "One-Click"})
        (message,) = outbox(queued.id)
        assert message.state == DeliveryState.CANCELLED
        assert "asked us to stop" in message.last_error

    def test_one_click_is_audited(self, client, queued):
        """Does the audit log record the student's stop?"""
        client.post(stop_url(queued.id), data={"List-Unsubscribe": "One-Click"})
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "candidate.stop_emails")
        ).one()
        assert (entry.target_type, entry.target_id) == ("Candidate", queued.id)


@pytest.mark.parametrize(
    "forge",
    [
        lambda cid: services.stop_token(cid)[:-2] + "xx",
        lambda cid: URLSafeSerializer("another-key", salt="stop-emails").dumps(cid),
        lambda cid: services.stop_token(str(cid)),
    ],
    ids=["tampered", "other-key", "not-an-id"],
)
def test_forged_stop_link_is_not_found(client, student, forge):
    """Does a forged stop link answer 404, on GET and POST, stopping nobody?"""
    url = f"/apply/stop/{forge(student.id)}"
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    db.session.expire_all()
    assert student.emails_stopped_at is None


# --- erasure ----------------------------------------------------------------------------


def test_erasure_scrubs_the_candidates_messages(client, signed_in, student, stages):
    """After an admin erases a candidate, do their messages keep no address or words?"""
    admin = signed_in(Role.ADMIN)
    services.compose(student, "Hello {first_name}", "About your interview.", admin)
    sent = services.send_template(student, template("interview"), admin)
    sent.state, sent.sent_at = DeliveryState.SENT, utcnow()
    db.session.commit()

    response = client.post(
        f"/privacy/candidates/{student.id}/erase",
        data={"erase-why": "student asked", "erase-confirm": "ERASE"},
    )
    assert response.status_code == 302

    messages = outbox(student.id)
    assert len(messages) == 2
    assert {(m.to, m.body) for m in messages} == {("erased", "")}
    assert all("Maya" not in m.subject for m in messages)


# --- the outbox -------------------------------------------------------------------------


def add_message(candidate, subject: str, state=DeliveryState.QUEUED, by_user=None, **fields):
    """A committed outbox row for a candidate, in the state given."""
    message = services.queue(
        candidate.email, subject, "Hello.", candidate=candidate, by_user=by_user
    )
    message.state = state
    for name, value in fields.items():
        setattr(message, name, value)
    db.session.commit()
    return message


@pytest.mark.parametrize("role", [Role.HR, Role.OUTREACH])
def test_staff_see_the_outbox(client, signed_in, student, role):
    """Do HR and outreach staff see the messages waiting in the outbox?"""
    signed_in(role)
    add_message(student, "About your interview")
    response = client.get("/outbox/")
    assert response.status_code == 200
    text = page_text(response)
    assert "About your interview" in text and "Maya Okafor" in text


def test_outbox_filters_failed_messages(client, signed_in, student):
    """Does ?state=failed show the failed messages and no others?"""
    signed_in(Role.HR)
    add_message(student, "This one bounced", DeliveryState.FAILED, last_error="550 no such user")
    add_message(student, "This one arrived", DeliveryState.SENT, sent_at=utcnow())
    add_message(student, "This one waits")
    text = page_text(client.get("/outbox/?state=failed"))
    assert "This one bounced" in text
    assert "This one arrived" not in text and "This one waits" not in text


def test_failed_message_says_why_and_offers_try_again(client, signed_in, student):
    """Does a failed message show the mail server's reason and a Try again button?"""
    signed_in(Role.HR)
    failed = add_message(
        student,
        "This one bounced",
        DeliveryState.FAILED,
        attempts=5,
        last_error="550 5.1.1 mailbox unavailable",
    )
    html = client.get("/outbox/").get_data(as_text=True)
    assert "after 5 tries: 550 5.1.1 mailbox unavailable" in unescape(html)
    assert f'action="/outbox/{failed.id}/resend"' in html
    assert "Try again" in html


def test_try_again_queues_a_failed_message_once_more(client, signed_in, student):
    """Does Try again put the failed message back in the queue, its failure cleared?"""
    signed_in(Role.HR)
    failed = add_message(
        student, "This one bounced", DeliveryState.FAILED, attempts=5, last_error="550"
    )
    response = client.post(f"/outbox/{failed.id}/resend")
    assert response.status_code == 302

    (message,) = outbox()
    assert (message.state, message.attempts, message.last_error) == (
        DeliveryState.QUEUED,
        0,
        "",
    )
    assert "The message is queued to go again." in page_text(client.get("/outbox/"))


def test_outbox_says_mail_is_off_without_a_server(client, signed_in, student):
    """With no MAIL_SERVER, does the outbox say mail is off and mark waiting messages so?"""
    signed_in(Role.HR)
    add_message(student, "About your interview")
    text = page_text(client.get("/outbox/"))
    assert "Mail is off (no mail server is set)" in text
    assert "Not sent (mail is off)" in text


class TestMailOn:
    @pytest.fixture
    def config_overrides(self):
        return {"MAIL_SERVER": "smtp.state.example"}

    def test_outbox_shows_messages_queued(self, client, signed_in, student):
        """With a mail server set, does the outbox show waiting messages as queued, not
        as mail being off?"""
        signed_in(Role.HR)
        add_message(student, "About your interview")
        text = page_text(client.get("/outbox/"))
        assert "mail is off" not in text.lower()
        assert ">Queued<" in text


def test_outbox_never_shows_an_evaluation_links_token(client, signed_in, make_candidate, stages):
    """Does the outbox show the evaluation message with its link masked, never the token?"""
    hr = signed_in(Role.HR)
    standard_items()
    placement = new_placement(make_candidate(first_name="Maya", last_name="Okafor"))
    _, token = new_link(placement, hr)

    html = client.get("/outbox/").get_data(as_text=True)
    assert "Mid-term evaluation: Maya Okafor" in unescape(html)
    assert services.PRIVATE_LINK_MASK in unescape(html)
    assert token not in html


# --- query counts -----------------------------------------------------------------------


@pytest.fixture
def write_messages(make_user, make_candidate, stages):
    """Return a callable that queues n messages to one candidate (by default) in every
    state, written by staff taking turns (the first writer for the first few); returns the
    candidate's id."""
    # Ids, not rows: counting a page empties the session around the request.
    candidate_ids = [
        make_candidate(first_name="Maya", last_name="Okafor", consent_at=utcnow()).id,
        *(make_candidate(consent_at=utcnow()).id for _ in range(2)),
    ]
    writer_ids = [make_user(Role.HR).id for _ in range(4)]
    states = list(DeliveryState)
    made = [0]

    def write(n: int, spread: bool = False) -> int:
        for i in range(made[0], made[0] + n):
            to = candidate_ids[i % 3] if spread else candidate_ids[0]
            writer = writer_ids[0] if i < 3 else writer_ids[i % len(writer_ids)]
            add_message(
                db.session.get(Candidate, to),
                f"Message {i}",
                states[i % len(states)],
                by_user=db.session.get(User, writer),
            )
        made[0] += n
        return candidate_ids[0]

    return write


def test_outbox_costs_the_same_with_30_messages(client, signed_in, write_messages):
    """Does the outbox with 30 messages to several candidates by several staff send as many
    queries as with 3?"""
    signed_in(Role.HR)
    write_messages(3, spread=True)
    with_3 = queries_for(client, "/outbox/")
    write_messages(27, spread=True)
    with_30 = queries_for(client, "/outbox/")
    assert with_3 == with_30, f"{with_3} queries with 3 messages, {with_30} with 30"


def test_candidate_messages_cost_the_same_with_30(client, signed_in, write_messages):
    """Does a candidate's messages page with 30 messages by several staff send as many
    queries as with 3?"""
    signed_in(Role.HR)
    candidate_id = write_messages(3)
    with_3 = queries_for(client, f"/candidates/{candidate_id}/messages")
    write_messages(27)
    with_30 = queries_for(client, f"/candidates/{candidate_id}/messages")
    assert with_3 == with_30, f"{with_3} queries with 3 messages, {with_30} with 30"
