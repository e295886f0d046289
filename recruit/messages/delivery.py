"""The delivery worker: claims due messages from the outbox, sends them by SMTP outside any
database transaction, and records what happened. At least once: a worker that dies
mid-send leaves its claim to run out, and the message is tried again with the same
Message-ID. Several workers may run on PostgreSQL (claims skip each other's locked rows);
on SQLite run one."""

import logging
import smtplib
import socket
import time
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from recruit.admin.models import get_setting
from recruit.database import utcnow, write_alone
from recruit.events import imports
from recruit.extensions import db
from recruit.interest import receipts
from recruit.messages import links
from recruit.messages.models import DeliveryState, OutboxMessage
from recruit.messages.services import PRIVATE_LINK_MASK, STOP_LINK_MASK

log = logging.getLogger(__name__)

# Minutes to wait before each retry after a temporary failure; after the last, give up.
RETRY_MINUTES = (1, 5, 15, 60, 180)
# How often the worker forgets the interest form's old receipts (see _forget_receipts).
RECEIPTS_EVERY_SECONDS = 3600


@dataclass
class Round:
    """What one pass of the worker did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    cancelled: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed + self.cancelled


class TemporaryFailure(Exception):
    """The server or the network may accept the message later."""


class PermanentFailure(Exception):
    """The server refused the message for good (a 5xx answer)."""


def mail_on() -> bool:
    """Is a mail server set? With none, messages wait in the outbox."""
    return bool(current_app.config.get("MAIL_SERVER"))


def claim(limit: int) -> list[int]:
    """Take up to limit due messages for this worker, in one short transaction."""
    now = utcnow()
    lease = timedelta(seconds=current_app.config["MAIL_CLAIM_SECONDS"])
    due = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.state == DeliveryState.QUEUED,
            OutboxMessage.due_at <= now,
            (OutboxMessage.claimed_until.is_(None)) | (OutboxMessage.claimed_until < now),
        )
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .limit(limit)
        # PostgreSQL: two workers never claim the same row; SQLite ignores it (one
        # writer at a time, and the whole claim is one statement).
        .with_for_update(skip_locked=True)
    )
    claiming = (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due))
        .values(claimed_until=now + lease)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    # Taking the write lock (on SQLite, the writers' turn) first, as the public form's
    # requests do, so that the worker's turn comes while students are sending forms.
    return sorted(write_alone(lambda: list(db.session.scalars(claiming))))


def deliver_due(limit: int = 20) -> Round:
    """Send what is due now; each message's outcome is committed on its own."""
    result = Round()
    if not mail_on():
        return result
    ids = claim(limit)
    if not ids:
        return result
    messages = list(
        db.session.scalars(
            select(OutboxMessage)
            .options(selectinload(OutboxMessage.candidate))  # their language, for links
            .where(OutboxMessage.id.in_(ids))
        )
    )
    envelopes = {}
    withdrawn, unbuildable = [], []
    for message in messages:
        try:
            envelopes[message.id] = envelope(message)
        except links.LinkGone as gone:
            withdrawn.append((message.id, str(gone)))
        except (ValueError, LookupError) as error:
            # One message that cannot be made into an email (a header it cannot carry)
            # fails alone; the rest of the round goes out.
            log.exception("Message %s could not be built", message.id)
            unbuildable.append(
                (message.id, message.attempts, f"Recruit could not build this email: {error}")
            )
    # Plain values only from here: touching a row after the commit would open a
    # transaction (on SQLite, a read snapshot) for the whole SMTP conversation.
    pending = [(m.id, m.attempts, envelopes[m.id]) for m in messages if m.id in envelopes]
    # Nothing is held open while the mail server answers (or does not).
    db.session.commit()
    for message_id, why in withdrawn:
        _record(message_id, state=DeliveryState.CANCELLED, claimed_until=None, last_error=why)
        result.cancelled += 1
    for message_id, attempts, why in unbuildable:
        _give_up(message_id, attempts, why, result)
    smtp = None
    server_down = ""
    try:
        for message_id, attempts, email in pending:
            if server_down:
                # The server did not take a connection just now: the rest of the round
                # waits too, rather than each message waiting out its own time-out.
                _retry_later(message_id, attempts, server_down, result)
                continue
            try:
                if smtp is None:
                    try:
                        smtp = _connect()
                    except TemporaryFailure as error:
                        server_down = str(error)
                        raise
                smtp.send_message(email)
            except PermanentFailure as error:
                _give_up(message_id, attempts, str(error), result)
            except TemporaryFailure as error:
                _retry_later(message_id, attempts, str(error), result)
                smtp = _drop(smtp)
            except smtplib.SMTPResponseException as error:
                text = _describe(error)
                if 500 <= error.smtp_code < 600:
                    _give_up(message_id, attempts, text, result)
                else:
                    _retry_later(message_id, attempts, text, result)
                    smtp = _drop(smtp)
            except smtplib.SMTPRecipientsRefused as error:
                # One address per message; a 4xx to it (greylisting, a full mailbox) is
                # worth another try, like any other 4xx.
                if 400 <= _refusal(error)[0] < 500:
                    _retry_later(message_id, attempts, _describe(error), result)
                else:
                    _give_up(message_id, attempts, _describe(error), result)
            except (OSError, smtplib.SMTPException) as error:
                _retry_later(message_id, attempts, _describe(error), result)
                smtp = _drop(smtp)
            else:
                _record(
                    message_id,
                    state=DeliveryState.SENT,
                    sent_at=utcnow(),
                    attempts=attempts + 1,
                    claimed_until=None,
                    last_error="",
                )
                result.sent += 1
    finally:
        _drop(smtp)
    return result


