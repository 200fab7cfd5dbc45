"""Leads: a confirmed registration in the hands of the right branch, and what staff do with it.

Domain module: plain data in and out, persistence through repositories inside the caller's
unit of work or its own. The Telegram side (cards, buttons) lives in ``handlers/``; sending goes
through the outbox (``bot.outbox``), written in the same transaction as the lead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.delivery_health import NO_TARGET, CardTarget, card_target
from bot.events import EventKind
from db.engine import UnitOfWork
from db.models import Lead, LeadStatusChange
from db.repositories.branches import BranchRepository
from db.repositories.events import EventRepository
from db.repositories.leads import OPEN_STATUSES, LeadRepository
from db.repositories.outbox import OutboxRepository


class LeadStatus(StrEnum):
    NEW = "baru"
    CLAIMED = "diambil"
    CONTACTED = "dihubungi"
    ENROLLED = "terdaftar"
    DECLINED = "tidak_berminat"


class StaffAction(StrEnum):
    """A lead card's buttons. Their codes in callback data are bot.presentation.callbacks'."""

    CLAIM = "claim"
    CONTACTED = "contacted"
    ENROLLED = "enrolled"
    DECLINED = "declined"
    UNCLAIM = "unclaim"  # back to "baru", for anyone in the group to take
    UNDO = "undo"  # revert the latest change, within UNDO_WINDOW


# The status each action sets; UNDO sets the one before the latest change.
ACTION_TARGET: dict[StaffAction, LeadStatus] = {
    StaffAction.CLAIM: LeadStatus.CLAIMED,
    StaffAction.CONTACTED: LeadStatus.CONTACTED,
    StaffAction.ENROLLED: LeadStatus.ENROLLED,
    StaffAction.DECLINED: LeadStatus.DECLINED,
    StaffAction.UNCLAIM: LeadStatus.NEW,
}
# How long a staff member's status change can be taken back with the card's undo button.
UNDO_WINDOW = timedelta(minutes=5)
# How many of the latest status changes a card lists.
CARD_HISTORY_LENGTH = 5
OUTBOX_LEAD_CARD = "lead_card"
OUTBOX_LEAD_REMINDER = "lead_reminder"
OUTBOX_LEAD_ESCALATION = "lead_escalation"


@dataclass(frozen=True)
class BranchInfo:
    code: str
    name: str
    address: str
    phone: str
    provisional: bool


@dataclass(frozen=True)
class StatusEntry:
    """One status change a staff member made: the name is the one they showed at the time."""

    status: str
    by_telegram_id: int
    by_name: str | None
    at: datetime


@dataclass(frozen=True)
class LeadCard:
    """Everything a branch card shows; rendered by ``bot.presentation.lead_cards``."""

    id: int
    status: str
    name: str | None
    phone: str | None
    phone_is_own: bool
    occupation: str
    occupation_other: str | None
    place_label: str | None
    regency_name: str
    province_name: str
    branch_code: str
    branch_name: str
    income: int | None
    contact_time: str
    language: str
    created_at: datetime
    claimed_by_name: str | None
    anonymized: bool
    # Staff changes that stand (undone ones are left out), oldest first, at most
    # CARD_HISTORY_LENGTH.
    history: tuple[StatusEntry, ...] = ()
    # The latest change while it may still be undone: its id (the undo button names it, so a
    # stale card cannot undo a later change) and until when.
    undo_change_id: int | None = None
    undo_until: datetime | None = None

    def can_undo(self, now: datetime) -> bool:
        return self.undo_until is not None and now <= self.undo_until


@dataclass(frozen=True)
class Confirmation:
    lead_id: int
    updated_existing: bool
    branch: BranchInfo
    # Where the card will go (``bot.delivery_health.choose_target``): the worker is promised
    # a call from the branch within days only when some group will receive it.
    target: CardTarget = NO_TARGET
    area: str = ""  # the regency the branch serves the worker in: "Kabupaten Muna Barat"


async def branch_info(uow: UnitOfWork, code: str) -> BranchInfo:
    branch = await BranchRepository(uow).get(code)
    if branch is None:
        return BranchInfo(code, code, "", "", True)
    return BranchInfo(branch.code, branch.name, branch.address, branch.phone, branch.provisional)


async def confirm_registration(
    uow: UnitOfWork,
    *,
    user_id: int,
    data: dict[str, Any],
    language: str,
    now: datetime,
    admin_group_id: int | None = None,
) -> Confirmation:
    """Create the lead, or update the worker's open one, and queue its card for the branch
    (its group, else the admin group ``admin_group_id``, else it waits for a group)."""
    leads = LeadRepository(uow)
    lead = await leads.open_for_user(user_id)
    updated_existing = lead is not None
    if lead is None:
        lead = Lead(user_id=user_id, status=LeadStatus.NEW, created_at=now, reminders_sent=0)
        leads.add(lead)
    lead.name = data["name"]
    lead.phone = data["phone"]
    lead.phone_is_own = bool(data.get("phone_is_own", True))
    lead.occupation = data["occupation"]
    lead.occupation_other = data.get("occupation_other")
    lead.regency_code = data["regency_code"]
    lead.province_code = data["province_code"]
    lead.place_label = data.get("place_label")
    lead.branch_code = data["branch_code"]
    lead.income = data.get("income")
    lead.contact_time = data["contact_time"]
    lead.language = language
    lead.updated_at = now
    lead.last_announced_at = now
    await uow.flush()
    if not updated_existing:
        leads.record_status(lead.id, LeadStatus.NEW, None, now)
    OutboxRepository(uow).add(
        OUTBOX_LEAD_CARD, lead_id=lead.id, payload={"updated": updated_existing}, now=now
    )
    await EventRepository(uow).add(
        EventKind.REGISTRATION_COMPLETED,
        user_id=user_id,
        at=now,
        language=language,
        branch_code=lead.branch_code,
        regency_code=lead.regency_code,
        province_code=lead.province_code,
        details={"occupation": lead.occupation, "updated": updated_existing},
    )
    return Confirmation(
        lead.id,
        updated_existing,
        await branch_info(uow, lead.branch_code),
        await card_target(BranchRepository(uow), lead.branch_code, admin_group_id),
        area=str(data.get("regency_name") or ""),
    )


async def load_card(uow: UnitOfWork, lead: Lead) -> LeadCard:
    branch = await branch_info(uow, lead.branch_code)
    regency = await _regency_names(uow, lead.regency_code)
    changes = await LeadRepository(uow).status_history(lead.id)
    history = tuple(
        StatusEntry(c.status, c.by_telegram_id, c.by_name, c.at)
        for c in changes
        if c.by_telegram_id is not None
    )
    undoable = undoable_change(changes)
    return LeadCard(
        id=lead.id,
        status=lead.status,
        name=lead.name,
        phone=lead.phone,
        phone_is_own=lead.phone_is_own,
        occupation=lead.occupation,
        occupation_other=lead.occupation_other,
        place_label=lead.place_label,
        regency_name=regency[0],
        province_name=regency[1],
        branch_code=lead.branch_code,
        branch_name=branch.name,
        income=lead.income,
        contact_time=lead.contact_time,
        language=lead.language,
        created_at=lead.created_at,
        claimed_by_name=lead.claimed_by_name,
        anonymized=lead.anonymized_at is not None,
        history=history[-CARD_HISTORY_LENGTH:],
        undo_change_id=undoable.id if undoable else None,
        undo_until=undoable.at + UNDO_WINDOW if undoable else None,
    )


def undoable_change(changes: Sequence[LeadStatusChange]) -> LeadStatusChange | None:
    """The latest standing change, if a staff member made it and there is a status before it
    to go back to (the time window is the caller's to check)."""
    if len(changes) < 2 or changes[-1].by_telegram_id is None:
        return None
    return changes[-1]


async def _regency_names(session: UnitOfWork, code: str) -> tuple[str, str]:
    from db.models import Regency

    regency = await session.get(Regency, code)
    return (regency.name, regency.province_name) if regency else (code, "")


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES
