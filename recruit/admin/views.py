"""Admin pages: staff accounts and their roles."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from recruit.auth import services, sessions, two_step
from recruit.auth.access import requires
from recruit.auth.forms import EditUserForm, NewUserForm
from recruit.auth.models import Role, User
from recruit.extensions import db
from recruit.pagination import paginate

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@requires("administer")
def admins_only():
    """Every admin page is for admins alone."""


@bp.get("/users")
def users():
    """List staff accounts."""
    page = paginate(select(User).order_by(User.active.desc(), User.name), request.args)
    return render_template(
        "admin/users.html", page=page, demo_without_two_step=two_step.demo_office_without_two_step()
    )


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    """Create a staff account."""
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                form.name.data,
                form.email.data,
                form.role.data,
                form.password.data,
                by=current_user,
            )
        except services.DuplicateEmail:
            form.email.errors.append("Another account already uses this email.")
        else:
            db.session.commit()
            flash(f"{user.name} can now sign in.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def edit_user(user_id: int):
    """Change a staff account's name, role or access."""
    user = db.get_or_404(User, user_id)
    form = EditUserForm(obj=user)
    if request.method == "GET":
        form.role.data = user.role.value
    if form.validate_on_submit():
        own = user.id == current_user.id
        if own and not form.active.data:
            form.active.errors.append(_("You cannot deactivate your own account."))
        if own and form.role.data != Role.ADMIN.value:
            form.role.errors.append(_("You cannot take away your own admin access."))
        if not (form.active.errors or form.role.errors):
            services.update_user(
                user, form.name.data, form.role.data, form.active.data, by=current_user
            )
            db.session.commit()
            flash(f"{user.name} is updated.", "success")
            return redirect(url_for("admin.users"))
    return render_template(
        "admin/user_form.html", form=form, user=user, sessions=sessions.sessions_of(user)
    )


@bp.post("/users/<int:user_id>/sessions/end")
def end_user_sessions(user_id: int):
    """Sign a staff member out on every device (an admin's own current one stays)."""
    user = db.get_or_404(User, user_id)
    keep = sessions.current_session() if user.id == current_user.id else None
    sessions.sign_out_everywhere(user, by=current_user, keep=keep)
    db.session.commit()
    if keep is None:
        flash(f"{user.name} is signed out everywhere.", "success")
    else:
        flash("You are signed out on every other device.", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.post("/users/<int:user_id>/two-step/reset")
def reset_two_step(user_id: int):
    """Clear another user's two-step verification (a lost phone); they set it up again."""
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        flash("You cannot reset your own two-step verification; ask another admin.", "error")
    elif user.two_step_enabled_at is None and user.totp_secret is None:
        flash(f"{user.name} has not set up two-step verification.", "warning")
    else:
        two_step.reset(user, by=current_user)
        db.session.commit()
        flash(
            f"{user.name}'s two-step verification is cleared and their sessions ended. "
            "They set it up again when they next sign in.",
            "success",
        )
    return redirect(url_for("admin.edit_user", user_id=user.id))
