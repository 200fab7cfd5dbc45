"""A real python-telegram-bot ``Bot`` against the sandbox over HTTP: what Telegram accepts
works, and what Telegram rejects raises the same errors here."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import warnings

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.request import HTTPXRequest

from sandbox.client import SandboxClient
from sandbox.server import SandboxHandle

from .conftest import TOKEN, make_bot

# PTB 22 warns when it builds RetryAfter with an int retry_after; that is PTB's business.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def retry_seconds(error: RetryAfter) -> float:
    """RetryAfter.retry_after is an int in PTB 22 and a timedelta later (or when opted in)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d.upper(), callback_data=d)] for d in data])


async def test_get_me_reports_the_configured_identity(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "BebasCemasBot", True)
    assert me.can_read_all_group_messages is False  # privacy mode, as on Telegram


async def test_html_message_is_stored_as_text_and_entities(
    bot: Bot, client: SandboxClient, worker: int
) -> None:
    sent = await bot.send_message(
        worker,
        "<b>Iuran</b> Rp16.800 &amp; JKK",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard("ya", "tidak"),
    )
    assert sent.text == "Iuran Rp16.800 & JKK"
    assert sent.entities[0].type == "bold" and sent.entities[0].length == 5
    assert sent.reply_markup is not None
    [stored] = await client.wait_for_messages(worker)
    assert stored["message_id"] == sent.message_id
    assert stored["reply_markup"]["inline_keyboard"][1][0]["callback_data"] == "tidak"


async def test_text_over_4096_after_parsing_is_rejected(bot: Bot, worker: int) -> None:
    await bot.send_message(worker, "<b>" + "a" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)Message is too long"):
        await bot.send_message(worker, "a" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)Message is too long"):
        await bot.send_message(worker, "💸" * 2049)  # 4098 UTF-16 code units
    with pytest.raises(BadRequest, match=r"(?i)Message text is empty"):
        await bot.send_message(worker, "   ")


async def test_malformed_html_is_rejected(bot: Bot, worker: int) -> None:
    with pytest.raises(BadRequest, match=r'(?i)unsupported start tag "nama"'):
        await bot.send_message(worker, "Halo <nama>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)Can't parse entities: can't find end tag"):
        await bot.send_message(worker, "<b>Halo", parse_mode=ParseMode.HTML)


async def test_callback_data_over_64_bytes_is_rejected(bot: Bot, worker: int) -> None:
    await bot.send_message(worker, "ok", reply_markup=keyboard("x" * 64))
    with pytest.raises(BadRequest, match=r"(?i)Button_data_invalid"):
        await bot.send_message(worker, "too long", reply_markup=keyboard("x" * 65))
    text_only = InlineKeyboardMarkup([[InlineKeyboardButton("no action")]])
    with pytest.raises(BadRequest, match=r"(?i)Text buttons are unallowed"):
        await bot.send_message(worker, "x", reply_markup=text_only)
    many = InlineKeyboardMarkup(
        [[InlineKeyboardButton(str(i), callback_data=str(i))] for i in range(101)]
    )
    with pytest.raises(BadRequest, match=r"(?i)Reply markup is too long"):
        await bot.send_message(worker, "x", reply_markup=many)


async def test_unknown_and_not_started_chats_are_not_found(bot: Bot, client: SandboxClient) -> None:
    with pytest.raises(BadRequest, match=r"(?i)Chat not found"):
        await bot.send_message(424242, "hi")
    silent = await client.create_user("Belum Mulai")
    with pytest.raises(BadRequest, match=r"(?i)Chat not found"):
        await bot.send_message(silent["id"], "hi")  # never wrote to the bot


async def test_edits_follow_telegrams_rules(bot: Bot, client: SandboxClient, worker: int) -> None:
    sent = await bot.send_message(worker, "Pilih", reply_markup=keyboard("a"))
    with pytest.raises(BadRequest, match=r"(?i)Message is not modified"):
        await bot.edit_message_text("Pilih", worker, sent.message_id, reply_markup=keyboard("a"))
    edited = await bot.edit_message_text("Dipilih", worker, sent.message_id)
    assert (
        isinstance(edited, Message) and edited.reply_markup is None
    )  # an edit without reply_markup drops the keyboard
    with pytest.raises(BadRequest, match=r"(?i)Message is not modified"):
        await bot.edit_message_reply_markup(worker, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)Message to edit not found"):
        await bot.edit_message_text("x", worker, 9999)
    user_message = (await client.send_text(worker, "halo")).message_id
    with pytest.raises(BadRequest, match=r"(?i)Message can't be edited"):
        await bot.edit_message_text("x", worker, user_message)
    assert await bot.delete_message(worker, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)Message to edit not found"):
        await bot.edit_message_text("y", worker, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)Message to delete not found"):
        await bot.delete_message(worker, sent.message_id)
    [stored] = [m for m in await client.messages(worker) if m["message_id"] == sent.message_id]
    assert stored["deleted"] and stored["edit_count"] == 1 and stored["text"] == "Dipilih"


