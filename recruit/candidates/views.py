"""Candidate pages: the list and search, the board, a candidate's page, edits and moves."""

from collections.abc import Callable

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from recruit import cached
from recruit.audit.services import record
from recruit.auth.access import requires, safe_next_url
from recruit.auth.policy import can
from recruit.board import move_answer, wants_json
from recruit.candidates import proposals, queries, search, services
from recruit.candidates.forms import (
    BulkForm,
    CandidateForm,
    MergeForm,
    MoveForm,
    NoteForm,
    RatingForm,
    SideBySideMergeForm,
    TagsForm,
    checked_resume,
)
from recruit.candidates.models import (
    Attachment,
    Candidate,
    Stage,
    tags_in_order,
)
from recruit.cross_site import refuse_cross_site
from recruit.database import parse_id, utcnow, write_alone
from recruit.events.models import Event
from recruit.exports import csv_response
from recruit.extensions import db
from recruit.interviews import services as interviews
from recruit.interviews.scorecards import scorecards_for_candidate
from recruit.messages import services as messages
from recruit.pipeline.merge import merge_candidates, side_by_side
from recruit.pipeline.moves import CLOSE_REASON_LABELS, MoveRefused, StaleMove, move_candidate
from recruit.pipeline.rules import closed
from recruit.placements.openings import opening_filter_choices
from recruit.stale import Conflict, StaleSave, refuse
from recruit.students import services as students
from recruit.templating import label
from recruit.timezones import local, local_today
from recruit.universities.services import university_choices, university_names

bp = Blueprint("candidates", __name__, url_prefix="/candidates")


def get_candidate(candidate_id: int) -> Candidate:
    """The candidate or 404."""
    return db.get_or_404(Candidate, candidate_id)


ERASED_REFUSAL = "This candidate's record was erased: it can no longer be changed."


def editable_candidate(candidate_id: int) -> Candidate:
    """The candidate or 404; an erased record sends the user back to its page, saying why."""
    candidate = get_candidate(candidate_id)
    if candidate.anonymized_at is not None:
        flash(_(ERASED_REFUSAL), "error")
        abort(redirect(url_for("candidates.detail", candidate_id=candidate.id), 303))
    return candidate


def _filter_options() -> dict:
    """What the filter bar offers: four small queries whatever the number of candidates."""
    return {
        "universities": university_choices(),
        "events": _event_choices(),
        "openings": opening_filter_choices(),
        "stages": cached.stages(),
        "graduations": queries.graduation_choices(local_today()),
    }


def _filter_bar(filters: queries.CandidateFilters, show_stage: bool) -> str:
    """The filter bar of the list (with the stage and status) or the board: its hundreds
    of choices are drawn once per worker and address until one of them changes."""
    key = (request.full_path, show_stage, can(current_user, "review_updates"))
    return cached.fragment(
        "candidates.filters",
        key,
        lambda: render_template(
            "candidates/_filters.html",
            filters=filters,
            options=_filter_options(),
            show_stage=show_stage,
        ),
    )


# --- list, search, export, bulk -------------------------------------------------------


@bp.get("/")
@requires("view_pipeline")
def index():
    """Find candidates: search, filters, sorting, pages."""
    filters = queries.CandidateFilters.from_args(request.args)
    page = queries.list_page(filters, request.args)
    matches = search.highlights(filters.q, page.items) if filters.q else {}
    bulk = BulkForm()
    # A closed stage needs a reason per candidate, which a bulk move does not ask for.
    bulk.to_stage.choices = services.stage_choices(include_closed=False)
    return render_template(
        "candidates/index.html",
        page=page,
        filters=filters,
        matches=matches,
        filter_bar=_filter_bar(filters, show_stage=True),
        bulk=bulk,
        now=utcnow(),
    )


EXPORT_HEADER = [
    "id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "university",
    "major",
    "class_standing",
    "graduation",
    "interests",
    "stage",
    "rating",
    "tags",
    "source",
    "added",
]


def _export_rows(candidates):
    for c in candidates:
        yield [
            c.id,
            c.first_name,
            c.last_name,
            c.email,
            c.phone,
            c.university.full_name if c.university else c.university_other,
            c.major,
            label(c.class_standing),
            f"{label(c.grad_term)} {c.grad_year or ''}".strip(),
            "; ".join(label(i.interest) for i in c.interests),
            c.stage.name,
            c.rating or "",
            "; ".join(t.name for t in c.tags),
            label(c.source),
            local(c.created_at).date().isoformat(),  # the office's day, like its pages
        ]


