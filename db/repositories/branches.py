from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Branch, BranchChange, BranchGroup, LinkCode, Regency


class BranchRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def count(self) -> int:
        return int(
            (await self.session.execute(select(func.count()).select_from(Branch))).scalar_one()
        )

    async def all_branches(self) -> Sequence[Branch]:
        return (await self.session.execute(select(Branch).order_by(Branch.code))).scalars().all()

    async def all_regencies(self) -> Sequence[Regency]:
        return (await self.session.execute(select(Regency).order_by(Regency.code))).scalars().all()

    async def codes(self) -> set[str]:
        """Every branch code in the database (empty before the directory is seeded)."""
        return set((await self.session.scalars(select(Branch.code))).all())

    async def get(self, code: str) -> Branch | None:
        return await self.session.get(Branch, code)

    async def regency(self, code: str) -> Regency | None:
        return await self.session.get(Regency, code)

    async def all_groups(self) -> Sequence[BranchGroup]:
        query = select(BranchGroup).order_by(BranchGroup.branch_code, BranchGroup.linked_at)
        return (await self.session.execute(query)).scalars().all()

    # --- the audit trail of managers' changes ------------------------------------------------

    def record_change(self, change: BranchChange) -> None:
        self.session.add(change)

    async def latest_change_id(self) -> int:
        query = select(func.max(BranchChange.id))
        return int((await self.session.execute(query)).scalar_one() or 0)

    async def changes(self, branch_code: str | None = None, limit: int = 50) -> Sequence[
        BranchChange
    ]:
        """Newest first; one branch's, or all. A regency move is listed under both branches."""
        query = select(BranchChange).order_by(BranchChange.at.desc(), BranchChange.id.desc())
        if branch_code is not None:
            query = query.where(
                or_(
                    BranchChange.branch_code == branch_code,
                    BranchChange.other_branch_code == branch_code,
                )
            )
        return (await self.session.execute(query.limit(limit))).scalars().all()

    async def replace_all(self, branches: Sequence[Branch], regencies: Sequence[Regency]) -> None:
        """Swap the whole directory inside the caller's transaction (all or nothing)."""
        await self.session.execute(delete(Regency))
        await self.session.execute(
            delete(Branch).where(~Branch.code.in_([b.code for b in branches]))
        )
        for branch in branches:
            await self.session.merge(branch)
        await self.session.flush()
        self.session.add_all(regencies)

    # --- linked staff groups -------------------------------------------------------------

    async def group(self, chat_id: int) -> BranchGroup | None:
        return await self.session.get(BranchGroup, chat_id)

    async def groups_of(self, branch_code: str) -> Sequence[BranchGroup]:
        query = (
            select(BranchGroup)
            .where(BranchGroup.branch_code == branch_code)
            .order_by(BranchGroup.linked_at)
        )
        return (await self.session.execute(query)).scalars().all()

    async def linked_branch_codes(self) -> Sequence[str]:
        """The branch of every linked staff group (one entry per group)."""
        return (await self.session.execute(select(BranchGroup.branch_code))).scalars().all()

    async def link_group(self, chat_id: int, branch_code: str, by: int) -> None:
        existing = await self.group(chat_id)
        if existing is None:
            self.session.add(BranchGroup(chat_id=chat_id, branch_code=branch_code, linked_by=by))
        else:
            existing.branch_code, existing.linked_by = branch_code, by

    def add_link_code(self, code: LinkCode) -> None:
        self.session.add(code)

    async def link_code(self, code_hash: str) -> LinkCode | None:
        query = select(LinkCode).where(LinkCode.code_hash == code_hash).with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()