async def test_reply_keyboards_and_replies(bot: Bot, client: SandboxClient, worker: int) -> None:
    share = ReplyKeyboardMarkup(
        [[KeyboardButton("Bagikan nomor", request_contact=True)]], one_time_keyboard=True
    )
    question = await bot.send_message(worker, "Nomor HP?", reply_markup=share)
    assert question.reply_markup is None  # Telegram returns only inline keyboards
    assert (await client.chat(worker))["reply_keyboard"]["keyboard"][0][0]["request_contact"]
    answer = await bot.send_message(
        worker,
        "Terima kasih",
        reply_parameters=ReplyParameters(question.message_id),
        reply_markup=ReplyKeyboardRemove(),
    )
    assert answer.reply_to_message is not None
    assert answer.reply_to_message.message_id == question.message_id
    assert (await client.chat(worker))["reply_keyboard"] is None
    with pytest.raises(BadRequest, match=r"(?i)Message to be replied not found"):
        await bot.send_message(worker, "x", reply_parameters=ReplyParameters(9999))


async def test_answer_callback_query_once_and_only_for_real_queries(
    bot: Bot, client: SandboxClient, worker: int
) -> None:
    menu = await bot.send_message(worker, "Menu", reply_markup=keyboard("kalkulator"))
    press = await client.press_button(worker, menu.message_id, text="KALKULATOR")
    assert press.callback_query_id is not None
    assert await bot.answer_callback_query(press.callback_query_id, text="Sip")
    assert (await client.callback_answer(press.callback_query_id))["text"] == "Sip"
    with pytest.raises(BadRequest, match=r"(?i)Query is too old"):
        await bot.answer_callback_query(press.callback_query_id)
    with pytest.raises(BadRequest, match=r"(?i)Query is too old"):
        await bot.answer_callback_query("123")


async def test_blocked_user_gives_forbidden(bot: Bot, client: SandboxClient, worker: int) -> None:
    await client.block_bot(worker)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(worker, "Pengingat")
    await client.send_text(worker, "/start")  # writing again unblocks, like "Restart bot"
    assert (await bot.send_message(worker, "Halo lagi")).text == "Halo lagi"


async def test_rate_limits_answer_429_with_retry_after(
    sandbox: SandboxHandle, client: SandboxClient, bot: Bot, worker: int
) -> None:
    # A slow refill keeps the test exact on a slow machine; the burst is the default one.
    await client.set_rate_limits(True, private_per_second=0.05)
    for n in range(10):  # the burst a private chat is allowed
        await bot.send_message(worker, f"pesan {n}")
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(worker, "satu lagi")
    assert retry_seconds(raised.value) >= 1
    stats = await client.stats()
    assert stats["rate_limited"] == {"sendMessage": 1}
    assert stats["max_sends_any_1s_window_per_chat"][str(worker)] == 10
    await client.set_rate_limits(False)
    await bot.send_message(worker, "tanpa batas")


async def test_group_limit_is_20_per_minute(client: SandboxClient, bot: Bot) -> None:
    staff = await client.create_user("Budi")
    group = await client.create_group("KC Lamongan", members=[staff["id"]])
    await client.set_rate_limits(
        True, global_burst=100, global_per_second=100, group_per_second=0.001
    )
    for n in range(20):
        await bot.send_message(group["id"], f"kartu {n}")
    with pytest.raises(RetryAfter):
        await bot.send_message(group["id"], "kartu 21")
    assert (await client.stats())["max_sends_any_60s_window_per_group"][str(group["id"])] == 20


async def test_injected_faults_fail_then_recover(
    sandbox: SandboxHandle, client: SandboxClient, worker: int
) -> None:
    async with make_bot(sandbox.url, read_timeout=0.5) as bot:
        await client.inject_fault("sendMessage", 500, times=1)
        with pytest.raises(NetworkError, match=r"(?i)Internal Server Error"):
            await bot.send_message(worker, "a")
        await client.inject_fault("sendMessage", 502, times=1)
        with pytest.raises(NetworkError, match=r"(?i)Bad Gateway"):
            await bot.send_message(worker, "b")
        await client.inject_fault("sendMessage", "timeout", seconds=1.0)
        with pytest.raises(TimedOut):
            await bot.send_message(worker, "c")
        await client.inject_fault("*", 403, times=1)
        with pytest.raises(Forbidden):
            await bot.get_me()
        assert (await bot.send_message(worker, "d")).text == "d"
    # The timed-out call was still handled after the hang, as a slow Telegram would.
    await asyncio.sleep(0.6)
    texts = [m["text"] for m in await client.messages(worker, sender="bot")]
    assert texts == ["d", "c"] or texts == ["c", "d"]
    stats = await client.stats()
    assert stats["faults_total"] == 4
    assert stats["faults"]["sendMessage timeout"] == 1


