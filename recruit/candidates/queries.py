"""The queries behind the candidate list and the board, built once from the URL's filters."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, and_, bindparam, case, func, or_, select, union_all
from sqlalchemy.orm import joinedload, selectinload

from recruit import cached
from recruit.audit.services import keyed_hash
from recruit.auth.models import User
from recruit.candidates import search
from recruit.candidates.models import (
    Attachment,
    Candidate,
    CandidateEmail,
    CandidateEvent,
    CandidateInterest,
    Interest,
    Note,
    Stage,
    StageChange,
    Tag,
    Term,
    candidate_tags,
    person_name,
    tags_in_order,
)
from recruit.candidates.proposals import open_count_column, pending_clause
from recruit.candidates.services import (
    Duplicate,
    duplicates_column,
    duplicates_from,
    duplicates_of,
    matched_in_sql,
)
from recruit.database import json_rows
from recruit.events.models import Event
from recruit.extensions import db
from recruit.interviews.models import Interview
from recruit.pagination import Page, capped_slice, count_rows, paginate, paginate_capped
from recruit.pipeline.rules import closed_clause, on_board
from recruit.placements.models import (
    CandidateOpening,
    Evaluation,
    EvaluationKind,
    Outcome,
    Placement,
    Position,
    PositionStatus,
)
from recruit.plain_text import shown_name
from recruit.students.services import (
    StudentAction,
    last_opened_column,
    student_actions_column,
    student_actions_from,
)
from recruit.timezones import day_bounds
from recruit.universities.models import University

BOARD_COLUMN_SIZE = 25
SORTS = {
    "name": (Candidate.last_name, Candidate.first_name),
    "university": (University.name, University.college),
    "stage": (Stage.position,),
    "graduation": (Candidate.grad_year, Candidate.grad_term),
    "rating": (Candidate.rating,),
    "days": (Candidate.stage_entered_at,),
    "added": (Candidate.created_at,),
}
STATUSES = ("open", "closed", "all")


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


@dataclass
class CandidateFilters:
    """What the list or board shows, read from (and written back to) the query string."""

    q: str = ""
    stage: int | None = None
    university: int | None = None
    event: int | None = None
    opening: int | None = None
    interest: str = ""
    graduation: str = ""
    tag: str = ""
    rating: int | None = None
    resume: bool = False
    # Only candidates with an update from the public form waiting for HR.
    updates: bool = False
    # Only candidates added on or after this office day (the dashboard's new leads).
    added_since: date | None = None
    status: str = "open"
    sort: str = ""
    direction: str = "asc"
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_args(cls, args) -> "CandidateFilters":
        """Parse filters from a query string, ignoring anything malformed."""
        interest = args.get("interest", "")
        graduation = args.get("graduation", "")
        rating = _int(args.get("rating"))
        return cls(
            q=args.get("q", "").strip()[:200],
            stage=_int(args.get("stage")),
            university=_int(args.get("university")),
            event=_int(args.get("event")),
            opening=_int(args.get("opening")),
            interest=interest if interest in Interest._value2member_map_ else "",
            graduation=graduation if _graduation(graduation) else "",
            tag=args.get("tag", "").strip()[:40],
            rating=rating if rating and rating <= 5 else None,
            resume=args.get("resume") == "1",
            updates=args.get("updates") == "1",
            added_since=_day(args.get("added_since", "")),
            status=args.get("status") if args.get("status") in STATUSES else "open",
            sort=args.get("sort") if args.get("sort") in SORTS else "",
            direction="desc" if args.get("direction") == "desc" else "asc",
        )

    def as_args(self, **changes) -> dict:
        """The query-string arguments for these filters, with some changed."""
        values = {
            "q": self.q,
            "stage": self.stage,
            "university": self.university,
            "event": self.event,
            "opening": self.opening,
            "interest": self.interest,
            "graduation": self.graduation,
            "tag": self.tag,
            "rating": self.rating,
            "resume": "1" if self.resume else "",
            "updates": "1" if self.updates else "",
            "added_since": self.added_since.isoformat() if self.added_since else "",
            "status": "" if self.status == "open" else self.status,
            "sort": self.sort,
            "direction": "" if self.direction == "asc" else self.direction,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value not in (None, "")}

    def for_audit(self) -> dict:
        """The filters as an audit entry keeps them: a search typed into the list may be a
        student's name, so only its keyed hash is kept (it still matches the same search)."""
        values = self.as_args()
        if self.q:
            values["q"] = keyed_hash(self.q)
        return values

    @property
    def active(self) -> bool:
        return bool(self.as_args(status=""))


