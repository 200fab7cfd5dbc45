"""The lead card's header follows the lead's status (staff see at a glance what is left)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.leads import LeadCard
from bot.presentation.lead_cards import card_text

CARD = LeadCard(
    id=7, status="baru", name="Sri", phone="+6281234567890", phone_is_own=True,
    occupation="petani", occupation_other=None, place_label="Lamongan",
    regency_name="Kabupaten Lamongan", province_name="Jawa Timur", branch_code="KC-SURABAYA",
    branch_name="Kantor Cabang Surabaya", income=None, contact_time="pagi", language="id",
    created_at=datetime(2026, 12, 1, tzinfo=UTC), claimed_by_name=None, anonymized=False,
)


def test_the_header_follows_the_status() -> None:
    assert card_text(CARD).startswith("📝 <b>Lead baru #7</b>")
    claimed = card_text(replace(CARD, status="diambil", claimed_by_name="Wahyu"))
    assert claimed.splitlines()[0] == "🙋 <b>Lead #7 diambil oleh Wahyu</b>"
    # With no name on record, the status alone.
    contacted = card_text(replace(CARD, status="dihubungi"))
    assert contacted.splitlines()[0] == "📞 Sudah dihubungi · <b>Lead #7</b>"
    enrolled = card_text(replace(CARD, status="terdaftar"))
    assert enrolled.splitlines()[0].startswith("✅") and "Lead baru" not in enrolled
