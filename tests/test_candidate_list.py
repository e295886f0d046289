"""The candidate list: search, filters, sorting, pages, CSV export and bulk actions."""

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from recruit.audit.models import AuditEntry
from recruit.auth.models import Role
from recruit.candidates import search
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
    Term,
)
from recruit.database import utcnow
from recruit.extensions import db
from tests.query_counting import counting_queries


def listed(response) -> list[int]:
    """The candidate ids the list shows, in the order shown."""
    assert response.status_code == 200, response.status_code
    return [int(i) for i in re.findall(r'<a href="/candidates/(\d+)">', response.text)]


def add_note(candidate, body: str) -> None:
    db.session.add(Note(candidate_id=candidate.id, body=body))
    db.session.commit()


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    # Read as Excel does: the byte-order mark says UTF-8 and is not part of the header.
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


# --- filters ----------------------------------------------------------------------------


def test_stage_filter(client, signed_in, make_candidate, stages):
    """Does ?stage= show only the candidates in that stage?"""
    signed_in(Role.HR)
    screening = make_candidate(stage="screening")
    make_candidate(stage="interview")
    assert listed(client.get(f"/candidates/?stage={stages['screening'].id}")) == [screening.id]


def test_university_filter(client, signed_in, make_candidate, make_university):
    """Does ?university= show only that university's candidates?"""
    signed_in(Role.HR)
    state, tech = make_university("Capital State University"), make_university("Valley Tech")
    ours = make_candidate(university_id=state.id)
    make_candidate(university_id=tech.id)
    assert listed(client.get(f"/candidates/?university={state.id}")) == [ours.id]


def row_of(response, candidate) -> str:
    """The list's row for a candidate."""
    rows = re.findall(r"<tr>(.*?)</tr>", response.text, re.S)
    (row,) = [row for row in rows if f'href="/candidates/{candidate.id}"' in row]
    return re.sub(r"\s+", " ", row)


def test_each_row_shows_the_candidates_record(client, signed_in, make_candidate, make_university):
    """Does a row name the university with its college (or what the student typed), the
    major, the stage with why it closed, the graduation, the rating and the tags, those
    in name order whatever their case?"""
    signed_in(Role.HR)
    state = make_university("Capital State University", college="School of Business")
    placed = make_candidate(
        first_name="Ana",
        last_name="Ruiz",
        university_id=state.id,
        major="Supply chain",
        grad_term=Term.SPRING,
        grad_year=2031,
        rating=4,
    )
    placed.tags = [Tag(name="bilingual"), Tag(name="Veteran"), Tag(name="apprentice")]
    typed = make_candidate(first_name="Wei", last_name="Li", university_other="Night College")
    closed = make_candidate(first_name="Jo", stage="withdrawn", closed_reason="took_other_offer")
    db.session.commit()

    row = row_of(client.get("/candidates/"), placed)
    assert f'<a href="/candidates/{placed.id}">Ana Ruiz</a>' in row
    assert f'<div class="hint">{placed.email}</div>' in row
    assert "Capital State University, School of Business" in row and "Supply chain" in row
    assert "<td>Interested" in row and "Spring 2031" in row and "4 of 5" in row
    assert re.findall(r'badge--muted">([^<]+)<', row) == ["apprentice", "bilingual", "Veteran"]
    assert "<td>Night College" in row_of(client.get("/candidates/"), typed)
    closed_row = row_of(client.get("/candidates/?status=closed"), closed)
    assert "Withdrawn" in closed_row and "Took other offer" in closed_row


def test_source_event_filter(client, signed_in, make_candidate, make_event):
    """Does ?event= find the candidates who came from that event?"""
    signed_in(Role.HR)
    fair, other = make_event("Spring Career Fair"), make_event("Class talk")
    ours = make_candidate(source_event_id=fair.id)
    make_candidate(source_event_id=other.id)
    assert listed(client.get(f"/candidates/?event={fair.id}")) == [ours.id]


def test_event_filter_includes_candidates_met_there(client, signed_in, make_candidate, make_event):
    """Does ?event= also find candidates recorded as met at the event, whatever their source?"""
    signed_in(Role.HR)
    fair = make_event("Spring Career Fair")
    met = make_candidate()
    db.session.add(CandidateEvent(candidate_id=met.id, event_id=fair.id, via="staff"))
    db.session.commit()
    make_candidate()
    assert listed(client.get(f"/candidates/?event={fair.id}")) == [met.id]


def test_interest_filter(client, signed_in, make_candidate):
    """Does ?interest= show only candidates who want that kind of work?"""
    signed_in(Role.HR)
    ours = make_candidate(interests=[CandidateInterest(interest=Interest.CO_OP)])
    make_candidate(interests=[CandidateInterest(interest=Interest.FULL_TIME)])
    assert listed(client.get("/candidates/?interest=co_op")) == [ours.id]


