"""Two-step verification: who must use it, authenticator codes (TOTP), recovery codes, and
the sign-in that waits for a code."""

import hashlib
import secrets
from datetime import datetime, timedelta

import pyotp
import segno
from flask import current_app, redirect, request, session, url_for
from flask_login import current_user
from pyotp.exceptions import OTPVerificationError
from sqlalchemy import delete, func, or_, select, update

from recruit.admin.models import get_setting
from recruit.audit.models import AuditEntry
from recruit.audit.services import record
from recruit.auth.access import view_is_public
from recruit.auth.models import RecoveryCode, Role, User
from recruit.auth.sessions import current_session
from recruit.database import utcnow
from recruit.extensions import db

REQUIRED_CHOICES = [
    ("nobody", "Nobody: staff may turn it on for themselves"),
    ("admins", "Admins: every admin must use it"),
    ("everyone", "Everyone: all staff must use it"),
]
RECOVERY_CODE_COUNT = 10
# 16 characters from 31 that cannot be mistaken for each other (no 0/o, 1/l/i): 79 random
# bits, far beyond guessing even from a stolen hash, so SHA-256 is hash enough.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_LENGTH = 16
# A code from the step before or after this one still counts: phone clocks drift.
CLOCK_DRIFT_STEPS = 1
# A sign-in waiting for its code lasts this long, and allows this many wrong codes.
PENDING_MINUTES = 5
MAX_WRONG_CODES = 5
PENDING_KEY = "two_step_pending"
# The secret being set up waits in the signed session cookie, not on the user's row: it is
# this browser's alone, and the row gets it only once a code proves the app shows it.
SETUP_KEY = "two_step_setup"
# Pages a user who must still set up two-step verification may open.
ENROLLMENT_ENDPOINTS = frozenset({"auth.two_step_setup", "auth.logout"})


def required_for(user: User) -> bool:
    """Does the office's setting make this user use two-step verification?"""
    setting = get_setting("two_step_required")
    return setting == "everyone" or (setting == "admins" and user.role == Role.ADMIN)


def must_enroll(user: User) -> bool:
    """Must this user set up two-step verification before anything else?"""
    return user.two_step_enabled_at is None and required_for(user)


def demo_office_without_two_step() -> bool:
    """Is this the demo office, with two-step verification still off for everyone?"""
    return bool(get_setting("demo_office")) and get_setting("two_step_required") == "nobody"


# --- authenticator codes ------------------------------------------------------------------


def secret_for_enrollment(user: User) -> str:
    """The secret this browser is setting up for the user, made once and kept in its session
    until confirmed (so reloading the page does not change the QR code they scanned)."""
    setup = session.get(SETUP_KEY)
    if not isinstance(setup, dict) or setup.get("user") != user.id:
        setup = {"user": user.id, "secret": pyotp.random_base32()}
        session[SETUP_KEY] = setup
    return setup["secret"]


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    office = get_setting("office_name").replace(":", " ").strip()
    issuer = f"Recruit ({office})" if office else "Recruit"
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_data_uri(uri: str) -> str:
    """A PNG of the QR code as a data: address (the CSP allows data: images, not scripts)."""
    return segno.make(uri, error="m", micro=False).png_data_uri(scale=5, border=4)


def _time_step(secret: str | None, code: str) -> int | None:
    """The time step at which the app with this secret shows this code, near now; or None."""
    code = "".join(code.split())
    if secret is None or len(code) != 6 or not (code.isascii() and code.isdigit()):
        return None
    try:
        return pyotp.TOTP(secret).verify_and_get_timecode(code, valid_window=CLOCK_DRIFT_STEPS)
    except OTPVerificationError:
        return None


def accept_code(user: User, code: str) -> bool:
    """Is this the user's current authenticator code, never used before? Taking it marks
    its time step used, in one statement, so two requests cannot both spend it."""
    step = _time_step(user.totp_secret, code)
    if step is None:
        return False
    taken = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_counter.is_(None), User.totp_last_counter < step),
        )
        .values(totp_last_counter=step)
    )
    return taken.rowcount == 1


# --- recovery codes -----------------------------------------------------------------------


