"""Updates the public form sends for an email already on record: kept apart as a proposal,
shown to HR beside the record, accepted or dismissed detail by detail; and the caps on
what the public form may store."""

import io
import json
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from recruit.audit.models import AuditEntry
from recruit.audit.services import record
from recruit.auth.models import Role
from recruit.candidates import proposals
from recruit.candidates.models import (
    Attachment,
    Candidate,
    CandidateEvent,
    CandidateInterest,
    ClassStanding,
    Interest,
    Note,
    ProposalDecision,
    ProposedUpdate,
    Term,
)
from recruit.candidates.services import RESUME_NOT_KEPT
from recruit.events.services import add_booth_lead
from recruit.extensions import db
from recruit.interest import services as interest
from recruit.interest.receipts import start_token
from recruit.placements.models import CandidateOpening
from recruit.privacy import services as privacy
from tests.pdf_files import blank_pdf
from tests.placement_factories import new_position
from tests.query_counting import page_queries
from tests.test_i18n import compiled_catalog  # noqa: F401 (the Spanish message needs it)

GRAD_YEAR = date.today().year + 1
PDF = blank_pdf()
EMAIL = "maya.okafor@capital.example.edu"


@pytest.fixture
def config_overrides():
    """The fill-time check is off: these tests send the form at once."""
    return {"MIN_FILL_SECONDS": 0}


@pytest.fixture
def university(make_university):
    return make_university(name="Capital State University")


@pytest.fixture
def known(make_candidate):
    """A student HR added at a booth: name, email and one interest, nothing else."""
    return make_candidate(
        first_name="Maya",
        last_name="Okafor",
        email=EMAIL,
        stage="screening",
        major="Economics",
        interests=[CandidateInterest(interest=Interest.SUMMER_INTERNSHIP)],
    )


def form_data(school, /, **changes):
    """A complete, valid submission of the public form, with some answers changed."""
    data = {
        "first_name": "Maya",
        "last_name": "Okafor",
        "email": "MAYA.Okafor@Capital.Example.EDU",
        "phone": "555-0100",
        "university": str(school.id),
        "university_other": "",
        "major": "Supply Chain Management",
        "class_standing": "junior",
        "grad_term": "spring",
        "grad_year": str(GRAD_YEAR),
        "interests": ["semester_internship"],
        "availability": "May, after finals",
        "procurement_areas": ["Contract management"],
        "consent": "y",
        "website": "",
        "started": start_token(),
    }
    data.update(changes)
    return data


