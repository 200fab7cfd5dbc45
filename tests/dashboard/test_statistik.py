"""/statistik's text, from the same summary as the dashboard."""

from __future__ import annotations

from bot import stats
from db.engine import Database
from handlers.statistik import render_digest
from tests.dashboard.data import NOW, seed


async def test_digest_text_in_both_languages(db: Database) -> None:
    await seed(db)
    async with db.transaction() as uow:
        digest = await stats.digest(uow, NOW, reminder_hours=24)
    indonesian = render_digest(digest, "id", "2026-11-20")
    assert indonesian.startswith("<b>Statistik Bebas Cemas</b> (2026-11-20)")
    assert "Pengguna: 6 (aktif: 4 dalam 7 hari, 5 dalam 30 hari)" in indonesian
    assert "Lead: 3, melewati batas pengingat: 1" in indonesian
    assert "• Kontak pertama: 6" in indonesian
    assert "• Terdaftar: 1 (100% dari lead yang dihubungi)" in indonesian
    assert "• Mulai mendaftar: 3 (50% dari semua yang menghubungi bot)" in indonesian
    english = render_digest(digest, "en", "2026-11-20")
    assert "Questions: 6, answered 83.3%, unanswered 1" in english
    assert "• Asked a question: 3 (50% of everyone who wrote to the bot)" in english
