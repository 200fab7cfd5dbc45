"""/cabang with a name several regencies share: the worker picks one from the buttons and gets
that regency's office, whatever the length of its code."""

from __future__ import annotations

from sandbox.client import SandboxClient
from tests.e2e.harness import new_user_id


async def test_a_regency_with_a_long_code_can_be_picked(sandbox: SandboxClient) -> None:
    # Both choices have codes over 20 characters (kab-tanjung-jabung-timur), which the office
    # handler once cut short and then could not find.
    user = new_user_id()
    await sandbox.create_user("Rahmat", user_id=user, language_code="en")
    await sandbox.send_text(user, "/cabang")
    await sandbox.wait_for_messages(user)
    await sandbox.send_text(user, "tanjung jabung")
    [choice] = await sandbox.wait_for_messages(user)
    assert choice["text"] == "I found several places with that name. Which one is yours?"
    press = await sandbox.press_button(
        user, choice["message_id"], text="Kabupaten Tanjung Jabung Timur, Jambi"
    )
    await sandbox.callback_answer(press.callback_query_id)
    office, offer = await sandbox.wait_for_messages(user, count=2)
    assert "Serves: Kabupaten Tanjung Jabung Timur, Jambi" in office["text"], office["text"]
    assert offer["text"] == "Want this office to contact you?"
