"""Configuration: safe defaults, then instance/config.py, then RECRUIT_* variables."""

import contextlib
import logging
import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULTS = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SQLITE_BUSY_TIMEOUT_MS": 5000,
    # /healthz answers 503 ("disk_full") when the SQLite file's disk has less free space:
    # a rolled-back test write proves the file writable, not that a commit will fit.
    "DATABASE_MIN_FREE_BYTES": 8 * 1024 * 1024,
    # The most a request may send, checked against its Content-Length before a byte is
    # read. Far above RESUME_MAX_BYTES, so a resume a little too large (a phone's scan) is
    # read and refused beside its field with every answer kept, not with a bare 413 that
    # loses them. Werkzeug writes files over 500 KB to disk while reading, and text fields
    # stay under MAX_FORM_MEMORY_SIZE, so memory never holds such a body.
    "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
    "RESUME_MAX_BYTES": 5 * 1024 * 1024,
    # Files the public form may store in any hour, all students together (anyone may send
    # it): past this, forms are still saved, without their file.
    "PUBLIC_UPLOAD_BYTES_PER_HOUR": 200 * 1024 * 1024,
    # The public form stores no file when the upload folder's disk has less free space.
    "UPLOAD_MIN_FREE_BYTES": 500 * 1024 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "SESSION_COOKIE_NAME": "recruit_session",
    "REMEMBER_COOKIE_DURATION": timedelta(days=14),
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_SECURE": False,
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    # A session without "keep me signed in" ends after this long unused, and this long
    # after the password was typed however busy it is.
    "SESSION_IDLE_MINUTES": 60,
    "SESSION_ABSOLUTE_HOURS": 12,
    # With "keep me signed in", the password is asked for again this many days after it
    # was typed, however often the device came back (checked on the server, not the cookie).
    "REMEMBER_ABSOLUTE_DAYS": 14,
    "WTF_CSRF_TIME_LIMIT": None,
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": False,
    # Sign-in limits (recruit/auth/sign_in_limits.py says the policy): every attempt from
    # one address counts; only failures count for one account from one address.
    "LOGIN_LIMIT_PER_ADDRESS": "20 per minute",
    "LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS": "5 per minute; 30 per hour",
    # An account's failures from anywhere are never refused, only answered later: after
    # this many in the window, 0.25 s, doubling up to the most.
    "LOGIN_SLOWDOWN_FREE_FAILURES": 3,
    "LOGIN_SLOWDOWN_FIRST_SECONDS": 0.25,
    "LOGIN_SLOWDOWN_MAX_SECONDS": 3.0,
    "LOGIN_SLOWDOWN_MINUTES": 15,
    # At most this many late answers at once per process; further failures are answered
    # at once, so delays never occupy the server.
    "LOGIN_SLOWDOWN_CONCURRENT": 1,
    # Wrong two-step codes for one account, from any sign-in or device, within the window:
    # past it the code page checks no more codes for that account until the oldest age out.
    "TWO_STEP_MAX_WRONG_CODES": 10,
    "TWO_STEP_WINDOW_MINUTES": 15,
    "PASSWORD_HASH_METHOD": "scrypt",
    "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
    "PROXY_FIX_HOPS": 0,
    "PAGE_SIZE": 50,
    # A whole campus may share one address at a fair: generous, yet it stops a flood.
    "INTEREST_FORM_LIMIT": "60 per minute",
    "FEEDBACK_FORM_LIMIT": "30 per minute",
    # Every form of the students' own pages (asking for a link, and each change made on
    # the page), per address: generous, since a campus may share one address.
    "STATUS_FORM_LIMIT": "30 per minute",
    # How long a link to a student's own page works (a newer link retires it sooner).
    "STATUS_LINK_DAYS": 30,
    # What a student's page promises when they ask us to erase their data.
    "ERASURE_REQUEST_DAYS": 30,
    # A send sooner than this after the form was shown is held back as a bot's. No person
    # types a major, picks four choices and ticks two boxes in 1.5 s, even with autofill
    # doing the name and email; 3 s could catch a quick student. 0 turns the check off.
    "MIN_FILL_SECONDS": 1.5,
    # How long a shown form may wait to be sent: a phone or kiosk that lost the network
    # at a fair keeps sign-ups until it is back, and Recruit takes them for this long.
    "START_TOKEN_DAYS": 3,
    # How long a fair's kiosk counts down on the thank-you page before an empty form.
    "KIOSK_RESET_SECONDS": 8,
    # Outgoing mail: the worker (`flask deliver`) sends the outbox; with no server set,
    # messages wait there and the outbox page says mail is off.
    "MAIL_SERVER": "",
    "MAIL_PORT": 587,
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_SENDER": "internships@procurement.state.example",
    "MAIL_USE_TLS": True,
    "MAIL_TIMEOUT_SECONDS": 10,
    # How long a worker's claim on a message lasts before another may try it.
    "MAIL_CLAIM_SECONDS": 300,
    "MAIL_POLL_SECONDS": 5,
    "EVALUATION_LINK_DAYS": 14,
    # A candidate can move or cancel an interview from their link until this many hours
    # before it starts (after that, they write to the office).
    "INTERVIEW_CHANGE_HOURS": 24,
    # Server-Timing header on every answer (how long Recruit took): for `make bench`
    # and for finding a slow page; off by default, since it tells anyone the timing.
    "SERVER_TIMING": False,
}

