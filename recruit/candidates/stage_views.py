"""Admin pages for the pipeline's stages: rename, reorder, add, close or retire, and word
what students in each read on their own page."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from recruit.auth.access import requires
from recruit.board import time_ago
from recruit.candidates.forms import enum_choices
from recruit.candidates.models import Stage, StageKind
from recruit.database import parse_id
from recruit.extensions import db
from recruit.forms import Form
from recruit.pipeline import stages as stage_admin
from recruit.pipeline.moves import MoveRefused
from recruit.stale import StaleSave, VersionedForm, refuse

bp = Blueprint("stages", __name__, url_prefix="/admin/stages")


class StageForm(VersionedForm, Form):
    name = StringField("Name", validators=[InputRequired(), Length(max=60)])
    kind = SelectField(
        "Kind",
        choices=enum_choices(StageKind),
        description="Active stages make the board; closed ones need a reason; hired is the goal.",
    )


class StageWordingForm(VersionedForm, Form):
    """What a student in a stage reads on their own page, in English and Spanish."""

    student_text = TextAreaField(
        "What the student reads on their own page", validators=[Length(max=1000)]
    )
    student_text_es = TextAreaField(
        "What the student reads, in Spanish", validators=[Length(max=1000)]
    )


class PlaceStageForm(Form):
    """One stage put at a position; order is the stage ids in the order the admin saw."""

    stage_id = HiddenField(validators=[InputRequired()])
    position = IntegerField("Position", validators=[InputRequired(), NumberRange(min=1)])
    order = HiddenField(validators=[InputRequired()])

    @property
    def seen_order(self) -> list[int]:
        """The ids of the stages in use, in the order the page showed them."""
        return [parse_id(part) or 0 for part in (self.order.data or "").split(",")]


class RetireForm(Form):
    move_to = SelectField("Move its candidates to", coerce=str, validate_choice=False)


@bp.before_request
@requires("administer")
def admins_only():
    """Only admins change the pipeline."""


@bp.get("/")
def index():
    """The stages in order, with how many candidates each holds."""
    return _render_index()


def _render_index(
    editing: Stage | None = None, edit_form=None, conflict=None, *, order_conflict=None, status=200
):
    """The stages page; a refused save comes back in its row with what the admin typed, a
    refused reorder with who changed the stages meanwhile."""
    stages = db.session.scalars(
        select(Stage).order_by(Stage.retired, Stage.position, Stage.id)
    ).all()
    retire = RetireForm()
    retire.move_to.choices = [("", "Nobody to move")] + [
        (str(s.id), s.name) for s in stages if not s.retired
    ]
    return render_template(
        "candidates/stages.html",
        stages=stages,
        counts=stage_admin.stage_counts(),
        form=StageForm(formdata=None),
        retire=retire,
        editing=editing,
        edit_form=edit_form,
        conflict=conflict,
        order_conflict=order_conflict,
        in_use=[s for s in stages if not s.retired],
    ), status


@bp.post("/")
def create():
    """Add a stage at the end."""
    form = StageForm()
    if form.validate():
        try:
            stage = stage_admin.add_stage(form.name.data, form.kind.data, current_user)
        except stage_admin.StageRefused as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"Added {stage.name}.", "success")
    else:
        flash("Give the new stage a name.", "error")
    return redirect(url_for("stages.index"))


@bp.post("/<int:stage_id>")
def update(stage_id: int):
    """Rename a stage or change its kind."""
    stage = db.get_or_404(Stage, stage_id)
    form = StageForm()
    if form.validate():
        try:
            stage_admin.update_stage(
                stage, form.name.data, form.kind.data, current_user, form.loaded_version
            )
        except StaleSave as stale:
            conflict = refuse(stale, form)
            return _render_index(stage, form, conflict, status=409)
        except stage_admin.StageRefused as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"Saved {stage.name}.", "success")
    else:
        flash("A stage needs a name of up to 60 characters.", "error")
    return redirect(url_for("stages.index"))


@bp.post("/order")
def reorder():
    """Put a stage at a chosen position in one step (the drag and the keyboard handle
    post this same form)."""
    form = PlaceStageForm()
    stage = db.session.get(Stage, parse_id(form.stage_id.data or "") or 0)
    if stage is None or not form.validate():
        flash("Choose a stage and the position to put it at.", "error")
        return redirect(url_for("stages.index"))
    try:
        moved = stage_admin.place_stage(stage, form.position.data, form.seen_order, current_user)
    except stage_admin.StageOrderChanged:
        db.session.rollback()
        return _render_index(order_conflict=_order_conflict(stage), status=409)
    except stage_admin.StageRefused as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("stages.index"))
    db.session.commit()
    if moved:
        in_use = stage_admin.stages_in_use()
        where = in_use.index(stage) + 1
        flash(f"{stage.name} is now at position {where} of {len(in_use)}.", "success")
    return redirect(url_for("stages.index", _anchor=f"stage-{stage.id}"))


def _order_conflict(stage: Stage) -> dict:
    """What an admin whose reorder was refused is told: who changed the stages, and when."""
    change = stage_admin.last_order_change()
    who, when = change if change else ("Someone else", None)
    return {"stage": stage.name, "who": who, "when": time_ago(when) if when else ""}


@bp.post("/<int:stage_id>/retire")
def retire(stage_id: int):
    """Retire a stage, moving its candidates first."""
    stage = db.get_or_404(Stage, stage_id)
    form = RetireForm()
    target_id = form.move_to.data or ""
    move_to = db.session.get(Stage, parse_id(target_id)) if parse_id(target_id) else None
    try:
        moved = stage_admin.retire_stage(stage, move_to, current_user)
    except (stage_admin.StageRefused, MoveRefused) as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"Retired {stage.name}; moved {moved} candidates.", "success")
    return redirect(url_for("stages.index"))


@bp.route("/<int:stage_id>/wording", methods=["GET", "POST"])
def wording(stage_id: int):
    """Word what students in a stage read on their own page, in English and Spanish."""
    stage = db.get_or_404(Stage, stage_id)
    form = StageWordingForm(obj=stage)
    suggested = False
    if request.method == "GET":
        form.load_version(stage)
        wording = stage_admin.suggested_wording(stage)
        if wording and not (stage.student_text.strip() or stage.student_text_es.strip()):
            form.student_text.data, form.student_text_es.data = wording
            suggested = True
    conflict = None
    if form.validate_on_submit():
        try:
            stage_admin.set_student_wording(
                stage,
                form.student_text.data or "",
                form.student_text_es.data or "",
                current_user,
                form.loaded_version,
            )
        except StaleSave as stale:
            conflict = refuse(stale, form)
        else:
            db.session.commit()
            flash(f"Saved what students in {stage.name} read.", "success")
            return redirect(url_for("stages.index"))
    return render_template(
        "candidates/stage_wording.html",
        stage=stage,
        form=form,
        conflict=conflict,
        suggested=suggested,
    ), (409 if conflict else 400 if request.method == "POST" else 200)
