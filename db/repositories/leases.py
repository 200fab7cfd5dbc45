from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import JobLease


class JobLeaseRepository:
    """Leases for jobs that must run in one process at a time (``db.models.JobLease``)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def acquire(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Take or renew the lease; False while another holder's lease is still valid."""
        result = await self.session.execute(
            update(JobLease)
            .where(
                JobLease.name == name,
                or_(JobLease.holder == holder, JobLease.expires_at < now),
            )
            .values(holder=holder, expires_at=now + ttl)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) == 1:
            return True
        if await self.session.get(JobLease, name) is not None:
            return False
        try:
            async with self.session.begin_nested():
                self.session.add(JobLease(name=name, holder=holder, expires_at=now + ttl))
            return True
        except IntegrityError:
            return False  # another process created it first

    async def release(self, name: str, holder: str) -> None:
        await self.session.execute(
            delete(JobLease).where(JobLease.name == name, JobLease.holder == holder)
        )
