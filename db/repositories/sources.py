from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Event, Lead, Source, User, UserSource

# Event kinds that mark a funnel step per worker (names as in bot.events.EventKind).
QUESTION, CALCULATOR, REGISTRATION_STARTED = "question", "calculator", "registration_started"
CONTACTED_STATUSES = ("dihubungi", "terdaftar")
ENROLLED_STATUS = "terdaftar"


class SourceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, code: str) -> Source | None:
        return await self.session.get(Source, code)

    async def all(self) -> Sequence[Source]:
        return (await self.session.execute(select(Source).order_by(Source.code))).scalars().all()

    def add(self, source: Source) -> None:
        self.session.add(source)

    async def count_touch(self, code: str) -> bool:
        """One more /start with ``code``; False when no such source exists."""
        result = await self.session.execute(
            update(Source)
            .where(Source.code == code)
            .values(touches=Source.touches + 1)
            .execution_options(synchronize_session=False)
        )
        return getattr(result, "rowcount", 0) == 1

    async def touch_user(self, user_id: int, code: str, now: datetime) -> None:
        """First touch kept, last touch moved: one row per worker."""
        row = await self.session.get(UserSource, user_id, with_for_update=True)
        if row is None:
            try:
                # A savepoint: another process may insert the same worker's row at once.
                async with self.session.begin_nested():
                    self.session.add(
                        UserSource(
                            user_id=user_id,
                            first_source=code,
                            first_at=now,
                            last_source=code,
                            last_at=now,
                            touches=1,
                        )
                    )
                return
            except IntegrityError:
                row = await self.session.get(UserSource, user_id, with_for_update=True)
                if row is None:
                    raise
        row.last_source, row.last_at, row.touches = code, now, row.touches + 1

    async def of_user(self, user_id: int) -> UserSource | None:
        return await self.session.get(UserSource, user_id)

    async def funnel(
        self, *, first_touch: bool, since: datetime | None, until: datetime | None
    ) -> list[dict[str, Any]]:
        """Workers per source (``None``: came without one) and how far they got: one row per
        source with counts of distinct workers at each step."""
        source_col = UserSource.first_source if first_touch else UserSource.last_source
        touched_at = func.coalesce(
            UserSource.first_at if first_touch else UserSource.last_at, User.first_seen
        )

        def flag(condition: Any) -> Any:
            return func.max(case((condition, 1), else_=0))

        steps = (
            select(
                Event.user_id.label("user_id"),
                flag(Event.kind == QUESTION).label("asked"),
                flag(Event.kind == CALCULATOR).label("calculated"),
                flag(Event.kind == REGISTRATION_STARTED).label("started"),
            )
            .where(
                Event.kind.in_((QUESTION, CALCULATOR, REGISTRATION_STARTED)),
                Event.user_id.is_not(None),
            )
            .group_by(Event.user_id)
            .subquery()
        )
        leads = (
            select(
                Lead.user_id.label("user_id"),
                literal(1).label("registered"),
                flag(Lead.claimed_at.is_not(None)).label("claimed"),
                flag(
                    or_(Lead.contacted_at.is_not(None), Lead.status.in_(CONTACTED_STATUSES))
                ).label("contacted"),
                flag(Lead.status == ENROLLED_STATUS).label("enrolled"),
            )
            .where(Lead.user_id.is_not(None))
            .group_by(Lead.user_id)
            .subquery()
        )

        def total(column: Any) -> Any:
            return func.coalesce(func.sum(column), 0)

        query = (
            select(
                source_col.label("source"),
                func.count(User.id).label("workers"),
                total(steps.c.asked).label("asked"),
                total(steps.c.calculated).label("calculated"),
                total(steps.c.started).label("registration_started"),
                total(leads.c.registered).label("registered"),
                total(leads.c.claimed).label("claimed"),
                total(leads.c.contacted).label("contacted"),
                total(leads.c.enrolled).label("enrolled"),
            )
            .select_from(User)
            .outerjoin(UserSource, UserSource.user_id == User.id)
            .outerjoin(steps, steps.c.user_id == User.id)
            .outerjoin(leads, leads.c.user_id == User.id)
            .group_by(source_col)
        )
        if since is not None:
            query = query.where(touched_at >= since)
        if until is not None:
            query = query.where(touched_at < until)
        rows = (await self.session.execute(query)).mappings().all()
        return [dict(row) for row in rows]
