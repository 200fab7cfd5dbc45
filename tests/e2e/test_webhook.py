"""Webhook mode with two bot processes sharing one database: the secret is checked before the
body is read, and an update delivered twice (to both processes) is handled once."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from sandbox.client import SandboxClient, SandboxTimeout
from tests.e2e.harness import BotProcess, new_user_id

SECRET = "e2e-webhook-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def webhook_bots(
    sandbox_url: str, e2e_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[tuple[BotProcess, int]]]:
    started: list[tuple[BotProcess, int]] = []
    for index in range(2):
        port = free_port()
        process = BotProcess(
            sandbox_url,
            e2e_database_url,
            tmp_path_factory.mktemp(f"webhook{index}") / "bot.log",
            extra_env={
                "BOT_MODE": "webhook",
                "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
                "WEBHOOK_PORT": str(port),
                "WEBHOOK_SECRET": SECRET,
            },
            ready_marker="webhook listening",
        )
        process.start()
        started.append((process, port))
    yield started
    for process, _port in started:
        process.stop()


async def test_redelivered_update_is_handled_once(
    sandbox_url: str, webhook_bots: list[tuple[BotProcess, int]]
) -> None:
    async with SandboxClient(sandbox_url) as sandbox:
        user = new_user_id()
        await sandbox.create_user("Wati", user_id=user, language_code="id")
        sent = await sandbox.send_text(user, "/start")
        [greeting] = await sandbox.wait_for_messages(user)
        assert greeting["text"].startswith("Halo Wati!")

        # Telegram re-delivers (here: the sandbox to its webhook, and we to both processes).
        body = await sandbox.redeliver(sent.update_id)
        async with httpx.AsyncClient() as http:
            for _process, port in webhook_bots:
                response = await http.post(
                    f"http://127.0.0.1:{port}/telegram",
                    json=body,
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                )
                assert response.status_code == 200
        with pytest.raises(SandboxTimeout):
            await sandbox.wait_for_messages(user, timeout=3)


async def test_requests_without_the_secret_are_refused(
    webhook_bots: list[tuple[BotProcess, int]],
) -> None:
    _process, port = webhook_bots[0]
    async with httpx.AsyncClient() as http:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
            response = await http.post(
                f"http://127.0.0.1:{port}/telegram", content=b"not even json", headers=headers
            )
            assert response.status_code == 403