def test_graduation_filter(client, signed_in, make_candidate):
    """Does ?graduation=spring-<year> show only candidates graduating that term?"""
    signed_in(Role.HR)
    year = utcnow().year + 1
    ours = make_candidate(grad_term=Term.SPRING, grad_year=year)
    make_candidate(grad_term=Term.FALL, grad_year=year)
    make_candidate(grad_term=Term.SPRING, grad_year=year + 1)
    assert listed(client.get(f"/candidates/?graduation=spring-{year}")) == [ours.id]


def test_tag_filter_ignores_letter_case(client, signed_in, make_candidate):
    """Does ?tag=Bilingual find candidates tagged 'bilingual'?"""
    signed_in(Role.HR)
    ours = make_candidate(tags=[Tag(name="bilingual")])
    make_candidate(tags=[Tag(name="veteran")])
    assert listed(client.get("/candidates/?tag=Bilingual")) == [ours.id]


def test_rating_filter_shows_that_rating_and_better(client, signed_in, make_candidate):
    """Does ?rating=4 show candidates rated 4 or 5 and hide the rest?"""
    signed_in(Role.HR)
    five, four = make_candidate(rating=5), make_candidate(rating=4)
    make_candidate(rating=3)
    make_candidate()
    assert sorted(listed(client.get("/candidates/?rating=4"))) == sorted([five.id, four.id])


def test_has_resume_filter(client, signed_in, make_candidate):
    """Does ?resume=1 show only candidates with a resume on file?"""
    signed_in(Role.HR)
    ours, removed = make_candidate(), make_candidate()
    make_candidate()
    for n, candidate in enumerate((ours, removed)):
        db.session.add(
            Attachment(
                candidate_id=candidate.id,
                original_name="resume.pdf",
                stored_name=f"{n}" * 32 + ".pdf",
                size=1000,
                sha256="0" * 64,
                deleted_at=utcnow() if candidate is removed else None,
            )
        )
    db.session.commit()
    assert listed(client.get("/candidates/?resume=1")) == [ours.id]


def test_filters_combine(client, signed_in, make_candidate, make_university):
    """Do two filters together show only candidates matching both?"""
    signed_in(Role.HR)
    state = make_university("Capital State University")
    ours = make_candidate(university_id=state.id, rating=5)
    make_candidate(university_id=state.id, rating=2)
    make_candidate(rating=5)
    assert listed(client.get(f"/candidates/?university={state.id}&rating=4")) == [ours.id]


def test_malformed_filters_are_ignored(client, signed_in, make_candidate):
    """Does a hand-edited URL with nonsense filters still show the list?"""
    signed_in(Role.HR)
    candidate = make_candidate()
    response = client.get(
        "/candidates/?stage=abc&rating=99&graduation=winter-1&sort=drop&page=-3&interest=x"
    )
    assert listed(response) == [candidate.id]


# --- search -----------------------------------------------------------------------------


def test_search_without_accents_finds_accented_names(client, signed_in, make_candidate):
    """Does searching 'jose' find José?"""
    signed_in(Role.HR)
    jose = make_candidate(first_name="José", last_name="Álvarez")
    make_candidate(first_name="Joanna", last_name="Smith")
    assert listed(client.get("/candidates/?q=jose")) == [jose.id]


def test_search_finds_chinese_names(client, signed_in, make_candidate):
    """Does searching '李' find 李明?"""
    signed_in(Role.HR)
    li = make_candidate(first_name="李明", last_name="Li")
    make_candidate(first_name="Lina", last_name="Park")
    assert listed(client.get("/candidates/?q=李")) == [li.id]


def test_search_with_an_apostrophe(client, signed_in, make_candidate):
    """Does searching O'Brien find Siobhan O'Brien, and show the query back safely?"""
    signed_in(Role.HR)
    obrien = make_candidate(first_name="Siobhan", last_name="O'Brien")
    make_candidate(first_name="Brian", last_name="Olsen")
    response = client.get("/candidates/?q=O'Brien")
    assert listed(response) == [obrien.id]
    assert "matching “O&#39;Brien”" in response.text


def test_search_finds_words_in_notes(client, signed_in, make_candidate):
    """Does a word from a staff note find the candidate?"""
    signed_in(Role.HR)
    candidate = make_candidate()
    make_candidate()
    add_note(candidate, "Speaks fluent Portuguese, met at the booth.")
    assert listed(client.get("/candidates/?q=portuguese")) == [candidate.id]


def test_search_finds_tags(client, signed_in, make_candidate):
    """Does a tag's name find the candidates carrying it?"""
    signed_in(Role.HR)
    candidate = make_candidate(tags=[Tag(name="returning")])
    make_candidate(tags=[Tag(name="veteran")])
    assert listed(client.get("/candidates/?q=returning")) == [candidate.id]


def test_search_finds_university_and_major(client, signed_in, make_candidate, make_university):
    """Do a university's name and a major find the candidate?"""
    signed_in(Role.HR)
    uni = make_university("Northbridge College")
    candidate = make_candidate(university_id=uni.id, major="Supply chain management")
    make_candidate(major="History")
    assert listed(client.get("/candidates/?q=northbridge supply")) == [candidate.id]


