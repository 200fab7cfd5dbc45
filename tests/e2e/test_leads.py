"""Leads end to end: a worker registers (by shared location, by typed place), the branch group
gets the card, staff claim and update it, the worker sees and deletes their data, a restart in
the middle of a registration resumes, and Bot API failures lose no lead."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from bot.geo import load_default_directory
from db.engine import Database
from db.models import Lead, OutboxMessage
from sandbox.client import SandboxClient, SandboxError
from tests.e2e.conftest import ADMIN_GROUP_ID
from tests.e2e.harness import ROOT, BotProcess, new_user_id

LAMONGAN = (-7.12, 112.42)


def labels(message: dict) -> list[str]:
    markup = message.get("reply_markup") or {}
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    return [b["text"] if isinstance(b, dict) else b for row in rows for b in row]


async def next_prompt(sandbox: SandboxClient, chat_id: int) -> dict:
    """The next bot message that asks something (has buttons), skipping notes like "Saved"."""
    while True:
        [message] = await sandbox.wait_for_messages(chat_id)
        markup = message.get("reply_markup") or {}
        if markup.get("inline_keyboard") or markup.get("keyboard"):
            return message


async def link_group(sandbox: SandboxClient, bot: BotProcess, branch_code: str) -> tuple[int, int]:
    """A staff group linked to ``branch_code`` through the real CLI and /hubungkan."""
    staff_id = new_user_id()
    await sandbox.create_user("Petugas", user_id=staff_id, last_name="Cabang", language_code="id")
    group = await sandbox.create_group(f"Staf {branch_code}", members=[staff_id])
    env = {"DATABASE_URL": bot.database_url, "PATH": "/usr/bin:/bin"}
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "cabang", "link-code", branch_code],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )
    code = result.stdout.strip().splitlines()[-1]
    await sandbox.send_text(staff_id, f"/hubungkan {code}", chat_id=group["id"])
    [reply] = await sandbox.wait_for_messages(group["id"])
    assert "menerima lead" in reply["text"] or "now receives" in reply["text"], reply["text"]
    return group["id"], staff_id


async def register(sandbox: SandboxClient, user: int, *, location: tuple[float, float] | None,
                   place: str | None = None, name: str = "Siti Aminah") -> dict:
    await sandbox.create_user(name.split()[0], user_id=user, language_code="id")
    await sandbox.send_text(user, "/daftar")
    consent = await next_prompt(sandbox, user)
    await sandbox.press_button(user, consent["message_id"], data="r:consent:yes")
    await next_prompt(sandbox, user)
    await sandbox.send_text(user, name)
    phone_prompt = await next_prompt(sandbox, user)
    assert phone_prompt["reply_markup"]["keyboard"][0][0]["request_contact"] is True
    await sandbox.send_contact(user, "+6281234567890")
    occupation = await next_prompt(sandbox, user)
    await sandbox.press_button(user, occupation["message_id"], data="r:occupation:nelayan")
    await next_prompt(sandbox, user)
    if location is not None:
        await sandbox.send_location(user, *location)
    else:
        await sandbox.send_text(user, place or "")
    await next_prompt(sandbox, user)
    await sandbox.send_text(user, "2,5 juta")
    contact = await next_prompt(sandbox, user)
    await sandbox.press_button(user, contact["message_id"], data="r:contact_time:pagi")
    summary = await next_prompt(sandbox, user)
    assert name in summary["text"]
    await sandbox.press_button(user, summary["message_id"], data="r:summary:confirm")
    [done] = await sandbox.wait_for_messages(user)
    assert done["text"].startswith("✅"), done["text"]
    return done


async def test_shared_location_routes_to_the_nearest_branch_and_staff_work_the_card(
    sandbox: SandboxClient, bot: BotProcess
) -> None:
    branch = load_default_directory().nearest_branch(*LAMONGAN)
    group_id, staff_id = await link_group(sandbox, bot, branch.code)
    user = new_user_id()
    done = await register(sandbox, user, location=LAMONGAN)
    assert branch.name in done["text"]

    [card] = await sandbox.wait_for_messages(group_id, timeout=15)
    assert "Siti Aminah" in card["text"] and "+6281234567890" in card["text"]
    assert "Nelayan" in card["text"]
    press = await sandbox.press_button(group_id, card["message_id"], text="🙋 Ambil",
                                       user_id=staff_id)
    assert (await sandbox.callback_answer(press.callback_query_id))["text"]
    claimed = await sandbox.wait_for_edit(group_id, card["message_id"])
    assert "Petugas Cabang" in claimed["text"] and "🙋 Ambil" not in labels(claimed)

    # A stranger in the group may not change the lead.
    stranger = new_user_id()
    await sandbox.create_user("Orang", user_id=stranger)
    await sandbox.add_member(group_id, stranger)
    press = await sandbox.press_button(group_id, card["message_id"], text="✅ Terdaftar",
                                       user_id=stranger)
    # (a member of a linked group is staff: the group is the unit of trust)
    assert (await sandbox.callback_answer(press.callback_query_id))["text"]

    await sandbox.send_text(staff_id, "/leads", chat_id=group_id)
    [listing] = await sandbox.wait_for_messages(group_id)
    assert "Siti Aminah" not in listing["text"] or "#" in listing["text"]

    await sandbox.send_text(staff_id, "/ekspor", chat_id=group_id)
    await sandbox.wait_for_messages(group_id)
    documents = await sandbox.documents(group_id)
    assert documents and "Siti Aminah" in documents[-1].text()


async def test_typed_place_with_typo_and_privacy_commands(sandbox: SandboxClient,
                                                          bot: BotProcess) -> None:
    user = new_user_id()
    done = await register(sandbox, user, location=None, place="lamongn", name="Rina Wati")
    assert "Kantor Cabang" in done["text"]
    await sandbox.send_text(user, "/dataku")
    [mine] = await sandbox.wait_for_messages(user)
    assert "Rina Wati" in mine["text"] and "+6281234567890" in mine["text"]
    await sandbox.send_text(user, "/hapusdata")
    [confirm] = await sandbox.wait_for_messages(user)
    await sandbox.press_button(user, confirm["message_id"], data="p:delete")
    [deleted] = await sandbox.wait_for_messages(user)
    assert deleted["text"].startswith("✅")
    await sandbox.send_text(user, "/dataku")
    [after] = await sandbox.wait_for_messages(user)
    assert "Rina Wati" not in after["text"] and "+6281234567890" not in after["text"]


async def test_restart_in_the_middle_of_a_registration_resumes(sandbox: SandboxClient,
                                                               bot: BotProcess) -> None:
    user = new_user_id()
    await sandbox.create_user("Joko", user_id=user, language_code="id")
    await sandbox.send_text(user, "/daftar")
    consent = await next_prompt(sandbox, user)
    await sandbox.press_button(user, consent["message_id"], data="r:consent:yes")
    await next_prompt(sandbox, user)
    await sandbox.send_text(user, "Joko Susilo")
    await next_prompt(sandbox, user)
    await sandbox.send_text(user, "0812 3456 7890")
    occupation = await next_prompt(sandbox, user)

    await asyncio.to_thread(bot.restart, kill=True)

    # The occupation buttons sent before the restart still work, and the flow goes on.
    await sandbox.press_button(user, occupation["message_id"], data="r:occupation:petani")
    location_prompt = await next_prompt(sandbox, user)
    assert "lokasi" in location_prompt["text"].lower() or "location" in location_prompt["text"]


async def test_bot_api_failures_lose_no_lead(sandbox: SandboxClient, bot: BotProcess) -> None:
    database = Database(bot.database_url)
    try:
        async with database.transaction() as session:
            before = (await session.execute(select(func.count()).select_from(Lead))).scalar_one()
        # Every second sendMessage fails for a while: some with 500, some with 429.
        await sandbox.inject_fault("sendMessage", 500, times=3, chat_id=ADMIN_GROUP_ID)
        await sandbox.inject_fault("sendMessage", 429, times=2, retry_after=1,
                                   chat_id=ADMIN_GROUP_ID)
        users = [new_user_id() for _ in range(3)]
        for index, user in enumerate(users):
            # "Kabupaten Merauke" has no linked group here: its leads go to the admin group.
            await register(sandbox, user, location=None, place="merauke",
                           name=f"Pekerja Nomor {'ABC'[index]}")
        expected = before + len(users)
        cards: list[dict] = []
        deadline = asyncio.get_running_loop().time() + 30
        while asyncio.get_running_loop().time() < deadline:
            cards = [m for m in await sandbox.messages(ADMIN_GROUP_ID, sender="bot")
                     if "Pekerja Nomor" in (m.get("text") or "")]
            if len(cards) >= len(users):
                break
            await asyncio.sleep(0.3)
        names = sorted(m["text"].split("Nama: ")[1].split("\n")[0] for m in cards)
        assert names == [f"Pekerja Nomor {c}" for c in "ABC"]  # each once, none twice
        async with database.transaction() as session:
            leads = (await session.execute(select(func.count()).select_from(Lead))).scalar_one()
            pending = (await session.execute(select(func.count()).select_from(OutboxMessage)
                                             .where(OutboxMessage.status == "pending"))
                       ).scalar_one()
        assert leads == expected and pending == 0
    finally:
        await database.dispose()


@pytest.fixture(autouse=True)
async def _admin_group(sandbox: SandboxClient) -> None:
    try:
        await sandbox.chat(ADMIN_GROUP_ID)
    except SandboxError:
        admin = new_user_id()
        await sandbox.create_user("Admin", user_id=admin)
        await sandbox.create_group("Admin Kampanye", chat_id=ADMIN_GROUP_ID, members=[admin])