def _export(query, description: dict):
    candidates = db.session.scalars(query).all()
    # Read the rows before the commit: it expires every loaded candidate, and reading
    # them afterwards would reload each one (and its tags and interests) separately.
    rows = list(_export_rows(candidates))
    write_alone(
        lambda: record("candidate.export", user=current_user, count=len(rows), **description)
    )
    return csv_response(f"candidates-{local_today().isoformat()}.csv", EXPORT_HEADER, rows)


@bp.get("/export.csv")
@requires("export_candidates")
@refuse_cross_site
def export():
    """Download the filtered list as CSV; the audit log records who took what."""
    filters = queries.CandidateFilters.from_args(request.args)
    return _export(queries.list_query(filters), {"filters": filters.for_audit()})


@bp.post("/bulk")
@requires("bulk_candidates")
def bulk():
    """Move, tag or export the candidates selected in the list."""
    form = BulkForm()
    form.to_stage.choices = services.stage_choices(include_closed=False)
    back = safe_next_url(form.next.data) or url_for("candidates.index")
    ids = sorted({parse_id(i) for i in form.ids.data or []} - {None})[:500]
    if not form.validate() or not ids:
        flash("Select at least one candidate, then an action.", "error")
        return redirect(back)
    selected = queries.selected_query(ids)
    if form.action.data == "export":
        return _export(selected, {"ids": ids})
    if form.action.data == "tag":
        names = services.parse_tags(form.tag.data or "")
        if not names:
            flash("Type the tag to add.", "error")
            return redirect(back)
        for candidate in db.session.scalars(selected):
            services.set_tags(candidate, [t.name for t in candidate.tags] + names)
        db.session.commit()
        flash(f"Tagged {len(ids)} candidates “{names[0]}”.", "success")
        return redirect(back)
    stage_id = queries._int(form.to_stage.data)
    to_stage = db.session.get(Stage, stage_id) if stage_id else None
    if to_stage is None:
        flash("Choose the stage to move them to.", "error")
        return redirect(back)
    moved, sent, refused = 0, 0, []
    for candidate in db.session.scalars(selected):
        try:
            with db.session.begin_nested():
                change = move_candidate(candidate, to_stage, current_user, None)
            moved += 1
            sent += change.queued_message is not None
        except MoveRefused as error:
            refused.append(str(error))
    db.session.commit()
    said = f" {sent} will get the {to_stage.name} message." if sent else ""
    flash(f"Moved {moved} to {to_stage.name}.{said}", "success" if moved else "warning")
    for message in refused[:5]:
        flash(message, "warning")
    return redirect(back)


# --- the board -------------------------------------------------------------------------


@bp.get("/board")
@requires("view_pipeline")
def board():
    """One column per active stage, with counts and the latest cards."""
    filters = queries.CandidateFilters.from_args(request.args)
    stages = queries.board_stages()

    def draw_columns() -> str:
        return render_template(
            "candidates/_board_columns.html",
            stages=stages,
            cards=queries.board_cards(filters, [s.id for s in stages]),
            counts=queries.board_counts(filters),
            filters=filters,
            column_size=queries.BOARD_COLUMN_SIZE,
            now=utcnow(),
        )

    # The columns differ by the filters and the page's address (cards link back to it)
    # and by whether the viewer may move cards.
    key = (request.full_path, can(current_user, "move_candidates"))
    return render_template(
        "candidates/board.html",
        columns=cached.fragment("candidates.board", key, draw_columns),
        filters=filters,
        filter_bar=_filter_bar(filters, show_stage=False),
        move_choices=[(str(s.id), s.name) for s in stages],
    )