def _day(value: str) -> date | None:
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return day if 1990 < day.year < 2100 else None


def _graduation(value: str) -> tuple[Term, int] | None:
    term, _, year = value.partition("-")
    if term in Term._value2member_map_ and year.isdecimal() and 1990 < int(year) < 2100:
        return Term(term), int(year)
    return None


def graduation_choices(today: date) -> list[tuple[str, str]]:
    """Graduation terms a filter offers: from last year to five years ahead."""
    return [
        (f"{term.value}-{year}", f"{term.value.capitalize()} {year}")
        for year in range(today.year - 1, today.year + 6)
        for term in Term
    ]


def working_clause():
    """Candidates staff work with: an erased record stays only for the reports' counts."""
    return Candidate.anonymized_at.is_(None)


def conditions(filters: CandidateFilters) -> list:
    """The WHERE clauses shared by the list, the board and exports; erased records are
    never among them."""
    where = [working_clause()]
    if filters.university:
        where.append(Candidate.university_id == filters.university)
    if filters.event:
        # A candidate belongs to an event as its source or as one of the leads met there;
        # imported and hand-made records may carry only the source.
        where.append(
            or_(
                Candidate.source_event_id == filters.event,
                select(CandidateEvent.candidate_id)
                .where(
                    CandidateEvent.candidate_id == Candidate.id,
                    CandidateEvent.event_id == filters.event,
                )
                .exists(),
            )
        )
    if filters.opening:
        where.append(
            select(CandidateOpening.candidate_id)
            .where(
                CandidateOpening.candidate_id == Candidate.id,
                CandidateOpening.position_id == filters.opening,
            )
            .exists()
        )
    if filters.interest:
        where.append(
            select(CandidateInterest.candidate_id)
            .where(
                CandidateInterest.candidate_id == Candidate.id,
                CandidateInterest.interest == Interest(filters.interest),
            )
            .exists()
        )
    if filters.graduation:
        term, year = _graduation(filters.graduation)
        where.append(and_(Candidate.grad_term == term, Candidate.grad_year == year))
    if filters.tag:
        where.append(
            select(candidate_tags.c.candidate_id)
            .join(Tag, Tag.id == candidate_tags.c.tag_id)
            .where(
                candidate_tags.c.candidate_id == Candidate.id,
                func.lower(Tag.name) == filters.tag.lower(),
            )
            .exists()
        )
    if filters.rating:
        where.append(Candidate.rating >= filters.rating)
    if filters.resume:
        where.append(
            select(Attachment.id)
            .where(Attachment.candidate_id == Candidate.id, Attachment.deleted_at.is_(None))
            .exists()
        )
    if filters.updates:
        where.append(pending_clause())
    if filters.added_since:
        where.append(Candidate.created_at >= day_bounds(filters.added_since)[0])
    return where


def _with_search(query: Select, filters: CandidateFilters) -> tuple[Select, object]:
    dialect = db.engine.dialect.name
    matches = search.matching(filters.q, dialect) if filters.q else None
    if matches is None:
        return query, None
    found = matches.subquery("found")
    return query.join(found, Candidate.id == search.joined_id(found, dialect)), found.c.rank


def _with_row_details(query: Select) -> Select:
    """Load what a list row and a CSV line show, in a fixed number of queries."""
    return query.options(
        joinedload(Candidate.university),
        joinedload(Candidate.stage),
        selectinload(Candidate.tags),
        selectinload(Candidate.interests),
    )


