"""Who may see what: every page needs sign-in unless marked public; the policy narrows it."""

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, request, session, url_for
from flask_login import current_user, logout_user

from recruit.auth.policy import POLICY, can
from recruit.auth.sessions import check_current_session


def public(view):
    """Mark a view as open to visitors who have not signed in."""
    view.is_public = True
    return view


def requires(action: str):
    """Let users whom the policy allows this action in; refuse everyone else with 403.

    On a view it guards one route; on a blueprint's before_request function, all of them.
    """
    if action not in POLICY:  # a misspelt action fails as the module loads, not per request
        raise KeyError(f"no such action in the policy: {action}")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not can(current_user, action):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_action = action
        return wrapped

    return decorator


def safe_next_url(target: str | None) -> str | None:
    """Return target if it is a path on this site, else None."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def view_is_public() -> bool:
    """Is the page being served open to everyone (no sign-in)?"""
    if request.endpoint is None:
        return True  # 404s and 405s fall through to their error pages
    if request.endpoint == "static":
        return True
    view = current_app.view_functions.get(request.endpoint)
    return getattr(view, "is_public", False)


def enforce_sign_in():
    """before_request: send anonymous visitors of staff pages to sign in; end expired sessions."""
    # Flask-Login caches the user in g, which outlives the request when the request runs
    # inside an app context pushed earlier (tests, scripts): decide afresh every time.
    g.pop("_login_user", None)
    g.pop("staff_session", None)
    signed_in = current_user.is_authenticated and check_current_session()
    if not signed_in and "_user_id" in session:
        # The session's row has ended or expired: forget this cookie and the remember one.
        session.clear()
        logout_user()  # after clear(): it marks the remember cookie for deletion
    if view_is_public() or current_user.is_authenticated:
        return None
    if request.method != "GET":
        abort(401)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