def test_search_follows_a_later_rename(client, signed_in, make_candidate):
    """After a candidate's name is corrected, does the search find the new name only?"""
    signed_in(Role.HR)
    candidate = make_candidate(first_name="Jon", last_name="Kowalsky")
    candidate.last_name = "Kowalski"
    db.session.commit()
    assert listed(client.get("/candidates/?q=kowalski")) == [candidate.id]
    assert listed(client.get("/candidates/?q=kowalsky")) == []


def test_search_by_email(client, signed_in, make_candidate):
    """Do a whole email in other letters, its start and its domain each find the candidate?"""
    signed_in(Role.HR)
    candidate = make_candidate(email="ana.okafor@csu.example")
    make_candidate(email="ben@valley.example")
    for q in ("ANA.Okafor@csu.example", "ana.okafor@csu", "csu.example"):
        assert listed(client.get("/candidates/", query_string={"q": q})) == [candidate.id], q


def test_search_finds_a_tag_added_in_bulk(client, signed_in, make_candidate):
    """Does a tag added with a bulk action find the candidate in a search at once?"""
    signed_in(Role.HR)
    candidate = make_candidate()
    make_candidate()
    client.post("/candidates/bulk", data={"ids": [candidate.id], "action": "tag", "tag": "stem"})
    assert listed(client.get("/candidates/?q=stem")) == [candidate.id]


def test_search_follows_a_university_rename(client, signed_in, make_candidate, make_university):
    """After a university is renamed, does its new name find its candidates?"""
    signed_in(Role.HR)
    uni = make_university("Capital College")
    candidate = make_candidate(university_id=uni.id)
    uni.name = "Capital State University"
    db.session.commit()
    assert listed(client.get("/candidates/?q=capital state")) == [candidate.id]


def test_name_match_ranks_above_note_match(client, signed_in, make_candidate):
    """Is a candidate named Zephyr listed before one whose note mentions Zephyr?"""
    signed_in(Role.HR)
    # The note's candidate comes first, so only the ranking can put the named one ahead.
    mentioned = make_candidate(first_name="Ruth", last_name="Abara")
    add_note(mentioned, "Roommate of Zephyr, who told her about the fair.")
    named = make_candidate(first_name="Zephyr", last_name="Okafor")
    assert listed(client.get("/candidates/?q=zephyr")) == [named.id, mentioned.id]


def test_search_shows_where_it_matched(client, signed_in, make_candidate):
    """Does a result show the field it matched with the words marked?"""
    signed_in(Role.HR)
    candidate = make_candidate()
    add_note(candidate, "Speaks fluent Portuguese.")
    response = client.get("/candidates/?q=portuguese")
    assert '<span class="match__field">Notes:</span>' in response.text
    assert "fluent <mark>Portuguese</mark>" in response.text


def test_search_reads_what_it_marks_with_the_rows(client, signed_in, make_candidate):
    """Does a page of results read the text its highlights mark in the statement that
    reads its rows, not in a round trip of its own?"""
    signed_in(Role.HR)
    candidate = make_candidate()
    add_note(candidate, "Speaks fluent Portuguese.")
    client.get("/candidates/?q=portuguese")  # fills the worker's copies
    db.session.remove()
    with counting_queries() as statements:
        response = client.get("/candidates/?q=portuguese")
    assert "fluent <mark>Portuguese</mark>" in response.text
    searched = [s for s in statements if re.search(r"\bcandidate_search\.notes\b", s)]
    assert len(searched) == 1 and "candidates.first_name" in searched[0], statements


def test_matched_note_is_shown_escaped(client, signed_in, make_candidate):
    """Is a note holding markup shown as text in the search result, never run?"""
    signed_in(Role.HR)
    candidate = make_candidate()
    add_note(candidate, "<script>alert(1)</script> knows procurement law")
    response = client.get("/candidates/?q=procurement")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; knows <mark>procurement</mark>" in response.text
    assert "<script>alert(1)" not in response.text


def test_search_punctuation_alone_lists_everyone(client, signed_in, make_candidate):
    """Does a search of only punctuation show the unsearched list instead of an error?"""
    signed_in(Role.HR)
    candidate = make_candidate()
    assert listed(client.get('/candidates/?q="*()-')) == [candidate.id]


# --- searches past the cap -------------------------------------------------------------


@pytest.fixture
def cap_of_3(monkeypatch):
    """A search cap of 3 instead of 1,000, so that a handful of candidates outgrow it."""
    monkeypatch.setattr(search, "SEARCH_CAP", 3)


def test_search_over_the_cap_says_more_than(app, client, signed_in, make_candidate, cap_of_3):
    """With 4 Ruiz past a cap of 3, does the list say "more than 3", page through the first
    3 only, and stop there?"""
    app.config["PAGE_SIZE"] = 2
    signed_in(Role.HR)
    made = [make_candidate(last_name="Ruiz") for _ in range(4)]
    first = client.get("/candidates/?q=ruiz")
    assert "More than 3 candidates matching “ruiz”" in first.text
    assert "Page 1 of 2 (more than 3 in all)" in first.text
    second = client.get("/candidates/?q=ruiz&page=2")
    assert len(listed(first)) == 2
    assert len(listed(second)) == 1
    assert 'rel="next"' not in second.text
    assert set(listed(first) + listed(second)) < {c.id for c in made}
    assert listed(client.get("/candidates/?q=ruiz&page=3")) == []


