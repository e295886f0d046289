"""Whatever anyone types or sends, Recruit answers without a server error and shows it
back escaped: property-based tests over every form and query string people reach.

Each test's fixtures are built once and shared by all its examples, so every example
stands on its own: it makes any record it needs with a fresh name, and asserts only on
the answer to its own request.
"""

import io
import itertools
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from recruit.auth.models import Role
from recruit.candidates.models import Candidate
from recruit.database import parse_id, utcnow
from recruit.extensions import db
from tests.placement_factories import new_link, new_placement, standard_items

FUZZ_SETTINGS = settings(
    deadline=None,
    max_examples=20,
    # The fixtures (app, database, signed-in client) are made once per test and shared by
    # its examples on purpose: each example makes what it needs with a fresh name.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31m\x7f",
    "\r\n\t\v\f",
    "\u202eevil\u202c",  # right-to-left override
    "\u200f\u200e\u061c",  # right-to-left and left-to-right marks
    "\ufeff\u200b\u2060",  # byte-order mark, zero-width space and joiner
    "\U0001f600" * 50,
    "Zoë Nguyễn-O'Brien",
    "' OR 1=1 --",
    "'); DROP TABLE candidates; --",
    '" UNION SELECT password_hash FROM users --',
    "%' AND 1=0 UNION ALL SELECT NULL --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ 7 * 7 }}{% raw %}",
    "%s%n%x%d",
    "../../../etc/passwd",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "fall-1999",
    "spring-99999",
    "a" * 10_000,
    "<" * 70_000,
]
# Any text (control characters and NUL included), the nasty list, and sometimes a lot.
TEXT = st.one_of(
    st.text(max_size=60),
    st.text(max_size=60),
    st.sampled_from(NASTY),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=5), st.integers(100, 5_000)),
)
# What the escaping checks save and read back: anything but NUL, which is refused outright.
SAVED_TEXT = st.one_of(
    # No lone surrogates: no browser can send one (UTF-8 cannot carry it), and the test
    # client fails to encode it before Recruit sees anything.
    st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), max_size=60),
    st.sampled_from([t for t in NASTY if "\x00" not in t and len(t) < 1000]),
)
# Where one value is expected: several, or a file, instead.
VALUE = st.one_of(
    TEXT,
    TEXT,
    st.lists(TEXT, min_size=2, max_size=3),
    st.builds(lambda s: (io.BytesIO(s.encode()), "x.pdf"), st.text(max_size=20)),
)
# Lone surrogates and bytes that are not UTF-8 cannot be typed into a form, but a client
# can send them percent-encoded.
RAW_BYTES = st.sampled_from(
    [b"%ED%A0%80", b"%FF%FE", b"%C0%AF", b"%00", b"%E2%80%AE", b"%F4%90%80%80", b"%", b"%zz"]
)

INTEREST_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "university",
    "university_other",
    "major",
    "class_standing",
    "grad_term",
    "grad_year",
    "interests",
    "availability",
    "procurement_areas",
    "consent",
    "website",
    "started",
]
CANDIDATE_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "university_id",
    "university_other",
    "major",
    "class_standing",
    "grad_term",
    "grad_year",
    "interests",
    "availability",
    "procurement_areas",
    "source",
    "source_event_id",
    "rating",
    "tags",
    "consent",
    "confirm_duplicate",
    "version",
]
CANDIDATE_FILTERS = [
    "q",
    "stage",
    "university",
    "event",
    "interest",
    "graduation",
    "tag",
    "rating",
    "resume",
    "status",
    "sort",
    "direction",
    "page",
]
EVENT_FIELDS = [
    "name",
    "slug",
    "kind",
    "university_id",
    "starts_on",
    "ends_on",
    "location",
    "virtual_url",
    "staff",
    "status",
    "notes",
    "version",
]
FEEDBACK_FIELDS = [
    "submitted_by_name",
    "strengths",
    "areas_to_grow",
    "recommend_full_time",
    "item_overall",
    "item_attendance",
]

_sequence = itertools.count(1)


def fields(names: list[str], values=VALUE):
    """Some of these fields, each with an arbitrary value."""
    return st.dictionaries(st.sampled_from(names), values, max_size=len(names))


