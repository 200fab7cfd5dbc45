"""Where a lead's card goes, and whether it got there: no lead stranded without anyone knowing.

A card goes to its branch's linked staff group; a branch without one falls back to the admin
group (``ADMIN_GROUP_ID``); with neither, the card waits in the outbox until a group is linked
(``bot.staff.link_group`` then makes it due at once). :func:`choose_target` is that rule, used
by the outbox sender to address a card and by the registration to promise only what will
happen. The rest gives managers the figures per branch (the dashboard's Ringkasan,
``/statistik``, a warning in the log at start-up).

Domain module: no telegram or aiohttp imports.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from db.engine import UnitOfWork
from db.repositories.branches import BranchRepository
from db.repositories.health import HealthRepository

log = logging.getLogger(__name__)

# The dashboard's label for a new lead whose card has no group to go to (derived, not stored).
WAITING_FOR_GROUP = "menunggu_grup"
NEW_STATUS = "baru"  # bot.leads.LeadStatus.NEW (bot.leads imports this module)


class TargetKind(StrEnum):
    BRANCH_GROUP = "branch_group"
    ADMIN_GROUP = "admin_group"
    NONE = "none"


@dataclass(frozen=True)
class CardTarget:
    """The chat a lead card goes to, and why; ``chat_id`` None when no group will get it."""

    kind: TargetKind
    chat_id: int | None = None

    @property
    def delivers(self) -> bool:
        return self.chat_id is not None


NO_TARGET = CardTarget(TargetKind.NONE)


def choose_target(
    branch_group_ids: Sequence[int], admin_group_id: int | None, *, fallback: bool = False
) -> CardTarget:
    """The branch's first linked group; else (or when that group refused the card,
    ``fallback``) the admin group; else none."""
    if branch_group_ids and not fallback:
        return CardTarget(TargetKind.BRANCH_GROUP, branch_group_ids[0])
    if admin_group_id is not None:
        return CardTarget(TargetKind.ADMIN_GROUP, admin_group_id)
    return NO_TARGET


async def card_target(
    branches: BranchRepository,
    branch_code: str,
    admin_group_id: int | None,
    *,
    fallback: bool = False,
) -> CardTarget:
    """:func:`choose_target` for ``branch_code``'s groups, read in the caller's unit of work."""
    groups = await branches.groups_of(branch_code)
    return choose_target([g.chat_id for g in groups], admin_group_id, fallback=fallback)


# --- health per branch -------------------------------------------------------------------


@dataclass(frozen=True)
class BranchHealth:
    """One branch's delivery: ``undelivered`` lead cards still in the outbox (the oldest
    queued at ``oldest_undelivered_at``), ``overdue`` leads unclaimed past the reminder
    deadline."""

    branch_code: str
    branch_name: str
    group_linked: bool
    leads: int
    undelivered: int
    oldest_undelivered_at: datetime | None
    oldest_undelivered_hours: float | None
    overdue: int

    @property
    def stuck(self) -> bool:
        return self.undelivered > 0 or self.overdue > 0


@dataclass(frozen=True)
class DeliveryHealth:
    """Per branch with leads or a group, stuck ones first; ``admin_group`` says whether cards
    of branches without a group have somewhere to go."""

    admin_group: bool
    reminder_hours: int
    branches: list[BranchHealth]

    @property
    def unlinked(self) -> list[BranchHealth]:
        """Branches that have leads but no linked group."""
        return [b for b in self.branches if not b.group_linked and b.leads > 0]

    @property
    def undelivered(self) -> int:
        return sum(b.undelivered for b in self.branches)

    @property
    def overdue(self) -> int:
        return sum(b.overdue for b in self.branches)


async def delivery_health(
    uow: UnitOfWork,
    now: datetime,
    *,
    reminder_hours: int,
    admin_group_id: int | None,
    branch_code: str | None = None,
) -> DeliveryHealth:
    """Every branch with leads or a linked group (or only ``branch_code``)."""
    rows = await HealthRepository(uow).per_branch(
        overdue_before=now - timedelta(hours=reminder_hours), branch_code=branch_code
    )
    branches = [
        BranchHealth(
            branch_code=row.branch_code,
            branch_name=row.branch_name,
            group_linked=row.groups > 0,
            leads=row.leads,
            undelivered=row.undelivered,
            oldest_undelivered_at=row.oldest_undelivered_at,
            oldest_undelivered_hours=None
            if row.oldest_undelivered_at is None
            else max(0.0, (now - row.oldest_undelivered_at).total_seconds() / 3600),
            overdue=row.overdue,
        )
        for row in rows
    ]
    branches.sort(
        key=lambda b: (
            not b.stuck,
            b.oldest_undelivered_at is None,
            b.oldest_undelivered_at or now,
            -b.overdue,
            b.branch_name,
        )
    )
    return DeliveryHealth(admin_group_id is not None, reminder_hours, branches)


async def waiting_for_group(uow: UnitOfWork, lead_ids: Sequence[int], admin_group_id: int | None
                            ) -> set[int]:
    """Of ``lead_ids``, the new leads whose card waits for a group: none linked for their
    branch and no admin group. Empty whenever an admin group is set (cards go there)."""
    if admin_group_id is not None or not lead_ids:
        return set()
    return await HealthRepository(uow).leads_with_undelivered_card(lead_ids)


async def warn_unlinked_branches(uow: UnitOfWork, now: datetime, *, reminder_hours: int,
                                 admin_group_id: int | None) -> list[BranchHealth]:
    """Log one warning listing the branches that have leads but no linked group (at start-up);
    returns them."""
    health = await delivery_health(
        uow, now, reminder_hours=reminder_hours, admin_group_id=admin_group_id
    )
    unlinked = health.unlinked
    if unlinked:
        listing = ", ".join(
            f"{b.branch_code} ({b.leads} leads, {b.undelivered} cards undelivered)"
            for b in unlinked
        )
        where = (
            "their cards go to the admin group"
            if admin_group_id is not None
            else "no ADMIN_GROUP_ID either: their cards wait until a group is linked"
        )
        log.warning(
            "%d branch(es) have leads but no linked group (%s): %s. Link one with "
            "`python -m bot cabang link-code CODE` and /hubungkan in the staff group.",
            len(unlinked), where, listing,
        )
    return unlinked


# --- one lead's card ---------------------------------------------------------------------


class CardState(StrEnum):
    DELIVERED = "delivered"
    WAITING_FOR_GROUP = "waiting_for_group"  # pending, and no group to go to
    QUEUED = "queued"  # pending with a group to go to (about to go, or retrying after errors)
    NO_CARD = "no_card"


@dataclass(frozen=True)
class StatusChange:
    status: str
    at: datetime


@dataclass(frozen=True)
class LeadDelivery:
    """One lead as the dashboard's lead page shows it: no name or phone, its status (``shown``:
    :data:`WAITING_FOR_GROUP` for a new lead whose card has no group to go to), and its card."""

    id: int
    branch_code: str
    branch_name: str
    province_code: str
    regency_code: str
    occupation: str
    status: str
    shown_status: str
    created_at: datetime
    claimed_at: datetime | None
    contacted_at: datetime | None
    closed_at: datetime | None
    overdue: bool
    group_linked: bool
    card: CardState
    target: CardTarget
    card_queued_at: datetime | None
    card_sent_at: datetime | None
    card_attempts: int
    card_last_error: str | None
    history: list[StatusChange]


async def lead_delivery(
    uow: UnitOfWork, lead_id: int, now: datetime, *, reminder_hours: int, admin_group_id: int | None
) -> LeadDelivery | None:
    found = await HealthRepository(uow).lead_with_card(lead_id)
    if found is None:
        return None
    lead, card, history = found
    groups = await BranchRepository(uow).groups_of(lead.branch_code)
    branch = await BranchRepository(uow).get(lead.branch_code)
    target = choose_target([g.chat_id for g in groups], admin_group_id)
    if card is None:
        state = CardState.NO_CARD
    elif card.status == "sent":
        state = CardState.DELIVERED
    else:
        state = CardState.QUEUED if target.delivers else CardState.WAITING_FOR_GROUP
    waiting = state == CardState.WAITING_FOR_GROUP and lead.status == NEW_STATUS
    return LeadDelivery(
        id=lead.id,
        branch_code=lead.branch_code,
        branch_name=branch.name if branch else lead.branch_code,
        province_code=lead.province_code,
        regency_code=lead.regency_code,
        occupation=lead.occupation,
        status=lead.status,
        shown_status=WAITING_FOR_GROUP if waiting else lead.status,
        created_at=lead.created_at,
        claimed_at=lead.claimed_at,
        contacted_at=lead.contacted_at,
        closed_at=lead.closed_at,
        overdue=lead.status == NEW_STATUS
        and lead.anonymized_at is None
        and lead.created_at < now - timedelta(hours=reminder_hours),
        group_linked=bool(groups),
        card=state,
        target=target,
        card_queued_at=card.created_at if card else None,
        card_sent_at=card.sent_at if card else None,
        card_attempts=card.attempts if card else 0,
        card_last_error=card.last_error if card else None,
        history=[StatusChange(change.status, change.at) for change in history],
    )
