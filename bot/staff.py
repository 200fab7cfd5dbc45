"""Branch staff: who may act on which leads, linking a staff group to its branch, and the
status changes staff make from their group.

Access rule: admins (``ADMIN_IDS``) and the admin group see every branch; a linked group sees
only its own branch's leads; anyone else is refused.
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.events import EventKind
from bot.leads import (
    ACTION_TARGET,
    UNDO_WINDOW,
    LeadCard,
    LeadStatus,
    StaffAction,
    is_open,
    load_card,
    undoable_change,
)
from bot.settings import Settings
from bot.stats import campaign_time
from db.engine import UnitOfWork
from db.models import Lead, LinkCode
from db.repositories.branches import BranchRepository
from db.repositories.events import EventRepository
from db.repositories.health import HealthRepository
from db.repositories.leads import LeadRepository

LINK_CODE_TTL = timedelta(hours=24)
# Unambiguous characters only: staff read the code off a screen or a phone call.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_CODE_LENGTH = 8


@dataclass(frozen=True)
class StaffScope:
    """The branches a chat/user may act on; ``None`` means every branch (admins)."""

    branch_codes: frozenset[str] | None

    def covers(self, branch_code: str) -> bool:
        return self.branch_codes is None or branch_code in self.branch_codes


async def scope_for(
    uow: UnitOfWork, *, chat_id: int, user_telegram_id: int, settings: Settings
) -> StaffScope | None:
    if settings.admin_group_id is not None and chat_id == settings.admin_group_id:
        return StaffScope(None)
    if user_telegram_id in settings.admin_ids and chat_id == user_telegram_id:
        # Admins see every branch in their private chat only: in any other group, the other
        # members would see the workers' names and numbers too.
        return StaffScope(None)
    group = await BranchRepository(uow).group(chat_id)
    if group is None:
        return None
    return StaffScope(frozenset({group.branch_code}))


class ActionOutcome(StrEnum):
    DONE = "done"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CLOSED = "closed"
    ALREADY_CLAIMED = "already_claimed"
    # The button no longer fits the lead (pressed on an old card): nothing changed.
    STALE = "stale"
    # The undo button was pressed after UNDO_WINDOW.
    UNDO_EXPIRED = "undo_expired"


@dataclass(frozen=True)
class ActionResult:
    outcome: ActionOutcome
    card: LeadCard | None = None


async def apply_action(
    uow: UnitOfWork,
    *,
    lead_id: int,
    action: StaffAction,
    staff_telegram_id: int,
    staff_name: str,
    chat_id: int,
    settings: Settings,
    now: datetime,
    change_id: int | None = None,
) -> ActionResult:
    """One press of a card button. Anyone in the branch's group may press any button (the
    group is the unit of trust); the card shows who did. ``change_id`` is the change an undo
    button names."""
    scope = await scope_for(
        uow, chat_id=chat_id, user_telegram_id=staff_telegram_id, settings=settings
    )
    if scope is None:
        return ActionResult(ActionOutcome.FORBIDDEN)
    leads = LeadRepository(uow)
    lead = await leads.get(lead_id, for_update=True)
    if lead is None:
        return ActionResult(ActionOutcome.NOT_FOUND)
    if not scope.covers(lead.branch_code):
        return ActionResult(ActionOutcome.FORBIDDEN)
    if lead.anonymized_at is not None:
        return ActionResult(ActionOutcome.CLOSED, await load_card(uow, lead))
    if action == StaffAction.UNDO:
        outcome = await _undo(leads, lead, change_id, now)
        if outcome != ActionOutcome.DONE:
            return ActionResult(outcome, await load_card(uow, lead))
        target = LeadStatus(lead.status)
    else:
        if not is_open(lead.status):
            return ActionResult(ActionOutcome.CLOSED, await load_card(uow, lead))
        if (
            action == StaffAction.CLAIM
            and lead.claimed_by is not None
            and lead.claimed_by != staff_telegram_id
        ):
            return ActionResult(ActionOutcome.ALREADY_CLAIMED, await load_card(uow, lead))
        target = ACTION_TARGET[action]
        if lead.status == target or (
            action == StaffAction.UNCLAIM and lead.status != LeadStatus.CLAIMED
        ):
            return ActionResult(ActionOutcome.STALE, await load_card(uow, lead))
        _set_status(lead, target, staff_telegram_id, staff_name, now)
        leads.record_status(lead.id, target, staff_telegram_id, now, by_name=staff_name)
    lead.updated_at = now
    await EventRepository(uow).add(
        EventKind.LEAD_STATUS,
        user_id=lead.user_id,
        at=now,
        branch_code=lead.branch_code,
        regency_code=lead.regency_code,
        province_code=lead.province_code,
        details={"lead_id": lead.id, "status": str(target)}
        | ({"undo": True} if action == StaffAction.UNDO else {}),
    )
    return ActionResult(ActionOutcome.DONE, await load_card(uow, lead))


def _set_status(lead: Lead, target: LeadStatus, by: int, name: str, now: datetime) -> None:
    if target == LeadStatus.NEW:
        # Released: the next one to act owns it. As when a follow-up reopens a lead
        # (bot.followup), the 24-hour reminder counts from now and the admins' escalation
        # (counted from the lead's creation) does not fire at once.
        lead.claimed_by = lead.claimed_by_name = lead.claimed_at = None
        lead.last_announced_at, lead.reminders_sent = now, 0
        lead.escalated_at = lead.escalated_at or now
    elif lead.claimed_by is None:
        # Whoever first acts on a lead owns it, whatever the button.
        lead.claimed_by, lead.claimed_by_name, lead.claimed_at = by, name[:120], now
    if target == LeadStatus.CONTACTED and lead.contacted_at is None:
        lead.contacted_at = now
    lead.closed_at = now if target in (LeadStatus.ENROLLED, LeadStatus.DECLINED) else None
    lead.status = target


async def _undo(
    leads: LeadRepository, lead: Lead, change_id: int | None, now: datetime
) -> ActionOutcome:
    """Take back the latest change (the one ``change_id`` names) within UNDO_WINDOW: the lead
    goes back to the status, owner and dates the changes before it give."""
    changes = list(await leads.status_history(lead.id))
    latest = undoable_change(changes)
    if latest is None or latest.id != change_id:
        return ActionOutcome.STALE
    if now - latest.at > UNDO_WINDOW:
        return ActionOutcome.UNDO_EXPIRED
    latest.undone_at = now
    standing = changes[:-1]
    lead.status = standing[-1].status
    # The owner is whoever first acted after the lead was last (re)opened as "baru".
    since_new = standing
    for index, change in enumerate(standing):
        if change.status == LeadStatus.NEW:
            since_new = standing[index + 1 :]
    owner = next((c for c in since_new if c.by_telegram_id is not None), None)
    if owner is None:
        lead.claimed_by = lead.claimed_by_name = lead.claimed_at = None
    elif lead.claimed_by != owner.by_telegram_id:
        lead.claimed_by, lead.claimed_at = owner.by_telegram_id, owner.at
        lead.claimed_by_name = owner.by_name
    contacted = [c for c in standing if c.status == LeadStatus.CONTACTED]
    lead.contacted_at = contacted[0].at if contacted else None
    lead.closed_at = standing[-1].at if not is_open(lead.status) else None
    return ActionOutcome.DONE


# --- linking a staff group ------------------------------------------------------------------


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


async def create_link_code(uow: UnitOfWork, branch_code: str, now: datetime) -> str:
    """A one-time code (stored hashed) that links one group to ``branch_code``."""
    if await BranchRepository(uow).get(branch_code) is None:
        raise LookupError(branch_code)
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    BranchRepository(uow).add_link_code(
        LinkCode(code_hash=_hash(code), branch_code=branch_code, expires_at=now + LINK_CODE_TTL)
    )
    return code


class LinkOutcome(StrEnum):
    LINKED = "linked"
    INVALID = "invalid"
    EXPIRED = "expired"
    USED = "used"


@dataclass(frozen=True)
class LinkResult:
    outcome: LinkOutcome
    branch_code: str | None = None
    branch_name: str | None = None
    # Lead cards of the branch that were waiting in the outbox, now due.
    released_cards: int = 0


async def link_group(
    uow: UnitOfWork, *, code: str, chat_id: int, by_telegram_id: int, now: datetime
) -> LinkResult:
    branches = BranchRepository(uow)
    link = await branches.link_code(_hash(code))
    if link is None:
        return LinkResult(LinkOutcome.INVALID)
    if link.used_at is not None:
        return LinkResult(LinkOutcome.USED)
    if link.expires_at < now:
        return LinkResult(LinkOutcome.EXPIRED)
    link.used_at = now
    await branches.link_group(chat_id, link.branch_code, by_telegram_id)
    # Cards that waited for a group (bot.delivery_health) go out now, not at their next
    # retry; the handler wakes the outbox sender.
    released = await HealthRepository(uow).release_cards_of(link.branch_code, now)
    branch = await branches.get(link.branch_code)
    return LinkResult(
        LinkOutcome.LINKED,
        link.branch_code,
        branch.name if branch else link.branch_code,
        released,
    )


# --- lists and export -----------------------------------------------------------------------


async def open_leads(
    uow: UnitOfWork, *, chat_id: int, user_telegram_id: int, settings: Settings, limit: int = 20
) -> list[LeadCard] | None:
    """Open leads in the caller's scope, oldest first; None when the caller is not staff."""
    scope = await scope_for(
        uow, chat_id=chat_id, user_telegram_id=user_telegram_id, settings=settings
    )
    if scope is None:
        return None
    codes = scope.branch_codes
    if codes is None:
        codes = frozenset(b.code for b in await BranchRepository(uow).all_branches())
    leads = await LeadRepository(uow).open_for_branches(sorted(codes), limit)
    return [await load_card(uow, lead) for lead in leads]