def query(names: list[str]):
    """A query string of some of these names, with arbitrary text values."""
    return st.dictionaries(st.sampled_from(names), TEXT, max_size=len(names))


def assert_no_server_error(response) -> None:
    assert response.status_code < 500, f"{response.status_code} from {response.request.path}"


def fresh_email() -> str:
    return f"fuzz{next(_sequence)}@university.example"


def valid_interest(university_id: int, **changes) -> dict:
    data = {
        "first_name": "Ana",
        "last_name": "Ruiz",
        "email": fresh_email(),
        "university": str(university_id),
        "major": "Public Administration",
        "class_standing": "senior",
        "grad_term": "spring",
        "grad_year": str(date.today().year + 1),
        "interests": ["summer_internship"],
        "availability": "June",
        "consent": "y",
    }
    data.update(changes)
    return data


@pytest.fixture
def config_overrides():
    return {"MIN_FILL_SECONDS": 0}


@pytest.fixture
def staff(client, signed_in):
    """A client signed in as an admin, who may open every staff page."""
    signed_in(Role.ADMIN)
    return client


@pytest.fixture
def university_id(make_university) -> int:
    return make_university().id


@pytest.fixture
def candidate_id(make_candidate) -> int:
    return make_candidate().id


@pytest.fixture
def event(make_event):
    return make_event()


# --- the public interest form ------------------------------------------------------


@FUZZ_SETTINGS
@given(data=fields(INTEREST_FIELDS), kiosk=TEXT)
# Found by this test: a file sent under a text field's name was a server error.
@example(data={"first_name": (io.BytesIO(b"x"), "x.pdf")}, kiosk="")
def test_interest_form_survives_anything(client, stages, university_id, data, kiosk):
    """Does /apply answer anything a phone or a bot sends without a server error?"""
    assert_no_server_error(client.post("/apply", query_string={"kiosk": kiosk}, data=data))


@FUZZ_SETTINGS
@given(changes=fields(INTEREST_FIELDS, TEXT))
def test_interest_form_with_fuzzed_fields_near_valid(client, stages, university_id, changes):
    """Does a valid form with any one or more fields changed still never fail on our side?"""
    data = valid_interest(university_id, **changes)
    assert_no_server_error(client.post("/apply", data=data))


@FUZZ_SETTINGS
@given(slug=TEXT, data=fields(INTEREST_FIELDS))
def test_event_form_survives_any_slug(client, stages, event, slug, data):
    """Does /apply/<slug> answer any slug, and any form at a real event, calmly?"""
    from urllib.parse import quote

    assert_no_server_error(client.get(f"/apply/{quote(slug, safe='')}"))
    assert_no_server_error(client.post(f"/apply/{event.slug}", data=data))


@FUZZ_SETTINGS
@given(first=SAVED_TEXT, last=SAVED_TEXT)
def test_interest_form_names_are_shown_back_escaped(client, stages, university_id, first, last):
    """Is a name with markup in it shown back as text when the form is re-rendered?"""
    data = valid_interest(
        university_id,
        first_name=f"<script>alert(1)</script>{first}",
        last_name=last,
        email="not an email",
    )
    page = client.post("/apply", data=data).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- signing in ---------------------------------------------------------------------


@FUZZ_SETTINGS
@given(data=fields(["email", "password", "remember"]), next_url=TEXT)
def test_login_survives_anything(client, data, next_url):
    """Does /login answer any email, password and next address without a server error?"""
    response = client.post("/login", query_string={"next": next_url}, data=data)
    assert_no_server_error(response)
    assert response.status_code != 302 or "/login" not in response.location


# --- candidates, the board, notes ----------------------------------------------------


@FUZZ_SETTINGS
@given(args=query(CANDIDATE_FILTERS))
def test_candidate_list_survives_any_query(staff, stages, args):
    """Do the candidate list and its CSV export take any filters, sort and page?"""
    assert_no_server_error(staff.get("/candidates/", query_string=args))
    assert_no_server_error(staff.get("/candidates/export.csv", query_string=args))


@FUZZ_SETTINGS
@given(args=query([*CANDIDATE_FILTERS, "offset", "partial"]))
def test_board_survives_any_filters(staff, stages, args):
    """Do the board and one of its columns take any filters and offsets?"""
    assert_no_server_error(staff.get("/candidates/board", query_string=args))
    column = stages["interested"].id
    assert_no_server_error(staff.get(f"/candidates/board/stages/{column}", query_string=args))


@FUZZ_SETTINGS
@given(data=fields(CANDIDATE_FIELDS))
def test_candidate_create_survives_anything(staff, stages, university_id, data):
    """Does the new-candidate form answer any input without a server error?"""
    assert_no_server_error(staff.post("/candidates/new", data=data))


@FUZZ_SETTINGS
@given(data=fields(CANDIDATE_FIELDS))
def test_candidate_edit_survives_anything(staff, stages, candidate_id, data):
    """Does the edit form answer any input without a server error?"""
    assert_no_server_error(staff.post(f"/candidates/{candidate_id}/edit", data=data))
    assert_no_server_error(staff.get(f"/candidates/{candidate_id}"))


@FUZZ_SETTINGS
@given(data=fields(["to_stage", "version", "reason", "comment", "next"]))
@example(data={"to_stage": "2", "version": "\u00b2"})
@example(data={"to_stage": "2", "version": "99999999999999999999"})
def test_move_survives_anything(staff, stages, candidate_id, data):
    """Does a stage move with any to_stage, version, reason or next refuse calmly?"""
    assert_no_server_error(staff.post(f"/candidates/{candidate_id}/move", data=data))


@FUZZ_SETTINGS
@given(body=VALUE)
def test_notes_survive_anything(staff, stages, candidate_id, body):
    """Does adding a note answer any body without a server error?"""
    assert_no_server_error(staff.post(f"/candidates/{candidate_id}/notes", data={"body": body}))


@FUZZ_SETTINGS
@given(text=SAVED_TEXT)
def test_notes_are_shown_back_escaped(staff, stages, candidate_id, text):
    """Does a note holding a script tag appear as text on the candidate page?"""
    body = f"{text}<script>alert('note')</script>"
    staff.post(f"/candidates/{candidate_id}/notes", data={"body": body})
    page = staff.get(f"/candidates/{candidate_id}").get_data(as_text=True)
    assert "<script>alert('note')</script>" not in page
    assert str(escape("<script>alert('note')</script>")) in page