def test_search_up_to_the_cap_counts_exactly(client, signed_in, make_candidate, cap_of_3):
    """With exactly 3 Ruiz and a cap of 3, does the list count them exactly and show all?"""
    signed_in(Role.HR)
    made = [make_candidate(last_name="Ruiz") for _ in range(3)]
    response = client.get("/candidates/?q=ruiz")
    assert "3 candidates matching “ruiz”" in response.text
    assert "More than" not in response.text
    assert sorted(listed(response)) == sorted(c.id for c in made)


def test_exact_name_ranks_first_among_newer_mentions(client, signed_in, make_candidate, cap_of_3):
    """Past the cap, is the one candidate named Zephyr Quill still listed first, though four
    newer candidates whose notes mention Zephyr are all the newest matches?"""
    signed_in(Role.HR)
    named = make_candidate(first_name="Zephyr", last_name="Quill")
    for _ in range(4):
        add_note(make_candidate(), "Zephyr Quill's roommate; heard of us from Zephyr.")
    response = client.get("/candidates/?q=zephyr quill")
    assert "More than 3 candidates" in response.text
    assert listed(response)[0] == named.id


def test_search_filters_before_the_cap(client, signed_in, make_candidate, cap_of_3):
    """Past the cap, does status=closed list withdrawn Ruiz, though four open Ruiz are
    newer than all of them?"""
    signed_in(Role.HR)
    closed = [
        make_candidate(last_name="Ruiz", stage="withdrawn", closed_reason="own_request")
        for _ in range(4)
    ]
    for _ in range(4):
        make_candidate(last_name="Ruiz")
    response = client.get("/candidates/?q=ruiz&status=closed")
    assert "More than 3 candidates" in response.text
    shown = listed(response)
    assert len(shown) == 3
    assert set(shown) < {c.id for c in closed}


def test_sorted_search_past_the_cap_sorts_every_match(client, signed_in, make_candidate, cap_of_3):
    """Sorted by name past the cap, do the pages start with the first names in the
    alphabet among all matches, the oldest record included?"""
    signed_in(Role.HR)
    adams = make_candidate(first_name="Adams", last_name="Ruiz")
    later = [make_candidate(first_name=f"Y{n}", last_name="Ruiz") for n in range(4)]
    response = client.get("/candidates/?q=ruiz&sort=name")
    assert "More than 3 candidates" in response.text
    assert listed(response) == [adams.id, later[0].id, later[1].id]


# --- pages and sorting ------------------------------------------------------------------


def test_pages_split_the_list(app, client, signed_in, make_candidate):
    """With a page size of 2, does page 3 of 5 candidates show the last one?"""
    app.config["PAGE_SIZE"] = 2
    signed_in(Role.HR)
    made = [make_candidate() for _ in range(5)]
    first = client.get("/candidates/?sort=added")
    assert listed(first) == [made[0].id, made[1].id]
    assert "Page 1 of 3 (5 in all)" in first.text
    assert listed(client.get("/candidates/?sort=added&page=3")) == [made[4].id]


def test_page_links_keep_the_query(app, client, signed_in, make_candidate):
    """Does the Next link keep the search, filters and sort in the URL?"""
    app.config["PAGE_SIZE"] = 1
    signed_in(Role.HR)
    make_candidate(last_name="Fernandez", rating=4)
    make_candidate(last_name="Fernandez", rating=5)
    response = client.get("/candidates/?q=fernandez&rating=4&sort=name")
    next_link = re.search(r'href="([^"]+)" rel="next"', response.text).group(1)
    for part in ("q=fernandez", "rating=4", "sort=name", "page=2"):
        assert part in next_link


def test_sort_by_name_both_ways(client, signed_in, make_candidate):
    """Does sorting by name put Adams before Young, and after with direction=desc?"""
    signed_in(Role.HR)
    young, adams = make_candidate(last_name="Young"), make_candidate(last_name="Adams")
    assert listed(client.get("/candidates/?sort=name")) == [adams.id, young.id]
    assert listed(client.get("/candidates/?sort=name&direction=desc")) == [young.id, adams.id]


def test_sort_by_days_in_stage(client, signed_in, make_candidate):
    """Does sorting by time in stage put the one waiting longest first?"""
    signed_in(Role.HR)
    recent = make_candidate()
    waiting = make_candidate()
    waiting.stage_entered_at = utcnow() - timedelta(days=30)
    db.session.commit()
    assert listed(client.get("/candidates/?sort=days")) == [waiting.id, recent.id]


def test_sort_links_keep_the_filters(client, signed_in, make_candidate):
    """Does a column's sort link keep the filters already applied?"""
    signed_in(Role.HR)
    make_candidate()
    response = client.get("/candidates/?rating=3&tag=bilingual")
    link = re.search(r'<a href="([^"]*sort=rating[^"]*)"', response.text).group(1)
    assert "rating=3" in link
    assert "tag=bilingual" in link