async def one_lead(
    uow: UnitOfWork, *, lead_id: int, chat_id: int, user_telegram_id: int, settings: Settings
) -> LeadCard | ActionOutcome:
    scope = await scope_for(
        uow, chat_id=chat_id, user_telegram_id=user_telegram_id, settings=settings
    )
    if scope is None:
        return ActionOutcome.FORBIDDEN
    lead = await LeadRepository(uow).get(lead_id)
    if lead is None or not scope.covers(lead.branch_code):
        # Same answer for "not yours" and "doesn't exist": ids are not to be probed.
        return ActionOutcome.NOT_FOUND
    return await load_card(uow, lead)


CSV_COLUMNS = (
    "id",
    "status",
    "name",
    "phone",
    "phone_is_own",
    "occupation",
    "occupation_other",
    "place",
    "regency",
    "province",
    "branch_code",
    "income",
    "contact_time",
    "language",
    "created_at",
    "claimed_by",
)


async def export_csv(
    uow: UnitOfWork, *, chat_id: int, user_telegram_id: int, settings: Settings
) -> bytes | None:
    scope = await scope_for(
        uow, chat_id=chat_id, user_telegram_id=user_telegram_id, settings=settings
    )
    if scope is None:
        return None
    codes = scope.branch_codes
    if codes is None:
        codes = frozenset(b.code for b in await BranchRepository(uow).all_branches())
    leads = await LeadRepository(uow).all_for_branches(sorted(codes))
    cards = [await load_card(uow, lead) for lead in leads]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for card in cards:
        writer.writerow(
            [
                card.id,
                card.status,
                _csv_safe(card.name),
                card.phone or "",
                card.phone_is_own,
                card.occupation,
                _csv_safe(card.occupation_other),
                _csv_safe(card.place_label),
                card.regency_name,
                card.province_name,
                card.branch_code,
                card.income or "",
                card.contact_time,
                card.language,
                campaign_time(card.created_at).isoformat(),  # WIB, "+07:00"
                _csv_safe(card.claimed_by_name),
            ]
        )
    # BOM so that Excel, which branch staff open this in, reads UTF-8 names correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_safe(value: str | None) -> str:
    """Neutralise spreadsheet formulas in text that workers typed (CSV injection)."""
    if not value:
        return ""
    return "'" + value if value[0] in "=+-@\t\r" else value
