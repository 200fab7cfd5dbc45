"""Follow-up on leads: the worker's side of the story.

``FOLLOWUP_CONTACT_AFTER`` after a branch claimed a lead, the worker is asked whether the
branch contacted them (yes / no / already registered); a "no" re-opens the lead and alerts the
branch. ``FOLLOWUP_SATISFACTION_AFTER`` after a lead became "Terdaftar", a satisfaction
question (1-5). The answers sit next to the branch's own statuses in the dashboard.

:func:`queue_due_followups` runs every minute in every bot process; the unique
(lead, kind, claim/enrolment time) makes each question queued once. Claims and enrolments older
than the delay plus :data:`CATCH_UP_WINDOW` are not asked about (no questions about last
year's leads when this is first deployed).

Domain module: no telegram or aiohttp imports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from bot.events import EventKind
from bot.leads import LeadCard, LeadStatus, branch_info, load_card
from bot.offices import office_name_for_worker
from bot.settings import Settings
from db.engine import UnitOfWork
from db.models import FollowUp, Lead, Regency, User
from db.repositories.branches import BranchRepository
from db.repositories.events import EventRepository
from db.repositories.followups import FollowUpRepository
from db.repositories.leads import LeadRepository
from db.repositories.outbox import CampaignOutboxRepository

OUTBOX_FOLLOWUP_QUESTION = "followup_question"
OUTBOX_FOLLOWUP_ALERT = "followup_alert"
CATCH_UP_WINDOW = timedelta(days=14)
MAX_PER_ROUND = 200
# Leads a branch has claimed but not enrolled: asked whether the branch really called.
CONTACT_STATUSES = (LeadStatus.CLAIMED, LeadStatus.CONTACTED, LeadStatus.DECLINED)
BRANCH_SAYS_CONTACTED = (LeadStatus.CONTACTED, LeadStatus.ENROLLED)


class FollowUpKind(StrEnum):
    CONTACT = "contact"
    SATISFACTION = "satisfaction"


class ContactAnswer(StrEnum):
    YES = "yes"
    NO = "no"
    REGISTERED = "registered"


SATISFACTION_SCORES = ("1", "2", "3", "4", "5")
# A question that could not reach the worker. The column holds 12 characters: this was
# "undeliverable" (13), which PostgreSQL refused and SQLite stored; those rows still count.
UNDELIVERED = "undelivered"
_UNDELIVERED_BEFORE = "undeliverable"
# (branch, kind, status, lead status when asked, answer, count), see FollowUpRepository.
CountRow = tuple[str, str, str, str, str | None, int]
ANSWERS: dict[str, tuple[str, ...]] = {
    FollowUpKind.CONTACT: tuple(a.value for a in ContactAnswer),
    FollowUpKind.SATISFACTION: SATISFACTION_SCORES,
}


# --- scheduling ------------------------------------------------------------------------------


async def queue_due_followups(uow: UnitOfWork, settings: Settings, now: datetime) -> int:
    """Queue the questions that are due; returns how many."""
    plans = (
        (FollowUpKind.CONTACT, "claimed_at", CONTACT_STATUSES, settings.followup_contact_after),
        (
            FollowUpKind.SATISFACTION,
            "closed_at",
            (LeadStatus.ENROLLED,),
            settings.followup_satisfaction_after,
        ),
    )
    queued = 0
    followups = FollowUpRepository(uow)
    outbox = CampaignOutboxRepository(uow)
    for kind, anchor, statuses, delay in plans:
        before = now - delay
        leads = await followups.leads_due(
            kind,
            anchor,
            [s.value for s in statuses],
            before - CATCH_UP_WINDOW,
            before,
            MAX_PER_ROUND,
        )
        for lead in leads:
            followup = FollowUp(
                lead_id=lead.id,
                user_id=lead.user_id,
                kind=kind,
                anchor_at=getattr(lead, anchor),
                branch_code=lead.branch_code,
                lead_status=lead.status,
                status="pending",
                created_at=now,
            )
            if await followups.add_once(followup):
                outbox.add(
                    OUTBOX_FOLLOWUP_QUESTION,
                    now=now,
                    followup_id=followup.id,
                    ordering_key=f"u{lead.user_id}:followup",
                )
                queued += 1
    return queued


# --- asking ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    followup_id: int
    kind: str
    worker_telegram_id: int
    language: str
    branch_name: str
    answered: bool


async def question(uow: UnitOfWork, followup_id: int) -> Question | None:
    followup = await FollowUpRepository(uow).get(followup_id)
    if followup is None:
        return None
    user = await uow.get(User, followup.user_id)
    if user is None:
        return None
    branch = await branch_info(uow, followup.branch_code)
    lead = await uow.get(Lead, followup.lead_id)
    regency = await uow.get(Regency, lead.regency_code) if lead is not None else None
    area = regency.name if regency is not None else ""  # stored as "Kabupaten Lamongan"
    return Question(
        followup_id=followup.id,
        kind=followup.kind,
        worker_telegram_id=user.telegram_id,
        language=user.language,
        # What the worker reads: a derived (provisional) branch is not named.
        branch_name=office_name_for_worker(branch.name, branch.provisional, area, user.language),
        answered=followup.answer is not None,
    )


async def record_asked(
    uow: UnitOfWork, followup_id: int, now: datetime, *, delivered: bool
) -> None:
    followup = await FollowUpRepository(uow).get(followup_id)
    if followup is not None and followup.status == "pending":
        followup.status = "asked" if delivered else UNDELIVERED
        followup.asked_at = now if delivered else None


# --- answers ---------------------------------------------------------------------------------


class AnswerOutcome(StrEnum):
    RECORDED = "recorded"
    ALREADY_ANSWERED = "already_answered"
    INVALID = "invalid"  # not ours, unknown, or an answer that does not fit the question


@dataclass(frozen=True)
class AnswerResult:
    outcome: AnswerOutcome
    kind: str | None = None
    answer: str | None = None
    branch_name: str | None = None
    reopened_lead_id: int | None = None


async def record_answer(
    uow: UnitOfWork, *, followup_id: int, user_id: int, answer: str, now: datetime
) -> AnswerResult:
    """The worker pressed an answer; the first answer counts. A contact "no" re-opens the lead
    (unless it was enrolled meanwhile) and queues an alert to the branch."""
    followup = await FollowUpRepository(uow).get(followup_id, for_update=True)
    if followup is None or followup.user_id != user_id:
        return AnswerResult(AnswerOutcome.INVALID)
    if answer not in ANSWERS.get(followup.kind, ()):
        return AnswerResult(AnswerOutcome.INVALID)
    branch = await branch_info(uow, followup.branch_code)
    if followup.answer is not None:
        return AnswerResult(
            AnswerOutcome.ALREADY_ANSWERED, followup.kind, followup.answer, branch.name
        )
    followup.answer, followup.answered_at, followup.status = answer, now, "answered"
    reopened = None
    if followup.kind == FollowUpKind.CONTACT and answer == ContactAnswer.NO:
        reopened = await _reopen(uow, followup, now)
    return AnswerResult(AnswerOutcome.RECORDED, followup.kind, answer, branch.name, reopened)


async def _reopen(session: UnitOfWork, followup: FollowUp, now: datetime) -> int | None:
    leads = LeadRepository(session)
    lead = await leads.get(followup.lead_id, for_update=True)
    if lead is None or lead.anonymized_at is not None or lead.status == LeadStatus.ENROLLED:
        return None
    lead.status = LeadStatus.NEW
    lead.claimed_by = lead.claimed_by_name = lead.claimed_at = None
    lead.closed_at = None
    lead.updated_at = lead.last_announced_at = now
    # The 24-hour reminder applies again; the admins' escalation (counted from the lead's
    # creation) would fire at once with a misleading "not claimed for 48 hours".
    lead.reminders_sent = 0
    lead.escalated_at = lead.escalated_at or now
    leads.record_status(lead.id, LeadStatus.NEW, None, now)
    await EventRepository(session).add(
        EventKind.LEAD_STATUS,
        user_id=lead.user_id,
        at=now,
        branch_code=lead.branch_code,
        regency_code=lead.regency_code,
        province_code=lead.province_code,
        details={"lead_id": lead.id, "status": LeadStatus.NEW.value, "reason": "followup_no"},
    )
    CampaignOutboxRepository(session).add(OUTBOX_FOLLOWUP_ALERT, now=now, followup_id=followup.id)
    return lead.id


@dataclass(frozen=True)
class Alert:
    """A re-opened lead for its branch group: the card to post again, with its buttons."""

    followup_id: int
    card: LeadCard
    targets: list[int]


async def alert(uow: UnitOfWork, settings: Settings, followup_id: int) -> Alert | None:
    followup = await FollowUpRepository(uow).get(followup_id)
    lead = await uow.get(Lead, followup.lead_id) if followup else None
    if followup is None or lead is None:
        return None
    groups = await BranchRepository(uow).groups_of(lead.branch_code)
    targets = [g.chat_id for g in groups]
    if settings.admin_group_id is not None:
        targets.append(settings.admin_group_id)
    return Alert(followup.id, await load_card(uow, lead), list(dict.fromkeys(targets)))


async def record_alert_posted(
    uow: UnitOfWork, followup_id: int, chat_id: int, message_id: int
) -> None:
    """The re-posted card is the lead's card now: status changes edit it."""
    followup = await FollowUpRepository(uow).get(followup_id)
    lead = await uow.get(Lead, followup.lead_id) if followup else None
    if lead is not None:
        lead.card_chat_id, lead.card_message_id = chat_id, message_id


