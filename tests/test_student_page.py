"""The student's own page: a private link sent on request or with the confirmation, where
they stand in plain words, the changes they make themselves (each audited as theirs and
refused once the link is dead), and what HR and admins see of it."""

import hashlib
import io
import json
import logging
import re
from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from recruit.audit.models import AuditEntry
from recruit.auth.models import Role
from recruit.candidates.models import (
    Attachment,
    Candidate,
    CandidateInterest,
    Interest,
    Note,
    StageChange,
    Term,
)
from recruit.database import utcnow
from recruit.extensions import db
from recruit.interest.receipts import start_token
from recruit.messages import services as messages
from recruit.messages.delivery import deliver_due
from recruit.messages.models import DeliveryState, LinkKind, OutboxMessage
from recruit.pipeline.stages import STUDENT_WORDING
from recruit.placements.models import CandidateOpening, PositionStatus
from recruit.privacy import services as privacy
from recruit.students import services as students
from recruit.students.models import StatusLink
from tests.pdf_files import blank_pdf
from tests.placement_factories import new_position
from tests.query_counting import page_queries

STUDENT_EMAIL = "maya.okafor@capital.example.edu"
GRAD_YEAR = str(date.today().year + 1)
PDF = blank_pdf()
LINK = re.compile(r"http://127\.0\.0\.1:5000(/apply/status/[A-Za-z0-9_-]{43})")
SENT = "If we have your email, we have sent you a link"
DEAD = "This link no longer works"


@pytest.fixture(autouse=True)
def frozen(clock):
    """One clock for every test here, so links expire when a test moves it, not before."""
    return clock


@pytest.fixture
def student(make_candidate):
    """A student who may be written to, in the first stage."""
    return make_candidate(
        first_name="Maya",
        last_name="Okafor",
        email=STUDENT_EMAIL,
        consent_at=utcnow(),
        phone="555-0100",
        availability="May, after finals",
        grad_term=Term.SPRING,
        grad_year=int(GRAD_YEAR),
        major="Supply Chain Management",
        interests=[CandidateInterest(interest=Interest.SUMMER_INTERNSHIP)],
    )


def new_token(candidate: Candidate) -> str:
    """A committed link to the candidate's page; returns its token."""
    link = students.issue_status_link(candidate)
    db.session.commit()
    return students.status_token(link)


@pytest.fixture
def token(student) -> str:
    return new_token(student)


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def outbox() -> list[OutboxMessage]:
    db.session.rollback()  # read what requests committed
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def fresh(candidate: Candidate) -> Candidate:
    """The candidate as committed by the requests."""
    db.session.rollback()
    return db.session.get(Candidate, candidate.id)


def student_audit(candidate: Candidate) -> list[AuditEntry]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.target_id == candidate.id, AuditEntry.action.startswith("student."))
            .order_by(AuditEntry.id)
        )
    )


def details(**changes) -> dict:
    """A valid details form."""
    return {
        "phone": "555-0199",
        "grad_term": "fall",
        "grad_year": GRAD_YEAR,
        "interests": ["summer_internship", "full_time"],
        "availability": "June 2027",
        "language": "en",
        **changes,
    }


# Each action on the page: (path after the token, its form, the audit action it records).
def action(name: str, position_id: int | None = None) -> tuple[str, dict, str]:
    forms = {
        "details": ("details", details(), "student.details"),
        "resume": ("resume", {"resume": (io.BytesIO(PDF), "cv.pdf")}, "student.resume"),
        "openings": ("openings", {"openings": [str(position_id)]}, "student.openings"),
        "stop_emails": ("stop-emails", {}, "student.stop_emails"),
        "withdraw": ("withdraw", {"confirm": "y"}, "student.withdraw"),
        "data": ("data", {}, "student.data_download"),
        "erasure": ("erasure", {}, "student.erasure_request"),
    }
    return forms[name]


ACTIONS = ["details", "resume", "openings", "stop_emails", "withdraw", "data", "erasure"]


@pytest.fixture
def position():
    return new_position(title="Procurement Intern", agency="Department of Transportation")


def act(client, token: str, name: str, position_id: int | None = None):
    path, data, _audit = action(name, position_id)
    return client.post(f"/apply/status/{token}/{path}", data=data)


