"""Dashboard accounts and their sessions (``bot.accounts`` holds the rules: password hashing,
username spelling, session lifetimes). Usernames arrive here already normalized."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Branch, DashboardAccount, DashboardSession


class AccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_username(self, username: str) -> DashboardAccount | None:
        return await self.session.scalar(
            select(DashboardAccount).where(DashboardAccount.username == username)
        )

    async def get(self, account_id: int) -> DashboardAccount | None:
        return await self.session.get(DashboardAccount, account_id)

    async def all_by_username(self) -> Sequence[DashboardAccount]:
        query = select(DashboardAccount).order_by(DashboardAccount.username)
        return (await self.session.scalars(query)).all()

    async def add(self, account: DashboardAccount) -> None:
        """Stores ``account`` and flushes, so that its ``id`` is set."""
        self.session.add(account)
        await self.session.flush()

    async def delete(self, account: DashboardAccount) -> None:
        await self.session.delete(account)


class SessionRepository:
    """Logged-in sessions; the table holds only a hash of each browser's token."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, stored: DashboardSession) -> None:
        self.session.add(stored)

    async def with_account(
        self, token_hash: str
    ) -> tuple[DashboardSession, DashboardAccount, str | None] | None:
        """The session, its account and the account's branch name (None for a manager)."""
        row = (
            await self.session.execute(
                select(DashboardSession, DashboardAccount, Branch.name)
                .join(DashboardAccount, DashboardAccount.id == DashboardSession.account_id)
                .outerjoin(Branch, Branch.code == DashboardAccount.branch_code)
                .where(DashboardSession.token_hash == token_hash)
            )
        ).first()
        if row is None:
            return None
        stored, account, branch_name = row
        return stored, account, branch_name

    async def delete_by_token_hash(self, token_hash: str) -> None:
        await self.session.execute(
            delete(DashboardSession).where(DashboardSession.token_hash == token_hash)
        )

    async def delete_of_account(self, account_id: int) -> None:
        await self.session.execute(
            delete(DashboardSession).where(DashboardSession.account_id == account_id)
        )

    async def delete_expired(self, now: datetime) -> None:
        await self.session.execute(
            delete(DashboardSession).where(DashboardSession.expires_at < now)
        )

    async def count_of_username(self, username: str) -> int:
        return int(
            await self.session.scalar(
                select(func.count())
                .select_from(DashboardSession)
                .join(DashboardAccount, DashboardAccount.id == DashboardSession.account_id)
                .where(DashboardAccount.username == username)
            )
            or 0
        )
