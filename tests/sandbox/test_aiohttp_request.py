"""bot.telegram_request.AiohttpRequest's failures, as the outbox needs to read them: an answer
that came too late (Telegram may have sent the message), a connection never made and a full
pool (it was not sent). The everyday calls are covered by test_botapi.py, which runs with this
client as well as python-telegram-bot's default."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.outbox.tracking import maybe_delivered
from bot.telegram_request import AiohttpRequest
from sandbox.client import SandboxClient
from sandbox.server import SandboxHandle

from .conftest import TOKEN


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def aiohttp_bot(url: str, *, pool: int = 8, read_timeout: float = 5.0) -> Bot:
    return Bot(
        TOKEN,
        base_url=f"{url}/bot",
        request=AiohttpRequest(connection_pool_size=pool, read_timeout=read_timeout),
        get_updates_request=AiohttpRequest(),
    )


async def test_a_late_answer_is_a_timeout_that_may_have_been_delivered(
    sandbox: SandboxHandle, client: SandboxClient, worker: int
) -> None:
    await client.inject_fault("sendMessage", "timeout", seconds=1.5)
    async with aiohttp_bot(sandbox.url, read_timeout=0.3) as bot:
        started = time.monotonic()
        with pytest.raises(TimedOut) as caught:
            await bot.send_message(worker, "Halo")
        assert time.monotonic() - started < 1.2  # the read timeout, not the sandbox's delay
        assert maybe_delivered(caught.value)
    await asyncio.sleep(1.5)
    # ... and Telegram (the sandbox) did carry it out.
    assert [m["text"] for m in await client.messages(worker, sender="bot")] == ["Halo"]


async def test_a_refused_connection_was_not_delivered() -> None:
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as caught:
            await request.do_request(
                f"http://127.0.0.1:{closed_port()}/bot{TOKEN}/sendMessage", "POST"
            )
        assert not maybe_delivered(caught.value)
    finally:
        await request.shutdown()


async def test_a_full_pool_is_a_timeout_that_was_not_delivered(
    sandbox: SandboxHandle, client: SandboxClient, worker: int
) -> None:
    await client.inject_fault("sendMessage", "timeout", seconds=2.0)
    request = AiohttpRequest(connection_pool_size=1, read_timeout=5.0, pool_timeout=0.2)
    async with Bot(TOKEN, base_url=f"{sandbox.url}/bot", request=request) as bot:
        holding = asyncio.create_task(bot.send_message(worker, "pertama"))
        await asyncio.sleep(0.3)  # the one connection is now waiting for its answer
        with pytest.raises(TimedOut) as caught:
            await bot.send_message(worker, "kedua", pool_timeout=0.2)
        assert not maybe_delivered(caught.value)
        await holding
    texts = [m["text"] for m in await client.messages(worker, sender="bot")]
    assert texts == ["pertama"]


# --- retries of requests that were refused or never sent ----------------------------------


async def test_a_bad_gateway_is_tried_again_and_the_message_arrives_once(
    sandbox: SandboxHandle, client: SandboxClient, worker: int
) -> None:
    await client.inject_fault("sendMessage", 502, times=1, chat_id=worker)
    request = AiohttpRequest(connection_pool_size=8, attempts=3)
    async with Bot(TOKEN, base_url=f"{sandbox.url}/bot", request=request) as bot:
        sent = await bot.send_message(worker, "Halo lagi")
    assert sent.text == "Halo lagi"
    assert [m["text"] for m in await client.messages(worker, sender="bot")] == ["Halo lagi"]
    assert (await client.faults())["fired"]["sendMessage 502"] >= 1  # it did fail once


async def test_retries_are_bounded_and_the_last_refusal_is_raised(
    sandbox: SandboxHandle, client: SandboxClient, worker: int
) -> None:
    await client.inject_fault("sendMessage", 500, times=5, chat_id=worker)
    request = AiohttpRequest(connection_pool_size=8, attempts=3)
    async with Bot(TOKEN, base_url=f"{sandbox.url}/bot", request=request) as bot:
        with pytest.raises(NetworkError) as caught:
            await bot.send_message(worker, "Tidak sampai")
    assert not maybe_delivered(caught.value)
    assert await client.messages(worker, sender="bot") == []
    # Three tries, not five: two of the five injected failures are left.
    [rule] = (await client.faults())["rules"]
    assert rule["times"] == 2


async def test_a_refused_connection_is_tried_again_then_raised_as_not_delivered() -> None:
    request = AiohttpRequest(attempts=2)
    await request.initialize()
    try:
        started = time.monotonic()
        with pytest.raises(NetworkError) as caught:
            await request.do_request(
                f"http://127.0.0.1:{closed_port()}/bot{TOKEN}/sendMessage", "POST"
            )
        assert time.monotonic() - started >= 0.5  # waited before the second try
        assert not maybe_delivered(caught.value)
    finally:
        await request.shutdown()


async def test_a_timeout_after_sending_is_not_tried_again(
    sandbox: SandboxHandle, client: SandboxClient, worker: int
) -> None:
    await client.inject_fault("sendMessage", "timeout", seconds=1.0)
    request = AiohttpRequest(connection_pool_size=8, read_timeout=0.3, attempts=3)
    async with Bot(TOKEN, base_url=f"{sandbox.url}/bot", request=request) as bot:
        with pytest.raises(TimedOut) as caught:
            await bot.send_message(worker, "Sekali saja")
        assert maybe_delivered(caught.value)
    await asyncio.sleep(1.2)
    assert [m["text"] for m in await client.messages(worker, sender="bot")] == ["Sekali saja"]
