"""The languages students read Recruit in: English and Spanish on every public page and
message, chosen by ?lang=, then a cookie (not on a shared kiosk), then the browser; staff
pages stay English."""

from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel, force_locale, get_locale, refresh

from recruit.auth.access import view_is_public
from recruit.timezones import office_zone

LANGUAGES = {"en": "English", "es": "Español"}
DEFAULT_LANGUAGE = "en"
COOKIE = "recruit_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
# Public pages that are the staff's own (signing in): English, like every staff page.
STAFF_BLUEPRINTS = {"auth"}

babel = Babel()


def language_or_default(code: str | None) -> str:
    """A language Recruit speaks, from a stored or typed code (anything else is English)."""
    code = (code or "").strip().lower()[:2]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def chosen_language() -> str | None:
    """The language a student picked with the switch (?lang=) or earlier (cookie), if any.
    A kiosk reads no cookie: one left on its tablet (by anyone, or by a student before
    kiosks stopped keeping one) would choose for every student after."""
    cookie = None if shared_kiosk() else request.cookies.get(COOKIE)
    for value in (request.args.get("lang"), cookie):
        if value and value in LANGUAGES:
            return value
    return None


def shared_kiosk() -> bool:
    """Is this page on a fair's kiosk (?kiosk=1), a tablet students take turns at?"""
    return request.args.get("kiosk") == "1"


def student_page() -> bool:
    """Is this request for a page students, supervisors or interns read (any language)?"""
    return view_is_public() and request.blueprint not in STAFF_BLUEPRINTS


def _locale(language: str) -> str:
    # A US state office: dates, numbers and pay as written in the United States, in either
    # language ("$19.75", not "19,75 US$"). Catalogs are per language (es), which the
    # regional locale falls back to.
    return f"{language}_US"


def select_locale() -> str:
    """Babel's locale selector: public pages negotiate, staff pages are English."""
    # Outside a request (the delivery worker, seed-demo) a lazy text is read before any
    # in_language() chose: English, not a RuntimeError.
    if not has_request_context() or not student_page():
        return _locale(DEFAULT_LANGUAGE)
    return _locale(
        chosen_language()
        or request.accept_languages.best_match(list(LANGUAGES), default=DEFAULT_LANGUAGE)
    )


def current_language() -> str:
    """The language of the page being drawn ("en" or "es")."""
    return language_or_default(str(get_locale()))


def in_language(code: str | None):
    """Render a message in a candidate's language, whatever page sends it."""
    return force_locale(_locale(language_or_default(code)))


def remember_choice(response):
    """after_request: keep the switch's choice in a cookie, so every public page follows.

    Not at a kiosk: the next student would inherit it. There the choice travels in the
    address (?lang=) through the student's own form and thank-you page, and "Next student"
    leaves it behind, so each student starts in the tablet's own language.
    """
    if shared_kiosk():
        return response
    asked = request.args.get("lang")
    if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(
            COOKIE,
            asked,
            max_age=COOKIE_MAX_AGE,
            samesite="Lax",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            httponly=True,
        )
    return response


def language_links(path: str = "") -> list[dict]:
    """The switch on public pages: this page in each language, the current one marked.
    A page drawn in answer to a form sent to another address names its own path."""
    args = request.args.to_dict()
    current = current_language()
    links = []
    for code, label in LANGUAGES.items():
        # Query only by default: the browser keeps the path, so a private link's token is
        # not repeated in the page and every dead link's page stays the same.
        url = path + "?" + _query({**args, "lang": code})
        links.append({"code": code, "label": label, "url": url, "current": code == current})
    return links


def _query(args: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(args)


def init_i18n(app: Flask) -> None:
    """Bind Flask-Babel (catalogs in recruit/translations) and the template helpers."""
    babel.init_app(
        app,
        locale_selector=select_locale,
        # Dates students read (their own page) are the office's dates, like staff ones.
        timezone_selector=lambda: office_zone().key,
        default_domain="messages",
    )
    # Babel caches the locale in g, which outlives a request run inside an app context
    # pushed earlier (tests, scripts): choose afresh for every request.
    app.before_request(refresh)
    app.after_request(remember_choice)
    app.jinja_env.globals.update(current_language=current_language, language_links=language_links)
