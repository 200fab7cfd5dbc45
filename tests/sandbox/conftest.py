"""A sandbox server per test, a control client, and a real python-telegram-bot ``Bot``
talking to it over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.request import BaseRequest, HTTPXRequest

from bot.telegram_request import AiohttpRequest
from sandbox.client import SandboxClient
from sandbox.server import SandboxHandle, start_sandbox

TOKEN = "123456:SANDBOX-TEST-TOKEN"


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxHandle]:
    handle = await start_sandbox(port=0, token=TOKEN, rate_limits=False)
    yield handle
    await handle.close()


@pytest.fixture
async def client(sandbox: SandboxHandle) -> AsyncIterator[SandboxClient]:
    async with SandboxClient(sandbox.url) as sandbox_client:
        yield sandbox_client


# python-telegram-bot's default HTTP client, and the one the bot uses (bot.telegram_request):
# every Bot API test runs with both, so ours is held to the default's behaviour.
HTTP_CLIENTS = ("httpx", "aiohttp")


def make_bot(
    url: str, token: str = TOKEN, read_timeout: float = 5.0, http: str = "httpx"
) -> Bot:
    request: BaseRequest
    updates: BaseRequest
    if http == "aiohttp":
        request = AiohttpRequest(connection_pool_size=8, read_timeout=read_timeout)
        updates = AiohttpRequest(read_timeout=read_timeout)
    else:
        request = HTTPXRequest(connection_pool_size=8, read_timeout=read_timeout)
        updates = HTTPXRequest(read_timeout=read_timeout)
    return Bot(
        token,
        base_url=f"{url}/bot",
        base_file_url=f"{url}/file/bot",
        request=request,
        get_updates_request=updates,
    )


@pytest.fixture(params=HTTP_CLIENTS)
async def bot(sandbox: SandboxHandle, request: pytest.FixtureRequest) -> AsyncIterator[Bot]:
    async with make_bot(sandbox.url, http=request.param) as telegram_bot:
        yield telegram_bot


@pytest.fixture
async def worker(client: SandboxClient) -> int:
    """A worker who has started the bot, so the bot may write to them."""
    user = await client.create_user("Sari", language_code="id")
    await client.send_text(user["id"], "/start")
    return int(user["id"])