# --- the dashboard ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpSummary:
    """Follow-up questions queued in a period, for one branch or all (``branch_code`` None).

    ``worker_contact_rate``: share of answered contact questions where the worker says the
    branch contacted them (yes or already registered). ``branch_contact_rate``: share of the
    same questions where the branch's status said contacted or enrolled when we asked."""

    branch_code: str | None
    contact_asked: int
    contact_answered: int
    contact_yes: int
    contact_no: int
    contact_registered: int
    worker_contact_rate: float | None
    branch_contact_rate: float | None
    # Branch status said contacted/enrolled, worker said no.
    disputed: int
    satisfaction_asked: int
    satisfaction_answered: int
    satisfaction_mean: float | None
    satisfaction_scores: dict[str, int] = field(default_factory=dict)
    undeliverable: int = 0


async def followup_summaries(
    uow: UnitOfWork, *, since: datetime | None = None, until: datetime | None = None
) -> list[FollowUpSummary]:
    """Every branch together first, then one summary per branch with follow-ups."""
    rows = await FollowUpRepository(uow).answer_counts(since, until)
    codes = sorted({row[0] for row in rows})
    return [_summary(None, rows)] + [
        _summary(code, [r for r in rows if r[0] == code]) for code in codes
    ]


def _summary(code: str | None, rows: Sequence[CountRow]) -> FollowUpSummary:
    contact = [r for r in rows if r[1] == FollowUpKind.CONTACT]
    satisfaction = [r for r in rows if r[1] == FollowUpKind.SATISFACTION]

    def total(selected: Sequence[CountRow]) -> int:
        return sum(r[5] for r in selected)

    answered = [r for r in contact if r[4] is not None]
    yes = total([r for r in answered if r[4] == ContactAnswer.YES])
    no = total([r for r in answered if r[4] == ContactAnswer.NO])
    registered = total([r for r in answered if r[4] == ContactAnswer.REGISTERED])
    branch_says = total([r for r in answered if r[3] in BRANCH_SAYS_CONTACTED])
    n_answered = total(answered)
    scores = {s: total([r for r in satisfaction if r[4] == s]) for s in SATISFACTION_SCORES}
    n_scored = sum(scores.values())
    return FollowUpSummary(
        branch_code=code,
        contact_asked=total(contact),
        contact_answered=n_answered,
        contact_yes=yes,
        contact_no=no,
        contact_registered=registered,
        worker_contact_rate=round((yes + registered) / n_answered, 4) if n_answered else None,
        branch_contact_rate=round(branch_says / n_answered, 4) if n_answered else None,
        disputed=total(
            [r for r in answered if r[4] == ContactAnswer.NO and r[3] in BRANCH_SAYS_CONTACTED]
        ),
        satisfaction_asked=total(satisfaction),
        satisfaction_answered=n_scored,
        satisfaction_mean=(
            round(sum(int(s) * n for s, n in scores.items()) / n_scored, 2) if n_scored else None
        ),
        satisfaction_scores=scores,
        undeliverable=total([r for r in rows if r[2] in (UNDELIVERED, _UNDELIVERED_BEFORE)]),
    )