def send_form(client, school, resume: bytes | None = PDF, path="/apply", **changes):
    """Send the public form as a student (or someone using their email) would."""
    data = form_data(school, **changes)
    if resume is not None:
        data["resume"] = (io.BytesIO(resume), "Maya CV.pdf")
    response = client.post(path, data=data, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    db.session.expire_all()
    return response


def the_proposal() -> ProposedUpdate:
    return db.session.scalars(select(ProposedUpdate)).one()


def audit(action: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def decide(client, candidate, proposal, field, accept=True, version=None):
    """Press Accept or Dismiss beside one detail on the candidate's page."""
    action = "accept" if accept else "dismiss"
    data = {"field": field}
    if accept:
        data["version"] = str(candidate.version if version is None else version)
    response = client.post(
        f"/candidates/{candidate.id}/proposals/{proposal.id}/{action}", data=data
    )
    db.session.expire_all()
    return response


# --- the public form leaves a known record alone ---------------------------------------------


def test_known_email_changes_nothing_on_the_candidate(client, app, known, university):
    """Does the form sent with a known email (other letter case) leave the candidate's
    details, consent, interests, openings, files and language as they were?"""
    position = new_position()
    version = known.version
    send_form(client, university, path="/apply?lang=es", openings=[str(position.id)])

    candidate = db.session.get(Candidate, known.id)
    assert (candidate.phone, candidate.major, candidate.university_id) == ("", "Economics", None)
    assert (candidate.class_standing, candidate.grad_year, candidate.availability) == (
        None,
        None,
        "",
    )
    assert candidate.procurement_areas == []
    assert candidate.consent_at is None
    assert [ci.interest for ci in candidate.interests] == [Interest.SUMMER_INTERNSHIP]
    assert candidate.attachments == []
    assert db.session.scalar(select(func.count()).select_from(CandidateOpening)) == 0
    assert candidate.language == "en"
    assert candidate.version == version


def test_known_email_keeps_what_was_sent_as_a_proposal(client, app, known, university):
    """Is everything the form carried kept as one proposal, its resume under a random
    name in the upload folder?"""
    position = new_position()
    send_form(client, university, openings=[str(position.id)])

    proposal = the_proposal()
    assert proposal.candidate_id == known.id
    assert (proposal.phone, proposal.major, proposal.university_id) == (
        "555-0100",
        "Supply Chain Management",
        university.id,
    )
    assert proposal.class_standing == ClassStanding.JUNIOR
    assert (proposal.grad_term, proposal.grad_year) == (Term.SPRING, GRAD_YEAR)
    assert proposal.interests == ["semester_internship"]
    assert proposal.opening_ids == [position.id]
    assert proposal.consent_at is not None
    assert proposal.file_name == "Maya CV.pdf"
    assert "maya" not in proposal.file_stored_name.lower()
    stored = Path(app.config["UPLOAD_FOLDER"]) / proposal.file_stored_name
    assert stored.read_bytes() == PDF
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_known_email_is_counted_at_the_event_with_a_note(client, known, university, make_event):
    """Is the student still counted among the event's leads, with a note for HR?"""
    fair = make_event(name="Spring Career Expo")
    send_form(client, university, path=f"/apply/{fair.slug}")

    link = db.session.scalars(select(CandidateEvent)).one()
    assert (link.candidate_id, link.event_id, link.via) == (known.id, fair.id, "form")
    notes = db.session.scalars(select(Note.body)).all()
    assert notes == ["Sent the interest form again at Spring Career Expo."]
    assert the_proposal().event_id == fair.id


def test_a_new_email_still_makes_a_candidate_directly(client, university, stages):
    """Does a student we do not know still become a candidate, resume attached, with no
    proposal?"""
    send_form(client, university, email="new.student@capital.example.edu")
    candidate = db.session.scalars(select(Candidate)).one()
    assert candidate.phone == "555-0100"
    assert [a.original_name for a in candidate.attachments] == ["Maya CV.pdf"]
    assert db.session.scalar(select(func.count()).select_from(ProposedUpdate)) == 0


def test_the_same_form_again_makes_no_proposal(client, university, stages):
    """When the form says nothing the record lacks, is HR asked about nothing?"""
    send_form(client, university, resume=None)
    send_form(client, university, resume=None)
    assert db.session.scalar(select(func.count()).select_from(ProposedUpdate)) == 0


def test_booth_quick_add_still_fills_blanks(app, known, make_event, make_user):
    """Does staff's quick-add at a booth, a trusted way in, still fill a known student's
    blank details directly, with no proposal?"""
    booth = make_event()
    add_booth_lead(
        booth,
        {"first_name": "Maya", "last_name": "Okafor", "email": EMAIL, "phone": "555-0199"},
        "",
        make_user(Role.OUTREACH),
    )
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Candidate, known.id).phone == "555-0199"
    assert db.session.scalar(select(func.count()).select_from(ProposedUpdate)) == 0


# --- HR decides ------------------------------------------------------------------------------


def test_hr_sees_current_and_proposed_side_by_side(client, signed_in, known, university):
    """Does HR's candidate page show each differing detail as on record and as sent?"""
    send_form(client, university)
    signed_in(Role.HR)
    page = client.get(f"/candidates/{known.id}").get_data(as_text=True)
    assert "Sent through the public form" in page
    assert "Economics" in page and "Supply Chain Management" in page
    assert "Adds Semester internship" in page
    assert f"/candidates/{known.id}/proposals/{the_proposal().id}/file" in page


def test_hr_accepts_one_detail_and_dismisses_another(client, signed_in, known, university):
    """When HR accepts the phone and dismisses the major, does the record take the phone
    and keep its major, each answer recorded with who gave it?"""
    send_form(client, university)
    hr = signed_in(Role.HR)
    proposal = the_proposal()

    assert decide(client, known, proposal, "phone").status_code == 303
    assert decide(client, known, proposal, "major", accept=False).status_code == 303

    candidate = db.session.get(Candidate, known.id)
    assert (candidate.phone, candidate.major) == ("555-0100", "Economics")
    decisions = {d.field: (d.accepted, d.user_id) for d in proposal.decisions}
    assert decisions == {"phone": (True, hr.id), "major": (False, hr.id)}
    assert proposal.closed_at is None
    page = client.get(f"/candidates/{known.id}").get_data(as_text=True)
    assert f"Accepted by {hr.name}" in page and f"Dismissed by {hr.name}" in page


def test_each_answer_is_audited(client, signed_in, known, university):
    """Are an accept and a dismissal each in the audit log, naming the detail and who,
    and the accepted edit audited as a change of the candidate?"""
    send_form(client, university)
    hr = signed_in(Role.HR)
    proposal = the_proposal()
    decide(client, known, proposal, "phone")
    decide(client, known, proposal, "major", accept=False)

    (accepted,) = audit("proposal.accept")
    (dismissed,) = audit("proposal.dismiss")
    assert (accepted.user_id, accepted.target_id, accepted.detail["field"]) == (
        hr.id,
        proposal.id,
        "phone",
    )
    assert (dismissed.user_id, dismissed.detail["fields"]) == (hr.id, ["major"])
    assert [e.target_id for e in audit("candidate.update")] == [known.id]
    assert len(audit("proposal.create")) == 1


def test_accepted_resume_becomes_an_attachment(client, app, signed_in, known, university):
    """Does an accepted resume join the candidate's files, the same file on disk?"""
    send_form(client, university)
    signed_in(Role.HR)
    proposal = the_proposal()
    stored = proposal.file_stored_name
    decide(client, known, proposal, "resume")

    attachment = db.session.scalars(select(Attachment)).one()
    assert (attachment.candidate_id, attachment.original_name) == (known.id, "Maya CV.pdf")
    assert attachment.stored_name == stored
    assert (Path(app.config["UPLOAD_FOLDER"]) / stored).read_bytes() == PDF
    assert db.session.get(ProposedUpdate, proposal.id).file_stored_name is None


def test_dismissed_resume_is_deleted_with_an_audit_entry(client, app, signed_in, known, university):
    """Is a dismissed resume deleted from the disk, the deletion audited?"""
    send_form(client, university)
    hr = signed_in(Role.HR)
    proposal = the_proposal()
    path = Path(app.config["UPLOAD_FOLDER"]) / proposal.file_stored_name
    decide(client, known, proposal, "resume", accept=False)

    assert not path.exists()
    (deleted,) = audit("proposal.file_delete")
    assert (deleted.user_id, deleted.target_id, deleted.detail["why"]) == (
        hr.id,
        proposal.id,
        "dismissed",
    )
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_accepting_consent_interests_and_openings(client, signed_in, known, university):
    """Do accepted consent, interests and openings reach the record, lists added to?"""
    position = new_position()
    send_form(client, university, openings=[str(position.id)])
    signed_in(Role.HR)
    proposal = the_proposal()
    for field in ("consent", "interests", "openings"):
        candidate = db.session.get(Candidate, known.id)
        assert decide(client, candidate, proposal, field).status_code == 303

    candidate = db.session.get(Candidate, known.id)
    assert candidate.consent_at is not None
    assert {ci.interest for ci in candidate.interests} == {
        Interest.SUMMER_INTERNSHIP,
        Interest.SEMESTER_INTERNSHIP,
    }
    assert db.session.scalars(select(CandidateOpening.position_id)).all() == [position.id]


def test_a_stale_accept_is_refused(client, signed_in, known, university):
    """When someone saved the candidate after HR opened the page, is HR's accept refused
    with 409, saying who, and nothing accepted?"""
    send_form(client, university)
    signed_in(Role.HR)
    proposal = the_proposal()
    seen = known.version
    other = signed_in(Role.ADMIN)
    candidate = db.session.get(Candidate, known.id)
    candidate.availability = "Fall only"
    record("candidate.update", user=other, target=candidate)
    db.session.commit()

    response = decide(client, candidate, proposal, "phone", version=seen)
    assert response.status_code == 409
    assert f"{other.name} saved this candidate" in response.get_data(as_text=True)
    assert db.session.get(Candidate, known.id).phone == ""
    assert db.session.scalar(select(func.count()).select_from(ProposalDecision)) == 0


def test_a_detail_answered_twice_is_refused(client, signed_in, known, university):
    """Is a second answer to the same detail refused, the first one standing?"""
    send_form(client, university)
    signed_in(Role.HR)
    proposal = the_proposal()
    decide(client, known, proposal, "phone", accept=False)
    response = decide(client, known, proposal, "phone")
    assert response.status_code == 303
    assert db.session.get(Candidate, known.id).phone == ""
    assert [d.accepted for d in proposal.decisions] == [False]


def test_dismissing_the_rest_settles_the_proposal(client, app, signed_in, known, university):
    """Does "Dismiss the rest" answer every open detail, delete the file and take the
    proposal off the page?"""
    send_form(client, university)
    signed_in(Role.HR)
    proposal = the_proposal()
    path = Path(app.config["UPLOAD_FOLDER"]) / proposal.file_stored_name
    decide(client, known, proposal, "phone")
    client.post(f"/candidates/{known.id}/proposals/{proposal.id}/dismiss-rest")
    db.session.expire_all()

    proposal = the_proposal()
    assert proposal.closed_at is not None
    assert not path.exists()
    assert all(not d.accepted for d in proposal.decisions if d.field != "phone")
    page = client.get(f"/candidates/{known.id}").get_data(as_text=True)
    assert "Sent through the public form" not in page


def test_answering_the_last_detail_settles_it(client, signed_in, known, university):
    """Once every differing detail is answered, is the proposal settled?"""
    send_form(client, university, resume=None)
    signed_in(Role.HR)
    proposal = the_proposal()
    for field in proposals.undecided(proposal, known, set()):
        decide(client, db.session.get(Candidate, known.id), proposal, field, accept=False)
    assert the_proposal().closed_at is not None


# --- who may ---------------------------------------------------------------------------------


def test_outreach_neither_sees_nor_decides(client, signed_in, known, university):
    """Are outreach staff shown no proposal and refused its actions and file?"""
    send_form(client, university)
    signed_in(Role.OUTREACH)
    proposal = the_proposal()
    page = client.get(f"/candidates/{known.id}").get_data(as_text=True)
    assert "Sent through the public form" not in page
    base = f"/candidates/{known.id}/proposals/{proposal.id}"
    assert decide(client, known, proposal, "phone").status_code == 403
    assert decide(client, known, proposal, "phone", accept=False).status_code == 403
    assert client.post(f"{base}/dismiss-rest").status_code == 403
    assert client.get(f"{base}/file").status_code == 403
    assert db.session.get(Candidate, known.id).phone == ""


def test_admin_may_decide(client, signed_in, known, university):
    """May an admin accept a detail?"""
    send_form(client, university)
    signed_in(Role.ADMIN)
    assert decide(client, known, the_proposal(), "phone").status_code == 303
    assert db.session.get(Candidate, known.id).phone == "555-0100"


def test_a_proposal_answers_only_on_its_candidates_page(
    client, signed_in, known, university, make_candidate
):
    """Is a proposal reached through another candidate's address not found?"""
    send_form(client, university)
    signed_in(Role.HR)
    other = make_candidate()
    assert decide(client, other, the_proposal(), "phone").status_code == 404


def test_hr_downloads_the_proposed_resume_audited(client, signed_in, known, university):
    """Can HR read the resume before deciding, the download audited?"""
    send_form(client, university)
    hr = signed_in(Role.HR)
    proposal = the_proposal()
    response = client.get(f"/candidates/{known.id}/proposals/{proposal.id}/file")
    assert response.data == PDF
    assert "attachment" in response.headers["Content-Disposition"]
    assert [e.user_id for e in audit("proposal.file_download")] == [hr.id]


# --- merges, erasure, exports ----------------------------------------------------------------


def test_merge_moves_proposals_to_the_kept_record(
    client, signed_in, known, university, make_candidate
):
    """When the known record is merged into another, do its proposals follow?"""
    send_form(client, university)
    signed_in(Role.HR)
    keep = make_candidate(first_name="Maya", last_name="Okafor", email="maya@gmail.example")
    response = client.post(
        f"/candidates/{keep.id}/merge", data={"other_email": EMAIL, "confirm": "y"}
    )
    assert response.status_code == 302
    assert the_proposal().candidate_id == keep.id
    assert "Sent through the public form" in client.get(f"/candidates/{keep.id}").text


def test_erasure_deletes_proposals_and_their_files(client, app, signed_in, known, university):
    """Does erasing a candidate delete their proposals and files, audited, leaving no
    trace of what was sent?"""
    send_form(client, university, phone="555-0177")
    path = Path(app.config["UPLOAD_FOLDER"]) / the_proposal().file_stored_name
    admin = signed_in(Role.ADMIN)
    response = client.post(
        f"/privacy/candidates/{known.id}/erase",
        data={"erase-why": "student asked", "erase-confirm": "ERASE"},
    )
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ProposedUpdate)) == 0
    assert not path.exists()
    (erased,) = audit("privacy.erase")
    assert erased.detail["proposals_deleted"] == 1
    assert [e.user_id for e in audit("proposal.file_delete")] == [admin.id]
    dump = json.dumps([e.detail for e in db.session.scalars(select(AuditEntry))])
    assert "555-0177" not in dump


