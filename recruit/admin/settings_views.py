"""Admin pages for office-wide settings (the privacy notice, the retention period, the time
zone) and the export of everything."""

from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from recruit.admin import export
from recruit.admin.services import SETTING_KEYS, current_settings, save_settings
from recruit.admin.untranslated import untranslated_count
from recruit.admin.views import bp
from recruit.auth.two_step import REQUIRED_CHOICES, demo_office_without_two_step
from recruit.extensions import db
from recruit.forms import Form
from recruit.stale import StaleSave, VersionedForm, refuse
from recruit.timezones import forget_office_zone, zone_choices, zone_named


class SettingsForm(VersionedForm, Form):
    office_name = StringField(
        "Office name (messages to students sign with it)",
        validators=[InputRequired(), Length(max=120)],
    )
    office_email = EmailField(
        "Office contact address (in every message, and where replies go)",
        validators=[InputRequired(), Email(), Length(max=254)],
    )
    privacy_notice = TextAreaField(
        "Privacy notice on the interest form",
        validators=[InputRequired(), Length(min=40, max=2000)],
    )
    privacy_notice_es = TextAreaField(
        "Privacy notice in Spanish", validators=[Optional(), Length(max=2000)]
    )
    retention_months = IntegerField(
        "Keep records of people not hired for (months after their last activity)",
        validators=[InputRequired(), NumberRange(min=1, max=240)],
    )
    time_zone = StringField(
        "Office time zone (every time Recruit shows is in it)",
        filters=[lambda value: value.strip() if value else value],
        validators=[InputRequired("Give the office's time zone, such as America/Chicago.")],
        render_kw={"list": "time-zones", "autocomplete": "off", "spellcheck": "false"},
    )

    two_step_required = RadioField(
        "Who must use two-step verification at sign-in", choices=REQUIRED_CHOICES
    )

    def validate_time_zone(self, field) -> None:
        if zone_named(field.data) is None:
            raise ValidationError(
                f"Recruit does not know a time zone called {field.data!r}. Choose one from "
                "the list, written like America/Chicago (Central) or America/New_York "
                "(Eastern)."
            )


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """Change the office's name and address, the privacy notice, the retention period and
    the time zone."""
    form = SettingsForm(data=vars(current_settings()))
    conflict = None
    if form.validate_on_submit():
        values = {key: form[key].data for key in SETTING_KEYS}
        try:
            save_settings(values, form.loaded_version, current_user)
        except StaleSave as stale:
            conflict = refuse(stale, form)
        else:
            db.session.commit()
            forget_office_zone()
            flash("Settings saved.", "success")
            return redirect(url_for("admin.settings"))
    return render_template(
        "admin/settings.html",
        form=form,
        conflict=conflict,
        untranslated=untranslated_count(),
        zones=zone_choices(),
        demo_without_two_step=demo_office_without_two_step(),
    ), (409 if conflict else 200)


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
