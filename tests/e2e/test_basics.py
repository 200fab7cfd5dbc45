"""Foundation: /start, the menu buttons, language, help, unsupported messages, commands — in
Indonesian and English, through the sandbox Bot API server over real HTTP."""

from __future__ import annotations

import pytest

from sandbox.client import SandboxClient
from tests.e2e.harness import new_user_id


def buttons(message: dict) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


@pytest.mark.parametrize(
    ("language", "greeting", "menu_label", "calculator_label", "calculator_prompt"),
    [
        ("id", "Halo Siti! Saya Bebas Cemas", "📝 Daftar minat", "🧮 Hitung iuran",
         "Kira-kira berapa penghasilan Anda per bulan?"),
        ("en", "Hello Siti! I am Bebas Cemas", "📝 Register interest",
         "🧮 Contribution calculator", "What is your monthly income, roughly?"),
    ],
)
async def test_start_and_a_menu_button(sandbox: SandboxClient, language: str, greeting: str,
                                       menu_label: str, calculator_label: str,
                                       calculator_prompt: str) -> None:
    user = new_user_id()
    await sandbox.create_user("Siti", user_id=user, language_code=language)
    await sandbox.send_text(user, "/start")
    [reply] = await sandbox.wait_for_messages(user)
    assert reply["text"].startswith(greeting)
    assert menu_label in buttons(reply) and calculator_label in buttons(reply)
    assert len(buttons(reply)) == 5

    press = await sandbox.press_button(user, reply["message_id"], text=calculator_label)
    answer = await sandbox.callback_answer(press.callback_query_id)
    assert answer is not None
    [prompt] = await sandbox.wait_for_messages(user)
    assert calculator_prompt in prompt["text"]
    assert len(buttons(prompt)) == 5  # four income brackets and "type my income"


async def test_language_choice_is_remembered(sandbox: SandboxClient) -> None:
    user = new_user_id()
    await sandbox.create_user("Budi", user_id=user, language_code="id")
    await sandbox.send_text(user, "/bahasa")
    [chooser] = await sandbox.wait_for_messages(user)
    await sandbox.press_button(user, chooser["message_id"], data="lang:en")
    [confirmation] = await sandbox.wait_for_messages(user)
    assert confirmation["text"] == "Language set to English."
    # Telegram still says "id", but the explicit choice wins.
    await sandbox.send_text(user, "/bantuan")
    [help_text] = await sandbox.wait_for_messages(user)
    assert help_text["text"].startswith("How to use Bebas Cemas")


@pytest.mark.parametrize("kind", ["sticker", "voice", "photo"])
async def test_unsupported_messages_get_a_friendly_hint(sandbox: SandboxClient, kind: str) -> None:
    user = new_user_id()
    await sandbox.create_user("Asep", user_id=user, language_code="id")
    await getattr(sandbox, f"send_{kind}")(user)
    [reply] = await sandbox.wait_for_messages(user)
    assert reply["text"].startswith("Maaf, saya hanya bisa membaca tulisan.")


async def test_forged_button_data_is_refused_politely(sandbox: SandboxClient) -> None:
    user = new_user_id()
    await sandbox.create_user("Dewi", user_id=user, language_code="id")
    await sandbox.send_text(user, "/start")
    [menu] = await sandbox.wait_for_messages(user)
    for data in ("x:forged", "c:abc", "c:5000000000:t", "ld:1:ambil", "r:name:zzz"):
        press = await sandbox.press_button(user, menu["message_id"], data=data, forge=True)
        answer = await sandbox.callback_answer(press.callback_query_id)
        assert answer.get("text"), data


async def test_commands_are_registered_in_both_languages(sandbox: SandboxClient) -> None:
    stored = await sandbox.commands(scope_type="all_private_chats")
    by_language = {entry["language_code"] or "": entry["commands"] for entry in stored}
    assert {c["command"] for c in by_language[""]} >= {"start", "daftar", "iuran", "hapusdata"}
    descriptions = {c["command"]: c["description"] for c in by_language["en"]}
    assert descriptions["iuran"] == "Contribution calculator"
    assert {c["command"]: c["description"] for c in by_language[""]}["iuran"] == "Hitung iuran"
