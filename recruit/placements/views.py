"""Internship pages: positions, placements with their outcomes and evaluation links, and
the admin page for questionnaire items."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from recruit.auth.access import requires
from recruit.candidates.models import Candidate
from recruit.database import parse_id, utcnow
from recruit.extensions import db
from recruit.messages.delivery import mail_on
from recruit.pagination import paginate
from recruit.pipeline.moves import MoveRefused
from recruit.placements.evaluation_links import (
    default_recipient,
    issue_request,
    link_for,
    reissue_request,
    request_state,
    revoke_request,
)
from recruit.placements.forms import (
    OutcomeForm,
    PlacementForm,
    PositionForm,
    RequestForm,
    RewordForm,
)
from recruit.placements.models import (
    Evaluation,
    EvaluationAnswer,
    EvaluationItem,
    EvaluationKind,
    EvaluationRequest,
    ItemForm,
    Outcome,
    Placement,
    Position,
    PositionStatus,
)
from recruit.placements.openings import chosen_count
from recruit.placements.placements import (
    PlacementRefused,
    check_placeable,
    evaluation_deadlines,
    evaluations_due_clause,
    outcome_stage,
    place_candidate,
    record_outcome,
)
from recruit.placements.positions import POSITION_FIELDS, filled_count, save_position, terms
from recruit.placements.questionnaires import (
    KIND_TITLES,
    form_items,
    reword_item,
    side_by_side,
    term_averages,
)
from recruit.stale import StaleSave, refuse
from recruit.templating import label
from recruit.timezones import local_today

bp = Blueprint("positions", __name__, url_prefix="/positions")
placements_bp = Blueprint("placements", __name__, url_prefix="/placements")
items_bp = Blueprint("evaluation_items", __name__, url_prefix="/admin/evaluation-items")


# --- positions ----------------------------------------------------------------------------


@bp.get("/")
@requires("view_pipeline")
def index():
    """Positions with how many of their openings are filled, by term and status."""
    filters = {key: request.args.get(key, "") for key in ("term", "status")}
    query = select(Position, filled_count().label("filled")).order_by(
        Position.starts_on.desc().nulls_last(), Position.agency, Position.title
    )
    if filters["term"]:
        query = query.where(Position.term == filters["term"][:20])
    if filters["status"] in PositionStatus._value2member_map_:
        query = query.where(Position.status == PositionStatus(filters["status"]))
    return render_template(
        "placements/positions.html",
        page=paginate(query, request.args),
        filters=filters,
        terms=terms(),
        statuses=[(s.value, label(s)) for s in PositionStatus],
    )


@bp.route("/new", methods=["GET", "POST"])
@requires("manage_placements")
def create():
    """Add a position."""
    return _save_position(None)


@bp.route("/<int:position_id>/edit", methods=["GET", "POST"])
@requires("manage_placements")
def edit(position_id: int):
    """Edit a position."""
    return _save_position(db.get_or_404(Position, position_id))


def _save_position(position: Position | None):
    form = PositionForm(obj=position)
    if request.method == "GET" and position is not None:
        form.funding_source.data = position.funding_source.value
        form.status.data = position.status.value
    conflict = None
    if form.validate_on_submit():
        values = {name: form[name].data for name in POSITION_FIELDS}
        try:
            position = save_position(position, values, form.loaded_version, current_user)
        except StaleSave as stale:
            conflict = refuse(stale, form)
        else:
            db.session.commit()
            flash(f"Saved {position.title} ({position.agency}).", "success")
            return redirect(url_for("positions.detail", position_id=position.id))
    return render_template(
        "placements/position_form.html", form=form, position=position, conflict=conflict
    ), (409 if conflict else 400 if request.method == "POST" else 200)


@bp.get("/<int:position_id>")
@requires("view_pipeline")
def detail(position_id: int):
    """A position, its placements and the history of their evaluations."""
    position = db.get_or_404(Position, position_id)
    placements = db.session.scalars(
        select(Placement)
        .where(Placement.position_id == position.id)
        .options(joinedload(Placement.candidate), selectinload(Placement.evaluations))
        .order_by(Placement.starts_on.desc(), Placement.id)
    ).all()
    evaluations = db.session.scalars(
        select(Evaluation)
        .join(Evaluation.placement)
        .where(Placement.position_id == position.id)
        .options(contains_eager(Evaluation.placement).joinedload(Placement.candidate))
        .order_by(Evaluation.submitted_at.desc(), Evaluation.id.desc())
    ).all()
    return render_template(
        "placements/position.html",
        position=position,
        chosen=chosen_count(position),
        placements=placements,
        evaluations=evaluations,
        titles=KIND_TITLES,
    )


# --- placements ---------------------------------------------------------------------------


# The list's tabs: placements running or ahead, ended, and those awaiting an evaluation.
PLACEMENT_TABS = ("current", "past", "evaluations_due")


@placements_bp.get("/", endpoint="index")
@requires("view_pipeline")
def placement_list():
    """Current or past placements by term, agency and outcome, with evaluations due."""
    when = request.args.get("when") if request.args.get("when") in PLACEMENT_TABS else "current"
    today = local_today()
    filters = {key: request.args.get(key, "") for key in ("term", "agency", "status")}
    query = (
        select(Placement)
        .join(Placement.position)
        .options(
            contains_eager(Placement.position),
            joinedload(Placement.candidate),
            selectinload(Placement.evaluations),
        )
    )
    if when == "past":
        query = query.where(Placement.ends_on < today).order_by(Placement.ends_on.desc())
    elif when == "evaluations_due":
        # Past placements too: a final evaluation still missing after the end is overdue.
        query = query.where(evaluations_due_clause(today)).order_by(Placement.ends_on)
    else:
        query = query.where(Placement.ends_on >= today).order_by(Placement.ends_on)
    query = query.order_by(Placement.id)
    if filters["term"]:
        query = query.where(Position.term == filters["term"][:20])
    if filters["agency"]:
        query = query.where(Position.agency == filters["agency"][:200])
    if filters["status"] == "pending":
        query = query.where(Placement.outcome.is_(None))
    elif filters["status"] in Outcome._value2member_map_:
        query = query.where(Placement.outcome == Outcome(filters["status"]))
    page = paginate(query, request.args)
    return render_template(
        "placements/index.html",
        page=page,
        when=when,
        filters=filters,
        due={p.id: evaluation_deadlines(p, today) for p in page.items},
        terms=terms(),
        agencies=db.session.scalars(select(Position.agency).distinct().order_by(Position.agency)),
        statuses=[("pending", "No outcome yet")] + [(o.value, label(o)) for o in Outcome],
        averages=term_averages(filters["term"]) if filters["term"] else None,
    )


def _open_position_choices() -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(Position.id, Position.title, Position.agency, Position.term)
        .where(Position.status == PositionStatus.OPEN)
        .order_by(Position.term, Position.agency, Position.title)
    )
    return [("", "Choose an open position")] + [
        (str(i), f"{title}, {agency} ({term})") for i, title, agency, term in rows
    ]


@placements_bp.route("/new", methods=["GET", "POST"], endpoint="create")
@requires("manage_placements")
def place():
    """Place a candidate who has an offer, or is onboarding, in an open position."""
    candidate_id = request.args.get("candidate_id", "")
    candidate = (
        db.session.get(Candidate, parse_id(candidate_id)) if parse_id(candidate_id) else None
    )
    if candidate is None:
        abort(404)
    if request.method == "GET":
        # Say so before HR fills the form in, not only when it is sent.
        try:
            check_placeable(candidate)
        except PlacementRefused as refused:
            flash(str(refused), "error")
            return redirect(url_for("candidates.detail", candidate_id=candidate.id))
    form = PlacementForm()
    form.position_id.choices = _open_position_choices()
    if form.validate_on_submit():
        position = (
            db.session.get(Position, parse_id(form.position_id.data))
            if parse_id(form.position_id.data)
            else None
        )
        if position is None:
            form.position_id.errors.append("Choose an open position.")
        else:
            values = {name: getattr(form, name).data for name in PLACEMENT_FIELDS}
            try:
                placement = place_candidate(candidate, position, values, current_user)
            except PlacementRefused as refused:
                db.session.rollback()
                form.position_id.errors.append(str(refused))
            else:
                db.session.commit()
                flash(f"{candidate.full_name} placed as {position.title}.", "success")
                return redirect(url_for("placements.detail", placement_id=placement.id))
    return render_template("placements/placement_form.html", form=form, candidate=candidate), (
        400 if request.method == "POST" else 200
    )


PLACEMENT_FIELDS = (
    "supervisor_name",
    "supervisor_email",
    "mentor_name",
    "starts_on",
    "ends_on",
    "hours_per_week",
    "midterm_due_on",
    "final_due_on",
)


def _load_placement(placement_id: int) -> Placement:
    placement = db.session.scalar(
        select(Placement)
        .where(Placement.id == placement_id)
        .options(
            joinedload(Placement.position),
            joinedload(Placement.candidate).joinedload(Candidate.stage),
            selectinload(Placement.evaluations)
            .selectinload(Evaluation.answers)
            .joinedload(EvaluationAnswer.item),
        )
    )
    if placement is None:
        abort(404)
    return placement


def _render_placement(
    placement: Placement, outcome_form=None, request_form=None, status=200, conflict=None
):
    if outcome_form is None:
        outcome_form = OutcomeForm(
            formdata=None,
            outcome=(placement.outcome or Outcome.COMPLETED).value,
            outcome_on=placement.outcome_on or local_today(),
            hired_title=placement.hired_title,
            version=placement.version,
        )
    # A refused form may carry a choice no outcome has (any client can send one): the
    # label then speaks of the default outcome's stage, and the field says what is wrong.
    chosen = next((o for o in Outcome if o.value == outcome_form.outcome.data), Outcome.COMPLETED)
    stage = outcome_stage(chosen)
    outcome_form.move_candidate.label.text = (
        f"Also move the candidate to {stage.name}" if stage else "Also move the candidate"
    )
    requests = db.session.scalars(
        select(EvaluationRequest)
        .where(EvaluationRequest.placement_id == placement.id)
        .options(joinedload(EvaluationRequest.created_by))
        .order_by(EvaluationRequest.created_at.desc(), EvaluationRequest.id.desc())
    ).all()
    evaluations = sorted(placement.evaluations, key=lambda e: list(EvaluationKind).index(e.kind))
    return render_template(
        "placements/placement.html",
        placement=placement,
        evaluations=evaluations,
        comparison=side_by_side(evaluations),
        requests=requests,
        now=utcnow(),
        due=evaluation_deadlines(placement, local_today()),
        outcome_form=outcome_form,
        request_form=request_form or RequestForm(formdata=None),
        titles=KIND_TITLES,
        state=request_state,
        conflict=conflict,
    ), status


@placements_bp.get("/<int:placement_id>", endpoint="detail")
@requires("view_pipeline")
def placement_detail(placement_id: int):
    """A placement: details, evaluations side by side, links and the outcome."""
    return _render_placement(_load_placement(placement_id))


@placements_bp.post("/<int:placement_id>/outcome")
@requires("manage_placements")
def outcome(placement_id: int):
    """Record how a placement ended, moving the candidate to match if asked."""
    placement = _load_placement(placement_id)
    form = OutcomeForm()
    if not form.validate():
        return _render_placement(placement, outcome_form=form, status=400)
    try:
        change = record_outcome(
            placement,
            Outcome(form.outcome.data),
            form.outcome_on.data,
            form.hired_title.data or "",
            current_user,
            move=form.move_candidate.data,
            expected_version=form.loaded_version,
        )
    except StaleSave as stale:
        conflict = refuse(stale, form)
        return _render_placement(
            _load_placement(placement_id), outcome_form=form, status=409, conflict=conflict
        )
    except (PlacementRefused, MoveRefused) as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("placements.detail", placement_id=placement_id))
    db.session.commit()
    moved = f" {placement.candidate.full_name} moved to {change.to_stage.name}." if change else ""
    flash(f"Outcome recorded: {label(placement.outcome)}.{moved}", "success")
    return redirect(url_for("placements.detail", placement_id=placement.id))


@placements_bp.post("/<int:placement_id>/requests")
@requires("manage_placements")
def request_evaluation(placement_id: int):
    """Make a private evaluation link and show it once."""
    placement = _load_placement(placement_id)
    form = RequestForm()
    if not form.validate():
        return _render_placement(placement, request_form=form, status=400)
    kind = EvaluationKind(form.kind.data)
    name, email = default_recipient(placement, kind)
    name = (form.recipient_name.data or "").strip() or name
    email = (form.recipient_email.data or "").strip() or email
    if not email:
        form.recipient_email.errors = ["Give the email to send the link to."]
        return _render_placement(placement, request_form=form, status=400)
    try:
        evaluation_request, token = issue_request(
            placement, kind, name, email, current_user, send_on=form.send_on.data
        )
    except PlacementRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("placements.detail", placement_id=placement.id))
    db.session.commit()
    return _show_link(evaluation_request, token)


def _show_link(evaluation_request: EvaluationRequest, token: str):
    # Rendered from the POST, never stored: the only time anyone sees this token.
    return render_template(
        "placements/link.html",
        evaluation_request=evaluation_request,
        link=link_for(token),
        title=KIND_TITLES[evaluation_request.kind],
        mail_on=mail_on(),
        scheduled=request_state(evaluation_request, utcnow()) == "scheduled",
    )


@placements_bp.post("/requests/<int:request_id>/revoke")
@requires("manage_placements")
def revoke(request_id: int):
    """Stop a private link from working."""
    evaluation_request = db.get_or_404(EvaluationRequest, request_id)
    revoke_request(evaluation_request, current_user)
    db.session.commit()
    flash("The link no longer works.", "success")
    return redirect(url_for("placements.detail", placement_id=evaluation_request.placement_id))


@placements_bp.post("/requests/<int:request_id>/reissue")
@requires("manage_placements")
def reissue(request_id: int):
    """Revoke a private link and make a new one for the same person."""
    evaluation_request = db.get_or_404(EvaluationRequest, request_id)
    try:
        new_request, token = reissue_request(evaluation_request, current_user)
    except PlacementRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("placements.detail", placement_id=evaluation_request.placement_id))
    db.session.commit()
    return _show_link(new_request, token)


# --- questionnaire items ------------------------------------------------------------------


@items_bp.get("/", endpoint="index")
@requires("administer")
def item_list():
    """The active items of each questionnaire, in order."""
    return render_template(
        "placements/items.html",
        forms=[(form, form_items(form)) for form in ItemForm],
    )


@items_bp.route("/<int:item_id>/reword", methods=["GET", "POST"])
@requires("administer")
def reword(item_id: int):
    """Reword an item: past answers keep the old words, new forms ask the new ones."""
    item = db.get_or_404(EvaluationItem, item_id)
    if item.retired and request.method == "GET":
        abort(404)
    form = RewordForm(prompt=item.prompt, version=item.version)
    conflict = None
    if form.validate_on_submit():
        try:
            reword_item(item, form.prompt.data, form.loaded_version, current_user)
        except StaleSave as stale:
            conflict = refuse(stale, form)
            # Saving again rewords the newest wording, which the form now posts to.
            item = stale.current()
        else:
            db.session.commit()
            flash("Reworded. Evaluations already in keep the old wording.", "success")
            return redirect(url_for("evaluation_items.index"))
    return render_template("placements/item_form.html", form=form, item=item, conflict=conflict), (
        409 if conflict else 400 if request.method == "POST" else 200
    )