@bp.get("/board/stages/<int:stage_id>")
@requires("view_pipeline")
def board_column(stage_id: int):
    """More cards of one column: a page of its own, or just the cards for the script."""
    stage = db.get_or_404(Stage, stage_id)
    filters = queries.CandidateFilters.from_args(request.args)
    offset = max(0, min(queries._int(request.args.get("offset")) or 0, 1_000_000))
    size = queries.BOARD_COLUMN_SIZE
    cards = queries.board_cards(filters, [stage.id], offset=offset, limit=size)[stage.id]
    count = queries.board_counts(filters).get(stage.id, 0)
    template = (
        "candidates/_column_cards.html"
        if request.args.get("partial")
        else ("candidates/column.html")
    )
    return render_template(
        template,
        stage=stage,
        cards=cards,
        count=count,
        offset=offset,
        filters=filters,
        move_choices=[(str(s.id), s.name) for s in queries.board_stages()],
        column_size=size,
        now=utcnow(),
    )


# --- one candidate ---------------------------------------------------------------------


@bp.get("/<int:candidate_id>")
@requires("view_pipeline")
def detail(candidate_id: int):
    """Everything about one candidate, with the stage history as a timeline."""
    return candidate_page(candidate_id)


def candidate_page(
    candidate_id: int,
    update_conflict: Conflict | None = None,
    status=200,
    refused_move: MoveForm | None = None,
    refused_in_place: RatingForm | TagsForm | None = None,
    in_place_conflict: Conflict | None = None,
):
    """The candidate's page; with a conflict when accepting a proposed update was refused
    because someone saved the candidate since the page was drawn, or with the move form,
    the rating or the tags as sent when saving them was refused."""
    # Each SELECT is a round trip to PostgreSQL: the record comes with its stage history,
    # its lists and placements, its likely duplicates, when the student last opened their
    # own page, and whether there are proposed updates and interviews to read at all.
    record = queries.candidate_page_record(candidate_id)
    if record is None:
        abort(404)
    candidate = record.candidate
    move = refused_move
    if move is None:
        move = MoveForm(formdata=None, version=candidate.version)
        move.to_stage.choices = services.stage_choices()
        move.to_stage.data = str(candidate.stage_id)
    in_place = {
        "rating": RatingForm(formdata=None, rating=str(candidate.rating or "")),
        "tags": TagsForm(formdata=None, tags=", ".join(record.tags)),
    }
    for form in in_place.values():
        form.load_version(candidate)
    if refused_in_place is not None:
        in_place["rating" if isinstance(refused_in_place, RatingForm) else "tags"] = (
            refused_in_place
        )
    listed = interviews.for_candidate(candidate) if record.has_interviews else []
    reviews = (
        proposals.reviews_for(
            candidate, {opening.id for opening in record.openings}, record.open_proposals
        )
        if can(current_user, "review_updates")
        else None
    )
    duplicates = [(other, services.why_duplicate(candidate, other)) for other in record.duplicates]
    return render_template(
        "candidates/detail.html",
        candidate=candidate,
        record=record,
        stages={stage.id: stage for stage in cached.stages()},
        university_name=university_names().get(candidate.university_id),
        interviews=listed,
        interview_scorecards=scorecards_for_candidate(candidate, current_user, listed),
        reviews=reviews,
        update_conflict=update_conflict,
        duplicates=duplicates,
        move=move,
        in_place=in_place,
        in_place_conflict=in_place_conflict,
        message_refusal=messages.why_not_message(candidate),
        stage_message_hint=messages.stage_messages_hint(),
        note_form=NoteForm(formdata=None),
        now=utcnow(),
        reasons=CLOSE_REASON_LABELS,
        own_page={
            "actions": record.student_actions,
            "last_opened": record.last_opened,
            "labels": students.ACTION_LABELS,
        },
    ), status


def _event_choices() -> list[tuple[str, str]]:
    """The latest 200 events as (id, name) for a select."""
    rows = db.session.execute(
        select(Event.id, Event.name).order_by(Event.starts_on.desc()).limit(200)
    )
    return [(str(event_id), name) for event_id, name in rows]


def _fill_choices(form: CandidateForm) -> None:
    form.university_id.choices = [("", "Not listed / not given"), *university_choices()]
    form.source_event_id.choices = [("", "None"), *_event_choices()]


def _profile_values(form: CandidateForm) -> dict:
    def optional_int(value):
        return int(value) if value else None

    return {
        "first_name": form.first_name.data.strip(),
        "last_name": form.last_name.data.strip(),
        "email": form.email.data.strip(),
        "phone": (form.phone.data or "").strip(),
        "university_id": optional_int(form.university_id.data),
        "university_other": (form.university_other.data or "").strip(),
        "major": (form.major.data or "").strip(),
        "class_standing": form.class_standing.data or None,
        "grad_term": form.grad_term.data or None,
        "grad_year": form.grad_year.data,
        "availability": (form.availability.data or "").strip(),
        "procurement_areas": list(form.procurement_areas.data or []),
        "source": form.source.data,
        "source_event_id": optional_int(form.source_event_id.data),
        "rating": form.rating.rating,
    }