def _listed(filters: CandidateFilters, columns=Candidate) -> Select:
    """The list's candidates under the filters and the status, before search and order."""
    query = select(columns).join(Stage, Stage.id == Candidate.stage_id).where(*conditions(filters))
    if filters.sort == "university":
        # Only that order reads the university: a count of 90,000 open candidates joined to
        # their universities read every candidate's row, where the board's index suffices.
        query = query.outerjoin(University, University.id == Candidate.university_id)
    if filters.stage:
        return query.where(Candidate.stage_id == filters.stage)
    if filters.status == "open":
        return query.where(~closed_clause())
    if filters.status == "closed":
        return query.where(closed_clause())
    return query


def _sorted(query: Select, filters: CandidateFilters, rank=None) -> Select:
    if filters.sort:
        columns = SORTS[filters.sort]
        order = [c.desc() if filters.direction == "desc" else c.asc() for c in columns]
    elif rank is not None:
        order = [rank]
    else:
        order = [Candidate.created_at.desc()]
    return query.order_by(*order, Candidate.id)


def list_query(filters: CandidateFilters, columns=Candidate) -> Select:
    """Candidates for the list page (and its CSV), filtered, searched and sorted; whole
    rows with what a row shows, or only the columns asked for."""
    query = _listed(filters, columns)
    if columns is Candidate:
        query = _with_row_details(query)
    query, rank = _with_search(query, filters)
    return _sorted(query, filters, rank)


def list_page(filters: CandidateFilters, args) -> Page:
    """One page of the list. Counting, ranking and sorting run on ids alone; only the
    page's own candidates are then read, as the rows the page shows: sorting thousands
    of search matches as full rows would carry every column through the sort."""
    dialect = db.engine.dialect.name
    found = search.matched(filters.q, dialect) if filters.q else None
    if found is None:
        query = list_query(filters, Candidate.id)
        page = paginate(query, args, total=_kept_count(filters, query))
    else:
        page = _search_page(filters, found, dialect, args)
    page.items = list_rows(page.items, searched=found is not None)
    return page


def _kept_count(filters: CandidateFilters, query: Select) -> int:
    """How many candidates the list's filters find, kept by the worker as the board's
    columns are (the same minute, the same change clock): without a search, counting
    every open candidate reads the whole pipeline's index, on every page of the list."""
    key = tuple(sorted(filters.as_args(sort=None, direction=None).items()))
    return cached.fragment("candidates.count", key, lambda: count_rows(query))


def _tag_names():
    """SQL: each candidate's tag names as json_rows, a column beside the candidate."""
    return (
        select(json_rows(Tag.name))
        .select_from(Tag)
        .join(candidate_tags, candidate_tags.c.tag_id == Tag.id)
        .where(candidate_tags.c.candidate_id == Candidate.id)
        .scalar_subquery()
    )


def _tags_from(rows: list) -> list[str]:
    """The tag names _tag_names() read, in the order pages list them."""
    return tags_in_order(name for (name,) in rows)


@dataclass(frozen=True, slots=True)
class ListRow:
    """What a row of the candidate list shows of one candidate, read as plain columns
    rather than as a whole ORM object with its tags loaded apart."""

    id: int
    first_name: str
    last_name: str
    email: str
    university: str | None
    major: str
    stage: str
    closed_reason: str | None
    stage_entered_at: datetime
    grad_term: Term | None
    grad_year: int | None
    rating: int | None
    tags: list[str]
    # A search's text fields (search.FIELDS), which its highlights mark.
    searched: tuple[str | None, ...] = ()

    @property
    def full_name(self) -> str:
        return person_name(self.first_name, self.last_name)