# --- asking for a link ---------------------------------------------------------------------


def test_request_says_the_same_for_known_and_unknown_addresses(client, student):
    """Does asking for a link give the same answer for an address we know and one we do not?"""
    known = client.post("/apply/status", data={"email": STUDENT_EMAIL}, follow_redirects=True)
    unknown = client.post(
        "/apply/status", data={"email": "nobody@capital.example.edu"}, follow_redirects=True
    )
    assert known.status_code == unknown.status_code == 200
    assert SENT in text(known)
    assert text(known) == text(unknown)


def test_known_student_gets_exactly_one_link_message(client, student):
    """Does a known student who asks get one message queued, carrying a status link?"""
    client.post("/apply/status", data={"email": STUDENT_EMAIL.upper()})
    (message,) = outbox()
    assert (message.to, message.template_key) == (STUDENT_EMAIL, "status_link")
    assert message.link_kind == LinkKind.STATUS
    assert messages.PRIVATE_LINK_MASK in message.body


def test_unknown_address_queues_nothing(client, student):
    """Does asking with an address we do not know queue no message at all?"""
    client.post("/apply/status", data={"email": "nobody@capital.example.edu"})
    assert outbox() == []


def test_student_who_stopped_emails_gets_no_link(client, student):
    """Does a student who asked us to stop emailing get no message when they ask?"""
    student.emails_stopped_at = utcnow()
    db.session.commit()
    client.post("/apply/status", data={"email": STUDENT_EMAIL})
    assert outbox() == []


@pytest.mark.parametrize(("minutes", "messages_queued"), [(9, 1), (11, 2)])
def test_asking_again_sends_at_most_one_link_in_ten_minutes(
    client, student, clock, minutes, messages_queued
):
    """Does asking twice within ten minutes send one message, and after ten minutes two?"""
    client.post("/apply/status", data={"email": STUDENT_EMAIL})
    clock.advance(minutes=minutes)
    client.post("/apply/status", data={"email": STUDENT_EMAIL})
    assert len(outbox()) == messages_queued


def test_request_with_a_bad_address_keeps_it_and_says_why(client, student):
    """Is a mistyped address shown again with the reason, and nothing queued?"""
    response = client.post("/apply/status", data={"email": "maya.okafor@"})
    assert response.status_code == 400
    assert "Enter an email address like name@university.edu." in text(response)
    assert 'value="maya.okafor@"' in response.get_data(as_text=True)
    assert outbox() == []


class TestStaleFormToken:
    @pytest.fixture
    def config_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_request_without_a_valid_token_keeps_the_address(self, client, student):
        """Without a valid form token, does the request form come back with the address?"""
        response = client.post(
            "/apply/status", data={"email": STUDENT_EMAIL, "csrf_token": "stale"}
        )
        assert response.status_code == 400
        assert "This page was open for a while" in text(response)
        assert f'value="{STUDENT_EMAIL}"' in response.get_data(as_text=True)
        assert outbox() == []

    def test_action_without_a_valid_token_changes_nothing(self, client, student, token):
        """Without a valid form token, does a change on the page come back unmade, kept?"""
        response = client.post(
            f"/apply/status/{token}/details", data=details(csrf_token="stale", phone="555-0123")
        )
        assert response.status_code == 400
        assert "This page was open for a while" in text(response)
        assert 'value="555-0123"' in response.get_data(as_text=True)
        assert fresh(student).phone == "555-0100"


class TestRateLimit:
    @pytest.fixture
    def config_overrides(self):
        return {"RATELIMIT_ENABLED": True, "STATUS_FORM_LIMIT": "2 per minute"}

    def test_third_request_in_a_minute_is_refused(self, client, student):
        """Is a third request for a link from one address within a minute refused?"""
        statuses = [
            client.post("/apply/status", data={"email": f"s{n}@u.example"}).status_code
            for n in range(3)
        ]
        assert statuses == [303, 303, 429]

    def test_page_actions_share_the_limit(self, client, student, token):
        """Do changes on the page count toward the same allowance as requests for links?"""
        client.post("/apply/status", data={"email": "a@u.example"})
        client.post(f"/apply/status/{token}/details", data=details())
        assert client.post(f"/apply/status/{token}/erasure").status_code == 429


