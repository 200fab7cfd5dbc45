"""Webhook mode: a request with the right secret but a body that is not a Telegram update is
refused with 400 (not a 500 that Telegram would retry forever), and the bot goes on."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from handlers.start import greeting
from sandbox.client import SandboxClient
from tests.e2e.harness import BotProcess
from tests.hardening.helpers import Worker, plain

SECRET = "hardening-webhook-secret"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def webhook_bot(sandbox_url: str, e2e_database_url: str,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BotProcess, int]]:
    port = _free_port()
    process = BotProcess(
        sandbox_url, e2e_database_url, tmp_path_factory.mktemp("webhook") / "bot.log",
        extra_env={
            "BOT_MODE": "webhook",
            "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
            "WEBHOOK_PORT": str(port),
            "WEBHOOK_SECRET": SECRET,
        },
        ready_marker="webhook listening",
    )
    process.start()
    yield process, port
    process.stop()


BODIES = {
    "not json": b"not even json",
    "truncated json": b'{"update_id": 1, "message": {',
    "not utf-8": b"\xff\xfe\x00{",
    "empty object": b"{}",
    "empty": b"",
    "a list": b"[1, 2]",
    "null": b"null",
    "a string": b'"update"',
    "message is a string": b'{"update_id": 7, "message": "hi"}',
    "message without date": b'{"update_id": 8, "message": {"message_id": 1}}',
    "update_id is text": b'{"update_id": "abc"}',
    "update_id too large": b'{"update_id": 99999999999999999999999}',
}


@pytest.mark.parametrize("body", list(BODIES.values()), ids=list(BODIES))
async def test_malformed_bodies_with_the_right_secret_are_refused(
    webhook_bot: tuple[BotProcess, int], body: bytes
) -> None:
    _process, port = webhook_bot
    async with httpx.AsyncClient() as http:
        response = await http.post(
            f"http://127.0.0.1:{port}/telegram", content=body,
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET,
                     "Content-Type": "application/json"},
        )
    assert response.status_code == 400


async def test_an_oversized_body_is_refused_before_reading(
    webhook_bot: tuple[BotProcess, int]
) -> None:
    _process, port = webhook_bot
    async with httpx.AsyncClient() as http:
        response = await http.post(
            f"http://127.0.0.1:{port}/telegram", content=b"{" + b" " * (2 << 20) + b"}",
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
    assert response.status_code == 413


async def test_the_bot_still_answers_after_malformed_requests(
    sandbox_url: str, webhook_bot: tuple[BotProcess, int]
) -> None:
    process, port = webhook_bot
    async with httpx.AsyncClient() as http:
        for body in (b"[]", b"null", b"{}", b'{"update_id": "x"}'):
            await http.post(f"http://127.0.0.1:{port}/telegram", content=body,
                            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert process.process is not None and process.process.poll() is None
    async with SandboxClient(sandbox_url) as sandbox:
        worker = await Worker(sandbox, "en", "Wati").create()
        reply = await worker.say("/start")
        assert reply["text"] == plain(greeting("Wati", "en"))