def list_rows(ids: list[int], searched: bool = False) -> list[ListRow]:
    """These candidates' rows in the order of ids, their tags with them (json_rows), and
    for a search the text it searched, in one statement; an erased record is never among
    them."""
    query = (
        select(
            Candidate.id,
            Candidate.first_name,
            Candidate.last_name,
            Candidate.email,
            func.coalesce(University.full_name, Candidate.university_other),
            Candidate.major,
            Stage.name,
            Candidate.closed_reason,
            Candidate.stage_entered_at,
            Candidate.grad_term,
            Candidate.grad_year,
            Candidate.rating,
            _tag_names(),
        )
        .join(Stage, Stage.id == Candidate.stage_id)
        .outerjoin(University, University.id == Candidate.university_id)
        .where(Candidate.id.in_(ids), working_clause())
    )
    fields = []
    if searched:
        table, joined, fields = search.searched_fields(Candidate.id, db.engine.dialect.name)
        query = query.outerjoin(table, joined).add_columns(*fields)
    by_id = {}
    for row in db.session.execute(query):
        shown, tags, text = row[:12], row[12], tuple(row[13:])
        by_id[row[0]] = ListRow(*shown, tags=_tags_from(tags), searched=text)
    return [by_id[candidate_id] for candidate_id in ids if candidate_id in by_id]


def _search_page(filters: CandidateFilters, found, dialect: str, args) -> Page:
    """A page of a search's ids. The newest matches under the filters are counted, no
    further than one past the cap (the index yields them in id order, so the rest are
    never read), with how many of them have the name. Where they are every match, or
    the very set _bounded_ranking() would rank, the page is ranked from them in the
    same statement; else the ranking reads a bounded set. A sorted search sorts every
    match, as ever."""
    cap = search.SEARCH_CAP
    ranked = not filters.sort
    listed = _listed(filters, Candidate.id)
    if ranked:
        carried = (search.named_flag(found), search.rank_of(found))
        listed = listed.add_columns(*(column for column in carried if column is not None))
    newest = (
        listed.join(found, Candidate.id == search.joined_id(found, dialect))
        .order_by(found.c.candidate_id.desc())
        .limit(cap + 1)
    )
    # Read more than once (counted, named, ranked), the newest matches are read once.
    newest = newest.cte("newest") if ranked else newest.subquery()
    total = func.count()
    counted = [
        total.label("total"),
        func.min(newest.c.id).label("oldest"),
        func.max(newest.c.id).label("latest"),
    ]
    if ranked:
        named = search.named_count(filters.q, dialect, newest)
        page = _page_of_newest(search.newest_ranked(filters.q, dialect, newest), args)
        ranks_newest = or_(total <= cap, search.newest_suffice(named))
        counted.append(case((ranks_newest, page)).label("page"))
        if search.named_flag(found) is not None:
            # PostgreSQL's bounded ranking uses it; SQLite's walks the names itself, and
            # would walk them twice here for a column no one reads.
            counted.append(named.label("named"))
    row = db.session.execute(select(*counted)).one()._mapping
    if row.get("page") is not None:
        # Read again, the newest matches would cost a second walk of the index.
        return paginate_capped(None, row["total"], cap, args, items=_in_page_order(row["page"]))
    if filters.sort:
        query = list_query(filters, Candidate.id)
    else:
        span = (row["oldest"], row["latest"])
        query = _bounded_ranking(filters, span, dialect, row.get("named"))
    return paginate_capped(query, row["total"], cap, args)


def _page_of_newest(ranked, args):
    """SQL: the ids of the page asked for, ranking the newest matches alone (ranked, as
    search.newest_ranked() gives them), as json_rows of (place, id)."""
    number, per_page, shown = capped_slice(args, search.SEARCH_CAP)
    place = func.row_number().over(order_by=(ranked.c.rank, ranked.c.id))
    page = (
        select(place.label("place"), ranked.c.id)
        .order_by(ranked.c.rank, ranked.c.id)
        .limit(shown)
        .offset((number - 1) * per_page)
        .subquery("page")
    )
    return select(json_rows(page.c.place, page.c.id)).scalar_subquery()


def _in_page_order(rows: list) -> list[int]:
    """The ids _page_of_newest() read, best first."""
    return [candidate_id for _place, candidate_id in sorted(rows)]


