"""Friendly error pages; a 500 rolls the session back and logs without personal data; a
database fault answers 503 with the posted form kept, saying nothing was saved."""

import logging
import traceback
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app, g, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from recruit.auth.access import safe_next_url
from recruit.database import (
    READ_WITHOUT_WRITE_LOCK,
    WRITE_METHODS,
    database_fault,
    remove_files_not_saved,
)
from recruit.extensions import db, login_manager
from recruit.i18n import student_page

log = logging.getLogger(__name__)

# Lazy: each page shows them in its own language (public pages may be in Spanish).
MESSAGES = {
    400: (
        _l("Something in that request was not right"),
        _l("Go back, check the form and try again."),
    ),
    401: (_l("Please sign in"), _l("This page is for staff who have signed in.")),
    403: (
        _l("Not allowed"),
        _l("Your role does not include this page. Ask an admin if you need it."),
    ),
    404: (_l("Page not found"), _l("The page or record you asked for does not exist.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    409: (
        _l("Someone else saved this at the same moment"),
        _l(
            "Nothing of yours was saved. Go back, reload the page to see their change, "
            "and try again."
        ),
    ),
    413: (_l("That file is too large"), _l("Try a smaller file.")),
    # A database fault while reading a page (one that sends a form says more: see
    # handle_database_error).
    503: (
        _l("Please try again in a few minutes"),
        _l("Our records could not be read just now. Nothing was changed."),
    ),
    429: (_l("Too many tries"), _l("Please wait a minute, then try again.")),
    500: (
        _l("Something went wrong on our side"),
        _l("Nothing you entered was saved. Try again soon."),
    ),
}


# What a student reads when a file was too large for the request itself to be read (the
# resume's own limit, far below it, is told beside the field with every answer kept).
PUBLIC_TOO_LARGE = _l(
    "Go back with your browser's Back button: your answers are still in the form. "
    "Choose a smaller file, or send the form without one."
)

# What a form sent during a database fault says at its top, by fault (see database_fault).
BUSY_NOTE = _l("We are busy: nothing was saved yet. Press Send again.")
UNSAVED_NOTE = _l("Nothing was saved. Please try again in a few minutes.")
MAYBE_SAVED_NOTE = _l(
    "The connection to our records was lost just as your answers were being saved: they "
    "may have been kept. Please wait a few minutes and check before sending them again."
)
# Seconds a client should wait before sending again: a lock is let go in moments; a full
# disk, a read-only file or a lost server wait for someone to act.
RETRY_AFTER = {"busy": 2, "disconnected": 10, "read_only": 120, "disk_full": 120}


def render_error(status: int, detail: str | None = None):
    """The error page for a status code."""
    _user_or_visitor()
    title, message = MESSAGES.get(status, MESSAGES[400])
    public = _public_page()
    if status == 413 and public:
        message = PUBLIC_TOO_LARGE
    return render_template(
        "errors/error.html",
        status=status,
        title=title,
        message=detail or message,
        public=public,
        way_back=_way_back() if public else None,
    ), status


def _public_page() -> bool:
    """Is the error on a page students, supervisors or interns read, or anyone not signed
    in reaches (staff are never sent to sign in from a page that needs none)?"""
    return student_page() and not current_user.is_authenticated


def _way_back() -> str:
    """Where a visitor's error page leads: the page they were on (for a form, the form
    with its address, kiosk and language), or the interest form."""
    try:
        came_from = urlsplit(request.referrer or "")
    except ValueError:  # a Referer no browser sends ("http://[host/"): nothing to go back to
        return url_for("interest.apply")
    # Referrer-Policy same-origin: a referrer is this site's own, but check anyway.
    if came_from.netloc == request.host:
        path = came_from.path + (f"?{came_from.query}" if came_from.query else "")
        if safe_next_url(path) and _public_path(came_from.path):
            return path
    return url_for("interest.apply")


def _public_path(path: str) -> bool:
    """Is this path one of the pages visitors may open (not a staff page behind sign-in)?"""
    try:
        endpoint, _args = current_app.url_map.bind(request.host).match(path, method="GET")
    except HTTPException:
        return False
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "is_public", False) and not endpoint.startswith("auth.")


def _user_or_visitor() -> None:
    """Let the page render even when the signed-in user cannot be loaded (database down)."""
    try:
        _ = current_user.is_authenticated
    except SQLAlchemyError:
        db.session.rollback()
        # Flask-Login keeps the request's user in g; a visitor needs no database.
        g._login_user = login_manager.anonymous_user()


