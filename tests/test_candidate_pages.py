"""A candidate's page: profile, history and notes, the one form to add and edit, resumes,
merging duplicates, closing and reopening."""

import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from recruit.audit.models import AuditEntry
from recruit.audit.services import keyed_hash
from recruit.auth.models import Role
from recruit.candidates import services
from recruit.candidates.models import (
    Attachment,
    Candidate,
    CandidateEmail,
    CandidateEvent,
    CandidateInterest,
    Interest,
    Note,
    StageChange,
    Tag,
)
from recruit.database import utcnow
from recruit.extensions import db
from recruit.pipeline.moves import move_candidate
from recruit.placements.models import CandidateOpening, Placement, Position, PositionStatus
from tests.placement_factories import new_position


def profile(**changes) -> dict:
    """The candidate form as a browser posts it, with some fields changed."""
    values = {
        "first_name": "Amara",
        "last_name": "Okafor",
        "email": "amara.okafor@csu.example",
        "phone": "",
        "university_id": "",
        "university_other": "",
        "major": "Public administration",
        "class_standing": "junior",
        "grad_term": "spring",
        "grad_year": str(date.today().year + 1),
        "availability": "Summer",
        "rating": "",
        "source": "referral",
        "source_event_id": "",
        "tags": "",
    }
    values.update(changes)
    return values


def tiny_pdf() -> bytes:
    """A small, well-formed one-page PDF."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def input_value(page: str, name: str) -> str | None:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    return found.group(1) if found else None


# --- the page ---------------------------------------------------------------------------


def test_detail_shows_history_with_who_moved(client, signed_in, make_user, make_candidate, stages):
    """Does a candidate's page show the stage history with who made each move?"""
    signed_in(Role.HR)
    mover = make_user(Role.HR, name="Priya Raman")
    candidate = make_candidate(first_name="Amara", last_name="Okafor")
    move_candidate(candidate, stages["screening"], mover, candidate.version)
    db.session.commit()

    page = client.get(f"/candidates/{candidate.id}").text

    history = page[page.index("Stage history") :]
    assert "Interested → <strong>Screening</strong>" in history
    assert "Priya Raman" in history
    assert "Entered <strong>Interested</strong>" in history


def test_detail_shows_notes_escaped(client, signed_in, make_user, make_candidate):
    """Does the page show staff notes, as text, with who wrote them?"""
    signed_in(Role.HR)
    writer = make_user(Role.OUTREACH, name="Lee Chen")
    candidate = make_candidate()
    db.session.add(Note(candidate_id=candidate.id, user_id=writer.id, body="<b>Great</b> fit"))
    db.session.commit()

    page = client.get(f"/candidates/{candidate.id}").text

    assert "&lt;b&gt;Great&lt;/b&gt; fit" in page
    assert "Lee Chen" in page


def test_detail_shows_days_in_stage(client, signed_in, make_candidate):
    """Does the page say how long the candidate has been in their stage?"""
    signed_in(Role.HR)
    candidate = make_candidate(rating=4, tags=[Tag(name="bilingual")])
    candidate.stage_entered_at = utcnow() - timedelta(days=3, hours=1)
    db.session.commit()

    page = client.get(f"/candidates/{candidate.id}").text

    assert re.search(r">Interested</span>\s*for 3 days", page)
    assert "rated 4 of 5" in page
    assert "bilingual" in page