def _bounded_ranking(
    filters: CandidateFilters, span: tuple[int, int], dialect: str, named: int | None = None
) -> Select:
    """The ids of a search with more matches than the cap, best first among the newest
    matches under the filters (ids in span, named of them by name) and the newest
    whose name matches (the filters then apply to them too), so that a name is not lost
    behind newer mentions in notes: only these are read and ranked."""

    def under_filters(matches):
        listed = _listed(filters, Candidate.id.label("candidate_id"))
        return listed.join(matches, Candidate.id == search.joined_id(matches, dialect))

    oldest, newest = span
    ranked = search.ranked_from(filters.q, dialect, oldest, under_filters, named, newest)
    return (
        _listed(filters, Candidate.id)
        .join(ranked, Candidate.id == search.joined_id(ranked, dialect))
        .order_by(ranked.c.rank, Candidate.id)
    )


def _by_ids(ids: list[int]) -> Select:
    """These candidates, by id; an erased record is never among them."""
    return select(Candidate).where(Candidate.id.in_(ids), working_clause())


def selected_query(ids: list[int]) -> Select:
    """The candidates ticked in the list, with what a bulk action or a CSV line reads."""
    return _with_row_details(_by_ids(ids)).order_by(Candidate.id)


def board_stages() -> list[cached.StageRow]:
    """The board's columns: stages that are not closed or retired, in order."""
    return [stage for stage in cached.stages() if on_board(stage)]


def board_counts(filters: CandidateFilters) -> dict[int, int]:
    """How many candidates each stage holds under the filters, counted in SQL."""
    query = select(Candidate.stage_id, func.count()).where(*conditions(filters))
    query, _rank = _with_search(query, filters)
    return dict(db.session.execute(query.group_by(Candidate.stage_id)).all())


@dataclass(slots=True)
class Card:
    """What a board card shows of one candidate, read as plain columns rather than as a
    whole ORM object: a board draws two hundred of them on every load."""

    id: int
    first_name: str
    last_name: str
    version: int
    stage_id: int
    stage_entered_at: datetime
    university: str
    grad_term: Term | None
    grad_year: int | None
    rating: int | None
    interests: list[Interest] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return person_name(self.first_name, self.last_name)


def board_cards(
    filters: CandidateFilters, stage_ids: list[int], offset: int = 0, limit: int = BOARD_COLUMN_SIZE
) -> dict[int, list[Card]]:
    """The cards of each column (latest arrivals first): the cards in one query for all
    columns, then their interests and tags in one query each."""
    newest = (Candidate.stage_entered_at.desc(), Candidate.id.desc())
    # One limited arm per column, each walking the (stage_id, stage_entered_at) index from
    # its newest end: a window over the whole pipeline would rank every candidate to show
    # a few dozen, and grow with the pipeline.
    arms = []
    for stage_id in stage_ids:
        arm = select(Candidate.id).where(Candidate.stage_id == stage_id, *conditions(filters))
        arm, _rank = _with_search(arm, filters)
        arm = arm.order_by(*newest).offset(offset).limit(limit).subquery()
        arms.append(select(arm.c.id))
    if not arms:
        return {}
    shown = select(union_all(*arms).subquery("shown").c.id)
    rows = db.session.execute(
        select(
            Candidate.id,
            Candidate.first_name,
            Candidate.last_name,
            Candidate.version,
            Candidate.stage_id,
            Candidate.stage_entered_at,
            func.coalesce(University.full_name, Candidate.university_other),
            Candidate.grad_term,
            Candidate.grad_year,
            Candidate.rating,
        )
        .outerjoin(University, University.id == Candidate.university_id)
        .where(Candidate.id.in_(shown))
        .order_by(*newest)
    )
    cards = {row[0]: Card(*row) for row in rows}
    columns: dict[int, list[Card]] = {stage_id: [] for stage_id in stage_ids}
    if not cards:
        return columns
    for candidate_id, interest in db.session.execute(
        select(CandidateInterest.candidate_id, CandidateInterest.interest)
        .where(CandidateInterest.candidate_id.in_(shown))
        .order_by(CandidateInterest.candidate_id, CandidateInterest.interest)
    ):
        cards[candidate_id].interests.append(interest)
    for candidate_id, name in db.session.execute(
        select(candidate_tags.c.candidate_id, Tag.name)
        .join(Tag, Tag.id == candidate_tags.c.tag_id)
        .where(candidate_tags.c.candidate_id.in_(shown))
        .order_by(candidate_tags.c.candidate_id, Tag.name)
    ):
        cards[candidate_id].tags.append(name)
    for card in cards.values():
        columns[card.stage_id].append(card)
    return columns


