"""Two-step verification pages: the code at sign-in, and setting it up, replacing the
recovery codes and turning it off on one's own account."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from recruit.auth import two_step
from recruit.auth.access import public
from recruit.auth.forms import CodeForm, RecoveryCodeForm
from recruit.auth.views import _signed_in, bp
from recruit.extensions import db

WRONG_CODE = "That code is not right, or it was used already. Wait for the next code and try again."
TOO_MANY_FOR_ACCOUNT = (
    "Too many wrong codes for this account; try again in a few minutes, "
    "or ask an admin to reset two-step verification."
)


@bp.route("/login/two-step", methods=["GET", "POST"])
@public  # the password is proved; the session in waiting, not a sign-in, opens this page
def two_step_code():
    """Ask for the code of a sign-in whose password was right, then finish signing in."""
    was_waiting = two_step.PENDING_KEY in session
    waiting = two_step.pending_sign_in()
    if waiting is None:
        if was_waiting:
            flash("That sign-in has expired. Please sign in again.", "warning")
        return redirect(url_for("auth.login"))
    user, pending = waiting
    recovery = request.args.get("with") == "recovery-code"
    form = RecoveryCodeForm() if recovery else CodeForm()
    if form.validate_on_submit():
        code = form.recovery_code.data if recovery else form.code.data
        outcome = two_step.check_sign_in_code(user, pending, code, recovery)
        left = two_step.recovery_codes_left(user) if recovery else None
        db.session.commit()
        if outcome == "ok":
            response = _signed_in(user, pending["remember"], pending["next"])
            if recovery:  # after _signed_in, which starts a fresh session
                flash(
                    f"You used a recovery code; {left} left. If your phone is lost, set up "
                    "two-step verification again on your account page.",
                    "warning",
                )
            return response
        if outcome == "locked":
            flash("Too many wrong codes. Sign in again with your password.", "error")
            return redirect(url_for("auth.login"))
        if outcome == "throttled":
            flash(TOO_MANY_FOR_ACCOUNT, "error")
            return redirect(url_for("auth.login"))
        field = form.recovery_code if recovery else form.code
        field.errors.append(
            "That recovery code is not one of yours, or it was used already."
            if recovery
            else WRONG_CODE
        )
    return render_template("auth/two_step.html", form=form, recovery=recovery)


@bp.route("/account/two-step", methods=["GET", "POST"])
@login_required
def two_step_setup():
    """Set up two-step verification, or see it and change it once it is on."""
    user = current_user._get_current_object()
    if user.two_step_enabled_at is not None:
        return _manage_page()
    secret = two_step.secret_for_enrollment(user)
    form = CodeForm()
    if form.validate_on_submit():
        codes = two_step.confirm_enrollment(user, form.code.data)
        db.session.commit()
        if codes is not None:
            return _recovery_codes_page(codes, "Two-step verification is on.")
        form.code.errors.append(WRONG_CODE)
    uri = two_step.provisioning_uri(user, secret)
    return render_template(
        "auth/two_step_setup.html",
        form=form,
        secret=secret,
        qr=two_step.qr_data_uri(uri),
        required=two_step.required_for(user),
    )


@bp.post("/account/two-step/recovery-codes")
@login_required
def new_recovery_codes():
    """Replace one's recovery codes, given a current code."""
    user = current_user._get_current_object()
    if user.two_step_enabled_at is None:
        return redirect(url_for("auth.two_step_setup"))
    form = CodeForm(prefix="codes")
    if form.validate_on_submit():
        codes = two_step.replace_recovery_codes(user, form.code.data)
        db.session.commit()
        if codes is not None:
            return _recovery_codes_page(codes, "Your old recovery codes no longer work.")
        form.code.errors.append(WRONG_CODE)
    return _manage_page(codes_form=form)


@bp.post("/account/two-step/off")
@login_required
def two_step_off():
    """Turn one's own two-step verification off, where the office allows it."""
    user = current_user._get_current_object()
    if user.two_step_enabled_at is None:
        return redirect(url_for("auth.two_step_setup"))
    if two_step.required_for(user):
        flash("The office requires two-step verification for you, so it stays on.", "error")
        return redirect(url_for("auth.two_step_setup"))
    form = CodeForm(prefix="off")
    if form.validate_on_submit():
        done = two_step.turn_off(user, form.code.data)
        db.session.commit()
        if done:
            flash("Two-step verification is off. You sign in with your password alone.", "success")
            return redirect(url_for("auth.two_step_setup"))
        form.code.errors.append(WRONG_CODE)
    return _manage_page(off_form=form)


def _manage_page(codes_form=None, off_form=None):
    """The account's two-step page once it is on."""
    user = current_user._get_current_object()
    return render_template(
        "auth/two_step_manage.html",
        codes_form=codes_form or CodeForm(prefix="codes", formdata=None),
        off_form=off_form or CodeForm(prefix="off", formdata=None),
        left=two_step.recovery_codes_left(user),
        required=two_step.required_for(user),
    )


def _recovery_codes_page(codes: list[str], message: str):
    """Show new recovery codes, this once: only their hashes are kept."""
    response = render_template("auth/recovery_codes.html", codes=codes, message=message)
    return response, 200, {"Cache-Control": "no-store"}