def test_export_holds_proposals(client, known, university, stages):
    """Does the export of what we hold on a student include what was proposed for them?"""
    send_form(client, university)
    data = privacy.personal_data(db.session.get(Candidate, known.id))
    (sent,) = data["proposed_updates"]
    assert sent["phone"] == "555-0100"
    assert sent["file"]["name"] == "Maya CV.pdf"


# --- what the public form may store ----------------------------------------------------------


class TestUploadCaps:
    @pytest.fixture
    def config_overrides(self):
        return {"MIN_FILL_SECONDS": 0, "PUBLIC_UPLOAD_BYTES_PER_HOUR": len(PDF) * 2}

    def test_uploads_past_the_hourly_cap_are_not_stored(self, client, university, stages):
        """Past the hour's allowance, is the form saved without its file?"""
        for n in range(3):
            send_form(client, university, email=f"student{n}@capital.example.edu")
        names = db.session.scalars(select(Candidate.email).order_by(Candidate.id)).all()
        assert len(names) == 3
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 2

    def test_proposal_files_count_toward_the_cap(self, app, known, university, stages):
        """Do proposals' files count with attachments, and is the refusal returned?"""
        values = {
            "first_name": "Maya",
            "last_name": "Okafor",
            "email": EMAIL,
            "phone": "555-0100",
        }
        for _ in range(2):
            *_, refusal = interest.submit_interest(values, [], None, ("cv.pdf", PDF))
            assert refusal == ""
        candidate, created, refusal = interest.submit_interest(values, [], None, ("cv.pdf", PDF))
        assert (candidate.id, created) == (known.id, False)
        assert "PUBLIC_UPLOAD_BYTES_PER_HOUR" in refusal
        files = db.session.scalars(select(ProposedUpdate.file_stored_name)).all()
        assert sorted(f is None for f in files) == [False, False, True]

    def test_the_allowance_comes_back_after_an_hour(self, app, clock, university, stages):
        """Does an upload an hour after the cap was reached get stored again?"""
        assert interest.submit_interest(_new("a"), [], None, ("cv.pdf", PDF))[2] == ""
        assert interest.submit_interest(_new("b"), [], None, ("cv.pdf", PDF))[2] == ""
        assert interest.submit_interest(_new("c"), [], None, ("cv.pdf", PDF))[2] != ""
        clock.advance(minutes=61)
        assert interest.submit_interest(_new("d"), [], None, ("cv.pdf", PDF))[2] == ""