# --- the link, sent and opened -------------------------------------------------------------


class TestDelivered:
    @pytest.fixture
    def config_overrides(self, smtp_server):
        return {"MIN_FILL_SECONDS": 0, **smtp_server.config}

    def delivered_link(self, smtp_server) -> str:
        deliver_due()
        (received,) = smtp_server.received
        match = LINK.search(received.get_content())
        assert match, "the message carries no link to the student's page"
        return match.group(1)

    def test_requested_link_opens_the_page(self, client, student, smtp_server):
        """Does the link in the message a student asked for open their page?"""
        client.post("/apply/status", data={"email": STUDENT_EMAIL})
        page = client.get(self.delivered_link(smtp_server))
        assert page.status_code == 200
        assert "Where you stand" in text(page) and "Hello, Maya" in text(page)

    def test_confirmation_link_opens_the_page(self, client, stages, make_university, smtp_server):
        """Does the interest form's confirmation carry a link that opens the student's page?"""
        university = make_university(name="Capital State University")
        form = {
            "first_name": "Maya",
            "last_name": "Okafor",
            "email": STUDENT_EMAIL,
            "university": str(university.id),
            "major": "Supply Chain Management",
            "class_standing": "junior",
            "grad_term": "spring",
            "grad_year": GRAD_YEAR,
            "interests": ["summer_internship"],
            "availability": "May",
            "consent": "y",
            "started": start_token(),
        }
        assert client.post("/apply", data=form).status_code == 303
        assert client.get(self.delivered_link(smtp_server)).status_code == 200

    def test_outbox_keeps_the_mask_not_the_link(self, client, student, smtp_server):
        """Once sent, does the outbox row still hold the mask rather than the link?"""
        client.post("/apply/status", data={"email": STUDENT_EMAIL})
        path = self.delivered_link(smtp_server)
        (message,) = outbox()
        assert message.state == DeliveryState.SENT
        assert path.rsplit("/", 1)[1] not in message.body

    def test_message_queued_before_a_newer_link_carries_the_newer(
        self, client, student, smtp_server
    ):
        """When a newer link is issued before a message goes, does the message still go,
        with the link that works?"""
        client.post("/apply/status", data={"email": STUDENT_EMAIL})
        newer = new_token(student)
        assert self.delivered_link(smtp_server) == f"/apply/status/{newer}"

    def test_a_merged_away_records_message_carries_the_kept_records_link(
        self, student, make_candidate, make_user, smtp_server
    ):
        """When a record with a link message waiting is merged into the student's, and a
        new student then gets a link (on SQLite, under the id the merged-away link had),
        does the message go with the kept record's link, never the newcomer's?"""
        from recruit.pipeline.merge import merge_candidates

        kept = new_token(student)
        old = make_candidate(email="maya.old@mail.example", consent_at=utcnow())
        students.send_link_on_request("maya.old@mail.example")
        db.session.commit()
        merge_candidates(student, old, make_user(role=Role.HR))
        db.session.commit()
        newcomers = new_token(make_candidate(email="nia.adams@u.example"))
        path = self.delivered_link(smtp_server)
        assert path != f"/apply/status/{newcomers}"
        assert path == f"/apply/status/{kept}"

    def test_message_to_an_erased_student_is_withdrawn(self, client, student, smtp_server):
        """When the student's record is erased before the message goes, is it withdrawn?"""
        client.post("/apply/status", data={"email": STUDENT_EMAIL})
        fresh(student).anonymized_at = utcnow()
        db.session.commit()
        deliver_due()
        assert smtp_server.received == []
        (message,) = outbox()
        assert message.state == DeliveryState.CANCELLED
        assert "erased" in message.last_error


def test_only_the_hash_is_stored(student, token):
    """Does the token appear in no column of any table, only its SHA-256?"""
    link = db.session.scalars(select(StatusLink)).one()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)):
            assert not any(token in str(value) for value in row), table.name


def test_link_expires_after_the_configured_days(student, token):
    """Does a new link expire STATUS_LINK_DAYS (30) days after it is issued?"""
    link = db.session.scalars(select(StatusLink)).one()
    assert link.expires_at == utcnow() + timedelta(days=30)