def test_detail_shows_each_list_in_order(client, signed_in, make_user, make_candidate, make_event):
    """Does the page show the tags, interests, other addresses, resumes, notes, events and
    chosen openings, each in its order, with their dates, and no resume that was removed?"""
    signed_in(Role.HR)
    writer = make_user(Role.HR, name="Lee Chen")
    candidate = make_candidate(tags=[Tag(name="zeta"), Tag(name="Alpha"), Tag(name="beta")])
    candidate.interests = [
        CandidateInterest(interest=Interest.FULL_TIME),
        CandidateInterest(interest=Interest.SUMMER_INTERNSHIP),
    ]
    candidate.alternate_emails = [
        CandidateEmail(email="zoe.second@csu.example"),
        CandidateEmail(email="ana.first@csu.example"),
    ]
    day = datetime(2026, 3, 4, 18, 30)
    for name, removed in (("kept-resume.pdf", None), ("removed-resume.pdf", day)):
        db.session.add(
            Attachment(
                candidate=candidate,
                original_name=name,
                stored_name=f"stored-{name}",
                size=4096,
                sha256="0" * 64,
                created_at=day,
                deleted_at=removed,
            )
        )
    for body, author, at in (
        ("Oldest note", writer, day),
        ("Newest note", writer, day + timedelta(days=2)),
        ("Note by someone gone", None, day + timedelta(days=1)),
    ):
        db.session.add(Note(candidate=candidate, user=author, body=body, created_at=at))
    later = make_event(name="Spring Fair", starts_on=date(2026, 4, 9))
    earlier = make_event(name="Winter Expo", starts_on=date(2026, 1, 15))
    candidate.event_links = [
        CandidateEvent(event=later, via="form"),
        CandidateEvent(event=earlier, via="badge_scan"),
    ]
    for title, agency, status in (
        ("Buyer trainee", "Transportation", PositionStatus.FILLED),
        ("analyst intern", "General Services", PositionStatus.OPEN),
    ):
        position = Position(title=title, agency=agency, term="summer", status=status)
        db.session.add(position)
        db.session.flush()
        db.session.add(CandidateOpening(candidate_id=candidate.id, position_id=position.id))
    db.session.commit()

    page = client.get(f"/candidates/{candidate.id}").text

    def in_order(*texts):
        places = [page.index(text) for text in texts]
        return places == sorted(places)

    assert in_order(">Alpha</a>", ">beta</a>", ">zeta</a>")
    assert in_order(">Summer internship<", ">Full time<")
    assert in_order("ana.first@csu.example", "zoe.second@csu.example")
    assert 'kept-resume.pdf</a> <span class="hint">(4 KB, Mar 4, 2026)' in page
    assert "removed-resume.pdf" not in page
    assert in_order("Newest note", "Note by someone gone", "Oldest note")
    assert re.search(r"Someone · <time[^>]*>Mar 5, 2026", page)
    assert "Lee Chen · <time" in page
    assert in_order('Winter Expo <span class="hint">(Jan 15, 2026, Badge scan)', "Spring Fair")
    assert in_order(
        'analyst intern</a> <span class="hint">(General Services)</span>, ',
        'Buyer trainee</a> <span class="hint">(Transportation, filled)</span>',
    )


def test_unknown_candidate_is_404(client, signed_in, stages):
    """Is a candidate id that does not exist answered with 404?"""
    signed_in(Role.HR)
    assert client.get("/candidates/999999").status_code == 404


def test_adding_a_note(client, signed_in, make_candidate):
    """Does a note added on the page appear there, and find the candidate in a search?"""
    signed_in(Role.HR)
    candidate = make_candidate()
    response = client.post(
        f"/candidates/{candidate.id}/notes", data={"body": "Asked about a co-op in Sacramento"}
    )
    assert response.status_code == 302
    assert "Asked about a co-op in Sacramento" in client.get(f"/candidates/{candidate.id}").text
    assert f'href="/candidates/{candidate.id}"' in client.get("/candidates/?q=sacramento").text


# --- create and edit --------------------------------------------------------------------