def _new(name: str) -> dict:
    return {"first_name": "Ana", "last_name": name.upper(), "email": f"{name}@capital.edu"}


class TestDiskFloor:
    @pytest.fixture
    def config_overrides(self):
        return {"MIN_FILL_SECONDS": 0, "UPLOAD_MIN_FREE_BYTES": 2**62}

    def test_no_file_is_stored_when_the_disk_is_nearly_full(self, client, university, stages):
        """With less free space than the floor, is the form saved and its file not?"""
        send_form(client, university)
        assert db.session.scalars(select(Candidate.phone)).all() == ["555-0100"]
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0

    def test_the_refusal_says_why(self, app, stages):
        """Does submit_interest return why the file was not stored?"""
        _, created, refusal = interest.submit_interest(_new("a"), [], None, ("cv.pdf", PDF))
        assert created
        assert "free" in refusal

    def test_a_form_without_a_file_is_not_refused(self, app, stages):
        """Does a form with no file say nothing about files?"""
        assert interest.submit_interest(_new("a"), [], None)[2] == ""


def test_the_students_message_is_translated(app):
    """Does the message for a student whose file was not kept read in Spanish too?"""
    with force_locale("es"):
        spanish = str(RESUME_NOT_KEPT)
    assert spanish != str(RESUME_NOT_KEPT)