@dataclass(frozen=True)
class NoteLine:
    body: str
    author: str | None
    created_at: datetime


@dataclass(frozen=True)
class ResumeLine:
    id: int
    shown_name: str
    size: int
    created_at: datetime


@dataclass(frozen=True)
class EventLine:
    name: str
    starts_on: date
    via: str


@dataclass(frozen=True)
class OpeningLine:
    id: int
    title: str
    agency: str
    status: PositionStatus


@dataclass(frozen=True)
class PlacementLine:
    title: str
    agency: str
    starts_on: date
    ends_on: date
    outcome: Outcome | None
    # The evaluations in, in the order they were requested.
    evaluations: list[EvaluationKind]


@dataclass(frozen=True)
class CandidatePage:
    """What a candidate's page shows of the record, read in one round trip: the
    candidate with their stage history, when the student last opened their own page and
    what they did there, how many of their proposed updates wait for HR, whether they
    have interviews to read, their likely duplicates, and eight small lists as the page
    shows them."""

    candidate: Candidate
    last_opened: datetime | None
    student_actions: list[StudentAction]
    open_proposals: int
    has_interviews: bool
    duplicates: list[Duplicate]
    tags: list[str]
    interests: list[Interest]
    alternate_emails: list[str]
    resumes: list[ResumeLine]
    notes: list[NoteLine]
    events: list[EventLine]
    openings: list[OpeningLine]
    placements: list[PlacementLine]


def _page_lists():
    """The page's lists as JSON columns beside the candidate (see json_rows), the
    placements' evaluations in a column of their own: each would otherwise be a
    statement of its own, a round trip to PostgreSQL."""
    of_candidate = Candidate.id
    return (
        _tag_names(),
        select(json_rows(CandidateInterest.interest))
        .where(CandidateInterest.candidate_id == of_candidate)
        .scalar_subquery(),
        select(json_rows(CandidateEmail.email))
        .where(CandidateEmail.candidate_id == of_candidate)
        .scalar_subquery(),
        select(
            json_rows(
                Attachment.id, Attachment.original_name, Attachment.size, Attachment.created_at
            )
        )
        .where(Attachment.candidate_id == of_candidate, Attachment.deleted_at.is_(None))
        .scalar_subquery(),
        select(json_rows(Note.id, Note.body, User.name, Note.created_at))
        .select_from(Note)
        .outerjoin(User, User.id == Note.user_id)
        .where(Note.candidate_id == of_candidate)
        .scalar_subquery(),
        select(json_rows(Event.name, Event.starts_on, CandidateEvent.via))
        .select_from(CandidateEvent)
        .join(Event, Event.id == CandidateEvent.event_id)
        .where(CandidateEvent.candidate_id == of_candidate)
        .scalar_subquery(),
        select(json_rows(Position.id, Position.title, Position.agency, Position.status))
        .select_from(CandidateOpening)
        .join(Position, Position.id == CandidateOpening.position_id)
        .where(CandidateOpening.candidate_id == of_candidate)
        .scalar_subquery(),
        select(
            json_rows(
                Placement.id,
                Position.title,
                Position.agency,
                Placement.starts_on,
                Placement.ends_on,
                Placement.outcome,
            )
        )
        .select_from(Placement)
        .join(Position, Position.id == Placement.position_id)
        .where(Placement.candidate_id == of_candidate)
        .scalar_subquery(),
        select(json_rows(Evaluation.placement_id, Evaluation.id, Evaluation.kind))
        .select_from(Evaluation)
        .join(Placement, Placement.id == Evaluation.placement_id)
        .where(Placement.candidate_id == of_candidate)
        .scalar_subquery(),
    )


