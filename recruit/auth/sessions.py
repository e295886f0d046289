"""Staff sessions kept on the server: starting one at sign-in, checking it on every
request, listing a user's sessions and ending them."""

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta
from functools import cache

from flask import current_app, g, request
from sqlalchemy import and_, bindparam, delete, or_, select, update
from sqlalchemy.orm import joinedload

from recruit.audit.services import record
from recruit.auth.models import StaffSession, User
from recruit.database import write_alone
from recruit.extensions import db

# last_seen_at is written at most this often, not on every request.
TOUCH_INTERVAL = timedelta(minutes=1)

# (pattern in the User-Agent, name shown), first match wins: Edge and Opera say "Chrome"
# too, Chrome says "Safari", and iPads and Android phones name the system they build on.
_BROWSERS = [
    (r"Edg(e|A|iOS)?/", "Edge"),
    (r"OPR/|Opera", "Opera"),
    (r"Firefox/|FxiOS/", "Firefox"),
    (r"Chrome/|CriOS/", "Chrome"),
    (r"Safari/", "Safari"),
]
_SYSTEMS = [
    (r"iPhone|iPad|iPod", "iOS"),
    (r"Android", "Android"),
    (r"Windows", "Windows"),
    (r"CrOS", "ChromeOS"),
    (r"Macintosh|Mac OS X", "macOS"),
    (r"Linux", "Linux"),
]


def wall_clock() -> datetime:
    """The wall clock in UTC, without tzinfo, as sessions' times are stored.

    Not recruit.database.utcnow(): tests freeze that clock and move it days on to age the
    office's records, which would end every staff session under them. Session tests move
    the rows' times instead.
    """
    return datetime.now(UTC).replace(tzinfo=None)


def describe_device(user_agent: str) -> str:
    """A short plain name for the browser and system a User-Agent names: "Chrome on Windows"."""
    browser = next((name for pattern, name in _BROWSERS if re.search(pattern, user_agent)), None)
    system = next((name for pattern, name in _SYSTEMS if re.search(pattern, user_agent)), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown device"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def limits(remember: bool) -> tuple[timedelta, timedelta]:
    """How long a session may sit idle, and live in all, with or without remember-me."""
    config = current_app.config
    if remember:
        # The user asked to stay signed in on this device: the remember period rules idling,
        # and a fresh password is still asked for after REMEMBER_ABSOLUTE_DAYS.
        return config["REMEMBER_COOKIE_DURATION"], timedelta(days=config["REMEMBER_ABSOLUTE_DAYS"])
    return (
        timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
        timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]),
    )


def is_expired(staff_session: StaffSession, now: datetime) -> bool:
    """Has this session been idle too long, or lived past its absolute lifetime?"""
    idle, absolute = limits(staff_session.remember)
    return now - staff_session.last_seen_at > idle or now - staff_session.signed_in_at > absolute


def _expired_rows(now: datetime):
    """A condition for the rows past either of their limits."""
    conditions = []
    for remember in (True, False):
        idle, absolute = limits(remember)
        conditions.append(
            and_(
                StaffSession.remember.is_(remember),
                or_(
                    StaffSession.last_seen_at < now - idle,
                    StaffSession.signed_in_at < now - absolute,
                ),
            )
        )
    return or_(*conditions)


def start_session(user: User, remember: bool) -> StaffSession:
    """Record a new sign-in of user from this request's device; user.get_id() names it.

    Every expired session goes at the same time, so rows do not pile up, not even for
    someone who never signs in again (there are a few rows per staff member at most).
    """
    now = wall_clock()
    db.session.execute(delete(StaffSession).where(_expired_rows(now)))
    token = secrets.token_urlsafe(32)
    staff_session = StaffSession(
        user=user,
        token_hash=_hash(token),
        signed_in_at=now,
        last_seen_at=now,
        remember=remember,
        device=describe_device(request.user_agent.string)[:60],
        address=(request.remote_addr or "")[:64],
    )
    db.session.add(staff_session)
    db.session.flush()
    user.session_key = f"{user.id}:{token}"
    g.staff_session = staff_session
    return staff_session


def load_session(session_key: str) -> StaffSession | None:
    """The live row a session or remember cookie names, with its user, or None.

    Time limits are checked by the caller (check_current_session), which may end the row.
    """
    number, _, token = session_key.partition(":")
    if not number.isdigit() or not token:
        return None
    staff_session = db.session.scalar(_by_token(), {"token_hash": _hash(token)})
    if staff_session is None or staff_session.user_id != int(number):
        return None
    if not staff_session.user.active:
        return None
    staff_session.user.session_key = session_key
    return staff_session


@cache
def _by_token():
    """The session row, with its user, for a token's hash: built once, sent by every
    signed-in request."""
    return (
        select(StaffSession)
        .options(joinedload(StaffSession.user))
        .where(StaffSession.token_hash == bindparam("token_hash"))
    )


def current_session() -> StaffSession | None:
    """The session row of the signed-in user making this request."""
    return g.get("staff_session")


def check_current_session() -> bool:
    """Is this request's session still within its limits? Ends it if not; notes activity."""
    staff_session = current_session()
    if staff_session is None:
        return False
    now = wall_clock()
    if is_expired(staff_session, now):
        _write_alone(delete(StaffSession).where(StaffSession.id == staff_session.id))
        return False
    if now - staff_session.last_seen_at >= TOUCH_INTERVAL:
        _write_alone(
            update(StaffSession).where(StaffSession.id == staff_session.id).values(last_seen_at=now)
        )
    return True


def _write_alone(statement) -> None:
    """Run a session's bookkeeping write on its own, best effort: a stale "last active" or
    an expired row left for the next sign-in's sweep costs nothing, a server error would."""
    write_alone(lambda: db.session.execute(statement), best_effort=True)


def sessions_of(user: User) -> list[StaffSession]:
    """A user's live sessions, the most recently used first."""
    return db.session.scalars(
        select(StaffSession)
        .where(StaffSession.user_id == user.id, ~_expired_rows(wall_clock()))
        .order_by(StaffSession.last_seen_at.desc(), StaffSession.id.desc())
    ).all()


def sign_out(staff_session: StaffSession) -> None:
    """End the session its own user signs out of; their other devices stay signed in."""
    record("auth.sign_out", user=staff_session.user, target=staff_session.user)
    db.session.delete(staff_session)


def end_session(staff_session: StaffSession, by: User) -> None:
    """End one session: its device is asked to sign in again on its next request."""
    record("auth.session_end", user=by, target=staff_session.user, session=staff_session.id)
    db.session.delete(staff_session)


def sign_out_everywhere(user: User, by: User, keep: StaffSession | None = None) -> None:
    """End every session of user's (but keep, the one asking, when they sign out elsewhere)."""
    user.end_sessions(keep=keep)
    record("auth.sign_out_everywhere", user=by, target=user, others_only=keep is not None)