def test_create_puts_the_candidate_in_the_first_stage(client, signed_in, stages):
    """Does adding a candidate save them in Interested, with tags, interests and the entry
    recorded?"""
    user = signed_in(Role.OUTREACH)
    response = client.post(
        "/candidates/new",
        data=profile(tags="bilingual, returning", interests=["co_op", "full_time"]),
    )
    assert response.status_code == 302
    candidate = db.session.scalars(select(Candidate)).one()
    assert response.headers["Location"] == f"/candidates/{candidate.id}"
    assert candidate.stage_id == stages["interested"].id
    assert [t.name for t in candidate.tags] == ["bilingual", "returning"]
    assert {ci.interest for ci in candidate.interests} == {Interest.CO_OP, Interest.FULL_TIME}
    entry = db.session.scalars(select(StageChange)).one()
    assert (entry.from_stage_id, entry.to_stage_id, entry.user_id) == (
        None,
        stages["interested"].id,
        user.id,
    )


def test_a_new_candidate_has_no_source_preset(client, signed_in):
    """Does adding a candidate by hand preset no source (not "Event" with no event), and
    ask for one in plain words?"""
    signed_in(Role.HR)
    page = client.get("/candidates/new").text
    source = page.split('id="source"')[1].split("</select>")[0]
    assert source.split("<option")[1] == ' value="">Choose how they reached the office</option>'
    assert "selected" not in source
    response = client.post("/candidates/new", data=profile(source=""))
    assert "Choose how the student reached the office." in response.text
    assert count(Candidate) == 0


def test_create_refuses_an_email_already_used_in_another_case(client, signed_in, make_candidate):
    """Is a new candidate with a known email, typed in other letters, refused with a link to
    the one already here?"""
    signed_in(Role.HR)
    existing = make_candidate(email="amara.okafor@csu.example")

    response = client.post("/candidates/new", data=profile(email="Amara.OKAFOR@csu.example"))

    assert response.status_code == 200
    assert "Another candidate already has this email." in response.text
    assert f'href="/candidates/{existing.id}"' in response.text
    assert count(Candidate) == 1


def test_same_email_cannot_be_saved_anyway(client, signed_in, make_candidate):
    """Does ticking "Save anyway" still refuse a second record with the same email?"""
    signed_in(Role.HR)
    make_candidate(email="amara.okafor@csu.example")

    response = client.post(
        "/candidates/new",
        data=profile(email="AMARA.okafor@csu.example", confirm_duplicate="y"),
    )

    assert "Another candidate already has this email." in response.text
    assert count(Candidate) == 1


def test_email_taken_during_the_save_is_shown_on_the_form(
    client, signed_in, make_candidate, monkeypatch
):
    """When a record with the same email is saved by someone else between the duplicate check
    and the save, does the form come back with the email message instead of an error page?"""
    signed_in(Role.HR)
    existing = make_candidate(email="amara.okafor@csu.example")
    # The check saw nothing: the other record arrived just after it.
    monkeypatch.setattr(services, "likely_duplicates", lambda *args, **kwargs: [])

    response = client.post("/candidates/new", data=profile())

    assert response.status_code == 200
    assert "Another candidate already has this email." in response.text
    assert f'href="/candidates/{existing.id}"' in response.text
    assert count(Candidate) == 1


def test_create_warns_of_same_name_at_same_university(
    client, signed_in, make_candidate, make_university
):
    """Is a new candidate with the name of one already at that university held back with a
    warning and a link?"""
    signed_in(Role.HR)
    uni = make_university("Capital State University")
    existing = make_candidate(first_name="Amara", last_name="Okafor", university_id=uni.id)

    response = client.post(
        "/candidates/new",
        data=profile(first_name="amara", university_id=str(uni.id), email="a.o@csu.example"),
    )

    assert response.status_code == 200
    assert "This may be someone already here" in response.text
    assert f'href="/candidates/{existing.id}"' in response.text
    assert input_value(response.text, "email") == "a.o@csu.example"
    assert count(Candidate) == 1


