"""HR's answers to the updates the public form sent for a known email: accept or dismiss
each detail on the candidate's page, and read the resume one carried before deciding."""

from flask import Blueprint, abort, flash, redirect, send_file, url_for
from flask_login import current_user
from wtforms import HiddenField
from wtforms.validators import InputRequired

from recruit.audit.services import record
from recruit.auth.access import requires
from recruit.candidates import proposals, services
from recruit.candidates.models import ProposedUpdate
from recruit.candidates.views import candidate_page
from recruit.cross_site import refuse_cross_site
from recruit.database import write_alone
from recruit.extensions import db
from recruit.forms import Form
from recruit.stale import StaleSave, VersionedForm, refuse

bp = Blueprint("proposals", __name__, url_prefix="/candidates")


class DecisionForm(Form):
    """One detail of a proposal to accept or dismiss."""

    field = HiddenField(validators=[InputRequired()])


class AcceptForm(VersionedForm, DecisionForm):
    """Accepting changes the candidate, so it carries the version the page showed."""

    version = HiddenField(validators=[InputRequired()])


def get_proposal(candidate_id: int, proposal_id: int) -> ProposedUpdate:
    """The proposal, made for this candidate, or 404."""
    proposal = db.get_or_404(ProposedUpdate, proposal_id)
    if proposal.candidate_id != candidate_id:
        abort(404)
    return proposal


def _back(candidate_id: int):
    return redirect(url_for("candidates.detail", candidate_id=candidate_id) + "#updates", 303)


@bp.post("/<int:candidate_id>/proposals/<int:proposal_id>/accept")
@requires("review_updates")
def accept(candidate_id: int, proposal_id: int):
    """Copy one detail of a proposal onto the candidate; refused (409) when the candidate
    was saved since the page showed the two side by side."""
    proposal = get_proposal(candidate_id, proposal_id)
    form = AcceptForm()
    if not form.validate() or form.loaded_version is None:
        flash("Choose a detail to accept.", "error")
        return _back(candidate_id)
    name = proposals.FIELDS.get(form.field.data, "The detail")
    try:
        services.check_unchanged(proposal.candidate, form.loaded_version)
        proposals.accept(proposal, form.field.data, current_user)
    except StaleSave as stale:
        return candidate_page(candidate_id, update_conflict=refuse(stale, form), status=409)
    except proposals.DecisionRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return _back(candidate_id)
    db.session.commit()
    flash(f"{name} accepted: the record says it now.", "success")
    return _back(candidate_id)


@bp.post("/<int:candidate_id>/proposals/<int:proposal_id>/dismiss")
@requires("review_updates")
def dismiss(candidate_id: int, proposal_id: int):
    """Leave the record as it is for one detail of a proposal."""
    proposal = get_proposal(candidate_id, proposal_id)
    form = DecisionForm()
    if not form.validate():
        flash("Choose a detail to dismiss.", "error")
        return _back(candidate_id)
    name = proposals.FIELDS.get(form.field.data, "The detail")
    try:
        proposals.dismiss(proposal, form.field.data, current_user)
    except proposals.DecisionRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return _back(candidate_id)
    db.session.commit()
    flash(f"{name} dismissed: the record stays as it was.", "success")
    return _back(candidate_id)


@bp.post("/<int:candidate_id>/proposals/<int:proposal_id>/dismiss-rest")
@requires("review_updates")
def dismiss_rest(candidate_id: int, proposal_id: int):
    """Dismiss whatever of a proposal nobody has decided, and settle it."""
    proposal = get_proposal(candidate_id, proposal_id)
    if not Form().validate():
        abort(400)
    try:
        dismissed = proposals.dismiss_rest(proposal, current_user)
    except proposals.DecisionRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return _back(candidate_id)
    db.session.commit()
    if dismissed:
        flash(f"Dismissed {len(dismissed)} of its details; the update is settled.", "success")
    else:
        flash("The update is settled.", "success")
    return _back(candidate_id)


@bp.get("/<int:candidate_id>/proposals/<int:proposal_id>/file")
@requires("review_updates")
@refuse_cross_site
def file(candidate_id: int, proposal_id: int):
    """Download the resume a proposal carried, always as an attachment (audited)."""
    proposal = get_proposal(candidate_id, proposal_id)
    path = proposals.proposal_path(proposal)
    if path is None or not path.is_file():
        abort(404)
    write_alone(
        lambda: record(
            "proposal.file_download", user=current_user, target=proposal, candidate_id=candidate_id
        )
    )
    return send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=services.download_name(candidate_id, f"update-{proposal.id}"),
    )
