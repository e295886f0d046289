"""Imports every model so that metadata, migrations and the shell see the whole schema."""

from recruit.admin.models import ChangeClock, Setting
from recruit.audit.models import AuditEntry
from recruit.auth.models import RecoveryCode, StaffSession, User
from recruit.candidates.models import (
    Attachment,
    Candidate,
    CandidateEvent,
    CandidateInterest,
    Note,
    ProposalDecision,
    ProposedUpdate,
    Stage,
    StageChange,
    Tag,
)
from recruit.events.models import Event, FairVisit, FollowUp
from recruit.interest.models import FormReceipt
from recruit.interviews.models import (
    Interview,
    Interviewer,
    InterviewKit,
    InterviewSlot,
    KitQuestion,
    Scorecard,
)
from recruit.messages.models import MessageTemplate, OutboxMessage
from recruit.placements.models import (
    CandidateOpening,
    Evaluation,
    EvaluationAnswer,
    EvaluationItem,
    EvaluationRequest,
    Placement,
    Position,
)
from recruit.students.models import StatusLink
from recruit.universities.models import Contact, Interaction, University

__all__ = [
    "Attachment",
    "AuditEntry",
    "Candidate",
    "CandidateEvent",
    "CandidateInterest",
    "CandidateOpening",
    "ChangeClock",
    "Contact",
    "Evaluation",
    "EvaluationAnswer",
    "EvaluationItem",
    "EvaluationRequest",
    "Event",
    "FairVisit",
    "FollowUp",
    "FormReceipt",
    "Interaction",
    "Interview",
    "InterviewKit",
    "InterviewSlot",
    "Interviewer",
    "KitQuestion",
    "MessageTemplate",
    "Note",
    "OutboxMessage",
    "Placement",
    "Position",
    "ProposalDecision",
    "ProposedUpdate",
    "RecoveryCode",
    "Scorecard",
    "Setting",
    "StaffSession",
    "Stage",
    "StageChange",
    "StatusLink",
    "Tag",
    "University",
    "User",
]