def test_save_anyway_box_is_part_of_the_form(client, signed_in, make_candidate, make_university):
    """Is the "Save anyway" box inside the form that gets posted, so ticking it counts?"""
    signed_in(Role.HR)
    uni = make_university()
    make_candidate(first_name="Amara", last_name="Okafor", university_id=uni.id)

    page = client.post(
        "/candidates/new", data=profile(university_id=str(uni.id), email="other@csu.example")
    ).text

    form = page[page.index('<form method="post" enctype="multipart/form-data"') :]
    form = form[: form.index("</form>")]
    assert 'name="confirm_duplicate"' in form


def test_create_saves_a_same_name_candidate_once_confirmed(
    client, signed_in, make_candidate, make_university
):
    """Once staff confirm it is a different person, is the same-named candidate saved?"""
    signed_in(Role.HR)
    uni = make_university()
    make_candidate(first_name="Amara", last_name="Okafor", university_id=uni.id)

    response = client.post(
        "/candidates/new",
        data=profile(
            university_id=str(uni.id), email="amara.o2@csu.example", confirm_duplicate="y"
        ),
    )

    assert response.status_code == 302
    assert count(Candidate) == 2


def test_create_warns_of_an_accented_spelling_at_same_university(
    client, signed_in, make_candidate, make_university
):
    """Is a hand-added "Bjorn Vanderberg" held back with a link to the "Björn Van der Berg"
    already at that university?"""
    signed_in(Role.HR)
    uni = make_university("Capital State University")
    existing = make_candidate(first_name="Björn", last_name="Van der Berg", university_id=uni.id)

    response = client.post(
        "/candidates/new",
        data=profile(
            first_name="Bjorn",
            last_name="Vanderberg",
            university_id=str(uni.id),
            email="bjorn@csu.example",
        ),
    )

    assert "This may be someone already here" in response.text
    assert f'href="/candidates/{existing.id}"' in response.text
    assert count(Candidate) == 1


def test_renaming_a_candidate_makes_the_new_name_the_one_checked(client, signed_in, make_candidate):
    """After an edit renames a candidate, does the duplicate check find them by the new
    name, and no longer by the old one?"""
    signed_in(Role.HR)
    candidate = make_candidate(
        first_name="Amara", last_name="Okafor", email="amara.okafor@csu.example"
    )

    client.post(
        f"/candidates/{candidate.id}/edit",
        data=profile(first_name="José", last_name="Núñez-Ortiz", version=str(candidate.version)),
    )

    db.session.expire_all()
    assert candidate.name_key == "josenunezortiz"
    found = services.likely_duplicates("other@csu.example", "Jose", "Nunez Ortiz", None)
    assert [c.id for c in found] == [candidate.id]
    assert services.likely_duplicates("other@csu.example", "Amara", "Okafor", None) == []


def test_same_name_at_another_university_is_not_a_duplicate(
    client, signed_in, make_candidate, make_university
):
    """Is a new candidate sharing only a name with someone at another university saved at
    once?"""
    signed_in(Role.HR)
    here, there = make_university("Capital State University"), make_university("Valley Tech")
    make_candidate(first_name="Amara", last_name="Okafor", university_id=there.id)

    response = client.post("/candidates/new", data=profile(university_id=str(here.id)))

    assert response.status_code == 302
    assert count(Candidate) == 2


def test_edit_form_shows_the_current_values(client, signed_in, make_candidate, make_university):
    """Does the edit form open with the candidate's details, selects and tags filled in?"""
    signed_in(Role.HR)
    uni = make_university("Capital State University")
    candidate = make_candidate(
        first_name="Amara", university_id=uni.id, rating=4, tags=[Tag(name="bilingual")]
    )

    page = client.get(f"/candidates/{candidate.id}/edit").text

    assert input_value(page, "first_name") == "Amara"
    assert input_value(page, "tags") == "bilingual"
    assert f'<option selected value="{uni.id}">' in page
    assert '<option selected value="4">' in page


