"""What we keep about a worker, and deleting it (UU 27/2022 on personal data protection).

``/dataku`` shows everything stored about the user; ``/hapusdata`` blanks the personal fields
of their leads (kept anonymised for the statistics), deletes the questions we kept and any
unfinished registration, and tells the branch through its card.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot import handoff
from bot.events import EventKind
from bot.leads import OUTBOX_LEAD_CARD
from db.engine import UnitOfWork
from db.models import User
from db.repositories.conversations import ConversationRepository
from db.repositories.events import EventRepository
from db.repositories.leads import LeadRepository
from db.repositories.outbox import OutboxRepository
from db.repositories.questions import UnansweredQuestionRepository


@dataclass(frozen=True)
class StoredLead:
    id: int
    status: str
    name: str | None
    phone: str | None
    occupation: str
    occupation_other: str | None
    place_label: str | None
    income: int | None
    contact_time: str
    created_at: datetime
    anonymized: bool


@dataclass(frozen=True)
class StoredData:
    telegram_id: int
    language: str
    first_seen: datetime
    leads: list[StoredLead]
    kept_questions: int
    registration_in_progress: bool


async def stored_data(uow: UnitOfWork, user_id: int) -> StoredData | None:
    user = await uow.get(User, user_id)
    if user is None:
        return None
    leads = await LeadRepository(uow).for_user(user_id)
    kept = await UnansweredQuestionRepository(uow).count_for_user(user_id)
    in_progress = await ConversationRepository(uow).get(user_id) is not None
    return StoredData(
        telegram_id=user.telegram_id,
        language=user.language,
        first_seen=user.first_seen,
        leads=[
            StoredLead(
                id=lead.id,
                status=lead.status,
                name=lead.name,
                phone=lead.phone,
                occupation=lead.occupation,
                occupation_other=lead.occupation_other,
                place_label=lead.place_label,
                income=lead.income,
                contact_time=lead.contact_time,
                created_at=lead.created_at,
                anonymized=lead.anonymized_at is not None,
            )
            for lead in leads
        ],
        kept_questions=kept,
        registration_in_progress=in_progress,
    )


async def delete_personal_data(uow: UnitOfWork, user_id: int, now: datetime) -> int:
    """Erase the user's personal data; returns how many leads were anonymised."""
    leads = await LeadRepository(uow).for_user(user_id)
    outbox = OutboxRepository(uow)
    anonymised = 0
    for lead in leads:
        if lead.anonymized_at is not None:
            continue
        lead.name = None
        lead.phone = None
        lead.income = None
        lead.occupation_other = None
        lead.place_label = None
        lead.anonymized_at = now
        lead.updated_at = now
        anonymised += 1
        if lead.card_chat_id is not None:
            # The branch's card must stop showing the name and number.
            outbox.add(OUTBOX_LEAD_CARD, lead_id=lead.id, now=now)
    await UnansweredQuestionRepository(uow).delete_for_user(user_id)
    await ConversationRepository(uow).remove(user_id)
    # Handoff tickets carry the worker's own words: personal data too.
    await handoff.forget_user(uow, user_id)
    await EventRepository(uow).add(
        EventKind.DATA_DELETED, user_id=user_id, at=now, details={"leads": anonymised}
    )
    return anonymised
