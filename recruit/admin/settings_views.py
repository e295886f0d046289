"""Admin pages for office-wide settings (the privacy notice, the retention period) and the
export of everything."""

from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import BooleanField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from recruit.admin import export
from recruit.admin.models import get_setting, set_setting
from recruit.admin.views import bp
from recruit.audit.services import record
from recruit.extensions import db
from recruit.forms import Form


class SettingsForm(Form):
    privacy_notice = TextAreaField(
        "Privacy notice on the interest form",
        validators=[InputRequired(), Length(min=40, max=2000)],
    )
    retention_months = IntegerField(
        "Keep records of people not hired for (months after their last activity)",
        validators=[InputRequired(), NumberRange(min=1, max=240)],
    )


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """Change the privacy notice and the retention period."""
    form = SettingsForm(
        data={
            "privacy_notice": get_setting("privacy_notice"),
            "retention_months": get_setting("retention_months"),
        }
    )
    if form.validate_on_submit():
        for key in ("privacy_notice", "retention_months"):
            set_setting(key, form[key].data)
        record("settings.update", user=current_user, keys=["privacy_notice", "retention_months"])
        db.session.commit()
        flash("Settings saved.", "success")
        return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form)


class ExportForm(Form):
    include_personal = BooleanField(
        "Include personal fields (names, emails, phone numbers, notes, evaluation comments)"
    )


@bp.route("/export", methods=["GET", "POST"])
def export_all():
    """Download every table as CSV in one zip; the audit log records it."""
    form = ExportForm()
    if form.validate_on_submit():
        include = bool(form.include_personal.data)
        data = export.export_zip(current_user, include)
        db.session.commit()
        return Response(
            data,
            mimetype="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{export.filename(include)}"'},
        )
    return render_template("admin/export.html", form=form)
