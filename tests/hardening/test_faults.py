"""Bot API faults, injected by the sandbox: 500, 502 (nginx's HTML page), timeouts, 429 with
retry_after, 403 (the user blocked the bot) and 400 (the card to edit was deleted). The worker
gets an answer or an apology in their language, a blocked user is marked and not retried, and
lead cards reach a group once (a slow answer is waited for, not retried)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.geo import load_default_directory
from db.engine import Database
from db.models import Lead, OutboxMessage
from handlers.start import greeting, help_text
from sandbox.client import SandboxClient, SandboxError, SandboxTimeout
from tests.e2e.conftest import ADMIN_GROUP_ID
from tests.e2e.harness import BotProcess, new_user_id
from tests.hardening.helpers import (
    APOLOGY,
    LANGUAGES,
    Worker,
    cards_for,
    eventually,
    is_marked_repeat,
    leads_of,
    link_group,
    plain,
    query_id,
    says,
    user_row,
    wait_for_card,
)

pytestmark = pytest.mark.usefixtures("roomy_private_chats")

SLOW_CONFIRMATION = (
    "⚠️ Telegram was slow to confirm my last reply. If you do not see it above, "
    "please send your message again."
)


@pytest.fixture(autouse=True)
async def _clean_faults(sandbox: SandboxClient) -> None:
    await sandbox.clear_faults()


@pytest.fixture(autouse=True)
async def _admin_group(sandbox: SandboxClient) -> None:
    try:
        await sandbox.chat(ADMIN_GROUP_ID)
    except SandboxError:
        admin = new_user_id()
        await sandbox.create_user("Admin", user_id=admin)
        await sandbox.create_group("Admin Kampanye", chat_id=ADMIN_GROUP_ID, members=[admin])


# --- the reply to a worker fails -------------------------------------------------------------


LANGUAGES_OF_APOLOGY = ["id", "en"]


# The bot tries a reply refused with a 5xx three times (bot.telegram_request) before it gives
# up: one bad gateway is not met with silence.
REPLY_ATTEMPTS = 3


@pytest.mark.parametrize("status", [500, 502])
async def test_one_refused_reply_is_tried_again(sandbox: SandboxClient, status: int) -> None:
    worker = await Worker(sandbox, "id", "Tono").create()
    await sandbox.inject_fault("sendMessage", status, times=1, chat_id=worker.id)
    reply = await worker.say("/start")
    assert reply["text"] == plain(greeting("Tono", "id"))


@pytest.mark.parametrize("lang", LANGUAGES_OF_APOLOGY)
@pytest.mark.parametrize("status", [500, 502])
async def test_a_reply_refused_every_time_gets_an_apology(sandbox: SandboxClient, lang: str,
                                                          status: int) -> None:
    worker = await Worker(sandbox, lang, "Tono").create()
    await sandbox.inject_fault("sendMessage", status, times=REPLY_ATTEMPTS, chat_id=worker.id)
    reply = await worker.say("/start")
    assert reply["text"] == says(APOLOGY, lang)
    again = await worker.say("/start")  # and the next try works
    assert again["text"] == plain(greeting("Tono", lang))


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_a_429_on_the_reply_is_waited_out(sandbox: SandboxClient, lang: str) -> None:
    worker = await Worker(sandbox, lang, "Tono").create()
    await sandbox.inject_fault("sendMessage", 429, times=1, retry_after=1, chat_id=worker.id)
    reply = await worker.say("/start")
    assert reply["text"] == plain(greeting("Tono", lang))


async def test_a_slow_reply_still_arrives(sandbox: SandboxClient) -> None:
    """Telegram answers after 1 s (under python-telegram-bot's 5 s read timeout)."""
    worker = await Worker(sandbox, "en", "Tono").create()
    await sandbox.inject_fault("sendMessage", "timeout", seconds=1, chat_id=worker.id)
    reply = await worker.say("/start")
    assert reply["text"] == plain(greeting("Tono", "en"))


async def test_a_reply_that_times_out(sandbox: SandboxClient) -> None:
    """Telegram hangs past the client's timeout: the worker hears from us, and the bot goes on
    (the hung message may still arrive, as with Telegram)."""
    worker = await Worker(sandbox, "id", "Tono").create()
    await sandbox.inject_fault("sendMessage", "timeout", seconds=7, chat_id=worker.id)
    await sandbox.send_text(worker.id, "/start")
    [first] = await sandbox.wait_for_messages(worker.id, timeout=15)
    # The reply's outcome is unknown, so it is not repeated: the worker is told it may be above.
    slow = says(SLOW_CONFIRMATION, "id")
    assert first["text"] in (slow, says(APOLOGY, "id"), plain(greeting("Tono", "id")))
    await sandbox.send_text(worker.id, "/bantuan")
    texts = [m["text"] for m in await sandbox.wait_for_messages(worker.id, timeout=15)]
    while plain(help_text("id")) not in texts:
        texts = [m["text"] for m in await sandbox.wait_for_messages(worker.id, timeout=15)]


@pytest.mark.parametrize("status", [500, "timeout"])  # (502 is tried on sendMessage above)
async def test_polling_recovers_from_get_updates_faults(sandbox: SandboxClient,
                                                        status: int | str) -> None:
    await sandbox.inject_fault("getUpdates", status, times=1, seconds=1)
    worker = await Worker(sandbox, "id", "Tono").create()
    reply = await worker.say("/start")
    assert reply["text"] == plain(greeting("Tono", "id"))


@pytest.mark.parametrize("lang", LANGUAGES_OF_APOLOGY)
async def test_a_failed_button_answer(sandbox: SandboxClient, lang: str) -> None:
    worker = await Worker(sandbox, lang).create()
    menu = await worker.say("/start")
    await sandbox.inject_fault("answerCallbackQuery", 500, times=1)
    await sandbox.press_button(worker.id, menu["message_id"], data="m:lang")
    [reply] = await sandbox.wait_for_messages(worker.id)
    assert reply["text"] in (says(APOLOGY, lang), says("Choose your language:", lang))
    press = await sandbox.press_button(worker.id, menu["message_id"], data="m:lang")
    await sandbox.callback_answer(query_id(press))


# --- 403: the worker blocked the bot ----------------------------------------------------------


async def test_a_403_marks_the_user_blocked_without_a_retry_storm(
    sandbox: SandboxClient, bot_db: Database
) -> None:
    worker = await Worker(sandbox, "id").create()
    await worker.say("/start")  # known to the bot
    await sandbox.reset_stats()
    await sandbox.inject_fault("sendMessage", 403, times=5, chat_id=worker.id)
    await sandbox.send_text(worker.id, "berapa iuran sebulan?")

    async def blocked() -> bool:
        row = await user_row(bot_db, worker.id)
        return row is not None and row.blocked_at is not None

    await eventually(blocked)
    # A sentinel round trip through another chat: anything the bot still meant to send to the
    # blocked worker would have been tried by now.
    other = await Worker(sandbox, "id").create()
    await other.say("/bantuan")
    stats = await sandbox.stats()
    assert stats["faults"].get("sendMessage 403") == 1  # tried once: no retry, no apology
    assert stats["calls"]["sendMessage"] == 2  # that try, and the sentinel's answer
    # The worker writes again: they unblocked the bot.
    await sandbox.clear_faults()
    await worker.say("/start")
    row = await user_row(bot_db, worker.id)
    assert row is not None and row.blocked_at is None


async def test_blocking_and_unblocking_the_bot(sandbox: SandboxClient, bot_db: Database) -> None:
    worker = await Worker(sandbox, "id").create()
    await worker.say("/start")
    await sandbox.reset_stats()
    await sandbox.block_bot(worker.id)

    async def blocked() -> bool:
        row = await user_row(bot_db, worker.id)
        return row is not None and row.blocked_at is not None

    await eventually(blocked)
    stats = await sandbox.stats()
    assert stats["calls"].get("sendMessage", 0) == 0  # nothing sent to someone who left
    await sandbox.unblock_bot(worker.id)
    await worker.say("/start")
    row = await user_row(bot_db, worker.id)
    assert row is not None and row.blocked_at is None


# --- lead cards ---------------------------------------------------------------------------------


async def _register(sandbox: SandboxClient, place: str, name: str) -> Worker:
    worker = await Worker(sandbox, "id", name.split()[0]).create()
    summary = await worker.register_to("summary", name=name, place=place)
    await worker.confirm(summary)
    return worker


@pytest.mark.parametrize(("description", "regency", "place"), [
    ("Bad Request: message to edit not found", "kota-medan", "kota medan"),
    ("Bad Request: message can't be edited", "kota-makassar", "makassar"),
])
async def test_a_button_on_a_deleted_card_posts_the_card_again(
    sandbox: SandboxClient, bot: BotProcess, bot_db: Database, description: str, regency: str,
    place: str
) -> None:
    # A branch of its own: a card goes to the first group linked to its branch.
    branch = load_default_directory().route_regency(regency).code
    group, staff = await link_group(sandbox, bot, branch)
    worker = await _register(sandbox, place, "Wati Lestari")
    [lead] = await leads_of(bot_db, worker.id)
    card = await wait_for_card(sandbox, group, lead.id)
    await sandbox.inject_fault("editMessageText", 400, times=1, description=description,
                               chat_id=group)
    press = await sandbox.press_button(group, card["message_id"], data=f"ld:{lead.id}:ambil",
                                       user_id=staff)
    assert (await sandbox.callback_answer(query_id(press)))["text"]
    reposted = await wait_for_card(sandbox, group, lead.id)
    assert "Petugas Cabang" in reposted["text"]
    assert "🙋 Ambil" not in [b["text"] for row in reposted["reply_markup"]["inline_keyboard"]
                             for b in row]
    async with bot_db.transaction() as session:
        stored = await session.get(Lead, lead.id)
        assert stored is not None and stored.status == "diambil"


async def test_a_group_that_removed_the_bot_falls_back_to_the_admin_group(
    sandbox: SandboxClient, bot: BotProcess, bot_db: Database
) -> None:
    branch = load_default_directory().route_regency("kab-bogor").code
    group, _staff = await link_group(sandbox, bot, branch)
    await sandbox.inject_fault("sendMessage", 403, times=1, chat_id=group,
                               description="Forbidden: bot was kicked from the supergroup chat")
    worker = await _register(sandbox, "kabupaten bogor", "Ujang Sopandi")
    [lead] = await leads_of(bot_db, worker.id)
    await wait_for_card(sandbox, ADMIN_GROUP_ID, lead.id)
    assert await cards_for(sandbox, group, lead.id) == []


async def test_a_card_send_that_times_out_is_not_duplicated(sandbox: SandboxClient,
                                                            bot_db: Database) -> None:
    """Telegram takes 6 s to answer (over python-telegram-bot's 5 s default read timeout) but
    does deliver: the outbox waits for slow answers (READ_TIMEOUT), so the card counts as sent
    and is not sent again, not even as a marked repeat."""
    await sandbox.inject_fault("sendMessage", "timeout", seconds=6, chat_id=ADMIN_GROUP_ID)
    worker = await _register(sandbox, "merauke", "Yohanes Gebze")
    [lead] = await leads_of(bot_db, worker.id)
    card = await wait_for_card(sandbox, ADMIN_GROUP_ID, lead.id, timeout=20)
    assert not is_marked_repeat(card)
    # A retry after a 5 s timeout would have come 2 s after it: wait for any second card.
    with pytest.raises(SandboxTimeout):
        await wait_for_card(sandbox, ADMIN_GROUP_ID, lead.id, timeout=4)
    assert len(await cards_for(sandbox, ADMIN_GROUP_ID, lead.id)) == 1
    async with bot_db.transaction() as session:
        [row] = (await session.execute(
            select(OutboxMessage).where(OutboxMessage.lead_id == lead.id)
        )).scalars()
    assert row.status == "sent" and row.attempts == 1 and row.uncertain_sends == 0
