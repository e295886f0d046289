"""Limits on signing in that stop a guesser without letting anyone lock staff out.

The policy (ASVS 6.1.1, 6.3.1), from the outside in:

- Per address: every sign-in from one address counts. Past LOGIN_LIMIT_PER_ADDRESS
  (20 a minute) that address is answered 429, whatever account it tries.
- Per account and address: only failures count (a wrong password, an unknown or
  deactivated account). Past LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS (5 a minute, 30 an hour)
  that address is answered 429 for that account, right password or not, until the window
  passes. Other addresses are not affected.
- Per account alone: nothing is ever refused, so the right password from another address
  always signs in. Instead, once an account has had LOGIN_SLOWDOWN_FREE_FAILURES failures
  within LOGIN_SLOWDOWN_MINUTES, from anywhere, each further failure is answered late: the
  delay starts at LOGIN_SLOWDOWN_FIRST_SECONDS and doubles, up to LOGIN_SLOWDOWN_MAX_SECONDS.
  A right password is never delayed.
- A delay must never hold the server, or an attacker failing about once a second for one
  account keeps every worker asleep and the right password waits behind them. So a
  delayed answer first takes one of LOGIN_SLOWDOWN_CONCURRENT slots of its process (1 by
  default; 0 delays nothing) without waiting for one; when none is free the failure is
  answered at once. That lets through nothing that should not pass (its password was
  already found wrong); only its delay is skipped. Serve with threads (gunicorn
  --threads) so the one delayed answer holds a thread, not a worker.
- A refusal is audited as auth.sign_in_limited (once a minute per limit and key, so a flood
  of refused requests is not a flood of audit rows), naming the account as target when it
  exists and otherwise a keyed hash of the typed email; never what was typed.
- Accounts are keyed on an HMAC of the typed email under SECRET_KEY: Flask-Limiter logs its
  keys, and people do type a password into the email field.
- Counts live in the limiter's storage (RATELIMIT_STORAGE_URI): workers sharing a Redis
  store share them; with memory:// each worker counts on its own.
"""

import hashlib
import hmac
import threading
from functools import wraps
from time import sleep

from flask import current_app, request
from flask_limiter.util import get_remote_address

from recruit.audit.services import record
from recruit.auth.services import SIGN_IN_FAILED, user_by_email
from recruit.extensions import db, limiter

# A refusal of one key is audited once in this many seconds.
AUDIT_EVERY_SECONDS = 60


def account_hash(email: str) -> str:
    """A keyed hash of a typed email, the same in any letter case."""
    secret = current_app.config["SECRET_KEY"].encode()
    typed = email.strip().lower().encode()
    return hmac.new(secret, typed, hashlib.sha256).hexdigest()[:32]


def _typed_email() -> str:
    return request.form.get("email", "")


def account_and_address() -> str:
    """The key of the per-account-and-address limit."""
    return f"account:{account_hash(_typed_email())}@{get_remote_address()}"


def sign_in_failed(response) -> bool:
    """deduct_when: did this request try a password (or an account) that was not right?"""
    return request.environ.get(SIGN_IN_FAILED, False)


def _store_key(*parts: str) -> str:
    return "/".join([current_app.config.get("RATELIMIT_KEY_PREFIX", ""), *parts])


def audit_refusal(limit_name: str):
    """on_breach: return a callback that audits a refusal by the named limit."""

    def audit(request_limit) -> None:
        # The limit's own key (prefix, typed account or address, window) marks it audited.
        if limiter.storage.incr(f"audited/{request_limit.key}", AUDIT_EVERY_SECONDS) > 1:
            return
        email = _typed_email()
        readable = email.strip() and len(email) <= 254 and "\x00" not in email
        user = user_by_email(email) if readable else None
        detail = {} if user else {"account": account_hash(email)}
        record("auth.sign_in_limited", target=user, limit=limit_name, **detail)
        db.session.commit()

    return audit


def failure_delay(failures: int) -> float:
    """Seconds to hold the answer to an account's failure number `failures` in the window."""
    config = current_app.config
    extra = failures - config["LOGIN_SLOWDOWN_FREE_FAILURES"]
    if extra <= 0:
        return 0.0
    return min(
        config["LOGIN_SLOWDOWN_MAX_SECONDS"],
        config["LOGIN_SLOWDOWN_FIRST_SECONDS"] * 2 ** (extra - 1),
    )


def count_account_failure(email: str) -> int:
    """Count one more failure for the typed account; the number so far in the window."""
    key = _store_key("login-failures", account_hash(email))
    return limiter.storage.incr(key, current_app.config["LOGIN_SLOWDOWN_MINUTES"] * 60)


def _delay_slots() -> threading.BoundedSemaphore:
    """This process's slots for answering failures late (one set per app)."""
    app = current_app._get_current_object()
    # setdefault is atomic: threads starting together still share one set of slots.
    return app.extensions.setdefault(
        "recruit.sign_in_delay_slots",
        threading.BoundedSemaphore(app.config["LOGIN_SLOWDOWN_CONCURRENT"]),
    )


def slow_down_failures(view):
    """Hold the answer to a failed sign-in by the account's growing delay, if a slot is free."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = view(*args, **kwargs)
        if sign_in_failed(response) and current_app.config["RATELIMIT_ENABLED"]:
            delay = failure_delay(count_account_failure(_typed_email()))
            slots = _delay_slots()
            if delay > 0 and slots.acquire(blocking=False):
                try:
                    sleep(delay)
                finally:
                    slots.release()
        return response

    return wrapper