# RECRUIT_<NAME> environment variables and how to read them.
ENVIRONMENT = {
    "DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "SECRET_KEY": ("SECRET_KEY", str),
    "PUBLIC_BASE_URL": ("PUBLIC_BASE_URL", str),
    "RATELIMIT_ENABLED": ("RATELIMIT_ENABLED", lambda v: v.lower() not in ("0", "false", "no")),
    "RATELIMIT_STORAGE_URI": ("RATELIMIT_STORAGE_URI", str),
    "SECURE_COOKIES": ("SECURE_COOKIES", lambda v: v.lower() in ("1", "true", "yes")),
    "PROXY_FIX_HOPS": ("PROXY_FIX_HOPS", int),
    "SESSION_IDLE_MINUTES": ("SESSION_IDLE_MINUTES", int),
    "REMEMBER_ABSOLUTE_DAYS": ("REMEMBER_ABSOLUTE_DAYS", int),
    "RESUME_MAX_BYTES": ("RESUME_MAX_BYTES", int),
    "PUBLIC_UPLOAD_BYTES_PER_HOUR": ("PUBLIC_UPLOAD_BYTES_PER_HOUR", int),
    "UPLOAD_MIN_FREE_BYTES": ("UPLOAD_MIN_FREE_BYTES", int),
    "DATABASE_MIN_FREE_BYTES": ("DATABASE_MIN_FREE_BYTES", int),
    "MIN_FILL_SECONDS": ("MIN_FILL_SECONDS", float),
    "KIOSK_RESET_SECONDS": ("KIOSK_RESET_SECONDS", int),
    "INTEREST_FORM_LIMIT": ("INTEREST_FORM_LIMIT", str),
    "STATUS_FORM_LIMIT": ("STATUS_FORM_LIMIT", str),
    "STATUS_LINK_DAYS": ("STATUS_LINK_DAYS", int),
    "INTERVIEW_CHANGE_HOURS": ("INTERVIEW_CHANGE_HOURS", int),
    "ERASURE_REQUEST_DAYS": ("ERASURE_REQUEST_DAYS", int),
    "MAIL_SERVER": ("MAIL_SERVER", str),
    "MAIL_PORT": ("MAIL_PORT", int),
    "MAIL_USERNAME": ("MAIL_USERNAME", str),
    "MAIL_PASSWORD": ("MAIL_PASSWORD", str),
    "MAIL_SENDER": ("MAIL_SENDER", str),
    "MAIL_USE_TLS": ("MAIL_USE_TLS", lambda v: v.lower() not in ("0", "false", "no")),
    "MAIL_TIMEOUT_SECONDS": ("MAIL_TIMEOUT_SECONDS", float),
    "MAIL_POLL_SECONDS": ("MAIL_POLL_SECONDS", float),
    "SERVER_TIMING": ("SERVER_TIMING", lambda v: v.lower() in ("1", "true", "yes")),
}


def load_config(app, overrides: dict | None) -> None:
    """Fill app.config from defaults, instance/config.py, the environment and overrides."""
    app.config.update(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    for name, (key, parse) in ENVIRONMENT.items():
        value = os.environ.get(f"RECRUIT_{name}")
        if value not in (None, ""):
            app.config[key] = parse(value)
    app.config.update(overrides or {})

    instance = Path(app.instance_path)
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    _keep_private(instance)
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", f"sqlite:///{instance / 'recruit.sqlite'}")
    app.config.setdefault("UPLOAD_FOLDER", str(instance / "uploads"))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance / "secret_key")
    if app.config.pop("SECURE_COOKIES", False):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
        # __Host-: browsers accept these only from HTTPS, for the whole site (Path=/) and
        # this host alone (no Domain), so no subdomain can set or overwrite them.
        app.config["SESSION_COOKIE_NAME"] = "__Host-recruit_session"
        app.config["REMEMBER_COOKIE_NAME"] = "__Host-remember_token"


def _keep_private(instance: Path) -> None:
    """Close the instance folder to other local users, files made before the umask included."""
    try:
        instance.chmod(0o700)
    except PermissionError:
        # Someone else's folder (a shared install): say so rather than refuse to start.
        log.warning("Could not make %s private (mode 0700): check its owner", instance)


def _instance_secret(path: Path) -> str:
    """Read the secret key kept in the instance folder, creating it (mode 0600) once."""
    if not path.exists():
        # Write the key in full to a private file, then link it into place: a worker starting
        # at the same moment finds either no key file or a whole one, never an empty file.
        handle, partial = tempfile.mkstemp(dir=path.parent, prefix=".secret_key-")
        try:
            with os.fdopen(handle, "w") as file:
                file.write(secrets.token_hex(32))
            with contextlib.suppress(FileExistsError):  # another worker won: use its key
                os.link(partial, path)
        finally:
            os.unlink(partial)
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it and Recruit will generate a new key")
    return key
