"""The control API through :class:`SandboxClient`: people's actions arrive as the updates
Telegram would send, and waiting for the bot needs no sleeps."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)

from sandbox.client import SandboxClient, SandboxError, SandboxTimeout, run_in_thread

from .conftest import TOKEN, make_bot


async def updates(bot: Bot) -> list[Update]:
    """Everything pending, confirmed."""
    found = list(await bot.get_updates(timeout=0))
    if found:
        await bot.get_updates(offset=found[-1].update_id + 1, timeout=0)
    return found


async def test_wait_for_messages_returns_only_new_replies(
    bot: Bot, client: SandboxClient, worker: int
) -> None:
    await updates(bot)
    await bot.send_message(worker, "Selamat datang")
    [greeting] = await client.wait_for_messages(worker)
    assert greeting["text"] == "Selamat datang"

    async def reply_later() -> None:
        await asyncio.sleep(0.2)
        await bot.send_message(worker, "Satu")
        await bot.send_message(worker, "Dua")

    await client.send_text(worker, "halo")
    task = asyncio.create_task(reply_later())
    first, second = await client.wait_for_messages(worker, count=2, timeout=5)
    await task
    assert (first["text"], second["text"]) == ("Satu", "Dua")
    with pytest.raises(SandboxTimeout, match="0 of 1"):
        await client.wait_for_messages(worker, timeout=0.2)
    assert (await client.last_message(worker) or {})["text"] == "Dua"


async def test_pressing_buttons_by_label_or_data_and_forging(
    bot: Bot, client: SandboxClient, worker: int
) -> None:
    await updates(bot)
    menu = await bot.send_message(
        worker,
        "Menu",
        reply_markup=InlineKeyboardMarkup(
            [
                [InlineKeyboardButton("Kalkulator iuran", callback_data="calc")],
                [InlineKeyboardButton("Situs", url="https://www.bpjsketenagakerjaan.go.id")],
            ]
        ),
    )
    pressed = await client.press_button(worker, text="Kalkulator iuran")  # last keyboard
    [update] = await updates(bot)
    query = update.callback_query
    assert query is not None and query.data == "calc" and query.id == pressed.callback_query_id
    assert query.message is not None and query.message.message_id == menu.message_id
    assert (await client.press_button(worker, menu.message_id, text="Situs")).url is not None
    with pytest.raises(SandboxError, match="no button"):
        await client.press_button(worker, menu.message_id, data="admin:hapus_semua")
    forged = await client.press_button(
        worker, menu.message_id, data="admin:hapus_semua", forge=True
    )
    [update] = await updates(bot)
    assert update.callback_query is not None
    assert update.callback_query.data == "admin:hapus_semua"
    assert forged.update_id == update.update_id

    await bot.edit_message_text("Menu lama", worker, menu.message_id)
    edited = await client.wait_for_edit(worker, menu.message_id, timeout=2)
    assert edited["text"] == "Menu lama" and edited["edit_count"] == 1


async def test_reply_keyboard_shares_contact_and_location(
    bot: Bot, client: SandboxClient, worker: int
) -> None:
    await updates(bot)
    markup = ReplyKeyboardMarkup(
        [
            [KeyboardButton("Bagikan nomor HP", request_contact=True)],
            [KeyboardButton("Kantor terdekat", request_location=True)],
        ],
        one_time_keyboard=True,
        resize_keyboard=True,
    )
    await bot.send_message(worker, "Nomor?", reply_markup=markup)
    await client.press_reply_button(worker, "Bagikan nomor HP")
    [update] = await updates(bot)
    contact = update.message.contact if update.message else None
    assert contact is not None and contact.user_id == worker
    assert (await client.chat(worker))["reply_keyboard"] is None  # one-time keyboard hides

    await bot.send_message(worker, "Lokasi?", reply_markup=markup)
    with pytest.raises(SandboxError, match="latitude"):
        await client.press_reply_button(worker, "Kantor terdekat")
    await client.press_reply_button(worker, "Kantor terdekat", latitude=-7.1167, longitude=112.4167)
    [update] = await updates(bot)
    assert update.message is not None and update.message.location is not None
    assert update.message.location.latitude == pytest.approx(-7.1167)


async def test_every_kind_of_message_a_worker_can_send(
    bot: Bot, client: SandboxClient, worker: int
) -> None:
    await updates(bot)
    other = await client.create_user("Teman")
    await client.send_contact(worker, "+6281111", first_name="Teman", contact_user_id=other["id"])
    await client.send_location(worker, -6.595, 106.8166)
    await client.send_sticker(worker)
    await client.send_voice(worker)
    await client.send_photo(worker, caption="KTP")
    await client.send_video(worker)
    await client.send_document(worker, "slip.pdf", b"%PDF-1.4", mime_type="application/pdf")
    await client.send_poll(worker, "Kapan?", ["Pagi", "Sore"])
    await client.forward_text(worker, "Info iuran", from_name="Grup Desa")
    sent = await client.send_text(worker, "typo")
    await client.edit_text(worker, int(sent.message_id or 0), "bukan typo")
    reply = await client.send_text(worker, "balasan", reply_to=sent.message_id)
    received = await updates(bot)
    # Updates are snapshots: the edit does not rewrite the message update already queued.
    assert received[9].message is not None and received[9].message.text == "typo"
    messages = [u.message or u.edited_message for u in received]
    assert all(m is not None for m in messages)
    order = ("contact", "location", "sticker", "voice", "photo", "video", "document", "poll")
    kinds = [next(k for k in (*order, "forward_origin", "text") if getattr(m, k)) for m in messages]
    assert kinds == [*order, "forward_origin", "text", "text", "text"]
    assert messages[0] is not None and messages[0].contact is not None
    assert messages[0].contact.user_id == other["id"]  # someone else's contact
    assert received[10].edited_message is not None
    assert received[10].edited_message.text == "bukan typo"
    assert messages[11] is not None and messages[11].reply_to_message is not None
    assert messages[11].reply_to_message.message_id == sent.message_id
    assert reply.delivered
    file = await bot.get_file(messages[6].document.file_id)  # type: ignore[union-attr]
    assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4"


async def test_group_privacy_mode_filters_what_the_bot_sees(
    bot: Bot, client: SandboxClient
) -> None:
    staff = await client.create_user("Budi")
    group = await client.create_group("KC Makassar", members=[staff["id"]])
    joined = await updates(bot)
    assert joined[0].my_chat_member is not None  # the bot learns it was added
    assert joined[0].my_chat_member.new_chat_member.status == "member"
    assert joined[1].message is not None and joined[1].message.new_chat_members
    chatter = await client.send_text(staff["id"], "selamat pagi", chat_id=group["id"])
    assert not chatter.delivered and chatter.update_id is None
    command = await client.send_text(staff["id"], "/klaim@BebasCemasBot 12", chat_id=group["id"])
    other_bot = await client.send_text(staff["id"], "/klaim@LainBot", chat_id=group["id"])
    assert command.delivered and not other_bot.delivered
    card = await bot.send_message(group["id"], "Lead baru: Sari")
    answer = await client.send_text(
        staff["id"], "sudah saya telepon", chat_id=group["id"], reply_to=card.message_id
    )
    assert answer.delivered  # replies to the bot always reach it
    texts = [u.message.text for u in await updates(bot) if u.message]
    assert texts == ["/klaim@BebasCemasBot 12", "sudah saya telepon"]
    outsider = await client.create_user("Orang Luar")
    with pytest.raises(SandboxError, match="not a member"):
        await client.send_text(outsider["id"], "halo", chat_id=group["id"])
    await client.set_bot_status(group["id"], "administrator")
    assert (await client.send_text(staff["id"], "semua terlihat", chat_id=group["id"])).delivered


async def test_bot_removed_from_group_is_forbidden(bot: Bot, client: SandboxClient) -> None:
    from telegram.error import Forbidden

    staff = await client.create_user("Budi")
    group = await client.create_group("KC Jayapura", members=[staff["id"]])
    await client.set_bot_status(group["id"], "kicked")
    with pytest.raises(Forbidden, match=r"(?i)bot was kicked from the supergroup chat"):
        await bot.send_message(group["id"], "halo")


async def test_blocking_sends_my_chat_member(bot: Bot, client: SandboxClient, worker: int) -> None:
    await updates(bot)
    await client.block_bot(worker)
    [update] = await updates(bot)
    assert update.my_chat_member is not None
    assert update.my_chat_member.new_chat_member.status == "kicked"


async def test_stats_count_calls_and_sends_per_second(
    bot: Bot, client: SandboxClient, worker: int
) -> None:
    await client.reset_stats()
    for n in range(3):
        await bot.send_message(worker, str(n))
    stats = await client.stats()
    assert stats["calls"]["sendMessage"] == 3 and stats["sends"] == 3
    assert sum(stats["sends_per_second"].values()) == 3
    assert stats["max_sends_any_1s_window"] == 3
    assert stats["rate_limited_total"] == 0


async def test_reset_keeps_update_ids_growing(bot: Bot, client: SandboxClient) -> None:
    user = await client.create_user("Sari")
    before = await client.send_text(user["id"], "satu")
    await client.reset()
    with pytest.raises(SandboxError, match="unknown user"):
        await client.send_text(user["id"], "dua")
    again = await client.create_user("Sari")
    assert again["id"] != user["id"]
    after = await client.send_text(again["id"], "dua")
    assert (after.update_id or 0) > (before.update_id or 0)
    assert [u.message.text for u in await updates(bot) if u.message] == ["dua"]


async def test_wait_for_change_reports_callback_answers(
    bot: Bot, client: SandboxClient, worker: int
) -> None:
    await updates(bot)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    menu = await bot.send_message(worker, "Menu", reply_markup=markup)
    pressed = await client.press_button(worker, menu.message_id, data="a")
    [update] = await updates(bot)
    assert update.callback_query is not None
    await update.callback_query.answer("Tersimpan", show_alert=True)
    change = await client.wait_for_change(worker, timeout=2, since=pressed.version)
    assert change["callback_answers"][0]["answer"]["text"] == "Tersimpan"


def test_run_in_thread_serves_a_synchronous_fixture() -> None:
    url, stop = run_in_thread(port=0, token=TOKEN)
    try:

        async def talk() -> str:
            async with (
                aiohttp.ClientSession() as session,
                session.post(f"{url}/bot{TOKEN}/getMe") as response,
            ):
                body = await response.json()
            return str(body["result"]["username"])

        assert asyncio.run(talk()) == "BebasCemasBot"
    finally:
        stop()
        stop()  # idempotent


async def test_a_python_telegram_bot_application_polls_the_sandbox(
    sandbox: object, client: SandboxClient
) -> None:
    """The whole loop: Application with polling, a command handler and a button handler."""
    from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

    url = str(getattr(sandbox, "url"))  # noqa: B009 - the fixture's type lives in conftest

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        payload = " ".join(context.args or [])
        await update.effective_message.reply_html(
            f"<b>Halo</b> dari {payload or 'sini'}",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("Lanjut", callback_data="next")]]
            ),
        )

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer()
        await update.callback_query.edit_message_text("Lanjut ✔")

    application = Application.builder().bot(make_bot(url)).build()
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(pressed))
    async with application:
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        await application.start()
        try:
            user = await client.create_user("Sari")
            await client.send_text(user["id"], "/start kkbc_lamongan")
            [reply] = await client.wait_for_messages(user["id"], timeout=5)
            assert reply["text"] == "Halo dari kkbc_lamongan"
            assert reply["entities"] == [{"offset": 0, "length": 4, "type": "bold"}]
            press = await client.press_button(user["id"], reply["message_id"], text="Lanjut")
            edited = await client.wait_for_edit(user["id"], reply["message_id"], timeout=5)
            assert edited["text"] == "Lanjut ✔" and "reply_markup" not in edited
            assert (await client.callback_answer(str(press.callback_query_id)))["text"] is None
        finally:
            await application.updater.stop()
            await application.stop()