async def test_faults_can_target_one_chat(bot: Bot, client: SandboxClient, worker: int) -> None:
    staff = await client.create_user("Budi")
    group = await client.create_group("KC Lamongan", members=[staff["id"]])
    await client.inject_fault("sendMessage", 500, times=1, chat_id=group["id"])
    assert (await bot.send_message(worker, "ke pekerja")).text == "ke pekerja"
    with pytest.raises(NetworkError):
        await bot.send_message(group["id"], "ke grup")
    assert (await bot.send_message(group["id"], "ke grup")).text == "ke grup"


async def test_injected_429_raises_retry_after(
    client: SandboxClient, bot: Bot, worker: int
) -> None:
    await client.inject_fault("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(worker, "x")
    assert retry_seconds(raised.value) == 7


async def test_get_updates_long_poll_returns_what_a_user_sends(
    bot: Bot, client: SandboxClient
) -> None:
    user = await client.create_user("Sari", language_code="en")
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    sent = await client.send_text(user["id"], "/start kkbc_lamongan")
    [update] = await asyncio.wait_for(poll, 3)
    assert update.update_id == sent.update_id
    assert update.message is not None and update.message.text == "/start kkbc_lamongan"
    assert update.message.from_user is not None and update.message.from_user.language_code == "en"
    assert update.message.entities[0].type == "bot_command"
    # Not confirmed yet: offered again until an offset above it is sent.
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [update.update_id]
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()


async def test_a_second_poller_terminates_the_first_with_conflict(
    sandbox: SandboxHandle,
) -> None:
    async with make_bot(sandbox.url) as first, make_bot(sandbox.url) as second:
        older = asyncio.create_task(first.get_updates(timeout=3))
        await asyncio.sleep(0.1)
        newer = asyncio.create_task(second.get_updates(timeout=0))
        with pytest.raises(Conflict, match=r"(?i)terminated by other getUpdates request"):
            await older
        assert await newer == ()


async def test_webhook_push_with_secret_and_retries(
    sandbox: SandboxHandle, client: SandboxClient, bot: Bot
) -> None:
    from aiohttp import web

    received: list[tuple[str | None, dict[str, object]]] = []
    failures = 1

    async def receive(request: web.Request) -> web.Response:
        nonlocal failures
        if failures:
            failures -= 1
            return web.Response(status=500)  # Telegram retries until it gets 2xx
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        received.append((secret, await request.json()))
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        assert await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret")
        with pytest.raises(
            Conflict, match=r"(?i)can't use getUpdates method while webhook is active"
        ):
            await bot.get_updates()
        user = await client.create_user("Sari")
        first = await client.send_text(user["id"], "satu")
        second = await client.send_text(user["id"], "dua")
        for _ in range(100):
            if len(received) == 2:
                break
            await asyncio.sleep(0.05)
        assert [secret for secret, _ in received] == ["s3cret", "s3cret"]
        assert [body["update_id"] for _, body in received] == [first.update_id, second.update_id]
        info = await bot.get_webhook_info()
        assert info.pending_update_count == 0 and info.last_error_message is not None
        assert (await client.stats())["webhook_failures"] == 1
        await client.redeliver(int(first.update_id or 0))
        for _ in range(100):
            if len(received) == 3:
                break
            await asyncio.sleep(0.05)
        assert received[2][1]["update_id"] == first.update_id
        assert await bot.delete_webhook()
        third = await client.send_text(user["id"], "tiga")
        assert [u.update_id for u in await bot.get_updates(timeout=0)] == [third.update_id]
    finally:
        await bot.delete_webhook()
        await runner.cleanup()


async def test_send_document_is_kept_with_its_bytes(
    bot: Bot, client: SandboxClient, worker: int
) -> None:
    csv = b"nama,telepon\nSari,+6281234\n"
    message = await bot.send_document(
        worker, csv, filename="leads.csv", caption="<b>Leads</b>", parse_mode=ParseMode.HTML
    )
    assert message.document is not None and message.document.file_name == "leads.csv"
    [document] = await client.documents(worker)
    assert document.file_name == "leads.csv" and document.size == len(csv)
    assert document.text() == csv.decode() and document.caption == "Leads"
    downloaded = await (await bot.get_file(message.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == csv


async def test_commands_are_kept_per_scope_and_language(bot: Bot, client: SandboxClient) -> None:
    await bot.set_my_commands([BotCommand("start", "Mulai"), BotCommand("bantuan", "Bantuan")])
    await bot.set_my_commands(
        [BotCommand("start", "Start")], scope=BotCommandScopeAllPrivateChats(), language_code="en"
    )
    assert [c.command for c in await bot.get_my_commands()] == ["start", "bantuan"]
    english = await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="en")
    assert [c.description for c in english] == ["Start"]
    stored = await client.commands(scope_type="all_private_chats", language_code="en")
    assert stored[0]["commands"] == [{"command": "start", "description": "Start"}]
    with pytest.raises(BadRequest, match=r"(?i)Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Daftar", "Daftar")])
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


