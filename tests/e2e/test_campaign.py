"""Campaign tools end to end through the sandbox: a "Tanya petugas" round trip (worker → staff
group → reply → worker), a deep-link start attributed in the funnel, a follow-up "no" that
re-opens a lead, and a broadcast to 5,000 workers killed mid-way and resumed with nobody
messaged twice and the pace kept."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, insert, select

from bot import broadcasts
from bot.clock import utcnow
from bot.geo import load_default_directory
from bot.settings import Settings
from db.engine import Database
from db.models import BroadcastRecipient, Lead, OptOut, Source, User, UserSource
from sandbox.client import SandboxClient, SandboxError
from tests.e2e.conftest import ADMIN_GROUP_ID, ADMIN_ID
from tests.e2e.harness import ROOT, TOKEN, BotProcess, new_user_id
from tests.e2e.test_leads import link_group, register

LAMONGAN = (-7.12, 112.42)
DENPASAR = (-8.65, 115.21)
BROADCAST_RATE = Settings().broadcast_rate  # the default pace
SEGMENT_SIZE = 5000


@pytest.fixture(scope="module")
def bot(
    sandbox_url: str, e2e_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BotProcess]:
    log = tmp_path_factory.mktemp("botlog") / "bot.log"
    process = BotProcess(
        sandbox_url,
        e2e_database_url,
        log,
        extra_env={
            "ADMIN_IDS": str(ADMIN_ID),
            "ADMIN_GROUP_ID": str(ADMIN_GROUP_ID),
            "TELEGRAM_BOT_USERNAME": "BebasCemasBot",
            # Follow-up questions a few seconds after a claim, not days.
            "FOLLOWUP_CONTACT_AFTER": "3s",
        },
    )
    process.start()
    yield process
    process.stop()


@pytest.fixture(autouse=True)
async def _admin_group(sandbox: SandboxClient) -> None:
    try:
        await sandbox.chat(ADMIN_GROUP_ID)
    except SandboxError:
        admin = new_user_id()
        await sandbox.create_user("Admin", user_id=admin)
        await sandbox.create_group("Admin Kampanye", chat_id=ADMIN_GROUP_ID, members=[admin])


async def cli(bot: BotProcess, *args: str) -> list[str]:
    env = {
        "DATABASE_URL": bot.database_url,
        "TELEGRAM_BOT_USERNAME": "BebasCemasBot",
        "PATH": "/usr/bin:/bin",
    }
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()


async def test_tanya_petugas_round_trip(sandbox: SandboxClient, bot: BotProcess) -> None:
    branch = load_default_directory().nearest_branch(*LAMONGAN)
    group_id, _staff = await link_group(sandbox, bot, branch.code)
    answering = new_user_id()
    await sandbox.create_user("Wahyu", user_id=answering, last_name="Hidayat")
    await sandbox.add_member(group_id, answering)
    worker = new_user_id()
    await register(sandbox, worker, location=LAMONGAN, name="Sri Rahayu")
    await sandbox.wait_for_messages(group_id, timeout=15)  # the lead card

    await sandbox.send_text(worker, "/petugas")
    [prompt] = await sandbox.wait_for_messages(worker)
    assert "petugas" in prompt["text"].lower()
    await sandbox.send_text(worker, "Saya nelayan, <b>iuran</b> & jadwal bayarnya bagaimana?")
    [receipt] = await sandbox.wait_for_messages(worker)
    label = branch.name.removeprefix("Kantor Cabang ")
    assert receipt["text"].startswith("✅") and label in receipt["text"]

    [ticket] = await sandbox.wait_for_messages(group_id, timeout=15)
    assert "Saya nelayan, <b>iuran</b> & jadwal bayarnya bagaimana?" in ticket["text"]
    assert "Tanya petugas" in ticket["text"] and "#" in ticket["text"]

    # Two answers, replying to the ticket: relayed in order, as from the branch.
    first = await sandbox.send_text(
        answering,
        "Iuran mulai Rp16.800 per bulan.",
        chat_id=group_id,
        reply_to=ticket["message_id"],
    )
    assert first.delivered  # privacy mode lets replies to the bot through
    await sandbox.send_text(
        answering,
        "Bisa bayar lewat JMO atau bank.",
        chat_id=group_id,
        reply_to=ticket["message_id"],
    )
    acks = await sandbox.wait_for_messages(group_id, count=2, timeout=15)
    assert all("Terkirim ke pekerja" in ack["text"] for ack in acks)
    answers = await sandbox.wait_for_messages(worker, count=2, timeout=15)
    assert [a["text"].splitlines()[1] for a in answers] == [
        "Iuran mulai Rp16.800 per bulan.",
        "Bisa bayar lewat JMO atau bank.",
    ]
    for answer in answers:
        assert answer["text"].startswith(f"💬 Petugas BPJS Ketenagakerjaan Cabang {label}")
        assert "Wahyu" not in answer["text"] and "Hidayat" not in answer["text"]

    # The worker answers back through the button; it lands under the ticket.
    await sandbox.press_button(worker, answers[-1]["message_id"], data="hd:reply")
    await sandbox.wait_for_messages(worker)
    await sandbox.send_text(worker, "Terima kasih, Pak!")
    await sandbox.wait_for_messages(worker)
    [more] = await sandbox.wait_for_messages(group_id, timeout=15)
    assert "Terima kasih, Pak!" in more["text"]
    assert (more.get("reply_to_message") or {}).get("message_id") == ticket["message_id"]


async def test_fallback_button_sends_the_last_question(
    sandbox: SandboxClient, bot: BotProcess
) -> None:
    worker = new_user_id()
    await sandbox.create_user("Tono", user_id=worker, language_code="id")
    await sandbox.send_text(worker, "kalau rumah saya kebanjiran dapat ganti?")
    [unsure] = await sandbox.wait_for_messages(worker)
    await sandbox.press_button(worker, unsure["message_id"], data="q:petugas")
    [prompt] = await sandbox.wait_for_messages(worker)
    await sandbox.press_button(worker, prompt["message_id"], data="hd:last")
    [where] = await sandbox.wait_for_messages(worker)  # no lead: where does the worker live?
    assert "di mana" in where["text"]
    await sandbox.send_text(worker, "Kota Kupang")  # a branch without a group
    [receipt] = await sandbox.wait_for_messages(worker)
    assert receipt["text"].startswith("✅")
    deadline = asyncio.get_running_loop().time() + 15
    while asyncio.get_running_loop().time() < deadline:
        posted = [
            m
            for m in await sandbox.messages(ADMIN_GROUP_ID, sender="bot")
            if "kebanjiran dapat ganti" in (m.get("text") or "")
        ]
        if posted:
            break
        await asyncio.sleep(0.2)
    assert posted and "Belum terdaftar" in posted[0]["text"]  # routed by place: admin fallback


async def test_deep_link_start_is_attributed_in_the_funnel(
    sandbox: SandboxClient, bot: BotProcess, tmp_path: Path
) -> None:
    png, link = await cli(
        bot, "sumber", "tambah", "poster-pasar", "Poster Pasar Lamongan", "--keluar", str(tmp_path)
    )
    assert link == "https://t.me/BebasCemasBot?start=POSTER-PASAR" and png.endswith(".png")
    worker = new_user_id()
    await sandbox.create_user("Siti", user_id=worker, language_code="id")
    await sandbox.send_text(worker, "/start POSTER-PASAR")
    [greeting] = await sandbox.wait_for_messages(worker)
    assert "Bebas Cemas" in greeting["text"]
    await register(sandbox, worker, location=LAMONGAN, name="Siti Poster")
    [funnel] = [json.loads(line) for line in await cli(bot, "sumber", "corong", "--json")]
    poster = next(row for row in funnel if row["code"] == "POSTER-PASAR")
    assert (poster["workers"], poster["touches"], poster["registered"]) == (1, 1, 1)


async def test_follow_up_no_reopens_the_lead(sandbox: SandboxClient, bot: BotProcess) -> None:
    branch = load_default_directory().nearest_branch(*DENPASAR)
    group_id, staff_id = await link_group(sandbox, bot, branch.code)
    worker = new_user_id()
    await register(sandbox, worker, location=DENPASAR, name="Made Wirawan")
    [card] = await sandbox.wait_for_messages(group_id, timeout=15)
    await sandbox.press_button(group_id, card["message_id"], text="🙋 Ambil", user_id=staff_id)
    await sandbox.wait_for_edit(group_id, card["message_id"])

    # FOLLOWUP_CONTACT_AFTER (3 s here) after the claim, the bot asks the worker.
    database = Database(bot.database_url)
    try:
        [question] = await sandbox.wait_for_messages(worker, timeout=15)
        assert "dihubungi" in question["text"]
        await sandbox.press_button(worker, question["message_id"], text="❌ Belum")
        [sorry] = await sandbox.wait_for_messages(worker, timeout=15)
        assert sorry["text"].startswith("😔")
        [alert] = await sandbox.wait_for_messages(group_id, timeout=15)
        assert "belum ada yang menghubungi" in alert["text"] and "Made Wirawan" in alert["text"]
        for _ in range(50):  # the alert's position is recorded just after it is sent
            async with database.transaction() as session:
                lead = (
                    await session.execute(select(Lead).where(Lead.name == "Made Wirawan"))
                ).scalar_one()
            if lead.card_message_id == alert["message_id"]:
                break
            await asyncio.sleep(0.1)
        assert (lead.status, lead.claimed_by, lead.card_message_id) == (
            "baru",
            None,
            alert["message_id"],
        )
        # Staff claim it again from the alert itself.
        await sandbox.press_button(group_id, alert["message_id"], text="🙋 Ambil", user_id=staff_id)
        claimed = await sandbox.wait_for_edit(group_id, alert["message_id"])
        assert "🙋 Ambil" not in json.dumps(claimed.get("reply_markup"), ensure_ascii=False)
    finally:
        await database.dispose()


async def test_opt_out_and_back_in(sandbox: SandboxClient, bot: BotProcess) -> None:
    worker = new_user_id()
    await sandbox.create_user("Ani", user_id=worker, language_code="id")
    await sandbox.send_text(worker, "/berhenti")
    [stopped] = await sandbox.wait_for_messages(worker)
    assert "/mulai" in stopped["text"]
    await sandbox.send_text(worker, "/mulai")
    [resumed] = await sandbox.wait_for_messages(worker)
    assert "/berhenti" in resumed["text"]


# --- the 5,000-worker broadcast, killed and resumed ------------------------------------------


async def populate(sandbox: SandboxClient, bot: BotProcess, source: str) -> list[int]:
    """5,000 workers who wrote to the bot while it was stopped (their updates then dropped, so
    the only message each gets is the broadcast), all from one source; plus some who opted
    out and must get nothing."""
    ids = [new_user_id() for _ in range(SEGMENT_SIZE + 10)]
    last_update = 0

    async def start_chat(user_id: int) -> int:
        await sandbox.create_user("Pekerja", user_id=user_id, language_code="id")
        sent = await sandbox.send_text(user_id, "halo")
        return sent.update_id or 0

    for chunk in range(0, len(ids), 250):
        results = await asyncio.gather(*(start_chat(u) for u in ids[chunk : chunk + 250]))
        last_update = max(last_update, *results)
    async with httpx.AsyncClient() as client:
        response = await client.get(
            f"{bot.sandbox_url}/bot{TOKEN}/getUpdates",
            params={"offset": last_update + 1, "timeout": 0},
        )
        assert response.status_code == 200
    now = utcnow()
    database = Database(bot.database_url)
    try:
        async with database.transaction() as session:
            session.add(Source(code=source, description="Siaran e2e", created_at=now, touches=0))
            await session.flush()
            await session.execute(
                insert(User),
                [
                    {
                        "telegram_id": u,
                        "language": "id",
                        "language_chosen": False,
                        "first_seen": now,
                        "last_seen": now,
                    }
                    for u in ids
                ],
            )
            rows = (
                await session.execute(
                    select(User.id, User.telegram_id).where(User.telegram_id.in_(ids))
                )
            ).all()
            by_telegram = {telegram_id: user_id for user_id, telegram_id in rows}
            await session.execute(
                insert(UserSource),
                [
                    {
                        "user_id": by_telegram[u],
                        "first_source": source,
                        "first_at": now,
                        "last_source": source,
                        "last_at": now,
                        "touches": 1,
                    }
                    for u in ids
                ],
            )
            await session.execute(
                insert(OptOut),
                [{"user_id": by_telegram[u], "opted_out_at": now} for u in ids[SEGMENT_SIZE:]],
            )
    finally:
        await database.dispose()
    return ids


async def recipient_counts(database: Database, broadcast_id: int) -> dict[str, int]:
    async with database.transaction() as session:
        rows = await session.execute(
            select(BroadcastRecipient.status, func.count())
            .where(BroadcastRecipient.broadcast_id == broadcast_id)
            .group_by(BroadcastRecipient.status)
        )
        return {status: int(n) for status, n in rows.all()}


async def test_broadcast_to_5000_killed_and_resumed_sends_nobody_twice(
    sandbox: SandboxClient, bot: BotProcess
) -> None:
    await asyncio.to_thread(bot.stop)
    ids = await populate(sandbox, bot, "SIARAN-E2E")
    segment_ids, opted_out = ids[:SEGMENT_SIZE], ids[SEGMENT_SIZE:]
    blocked = segment_ids[-3:]  # they block the bot once sending has started
    await asyncio.to_thread(bot.restart)
    manager, second = new_user_id(), new_user_id()
    await sandbox.create_user("Manajer", user_id=manager, language_code="id")
    await sandbox.send_text(manager, "/start")
    await sandbox.wait_for_messages(manager)

    settings = Settings(broadcast_rate=BROADCAST_RATE)
    database = Database(bot.database_url)
    try:
        segment = broadcasts.Segment(sources=("SIARAN-E2E",))
        async with database.transaction() as uow:
            assert await broadcasts.audience_size(uow, segment) == SEGMENT_SIZE
        async with database.transaction() as uow:
            view = await broadcasts.create_broadcast(
                uow,
                settings,
                text="Ayo lindungi diri: iuran mulai Rp16.800/bulan!",
                segment=segment,
                created_by=f"tg:{manager}",
                preview_chat_id=manager,
                now=utcnow(),
                button_text="Daftar sekarang",
                button_url="https://www.bpjsketenagakerjaan.go.id/",
            )
        preview, note = await sandbox.wait_for_messages(manager, count=2, timeout=15)
        assert preview["text"].startswith("Ayo lindungi diri") and "/berhenti" in preview["text"]
        assert "5000" in note["text"] and "manajer kedua" in note["text"].lower()
        for _ in range(50):  # the preview's delivery is recorded just after it arrives
            async with database.transaction() as uow:
                request = await broadcasts.request_send(
                    uow, settings, broadcast_id=view.id, by=f"tg:{manager}", now=utcnow()
                )
            if request != broadcasts.Decision.PREVIEW_PENDING:
                break
            await asyncio.sleep(0.1)
        assert request == broadcasts.Decision.AWAITING_APPROVAL
        await sandbox.reset_stats()
        async with database.transaction() as uow:
            approved = await broadcasts.approve(
                uow, settings, broadcast_id=view.id, by=f"tg:{second}", now=utcnow()
            )
        assert approved == broadcasts.Decision.SENDING
        for user_id in blocked:
            await sandbox.block_bot(user_id)

        # Kill the bot process in the middle of the broadcast.
        for _ in range(600):
            if (await recipient_counts(database, view.id)).get("sent", 0) >= 1500:
                break
            await asyncio.sleep(0.5)
        await asyncio.to_thread(bot.restart, kill=True)

        for _ in range(2400):
            async with database.transaction() as uow:
                current = await broadcasts.get_broadcast(uow, settings, view.id, utcnow())
            assert current is not None
            if current.status == "done":
                break
            await asyncio.sleep(0.5)
        assert current.status == "done", current.progress
        progress = current.progress
    finally:
        await database.dispose()

    counts = await recipient_counts(Database(bot.database_url), view.id)
    stats = await sandbox.stats()
    chats = {chat["id"]: chat for chat in await sandbox._call("GET", "/chats")}
    # Every worker wrote "halo" once; everything else in their chat is from the bot.
    received = {u: chats[u]["message_count"] - 1 for u in ids}
    assert max(received.values()) == 1, "someone got the broadcast twice"
    assert all(received[u] == 0 for u in opted_out) and all(received[u] == 0 for u in blocked)
    assert progress.blocked == 3 and progress.remaining == 0 and progress.failed == 0
    assert progress.sent + progress.unknown + progress.blocked == SEGMENT_SIZE
    assert progress.unknown <= 2 * ((BROADCAST_RATE + 4) // 5), counts
    delivered = sum(received.values())
    assert progress.sent <= delivered <= progress.sent + progress.unknown
    assert stats["max_sends_any_1s_window"] <= 30, stats["max_sends_any_1s_window"]
    print(
        f"broadcast to {SEGMENT_SIZE}: sent {progress.sent}, unknown {progress.unknown}, "
        f"blocked {progress.blocked}, delivered {delivered}, "
        f"max sends in any 1 s window {stats['max_sends_any_1s_window']}"
    )