def envelope(message: OutboxMessage) -> EmailMessage:
    """The email itself, with its private links made now (never stored)."""
    config = current_app.config
    body = message.body
    if PRIVATE_LINK_MASK in body:
        body = body.replace(PRIVATE_LINK_MASK, links.reveal(message))
    email = EmailMessage()
    email["From"] = config["MAIL_SENDER"]
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = message.message_id
    # Replies reach the office's people, not the sending robot's address.
    email["Reply-To"] = get_setting("office_email")
    if message.candidate_id is not None:
        stop = links.stop_link(message.candidate_id, message.candidate.language)
        body = body.replace(STOP_LINK_MASK, stop)
        # One click from the mail client's own button (RFC 8058).
        email["List-Unsubscribe"] = f"<{stop}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(body)
    if message.calendar:
        # An invitation calendars show with Accept and Decline (or a cancellation).
        method = "CANCEL" if "METHOD:CANCEL" in message.calendar else "REQUEST"
        email.add_attachment(
            message.calendar.encode(),
            maintype="text",
            subtype="calendar",
            filename="cancel.ics" if method == "CANCEL" else "invite.ics",
            params={"method": method, "charset": "utf-8"},
        )
    return email


def _connect() -> smtplib.SMTP:
    config = current_app.config
    try:
        smtp = smtplib.SMTP(
            config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT_SECONDS"]
        )
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except smtplib.SMTPResponseException as error:
        if 500 <= error.smtp_code < 600 and error.smtp_code != 554:
            raise PermanentFailure(_describe(error)) from error
        raise TemporaryFailure(_describe(error)) from error
    except (OSError, smtplib.SMTPException) as error:
        raise TemporaryFailure(_describe(error)) from error
    return smtp


def _drop(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return None


def _describe(error: Exception) -> str:
    """A failure in words staff can act on; never the message's content."""
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        return f"The mail server answered {error.smtp_code}: {text}"[:300]
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = _refusal(error)
        return _describe(smtplib.SMTPResponseException(code, text))
    # smtplib reports a reply that never came as a disconnection caused by the time-out.
    if isinstance(error, (TimeoutError, socket.timeout)) or isinstance(
        error.__context__, (TimeoutError, socket.timeout)
    ):
        return "The mail server did not answer in time."
    if isinstance(error, ConnectionRefusedError):
        return "The mail server refused the connection."
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "The mail server closed the connection."
    return (str(error) or type(error).__name__)[:300]


def _refusal(error: smtplib.SMTPRecipientsRefused) -> tuple[int, bytes | str]:
    """The server's answer to the (one) refused address."""
    return next(iter(error.recipients.values()), (550, "The mail server refused the address."))


def _record(message_id: int, **values) -> None:
    """Write a message's outcome in one statement and commit it. No read comes first: on
    SQLite a read would take a snapshot that another writer's commit makes too old to
    write from ("database is locked")."""
    outcome = (
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    write_alone(lambda: db.session.execute(outcome))


def _retry_later(message_id: int, attempts: int, why: str, result: Round) -> None:
    attempts += 1
    if attempts > len(RETRY_MINUTES):
        _record(
            message_id,
            state=DeliveryState.FAILED,
            attempts=attempts,
            claimed_until=None,
            last_error=why[:300],
        )
        result.failed += 1
        log.warning("Message %s failed after %s tries", message_id, attempts)
        return
    _record(
        message_id,
        attempts=attempts,
        claimed_until=None,
        last_error=why[:300],
        due_at=utcnow() + timedelta(minutes=RETRY_MINUTES[attempts - 1]),
    )
    result.retrying += 1
    # Name the message by its row, never its recipient or content.
    log.info("Message %s will be tried again: %s", message_id, why)


def _give_up(message_id: int, attempts: int, why: str, result: Round) -> None:
    _record(
        message_id,
        state=DeliveryState.FAILED,
        attempts=attempts + 1,
        claimed_until=None,
        last_error=why[:300],
    )
    result.failed += 1
    log.warning("Message %s failed: %s", message_id, why)


def run_forever(poll_seconds: float, once: bool = False) -> None:
    """Deliver until stopped (Ctrl-C or SIGTERM); once=True sends what is due and returns."""
    said_off = False
    receipts_due = 0.0
    while True:
        if not mail_on() and not said_off:
            log.info("Mail is off (no RECRUIT_MAIL_SERVER): messages wait in the outbox.")
            said_off = True
        try:
            result = deliver_due()
        except Exception:
            # A database hiccup must not end the worker: roll back and try again later.
            db.session.rollback()
            log.exception("Delivery round failed; trying again shortly")
            result = Round()
        finally:
            db.session.remove()
        # The one process that runs around the clock also clears abandoned import
        # previews (attendees' personal data) once their life is over.
        try:
            imports.sweep()
        except OSError:
            log.exception("Sweeping old import previews failed; trying again next round")
        if time.monotonic() >= receipts_due:
            _forget_receipts()
            receipts_due = time.monotonic() + RECEIPTS_EVERY_SECONDS
        if result.handled:
            log.info(
                "Delivered %s, retrying %s, failed %s, withdrawn %s",
                result.sent,
                result.retrying,
                result.failed,
                result.cancelled,
            )
        if once and not result.handled:
            return
        if not result.handled:
            time.sleep(poll_seconds)


def _forget_receipts() -> None:
    """Forget the interest form's receipts that no send kept on a device can still need:
    once an hour here rather than on every sign-up, in a write of its own that gives way
    to the forms when SQLite's lock is taken (the next hour tries again)."""
    try:
        write_alone(receipts.prune, best_effort=True)
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("Forgetting old form receipts failed; trying again in an hour")
    finally:
        db.session.remove()
