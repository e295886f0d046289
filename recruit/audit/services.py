"""Writing audit entries."""

from flask import has_request_context, request

from recruit.audit.models import AuditEntry
from recruit.extensions import db


def record(action: str, user=None, target=None, **detail) -> AuditEntry:
    """Add an audit entry for an action; the caller's transaction commits it."""
    entry = AuditEntry(
        action=action,
        user_id=getattr(user, "id", None),
        target_type=type(target).__name__ if target is not None else None,
        target_id=getattr(target, "id", None),
        remote_addr=request.remote_addr if has_request_context() else None,
        detail=detail,
    )
    db.session.add(entry)
    return entry