def test_a_hash_planted_without_the_key_opens_nothing(client, student, token):
    """Does a token whose hash is in the database, but not made with the office's secret
    key, open nothing?"""
    planted = "P" * 43
    link = db.session.scalars(select(StatusLink)).one()
    link.token_hash = hashlib.sha256(planted.encode()).hexdigest()
    db.session.commit()
    assert client.get(f"/apply/status/{planted}").status_code == 404


def test_dead_links_all_look_the_same(client, make_candidate, student, clock):
    """Do expired, replaced, wrong and erased-record links get the same 404 page?"""
    expired = new_token(make_candidate(consent_at=utcnow()))
    clock.advance(days=30)
    replaced = new_token(student)
    new_token(student)
    erased_student = make_candidate(consent_at=utcnow())
    erased = new_token(erased_student)
    privacy.erase(erased_student, None, "asked on their page")
    anonymized_student = make_candidate(consent_at=utcnow())
    anonymized = new_token(anonymized_student)
    anonymized_student.anonymized_at = utcnow()
    db.session.commit()
    pages = set()
    for dead in (expired, replaced, "A" * 43, "short", erased, anonymized):
        response = client.get(f"/apply/status/{dead}")
        pages.add((response.status_code, text(response).replace(dead, "TOKEN")))
    assert len(pages) == 1
    status, page = pages.pop()
    assert status == 404 and DEAD in page and "/apply/status" in page


def test_page_is_never_cached_nor_sent_on_as_a_referrer(client, token):
    """Does the page tell browsers not to cache it nor pass its address on?"""
    response = client.get(f"/apply/status/{token}")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


def test_access_log_lines_hide_the_token(app, token, caplog):
    """Does a server's access log line for a student's page show it without the token?"""
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        logging.getLogger("werkzeug").info('"GET %s HTTP/1.1" 200', f"/apply/status/{token}")
    assert token not in caplog.text and "/apply/status/[link]" in caplog.text


def test_opening_the_page_is_noted_for_staff(client, student, token, clock):
    """Does opening the page record when the student last opened it?"""
    client.get(f"/apply/status/{token}")
    assert students.last_opened(fresh(student)) == clock.now


def test_reloads_are_noted_to_the_quarter_hour(client, student, token, clock):
    """Does a reload within a quarter hour leave the noted visit alone, and a later visit
    move it on?"""
    first = clock.now
    client.get(f"/apply/status/{token}")
    clock.advance(minutes=10)
    client.get(f"/apply/status/{token}")
    assert students.last_opened(fresh(student)) == first
    later = clock.advance(minutes=10)
    client.get(f"/apply/status/{token}")
    assert students.last_opened(fresh(student)) == later


# --- what the page says --------------------------------------------------------------------


def test_page_shows_the_students_wording_not_internal_details(
    client, signed_in, student, token, stages
):
    """Does the page say where the student stands in plain words, without the stage's
    internal name, staff notes, rating or tags?"""
    stages["interested"].name = "Unscreened (HR queue)"
    hr = signed_in(Role.HR)
    db.session.add(Note(candidate_id=student.id, body="Weak references", user_id=hr.id))
    student.rating = 2
    db.session.commit()
    stages["interested"].student_text = ""
    db.session.commit()
    page = text(client.get(f"/apply/status/{token}"))
    assert STUDENT_WORDING["interested"][0] in page
    assert "Unscreened" not in page and "Weak references" not in page
    assert "2 of 5" not in page


def test_page_shows_the_wording_admins_wrote_for_the_stage(client, student, token, stages):
    """When an admin worded the stage for students, does the page say that instead?"""
    stages["interested"].student_text = "We read your details every Friday."
    db.session.commit()
    page = text(client.get(f"/apply/status/{token}"))
    assert "We read your details every Friday." in page
    assert STUDENT_WORDING["interested"][0] not in page


def test_spanish_page_shows_the_spanish_wording(client, student, token, stages):
    """On the page in Spanish, does the stage's Spanish wording show?"""
    stages["interested"].student_text = "We read your details every Friday."
    stages["interested"].student_text_es = "Leemos sus datos cada viernes."
    db.session.commit()
    page = text(client.get(f"/apply/status/{token}?lang=es"))
    assert "Leemos sus datos cada viernes." in page
    assert "every Friday" not in page


