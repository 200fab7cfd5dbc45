"""A worker's free-text question: understood by ``bot.answers``, recorded for the statistics,
and kept (masked, truncated) when we could not answer it so the knowledge base can improve."""

from __future__ import annotations

from datetime import date, datetime

from bot.answers import Answer, answer_question
from bot.clock import utcnow
from bot.events import EventKind
from bot.logs import mask_phone_numbers
from bot.nlu.classifier import IntentModel
from bot.registration.validation import clean_text
from db.engine import UnitOfWork
from db.repositories.events import EventRepository
from db.repositories.questions import UnansweredQuestionRepository

KEPT_QUESTION_LENGTH = 300


async def ask(
    uow: UnitOfWork,
    user_id: int,
    text: str,
    *,
    lang: str,
    today: date,
    now: datetime | None = None,
    model: IntentModel | None = None,
) -> Answer:
    now = now or utcnow()
    answer = answer_question(text, lang=lang, today=today, model=model)
    events = EventRepository(uow)
    await events.add(
        EventKind.QUESTION,
        user_id=user_id,
        at=now,
        topic=answer.topic,
        confidence=round(answer.confidence, 3),
        language=lang,
        details={"answered": answer.answered, "tier": answer.tier, "also": list(answer.also)},
    )
    if answer.answered and answer.topic == "iuran" and answer.amount is not None:
        # A typed "gaji 2,5jt bayar brp" is a calculator use as much as the buttons are.
        await events.add(EventKind.CALCULATOR, user_id=user_id, at=now, language=lang,
                   details={"source": "question"})
    if not answer.answered:
        await events.add(
            EventKind.UNANSWERED,
            user_id=user_id,
            at=now,
            topic=answer.topic,
            confidence=round(answer.confidence, 3),
            language=lang,
        )
        UnansweredQuestionRepository(uow).add(
            user_id=user_id,
            text=mask_phone_numbers(clean_text(text))[:KEPT_QUESTION_LENGTH],
            best_topic=answer.topic,
            confidence=answer.confidence,
            now=now,
        )
    return answer