def test_edit_saves_changes(client, signed_in, make_candidate):
    """Does saving the edit form change the candidate and go back to their page?"""
    signed_in(Role.OUTREACH)
    candidate = make_candidate(email="amara.okafor@csu.example")

    response = client.post(
        f"/candidates/{candidate.id}/edit",
        data=profile(major="Supply chain", rating="5", version=str(candidate.version)),
    )

    assert response.headers["Location"] == f"/candidates/{candidate.id}"
    db.session.expire_all()
    assert (candidate.major, candidate.rating) == ("Supply chain", 5)


def test_edit_keeps_the_typed_values_on_error(client, signed_in, make_candidate):
    """When an edit has a bad email, does the form come back with what was typed, and is
    nothing saved?"""
    signed_in(Role.HR)
    candidate = make_candidate(major="History")

    response = client.post(
        f"/candidates/{candidate.id}/edit",
        data=profile(
            email="not-an-email",
            major="Supply chain",
            tags="veteran",
            version=str(candidate.version),
        ),
    )

    assert response.status_code == 200
    assert input_value(response.text, "major") == "Supply chain"
    assert input_value(response.text, "email") == "not-an-email"
    assert input_value(response.text, "tags") == "veteran"
    db.session.expire_all()
    assert candidate.major == "History"


def test_stale_edit_is_refused_keeping_the_other_save(client, signed_in, make_candidate):
    """Is an edit made from an old version refused with 409, keeping the other person's save?"""
    signed_in(Role.HR)
    candidate = make_candidate(first_name="Maya", major="Economics")

    response = client.post(
        f"/candidates/{candidate.id}/edit",
        data=profile(
            first_name="Maya",
            last_name=candidate.last_name,
            email=candidate.email,
            major="History",
            version=str(candidate.version - 1),
        ),
    )

    assert response.status_code == 409
    assert "saved this candidate" in response.text
    db.session.expire_all()
    assert candidate.major == "Economics"


# --- resumes ----------------------------------------------------------------------------


