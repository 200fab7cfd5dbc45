"""Every table, imported here so that ``Base.metadata`` is complete for migrations."""

from db.base import Base
from db.models.account import DashboardAccount, DashboardSession
from db.models.branch import Branch, BranchChange, BranchGroup, LinkCode, Regency
from db.models.campaign import (
    Broadcast,
    BroadcastRecipient,
    CampaignMessage,
    FollowUp,
    JobLease,
    OptOut,
    Source,
    Ticket,
    TicketMessage,
    UserSource,
)
from db.models.conversation import ConversationState
from db.models.event import Event
from db.models.lead import Lead, LeadStatusChange
from db.models.outbox import OutboxMessage
from db.models.question import QuestionLabel, UnansweredQuestion
from db.models.update_log import ProcessedUpdate
from db.models.user import User

__all__ = [
    "Base",
    "Branch",
    "BranchChange",
    "BranchGroup",
    "Broadcast",
    "BroadcastRecipient",
    "CampaignMessage",
    "ConversationState",
    "DashboardAccount",
    "DashboardSession",
    "Event",
    "FollowUp",
    "JobLease",
    "Lead",
    "LeadStatusChange",
    "LinkCode",
    "OptOut",
    "OutboxMessage",
    "ProcessedUpdate",
    "QuestionLabel",
    "Regency",
    "Source",
    "Ticket",
    "TicketMessage",
    "UnansweredQuestion",
    "User",
    "UserSource",
]