def test_default_order_is_latest_first(client, signed_in, make_candidate):
    """Without a sort or search, are the newest candidates first?"""
    signed_in(Role.HR)
    older = make_candidate(created_at=utcnow() - timedelta(days=3))
    newer = make_candidate()
    assert listed(client.get("/candidates/")) == [newer.id, older.id]


# --- closed candidates ------------------------------------------------------------------


def test_closed_candidates_are_hidden_by_default(client, signed_in, make_candidate):
    """Are candidates in closed stages left out of the default list?"""
    signed_in(Role.HR)
    open_one = make_candidate()
    make_candidate(stage="not_selected", closed_reason="positions_filled")
    assert listed(client.get("/candidates/")) == [open_one.id]


def test_closed_candidates_are_shown_with_status_closed(client, signed_in, make_candidate):
    """Does status=closed show the closed candidates, and only them?"""
    signed_in(Role.HR)
    make_candidate()
    closed = make_candidate(stage="talent_pool", closed_reason="future_term")
    assert listed(client.get("/candidates/?status=closed")) == [closed.id]


def test_status_all_shows_open_and_closed(client, signed_in, make_candidate):
    """Does status=all show both open and closed candidates?"""
    signed_in(Role.HR)
    a = make_candidate()
    b = make_candidate(stage="withdrawn", closed_reason="own_request")
    assert sorted(listed(client.get("/candidates/?status=all"))) == sorted([a.id, b.id])


def test_closed_candidates_stay_searchable(client, signed_in, make_candidate):
    """Does a search with status=closed find a withdrawn candidate?"""
    signed_in(Role.HR)
    closed = make_candidate(last_name="Nakamura", stage="withdrawn", closed_reason="own_request")
    assert listed(client.get("/candidates/?q=nakamura")) == []
    assert listed(client.get("/candidates/?q=nakamura&status=closed")) == [closed.id]


def test_added_since_lists_only_newer_candidates(client, signed_in, make_candidate):
    """Does "Added since" list the candidates added on or after that day, and no older?"""
    signed_in(Role.HR)
    new = make_candidate(last_name="Newcomer")
    old = make_candidate(last_name="Oldtimer")
    old.created_at = utcnow() - timedelta(days=20)
    db.session.commit()
    since = (utcnow() - timedelta(days=5)).date().isoformat()
    assert listed(client.get(f"/candidates/?added_since={since}")) == [new.id]
    page = client.get(f"/candidates/?added_since={since}").text
    assert f'name="added_since" value="{since}"' in page


def test_a_malformed_added_since_is_ignored(client, signed_in, make_candidate):
    """Is a malformed "Added since" date ignored rather than an error?"""
    signed_in(Role.HR)
    make_candidate()
    assert client.get("/candidates/?added_since=yesterday").status_code == 200


# --- export -----------------------------------------------------------------------------


def test_export_holds_the_filtered_candidates(client, signed_in, make_candidate, make_university):
    """Does the CSV hold exactly the filtered candidates, with their details?"""
    signed_in(Role.HR)
    uni = make_university("Capital State University")
    make_candidate(
        first_name="Amara",
        last_name="Okafor",
        email="amara@csu.example",
        university_id=uni.id,
        rating=5,
        tags=[Tag(name="bilingual")],
        interests=[CandidateInterest(interest=Interest.SUMMER_INTERNSHIP)],
    )
    make_candidate(rating=2)

    rows = csv_rows(client.get("/candidates/export.csv?rating=4"))

    assert len(rows) == 1
    row = rows[0]
    assert (row["first_name"], row["last_name"], row["email"]) == (
        "Amara",
        "Okafor",
        "amara@csu.example",
    )
    assert row["university"] == "Capital State University"
    assert row["stage"] == "Interested"
    assert row["rating"] == "5"
    assert row["tags"] == "bilingual"
    assert row["interests"] == "Summer internship"


def test_export_is_a_download(client, signed_in, make_candidate):
    """Is the export sent as an attachment named for today?"""
    signed_in(Role.HR)
    make_candidate()
    response = client.get("/candidates/export.csv")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="candidates-')
    assert disposition.endswith('.csv"')