def test_text_file_named_pdf_is_refused(client, signed_in, stages):
    """Is a text file renamed .pdf refused with a message on the resume field?"""
    signed_in(Role.HR)
    response = client.post(
        "/candidates/new",
        data={**profile(), "resume": (io.BytesIO(b"just some text"), "resume.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert '<p class="error" id="resume-error">The resume must be a PDF file.</p>' in response.text
    assert input_value(response.text, "first_name") == "Amara"
    assert count(Candidate) == 0
    assert count(Attachment) == 0


def test_oversized_pdf_is_refused_keeping_the_other_fields(client, signed_in, stages):
    """Is a 6 MB PDF refused with a clear message, the rest of the form kept as typed?"""
    signed_in(Role.HR)
    big = b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024)
    response = client.post(
        "/candidates/new",
        data={**profile(major="Economics"), "resume": (io.BytesIO(big), "cv.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "The resume is larger than 5 MB." in response.text
    assert input_value(response.text, "major") == "Economics"
    assert input_value(response.text, "email") == "amara.okafor@csu.example"
    assert count(Candidate) == 0


def test_pdf_is_stored_under_a_random_name(app, client, signed_in, stages):
    """Is a real PDF kept in the instance uploads folder under a random name?"""
    signed_in(Role.HR)
    response = client.post(
        "/candidates/new",
        data={**profile(), "resume": (io.BytesIO(tiny_pdf()), "Amara Okafor CV.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    attachment = db.session.scalars(select(Attachment)).one()
    assert attachment.original_name == "Amara Okafor CV.pdf"
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", attachment.stored_name)
    stored = Path(app.instance_path) / "uploads" / attachment.stored_name
    assert stored.read_bytes() == tiny_pdf()
    assert attachment.size == len(tiny_pdf())


def test_uploaded_file_name_cannot_choose_the_folder(app, client, signed_in, stages):
    """Does an upload named with ../ still land in the uploads folder under a random name?"""
    signed_in(Role.HR)
    client.post(
        "/candidates/new",
        data={**profile(), "resume": (io.BytesIO(tiny_pdf()), "../../evil.pdf")},
        content_type="multipart/form-data",
    )
    attachment = db.session.scalars(select(Attachment)).one()
    assert "/" not in attachment.original_name
    assert [p.name for p in (Path(app.instance_path) / "uploads").iterdir()] == [
        attachment.stored_name
    ]


def test_resume_downloads_as_an_attachment(client, signed_in, stages):
    """Does staff's download of a resume come as a PDF attachment, never inline?"""
    signed_in(Role.OUTREACH)
    client.post(
        "/candidates/new",
        data={**profile(), "resume": (io.BytesIO(tiny_pdf()), "cv.pdf")},
        content_type="multipart/form-data",
    )
    attachment = db.session.scalars(select(Attachment)).one()
    page = client.get(f"/candidates/{attachment.candidate_id}").text
    link = f"/candidates/{attachment.candidate_id}/resumes/{attachment.id}"
    assert f'href="{link}"' in page

    response = client.get(link)

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.data == tiny_pdf()


def test_resume_needs_sign_in(client, auth, signed_in, stages):
    """Is a signed-out visitor sent to sign in instead of getting the resume?"""
    signed_in(Role.HR)
    client.post(
        "/candidates/new",
        data={**profile(), "resume": (io.BytesIO(tiny_pdf()), "cv.pdf")},
        content_type="multipart/form-data",
    )
    attachment = db.session.scalars(select(Attachment)).one()
    auth.logout()

    response = client.get(f"/candidates/{attachment.candidate_id}/resumes/{attachment.id}")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert b"%PDF" not in response.data


def test_resume_of_another_candidate_is_404(client, signed_in, make_candidate, stages):
    """Is a resume asked for under the wrong candidate's address refused?"""
    signed_in(Role.HR)
    client.post(
        "/candidates/new",
        data={**profile(), "resume": (io.BytesIO(tiny_pdf()), "cv.pdf")},
        content_type="multipart/form-data",
    )
    attachment = db.session.scalars(select(Attachment)).one()
    other = make_candidate()
    assert client.get(f"/candidates/{other.id}/resumes/{attachment.id}").status_code == 404


# --- merge ------------------------------------------------------------------------------


def make_duplicate_pair(make_candidate, make_event, make_user, stages):
    """A kept record and a duplicate holding one of everything that must move."""
    keep = make_candidate(first_name="Amara", last_name="Okafor", email="amara@csu.example")
    duplicate = make_candidate(
        first_name="Amara",
        last_name="Okafor",
        email="a.okafor@gmail.example",
        phone="916-555-0100",
        tags=[Tag(name="bilingual")],
        interests=[CandidateInterest(interest=Interest.CO_OP)],
    )
    mover = make_user(Role.HR)
    move_candidate(duplicate, stages["screening"], mover, duplicate.version)
    fair = make_event("Spring Career Fair")
    position = Position(title="Procurement intern", agency="General Services", term="summer")
    db.session.add_all(
        [
            Note(candidate_id=duplicate.id, body="Met her at the Sacramento fair"),
            CandidateEvent(candidate_id=duplicate.id, event_id=fair.id, via="form"),
            position,
            Attachment(
                candidate_id=duplicate.id,
                original_name="cv.pdf",
                stored_name="a" * 32 + ".pdf",
                size=100,
                sha256="0" * 64,
            ),
        ]
    )
    db.session.flush()
    db.session.add(
        Placement(
            candidate_id=duplicate.id,
            position_id=position.id,
            starts_on=date.today(),
            ends_on=date.today() + timedelta(days=70),
        )
    )
    db.session.commit()
    return keep, duplicate


def test_merge_moves_everything_to_the_kept_record(
    client, signed_in, make_candidate, make_event, make_user, stages
):
    """Does a merge move notes, tags, history, events, placements and files to the kept
    record, fill its blanks and remove the duplicate?"""
    signed_in(Role.HR)
    keep, duplicate = make_duplicate_pair(make_candidate, make_event, make_user, stages)
    keep_id, duplicate_id = keep.id, duplicate.id

    response = client.post(
        f"/candidates/{keep_id}/merge",
        data={"other_email": "A.Okafor@gmail.example", "confirm": "y"},
    )

    assert response.headers["Location"] == f"/candidates/{keep_id}"
    db.session.expire_all()
    assert db.session.get(Candidate, duplicate_id) is None
    keep = db.session.get(Candidate, keep_id)
    assert keep.email == "amara@csu.example"
    assert keep.phone == "916-555-0100"
    assert [n.body for n in keep.notes] == ["Met her at the Sacramento fair"]
    assert [t.name for t in keep.tags] == ["bilingual"]
    assert [ci.interest for ci in keep.interests] == [Interest.CO_OP]
    assert len(keep.history) == 3
    assert [link.event.name for link in keep.event_links] == ["Spring Career Fair"]
    assert [a.original_name for a in keep.attachments] == ["cv.pdf"]
    assert db.session.scalars(select(Placement.candidate_id)).all() == [keep_id]


def test_merge_keeps_the_openings_either_record_chose(
    client, signed_in, make_candidate, make_event, make_user, stages
):
    """Does a merge keep every opening either record chose, each once?"""
    signed_in(Role.HR)
    keep, duplicate = make_duplicate_pair(make_candidate, make_event, make_user, stages)
    both, only_duplicate = new_position(), new_position()
    for candidate_id, position in (
        (keep.id, both),
        (duplicate.id, both),
        (duplicate.id, only_duplicate),
    ):
        db.session.add(CandidateOpening(candidate_id=candidate_id, position_id=position.id))
    db.session.commit()
    keep_id = keep.id

    client.post(
        f"/candidates/{keep_id}/merge",
        data={"other_email": "a.okafor@gmail.example", "confirm": "y"},
    )

    db.session.expire_all()
    chosen = db.session.execute(
        select(CandidateOpening.candidate_id, CandidateOpening.position_id).order_by(
            CandidateOpening.position_id
        )
    ).all()
    assert [tuple(row) for row in chosen] == [(keep_id, both.id), (keep_id, only_duplicate.id)]


def test_merge_is_audited(client, signed_in, make_candidate, make_event, make_user, stages):
    """Does a merge leave an audit entry naming who merged which record, by id, with the
    removed address only as a keyed hash?"""
    user = signed_in(Role.HR)
    keep, duplicate = make_duplicate_pair(make_candidate, make_event, make_user, stages)
    keep_id, duplicate_id = keep.id, duplicate.id

    client.post(
        f"/candidates/{keep_id}/merge",
        data={"other_email": "a.okafor@gmail.example", "confirm": "y"},
    )

    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "candidate.merge")
    ).one()
    assert (entry.user_id, entry.target_id) == (user.id, keep_id)
    assert entry.detail["removed_id"] == duplicate_id
    assert "removed" not in entry.detail and "a.okafor" not in str(entry.detail)
    assert entry.detail["removed_email_hash"] == keyed_hash("A.Okafor@gmail.example")


def test_merged_notes_are_found_by_search(
    client, signed_in, make_candidate, make_event, make_user, stages
):
    """After a merge, does a word from the duplicate's note find the kept record only?"""
    signed_in(Role.HR)
    keep, _duplicate = make_duplicate_pair(make_candidate, make_event, make_user, stages)
    keep_id = keep.id
    client.post(
        f"/candidates/{keep_id}/merge",
        data={"other_email": "a.okafor@gmail.example", "confirm": "y"},
    )
    page = client.get("/candidates/?q=sacramento&status=all").text
    assert re.findall(r'<a href="/candidates/(\d+)">', page) == [str(keep_id)]


def test_merge_needs_the_confirmation(client, signed_in, make_candidate):
    """Is a merge without the confirmation box refused, both records kept?"""
    signed_in(Role.HR)
    keep = make_candidate(email="amara@csu.example")
    make_candidate(email="a.okafor@gmail.example")

    response = client.post(
        f"/candidates/{keep.id}/merge", data={"other_email": "a.okafor@gmail.example"}
    )

    assert response.status_code == 200
    assert "tick this box" in response.text
    assert count(Candidate) == 2


def test_merge_with_itself_is_refused(client, signed_in, make_candidate):
    """Is merging a record into itself refused?"""
    signed_in(Role.HR)
    keep = make_candidate(email="amara@csu.example")

    response = client.post(
        f"/candidates/{keep.id}/merge", data={"other_email": "amara@csu.example", "confirm": "y"}
    )

    assert "No other candidate has this email." in response.text
    assert count(Candidate) == 1


# --- closing and reopening --------------------------------------------------------------


def test_closing_needs_a_reason(client, signed_in, make_candidate, stages):
    """Does closing from the candidate page without a reason say so and keep them open?"""
    signed_in(Role.HR)
    candidate = make_candidate()

    response = client.post(
        f"/candidates/{candidate.id}/move",
        data={"to_stage": stages["not_selected"].id, "version": "1"},
        follow_redirects=True,
    )

    assert "Choose a reason for moving" in response.text
    assert db.session.get(Candidate, candidate.id).stage_id == stages["interested"].id


def test_a_refused_close_keeps_the_stage_and_comment(client, signed_in, make_candidate, stages):
    """When closing is refused for want of a reason, does the page come back with the
    chosen stage and the typed comment kept, and the refusal under Reason?"""
    signed_in(Role.HR)
    candidate = make_candidate()
    not_selected = stages["not_selected"].id

    response = client.post(
        f"/candidates/{candidate.id}/move",
        data={"to_stage": not_selected, "version": "1", "comment": "Took another offer"},
    )

    assert response.status_code == 422
    page = response.text
    assert f'<option selected value="{not_selected}">' in page
    assert 'value="Took another offer"' in page
    reason = page.split('id="reason-error"')[1].split("</p>")[0]
    assert "Choose a reason for moving" in reason
    assert db.session.get(Candidate, candidate.id).stage_id == stages["interested"].id


def test_closed_candidate_leaves_the_board(client, signed_in, make_candidate, stages):
    """With a reason, is the candidate closed, off the board and shown with the reason?"""
    signed_in(Role.HR)
    candidate = make_candidate(first_name="Closing", last_name="Soon")

    client.post(
        f"/candidates/{candidate.id}/move",
        data={
            "to_stage": stages["talent_pool"].id,
            "version": "1",
            "reason": "future_term",
            "comment": "Apply again in spring",
        },
    )

    db.session.expire_all()
    assert candidate.stage_id == stages["talent_pool"].id
    assert candidate.closed_reason == "future_term"
    assert f'data-candidate-id="{candidate.id}"' not in client.get("/candidates/board").text
    page = client.get(f"/candidates/{candidate.id}").text
    # The move form lists every reason on every candidate page: look where the status is.
    status = page.split('<p class="lead">')[1].split("</p>")[0]
    assert "Talent pool" in status and "Good fit for a later term" in status
    assert "Apply again in spring" in page


def test_reopening_puts_the_candidate_back_on_the_board(client, signed_in, make_candidate, stages):
    """Does moving a closed candidate to an active stage reopen them, clearing the reason?"""
    signed_in(Role.HR)
    candidate = make_candidate(stage="not_selected", closed_reason="positions_filled")

    response = client.post(
        f"/candidates/{candidate.id}/move",
        data={"to_stage": stages["screening"].id, "version": "1"},
    )

    assert response.status_code == 303
    db.session.expire_all()
    assert candidate.stage_id == stages["screening"].id
    assert candidate.closed_reason is None
    board = client.get("/candidates/board").text
    column = board[board.index(f'data-stage-id="{stages["screening"].id}"') :]
    assert f'data-candidate-id="{candidate.id}"' in column