@FUZZ_SETTINGS
@given(first=SAVED_TEXT, last=SAVED_TEXT)
def test_candidate_names_are_shown_back_escaped(staff, stages, first, last):
    """Does a name with markup, saved by staff, appear as text on the candidate page?"""
    first_name = f"<script>alert(1)</script>{first}".strip()
    answer = staff.post(
        "/candidates/new",
        data={
            "first_name": first_name,
            "last_name": last.strip() or "Ruiz",
            "email": fresh_email(),
            "source": "website",
            "confirm_duplicate": "y",
        },
    )
    assert_no_server_error(answer)
    saved = db.session.scalar(db.select(Candidate).order_by(Candidate.id.desc()).limit(1))
    db.session.rollback()
    if answer.status_code != 302 or saved is None or saved.first_name != first_name:
        return  # refused as invalid (a NUL, say): nothing to show
    page = staff.get(f"/candidates/{saved.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- events and the booth ------------------------------------------------------------


@FUZZ_SETTINGS
@given(data=fields(EVENT_FIELDS))
def test_event_create_survives_anything(staff, data):
    """Does the new-event form answer any input without a server error?"""
    assert_no_server_error(staff.post("/events/new", data=data))


@FUZZ_SETTINGS
@given(data=fields(["first_name", "last_name", "email", "university_id", "note"]))
def test_quick_add_lead_survives_anything(staff, stages, event, data):
    """Does quick-adding a lead at the booth answer any input without a server error?"""
    assert_no_server_error(staff.post(f"/events/{event.id}/leads", data=data))


@FUZZ_SETTINGS
@given(args=query(["when", "kind", "university", "status", "staff", "page"]))
# Found by this test: ids too large for the column, and digits int() refuses.
@example(args={"university": "9223372036854775808"})
@example(args={"staff": "\u00b2"})
def test_event_list_survives_any_query(staff, args):
    """Does the event list take any filters?"""
    assert_no_server_error(staff.get("/events/", query_string=args))


# --- universities and reports ----------------------------------------------------------


@FUZZ_SETTINGS
@given(args=query(["q", "state", "partnership", "programs", "direction", "page"]))
def test_university_list_survives_any_query(staff, args):
    """Does the universities list take any filters?"""
    assert_no_server_error(staff.get("/universities/", query_string=args))


@FUZZ_SETTINGS
@given(args=query(["from", "to", "term", "sort", "direction"]), table=TEXT)
def test_reports_survive_any_period(staff, stages, args, table):
    """Do the reports page and its CSV exports take any period and sort?"""
    from urllib.parse import quote

    assert_no_server_error(staff.get("/reports/", query_string=args))
    assert_no_server_error(staff.get("/reports/funnel.csv", query_string=args))
    assert_no_server_error(staff.get(f"/reports/{quote(table, safe='')}.csv"))


# --- the private feedback form -----------------------------------------------------------


@pytest.fixture
def placement(make_candidate, stages):
    standard_items()
    return new_placement(make_candidate())


@FUZZ_SETTINGS
@given(data=fields(FEEDBACK_FIELDS), token=TEXT)
def test_feedback_form_survives_anything(client, make_user, placement, data, token):
    """Does /feedback/<token> answer any link and any answers without a server error?"""
    from urllib.parse import quote

    _, real_token = new_link(placement, make_user(role=Role.HR))
    assert_no_server_error(client.get(f"/feedback/{quote(token, safe='')}"))
    assert_no_server_error(client.post(f"/feedback/{quote(token, safe='')}"))
    assert_no_server_error(client.post(f"/feedback/{real_token}", data=data))


# --- the student's own page ------------------------------------------------------------

STUDENT_PAGE_FORMS = {
    "details": ["phone", "grad_term", "grad_year", "interests", "availability", "language"],
    "resume": ["resume"],
    "openings": ["openings"],
    "withdraw": ["confirm"],
    "stop-emails": [],
    "data": [],
    "erasure": [],
}


@pytest.fixture
def status_token(make_candidate):
    """A working link to a student's own page."""
    from recruit.students.services import issue_status_link, status_token

    link = issue_status_link(make_candidate(consent_at=utcnow()))
    db.session.commit()
    return status_token(link)


@FUZZ_SETTINGS
@given(
    action=st.sampled_from(sorted(STUDENT_PAGE_FORMS)),
    data=fields(sorted({name for names in STUDENT_PAGE_FORMS.values() for name in names})),
    token=TEXT,
)
def test_student_page_survives_anything(client, stages, status_token, action, data, token):
    """Does the student's page, and each change made on it, answer any link and anything
    sent without a server error?"""
    from urllib.parse import quote

    assert_no_server_error(client.get(f"/apply/status/{quote(token, safe='')}"))
    assert_no_server_error(client.post(f"/apply/status/{quote(token, safe='')}/{action}"))
    assert_no_server_error(client.post(f"/apply/status/{status_token}/{action}", data=data))


@FUZZ_SETTINGS
@given(data=fields(["email"]))
def test_status_link_request_survives_anything(client, stages, data):
    """Does the form that sends a student their link answer anything without a server
    error?"""
    assert_no_server_error(client.post("/apply/status", data=data))


# --- bytes no keyboard makes -------------------------------------------------------------


@FUZZ_SETTINGS
@given(raw=RAW_BYTES, name=st.sampled_from(["q", "first_name", "email", "body", "from"]))
# Found by this test: a NUL in a search broke SQLite's full-text query and, on PostgreSQL,
# any query or save.
@example(raw=b"%00", name="q")
def test_undecodable_input_is_answered_calmly(staff, stages, candidate_id, raw, name):
    """Do lone surrogates and bytes that are not UTF-8, in forms and query strings, get a
    calm answer everywhere?"""
    body = b"&".join([name.encode() + b"=" + raw, b"last_name=" + raw, b"note=" + raw])
    form = {"content_type": "application/x-www-form-urlencoded", "data": body}
    for path in ("/apply", "/candidates/new", f"/candidates/{candidate_id}/notes"):
        assert_no_server_error(staff.post(path, **form))
    for path in ("/candidates/", "/candidates/board", "/universities/", "/reports/"):
        assert_no_server_error(staff.get(path, query_string=f"{name}={raw.decode()}"))


@pytest.mark.parametrize(
    ("text", "read"),
    [("9" * 5000, None), ("1" + "0" * 10, None), ("0" * 4301, 0), ("0" * 20 + "7", 7)],
)
def test_ids_of_thousands_of_digits_are_read_without_error(text, read):
    """Is an id of thousands of digits (past what Python reads) refused, not a 500, while
    leading zeros on a small id still read as that id?"""
    assert parse_id(text) == read


# --- every form Recruit posts ------------------------------------------------------------
#
# Each POST route gets every field any form has: a plausible value for most, and for some
# control characters, a choice no form offers, or a number no column holds. A route thus
# sees its own form with a few answers broken, and its validation and error page (the
# outcome form's answered 500 for a bogus choice) are both exercised.

# Routes left out: signing in and out (fuzzed above; signing out would end the session).
UNFUZZED_ENDPOINTS = {"auth.login", "auth.logout", "auth.change_password"}
# Fields some views read outside a form, or with a form prefix.
LOOSE_FIELDS = {
    "next": "/candidates/",
    "back": "",
    "token": "",
    "filename": "x.csv",
    "direction": "up",
    "hold": "1",
    "action": "send",
    "to_stage": "2",
    "export-why": "Asked for it",
    "erase-why": "Asked for it",
    "erase-confirm": "y",
    "questions-0-question_id": "1",
    "questions-0-competency": "communication",
    "questions-0-text": "Tell us",
    "questions-0-order": "1",
    "times-0-day": date.today().isoformat(),
    "times-0-at": "10:00",
    "time-day": date.today().isoformat(),
    "time-at": "10:00",
}
BROKEN_ANSWER = st.one_of(
    # Control characters among ordinary text, where a name or a title goes.
    st.builds(
        lambda before, control, after: before + control + after,
        st.sampled_from(["", "Ana", "Fair "]),
        st.text(
            st.characters(categories=["Cc"], exclude_characters="\x00"), min_size=1, max_size=3
        ),
        st.sampled_from(["", "Ruiz", "\r\nBcc: x@example.com"]),
    ),
    # Choices, ids and numbers no form offers.
    st.sampled_from(["bogus", "-1", "0", "99999999999999999999", "\u00b2", "", "none", "__all__"]),
    st.sampled_from(NASTY[:20]),
)


def _static_choices(unbound) -> list[str]:
    choices = unbound.kwargs.get("choices")
    if not isinstance(choices, list | tuple):
        return []
    return [str(c[0] if isinstance(c, tuple | list) else c) for c in choices]


def _plausible(unbound) -> str | None:
    """A value a person would send for a field, None for a file or a nested form."""
    from wtforms import fields as f

    kind = unbound.field_class
    if issubclass(kind, f.FileField | f.FieldList | f.FormField):
        return None
    if issubclass(kind, f.SelectFieldBase):
        choices = [c for c in _static_choices(unbound) if c]
        return choices[0] if choices else "1"
    if issubclass(kind, f.BooleanField):
        return "y"
    if issubclass(kind, f.DateTimeLocalField | f.DateTimeField) and not issubclass(
        kind, f.DateField
    ):
        return f"{date.today().isoformat()}T10:00"
    if issubclass(kind, f.DateField):
        return date.today().isoformat()
    if issubclass(kind, f.TimeField):
        return "10:00"
    if issubclass(kind, f.IntegerField | f.DecimalField | f.FloatField):
        return "1"
    if issubclass(kind, f.EmailField):
        return "fuzz@university.example"
    if issubclass(kind, f.HiddenField):
        return ""
    return "Fuzz answer"


def every_form_field() -> dict[str, str]:
    """Every field name of every Recruit form, with a plausible value."""
    from wtforms.fields.core import UnboundField

    from recruit.forms import Form, SubForm

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    found = dict(LOOSE_FIELDS)
    for form_class in [*subclasses(Form), *subclasses(SubForm)]:
        for name in dir(form_class):
            unbound = getattr(form_class, name, None)
            if isinstance(unbound, UnboundField) and name not in found:
                value = _plausible(unbound)
                if value is not None:
                    found[name] = value
    return found


def post_routes() -> list[tuple[str, str]]:
    """(rule, endpoint) of every route that takes a POST."""
    from recruit import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "TESTING": True})
    return sorted(
        (rule.rule, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and rule.endpoint not in UNFUZZED_ENDPOINTS
    )


@pytest.fixture
def world(make_candidate, make_event, make_university, make_user, stages, clock):
    """One of each record a POST route's address names, by the name of its part."""
    import hashlib
    import secrets
    from datetime import timedelta

    from recruit.interviews.models import Interview, InterviewKind, InterviewState
    from recruit.messages.services import ensure_default_templates, queue
    from recruit.students.services import issue_status_link
    from recruit.students.services import status_token as token_of
    from recruit.universities.models import Contact, ContactRole

    items = standard_items()
    university = make_university()
    candidate = make_candidate(stage="onboarding", consent_at=utcnow())
    placement = new_placement(candidate)
    request, feedback_token = new_link(placement, make_user(role=Role.HR))
    contact = Contact(university=university, role=ContactRole.FACULTY, name="Dana Whitfield")
    interview = Interview(
        candidate=candidate,
        kind=InterviewKind.PANEL,
        state=InterviewState.SCHEDULED,
        starts_at=clock.now + timedelta(days=2),
        ends_at=clock.now + timedelta(days=2, minutes=45),
        duration_minutes=45,
        uid=f"interview-{next(_sequence)}@recruit.test",
        token_hash=hashlib.sha256(secrets.token_bytes(16)).hexdigest(),
        link_nonce=secrets.token_hex(16),
    )
    db.session.add_all([contact, interview])
    templates = ensure_default_templates()
    message = queue("ana@university.example", "Hello", "Hello", candidate=candidate)
    link = issue_status_link(candidate)
    event = make_event()
    db.session.commit()
    return {
        "candidate_id": candidate.id,
        "event_id": event.id,
        "university_id": university.id,
        "contact_id": contact.id,
        "placement_id": placement.id,
        "position_id": placement.position_id,
        "request_id": request.id,
        "item_id": items[0].id if isinstance(items, list) and items else 1,
        "template_id": next(iter(templates.values())).id,
        "stage_id": stages["screening"].id,
        "user_id": make_user(role=Role.OUTREACH).id,
        "message_id": message.id,
        "interview_id": interview.id,
        "task_id": 1,
        "proposal_id": 1,
        "slug": event.slug,
        "token": {"feedback.form": feedback_token, "students": token_of(link)},
    }


def _address(rule: str, endpoint: str, world: dict) -> str:
    def part(match):
        name = match.group(1).split(":")[-1]
        value = world.get(name, 1)
        if isinstance(value, dict):
            value = value.get(endpoint, value.get(endpoint.split(".")[0], "no-such-token"))
        return str(value)

    import re

    return re.sub(r"<([^>]+)>", part, rule)


POST_FUZZ_SETTINGS = settings(
    FUZZ_SETTINGS,
    # 75 routes: a few examples each keeps the whole walk to about a minute.
    max_examples=6,
)


@pytest.mark.parametrize(("rule", "endpoint"), post_routes())
def test_every_form_refuses_broken_answers_calmly(staff, world, rule, endpoint):
    """Does every form Recruit posts answer control characters and choices it never
    offered with a refusal, never a server error?"""
    path = _address(rule, endpoint, world)
    plausible = every_form_field()

    @POST_FUZZ_SETTINGS
    @given(broken=st.dictionaries(st.sampled_from(sorted(plausible)), BROKEN_ANSWER, max_size=40))
    @example(broken={"outcome": "bogus"})
    @example(broken={"name": "Fair\rBEGIN:VALARM", "recipient_name": "Dana\r\nBcc: x@y.example"})
    def post(broken):
        db.session.rollback()
        assert_no_server_error(staff.post(path, data={**plausible, **broken}))

    post()