def test_spanish_page_without_a_spanish_wording_shows_the_english(client, student, token, stages):
    """Without a Spanish wording for the stage, does the Spanish page show the English one?"""
    stages["interested"].student_text = "We read your details every Friday."
    stages["interested"].student_text_es = ""
    db.session.commit()
    assert "every Friday" in text(client.get(f"/apply/status/{token}?lang=es"))


def test_page_shows_chosen_openings_and_the_offices_contact(client, student, token, position):
    """Does the page list the openings the student chose and how to reach the office?"""
    db.session.add(CandidateOpening(candidate_id=student.id, position_id=position.id))
    db.session.commit()
    page = text(client.get(f"/apply/status/{token}"))
    assert "You told us these openings interest you" in page
    assert "Procurement Intern" in page and "Department of Transportation" in page
    assert "internships@procurement.state.example" in page


def test_page_costs_the_same_however_much_the_student_has(client, student, token, stages):
    """Does the page send as many queries for a student with many openings, interests and
    moves as for one with a single opening?"""
    # Ids, not rows: counting a page empties the session around the request.
    student_id, stage_ids = student.id, [stages[key].id for key in ("screening", "interview")]
    db.session.add(CandidateOpening(candidate_id=student_id, position_id=new_position().id))
    db.session.commit()
    one, _ = page_queries(client, f"/apply/status/{token}")
    for _ in range(6):
        db.session.add(CandidateOpening(candidate_id=student_id, position_id=new_position().id))
    db.session.get(Candidate, student_id).interests = [
        CandidateInterest(interest=interest) for interest in Interest
    ]
    for stage_id in stage_ids:
        db.session.add(StageChange(candidate_id=student_id, to_stage_id=stage_id))
    db.session.commit()
    many, page = page_queries(client, f"/apply/status/{token}")
    assert many == one
    assert page.count("Procurement Intern") == 14  # seven chosen, seven to choose from


# --- what the student changes --------------------------------------------------------------


def test_details_are_saved_and_nothing_else(client, student, token):
    """Does the details form change phone, graduation, interests and start, and leave the
    name and email alone even when they are sent?"""
    response = client.post(
        f"/apply/status/{token}/details",
        data=details(first_name="Mallory", email="mallory@evil.example", language="es"),
    )
    assert response.status_code == 303
    saved = fresh(student)
    assert (saved.phone, saved.grad_term, saved.availability) == (
        "555-0199",
        Term.FALL,
        "June 2027",
    )
    assert {ci.interest for ci in saved.interests} == {
        Interest.SUMMER_INTERNSHIP,
        Interest.FULL_TIME,
    }
    assert saved.language == "es"
    assert (saved.first_name, saved.email) == ("Maya", STUDENT_EMAIL)


def test_details_with_errors_come_back_with_the_values(client, student, token):
    """Are details with a mistake shown again with the error and what the student typed?"""
    response = client.post(
        f"/apply/status/{token}/details",
        data=details(interests=[], availability="Next spring", grad_year="1900"),
    )
    assert response.status_code == 400
    page = text(response)
    assert "Choose at least one." in page and "Choose a graduation year from" in page
    assert 'value="Next spring"' in page
    assert fresh(student).availability == "May, after finals"


def test_language_switch_after_a_mistake_leads_to_the_page(client, student, token):
    """After details with a mistake, does the language switch open the student's page
    (the address the form went to takes no GET)?"""
    response = client.post(f"/apply/status/{token}/details", data=details(availability=""))
    assert response.status_code == 400
    assert f'href="/apply/status/{token}?lang=es"' in response.get_data(as_text=True)
    assert client.get(f"/apply/status/{token}?lang=es").status_code == 200


@pytest.mark.parametrize(
    "changes",
    [
        {"grad_year": "twenty"},
        {"grad_year": "9" * 40},
        {"grad_term": "winter"},
        {"interests": ["nonsense"]},
        {"language": "xx"},
        {"phone": "5" * 500},
        {"availability": ""},
        {"grad_term": ""},
    ],
)
def test_odd_details_are_refused_not_a_server_error(client, student, token, changes):
    """Is any odd value in the details form refused with 400, never a server error?"""
    response = client.post(f"/apply/status/{token}/details", data=details(**changes))
    assert response.status_code == 400