def _hash_recovery_code(code: str) -> str:
    plain = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(plain.encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace a user's recovery codes with ten new ones; only their hashes are kept."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        plain = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append("-".join(plain[i : i + 4] for i in range(0, RECOVERY_LENGTH, 4)))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash_recovery_code(plain)))
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Is this one of the user's unused recovery codes? Using it spends it, in one
    statement, so two requests cannot both use it."""
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash_recovery_code(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    return used.rowcount == 1


def recovery_codes_left(user: User) -> int:
    """How many of the user's recovery codes are still unused."""
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


# --- turning it on and off ----------------------------------------------------------------


def confirm_enrollment(user: User, code: str) -> list[str] | None:
    """Turn two-step verification on once the user proves their app shows the code of the
    secret this browser is setting up; the user's other sessions end (one may be someone
    who has the password alone). Returns the new recovery codes, or None for a wrong code."""
    secret = secret_for_enrollment(user)
    step = _time_step(secret, code)
    if step is None:
        record("auth.two_step_failed", user=user, target=user, step="enroll")
        return None
    # One statement, so of two browsers confirming at once only the first turns it on.
    turned_on = db.session.execute(
        update(User)
        .where(User.id == user.id, User.two_step_enabled_at.is_(None))
        .values(totp_secret=secret, two_step_enabled_at=utcnow(), totp_last_counter=step)
    )
    if turned_on.rowcount != 1:
        return None
    session.pop(SETUP_KEY, None)
    user.end_sessions(keep=current_session())
    codes = new_recovery_codes(user)
    record("auth.two_step_enrolled", user=user, target=user)
    return codes


def replace_recovery_codes(user: User, code: str) -> list[str] | None:
    """New recovery codes for a user who gives a current code; None for a wrong code."""
    if not accept_code(user, code):
        record("auth.two_step_failed", user=user, target=user, step="recovery_codes")
        return None
    codes = new_recovery_codes(user)
    record("auth.recovery_codes_replaced", user=user, target=user)
    return codes


def _forget(user: User) -> None:
    user.totp_secret = None
    user.two_step_enabled_at = None
    user.totp_last_counter = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def turn_off(user: User, code: str) -> bool:
    """Turn off a user's own two-step verification, given a current code; their other
    sessions end, as they signed in with a code that is no longer asked for."""
    if not accept_code(user, code):
        record("auth.two_step_failed", user=user, target=user, step="turn_off")
        return False
    _forget(user)
    user.end_sessions(keep=current_session())
    record("auth.two_step_disabled", user=user, target=user)
    return True


def reset(user: User, by: User) -> None:
    """An admin clears another user's two-step verification (a lost phone): their sessions
    end, and they set it up again at their next sign-in if the office requires it."""
    _forget(user)
    user.end_sessions()
    record("auth.two_step_reset", user=by, target=user)


# --- the sign-in that waits for a code ----------------------------------------------------


def begin_sign_in(user: User, remember: bool, next_url: str | None) -> None:
    """Remember a sign-in whose password was right, until its code comes."""
    session[PENDING_KEY] = {
        "user": user.id,
        "password": _password_stamp(user),
        "remember": bool(remember),
        "next": next_url,
        "at": utcnow().isoformat(),
    }


def _password_stamp(user: User) -> str:
    """A short fingerprint of the user's password hash: a password changed while the code
    is awaited ends the wait."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def pending_sign_in() -> tuple[User, dict] | None:
    """The user whose sign-in waits for a code, and its details; None if there is none
    or it has expired."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    number = pending.get("user")
    user = db.session.get(User, number) if isinstance(number, int) else None
    started = datetime.fromisoformat(pending["at"])
    if (
        user is None
        or not user.active
        or _password_stamp(user) != pending.get("password")
        or user.two_step_enabled_at is None
        or utcnow() - started > timedelta(minutes=PENDING_MINUTES)
    ):
        session.pop(PENDING_KEY, None)
        return None
    return user, pending


def _audited_since(user: User, action: str, since: datetime) -> int:
    """How many audit entries of this action the user has since a time: one SQL count that
    the indexes on (action, created_at) and on user_id keep to a few rows."""
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.action == action,
            AuditEntry.user_id == user.id,
            AuditEntry.created_at >= since,
        )
    )


def wrong_codes_since(user: User, started: datetime) -> int:
    """How many wrong codes were given for this user since a sign-in began; counted from
    the audit log on the server, so replaying an older session cookie does not reset it."""
    return _audited_since(user, "auth.two_step_failed", started)


def too_many_wrong_codes(user: User) -> bool:
    """Has this account had too many wrong codes lately, from any sign-in or device? A
    fresh password starts a fresh sign-in, so the limit per sign-in alone would not stop
    someone who has the password from guessing codes all day."""
    config = current_app.config
    window_start = utcnow() - timedelta(minutes=config["TWO_STEP_WINDOW_MINUTES"])
    wrong = _audited_since(user, "auth.two_step_failed", window_start)
    if wrong < config["TWO_STEP_MAX_WRONG_CODES"]:
        return False
    # Audited once a window, not for every refused request.
    if not _audited_since(user, "auth.two_step_throttled", window_start):
        record("auth.two_step_throttled", user=user, target=user)
    return True


def check_sign_in_code(user: User, pending: dict, code: str, recovery: bool) -> str:
    """Check the code of a waiting sign-in: "ok", "wrong", "locked" after too many wrong
    codes in this sign-in, or "throttled" after too many for the account lately (the
    sign-in is then abandoned, and the code not checked)."""
    tries = wrong_codes_since(user, datetime.fromisoformat(pending["at"]))
    if tries >= MAX_WRONG_CODES:  # an older copy of the session cookie came back
        session.pop(PENDING_KEY, None)
        return "locked"
    if too_many_wrong_codes(user):
        session.pop(PENDING_KEY, None)
        return "throttled"
    accepted = use_recovery_code(user, code) if recovery else accept_code(user, code)
    method = "recovery_code" if recovery else "authenticator"
    if accepted:
        session.pop(PENDING_KEY, None)
        record("auth.two_step_passed", user=user, target=user, method=method)
        return "ok"
    record("auth.two_step_failed", user=user, target=user, step="sign_in", method=method)
    if tries + 1 >= MAX_WRONG_CODES:
        session.pop(PENDING_KEY, None)
        record("auth.two_step_locked", user=user, target=user)
        return "locked"
    return "wrong"


def enforce_enrollment():
    """before_request: a signed-in user whom the office requires to use two-step
    verification, and who has not set it up, can open nothing else until they do."""
    if not current_user.is_authenticated or view_is_public():
        return None
    if request.endpoint in ENROLLMENT_ENDPOINTS or not must_enroll(current_user):
        return None
    return redirect(url_for("auth.two_step_setup"))
