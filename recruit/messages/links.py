"""Links that messages carry, made on the office's public address when the worker sends:
private links (evaluations, a student's own page) are derived from a secret, so they are
never stored."""

import base64
import hashlib
import hmac
import logging
import re

from flask import current_app

from recruit.database import utcnow
from recruit.extensions import db
from recruit.messages.models import LinkKind, OutboxMessage


class LinkGone(Exception):
    """The link a queued message was to carry no longer works (revoked, used, expired)."""


def public_url(endpoint: str, **values) -> str:
    """An address on RECRUIT_PUBLIC_BASE_URL, buildable outside a request (the worker)."""
    path = current_app.url_map.bind("").build(endpoint, values)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def derived_token(purpose: str, row_id: int, nonce: str) -> str:
    """A link token only this office can make: an HMAC of the row and its random nonce
    under the secret key. The database keeps the nonce and the token's hash, never the
    token, so a copy of the database opens no link."""
    digest = hmac.new(
        current_app.config["SECRET_KEY"].encode(),
        f"{purpose}:{row_id}:{nonce}".encode(),
        hashlib.sha256,
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def reveal(message: OutboxMessage) -> str:
    """The private link a message carries, made at send time."""
    if message.link_kind == LinkKind.EVALUATION:
        from recruit.placements.evaluation_links import evaluation_token, link_for, request_state
        from recruit.placements.models import EvaluationRequest

        request = db.session.get(EvaluationRequest, message.link_ref)
        if request is None or request_state(request, utcnow()) not in ("open", "scheduled"):
            raise LinkGone("The evaluation link was revoked, used or expired before sending.")
        return link_for(evaluation_token(request))
    if message.link_kind == LinkKind.STATUS:
        from recruit.students.services import current_link, status_url

        # The newest working link of the student the message is about. A newer link (the
        # student asked for one) retires the one the message was queued with: carry the
        # newer one rather than withdraw the message. Never the queued link's own row by
        # its id: a merge moves the message to the record kept and deletes the links of
        # the one merged away, whose id SQLite may hand to another student's next link.
        candidate = message.candidate
        link = current_link(candidate) if candidate is not None else None
        if link is None:
            raise LinkGone(
                "The link to the student's page expired before sending, or their record was erased."
            )
        return status_url(link)
    if message.link_kind == LinkKind.INTERVIEW:
        from recruit.interviews import services as interviews
        from recruit.interviews.models import Interview, InterviewState

        interview = db.session.get(Interview, message.link_ref)
        token = interviews.candidate_token(interview) if interview is not None else ""
        if interviews.open_link(token) is None or interview.state == InterviewState.CANCELLED:
            raise LinkGone("The interview was cancelled, or the candidate's record erased.")
        return public_url("interview_link.page", token=token, lang=interview.candidate.language)
    if message.link_kind == LinkKind.SCORECARD:
        from recruit.interviews.scorecards import reveal_scorecard_link

        return reveal_scorecard_link(message.link_ref)
    raise LinkGone("This message's link is of a kind Recruit no longer makes.")


def stop_link(candidate_id: int, language: str | None = None) -> str:
    """The one-click stop-emails link for a candidate, its page in their language."""
    from recruit.messages.services import stop_token

    return public_url("stop_emails.stop", token=stop_token(candidate_id), lang=language)


# --- pages opened by a private link ---------------------------------------------------------

# Access logs name every path requested: the development server's and gunicorn's.
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")
_PRIVATE_PATHS: dict[str, re.Pattern] = {}


class HidePrivateLinks(logging.Filter):
    """Replace the token of any private link in a log line, so logs never hold one."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = message
        for prefix, pattern in _PRIVATE_PATHS.items():
            if prefix in hidden:
                hidden = pattern.sub(f"{prefix}[link]", hidden)
        if hidden != message:
            record.msg, record.args = hidden, ()
        return True


def hide_in_access_logs(*prefixes: str) -> None:
    """Mask the token after each of these paths ("/feedback/") in the access logs."""
    for prefix in prefixes:
        _PRIVATE_PATHS[prefix] = re.compile(re.escape(prefix) + r"[A-Za-z0-9_-]{8,}")
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, HidePrivateLinks) for f in logger.filters):
            logger.addFilter(HidePrivateLinks())


def keep_private(response):
    """A page whose address holds a token: never send it on as a referrer, never cache it."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def private_link_pages(blueprint, prefix: str) -> None:
    """Every page of this blueprint is opened by a private link after prefix: its token is
    masked in access logs, and the pages are neither cached nor sent on as referrers."""
    blueprint.record_once(lambda _state: hide_in_access_logs(prefix))
    blueprint.after_request(keep_private)