# --- the candidate page's cost ---------------------------------------------------------------


def test_candidate_page_costs_the_same_with_many_proposals(
    client, signed_in, known, university, make_university, make_event
):
    """Does HR's candidate page send as many queries with eight proposals (files, events,
    universities, openings, answers) as with one?"""
    signed_in(Role.HR)

    def propose():
        position = new_position()
        fair = make_event()
        send_form(
            client,
            make_university(),
            path=f"/apply/{fair.slug}",
            openings=[str(position.id)],
            major=f"Major {position.id}",
        )
        proposal = db.session.scalars(
            select(ProposedUpdate).order_by(ProposedUpdate.id.desc()).limit(1)
        ).one()
        decide(client, known, proposal, "major", accept=False)

    propose()
    one, page = page_queries(client, f"/candidates/{known.id}")
    assert "Sent through the public form" in page
    for _ in range(7):
        propose()
    eight, page = page_queries(client, f"/candidates/{known.id}")
    assert page.count("Dismissed by") == 8
    assert one == eight


def test_candidate_page_counts_the_updates_past_the_ten_it_shows(
    client, signed_in, known, university
):
    """With twelve updates waiting, does HR's page show ten and say that two more wait,
    and with none, say nothing of updates? (test_query_counts holds that it then reads
    none.)"""
    signed_in(Role.HR)
    school, candidate_id = SimpleNamespace(id=university.id), known.id
    _, page = page_queries(client, f"/candidates/{candidate_id}")
    assert "older update" not in page and "Sent through the public form" not in page
    for n in range(proposals.SHOWN_ON_PAGE + 2):
        send_form(client, school, resume=None, major=f"Major {n}")
    _, page = page_queries(client, f"/candidates/{candidate_id}")
    assert page.count("<h3>Sent ") == proposals.SHOWN_ON_PAGE
    assert "2 older updates wait too" in page