def handle_http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    detail = error.description if error.code == 400 and _custom(error) else None
    return render_error(error.code, detail)


def _custom(error: HTTPException) -> bool:
    return error.description != type(error).description


def handle_csrf_error(error: CSRFError):
    return render_error(
        400,
        _("This form was open too long or came from elsewhere. Reload the page and try again."),
    )


def handle_server_error(error: Exception):
    db.session.rollback()
    remove_files_not_saved()
    original = getattr(error, "original_exception", None) or error
    # The route, the exception's type and where it was raised, never its message: that may
    # hold what a user typed (SQL errors carry the row's values).
    log.error(
        "500 on %s %s: %s\n%s",
        request.method,
        request.url_rule,
        type(original).__name__,
        "".join(traceback.format_tb(original.__traceback__)).rstrip(),
    )
    return render_error(500)


def handle_unexpected_error(error: Exception):
    """Any exception a view let through: the 500 page, logged as handle_server_error does."""
    # Registered on Exception because Flask logs an unhandled exception, message and all,
    # before calling the 500 handler. Tests and debugging still see exceptions propagate.
    propagate = current_app.config["PROPAGATE_EXCEPTIONS"]
    if propagate is None:
        propagate = current_app.testing or current_app.debug
    if propagate:
        raise error
    return handle_server_error(error)


def handle_stale_data(error: StaleDataError):
    # Two people saved the same record at once; the version column let only one through.
    db.session.rollback()
    return render_error(409)


# --- database faults: say nothing was saved, keep the form --------------------------------


def keep_form_on_fault(render: Callable[[str], object]) -> None:
    """Should a database fault stop this request, answer with render(note): the form
    drawn again with every answer kept and the note at its top, instead of a page that
    loses them. Call it before the view's first read."""
    g.form_on_fault = render


def handle_database_error(error: DBAPIError):
    """A fault of the database (busy, read-only, full disk, lost connection): 503 with the
    posted form kept where its view asked for that, else a page saying nothing was saved."""
    fault = database_fault(error)
    if fault is None:
        return handle_unexpected_error(error)
    _let_go()
    if "_login_user" not in g:
        # The signed-in user could not be read (their session's row is what failed): the
        # answer names no one, and asking the database again would only wait once more.
        g._login_user = login_manager.anonymous_user()
    remove_files_not_saved()
    if g.get("saved_before_failing"):
        log.warning("Database %s on %s %s: perhaps saved", fault, request.method, request.url_rule)
        title = _("Your answers may have been saved")
        response = make_response(_fault_page(str(MAYBE_SAVED_NOTE), title))
        response.status_code = 503
        return response
    log.warning("Database %s on %s %s: nothing was saved", fault, request.method, request.url_rule)
    note = str(BUSY_NOTE if fault == "busy" else UNSAVED_NOTE)
    render = g.pop("form_on_fault", None)
    response = None
    if render is not None:
        try:
            # A POST's transactions take SQLite's write lock first; this read must not wait
            # for the lock that just failed it (WAL lets it read beside the writer).
            db.session.connection(execution_options={READ_WITHOUT_WRITE_LOCK: True})
            response = make_response(render(note))
        except SQLAlchemyError:
            _let_go()
            log.warning("The form could not be drawn again: the database still fails")
    if response is None:
        response = make_response(_fault_page(note))
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER[fault])
    return response


def _let_go() -> None:
    """Roll the session back; a connection that is gone has nothing left to undo."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.close()


def _fault_page(note: str, title: str | None = None) -> str:
    """The page for a database fault, drawn without the database: not even the signed-in
    user's name, whose row the rollback expired."""
    public = student_page()
    sent = request.method in WRITE_METHODS
    return render_template(
        "errors/error.html",
        status=503,
        title=title or (_("Nothing was saved") if sent else MESSAGES[503][0]),
        message=note if sent else MESSAGES[503][1],
        public=public,
        way_back=_way_back() if public else None,
        fault=True,
        sent=sent,
    )


def register_error_handlers(app) -> None:
    """Install the error pages on the app."""
    app.register_error_handler(StaleDataError, handle_stale_data)
    app.register_error_handler(DBAPIError, handle_database_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(Exception, handle_unexpected_error)
