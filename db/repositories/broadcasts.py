from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, exists, func, insert, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Branch,
    Broadcast,
    BroadcastRecipient,
    Event,
    Lead,
    OptOut,
    Regency,
    User,
    UserSource,
)

NO_LEAD = "none"
DATA_DELETED = "data_deleted"  # bot.events.EventKind.DATA_DELETED


class BroadcastRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- broadcasts -----------------------------------------------------------------------

    def add(self, broadcast: Broadcast) -> None:
        self.session.add(broadcast)

    async def get(self, broadcast_id: int, *, for_update: bool = False) -> Broadcast | None:
        query = select(Broadcast).where(Broadcast.id == broadcast_id)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def latest(self, limit: int) -> Sequence[Broadcast]:
        query = select(Broadcast).order_by(Broadcast.id.desc()).limit(limit)
        return (await self.session.execute(query)).scalars().all()

    async def oldest_sending(self, *, only_forced: bool = False) -> Broadcast | None:
        """``only_forced``: among those that may go out inside the quiet hours."""
        query = select(Broadcast).where(Broadcast.status == "sending")
        if only_forced:
            query = query.where(Broadcast.ignore_quiet_hours.is_(True))
        query = query.order_by(Broadcast.approved_at, Broadcast.id).limit(1)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def due_scheduled(self, now: datetime) -> Sequence[Broadcast]:
        """Scheduled broadcasts whose time has come, locked for the caller's transaction."""
        query = (
            select(Broadcast)
            .where(Broadcast.status == "scheduled", Broadcast.scheduled_at <= now)
            .order_by(Broadcast.scheduled_at, Broadcast.id)
            .with_for_update(skip_locked=True)
        )
        return (await self.session.execute(query)).scalars().all()

    async def place_names(
        self, provinces: Sequence[str], branches: Sequence[str]
    ) -> dict[str, dict[str, str]]:
        """Names of province and branch codes, as ``describe_segment`` takes them."""
        names: dict[str, dict[str, str]] = {"provinces": {}, "branches": {}}
        if provinces:
            rows = await self.session.execute(
                select(Regency.province_code, func.min(Regency.province_name))
                .where(Regency.province_code.in_(provinces))
                .group_by(Regency.province_code)
            )
            names["provinces"] = {code: name for code, name in rows}
        if branches:
            rows = await self.session.execute(
                select(Branch.code, Branch.name).where(Branch.code.in_(branches))
            )
            names["branches"] = {code: name for code, name in rows}
        return names

    # --- the audience ---------------------------------------------------------------------

    def audience(self, segment: dict[str, Sequence[str]]) -> Select[int, int, str]:
        """Workers in ``segment`` who may receive a broadcast: not blocked, not opted out, not
        gone through /hapusdata. Province, branch, occupation and lead status are those of the
        worker's latest lead; a source matches the first or the latest touch."""
        latest = (
            select(Lead.user_id.label("user_id"), func.max(Lead.id).label("lead_id"))
            .where(Lead.user_id.is_not(None))
            .group_by(Lead.user_id)
            .subquery()
        )
        query = (
            select(User.id, User.telegram_id, User.language)
            .select_from(User)
            .outerjoin(latest, latest.c.user_id == User.id)
            .outerjoin(Lead, Lead.id == latest.c.lead_id)
            .where(
                User.blocked_at.is_(None),
                ~exists().where(OptOut.user_id == User.id),
                ~exists().where(Event.user_id == User.id, Event.kind == DATA_DELETED),
            )
        )
        if provinces := segment.get("provinces"):
            query = query.where(Lead.province_code.in_(provinces))
        if branches := segment.get("branches"):
            query = query.where(Lead.branch_code.in_(branches))
        if occupations := segment.get("occupations"):
            query = query.where(Lead.occupation.in_(occupations))
        if languages := segment.get("languages"):
            query = query.where(User.language.in_(languages))
        if statuses := segment.get("lead_statuses"):
            named = [s for s in statuses if s != NO_LEAD]
            conditions = [Lead.status.in_(named)] if named else []
            if NO_LEAD in statuses:
                conditions.append(Lead.id.is_(None))
            query = query.where(or_(*conditions))
        if sources := segment.get("sources"):
            query = query.join(UserSource, UserSource.user_id == User.id).where(
                or_(UserSource.first_source.in_(sources), UserSource.last_source.in_(sources))
            )
        return query

    async def count_audience(self, segment: dict[str, Sequence[str]]) -> int:
        query = select(func.count()).select_from(self.audience(segment).subquery())
        return int((await self.session.execute(query)).scalar_one())

    async def materialise(self, broadcast_id: int, segment: dict[str, Sequence[str]]) -> int:
        """One recipient row per worker of the segment, now: later changes to the segment
        do not change who gets this broadcast."""
        audience = self.audience(segment).subquery()
        rows = select(
            literal(broadcast_id),
            audience.c.id,
            audience.c.telegram_id,
            audience.c.language,
            literal("pending"),
            literal(0),
        )
        await self.session.execute(
            insert(BroadcastRecipient).from_select(
                ["broadcast_id", "user_id", "telegram_id", "language", "status", "attempts"], rows
            )
        )
        return await self.count_recipients(broadcast_id)

    async def count_recipients(self, broadcast_id: int) -> int:
        query = (
            select(func.count())
            .select_from(BroadcastRecipient)
            .where(BroadcastRecipient.broadcast_id == broadcast_id)
        )
        return int((await self.session.execute(query)).scalar_one())

    # --- sending ---------------------------------------------------------------------------

    async def pending_batch(
        self, broadcast_id: int, size: int, use_skip_locked: bool
    ) -> list[tuple[int, int, str, bool, bool]]:
        """Next pending recipients: (user id, telegram id, language, opted out, blocked)."""
        query = (
            select(
                BroadcastRecipient.user_id,
                BroadcastRecipient.telegram_id,
                BroadcastRecipient.language,
                exists().where(OptOut.user_id == BroadcastRecipient.user_id),
                exists().where(User.id == BroadcastRecipient.user_id, User.blocked_at.is_not(None)),
            )
            .where(
                BroadcastRecipient.broadcast_id == broadcast_id,
                BroadcastRecipient.status == "pending",
            )
            .order_by(BroadcastRecipient.user_id)
            .limit(size)
        )
        if use_skip_locked:
            query = query.with_for_update(skip_locked=True, of=BroadcastRecipient)
        rows = (await self.session.execute(query)).all()
        return [(r[0], r[1], r[2], bool(r[3]), bool(r[4])) for r in rows]

    async def set_status(
        self,
        broadcast_id: int,
        user_ids: Iterable[int],
        status: str,
        *,
        from_status: str,
        claimed_by: str | None = None,
        only_claimed_by: str | None = None,
        sent_at: datetime | None = None,
        error: str | None = None,
        count_attempt: bool = False,
    ) -> int:
        ids = list(user_ids)
        if not ids:
            return 0
        values: dict[str, Any] = {"status": status, "claimed_by": claimed_by}
        if sent_at is not None:
            values["sent_at"] = sent_at
        if error is not None:
            values["error"] = error[:200]
        if count_attempt:
            values["attempts"] = BroadcastRecipient.attempts + 1
        query = update(BroadcastRecipient).where(
            BroadcastRecipient.broadcast_id == broadcast_id,
            BroadcastRecipient.user_id.in_(ids),
            BroadcastRecipient.status == from_status,
        )
        if only_claimed_by is not None:
            query = query.where(BroadcastRecipient.claimed_by == only_claimed_by)
        result = await self.session.execute(
            query.values(**values).execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def retry_or_fail(
        self, broadcast_id: int, user_ids: Iterable[int], holder: str, max_attempts: int, error: str
    ) -> None:
        """Back to ``pending`` (certainly not delivered), or ``failed`` after ``max_attempts``."""
        ids = list(user_ids)
        if not ids:
            return
        mine = (
            BroadcastRecipient.broadcast_id == broadcast_id,
            BroadcastRecipient.user_id.in_(ids),
            BroadcastRecipient.status == "sending",
            BroadcastRecipient.claimed_by == holder,
        )
        for status, condition in (
            ("pending", BroadcastRecipient.attempts < max_attempts),
            ("failed", BroadcastRecipient.attempts >= max_attempts),
        ):
            await self.session.execute(
                update(BroadcastRecipient)
                .where(*mine, condition)
                .values(status=status, claimed_by=None, error=error[:200])
                .execution_options(synchronize_session=False)
            )

    async def orphans_to_unknown(self, error: str) -> int:
        """Rows left ``sending``: maybe delivered, so never sent again."""
        result = await self.session.execute(
            update(BroadcastRecipient)
            .where(BroadcastRecipient.status == "sending")
            .values(status="unknown", claimed_by=None, error=error)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def mark_users_blocked(self, user_ids: Iterable[int], now: datetime) -> None:
        ids = list(user_ids)
        if ids:
            await self.session.execute(
                update(User)
                .where(User.id.in_(ids), User.blocked_at.is_(None))
                .values(blocked_at=now)
                .execution_options(synchronize_session=False)
            )

    async def status_counts(self, broadcast_id: int) -> dict[str, int]:
        query = (
            select(BroadcastRecipient.status, func.count())
            .where(BroadcastRecipient.broadcast_id == broadcast_id)
            .group_by(BroadcastRecipient.status)
        )
        return {status: int(n) for status, n in (await self.session.execute(query)).all()}

    # --- opt-outs --------------------------------------------------------------------------

    async def opt_out(self, user_id: int, now: datetime) -> bool:
        if await self.session.get(OptOut, user_id) is not None:
            return False
        try:
            async with self.session.begin_nested():
                self.session.add(OptOut(user_id=user_id, opted_out_at=now))
            return True
        except IntegrityError:
            return False

    async def opt_in(self, user_id: int) -> bool:
        result = await self.session.execute(delete(OptOut).where(OptOut.user_id == user_id))
        return bool(getattr(result, "rowcount", 0))

    async def is_opted_out(self, user_id: int) -> bool:
        return await self.session.get(OptOut, user_id) is not None