async def test_chat_queries_and_actions(bot: Bot, client: SandboxClient, worker: int) -> None:
    chat = await bot.get_chat(worker)
    assert chat.first_name == "Sari"
    member = await bot.get_chat_member(worker, worker)
    assert member.status == "member"
    assert await bot.send_chat_action(worker, "typing")
    with pytest.raises(BadRequest, match=r"(?i)Wrong parameter action"):
        await bot.send_chat_action(worker, "dancing")
    staff = await client.create_user("Budi")
    group = await client.create_group("KC Bogor", members=[staff["id"]], bot_is_admin=True)
    admins = await bot.get_chat_administrators(group["id"])
    assert {a.user.id for a in admins} == {staff["id"], 123456}
    assert await bot.get_chat_member_count(group["id"]) == 2
    location = await bot.send_location(group["id"], -7.1167, 112.4167)
    assert location.location is not None
    request = await client.send_text(worker, "tolong")
    copied = await bot.copy_message(group["id"], worker, int(request.message_id or 0))
    assert copied.message_id > location.message_id


async def test_unknown_method_token_and_body_formats(sandbox: SandboxHandle, worker: int) -> None:
    async with httpx.AsyncClient(base_url=sandbox.url) as http:
        missing = await http.post(f"/bot{TOKEN}/sendTelepathy", json={})
        assert missing.status_code == 404
        assert missing.json() == {
            "ok": False,
            "error_code": 404,
            "description": "Not Found: method not found",
        }
        wrong = await http.post("/bot1:WRONG/getMe")
        assert wrong.status_code == 401
        as_json = await http.post(
            f"/bot{TOKEN}/SENDMESSAGE",
            json={
                "chat_id": worker,
                "text": "json",
                "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
            },
        )
        assert as_json.json()["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "A"
        as_form = await http.post(
            f"/bot{TOKEN}/sendMessage",
            data={
                "chat_id": str(worker),
                "text": "form",
                "reply_markup": json.dumps({"remove_keyboard": True}),
            },
        )
        assert as_form.json()["ok"] is True
        as_query = await http.get(
            f"/bot{TOKEN}/sendMessage", params={"chat_id": worker, "text": "q"}
        )
        assert as_query.json()["result"]["text"] == "q"
    with pytest.raises(InvalidToken):
        async with Bot("1:WRONG", base_url=f"{sandbox.url}/bot"):
            pass


async def test_ptb_rate_limiter_pacing_never_gets_429(sandbox: SandboxHandle) -> None:
    """A broadcast paced by PTB's AIORateLimiter (30/s) passes the sandbox's limits: the
    jitter tolerance absorbs requests that arrive bunched although they left paced."""
    from telegram.ext import AIORateLimiter, ExtBot

    async with SandboxClient(sandbox.url) as client:
        await client.set_rate_limits(True)
        workers = []
        for n in range(70):
            user = await client.create_user(f"Pekerja {n}")
            await client.send_text(user["id"], "/start")
            workers.append(user["id"])
        paced = ExtBot(
            TOKEN,
            base_url=f"{sandbox.url}/bot",
            rate_limiter=AIORateLimiter(max_retries=0),
            request=HTTPXRequest(connection_pool_size=32),
        )
        async with paced:
            await asyncio.gather(*(paced.send_message(w, "Info iuran") for w in workers))
        stats = await client.stats()
    assert stats["sends"] == 70 and stats["rate_limited_total"] == 0
    # aiolimiter lets a full burst of 30 go at once and then 30/s, so a 1-second window can
    # hold up to ~60 sends: benchmarks asserting "<= 30 per second" must pace more strictly.
    assert stats["max_sends_any_1s_window"] <= 62
