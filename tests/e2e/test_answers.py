"""Answers in Telegram: a typed question, a follow-up button, and the guided calculator."""

from __future__ import annotations

from sandbox.client import SandboxClient
from tests.e2e.harness import new_user_id


def buttons(message: dict) -> dict[str, str]:
    markup = message.get("reply_markup") or {}
    return {b["text"]: b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row}


async def test_typed_question_then_a_follow_up_button(sandbox: SandboxClient) -> None:
    user = new_user_id()
    await sandbox.create_user("Ujang", user_id=user, language_code="id")
    await sandbox.send_text(user, "klo meninggal kluarga dpt brp")
    [answer] = await sandbox.wait_for_messages(user)
    assert "Rp42.000.000" in answer["text"] or "Rp42 juta" in answer["text"], answer["text"]
    followups = buttons(answer)
    scholarship = next(data for data in followups.values() if data == "q:beasiswa")
    await sandbox.press_button(user, answer["message_id"], data=scholarship)
    [more] = await sandbox.wait_for_messages(user)
    assert "Rp174.000.000" in more["text"] or "Rp174 juta" in more["text"], more["text"]


async def test_guided_calculator_to_the_estimate(sandbox: SandboxClient) -> None:
    user = new_user_id()
    await sandbox.create_user("Asih", user_id=user, language_code="id")
    await sandbox.send_text(user, "/iuran")
    [step] = await sandbox.wait_for_messages(user)
    for data in ("c:2000000", "c:2000000:l", "c:2000000:l:1", "c:2000000:l:1:1"):
        await sandbox.press_button(user, step["message_id"], data=data)
        [step] = await sandbox.wait_for_messages(user)
    text = step["text"]
    assert "JKK" in text and "JKM" in text and "JHT" in text
    # JKK 1% of Rp2.000.000 and JKM Rp6.800 (halved while PP 50/2025 applies) plus JHT 2%.
    assert ("Rp20.000" in text and "Rp6.800" in text) or ("Rp10.000" in text and "Rp3.400" in text)
    assert "Rp40.000" in text


async def test_health_question_is_not_answered_with_bpjs_tk_figures(
    sandbox: SandboxClient,
) -> None:
    user = new_user_id()
    await sandbox.create_user("Nur", user_id=user, language_code="id")
    await sandbox.send_text(user, "iuran bpjs kesehatan kelas 3 brp")
    [answer] = await sandbox.wait_for_messages(user)
    assert "165" in answer["text"] and "Rp16.800" not in answer["text"]
