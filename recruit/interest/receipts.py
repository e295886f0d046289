"""Sign-ups that arrive more than once or late: start tokens, idempotency keys and sends
kept on a device while the network was down.

Every form that makes a candidate (the public interest form and the staff's quick-add at
a booth) carries a key its page made. The server keeps the key with what it saved, in the
same transaction, so a retry, a double tap or a queued send whose answer was lost makes
nothing twice. The public form also carries a start token, signed by Recruit when it showed
the form: it says when, and it saves one submission only.
"""

import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from recruit.database import utcnow
from recruit.extensions import db
from recruit.interest.models import FormReceipt

# A send kept on a device says so in this header, with the time (milliseconds since the
# epoch) it was filled in. A page on another site cannot set a header on a request to
# Recruit without a CORS answer Recruit never gives, so the header also stands for the
# CSRF token that a page left open for days may have outlived.
QUEUED_HEADER = "X-Recruit-Queued"

_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="interest-form-start")


@dataclass(frozen=True)
class Start:
    """When Recruit showed a form, and the nonce that lets it save once."""

    nonce: str
    shown_at: float  # seconds since the epoch

    @property
    def seconds_ago(self) -> float:
        return time.time() - self.shown_at


def start_token() -> str:
    """A signed note of when a form was shown, good for one submission."""
    return _serializer().dumps([secrets.token_hex(12), round(time.time() * 1000)])


def read_start(token: str | None) -> Start | None:
    """The start a token stands for; None when it is missing, forged, from the future or
    older than a queued send may be (START_TOKEN_DAYS)."""
    try:
        nonce, shown_ms = _serializer().loads(token or "")
    except (BadSignature, TypeError, ValueError):
        return None
    if not isinstance(nonce, str) or not isinstance(shown_ms, int):
        return None
    start = Start(nonce, shown_ms / 1000)
    max_age = current_app.config["START_TOKEN_DAYS"] * 86400
    if not -60 <= start.seconds_ago <= max_age:
        return None
    return start


# What earlier sends left of a submission (earlier_send()).
RECEIVED = "received"  # a submission with its key was saved
START_USED = "start used"  # the form's start token saved another submission


def earlier_send(key: str | None, start: Start | None) -> str | None:
    """RECEIVED when a submission with this key was saved before, else START_USED when a
    form shown with this start token has already saved one, else None; in one read."""
    wanted = []
    if key is not None:
        wanted.append(FormReceipt.key == key)
    if start is not None:
        wanted.append(FormReceipt.start_nonce == start.nonce)
    if not wanted:
        return None
    keys = set(db.session.scalars(select(FormReceipt.key).where(or_(*wanted))))
    if key in keys:
        return RECEIVED
    return START_USED if keys else None


def submission_key(raw: str | None) -> str | None:
    """The key a page made for its submission, if it is one."""
    raw = (raw or "").strip()
    return raw if _KEY.fullmatch(raw) else None


def new_key() -> str:
    """A key for a page without JavaScript, which cannot make its own."""
    return secrets.token_urlsafe(18)


def claim(key: str | None, start: Start | None = None) -> bool:
    """Note in the current transaction that this submission is being saved, before any of
    it is: False when the key (or the start token) is already taken, by an earlier send or
    by one being saved at this moment, and then nothing of this one may be saved: the
    transaction is rolled back.

    The row is written first on purpose: on PostgreSQL a second send with the same key
    waits on the unique index until the first commits, and is then refused. Being the
    transaction's first write, it needs no savepoint of its own (two statements on every
    sign-up): a refusal has nothing else to undo."""
    if key is None and start is None:
        return True
    db.session.add(FormReceipt(key=key or new_key(), start_nonce=start.nonce if start else None))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def keep_candidate(key: str | None, candidate_id: int) -> None:
    """Note which candidate a claimed submission made or reached."""
    if key is not None:
        # One UPDATE: the receipt claim() wrote is no longer held by the session, and
        # reading it back only to change one column cost a SELECT and a flush.
        db.session.execute(
            update(FormReceipt).where(FormReceipt.key == key).values(candidate_id=candidate_id)
        )


def prune() -> int:
    """Forget receipts no queued send can still need (twice the time one may arrive); the
    delivery worker does, once an hour. Returns how many."""
    cutoff = utcnow() - timedelta(days=2 * current_app.config["START_TOKEN_DAYS"])
    return db.session.execute(delete(FormReceipt).where(FormReceipt.received_at < cutoff)).rowcount


def is_queued() -> bool:
    """Whether this request is a send kept on a device (or made by a page's script)."""
    return QUEUED_HEADER in request.headers


def filled_at(earliest: float | None = None) -> datetime:
    """When the submission was filled in: the time a queued send says, kept between the
    time its form was shown and now, since a device's clock may be wrong; now otherwise."""
    now = time.time()
    claimed = now
    if is_queued():
        try:
            claimed = int(request.headers[QUEUED_HEADER]) / 1000
        except ValueError:
            claimed = now
    low = earliest if earliest is not None else now - current_app.config["START_TOKEN_DAYS"] * 86400
    seconds = min(max(claimed, low), now)
    return utcnow() - timedelta(seconds=now - seconds)