def test_resume_is_kept(client, student, token):
    """Does a PDF the student sends become their resume?"""
    response = client.post(
        f"/apply/status/{token}/resume", data={"resume": (io.BytesIO(PDF), "cv.pdf")}
    )
    assert response.status_code == 303
    resume = students.current_resume(fresh(student))
    assert resume.original_name == "cv.pdf" and resume.size == len(PDF)


def test_new_resume_replaces_the_old(client, student, token):
    """Does a second resume become the current one, the first kept for staff?"""
    for name in ("first.pdf", "second.pdf"):
        client.post(f"/apply/status/{token}/resume", data={"resume": (io.BytesIO(PDF), name)})
    db.session.rollback()
    kept = db.session.scalars(select(Attachment).where(Attachment.deleted_at.is_(None))).all()
    assert sorted(a.original_name for a in kept) == ["first.pdf", "second.pdf"]
    assert students.current_resume(fresh(student)).original_name == "second.pdf"


def test_resume_that_is_not_a_pdf_is_refused(client, student, token):
    """Is a file that is not a PDF refused with the reason, and nothing kept?"""
    response = client.post(
        f"/apply/status/{token}/resume", data={"resume": (io.BytesIO(b"hello"), "cv.docx")}
    )
    assert response.status_code == 400
    assert "The resume must be a PDF file." in text(response)
    assert students.current_resume(fresh(student)) is None


def test_openings_chosen_replace_the_earlier_choice(client, student, token):
    """Does ticking openings save exactly those, dropping what was unticked?"""
    first, second = new_position(), new_position()
    db.session.add(CandidateOpening(candidate_id=student.id, position_id=first.id))
    db.session.commit()
    response = client.post(f"/apply/status/{token}/openings", data={"openings": [second.id]})
    assert response.status_code == 303
    db.session.rollback()
    chosen = db.session.scalars(select(CandidateOpening.position_id)).all()
    assert chosen == [second.id]


def test_opening_closed_meanwhile_is_dropped_not_refused(client, student, token):
    """When a ticked opening closed while the page was open, are the others saved and
    the student not shown an error?"""
    still_open, closed_meanwhile = new_position(), new_position()
    closed_meanwhile.status = PositionStatus.CLOSED
    db.session.commit()
    response = client.post(
        f"/apply/status/{token}/openings",
        data={"openings": [still_open.id, closed_meanwhile.id]},
    )
    assert response.status_code == 303
    db.session.rollback()
    assert db.session.scalars(select(CandidateOpening.position_id)).all() == [still_open.id]


def test_stop_emails_from_the_page(client, student, token):
    """Does the student's button stop emails to them?"""
    assert client.post(f"/apply/status/{token}/stop-emails").status_code == 303
    assert fresh(student).emails_stopped_at is not None


def test_withdraw_goes_through_the_pipeline(client, student, token, stages):
    """Does withdrawing move the student to Withdrawn through the one move, recording a
    history row by no staff member with the reason own_request?"""
    assert client.post(f"/apply/status/{token}/withdraw", data={"confirm": "y"}).status_code == 303
    saved = fresh(student)
    assert saved.stage_id == stages["withdrawn"].id and saved.closed_reason == "own_request"
    change = db.session.scalars(
        select(StageChange)
        .where(StageChange.candidate_id == student.id)
        .order_by(StageChange.id.desc())
    ).first()
    assert (change.to_stage_id, change.user_id, change.reason) == (
        stages["withdrawn"].id,
        None,
        "own_request",
    )
    assert change.by_student


def test_withdraw_needs_the_box_ticked(client, student, token, stages):
    """Is a withdrawal without the confirming tick refused, the student left where they are?"""
    response = client.post(f"/apply/status/{token}/withdraw", data={})
    assert response.status_code == 400
    assert "Tick the box to confirm" in text(response)
    assert fresh(student).stage_id == stages["interested"].id


