"""The admin page listing texts students read that have no Spanish wording yet, and its
one-click fill of a message template with Recruit's own Spanish wording."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from recruit.admin.untranslated import untranslated_texts
from recruit.admin.views import bp
from recruit.extensions import db
from recruit.forms import Form
from recruit.messages import services as messages
from recruit.messages.models import MessageTemplate
from recruit.stale import StaleSave, VersionedForm, saved_by


class DefaultSpanishForm(VersionedForm, Form):
    """The button that fills a template's Spanish: the version it was shown at travels."""


@bp.get("/untranslated")
def untranslated():
    """Texts with English and no Spanish: the privacy notice, stages' student wording,
    message templates and open positions, each linked to where it is edited."""
    return _render_untranslated()


def _render_untranslated(status: int = 200):
    return render_template(
        "admin/untranslated.html",
        texts=untranslated_texts(),
        default_spanish=messages.default_spanish,
        form=DefaultSpanishForm(formdata=None),
    ), status


@bp.post("/untranslated/templates/<int:template_id>/spanish")
def use_default_spanish(template_id: int):
    """Fill a template's empty Spanish with Recruit's own wording of it."""
    template = db.get_or_404(MessageTemplate, template_id)
    form = DefaultSpanishForm()
    if not form.validate() or form.loaded_version is None:
        abort(400)
    try:
        messages.use_default_spanish(template, form.loaded_version, current_user)
    except StaleSave as stale:
        db.session.rollback()
        current = stale.current()
        who, _when = saved_by(current)
        flash(
            f"{who} saved “{current.name}” after this page was loaded, so nothing was "
            "filled in. Here it is as it stands now.",
            "error",
        )
        return _render_untranslated(409)
    except messages.MessageRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("admin.untranslated"), 303)
    db.session.commit()
    flash(
        f"“{template.name}” now has Recruit's Spanish wording; read it on the template's page.",
        "success",
    )
    return redirect(url_for("admin.untranslated"), 303)