@bp.route("/new", methods=["GET", "POST"])
@requires("edit_candidates")
def create():
    """Add a candidate by hand."""
    return _save(None)


@bp.route("/<int:candidate_id>/edit", methods=["GET", "POST"])
@requires("edit_candidates")
def edit(candidate_id: int):
    """Edit a candidate's profile."""
    return _save(editable_candidate(candidate_id))


def _save(candidate: Candidate | None):
    form = CandidateForm(obj=candidate)
    _fill_choices(form)
    if request.method == "GET" and candidate is not None:
        form.university_id.data = str(candidate.university_id or "")
        form.source_event_id.data = str(candidate.source_event_id or "")
        form.rating.data = str(candidate.rating or "")
        form.class_standing.data = (
            candidate.class_standing.value if candidate.class_standing else ""
        )
        form.grad_term.data = candidate.grad_term.value if candidate.grad_term else ""
        form.source.data = candidate.source.value
        form.interests.data = [ci.interest.value for ci in candidate.interests]
        form.tags.data = ", ".join(t.name for t in candidate.tags)
        form.consent.data = candidate.consent_at is not None
    duplicates, conflict = [], None
    try:
        # A stale edit is refused before anything else, whatever it holds.
        if form.is_submitted() and candidate is not None:
            services.check_unchanged(candidate, form.loaded_version)
        if form.validate_on_submit():
            resume, resume_ok = checked_resume(form.resume)
            values = _profile_values(form)
            services.check_duplicates(candidate, values, form.confirm_duplicate.data)
            if resume_ok:
                candidate = services.save_candidate(
                    candidate,
                    values,
                    form.interests.data,
                    services.parse_tags(form.tags.data or ""),
                    form.consent.data,
                    current_user,
                )
                if resume is not None:
                    services.store_resume(
                        candidate, form.resume.data.filename, resume, current_user
                    )
                db.session.commit()
                flash(f"{candidate.full_name} is saved.", "success")
                return redirect(url_for("candidates.detail", candidate_id=candidate.id))
        elif request.method == "POST":
            checked_resume(form.resume)
    except StaleSave as stale:
        # What they typed stays on screen; nothing is written over the other save.
        conflict = refuse(stale, form)
    except services.LikelyDuplicates as found:
        duplicates = found.duplicates
        if found.same_email:
            form.email.errors = ["Another candidate already has this email."]
    except services.DuplicateCandidate as taken:
        # Saved by someone else since the check: answer as the check would.
        duplicates = [taken.existing]
        form.email.errors = ["Another candidate already has this email."]
    return render_template(
        "candidates/form.html",
        form=form,
        candidate=candidate,
        duplicates=duplicates,
        conflict=conflict,
    ), (409 if conflict else 200)


# --- the rating and tags, set in place on the candidate's page -------------------------


@bp.post("/<int:candidate_id>/rating")
@requires("edit_candidates")
def rate(candidate_id: int):
    """Set a candidate's rating from their page: a star saves at once with the page's
    script, or with the Save button without it."""
    form = RatingForm()
    return _save_in_place(
        candidate_id,
        form,
        lambda candidate: services.save_in_place(
            candidate, current_user, values={"rating": form.rating.rating}
        ),
        "Rating saved.",
    )


@bp.post("/<int:candidate_id>/tags")
@requires("edit_candidates")
def retag(candidate_id: int):
    """Set a candidate's tags from their page, as the Edit form's Tags field reads them."""
    form = TagsForm()
    return _save_in_place(
        candidate_id,
        form,
        lambda candidate: services.save_in_place(
            candidate, current_user, tags=services.parse_tags(form.tags.data)
        ),
        "Tags saved.",
    )


