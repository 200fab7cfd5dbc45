"""Questions are recorded for the statistics; unanswered ones are kept masked and truncated."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.questions import ask
from bot.users import touch_user
from db.engine import Database
from db.models import Event, UnansweredQuestion

TODAY = date(2026, 11, 22)


async def test_answered_question_and_typed_calculation_are_events(db: Database) -> None:
    user = await touch_user(db, 7001, "id")
    async with db.transaction() as uow:
        answer = await ask(uow, user.id, "gaji sy 2,5jt bayar brp", lang="id", today=TODAY)
    assert answer.topic == "iuran" and answer.answered
    async with db.transaction() as session:
        kinds = sorted(k for (k,) in await session.execute(
            select(Event.kind).where(Event.user_id == user.id)))
    assert kinds == ["calculator", "first_contact", "question"]


async def test_unanswered_question_is_kept_without_the_phone_number(db: Database) -> None:
    user = await touch_user(db, 7002, "id")
    text = "bpjs sy gmn ya 0812-3456-7890 " + "x" * 500
    async with db.transaction() as uow:
        answer = await ask(uow, user.id, text, lang="id", today=TODAY)
    assert not answer.answered
    async with db.transaction() as session:
        kept = (await session.execute(select(UnansweredQuestion.text))).scalars().all()
        unanswered = (await session.execute(
            select(Event).where(Event.kind == "unanswered"))).scalars().all()
    assert len(kept) == 1 and len(unanswered) == 1
    assert "0812-3456-7890" not in kept[0] and "3456" not in kept[0]
    assert len(kept[0]) <= 300