def test_withdraw_when_already_closed_is_refused_politely(client, make_candidate, stages):
    """Does a student whose application is closed get a polite refusal, and no move?"""
    closed = make_candidate(stage="not_selected", consent_at=utcnow())
    token = new_token(closed)
    response = client.post(f"/apply/status/{token}/withdraw", data={"confirm": "y"})
    assert response.status_code == 409
    assert "already closed" in text(response)
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(StageChange)
            .where(StageChange.candidate_id == closed.id)
        )
        == 1
    )


def test_download_holds_the_students_data(client, student, token):
    """Does the download give the student's data as a JSON attachment?"""
    response = client.post(f"/apply/status/{token}/data")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.data)
    assert data["profile"]["email"] == STUDENT_EMAIL


def test_erasure_request_is_recorded_and_acknowledged(client, student, token):
    """Does asking for erasure record the request, and does the page then say it arrived?"""
    client.post(f"/apply/status/{token}/erasure")
    assert fresh(student).erasure_requested_at == utcnow()
    page = text(client.get(f"/apply/status/{token}"))
    assert "We received your request" in page and "within 30 days" in page


@pytest.mark.parametrize("name", ACTIONS)
def test_each_action_is_audited_as_the_student(client, student, token, position, name):
    """Is each change on the page in the audit log as done by the student, not staff?"""
    response = act(client, token, name, position.id)
    assert response.status_code in (200, 303)
    entries = student_audit(student)
    assert [e.action for e in entries] == [action(name)[2]]
    assert entries[0].user_id is None and entries[0].detail["by"] == "student"


@pytest.mark.parametrize("name", ACTIONS)
def test_each_action_is_refused_after_the_link_expires(
    client, student, token, position, clock, name
):
    """Once the link has expired, is each change refused with the dead-link page?"""
    clock.advance(days=30)
    response = act(client, token, name, position.id)
    assert response.status_code == 404 and DEAD in text(response)
    assert student_audit(student) == []


@pytest.mark.parametrize("name", ACTIONS)
def test_each_action_is_refused_with_a_replaced_link(client, student, token, position, name):
    """Once a newer link was sent, is each change through the older one refused?"""
    new_token(student)
    response = act(client, token, name, position.id)
    assert response.status_code == 404 and DEAD in text(response)
    assert student_audit(student) == []


# --- what staff see ------------------------------------------------------------------------


def test_hr_sees_the_withdrawal_by_the_student(client, signed_in, student, token):
    """Does the candidate page's history show the withdrawal as made by the student?"""
    client.post(f"/apply/status/{token}/withdraw", data={"confirm": "y"})
    signed_in(Role.HR)
    page = text(client.get(f"/candidates/{student.id}"))
    assert "The student, on their own page" in page
    assert "Withdrew their application" in page


