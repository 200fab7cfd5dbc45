"""Staff working a lead card together, end to end through the sandbox (issue #13): the header
follows the status and names who set it, a second staff member's change is shown by name, a
claim can be released, the latest change can be undone within five minutes (and not after),
and forged or stale buttons get a friendly answer."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.geo import load_default_directory
from db.engine import Database
from db.models import Lead, LeadStatusChange
from sandbox.client import SandboxClient
from tests.e2e.harness import BotProcess, new_user_id
from tests.e2e.test_leads import LAMONGAN, labels, link_group, register

CLAIM, CONTACTED, RELEASE, UNDO = "🙋 Ambil", "📞 Sudah dihubungi", "🔓 Lepas", "↩️ Urungkan"


def header(card: dict) -> str:
    return card["text"].splitlines()[0]


async def press(sandbox: SandboxClient, group_id: int, card_id: int, staff: int, *,
                text: str | None = None, data: str | None = None,
                edits: bool = True) -> tuple[dict, dict]:
    """Press a button of the card as ``staff``: the callback answer and the card after (when
    ``edits`` is False the bot is expected to leave it as it was)."""
    pressed = await sandbox.press_button(group_id, card_id, text=text, data=data,
                                         user_id=staff, forge=data is not None)
    answer = await sandbox.callback_answer(pressed.callback_query_id)
    if not edits:
        message = await sandbox.last_message(group_id)
        assert message is not None and message["message_id"] == card_id
        return answer, message
    return answer, await sandbox.wait_for_edit(group_id, card_id)


def undo_data(card: dict) -> str:
    rows = card["reply_markup"]["inline_keyboard"]
    [data] = [b["callback_data"] for row in rows for b in row if b["text"] == UNDO]
    return data


async def test_two_staff_claim_change_release_and_undo(sandbox: SandboxClient,
                                                       bot: BotProcess) -> None:
    branch = load_default_directory().nearest_branch(*LAMONGAN)
    group_id, budi = await link_group(sandbox, bot, branch.code)  # "Petugas Cabang"
    ani = new_user_id()
    await sandbox.create_user("Ani", user_id=ani, last_name="Rahma", language_code="id")
    await sandbox.add_member(group_id, ani)
    await register(sandbox, new_user_id(), location=LAMONGAN, name="Dewi Lestari")
    [card] = await sandbox.wait_for_messages(group_id, timeout=15)
    card_id = card["message_id"]
    lead_id = int(header(card).split("#")[1])
    assert header(card).startswith("📝 Lead baru #"), card["text"]
    assert UNDO not in labels(card) and RELEASE not in labels(card)

    # A claims: the header names A, A may release, and the claim can be undone.
    answer, card = await press(sandbox, group_id, card_id, budi, text=CLAIM)
    assert answer["text"] == "Tersimpan."
    assert header(card) == f"🙋 Lead #{lead_id} diambil oleh Petugas Cabang"
    assert {RELEASE, UNDO} <= set(labels(card)) and CLAIM not in labels(card)
    claim_undo = undo_data(card)

    # B, not the claimer, marks it contacted: allowed, and the card says it was B.
    answer, card = await press(sandbox, group_id, card_id, ani, text=CONTACTED)
    assert answer["text"] == "Tersimpan."
    assert header(card) == f"📞 Lead #{lead_id} dihubungi oleh Ani Rahma"
    assert "Ditangani oleh: Petugas Cabang" in card["text"]
    history = card["text"].split("Riwayat:")[1]
    assert "🙋 Diambil · Petugas Cabang · " in history
    assert "📞 Dihubungi · Ani Rahma · " in history
    assert CONTACTED not in labels(card) and RELEASE not in labels(card)

    # The undo button of an older card names the claim, not the latest change: refused.
    answer, card = await press(sandbox, group_id, card_id, budi, data=claim_undo, edits=False)
    assert "usang" in answer["text"] and answer.get("show_alert")
    assert header(card) == f"📞 Lead #{lead_id} dihubungi oleh Ani Rahma"

    # B undoes within five minutes: back to claimed by A, B's change gone from the card.
    answer, card = await press(sandbox, group_id, card_id, ani, text=UNDO)
    assert answer["text"] == "Diurungkan."
    assert header(card) == f"🙋 Lead #{lead_id} diambil oleh Petugas Cabang"
    assert "Ani Rahma" not in card["text"]

    # A releases the lead: new again, for anyone to take, and the card says who released it.
    answer, card = await press(sandbox, group_id, card_id, budi, text=RELEASE)
    assert header(card) == f"🆕 Lead #{lead_id} dilepas oleh Petugas Cabang: baru lagi"
    assert CLAIM in labels(card) and "Ditangani oleh" not in card["text"]

    # B claims it.
    answer, card = await press(sandbox, group_id, card_id, ani, text=CLAIM)
    assert header(card) == f"🙋 Lead #{lead_id} diambil oleh Ani Rahma"
    assert "Ditangani oleh: Ani Rahma" in card["text"]

    # Six minutes later (the bot runs in its own process: its change is moved back in the
    # database) the undo button still on screen is refused, and the card loses it.
    database = Database(bot.database_url)
    try:
        async with database.transaction() as session:
            lead = await session.get(Lead, lead_id)
            assert lead is not None and lead.card_message_id == card_id
            latest = (await session.execute(
                select(LeadStatusChange).where(LeadStatusChange.lead_id == lead_id)
                .order_by(LeadStatusChange.id.desc()).limit(1))).scalar_one()
            assert latest.by_name == "Ani Rahma" and latest.by_telegram_id == ani
            await session.execute(
                update(LeadStatusChange).where(LeadStatusChange.id == latest.id)
                .values(at=latest.at - timedelta(minutes=6)))
        answer, card = await press(sandbox, group_id, card_id, ani, text=UNDO)
        assert "terlambat" in answer["text"] and answer.get("show_alert")
        assert header(card) == f"🙋 Lead #{lead_id} diambil oleh Ani Rahma"
        assert UNDO not in labels(card)
        async with database.transaction() as session:
            lead = await session.get(Lead, lead_id)
            assert lead is not None and lead.status == "diambil" and lead.claimed_by == ani
    finally:
        await database.dispose()

    # Forged data never raises: an unknown action, a mangled id, an undo of nothing.
    for forged in ("ld:1:hapus", "ld:abc:ambil", "ld:1:urung", f"ld:{lead_id}:urung:999999"):
        pressed = await sandbox.press_button(group_id, card_id, data=forged, user_id=ani,
                                             forge=True)
        answer = await sandbox.callback_answer(pressed.callback_query_id)
        assert answer["text"], forged
    assert "Traceback" not in bot.log_tail()
