"""Friendly error pages; a 500 rolls the session back and logs without personal data."""

import logging
import traceback

from flask import current_app, g, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

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
    429: (_l("Too many tries"), _l("Please wait a minute, then try again.")),
    500: (
        _l("Something went wrong on our side"),
        _l("Nothing you entered was saved. Try again soon."),
    ),
}


def render_error(status: int, detail: str | None = None):
    """The error page for a status code."""
    _user_or_visitor()
    title, message = MESSAGES.get(status, MESSAGES[400])
    return render_template(
        "errors/error.html",
        status=status,
        title=title,
        message=detail or message,
        public=student_page() and not current_user.is_authenticated,
    ), status


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


def register_error_handlers(app) -> None:
    """Install the error pages on the app."""
    app.register_error_handler(StaleDataError, handle_stale_data)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(Exception, handle_unexpected_error)
