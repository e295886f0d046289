"""Factories the internship tests share: positions, placements, items and private links."""

import itertools
from datetime import timedelta

from recruit.auth.models import User
from recruit.database import utcnow
from recruit.extensions import db
from recruit.placements.evaluation_links import issue_request
from recruit.placements.models import (
    EvaluationKind,
    FundingSource,
    Placement,
    Position,
    PositionStatus,
)
from recruit.placements.placements import halfway
from recruit.placements.questionnaires import create_standard_evaluation_items

_sequence = itertools.count(1)


def new_position(**fields) -> Position:
    """A committed position, open unless told otherwise."""
    n = next(_sequence)
    today = utcnow().date()
    values = {
        "title": f"Procurement Intern {n}",
        "agency": "Department of General Services",
        "division": "Procurement Division",
        "supervisor_name": "Renee Caldwell",
        "supervisor_email": "renee.caldwell@dgs.state.example",
        "term": "Summer 2027",
        "starts_on": today - timedelta(days=30),
        "ends_on": today + timedelta(days=50),
        "hours_per_week": 20,
        "funding_source": FundingSource.AGENCY,
        "openings": 2,
        "status": PositionStatus.OPEN,
    }
    position = Position(**{**values, **fields})
    db.session.add(position)
    db.session.commit()
    return position


def new_placement(candidate, position=None, **fields) -> Placement:
    """A committed placement of a candidate, in a new open position unless given one."""
    position = position or new_position()
    starts_on = fields.pop("starts_on", position.starts_on)
    ends_on = fields.pop("ends_on", position.ends_on)
    placement = Placement(
        candidate=candidate,
        position=position,
        supervisor_name=position.supervisor_name,
        supervisor_email=position.supervisor_email,
        starts_on=starts_on,
        ends_on=ends_on,
        midterm_due_on=fields.pop("midterm_due_on", halfway(starts_on, ends_on)),
        final_due_on=fields.pop("final_due_on", ends_on),
        **fields,
    )
    db.session.add(placement)
    db.session.commit()
    return placement


def new_link(placement, user: User, kind=EvaluationKind.SUPERVISOR_MIDTERM) -> tuple:
    """A committed private link for a placement; returns (request, token)."""
    request, token = issue_request(
        placement, kind, placement.supervisor_name, placement.supervisor_email, user
    )
    db.session.commit()
    return request, token


def standard_items():
    """The standard questionnaire items, committed."""
    items = create_standard_evaluation_items()
    db.session.commit()
    return items
