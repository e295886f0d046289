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

from recruit.auth import services, two_step
from recruit.auth.access import public, safe_next_url
from recruit.auth.forms import LoginForm, PasswordForm
from recruit.extensions import db, limiter

bp = Blueprint("auth", __name__)


def _account_key() -> str:
    return "account:" + request.form.get("email", "").strip().lower()[:254]


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], scope="login-ip"
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    scope="login-account",
)
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
            if user.two_step_enabled_at is not None:  # the session starts after the code
                two_step.begin_sign_in(user, form.remember.data, next_url)
                return redirect(url_for("auth.two_step_code"))
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