def _save_in_place(
    candidate_id: int,
    form: RatingForm | TagsForm,
    save: Callable[[Candidate], None],
    saved: str,
):
    """Save one detail set in place by the Edit form's rules: a stale form is refused
    (409) before anything else, a wrong value is refused (400) saying why."""
    candidate = get_candidate(candidate_id)
    if candidate.anonymized_at is not None:
        return _in_place_answer(candidate, form, _(ERASED_REFUSAL), 409)
    if form.loaded_version is None or not form.sent_its_value():
        # Not from the page's form (which always sends both): nothing to check it against,
        # and a missing field would read as "clear it".
        return _in_place_answer(candidate, form, _("Reload the page and try again."), 400)
    try:
        services.check_unchanged(candidate, form.loaded_version)
        if not form.validate():
            why = next(error for errors in form.errors.values() for error in errors)
            return _in_place_answer(candidate, form, str(why), 400)
        save(candidate)
        db.session.commit()
    except StaleSave as stale:
        conflict = refuse(stale, form)
        return _in_place_answer(get_candidate(candidate_id), form, conflict.in_short, 409, conflict)
    return _in_place_answer(candidate, form, saved, 200)


def _in_place_answer(
    candidate: Candidate,
    form: RatingForm | TagsForm,
    message: str,
    status: int,
    conflict: Conflict | None = None,
):
    """JSON for the page's script (the version to send next, what is saved now); else the
    page again: after a flash when saved or erased, with the form as sent when refused."""
    if wants_json():
        return jsonify(
            ok=status == 200,
            message=message,
            version=candidate.version,
            rating=candidate.rating,
            tags=tags_in_order(tag.name for tag in candidate.tags),
            errors=form.errors,
        ), status
    if status == 200 or candidate.anonymized_at is not None:
        flash(message, "success" if status == 200 else "error")
        return redirect(url_for("candidates.detail", candidate_id=candidate.id), 303)
    if status == 400:
        flash(message, "error")
    return candidate_page(
        candidate.id, status=status, refused_in_place=form, in_place_conflict=conflict
    )


@bp.post("/<int:candidate_id>/move")
@requires("move_candidates")
def move(candidate_id: int):
    """Move a candidate between stages: from the board's drag and drop, its Move to
    control, or the candidate page. A stale move is refused with 409."""
    candidate = get_candidate(candidate_id)
    form = MoveForm()
    form.to_stage.choices = services.stage_choices()
    back = safe_next_url(form.next.data) or url_for("candidates.detail", candidate_id=candidate.id)
    if candidate.anonymized_at is not None:
        return _move_answer(_(ERASED_REFUSAL), 409, back, candidate)
    to_stage = None
    version = parse_id(form.version.data)
    if form.validate() and version is not None:
        to_stage = db.session.get(Stage, int(form.to_stage.data))
    if to_stage is None:
        return _move_answer("Choose a stage to move to.", 400, back, candidate)
    try:
        change = move_candidate(
            candidate,
            to_stage,
            current_user,
            version,
            reason=form.reason.data or None,
            comment=form.comment.data or "",
            notify=form.wants_message(),
        )
    except StaleMove as error:
        db.session.rollback()
        return _move_answer(str(error), 409, back, get_candidate(candidate_id))
    except MoveRefused as error:
        db.session.rollback()
        if not wants_json() and not form.next.data:
            # From the candidate page: show it again with the stage and comment as chosen,
            # the refusal beside the field to fix, instead of a fresh form.
            failed = form.reason if closed(to_stage) and not form.reason.data else form.to_stage
            failed.errors = [str(error)]
            return candidate_page(candidate_id, status=422, refused_move=form)
        return _move_answer(str(error), 422, back, candidate)
    said = " We will email them the stage's message." if change.queued_message else ""
    moved = f"{candidate.full_name} moved to {to_stage.name}.{said}"
    # Said before the commit, which would expire both and cost a second transaction to
    # read them back.
    db.session.flush()
    stage_id, version = candidate.stage_id, candidate.version
    db.session.commit()
    return move_answer(moved, 200, back, stage_id, version)


def _move_answer(message: str, status: int, back: str, candidate: Candidate):
    return move_answer(message, status, back, candidate.stage_id, candidate.version)