# --- finding candidates with updates waiting ------------------------------------------------


def test_hr_finds_candidates_with_updates_waiting(
    client, signed_in, known, university, make_candidate
):
    """Does the list's "Sent updates to review" filter show just the candidates with a
    proposal waiting, and the home page count them?"""
    make_candidate(first_name="Without", last_name="Updates")
    send_form(client, university)
    signed_in(Role.HR)
    listed = client.get("/candidates/?updates=1&status=all").get_data(as_text=True)
    assert f'href="/candidates/{known.id}"' in listed
    assert "Without Updates" not in listed
    home = client.get("/").get_data(as_text=True)
    assert "Updates to review" in home
    assert "/candidates/?updates=1" in home


def test_settled_updates_leave_the_filter(client, signed_in, known, university):
    """Once its proposal is settled, does the candidate leave the filter?"""
    send_form(client, university)
    signed_in(Role.HR)
    client.post(f"/candidates/{known.id}/proposals/{the_proposal().id}/dismiss-rest")
    assert proposals.pending_count() == 0
    listed = client.get("/candidates/?updates=1&status=all").get_data(as_text=True)
    assert f'href="/candidates/{known.id}"' not in listed


def test_outreach_home_page_has_no_updates_panel(client, signed_in, known, university):
    """Is the count of updates to review left off the home page of staff who cannot act?"""
    send_form(client, university)
    signed_in(Role.OUTREACH)
    assert "Updates to review" not in client.get("/").get_data(as_text=True)
