"""The kanban board shared by candidates and events: one way to move a card, one rule
for stale moves, one answer to the board's script."""

from datetime import datetime

from flask import flash, jsonify, redirect, request
from sqlalchemy import update

from recruit.database import utcnow
from recruit.extensions import db


def time_ago(moment: datetime) -> str:
    """'just now', '2 minutes ago', '3 hours ago', '4 days ago'."""
    seconds = max(0, int((utcnow() - moment).total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"


def compare_and_set(model, row_id: int, expected_version: int, **values) -> bool:
    """Update a row only if it still has the version the mover saw; bump the version.

    One statement, so two people moving the same card at once cannot both win, on
    SQLite and PostgreSQL alike. False means someone else changed it first.
    """
    result = db.session.execute(
        update(model)
        .where(model.id == row_id, model.version == expected_version)
        .values(version=model.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def wants_json() -> bool:
    """Did the board's script ask (rather than a plain form post)?"""
    return request.accept_mimetypes.best == "application/json"


def move_answer(message: str, status: int, back: str, column, version: int):
    """Answer a move: JSON for the script (409 when stale), else flash and redirect."""
    if wants_json():
        return jsonify(ok=status == 200, message=message, stage_id=column, version=version), status
    flash(message, "success" if status == 200 else "error")
    return redirect(back, 303)