@bp.get("/<int:candidate_id>/move")
@requires("move_candidates")
def move_page(candidate_id: int):
    """A board card's Move control on a page of its own, for a browser without the board's
    script: the same form the script posts, back to the board it came from. It carries the
    version the board showed, so a card someone moved meanwhile is refused as stale."""
    candidate = get_candidate(candidate_id)
    back = safe_next_url(request.args.get("next")) or url_for("candidates.board")
    shown = parse_id(request.args.get("version"))
    return render_template(
        "candidates/move.html",
        candidate=candidate,
        version=candidate.version if shown is None else shown,
        move_choices=[(str(s.id), s.name) for s in queries.board_stages()],
        back=back,
    )


@bp.post("/<int:candidate_id>/notes")
@requires("edit_candidates")
def add_note(candidate_id: int):
    """Add a note to a candidate."""
    candidate = editable_candidate(candidate_id)
    form = NoteForm()
    if form.validate():
        services.add_note(candidate, form.body.data, current_user)
        db.session.commit()
        flash("Note added.", "success")
    else:
        flash("Write something in the note first.", "error")
    return redirect(url_for("candidates.detail", candidate_id=candidate.id) + "#notes")


@bp.get("/<int:candidate_id>/resumes/<int:attachment_id>")
@requires("view_pipeline")
@refuse_cross_site
def resume(candidate_id: int, attachment_id: int):
    """Download a resume, always as an attachment, never shown inline."""
    attachment = db.get_or_404(Attachment, attachment_id)
    if attachment.candidate_id != candidate_id or attachment.deleted_at is not None:
        abort(404)
    path = services.resume_path(attachment)
    if not path.is_file():
        abort(404)
    candidate = attachment.candidate
    write_alone(lambda: record("candidate.resume_download", user=current_user, target=candidate))
    return send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=services.download_name(candidate_id, attachment.id),
    )


@bp.route("/<int:candidate_id>/merge", methods=["GET", "POST"])
@requires("merge_candidates")
def merge(candidate_id: int):
    """Fold a duplicate record into this one, found by its email; Compare opens both side
    by side instead. Erased records are neither kept nor folded."""
    keep = editable_candidate(candidate_id)
    form = MergeForm()
    duplicate = None
    if form.validate_on_submit():
        duplicate = services.candidate_by_email(form.other_email.data)
        if duplicate is None or duplicate.id == keep.id or duplicate.anonymized_at is not None:
            form.other_email.errors = ["No other candidate has this email."]
        elif "compare" in request.form:
            return redirect(
                url_for(
                    "candidates.merge_side_by_side", candidate_id=keep.id, other_id=duplicate.id
                )
            )
        elif not form.confirm.data:
            form.confirm.errors = ["Check both records, then tick this box to merge."]
        else:
            name = duplicate.full_name
            merge_candidates(keep, duplicate, current_user)
            db.session.commit()
            flash(f"{name}'s duplicate record is merged into this one.", "success")
            return redirect(url_for("candidates.detail", candidate_id=keep.id))
    return render_template("candidates/merge.html", keep=keep, form=form, duplicate=duplicate)


@bp.route("/<int:candidate_id>/merge/<int:other_id>", methods=["GET", "POST"])
@requires("merge_candidates")
def merge_side_by_side(candidate_id: int, other_id: int):
    """Both records side by side, a choice per differing detail; merging folds the other
    record into this one, keeping the details chosen."""
    keep = editable_candidate(candidate_id)
    other = get_candidate(other_id)
    if other.id == keep.id or other.anonymized_at is not None:
        abort(404)
    rows = side_by_side(keep, other)
    form = SideBySideMergeForm()
    status = 200
    if form.validate_on_submit():
        if (parse_id(form.kept_version.data), parse_id(form.other_version.data)) != (
            keep.version,
            other.version,
        ):
            # The page showed older details than the records hold now: show them afresh.
            flash(_("One of the records changed since you opened this page. Check again."), "error")
            status = 409
        else:
            take = {
                row.choice
                for row in rows
                if row.differs
                and request.form.get(f"take-{row.choice}", "other" if row.take_other else "kept")
                == "other"
            }
            merge_candidates(keep, other, current_user, take=take)
            db.session.commit()
            flash(_("The duplicate record is merged into this one."), "success")
            return redirect(url_for("candidates.detail", candidate_id=candidate_id))
    form.kept_version.data = str(keep.version)
    form.other_version.data = str(other.version)
    return render_template(
        "candidates/merge_side_by_side.html", keep=keep, other=other, rows=rows, form=form
    ), status
