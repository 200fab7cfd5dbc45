"""Campaign statistics queries: the aggregates behind ``bot.stats`` (the dashboard and
``/statistik``), each one SQL query over indexed columns (see the indexes in migration 0003).

``branch_code`` (None for every branch) restricts the figures to one branch: its leads, and the
events, users and unanswered questions of the workers whose registration was routed to it.
Campaign days are days in Western Indonesia Time (WIB, UTC+7 all year); where SQLite and
PostgreSQL differ (the campaign day of a time, the median), both are written here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import (
    CTE,
    Integer,
    Select,
    and_,
    case,
    column,
    func,
    literal,
    or_,
    select,
    true,
    values,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from db.base import UTCDateTime
from db.models import Branch, Event, Lead, Regency, UnansweredQuestion, User

# The stored values of bot.leads.LeadStatus.NEW and .ENROLLED (db/ does not import the domain;
# tests/unit/test_stats_repository.py pins them).
NEW = "baru"
ENROLLED = "terdaftar"

# A campaign day: its date (WIB) and its UTC bounds [00:00 WIB, next day 00:00 WIB).
CampaignDay = tuple[date, datetime, datetime]
LeadGrouping = Literal["status", "branch", "province", "occupation"]
LeadMilestone = Literal["claimed", "contacted"]


@dataclass(frozen=True)
class LeadCriteria:
    """Which leads: those of ``scope_branch_code`` (None: every branch) created in
    ``[created_from, created_before)`` matching the filter fields that are set.

    A lead is overdue when still new, not anonymised and created before ``overdue_before``
    (the reminder deadline, the rule of ``bot.reminders``); ``overdue_only`` keeps only those.
    """

    overdue_before: datetime
    scope_branch_code: str | None = None
    created_from: datetime | None = None
    created_before: datetime | None = None
    province_code: str | None = None
    branch_code: str | None = None
    status: str | None = None
    overdue_only: bool = False


class StatsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- summary ------------------------------------------------------------------------------

    async def count_users(self, branch_code: str | None, *, seen_since: datetime | None = None
                          ) -> int:
        """Workers in scope (seen since ``seen_since`` if given): an index-only count on
        users.last_seen, cheaper than one CASE pass over the table for several windows."""
        condition = _users_in(branch_code)
        if seen_since is not None:
            condition = and_(User.last_seen >= seen_since, condition)
        query = select(func.count()).select_from(User).where(condition)
        return int(await self.session.scalar(query) or 0)

    async def events_per_kind(
        self, kinds: Sequence[str], branch_code: str | None
    ) -> dict[str, tuple[int, int]]:
        """kind → (events, distinct workers), one pass over the (kind, user_id) index."""
        query = (
            select(Event.kind, func.count(), func.count(Event.user_id.distinct()))
            .where(Event.kind.in_(list(kinds)), _event_users_in(branch_code))
            .group_by(Event.kind)
        )
        rows = await self.session.execute(query)
        return {kind: (int(n), int(people)) for kind, n, people in rows}

    async def events_per_kind_with_topic(
        self, kinds: Sequence[str], topic: str, branch_code: str | None
    ) -> dict[str, int]:
        """kind → events of ``topic``."""
        query = (
            select(Event.kind, func.count())
            .where(Event.kind.in_(list(kinds)), Event.topic == topic,
                   _event_users_in(branch_code))
            .group_by(Event.kind)
        )
        return {kind: int(n) for kind, n in await self.session.execute(query)}

    async def lead_funnel(self, branch_code: str | None) -> tuple[int, int, int, int]:
        """Leads created, claimed, contacted and enrolled."""
        enrolled = Lead.status == ENROLLED
        query = select(
            func.count(),
            func.count(Lead.claimed_at),
            # Staff may mark a lead enrolled without pressing "contacted" first.
            func.count(case((or_(Lead.contacted_at.is_not(None), enrolled), 1))),
            func.count(case((enrolled, 1))),
        ).where(_leads_in(branch_code))
        created, claimed, contacted, done = (await self.session.execute(query)).one()
        return int(created), int(claimed), int(contacted), int(done)

    async def count_overdue(self, overdue_before: datetime) -> int:
        query = select(func.count()).select_from(Lead).where(_overdue(overdue_before))
        return int(await self.session.scalar(query) or 0)

    # --- per campaign day ---------------------------------------------------------------------

    async def new_users_per_day(
        self, days: Sequence[CampaignDay], branch_code: str | None
    ) -> list[int]:
        """Workers whose first contact was on each of ``days``."""
        return await self._per_day(days, branch_code, User, User.first_seen,
                                   _users_in(branch_code))

    async def events_per_day(
        self, kind: str, days: Sequence[CampaignDay], branch_code: str | None
    ) -> list[int]:
        return await self._per_day(
            days, branch_code, Event, Event.created_at,
            and_(Event.kind == kind, _event_users_in(branch_code)),
        )

    async def leads_per_day(
        self, days: Sequence[CampaignDay], branch_code: str | None
    ) -> list[int]:
        return await self._per_day(days, branch_code, Lead, Lead.created_at,
                                   _leads_in(branch_code))

    async def _per_day(
        self, days: Sequence[CampaignDay], branch_code: str | None, model: Any, column: Any,
        condition: ColumnElement[bool],
    ) -> list[int]:
        """Rows of ``model`` per campaign day of ``days`` where ``condition`` holds."""
        if branch_code is None:
            # A range count per day on the time index rather than GROUP BY date(created_at): no
            # date arithmetic per row and no sort; a year of questions costs ~20 ms instead of
            # ~160 ms on SQLite, ~80 ms instead of ~135 ms on PostgreSQL.
            table = _days(days)
            count = (
                select(func.count())
                .select_from(model)
                .where(column >= table.c.day_start, column < table.c.day_end, condition)
                .scalar_subquery()
            )
            rows = await self.session.execute(select(table.c.n, count).order_by(table.c.n))
            return [int(n) for _index, n in rows]
        # One branch: its workers' few rows are found through the user index and grouped by
        # campaign day (a range count per day would walk every worker's rows of that day instead).
        start, end = days[0][1], days[-1][2]
        day = _campaign_day(column, self._is_sqlite()).label("day")
        rows = await self.session.execute(
            select(day, func.count())
            .select_from(model)
            .where(column >= start, column < end, condition)
            .group_by(day)
        )
        count_of = {_as_date(value): int(n) for value, n in rows}
        return [count_of.get(one_day, 0) for one_day, _start, _end in days]

    # --- questions ----------------------------------------------------------------------------

    async def events_per_topic(
        self, kind: str, start: datetime, end: datetime, branch_code: str | None
    ) -> list[tuple[str | None, int]]:
        """(topic, events of ``kind``) created in ``[start, end)``."""
        query = (
            select(Event.topic, func.count())
            .where(
                Event.kind == kind,
                Event.created_at >= start,
                Event.created_at < end,
                _event_users_in(branch_code),
            )
            .group_by(Event.topic)
        )
        return [(topic, int(n)) for topic, n in await self.session.execute(query)]

    async def latest_unanswered(
        self, branch_code: str | None, limit: int
    ) -> list[tuple[str, str | None, datetime]]:
        """(text, best topic, created at) of the latest ``limit`` unanswered questions."""
        query = (
            select(UnansweredQuestion.text, UnansweredQuestion.best_topic,
                   UnansweredQuestion.created_at)
            .where(_question_users_in(branch_code))
            .order_by(UnansweredQuestion.created_at.desc(), UnansweredQuestion.id.desc())
            .limit(limit)
        )
        return [(text, topic, at) for text, topic, at in await self.session.execute(query)]

    # --- leads --------------------------------------------------------------------------------

    async def lead_totals(self, criteria: LeadCriteria) -> tuple[int, int]:
        """(leads, overdue leads) matching ``criteria``."""
        overdue = _overdue(criteria.overdue_before)
        query = select(func.count(), func.count(case((overdue, 1)))).where(
            _lead_condition(criteria)
        )
        total, overdue_count = (await self.session.execute(query)).one()
        return int(total), int(overdue_count)

    async def leads_grouped(
        self, grouping: LeadGrouping, criteria: LeadCriteria
    ) -> list[tuple[str, int]]:
        """(value, leads) per value of the ``grouping`` column, most leads first."""
        column = _GROUPINGS[grouping]
        query = (
            select(column, func.count().label("n"))
            .where(_lead_condition(criteria))
            .group_by(column)
            .order_by(func.count().desc(), column)
        )
        return [(str(key), int(n)) for key, n in await self.session.execute(query)]

    async def median_hours_to(
        self, milestone: LeadMilestone, criteria: LeadCriteria
    ) -> float | None:
        """Median hours from registration to ``milestone`` over the leads that reached it."""
        reached = _MILESTONES[milestone]
        where = and_(_lead_condition(criteria), reached.is_not(None))
        if not self._is_sqlite():
            hours = func.extract("epoch", reached - Lead.created_at) / 3600.0
            value = await self.session.scalar(
                select(func.percentile_cont(0.5).within_group(hours)).where(where)
            )
            return None if value is None else float(value)
        # SQLite has no percentile: sort the durations and read the middle one or two.
        hours = (func.julianday(reached) - func.julianday(Lead.created_at)) * 24.0
        n = int(
            await self.session.scalar(select(func.count()).select_from(Lead).where(where)) or 0
        )
        if n == 0:
            return None
        middle = (
            await self.session.scalars(
                select(hours).where(where).order_by(hours).offset((n - 1) // 2).limit(2 - n % 2)
            )
        ).all()
        return float(sum(middle) / len(middle))

    async def leads_by_place(self, criteria: LeadCriteria) -> list[tuple[str, str, int]]:
        """(province, regency, leads): by province, then most leads first."""
        n = func.count().label("n")
        query = (
            select(Lead.province_code, Lead.regency_code, n)
            .where(_lead_condition(criteria))
            .group_by(Lead.province_code, Lead.regency_code)
            .order_by(Lead.province_code, n.desc(), Lead.regency_code)
        )
        return [(str(p), str(r), int(c)) for p, r, c in await self.session.execute(query)]

    async def lead_rows(
        self, criteria: LeadCriteria, limit: int | None
    ) -> list[Sequence[Any]]:
        """Leads matching ``criteria``, newest first, without the worker's name or phone: id,
        created_at, status, branch_code, province_code, regency_code, occupation,
        occupation_other, claimed_at, contacted_at, closed_at, overdue."""
        overdue = _overdue(criteria.overdue_before)
        query = (
            select(
                Lead.id, Lead.created_at, Lead.status, Lead.branch_code, Lead.province_code,
                Lead.regency_code, Lead.occupation, Lead.occupation_other, Lead.claimed_at,
                Lead.contacted_at, Lead.closed_at,
                case((overdue, literal(True)), else_=literal(False)),
            )
            .where(_lead_condition(criteria))
            .order_by(Lead.created_at.desc(), Lead.id.desc())
        )
        if limit is not None:
            query = query.limit(limit)
        return list(await self.session.execute(query))

    # --- names for codes ----------------------------------------------------------------------

    async def branch_names(self) -> dict[str, str]:
        rows = await self.session.execute(select(Branch.code, Branch.name))
        return {code: name for code, name in rows}

    async def province_names(self) -> dict[str, str]:
        rows = await self.session.execute(
            select(Regency.province_code, func.min(Regency.province_name)).group_by(
                Regency.province_code
            )
        )
        return {code: name for code, name in rows}

    async def regency_names(self) -> dict[str, str]:
        rows = await self.session.execute(select(Regency.code, Regency.name))
        return {code: name for code, name in rows}

    def _is_sqlite(self) -> bool:
        return self.session.get_bind().dialect.name == "sqlite"


_GROUPINGS: dict[str, Any] = {
    "status": Lead.status,
    "branch": Lead.branch_code,
    "province": Lead.province_code,
    "occupation": Lead.occupation,
}
_MILESTONES: dict[str, Any] = {"claimed": Lead.claimed_at, "contacted": Lead.contacted_at}


def _days(days: Sequence[CampaignDay]) -> CTE:
    """One row per campaign day with its UTC bounds, as a VALUES table in the query."""
    rows = [(index, start, end) for index, (_day, start, end) in enumerate(days)]
    return (
        values(column("n", Integer), column("day_start", UTCDateTime()),
               column("day_end", UTCDateTime()), name="days")
        .data(rows)
        .cte("days")
    )


def _campaign_day(column: Any, sqlite: bool) -> ColumnElement[Any]:
    """The WIB date of a UTC time column."""
    if sqlite:
        return func.date(column, "+7 hours")
    return func.date(func.timezone("Asia/Jakarta", column))


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _lead_condition(criteria: LeadCriteria) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = [_leads_in(criteria.scope_branch_code)]
    if criteria.created_from is not None:
        conditions.append(Lead.created_at >= criteria.created_from)
    if criteria.created_before is not None:
        conditions.append(Lead.created_at < criteria.created_before)
    if criteria.province_code:
        conditions.append(Lead.province_code == criteria.province_code)
    if criteria.branch_code:
        conditions.append(Lead.branch_code == criteria.branch_code)
    if criteria.status:
        conditions.append(Lead.status == criteria.status)
    if criteria.overdue_only:
        conditions.append(_overdue(criteria.overdue_before))
    return and_(*conditions)


def _overdue(overdue_before: datetime) -> ColumnElement[bool]:
    # The same rule as bot.reminders: still new, not anonymised, older than the deadline.
    return and_(
        Lead.status == NEW,
        Lead.anonymized_at.is_(None),
        Lead.created_at < overdue_before,
    )


# --- scope conditions -----------------------------------------------------------------------


def _branch_users(branch_code: str) -> Select[Any]:
    return select(Lead.user_id).where(Lead.branch_code == branch_code, Lead.user_id.is_not(None))


def _users_in(branch_code: str | None) -> ColumnElement[bool]:
    if branch_code is None:
        return true()
    return User.id.in_(_branch_users(branch_code))


def _event_users_in(branch_code: str | None) -> ColumnElement[bool]:
    if branch_code is None:
        return true()
    return Event.user_id.in_(_branch_users(branch_code))


def _question_users_in(branch_code: str | None) -> ColumnElement[bool]:
    if branch_code is None:
        return true()
    return UnansweredQuestion.user_id.in_(_branch_users(branch_code))


def _leads_in(branch_code: str | None) -> ColumnElement[bool]:
    if branch_code is None:
        return true()
    return Lead.branch_code == branch_code
