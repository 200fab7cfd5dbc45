"""/petugas before registering, end to end through the sandbox: the worker is asked where they
live and the question reaches that branch's staff group (by shared location, by typed place,
by a picked place); with no group anywhere the worker is told plainly that it was not sent and
how to get an answer. And a reply Telegram refuses once with a 502 still arrives.

This module's bot has no admin group (``ADMIN_GROUP_ID`` unset), so a branch without a group
has nowhere to fall back to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.geo import load_default_directory
from bot.routing import DirectoryPlaces
from db.engine import Database
from db.models import Ticket, User
from sandbox.client import SandboxClient, SandboxTimeout
from tests.e2e.harness import BotProcess, new_user_id
from tests.e2e.test_leads import labels, link_group

DENPASAR = (-8.65, 115.21)
PLACES = DirectoryPlaces(load_default_directory())


@pytest.fixture(scope="module")
def bot(
    sandbox_url: str, e2e_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BotProcess]:
    log = tmp_path_factory.mktemp("botlog") / "bot.log"
    process = BotProcess(sandbox_url, e2e_database_url, log)
    process.start()
    yield process
    process.stop()


async def new_worker(sandbox: SandboxClient, name: str) -> int:
    worker = new_user_id()
    await sandbox.create_user(name, user_id=worker, language_code="id")
    return worker


async def ask_staff(sandbox: SandboxClient, worker: int, question: str) -> dict:
    """/petugas, then the question: the bot asks where the worker lives."""
    await sandbox.send_text(worker, "/petugas")
    [prompt] = await sandbox.wait_for_messages(worker)
    assert "petugas" in prompt["text"].lower()
    await sandbox.send_text(worker, question)
    [where] = await sandbox.wait_for_messages(worker)
    assert "di mana" in where["text"].lower(), where["text"]
    assert "tidak disimpan" in where["text"]  # the place is not kept
    return where


async def tickets_of(bot: BotProcess, worker: int) -> list[Ticket]:
    database = Database(bot.database_url)
    try:
        async with database.transaction() as session:
            user_id = await session.scalar(select(User.id).where(User.telegram_id == worker))
            rows = await session.scalars(select(Ticket).where(Ticket.user_id == user_id))
            return list(rows)
    finally:
        await database.dispose()


async def test_before_registering_a_shared_location_routes_the_question_to_that_branch(
    sandbox: SandboxClient, bot: BotProcess
) -> None:
    place = PLACES.from_point(*DENPASAR)
    assert place is not None
    group_id, _staff = await link_group(sandbox, bot, place.branch_code)
    worker = await new_worker(sandbox, "Ketut")

    where = await ask_staff(sandbox, worker, "Kalau saya jatuh waktu melaut, apa ditanggung?")
    assert "📍 Kirim lokasi saya" in labels(where)
    await sandbox.send_location(worker, *DENPASAR)
    [receipt] = await sandbox.wait_for_messages(worker)
    assert receipt["text"].startswith("✅"), receipt["text"]
    # Denpasar's branch is derived (provisional): the worker is never told an office name that
    # may not exist (issue #13), only that staff have the question.
    assert "Kantor Cabang Denpasar" not in receipt["text"]

    [ticket] = await sandbox.wait_for_messages(group_id, timeout=15)
    assert "Kalau saya jatuh waktu melaut, apa ditanggung?" in ticket["text"]
    assert "Belum terdaftar" in ticket["text"]  # routed by the place, not by a lead
    [row] = await tickets_of(bot, worker)
    assert row.branch_code == place.branch_code


async def test_before_registering_a_typed_place_routes_the_question_to_that_branch(
    sandbox: SandboxClient, bot: BotProcess
) -> None:
    [place] = PLACES.from_text("Lamongan")
    group_id, _staff = await link_group(sandbox, bot, place.branch_code)
    worker = await new_worker(sandbox, "Siti")

    await ask_staff(sandbox, worker, "Iuran untuk pedagang pasar berapa?")
    await sandbox.send_text(worker, "lamongan")
    [receipt] = await sandbox.wait_for_messages(worker)
    assert receipt["text"].startswith("✅"), receipt["text"]
    [ticket] = await sandbox.wait_for_messages(group_id, timeout=15)
    assert "Iuran untuk pedagang pasar berapa?" in ticket["text"]
    # The place itself is not kept anywhere the staff or the database would show it.
    shown = ticket["text"].lower().replace(place.branch_code.lower(), "")
    assert "lamongan" not in shown.replace("cabang lamongan", "")  # the branch's own name
    [row] = await tickets_of(bot, worker)
    assert row.branch_code == place.branch_code


async def test_an_ambiguous_place_is_picked_from_buttons(
    sandbox: SandboxClient, bot: BotProcess
) -> None:
    candidates = PLACES.from_text("Jayapura")
    assert len(candidates) > 1
    group_id, _staff = await link_group(sandbox, bot, candidates[1].branch_code)
    worker = await new_worker(sandbox, "Yohana")

    await ask_staff(sandbox, worker, "Bagaimana cara klaim JKK?")
    await sandbox.send_text(worker, "Jayapura")
    [choice] = await sandbox.wait_for_messages(worker)
    assert candidates[1].label in labels(choice)
    # A forged index is refused kindly, and the real choice still works afterwards.
    press = await sandbox.press_button(worker, choice["message_id"], data="hd:place:9", forge=True)
    answer = await sandbox.callback_answer(str(press.callback_query_id))
    assert "sebelumnya" in (answer.get("text") or "")
    await sandbox.press_button(worker, choice["message_id"], data="hd:place:1")
    [receipt] = await sandbox.wait_for_messages(worker)
    assert receipt["text"].startswith("✅")
    [ticket] = await sandbox.wait_for_messages(group_id, timeout=15)
    assert "Bagaimana cara klaim JKK?" in ticket["text"]


async def test_with_no_group_anywhere_the_worker_is_told_plainly(
    sandbox: SandboxClient, bot: BotProcess
) -> None:
    assert len(PLACES.from_text("Kota Kupang")) == 1  # no group linked, and no admin group
    worker = await new_worker(sandbox, "Maria")

    await ask_staff(sandbox, worker, "Apakah bisa daftar untuk ibu saya?")
    await sandbox.send_text(worker, "Kota Kupang")
    [honest] = await sandbox.wait_for_messages(worker)
    text = honest["text"]
    assert not text.startswith("✅") and "dikirim ke" not in text
    assert "tidak" in text.split("\n")[0].lower()
    assert "175" in text
    # The office to visit: Kupang's branch is derived, so it is described, never named.
    assert "yang melayani wilayah" in text and "Kantor Cabang Kupang" not in text
    assert await tickets_of(bot, worker) == []
    # And nothing was posted to a group meanwhile.
    with pytest.raises(SandboxTimeout):
        await sandbox.wait_for_messages(worker, timeout=1.5)


async def test_a_reply_refused_once_with_a_bad_gateway_still_arrives(
    sandbox: SandboxClient, bot: BotProcess
) -> None:
    worker = await new_worker(sandbox, "Budi")
    await sandbox.send_text(worker, "/start")
    await sandbox.wait_for_messages(worker)
    fired_before = (await sandbox.faults())["fired"].get("sendMessage 502", 0)
    await sandbox.inject_fault("sendMessage", 502, times=1, chat_id=worker)

    await sandbox.send_text(worker, "berapa iuran bpu sebulan?")
    [answer] = await sandbox.wait_for_messages(worker, timeout=15)
    assert "Rp" in answer["text"]
    assert (await sandbox.faults())["fired"]["sendMessage 502"] == fired_before + 1
    # Exactly one answer: the refused try left nothing behind.
    with pytest.raises(SandboxTimeout):
        await sandbox.wait_for_messages(worker, timeout=1.5)

