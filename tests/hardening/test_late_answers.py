"""Button presses handled after Telegram stopped accepting their answer (a queue longer than
the ~15 s a callback query lives, in a burst): the press still does its work, with no apology.
The sandbox answers answerCallbackQuery with Telegram's own "query is too old" error."""

from __future__ import annotations

import pytest

from sandbox.client import SandboxClient
from sandbox.errors import QUERY_TOO_OLD
from tests.hardening.helpers import APOLOGY, Worker, plain, says

pytestmark = pytest.mark.usefixtures("roomy_private_chats")


@pytest.fixture(autouse=True)
async def _clean_faults(sandbox: SandboxClient) -> None:
    await sandbox.clear_faults()
    yield
    await sandbox.clear_faults()


async def _press_too_late(sandbox: SandboxClient) -> None:
    await sandbox.inject_fault("answerCallbackQuery", 400, times=1, description=QUERY_TOO_OLD)


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_a_registration_press_answered_too_late_still_moves_on(
    sandbox: SandboxClient, lang: str
) -> None:
    worker = await Worker(sandbox, lang).create()
    await sandbox.send_text(worker.id, "/daftar")
    [consent] = await sandbox.wait_for_messages(worker.id)
    await _press_too_late(sandbox)
    name_prompt = await worker.press(consent, "r:consent:yes")
    assert plain(says("What is your full name?", lang)) in plain(name_prompt["text"])
    messages = await sandbox.messages(worker.id, sender="bot")
    assert not any(plain(says(APOLOGY, lang)) in plain(m.get("text") or "") for m in messages)
    assert (await sandbox.faults())["rules"] == []  # the refused answer did happen


async def test_a_calculator_press_answered_too_late_still_answers(
    sandbox: SandboxClient,
) -> None:
    worker = await Worker(sandbox).create()
    await sandbox.send_text(worker.id, "/iuran")
    [incomes] = await sandbox.wait_for_messages(worker.id)
    await _press_too_late(sandbox)
    await sandbox.press_button(worker.id, incomes["message_id"], data="c:2000000")
    [next_step] = await sandbox.wait_for_messages(worker.id)
    assert next_step.get("reply_markup"), next_step["text"]
    assert plain(says(APOLOGY, "id")) not in plain(next_step["text"])
    assert (await sandbox.faults())["rules"] == []
