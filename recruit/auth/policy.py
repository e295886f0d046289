"""Who may do what: one table of actions and the roles allowed each, read by the route
decorators, the navigation and the templates alike."""

from recruit.auth.models import Role

EVERYONE = frozenset(Role)
HR_STAFF = frozenset({Role.ADMIN, Role.HR})
OUTREACH_STAFF = frozenset({Role.ADMIN, Role.OUTREACH})
ADMINS = frozenset({Role.ADMIN})

# Grouped as the rows of the Roles table in README.md; tests/test_policy.py holds them equal.
POLICY: dict[str, frozenset[Role]] = {
    # Board, candidate list and pages, events, universities, placements, reports
    "view_pipeline": EVERYONE,
    # Add and edit candidates, add notes, log interactions
    "edit_candidates": EVERYONE,
    "log_interactions": EVERYONE,
    # Move candidates between stages, bulk actions, candidate CSV export, merge
    "move_candidates": HR_STAFF,
    # Move, tag or export the candidates ticked in a list: the lists show their selection
    # boxes and bulk bar only to these roles, and the bulk action refuses everyone else.
    "bulk_candidates": HR_STAFF,
    "export_candidates": HR_STAFF,
    "merge_candidates": HR_STAFF,
    # Accept or dismiss the updates the public form sent for a known email
    "review_updates": HR_STAFF,
    # Plan and edit events, move them on the events board, log visits, add and import
    # leads; edit universities and contacts
    "manage_events": OUTREACH_STAFF,
    "manage_universities": OUTREACH_STAFF,
    # Positions, placements, evaluation links, outcomes
    "manage_placements": HR_STAFF,
    # Schedule, move and cancel interviews
    "schedule_interviews": HR_STAFF,
    # Write to a candidate; untick a stage's message when moving
    "message_candidates": HR_STAFF,
    # Follow up with an event's leads; see the outbox and send a message again
    "follow_up_leads": EVERYONE,
    "use_outbox": EVERYONE,
    # Staff accounts, stages, message templates and stage messages, evaluation questions,
    # settings, privacy export and erasure, audit log
    "administer": ADMINS,
    # Answer for the whole office's follow-ups (the home page counts everyone's, not one's
    # own)
    "oversee_follow_ups": ADMINS,
}


def can(user, action: str, obj=None) -> bool:
    """May this user do this action (to obj, for rules about one record)? Unknown actions
    raise KeyError, so a misspelt name fails loudly instead of refusing quietly."""
    allowed = POLICY[action]
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.role in allowed
