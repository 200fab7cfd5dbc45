"""Managers' labels on missed questions (the classifier's learning loop)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import QuestionLabel, UnansweredQuestion


class QuestionLabelRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def put(
        self, normalized: str, topic: str, by: str, now: datetime
    ) -> QuestionLabel | None:
        """Label the missed question stored as ``normalized`` (its latest asking); a new topic
        for a labelled question replaces the old one and needs training again. ``None`` when no
        such missed question is stored (deleted, or never asked)."""
        asked = (
            await self.session.execute(
                select(UnansweredQuestion)
                .where(UnansweredQuestion.normalized == normalized)
                .order_by(UnansweredQuestion.created_at.desc(), UnansweredQuestion.id.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
        if asked is None:
            return None
        label = (
            await self.session.execute(
                select(QuestionLabel).where(QuestionLabel.normalized == normalized)
            )
        ).scalar_one_or_none()
        if label is None:
            label = QuestionLabel(normalized=normalized, text=asked.text)
            self.session.add(label)
        elif label.topic != topic:
            label.trained_at = None
        label.user_id = asked.user_id
        label.topic = topic
        label.labelled_by = by
        label.labelled_at = now
        await self.session.flush()
        return label

    async def for_texts(self, normalized: Sequence[str]) -> dict[str, QuestionLabel]:
        if not normalized:
            return {}
        rows = await self.session.execute(
            select(QuestionLabel).where(QuestionLabel.normalized.in_(list(normalized)))
        )
        return {label.normalized: label for label in rows.scalars()}

    async def all(self, *, trained_only: bool = False) -> Sequence[QuestionLabel]:
        query = select(QuestionLabel).order_by(QuestionLabel.labelled_at, QuestionLabel.id)
        if trained_only:
            query = query.where(QuestionLabel.trained_at.is_not(None))
        return (await self.session.execute(query)).scalars().all()

    async def mark_trained(self, ids: Sequence[int], now: datetime) -> None:
        if ids:
            await self.session.execute(
                update(QuestionLabel)
                .where(QuestionLabel.id.in_(list(ids)), QuestionLabel.trained_at.is_(None))
                .values(trained_at=now)
                .execution_options(synchronize_session=False)
            )
