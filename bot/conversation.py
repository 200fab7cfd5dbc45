"""One-question conversations (type an amount for the calculator, type a place for the office
finder) share the registration's state table, so the next text message goes to the right place
whichever process handles it. A registration in progress is never overwritten by them."""

from __future__ import annotations

from datetime import datetime

from bot.clock import utcnow
from bot.registration.flow import FLOW as REGISTRATION_FLOW
from db.engine import UnitOfWork
from db.repositories.conversations import ConversationRepository

CALCULATOR_FLOW = "calculator"
OFFICE_FLOW = "office"


async def begin(uow: UnitOfWork, user_id: int, flow: str, now: datetime | None = None) -> bool:
    """Start ``flow``; False when the user is in the middle of a registration."""
    conversations = ConversationRepository(uow)
    current = await conversations.get(user_id, for_update=True)
    if current is not None and current.flow == REGISTRATION_FLOW:
        return False
    await conversations.put(user_id, flow, "waiting", {}, now or utcnow())
    return True


async def finish(uow: UnitOfWork, user_id: int, flow: str) -> None:
    conversations = ConversationRepository(uow)
    current = await conversations.get(user_id)
    if current is not None and current.flow == flow:
        await conversations.remove(user_id)