def test_export_neutralises_formulas(client, signed_in, make_candidate):
    """Are cells starting with =, +, - or @ prefixed so a spreadsheet shows them as text?"""
    signed_in(Role.HR)
    make_candidate(
        first_name='=HYPERLINK("http://evil.example","x")',
        last_name="+Smith",
        phone="-1+2",
        major="@SUM(A1)",
    )
    row = csv_rows(client.get("/candidates/export.csv"))[0]
    assert row["first_name"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["last_name"] == "'+Smith"
    assert row["phone"] == "'-1+2"
    assert row["major"] == "'@SUM(A1)"


def test_export_opens_in_excel_as_utf8(client, signed_in, make_candidate):
    """Does the CSV start with a UTF-8 byte-order mark, so Excel keeps "Chloé Lefèvre"?"""
    signed_in(Role.HR)
    make_candidate(first_name="Chloé", last_name="Lefèvre")
    response = client.get("/candidates/export.csv")
    assert response.get_data().startswith(b"\xef\xbb\xbfid,")
    row = csv_rows(response)[0]
    assert (row["first_name"], row["last_name"]) == ("Chloé", "Lefèvre")


def test_export_is_audited(client, signed_in, make_candidate):
    """Does an export leave an audit entry with who exported, how many and which filters?"""
    user = signed_in(Role.HR)
    make_candidate(rating=5)
    make_candidate(rating=5)
    client.get("/candidates/export.csv?rating=5")
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "candidate.export")
    ).one()
    assert entry.user_id == user.id
    assert entry.detail["count"] == 2
    assert entry.detail["filters"] == {"rating": 5}


# --- bulk actions -----------------------------------------------------------------------


def test_bulk_move_moves_the_selected(client, signed_in, make_candidate, stages):
    """Does a bulk move put the selected candidates, and only them, in the stage with history?"""
    user = signed_in(Role.HR)
    a, b, c = make_candidate(), make_candidate(), make_candidate()
    response = client.post(
        "/candidates/bulk",
        data={"ids": [a.id, b.id], "action": "move", "to_stage": stages["interview"].id},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [x.stage_id for x in (a, b, c)] == [
        stages["interview"].id,
        stages["interview"].id,
        stages["interested"].id,
    ]
    moves = db.session.scalars(
        select(StageChange).where(StageChange.to_stage_id == stages["interview"].id)
    ).all()
    assert sorted(m.candidate_id for m in moves) == sorted([a.id, b.id])
    assert {m.user_id for m in moves} == {user.id}


def test_bulk_move_reports_the_ones_refused(client, signed_in, make_candidate, stages):
    """When some selected candidates are already there, are the others moved and the rest named?"""
    signed_in(Role.HR)
    there = make_candidate(first_name="Already", last_name="There", stage="interview")
    other = make_candidate()
    response = client.post(
        "/candidates/bulk",
        data={"ids": [there.id, other.id], "action": "move", "to_stage": stages["interview"].id},
        follow_redirects=True,
    )
    assert "Moved 1 to Interview." in response.text
    assert "Already There is already in Interview." in response.text
    assert db.session.get(Candidate, other.id).stage_id == stages["interview"].id


def test_bulk_move_offers_only_stages_it_can_reach(client, signed_in, make_candidate, stages):
    """Does the bulk move offer the open stages and leave out closed ones, which need a
    reason per candidate?"""
    signed_in(Role.HR)
    make_candidate()
    page = client.get("/candidates/").text
    bulk = page[page.index('id="bulk-stage"') :]
    bulk = bulk[: bulk.index("</select>")]
    assert f'value="{stages["interview"].id}"' in bulk
    assert f'value="{stages["hired"].id}"' in bulk
    for key in ("not_selected", "withdrawn", "talent_pool"):
        assert f'value="{stages[key].id}"' not in bulk


def test_bulk_tag_adds_a_tag_and_keeps_the_old(client, signed_in, make_candidate):
    """Does a bulk tag add the tag to each selected candidate, keeping their other tags?"""
    signed_in(Role.HR)
    a = make_candidate(tags=[Tag(name="veteran")])
    b, c = make_candidate(), make_candidate()
    client.post("/candidates/bulk", data={"ids": [a.id, b.id], "action": "tag", "tag": "fall-26"})
    db.session.expire_all()
    assert [t.name for t in a.tags] == ["fall-26", "veteran"]
    assert [t.name for t in b.tags] == ["fall-26"]
    assert c.tags == []
    assert listed(client.get("/candidates/?tag=fall-26")) != []


def test_bulk_export_holds_the_selected(client, signed_in, make_candidate):
    """Does a bulk export hold just the selected candidates and leave an audit entry?"""
    signed_in(Role.HR)
    a, b = make_candidate(first_name="Keep"), make_candidate(first_name="Also")
    make_candidate(first_name="Skip")
    response = client.post("/candidates/bulk", data={"ids": [a.id, b.id], "action": "export"})
    assert sorted(r["first_name"] for r in csv_rows(response)) == ["Also", "Keep"]
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "candidate.export")
    ).one()
    assert entry.detail["ids"] == sorted([a.id, b.id])


def test_bulk_action_without_selection_is_refused(client, signed_in, make_candidate, stages):
    """Does a bulk action with nothing selected say so and change nothing?"""
    signed_in(Role.HR)
    candidate = make_candidate()
    response = client.post(
        "/candidates/bulk",
        data={"action": "move", "to_stage": stages["screening"].id},
        follow_redirects=True,
    )
    assert "Select at least one candidate" in response.text
    assert db.session.get(Candidate, candidate.id).stage_id == stages["interested"].id


