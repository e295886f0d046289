"""Friendly error pages; a 500 rolls the session back and logs without personal data."""

import logging

from flask import render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from recruit.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Something in that request was not right", "Go back, check the form and try again."),
    401: ("Please sign in", "This page is for staff who have signed in."),
    403: ("Not allowed", "Your role does not include this page. Ask an admin if you need it."),
    404: ("Page not found", "The page or record you asked for does not exist."),
    405: ("Not allowed", "This address does not accept that kind of request."),
    413: ("That file is too large", "Try a smaller file."),
    429: ("Too many tries", "Please wait a minute, then try again."),
    500: ("Something went wrong on our side", "Nothing you entered was saved. Try again soon."),
}


def render_error(status: int, detail: str | None = None):
    """The error page for a status code."""
    title, message = MESSAGES.get(status, MESSAGES[400])
    return render_template(
        "errors/error.html", status=status, title=title, message=detail or message
    ), status


def handle_http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    detail = error.description if error.code == 400 and _custom(error) else None
    return render_error(error.code, detail)


def _custom(error: HTTPException) -> bool:
    return error.description != type(error).description


def handle_csrf_error(error: CSRFError):
    return render_error(
        400, "This form was open too long or came from elsewhere. Reload the page and try again."
    )


def handle_server_error(error: Exception):
    db.session.rollback()
    original = getattr(error, "original_exception", error)
    # Only the route and the exception's type: its message may hold what a user typed.
    log.error("500 on %s %s: %s", request.method, request.url_rule, type(original).__name__)
    return render_error(500)


def register_error_handlers(app) -> None:
    """Install the error pages on the app."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_server_error)
