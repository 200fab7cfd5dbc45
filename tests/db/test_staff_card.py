"""Staff changes on a lead card, on the real database (issue #13): each change records who
made it, by name; releasing a claim; undoing the latest change within five minutes, back to
the status, owner and dates before it; stale and late presses change nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot import staff
from bot.leads import UNDO_WINDOW, LeadCard, StaffAction
from bot.presentation.callbacks import LeadButton
from bot.presentation.lead_cards import card_keyboard, card_text
from db.engine import Database
from db.models import Lead, LeadStatusChange
from tests.db.test_leads import ADMIN, NOW, SETTINGS, register

BUDI, ANI = (ADMIN, "Budi Santoso"), (ADMIN + 1, "Ani Rahma")
SETTINGS_TWO_ADMINS = type(SETTINGS)(
    admin_ids=frozenset({BUDI[0], ANI[0]}), admin_group_id=SETTINGS.admin_group_id
)


async def act(
    db: Database,
    lead_id: int,
    action: StaffAction,
    who: tuple[int, str],
    at: datetime = NOW,
    change_id: int | None = None,
) -> staff.ActionResult:
    # Admins in their private chat: the simplest scope that covers every branch.
    async with db.transaction() as uow:
        return await staff.apply_action(
            uow,
            lead_id=lead_id,
            action=action,
            staff_telegram_id=who[0],
            staff_name=who[1],
            chat_id=who[0],
            settings=SETTINGS_TWO_ADMINS,
            now=at,
            change_id=change_id,
        )


def undo_of(result: staff.ActionResult) -> int:
    assert result.card is not None and result.card.undo_change_id is not None
    return result.card.undo_change_id


async def lead_row(db: Database, lead_id: int) -> Lead:
    async with db.transaction() as session:
        lead = await session.get(Lead, lead_id)
        assert lead is not None
        return lead


async def test_changes_are_recorded_with_the_name_and_shown_on_the_card(db: Database) -> None:
    lead_id = await register(db, 7101)
    claimed = await act(db, lead_id, StaffAction.CLAIM, BUDI)
    contacted = await act(db, lead_id, StaffAction.CONTACTED, ANI, NOW + timedelta(minutes=1))
    assert contacted.outcome == staff.ActionOutcome.DONE and contacted.card is not None
    async with db.transaction() as session:
        rows = (await session.execute(
            select(LeadStatusChange.status, LeadStatusChange.by_telegram_id,
                   LeadStatusChange.by_name)
            .where(LeadStatusChange.lead_id == lead_id).order_by(LeadStatusChange.id)
        )).all()
    assert [tuple(r) for r in rows] == [
        ("baru", None, None), ("diambil", BUDI[0], BUDI[1]), ("dihubungi", ANI[0], ANI[1]),
    ]
    text = card_text(contacted.card)
    assert text.splitlines()[0] == f"📞 <b>Lead #{lead_id} dihubungi oleh Ani Rahma</b>"
    assert "Ditangani oleh: Budi Santoso" in text
    # NOW is 03:00 UTC: 10:00 WIB.
    assert "🙋 Diambil · Budi Santoso · 10:00, 22 Nov" in text
    assert "📞 Dihubungi · Ani Rahma · 10:01, 22 Nov" in text
    assert claimed.card is not None
    assert card_text(claimed.card).splitlines()[0] == (
        f"🙋 <b>Lead #{lead_id} diambil oleh Budi Santoso</b>"
    )


async def test_undo_reverts_to_the_status_owner_and_dates_before(db: Database) -> None:
    lead_id = await register(db, 7102)
    await act(db, lead_id, StaffAction.CONTACTED, BUDI)  # the first to act owns it
    enrolled = await act(db, lead_id, StaffAction.ENROLLED, ANI, NOW + timedelta(minutes=1))
    lead = await lead_row(db, lead_id)
    assert lead.status == "terdaftar" and lead.closed_at is not None
    # Closed, but the undo is still offered, and only the undo.
    assert enrolled.card is not None
    keyboard = card_keyboard(enrolled.card, NOW + timedelta(minutes=2))
    assert keyboard is not None
    assert [b.text for row in keyboard.inline_keyboard for b in row] == ["↩️ Urungkan"]
    undone = await act(db, lead_id, StaffAction.UNDO, ANI, NOW + timedelta(minutes=3),
                       undo_of(enrolled))
    assert undone.outcome == staff.ActionOutcome.DONE
    lead = await lead_row(db, lead_id)
    assert lead.status == "dihubungi" and lead.closed_at is None
    assert lead.claimed_by == BUDI[0] and lead.contacted_at == NOW
    # Undo again: back to new, nobody's, never contacted.
    again = await act(db, lead_id, StaffAction.UNDO, BUDI, NOW + timedelta(minutes=4),
                      undo_of(undone))
    assert again.outcome == staff.ActionOutcome.DONE and again.card is not None
    lead = await lead_row(db, lead_id)
    assert lead.status == "baru" and lead.claimed_by is None and lead.contacted_at is None
    # Nothing left to undo: the card offers no undo and a forged one is stale.
    assert again.card.undo_change_id is None and again.card.history == ()
    stale = await act(db, lead_id, StaffAction.UNDO, BUDI, NOW + timedelta(minutes=4), 1)
    assert stale.outcome == staff.ActionOutcome.STALE
    async with db.transaction() as session:
        marked = (await session.execute(
            select(LeadStatusChange).where(LeadStatusChange.lead_id == lead_id,
                                           LeadStatusChange.undone_at.is_not(None))
        )).scalars().all()
    assert len(marked) == 2  # kept for the record


async def test_undo_only_within_five_minutes(db: Database) -> None:
    lead_id = await register(db, 7103)
    claimed = await act(db, lead_id, StaffAction.CLAIM, BUDI)
    assert claimed.card is not None and claimed.card.undo_until == NOW + UNDO_WINDOW
    late = NOW + UNDO_WINDOW + timedelta(seconds=1)
    assert card_keyboard(claimed.card, NOW + UNDO_WINDOW) is not None
    labels = [b.text for row in card_keyboard(claimed.card, late).inline_keyboard for b in row]
    assert "↩️ Urungkan" not in labels and "🔓 Lepas" in labels
    result = await act(db, lead_id, StaffAction.UNDO, BUDI, late, undo_of(claimed))
    assert result.outcome == staff.ActionOutcome.UNDO_EXPIRED
    assert (await lead_row(db, lead_id)).status == "diambil"


async def test_release_and_undo_of_a_release(db: Database) -> None:
    lead_id = await register(db, 7104)
    await act(db, lead_id, StaffAction.CLAIM, BUDI)
    # Anyone may release, shown by name; the next one to act owns it.
    released = await act(db, lead_id, StaffAction.UNCLAIM, ANI)
    assert released.outcome == staff.ActionOutcome.DONE and released.card is not None
    assert card_text(released.card).splitlines()[0] == (
        f"🆕 <b>Lead #{lead_id} dilepas oleh Ani Rahma</b>: baru lagi"
    )
    lead = await lead_row(db, lead_id)
    assert lead.status == "baru" and lead.claimed_by is None
    # The reminder counts from the release; the 48-hour escalation does not fire for it.
    assert lead.last_announced_at == NOW and lead.reminders_sent == 0
    assert lead.escalated_at is not None
    # Releasing again (a stale button) changes nothing.
    assert (await act(db, lead_id, StaffAction.UNCLAIM, ANI)).outcome == staff.ActionOutcome.STALE
    await act(db, lead_id, StaffAction.UNDO, ANI, NOW, undo_of(released))
    lead = await lead_row(db, lead_id)
    assert lead.status == "diambil" and lead.claimed_by == BUDI[0]
    assert lead.claimed_by_name == BUDI[1]


async def test_a_stale_press_of_the_current_status_changes_nothing(db: Database) -> None:
    lead_id = await register(db, 7105)
    await act(db, lead_id, StaffAction.CLAIM, BUDI)
    await act(db, lead_id, StaffAction.CONTACTED, BUDI)
    result = await act(db, lead_id, StaffAction.CONTACTED, ANI)
    assert result.outcome == staff.ActionOutcome.STALE
    assert result.card is not None and len(result.card.history) == 2


def test_callback_codec_round_trips_and_refuses_forgeries() -> None:
    for action in StaffAction:
        change = 7 if action == StaffAction.UNDO else None
        parsed = LeadButton.decode(LeadButton(12, action, change).encode())
        assert parsed == LeadButton(12, action, change)
    for forged in ("ld:1:urung", "ld:1:urung:x", "ld:1:ambil:3", "ld:1:urung:3:4", "ld:1:lepas:"):
        assert LeadButton.decode(forged) is None, forged


def test_card_keyboard_follows_the_status() -> None:
    base = dict(
        id=1, name="X", phone="1", phone_is_own=True, occupation="petani", occupation_other=None,
        place_label=None, regency_name="R", province_name="P", branch_code="B",
        branch_name="B", income=None, contact_time="pagi", language="id", created_at=NOW,
        claimed_by_name=None, anonymized=False,
    )

    def labels(status: str) -> list[str]:
        keyboard = card_keyboard(LeadCard(status=status, **base), NOW)  # type: ignore[arg-type]
        return [b.text for row in keyboard.inline_keyboard for b in row] if keyboard else []

    assert labels("baru")[0] == "🙋 Ambil" and "🔓 Lepas" not in labels("baru")
    assert "🔓 Lepas" in labels("diambil") and "🙋 Ambil" not in labels("diambil")
    assert "📞 Sudah dihubungi" not in labels("dihubungi")
    assert labels("terdaftar") == []