def test_bulk_move_with_a_bad_stage_is_refused(client, signed_in, make_candidate, stages):
    """Does a bulk move naming no real stage say so instead of failing?"""
    signed_in(Role.HR)
    candidate = make_candidate()
    response = client.post(
        "/candidates/bulk",
        data={"ids": [candidate.id], "action": "move", "to_stage": "screening"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Choose the stage to move them to." in response.text


# --- the board --------------------------------------------------------------------------


def board_column(page: str, stage_id: int) -> str:
    """The HTML of one board column."""
    start = page.index(f'data-stage-id="{stage_id}"')
    return page[start : page.index("</section>", start)]


def column_count(column: str) -> int:
    """The count a board column shows in its heading."""
    return int(re.search(r"data-count[^>]*>(\d+)<", column).group(1))


def test_board_has_a_column_per_open_stage(client, signed_in, stages):
    """Does the board show one column per active or hired stage and none for closed ones?"""
    signed_in(Role.HR)
    page = client.get("/candidates/board").text
    shown = [
        int(i) for i in re.findall(r'<section class="board-column" data-stage-id="(\d+)"', page)
    ]
    assert shown == [
        stages[key].id
        for key in (
            "interested",
            "screening",
            "interview",
            "offer",
            "onboarding",
            "active_intern",
            "completed",
            "hired",
        )
    ]


def test_board_cards_carry_their_move_link(client, signed_in, make_candidate, stages):
    """Does each card carry its id, version and a Move link to the page of its move form?"""
    signed_in(Role.HR)
    candidate = make_candidate()
    column = board_column(client.get("/candidates/board").text, stages["interested"].id)
    card = column[column.index(f'data-candidate-id="{candidate.id}"') :]
    card = card[: card.index("</li>")]
    assert 'data-version="1"' in card
    assert f'href="/candidates/{candidate.id}/move?version=1" data-move-link' in card
    assert "<select" not in card


def test_board_counts_and_first_25_latest_first(client, signed_in, make_candidate, stages):
    """With 27 in Screening, does the column count 27, show the 25 latest arrivals and offer
    more?"""
    signed_in(Role.HR)
    made = []
    for n in range(27):
        candidate = make_candidate(stage="screening")
        candidate.stage_entered_at = utcnow() - timedelta(hours=n)
        made.append(candidate)
    db.session.commit()
    page = client.get("/candidates/board").text
    column = board_column(page, stages["screening"].id)
    assert column_count(column) == 27
    shown = [int(i) for i in re.findall(r'data-candidate-id="(\d+)"', column)]
    assert shown == [c.id for c in made[:25]]
    assert f"/candidates/board/stages/{stages['screening'].id}?offset=25" in column


def test_board_show_more_gives_the_rest(client, signed_in, make_candidate, stages):
    """Does "show more" give the cards after the first 25, and only the cards with partial=1?"""
    signed_in(Role.HR)
    made = []
    for n in range(27):
        candidate = make_candidate(stage="screening")
        candidate.stage_entered_at = utcnow() - timedelta(hours=n)
        made.append(candidate)
    db.session.commit()
    url = f"/candidates/board/stages/{stages['screening'].id}?offset=25"
    page = client.get(url).text
    assert [int(i) for i in re.findall(r'data-candidate-id="(\d+)"', page)] == [
        made[25].id,
        made[26].id,
    ]
    assert "Screening: 26\u201327 of 27" in page  # an en dash between the numbers
    partial = client.get(url + "&partial=1").text
    assert partial.lstrip().startswith("<li")
    assert "<html" not in partial
    assert len(re.findall(r'data-candidate-id="(\d+)"', partial)) == 2


def test_board_filters_apply(client, signed_in, make_candidate, make_university, stages):
    """Does a university filter on the board leave only that university's cards and counts?"""
    signed_in(Role.HR)
    uni = make_university()
    ours = make_candidate(university_id=uni.id)
    other = make_candidate()
    page = client.get(f"/candidates/board?university={uni.id}").text
    assert f'data-candidate-id="{ours.id}"' in page
    assert f'data-candidate-id="{other.id}"' not in page
    assert column_count(board_column(page, stages["interested"].id)) == 1


def test_board_leaves_closed_candidates_out(client, signed_in, make_candidate):
    """Are candidates in closed stages kept off the board?"""
    signed_in(Role.HR)
    closed = make_candidate(stage="withdrawn", closed_reason="own_request")
    assert f'data-candidate-id="{closed.id}"' not in client.get("/candidates/board").text


def test_search_rebuild_command_indexes_bulk_loaded_rows(runner, make_candidate, stages):
    """Does `flask search-rebuild` put back a candidate missing from the index?"""
    from sqlalchemy import text

    from recruit.candidates import search
    from recruit.extensions import db

    make_candidate(first_name="Wilfredo")
    db.session.execute(text("DELETE FROM candidate_search"))
    db.session.commit()
    assert db.session.execute(search.matching("wilfredo", db.engine.dialect.name)).first() is None
    result = runner.invoke(args=["search-rebuild"])
    assert "1 candidates" in result.output
    assert db.session.execute(search.matching("wilfredo", db.engine.dialect.name)).first()


def test_a_candidates_search_row_is_written_from_one_read(make_candidate, make_university):
    """Is a candidate's search row written from one SELECT of the candidate with their
    tags, notes and other addresses, holding every address, the tags in order, the
    university's names and the notes in the order they were written (not as stored)?"""
    from recruit.pipeline import search_index

    candidate = make_candidate(
        first_name="Odalys",
        last_name="Brennan",
        email="odalys@csu.example",
        university=make_university(name="Coastal State", college="Engineering"),
    )
    candidate.tags = [Tag(name="veteran"), Tag(name="bilingual")]
    later = Note(candidate_id=candidate.id, body="Met again in March.")
    earlier = Note(
        candidate_id=candidate.id,
        body="First met at the fall fair.",
        created_at=utcnow() - timedelta(days=90),
    )
    db.session.add_all([later, earlier])
    db.session.add(CandidateEmail(candidate_id=candidate.id, email="o.brennan@old.example"))
    db.session.commit()

    candidate_id = candidate.id
    with counting_queries() as statements:
        search_index.reindex(db.session.connection(), [candidate_id])
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1
    fields = {
        "sqlite": "SELECT email, university, tags, notes FROM candidate_search WHERE rowid = :id",
        "postgresql": "SELECT email, university, tags, notes FROM candidate_search "
        "WHERE candidate_id = :id",
    }
    row = db.session.execute(text(fields[db.engine.dialect.name]), {"id": candidate_id}).one()
    assert row.email == "odalys@csu.example o.brennan@old.example"
    assert row.university == "Coastal State Engineering"
    assert row.tags == "bilingual veteran"
    assert row.notes == "First met at the fall fair.\nMet again in March."


def test_a_name_past_the_cap_is_found_under_a_university_filter(
    client, signed_in, make_candidate, make_university, cap_of_3
):
    """Past the cap, with a university chosen, is the one Zephyr Quill of that university
    listed, though newer Zephyr Quills elsewhere and newer mentions of the name there
    outnumber the cap?"""
    signed_in(Role.ADMIN)
    here, elsewhere = make_university(), make_university()
    named = make_candidate(first_name="Zephyr", last_name="Quill", university=here)
    for _ in range(4):
        make_candidate(first_name="Zephyr", last_name="Quill", university=elsewhere)
    for _ in range(4):
        add_note(make_candidate(university=here), "Zephyr Quill's roommate; heard from Zephyr.")

    response = client.get(f"/candidates/?q=zephyr+quill&university={here.id}")

    assert "More than" in response.text
    assert listed(response)[0] == named.id


def test_a_closed_name_past_the_cap_is_found_among_closed_candidates(
    client, signed_in, make_candidate, cap_of_3
):
    """Past the cap, listing closed candidates, is the withdrawn Zephyr Quill listed, though
    newer open Zephyr Quills and newer closed mentions outnumber the cap?"""
    signed_in(Role.ADMIN)
    named = make_candidate(
        first_name="Zephyr", last_name="Quill", stage="withdrawn", closed_reason="own_request"
    )
    for _ in range(4):
        make_candidate(first_name="Zephyr", last_name="Quill")
    for _ in range(4):
        closed = make_candidate(stage="withdrawn", closed_reason="own_request")
        add_note(closed, "Zephyr Quill's roommate")

    response = client.get("/candidates/?q=zephyr+quill&status=closed")

    assert listed(response)[0] == named.id


def test_a_short_whole_surname_is_not_lost_behind_longer_names(
    client, signed_in, make_candidate, cap_of_3
):
    """Past the cap, does a search for "li" still list Wei Li, older than four Liams?"""
    signed_in(Role.ADMIN)
    li = make_candidate(first_name="Wei", last_name="Li")
    for n in range(4):
        make_candidate(first_name="Liam", last_name=f"Park{n}")

    response = client.get("/candidates/?q=li")

    assert "More than" in response.text
    assert li.id in listed(response)


@pytest.mark.parametrize("query", ["\\", "x\\'y", "a\\b", "\\*"])
def test_a_backslash_in_a_search_is_no_server_error(client, signed_in, make_candidate, query):
    """Is a search with a backslash answered on the list, the board and the CSV export?"""
    signed_in(Role.ADMIN)
    make_candidate(last_name="Ruiz")
    for url in ("/candidates/", "/candidates/board", "/candidates/export.csv"):
        assert client.get(url, query_string={"q": query}).status_code == 200, url


def test_export_past_the_cap_says_it_takes_every_match(client, signed_in, make_candidate, cap_of_3):
    """Past the cap, does the export button say it takes every match, and does the file
    hold all four Ruiz, not the three the pages show?"""
    signed_in(Role.HR)
    for _ in range(4):
        make_candidate(last_name="Ruiz")

    page = client.get("/candidates/?q=ruiz")

    assert "Export every match (CSV)" in page.text
    assert len(csv_rows(client.get("/candidates/export.csv?q=ruiz"))) == 4
    assert "Export every match" not in client.get("/candidates/?q=nobody").text
