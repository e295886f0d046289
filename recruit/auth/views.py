"""Signing in and out, and changing one's own password."""

import time

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from recruit.auth import services, sign_in_limits
from recruit.auth.access import public, safe_next_url
from recruit.auth.forms import LoginForm, PasswordForm
from recruit.extensions import db, limiter

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    scope="login-ip",
    on_breach=sign_in_limits.audit_refusal("address"),
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"],
    key_func=sign_in_limits.account_and_address,
    methods=["POST"],
    scope="login-account",
    deduct_when=sign_in_limits.sign_in_failed,
    on_breach=sign_in_limits.audit_refusal("account and address"),
)
@sign_in_limits.slow_down_failures
def login():
    """Sign a staff member in."""
    next_url = safe_next_url(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        db.session.commit()
        if user is not None:
            return _signed_in(user, form.remember.data, next_url)
        form.password.errors.append("The email or password is not right.")
    return render_template("auth/login.html", form=form)


def _signed_in(user, remember: bool, next_url: str | None):
    """Start a fresh session for a user who proved who they are, and send them on."""
    session.clear()  # a new session at sign-in: nothing carried over
    login_user(user, remember=remember)
    now = int(time.time())
    session.update(signed_in_at=now, last_seen=now, remember=remember)
    return redirect(next_url or url_for("main.dashboard"))


@bp.post("/logout")
@login_required
def logout():
    """Sign out and end this user's sessions on every device."""
    services.sign_out_everywhere(current_user)
    db.session.commit()
    session.clear()
    logout_user()  # after clear(): it marks the remember cookie for deletion
    flash("You are signed out.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Let a signed-in user change their own password."""
    form = PasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append("That is not your current password.")
        else:
            services.change_password(current_user, form.new_password.data)
            db.session.commit()
            # This session goes on, and stays remembered if the user chose that at sign-in.
            login_user(current_user._get_current_object(), remember=session.get("remember", False))
            flash("Your password is changed. Other devices are signed out.", "success")
            return redirect(url_for("main.dashboard"))
    return render_template("auth/password.html", form=form)