def _has_interviews():
    """SQL: whether the candidate has any interview, beside the record: most have none,
    and then the page asks for none."""
    return select(Interview.id).where(Interview.candidate_id == Candidate.id).exists()


# Built once, not on every request: composing a statement with loader options and
# computing its cache key cost more than running it on SQLite. LIMIT 1 makes the ORM
# read the candidate (and the lists) in a subquery and join the history to that, so the
# lists are read once, not once for each move.
_CANDIDATE_PAGE = (
    select(
        Candidate,
        last_opened_column(),
        student_actions_column(),
        open_count_column(),
        _has_interviews(),
        duplicates_column(),
        *_page_lists(),
    )
    .where(Candidate.id == bindparam("candidate_id"))
    .limit(1)
    # The stages of the history are named from the per-process copy (cached.stages).
    .options(
        joinedload(Candidate.source_event),
        joinedload(Candidate.history).joinedload(StageChange.user),
    )
)


def candidate_page_record(candidate_id: int) -> CandidatePage | None:
    """A candidate and all their page shows of the record, in one round trip; None if
    there is no such candidate."""
    found = (
        db.session.execute(_CANDIDATE_PAGE, {"candidate_id": candidate_id})
        # One row for each move, all the same but for the history the ORM gathers.
        .unique(lambda row: row[0])
        .one_or_none()
    )
    if found is None:
        return None
    candidate, last_opened, actions, open_proposals, has_interviews, *lists = found
    duplicates, *lists = lists
    tags, interests, emails, resumes, notes, events, openings, placements, evaluations = lists
    order = list(Interest)
    return CandidatePage(
        candidate=candidate,
        last_opened=last_opened,
        student_actions=student_actions_from(actions),
        open_proposals=open_proposals,
        has_interviews=bool(has_interviews),
        duplicates=(
            duplicates_from(duplicates) if matched_in_sql(candidate) else duplicates_of(candidate)
        ),
        tags=_tags_from(tags),
        interests=sorted((Interest(value) for (value,) in interests), key=order.index),
        alternate_emails=sorted(email for (email,) in emails),
        resumes=[
            ResumeLine(file_id, shown_name(name), size, datetime.fromisoformat(at))
            for file_id, name, size, at in sorted(resumes)
        ],
        notes=[
            NoteLine(body, author, at)
            # Newest first; notes written in the same instant, the last written first.
            for at, _id, body, author in sorted(
                (
                    (datetime.fromisoformat(at), note_id, body, author)
                    for note_id, body, author, at in notes
                ),
                reverse=True,
            )
        ],
        events=[
            EventLine(name, date.fromisoformat(day), via)
            for name, day, via in sorted(events, key=lambda e: (e[1], e[0]))
        ],
        # By title, whatever its case (the databases' own orders differ).
        openings=[
            OpeningLine(position_id, title, agency, PositionStatus(status))
            for position_id, title, agency, status in sorted(
                openings, key=lambda opening: (opening[1].casefold(), opening[0])
            )
        ],
        placements=_placements_from(placements, evaluations),
    )


def _placements_from(placements: list, evaluations: list) -> list[PlacementLine]:
    """The placements' JSON rows as lines, the latest start first."""
    kinds: dict[int, list[EvaluationKind]] = {}
    for placement_id, _id, kind in sorted(evaluations):
        kinds.setdefault(placement_id, []).append(EvaluationKind(kind))
    return [
        PlacementLine(
            title,
            agency,
            date.fromisoformat(starts_on),
            date.fromisoformat(ends_on),
            Outcome(outcome) if outcome else None,
            kinds.get(placement_id, []),
        )
        for placement_id, title, agency, starts_on, ends_on, outcome in sorted(
            placements, key=lambda row: (row[3], row[0]), reverse=True
        )
    ]
