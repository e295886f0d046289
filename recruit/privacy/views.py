"""Admin pages for students' data: the erasure requests students made, and for one student,
export their data, erase it, or hold it for legal reasons."""

import json

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from recruit.audit.services import record
from recruit.auth.access import requires
from recruit.candidates.models import Candidate
from recruit.database import utcnow
from recruit.extensions import db
from recruit.forms import Form
from recruit.privacy import services
from recruit.timezones import local_today

bp = Blueprint("privacy", __name__, url_prefix="/privacy")


class ReasonForm(Form):
    why = StringField(
        "Why (recorded in the audit log)", validators=[InputRequired(), Length(max=300)]
    )


class EraseForm(ReasonForm):
    confirm = StringField('Type "ERASE" to confirm', validators=[InputRequired()])


@bp.before_request
@requires("administer")
def admins_only():
    """Exports and erasure of a person's data are for admins alone."""


def _page(candidate: Candidate, export_form=None, erase_form=None, status=200):
    return render_template(
        "privacy/candidate.html",
        candidate=candidate,
        export_form=export_form or ReasonForm(formdata=None, prefix="export"),
        erase_form=erase_form or EraseForm(formdata=None, prefix="erase"),
    ), status


@bp.get("/")
def index():
    """Erasure requests students made from their own page, longest waiting first."""
    return render_template(
        "privacy/index.html",
        requests=services.erasure_requests(),
        days=current_app.config["ERASURE_REQUEST_DAYS"],
        now=utcnow(),
    )


@bp.get("/candidates/<int:candidate_id>")
def candidate(candidate_id: int):
    """The privacy actions for one candidate."""
    return _page(db.get_or_404(Candidate, candidate_id))


@bp.post("/candidates/<int:candidate_id>/export")
def export(candidate_id: int):
    """Download everything held on a candidate as JSON (audited with the reason)."""
    person = db.get_or_404(Candidate, candidate_id)
    form = ReasonForm(prefix="export")
    if not form.validate():
        return _page(person, export_form=form, status=400)
    data = services.export_personal_data(person, current_user, form.why.data.strip())
    db.session.commit()
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={
            "Content-Disposition": (
                f'attachment; filename="candidate-{person.id}-{local_today().isoformat()}.json"'
            )
        },
    )


@bp.post("/candidates/<int:candidate_id>/erase")
def erase(candidate_id: int):
    """Erase a candidate's personal data, keeping anonymous counts for reports."""
    person = db.get_or_404(Candidate, candidate_id)
    form = EraseForm(prefix="erase")
    valid = form.validate()
    if valid and form.confirm.data.strip() != "ERASE":
        form.confirm.errors = ["Type ERASE in capitals to confirm."]
        valid = False
    if not valid:
        return _page(person, erase_form=form, status=400)
    services.erase(person, current_user, form.why.data.strip())
    db.session.commit()
    flash("The candidate's personal data is erased. Anonymous counts remain.", "success")
    return redirect(url_for("candidates.detail", candidate_id=person.id))


@bp.post("/candidates/<int:candidate_id>/hold")
def hold(candidate_id: int):
    """Put a candidate on legal hold (exempt from retention), or lift it."""
    person = db.get_or_404(Candidate, candidate_id)
    person.legal_hold = request.form.get("hold") == "1"
    record("privacy.legal_hold", user=current_user, target=person, hold=person.legal_hold)
    db.session.commit()
    flash("Legal hold is on." if person.legal_hold else "Legal hold is lifted.", "success")
    return redirect(url_for("privacy.candidate", candidate_id=person.id))
