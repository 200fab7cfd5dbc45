"""kill -9 in the middle of things: a registration whose reply hangs, an outbox with cards
waiting to go out, and a card in flight. After a restart the conversation resumes where the
database says it is, and every confirmed lead reaches a group with exactly one plain card; a
card whose send was in flight at the kill may have arrived, so it is sent again marked as a
possible repeat (bot.outbox.tracking). A test counts leads confirmed against cards delivered."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import select, update

from bot.clock import utcnow
from db.engine import Database
from db.models import Lead, OutboxMessage
from sandbox.client import SandboxClient, SandboxError, SandboxTimeout
from tests.e2e.conftest import ADMIN_GROUP_ID
from tests.e2e.harness import BotProcess, new_user_id
from tests.hardening.helpers import (
    Worker,
    card_title,
    cards_for,
    conversation_of,
    eventually,
    is_marked_repeat,
    leads_of,
    next_prompt,
    pending_outbox,
    wait_for_card,
)

pytestmark = pytest.mark.usefixtures("roomy_private_chats")


@pytest.fixture(autouse=True)
async def _setup(sandbox: SandboxClient) -> None:
    await sandbox.clear_faults()
    try:
        await sandbox.chat(ADMIN_GROUP_ID)
    except SandboxError:
        admin = new_user_id()
        await sandbox.create_user("Admin", user_id=admin)
        await sandbox.create_group("Admin Kampanye", chat_id=ADMIN_GROUP_ID, members=[admin])


async def fault_fired(sandbox: SandboxClient, key: str) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return bool((await sandbox.stats())["faults"].get(key))
    return check


async def expire_leases(db: Database) -> None:
    """The killed process's claims would expire after the 60 s lease, and retries wait out
    their backoff: bring both forward (the process that held them is dead)."""
    async with db.transaction() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == "pending")
            .values(locked_until=None, next_attempt_at=utcnow())
        )


def _new_lead_cards(messages: list[dict]) -> list[tuple[int, bool]]:
    """(lead id, marked as a possible repeat) of each new-lead card among ``messages``."""
    cards = []
    for message in messages:
        found = re.search(r"Lead baru #(\d+)", card_title(message))
        if found:
            cards.append((int(found.group(1)), is_marked_repeat(message)))
    return cards


def _card_ids(messages: list[dict]) -> list[int]:
    """Lead ids of the new-lead cards among ``messages`` (marked repeats included)."""
    return [lead_id for lead_id, _marked in _new_lead_cards(messages)]


async def test_kill_in_the_middle_of_a_registration_resumes(
    sandbox: SandboxClient, bot: BotProcess, bot_db: Database
) -> None:
    worker = await Worker(sandbox, "id", "Joko").create()
    await worker.register_to("name")
    await sandbox.reset_stats()
    # The reply to the name hangs for 2 s: the bot is killed while it waits.
    await sandbox.inject_fault("sendMessage", "timeout", seconds=2, chat_id=worker.id)
    await sandbox.send_text(worker.id, "Joko Susilo")
    await eventually(await fault_fired(sandbox, "sendMessage timeout"))
    await asyncio.to_thread(bot.restart, kill=True)

    state = await conversation_of(bot_db, worker.id)
    assert state is not None and state.step == "phone" and state.data["name"] == "Joko Susilo"
    await next_prompt(sandbox, worker.id)  # Telegram delivered the hung question after all
    prompt = await worker.answer("0812 3456 7890")
    prompt = await worker.press(prompt, "r:occupation:buruh")
    prompt = await worker.answer("merauke")
    prompt = await worker.press(prompt, "r:income:skip")
    summary = await worker.press(prompt, "r:contact_time:pagi")
    assert "Joko Susilo" in summary["text"]
    await worker.confirm(summary)
    [lead] = await leads_of(bot_db, worker.id)
    await wait_for_card(sandbox, ADMIN_GROUP_ID, lead.id)


async def test_kill_with_cards_waiting_in_the_outbox(
    sandbox: SandboxClient, bot: BotProcess, bot_db: Database
) -> None:
    """Every card send fails until the bot is killed; after the restart each is sent once."""
    await sandbox.inject_fault("sendMessage", 500, times=10_000, chat_id=ADMIN_GROUP_ID)
    confirmed = []
    for letter in "ABC":
        worker = await Worker(sandbox, "id", "Pekerja").create()
        summary = await worker.register_to("summary", name=f"Pekerja Antre {letter}",
                                           place="merauke")
        await worker.confirm(summary)
        confirmed += [lead.id for lead in await leads_of(bot_db, worker.id)]
    await eventually(await fault_fired(sandbox, "sendMessage 500"))
    await asyncio.to_thread(bot.stop, kill=True)
    await sandbox.clear_faults()
    await expire_leases(bot_db)
    await asyncio.to_thread(bot.restart)
    for lead_id in confirmed:
        await wait_for_card(sandbox, ADMIN_GROUP_ID, lead_id, timeout=20)
    await eventually(lambda: _no_pending(bot_db))
    delivered = _card_ids(await sandbox.messages(ADMIN_GROUP_ID, sender="bot"))
    assert sorted(i for i in delivered if i in confirmed) == sorted(confirmed)


async def _no_pending(db: Database) -> bool:
    return await pending_outbox(db) == 0


async def test_kill_with_a_card_in_flight(sandbox: SandboxClient, bot: BotProcess,
                                          bot_db: Database) -> None:
    """Killed while Telegram holds the card's sendMessage (3 s, then delivers it): the restarted
    bot cannot know whether it arrived, so it sends it again, marked. The group has exactly one
    plain card for the lead, and any other is marked."""
    await sandbox.reset_stats()
    await sandbox.inject_fault("sendMessage", "timeout", seconds=3, chat_id=ADMIN_GROUP_ID)
    worker = await Worker(sandbox, "id", "Pekerja").create()
    summary = await worker.register_to("summary", name="Pekerja Melayang", place="merauke")
    await worker.confirm(summary)
    [lead] = await leads_of(bot_db, worker.id)
    await eventually(await fault_fired(sandbox, "sendMessage timeout"))
    await asyncio.to_thread(bot.stop, kill=True)
    async with bot_db.transaction() as session:
        [row] = (await session.execute(
            select(OutboxMessage).where(OutboxMessage.lead_id == lead.id)
        )).scalars()
    assert row.status == "pending" and row.send_started_at is not None  # recorded before sending
    await expire_leases(bot_db)
    await asyncio.to_thread(bot.restart)
    await wait_for_card(sandbox, ADMIN_GROUP_ID, lead.id, timeout=20)
    await wait_for_card(sandbox, ADMIN_GROUP_ID, lead.id)  # the held original and the resend
    await eventually(lambda: _no_pending(bot_db))
    with pytest.raises(SandboxTimeout):  # and nothing more
        await wait_for_card(sandbox, ADMIN_GROUP_ID, lead.id, timeout=3)
    cards = await cards_for(sandbox, ADMIN_GROUP_ID, lead.id)
    assert [is_marked_repeat(card) for card in cards].count(False) == 1
    assert len(cards) == 2 and all(card_title(c).startswith("📝 Lead baru #") for c in cards)
    async with bot_db.transaction() as session:
        sent = await session.get(OutboxMessage, row.id)
        assert sent is not None and sent.status == "sent" and sent.uncertain_sends == 1


async def test_every_confirmed_lead_was_delivered_exactly_once(
    sandbox: SandboxClient, bot_db: Database
) -> None:
    """The count over this module: every confirmed lead has a new-lead card in a group, never
    two plain ones; the only duplicates are marked as possible repeats."""
    await eventually(lambda: _no_pending(bot_db))
    async with bot_db.transaction() as session:
        confirmed = sorted((await session.execute(select(Lead.id))).scalars())
    cards: list[tuple[int, bool]] = []
    for chat in {ADMIN_GROUP_ID}:
        cards += _new_lead_cards(await sandbox.messages(chat, sender="bot"))
    plain = [lead_id for lead_id, marked in cards if not marked]
    repeats = [lead_id for lead_id, marked in cards if marked]
    print(f"leads confirmed: {len(confirmed)}, new-lead cards delivered: {len(cards)} "
          f"(leads: {len({lead_id for lead_id, _ in cards})}), marked repeats: {len(repeats)}")
    assert sorted({lead_id for lead_id, _ in cards}) == confirmed  # every one, nothing else
    assert len(plain) == len(set(plain))  # no silent duplicate