def test_staff_move_refused_after_the_withdrawal_names_the_student(
    client, signed_in, student, token, stages
):
    """When HR move a student who has just withdrawn, does the refusal say the student
    moved them?"""
    version = student.version
    client.post(f"/apply/status/{token}/withdraw", data={"confirm": "y"})
    signed_in(Role.HR)
    response = client.post(
        f"/candidates/{student.id}/move",
        data={"to_stage": stages["interview"].id, "version": str(version)},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 409
    assert "was moved to Withdrawn by the student" in response.json["message"]


def test_hr_sees_the_students_changes(client, signed_in, student, token):
    """Does the candidate page list the details the student changed themselves?"""
    client.post(f"/apply/status/{token}/details", data=details())
    signed_in(Role.HR)
    page = text(client.get(f"/candidates/{student.id}"))
    assert "Changed their details (phone, grad term, availability, interests)" in page


def test_hr_sees_the_students_twenty_newest_actions_newest_first(
    client, signed_in, student, make_candidate
):
    """Does the candidate page list the twenty newest things the student did on their own
    page, newest first, leaving out staff's entries and other students'?"""
    labels = students.ACTION_LABELS
    kinds = ["student.details", "student.resume", "student.openings"]  # 24 is no multiple of 3
    other = make_candidate(email="someone.else@state.edu")
    start = utcnow() - timedelta(days=30)

    def entry(action: str, candidate_id: int, hours: int, detail: dict) -> None:
        db.session.add(
            AuditEntry(
                action=action,
                target_type="Candidate",
                target_id=candidate_id,
                created_at=start + timedelta(hours=hours),
                detail=detail,
            )
        )

    for n in range(24):
        details = {"fields": ["phone"]} if kinds[n % 3] == "student.details" else {}
        entry(kinds[n % 3], student.id, n, details)
    entry("candidate.update", student.id, 30, {})  # staff's, not the student's
    entry("student.withdraw", other.id, 30, {})  # another student's
    db.session.commit()
    signed_in(Role.HR)
    page = client.get(f"/candidates/{student.id}").get_data(as_text=True)
    section = page.split('id="own-page-heading"')[1].split("</section>")[0]
    listed = [line.split(" (")[0] for line in re.findall(r"</p><p>([^<]*)</p></li>", section)]
    assert listed == [unescape(labels[kinds[n % 3]]) for n in range(23, 3, -1)]
    assert "Changed their details (phone)" in unescape(section)


def test_candidate_page_shows_the_erasure_request(client, signed_in, student, token):
    """Does the candidate page say when the student asked for erasure?"""
    client.post(f"/apply/status/{token}/erasure")
    signed_in(Role.HR)
    page = text(client.get(f"/candidates/{student.id}"))
    assert f"Asked for erasure on {utcnow():%b %-d, %Y}" in page


def test_erasure_request_is_listed_for_admins(client, signed_in, student, token):
    """Does the student's erasure request appear on the admins' privacy page?"""
    client.post(f"/apply/status/{token}/erasure")
    signed_in(Role.ADMIN)
    page = text(client.get("/privacy/"))
    assert "Maya Okafor" in page and f"/privacy/candidates/{student.id}" in page


def test_erasing_answers_the_request(client, signed_in, student, token):
    """Once an admin erases the student, is the request cleared and gone from the list?"""
    client.post(f"/apply/status/{token}/erasure")
    signed_in(Role.ADMIN)
    client.post(
        f"/privacy/candidates/{student.id}/erase",
        data={"erase-why": "the student asked", "erase-confirm": "ERASE"},
    )
    assert fresh(student).erasure_requested_at is None
    assert "Maya Okafor" not in text(client.get("/privacy/"))


def test_hr_may_not_open_the_erasure_requests(client, signed_in):
    """Are the erasure requests refused to HR staff?"""
    signed_in(Role.HR)
    assert client.get("/privacy/").status_code == 403


def test_resending_a_sent_link_message_carries_a_new_link(make_user, student):
    """When staff resend a delivered link message, does it carry a new working link and
    retire the one it carried?"""
    students.send_link_on_request(STUDENT_EMAIL)
    db.session.commit()
    (message,) = outbox()
    message.state = DeliveryState.SENT
    db.session.commit()
    again = messages.resend(message, make_user(role=Role.HR))
    db.session.commit()
    old, new = (db.session.get(StatusLink, ref) for ref in (message.link_ref, again.link_ref))
    assert old.id != new.id
    assert old.revoked_at is not None and new.revoked_at is None


def test_link_opens_the_page_in_the_students_language(client, student):
    """Does a Spanish student's link open their page in Spanish, even in an English browser?"""
    student.language = "es"
    link = students.issue_status_link(student)
    db.session.commit()
    address = students.status_url(link)
    assert address.endswith("?lang=es")
    path = address.removeprefix("http://127.0.0.1:5000")
    page = text(client.get(path, headers={"Accept-Language": "en-US"}))
    assert '<html lang="es">' in page


def test_a_link_asked_for_with_a_merged_away_address_reaches_the_kept_record(
    make_user, make_candidate, student
):
    """When a student asks for their link with the address of a record merged into theirs,
    is the link sent to the record that was kept (at its own address)?"""
    from recruit.pipeline.merge import merge_candidates

    old = make_candidate(email="maya.old@mail.example", consent_at=utcnow())
    merge_candidates(student, old, make_user(role=Role.HR))
    db.session.commit()

    students.send_link_on_request("Maya.Old@mail.example")
    db.session.commit()

    (message,) = outbox()
    assert message.candidate_id == student.id
    assert message.to == STUDENT_EMAIL
