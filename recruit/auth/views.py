"""Signing in and out, changing one's own password, and the list of one's sessions."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from recruit.auth import services, sessions, sign_in_limits, two_step
from recruit.auth.access import public, safe_next_url
from recruit.auth.forms import LoginForm, PasswordForm
from recruit.auth.models import StaffSession
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
            if user.two_step_enabled_at is not None:  # the session starts after the code
                two_step.begin_sign_in(user, form.remember.data, next_url)
                return redirect(url_for("auth.two_step_code"))
            return _signed_in(user, form.remember.data, next_url)
        form.password.errors.append("The email or password is not right.")
    return render_template("auth/login.html", form=form)


def _signed_in(user, remember: bool, next_url: str | None):
    """Start a fresh session for a user who proved who they are, and send them on."""
    session.clear()  # a new session at sign-in: nothing carried over
    sessions.start_session(user, remember)
    db.session.commit()
    login_user(user, remember=remember)
    return redirect(next_url or url_for("main.dashboard"))


@bp.post("/logout")
@login_required
def logout():
    """Sign out on this device; the user's other devices stay signed in."""
    sessions.sign_out(sessions.current_session())
    db.session.commit()
    session.clear()
    logout_user()  # after clear(): it marks the remember cookie for deletion
    flash("You are signed out.", "success")
    response = redirect(url_for("auth.login"))
    # The browser drops what it kept of the staff pages, on a shared computer too. Not
    # "cookies": browsers clear those for the whole parent domain, signing users out of
    # other state systems beside Recruit. Its own session ended above, its remember cookie
    # is deleted.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Let a signed-in user change their own password."""
    form = PasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append("That is not your current password.")
        else:
            services.change_password(
                current_user._get_current_object(),
                form.new_password.data,
                keep=sessions.current_session(),
            )
            db.session.commit()
            flash("Your password is changed. Other devices are signed out.", "success")
            return redirect(url_for("main.dashboard"))
    return render_template("auth/password.html", form=form)


@bp.get("/account/sessions")
@login_required
def account_sessions():
    """List the devices where the user is signed in."""
    return render_template(
        "auth/sessions.html",
        sessions=sessions.sessions_of(current_user),
        this_session=sessions.current_session(),
    )


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    """Sign the user out on one of their other devices."""
    staff_session = db.get_or_404(StaffSession, session_id)
    if staff_session.user_id != current_user.id:
        abort(404)
    if staff_session is sessions.current_session():
        flash("To sign out on this device, use Sign out at the top.", "error")
        return redirect(url_for("auth.account_sessions"))
    device = staff_session.device
    sessions.end_session(staff_session, by=current_user)
    db.session.commit()
    flash(f"{device} is signed out.", "success")
    return redirect(url_for("auth.account_sessions"))


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions():
    """Sign the user out on every device but this one."""
    user = current_user._get_current_object()
    sessions.sign_out_everywhere(user, by=user, keep=sessions.current_session())
    db.session.commit()
    flash("You are signed out on every other device.", "success")
    return redirect(url_for("auth.account_sessions"))
