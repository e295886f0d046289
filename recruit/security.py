"""Security headers on every response, no caching of pages with personal data, and no NUL
characters in what clients send."""

from flask import abort, current_app, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def set_security_headers(response):
    """after_request: add the headers; only static files may be cached."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    if current_app.config["SESSION_COOKIE_SECURE"]:
        # Served over HTTPS (RECRUIT_SECURE_COOKIES): browsers should never fall back to HTTP.
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )
    return response


def checks_its_own_text(view):
    """Mark a view whose form refuses control characters field by field (every
    recruit.forms.Form does): a NUL there is shown beside its field, the other answers kept,
    instead of a bare 400 that loses them all."""
    view.checks_own_text = True
    return view


def refuse_nul_characters():
    """before_request: refuse a path, query string or form holding a NUL character.

    Nobody types one, PostgreSQL refuses to store or compare text holding one (a server
    error), and SQLite's full-text search reads one as the end of the search.
    """
    if "\x00" in request.path:
        abort(400)
    view = current_app.view_functions.get(request.endpoint or "")
    checked_by_form = getattr(view, "checks_own_text", False)
    for values in (request.args,) if checked_by_form else (request.args, request.form):
        for name, items in values.lists():
            if "\x00" in name or any("\x00" in item for item in items):
                abort(400)
