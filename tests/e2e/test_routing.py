"""The router end to end (handlers/dispatch.py): what a worker gets when one feature hands the
update to another. A typed question that asks to register starts the registration, one that
asks for a person starts "Tanya petugas", so do the "Daftar" topic button and the fallback
button; a text typed long after the "Tanya petugas" prompt is answered as a question; and the
place question of "Tanya petugas" explains a refused place as the registration does."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from sqlalchemy import select, update

from bot.clock import utcnow
from bot.handoff import PROMPT_TTL
from bot.i18n import _
from bot.presentation.input_errors import ERRORS
from db.engine import Database
from db.models import ConversationState, Ticket, User
from sandbox.client import SandboxClient
from tests.e2e.harness import BotProcess, new_user_id

NULL_ISLAND = (0.0, 0.0)


def buttons(message: dict) -> list[str]:
    """The callback data of a message's inline buttons."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [button["callback_data"] for row in rows for button in row]


def plain(text: str) -> str:
    """What the worker reads of an HTML message (the sandbox keeps the text without tags)."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


async def new_worker(sandbox: SandboxClient) -> int:
    worker = new_user_id()
    await sandbox.create_user("Rina", user_id=worker, language_code="id")
    return worker


def assert_registration_consent(message: dict) -> None:
    assert buttons(message) == ["r:consent:yes", "r:consent:no"], message


def assert_handoff_prompt(message: dict) -> None:
    assert "petugas" in message["text"].lower(), message["text"]
    assert buttons(message)[-1] == "hd:cancel", message


async def test_a_question_asking_to_register_starts_the_registration(
    sandbox: SandboxClient,
) -> None:
    worker = await new_worker(sandbox)
    await sandbox.send_text(worker, "sy mau daftar")
    [consent] = await sandbox.wait_for_messages(worker)
    assert_registration_consent(consent)


async def test_a_question_asking_for_a_person_starts_tanya_petugas(
    sandbox: SandboxClient,
) -> None:
    worker = await new_worker(sandbox)
    await sandbox.send_text(worker, "tolong sambungin ke manusia")
    [prompt] = await sandbox.wait_for_messages(worker)
    assert_handoff_prompt(prompt)


async def test_the_register_and_staff_topic_buttons_start_their_features(
    sandbox: SandboxClient,
) -> None:
    worker = await new_worker(sandbox)
    await sandbox.send_text(worker, "berapa iuran per bulan?")
    [answer] = await sandbox.wait_for_messages(worker)
    press = await sandbox.press_button(worker, answer["message_id"], data="q:daftar_minat",
                                       forge=True)
    [consent] = await sandbox.wait_for_messages(worker)
    assert_registration_consent(consent)
    assert press.callback_query_id is not None
    await sandbox.callback_answer(press.callback_query_id)  # the spinner stops

    await sandbox.send_text(worker, "/batal")
    await sandbox.wait_for_messages(worker, count=2)
    press = await sandbox.press_button(worker, answer["message_id"], data="q:petugas", forge=True)
    [prompt] = await sandbox.wait_for_messages(worker)
    assert_handoff_prompt(prompt)
    assert press.callback_query_id is not None
    await sandbox.callback_answer(press.callback_query_id)


async def test_a_text_long_after_the_staff_prompt_is_answered_as_a_question(
    sandbox: SandboxClient, bot: BotProcess
) -> None:
    worker = await new_worker(sandbox)
    await sandbox.send_text(worker, "/petugas")
    [prompt] = await sandbox.wait_for_messages(worker)
    assert_handoff_prompt(prompt)
    database = Database(bot.database_url)
    try:
        async with database.transaction() as session:
            user_id = select(User.id).where(User.telegram_id == worker).scalar_subquery()
            await session.execute(
                update(ConversationState)
                .where(ConversationState.user_id == user_id)
                .values(updated_at=utcnow() - PROMPT_TTL - timedelta(minutes=1))
            )
        await sandbox.send_text(worker, "berapa iuran per bulan?")
        [answer] = await sandbox.wait_for_messages(worker)
        assert "Iuran BPU per bulan" in answer["text"], answer["text"]
        async with database.transaction() as session:
            tickets = (
                await session.execute(
                    select(Ticket).join(User, User.id == Ticket.user_id)
                    .where(User.telegram_id == worker)
                )
            ).scalars().all()
        assert tickets == []  # nothing went to staff
    finally:
        await database.dispose()


async def test_the_staff_place_question_explains_a_refused_place(sandbox: SandboxClient) -> None:
    worker = await new_worker(sandbox)
    await sandbox.send_text(worker, "/petugas")
    await sandbox.wait_for_messages(worker)
    await sandbox.send_text(worker, "Apakah ojek bisa ikut?")
    [where] = await sandbox.wait_for_messages(worker)
    assert "di mana" in where["text"].lower(), where["text"]
    await sandbox.send_location(worker, *NULL_ISLAND)
    [again] = await sandbox.wait_for_messages(worker)
    assert again["text"].startswith(plain(_(ERRORS["outside_indonesia"], "id"))), again["text"]
    assert "di mana" in again["text"].lower(), again["text"]
