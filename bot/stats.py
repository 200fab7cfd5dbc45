"""Campaign statistics: what the dashboard and ``/statistik`` show, as plain dataclasses.

Every figure is one aggregate SQL query over indexed columns (see the indexes in migration
0003); nothing here loops over events in Python. Days are campaign days in Western Indonesia
Time (WIB, UTC+7 all year), like ``bot.services.CAMPAIGN_TIMEZONE``.

A :class:`Scope` restricts the figures to one branch: its leads, and the conversations of the
workers whose registration was routed to it (events carry no branch before a registration, so
those workers are the only ones a branch can be said to own).

Domain module: no telegram or aiohttp imports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from rapidfuzz import fuzz, process, utils
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

from bot.delivery_health import BranchHealth, delivery_health
from bot.events import EventKind
from bot.i18n import N_
from bot.leads import LeadStatus
from bot.nlu.classifier import OFF_TOPIC
from bot.office_hours import WIB
from db.base import UTCDateTime
from db.engine import Database
from db.models import Branch, Event, Lead, Regency, UnansweredQuestion, User

CAMPAIGN_UTC_OFFSET = timedelta(hours=7)  # WIB; Asia/Jakarta has had no DST since 1964
# Times shown, exported and served: Asia/Jakarta (bot.services.CAMPAIGN_TIMEZONE too).
CAMPAIGN_TIMEZONE = WIB
MAX_PERIOD_DAYS = 366

# The funnel, in the order a worker goes through it. The first four count distinct workers
# (from events), the last four count leads.
FUNNEL_STEPS: tuple[str, ...] = (
    "first_contact",
    "question",
    "calculator",
    "registration_started",
    "registration_completed",
    "claimed",
    "contacted",
    "enrolled",
)
# What each step is called (gettext msgids), for the dashboard and /statistik alike.
FUNNEL_LABELS: dict[str, str] = {
    "first_contact": N_("First contact"),
    "question": N_("Asked a question"),
    "calculator": N_("Used the calculator"),
    "registration_started": N_("Started registration"),
    "registration_completed": N_("Completed registration"),
    "claimed": N_("Claimed by a branch"),
    "contacted": N_("Contacted"),
    "enrolled": N_("Enrolled"),
}
# Each step's rate is counted from: the calculator and registration are optional, so the
# worker steps count from first contact; the lead steps follow one another.
FUNNEL_BASES: dict[str, str] = {
    "question": "first_contact",
    "calculator": "first_contact",
    "registration_started": "first_contact",
    "registration_completed": "registration_started",
    "claimed": "registration_completed",
    "contacted": "claimed",
    "enrolled": "contacted",
}
# How "45% of <base>" names each base (gettext msgids), for the dashboard and /statistik.
FUNNEL_BASE_LABELS: dict[str, str] = {
    "first_contact": N_("everyone who wrote to the bot"),
    "registration_started": N_("those who started registration"),
    "registration_completed": N_("the registered leads"),
    "claimed": N_("the claimed leads"),
    "contacted": N_("the contacted leads"),
}
_FUNNEL_EVENT_KINDS = (
    EventKind.FIRST_CONTACT,
    EventKind.QUESTION,
    EventKind.CALCULATOR,
    EventKind.REGISTRATION_STARTED,
)
_SUMMARY_KINDS = (*_FUNNEL_EVENT_KINDS, EventKind.UNANSWERED)


# --- what the figures are about -------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Whose figures: every branch (``branch_code`` None) or one branch's."""

    branch_code: str | None = None

    @property
    def is_everything(self) -> bool:
        return self.branch_code is None


EVERYTHING = Scope()


@dataclass(frozen=True)
class Period:
    """Campaign days ``start`` to ``end``, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period ends on or after its start")
        if (self.end - self.start).days >= MAX_PERIOD_DAYS:
            raise ValueError(f"a period spans at most {MAX_PERIOD_DAYS} days")

    @classmethod
    def last_days(cls, days: int, today: date) -> Period:
        return cls(today - timedelta(days=days - 1), today)

    def bounds(self) -> tuple[datetime, datetime]:
        """UTC instants ``[first day 00:00 WIB, day after the last 00:00 WIB)``."""
        return _day_start(self.start), _day_start(self.end + timedelta(days=1))

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def campaign_today(now: datetime) -> date:
    return (now.astimezone(UTC) + CAMPAIGN_UTC_OFFSET).date()


def campaign_time(moment: datetime) -> datetime:
    """``moment`` on the campaign's clock (WIB, ``+07:00``): how every page, CSV and JSON
    answer gives times, so a spreadsheet and the page it came from agree."""
    if moment.tzinfo is None:  # the database's times are UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CAMPAIGN_TIMEZONE)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC) - CAMPAIGN_UTC_OFFSET


# --- ringkasan (summary) --------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelStep:
    step: str
    count: int
    conversion: float | None  # share of the previous step (None for the first, or from 0)
    share: float | None  # share of the first step
    # The rate a manager reads: the share of ``base``, the step this one is counted from
    # (FUNNEL_BASES; None for the first step). Skippable steps are counted from first contact,
    # so no rate exceeds 100% by design, as ``conversion`` can ("Started registration 200%").
    base: str | None = None
    rate: float | None = None


@dataclass(frozen=True)
class Summary:
    users: int
    active_7d: int
    active_30d: int
    questions: int
    unanswered: int
    answered_share: float | None
    leads: int
    funnel: list[FunnelStep]
    # Questions given a topic's answer: off-topic questions (the menu or the off-topic reply)
    # never count, whatever older events recorded.
    answered: int = 0


async def summary(db: Database, scope: Scope, now: datetime) -> Summary:
    async with db.transaction() as session:
        # Three index-only counts on users.last_seen: cheaper than one CASE pass over the table.
        total = await _count_users(session, _users_in(scope))
        active_7d = await _count_users(
            session, and_(User.last_seen >= now - timedelta(days=7), _users_in(scope))
        )
        active_30d = await _count_users(
            session, and_(User.last_seen >= now - timedelta(days=30), _users_in(scope))
        )
        per_kind = await _events_per_kind(session, scope)
        off_topic = await _off_topic_per_kind(session, scope)
        leads = await _lead_funnel(session, scope)
    questions = per_kind.get(EventKind.QUESTION, (0, 0))[0]
    unanswered = per_kind.get(EventKind.UNANSWERED, (0, 0))[0]
    answered = answered_count(
        questions, unanswered, off_topic.get(EventKind.QUESTION, 0),
        off_topic.get(EventKind.UNANSWERED, 0),
    )
    counts = [per_kind.get(kind, (0, 0))[1] for kind in _FUNNEL_EVENT_KINDS] + list(leads)
    return Summary(
        users=total,
        active_7d=active_7d,
        active_30d=active_30d,
        questions=questions,
        unanswered=unanswered,
        answered_share=_ratio(answered, questions),
        leads=leads[0],
        funnel=_funnel(counts),
        answered=answered,
    )


def answered_count(questions: int, unanswered: int, off_topic: int, off_topic_unanswered: int
                   ) -> int:
    """Questions that got a topic's answer. Each unanswered event repeats its question's topic,
    so the on-topic questions minus the on-topic unanswered ones are the answered ones; an
    off-topic question is never answered, even when it was recorded as such."""
    return max(0, (questions - off_topic) - (unanswered - off_topic_unanswered))


async def _off_topic_per_kind(session: AsyncSession, scope: Scope) -> dict[str, int]:
    """kind → off-topic events, for questions and unanswered ones."""
    query = (
        select(Event.kind, func.count())
        .where(Event.kind.in_([str(EventKind.QUESTION), str(EventKind.UNANSWERED)]),
               Event.topic == OFF_TOPIC, _event_users_in(scope))
        .group_by(Event.kind)
    )
    return {kind: int(n) for kind, n in await session.execute(query)}


async def _count_users(session: AsyncSession, condition: ColumnElement[bool]) -> int:
    return int(await session.scalar(select(func.count()).select_from(User).where(condition)) or 0)


async def _events_per_kind(session: AsyncSession, scope: Scope) -> dict[str, tuple[int, int]]:
    """kind → (events, distinct workers), one pass over the (kind, user_id) index."""
    query = (
        select(Event.kind, func.count(), func.count(Event.user_id.distinct()))
        .where(Event.kind.in_([str(kind) for kind in _SUMMARY_KINDS]), _event_users_in(scope))
        .group_by(Event.kind)
    )
    return {kind: (int(n), int(people)) for kind, n, people in await session.execute(query)}


async def _lead_funnel(session: AsyncSession, scope: Scope) -> tuple[int, int, int, int]:
    enrolled = Lead.status == str(LeadStatus.ENROLLED)
    query = select(
        func.count(),
        func.count(Lead.claimed_at),
        # Staff may mark a lead enrolled without pressing "contacted" first.
        func.count(case((or_(Lead.contacted_at.is_not(None), enrolled), 1))),
        func.count(case((enrolled, 1))),
    ).where(_leads_in(scope))
    created, claimed, contacted, done = (await session.execute(query)).one()
    return int(created), int(claimed), int(contacted), int(done)


def _funnel(counts: Sequence[int]) -> list[FunnelStep]:
    first = counts[0] if counts else 0
    by_step = dict(zip(FUNNEL_STEPS, counts, strict=True))
    steps = []
    for index, (step, count) in enumerate(zip(FUNNEL_STEPS, counts, strict=True)):
        previous = counts[index - 1] if index else None
        steps.append(
            FunnelStep(
                step=step,
                count=count,
                conversion=None if previous is None else _ratio(count, previous),
                share=_ratio(count, first),
                base=FUNNEL_BASES.get(step),
                rate=_ratio(count, by_step[FUNNEL_BASES[step]]) if step in FUNNEL_BASES
                else None,
            )
        )
    return steps


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Digest:
    """What ``/statistik`` tells the admins: the summary, the leads waiting too long, and the
    branches that have leads but no linked group (``bot.delivery_health``)."""

    summary: Summary
    overdue_leads: int
    unlinked: list[BranchHealth] = field(default_factory=list)
    admin_group: bool = True


async def digest(
    db: Database, now: datetime, reminder_hours: int, admin_group_id: int | None = None
) -> Digest:
    async with db.transaction() as session:
        overdue = await session.scalar(
            select(func.count()).select_from(Lead).where(_overdue(now, reminder_hours))
        )
    health = await delivery_health(
        db, now, reminder_hours=reminder_hours, admin_group_id=admin_group_id
    )
    return Digest(
        await summary(db, EVERYTHING, now), int(overdue or 0), health.unlinked, health.admin_group
    )


# --- tren (per day) -------------------------------------------------------------------------


@dataclass(frozen=True)
class DailyPoint:
    day: date
    users: int  # workers whose first contact was that day
    questions: int
    leads: int


@dataclass(frozen=True)
class Trend:
    period: Period
    points: list[DailyPoint]

    @property
    def totals(self) -> DailyPoint:
        return DailyPoint(
            self.period.end,
            sum(p.users for p in self.points),
            sum(p.questions for p in self.points),
            sum(p.leads for p in self.points),
        )


async def trend(db: Database, scope: Scope, period: Period) -> Trend:
    async with db.transaction() as session:
        users = await _per_day(session, period, scope, User, User.first_seen, _users_in(scope))
        questions = await _per_day(
            session, period, scope, Event, Event.created_at,
            and_(Event.kind == str(EventKind.QUESTION), _event_users_in(scope)),
        )
        leads = await _per_day(session, period, scope, Lead, Lead.created_at, _leads_in(scope))
    return Trend(
        period,
        [
            DailyPoint(day, new_users, asked, registered)
            for day, new_users, asked, registered in zip(
                period.days(), users, questions, leads, strict=True
            )
        ],
    )


async def _per_day(
    session: AsyncSession, period: Period, scope: Scope, model: Any, column: Any,
    condition: ColumnElement[bool],
) -> list[int]:
    """Rows of ``model`` per campaign day of ``period`` where ``condition`` holds."""
    if scope.is_everything:
        # A range count per day on the time index rather than GROUP BY date(created_at): no
        # date arithmetic per row and no sort; a year of questions costs ~20 ms instead of
        # ~160 ms on SQLite, ~80 ms instead of ~135 ms on PostgreSQL.
        days = _days(period)
        count = (
            select(func.count())
            .select_from(model)
            .where(column >= days.c.day_start, column < days.c.day_end, condition)
            .scalar_subquery()
        )
        rows = await session.execute(select(days.c.n, count).order_by(days.c.n))
        return [int(n) for _index, n in rows]
    # One branch: its workers' few rows are found through the user index and grouped by
    # campaign day (a range count per day would walk every worker's rows of that day instead).
    start, end = period.bounds()
    day = _campaign_day(column, _is_sqlite(session)).label("day")
    rows = await session.execute(
        select(day, func.count())
        .select_from(model)
        .where(column >= start, column < end, condition)
        .group_by(day)
    )
    count_of = {_as_date(value): int(n) for value, n in rows}
    return [count_of.get(one_day, 0) for one_day in period.days()]


def _days(period: Period) -> CTE:
    """One row per campaign day with its UTC bounds, as a VALUES table in the query."""
    rows = [
        (index, _day_start(day), _day_start(day + timedelta(days=1)))
        for index, day in enumerate(period.days())
    ]
    return (
        values(column("n", Integer), column("day_start", UTCDateTime()),
               column("day_end", UTCDateTime()), name="days")
        .data(rows)
        .cte("days")
    )


def _campaign_day(column: Any, sqlite: bool) -> ColumnElement[Any]:
    if sqlite:
        return func.date(column, "+7 hours")
    return func.date(func.timezone("Asia/Jakarta", column))


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


# --- topik ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicCount:
    topic: str
    questions: int
    unanswered: int

    @property
    def answered_share(self) -> float | None:
        if self.topic == OFF_TOPIC:  # the off-topic reply is not an answer
            return _ratio(0, self.questions)
        return _ratio(max(0, self.questions - self.unanswered), self.questions)


NO_TOPIC = ""


async def topics(db: Database, scope: Scope, period: Period) -> list[TopicCount]:
    """Questions per matched topic in ``period``, most asked first."""
    start, end = period.bounds()
    counts: dict[str, list[int]] = {}
    async with db.transaction() as session:
        # One query per kind: grouping on one column is twice as fast on SQLite as grouping
        # (kind, topic) over both kinds at once.
        for slot, kind in enumerate((EventKind.QUESTION, EventKind.UNANSWERED)):
            query = (
                select(Event.topic, func.count())
                .where(
                    Event.kind == str(kind),
                    Event.created_at >= start,
                    Event.created_at < end,
                    _event_users_in(scope),
                )
                .group_by(Event.topic)
            )
            for topic, n in await session.execute(query):
                counts.setdefault(topic or NO_TOPIC, [0, 0])[slot] += int(n)
    result = [TopicCount(topic, q, u) for topic, (q, u) in counts.items()]
    return sorted(result, key=lambda t: (-t.questions, t.topic))


# --- tak terjawab (unanswered, grouped) ------------------------------------------------------


@dataclass(frozen=True)
class UnansweredGroup:
    text: str  # the latest wording
    count: int
    latest: datetime
    topic: str | None  # the matcher's best guess
    variants: list[str] = field(default_factory=list)  # other wordings, latest first


GROUP_SIMILARITY = 75  # rapidfuzz token_set_ratio, 0-100
UNANSWERED_WINDOW = 300
MAX_VARIANTS = 4


async def unanswered_groups(
    db: Database, scope: Scope, *, limit: int = UNANSWERED_WINDOW,
    similarity: int = GROUP_SIMILARITY,
) -> list[UnansweredGroup]:
    """The latest ``limit`` unanswered questions, grouped by similar wording (largest first).

    Token-set similarity ignores word order and repeated words, so "iuran ojol brp" and
    "brp iuran buat ojol" land together. The texts were masked and truncated when stored.
    """
    query = (
        select(UnansweredQuestion.text, UnansweredQuestion.best_topic,
               UnansweredQuestion.created_at)
        .where(_question_users_in(scope))
        .order_by(UnansweredQuestion.created_at.desc(), UnansweredQuestion.id.desc())
        .limit(limit)
    )
    async with db.transaction() as session:
        rows = (await session.execute(query)).all()
    return group_similar([(text, topic, at) for text, topic, at in rows], similarity)


def group_similar(
    rows: Sequence[tuple[str, str | None, datetime]], similarity: int = GROUP_SIMILARITY
) -> list[UnansweredGroup]:
    """Greedy grouping, latest first: each text joins the first group it resembles enough."""
    keys: list[str] = []
    members: list[list[tuple[str, str | None, datetime]]] = []
    for row in rows:
        key = utils.default_process(row[0])
        match = process.extractOne(
            key, keys, scorer=fuzz.token_set_ratio, score_cutoff=similarity,
            processor=None,
        ) if key else None
        if match is None:
            keys.append(key)
            members.append([row])
        else:
            members[match[2]].append(row)
    groups = [
        UnansweredGroup(
            text=rows_[0][0],
            count=len(rows_),
            latest=rows_[0][2],
            topic=rows_[0][1],
            variants=_distinct([text for text, _t, _a in rows_[1:]], rows_[0][0])[:MAX_VARIANTS],
        )
        for rows_ in members
    ]
    return sorted(groups, key=lambda g: (-g.count, -g.latest.timestamp()))


def _distinct(texts: list[str], first: str) -> list[str]:
    """Other wordings only: copies differing in case or punctuation are the same wording."""
    seen = {utils.default_process(first)}
    result = []
    for text in texts:
        key = utils.default_process(text)
        if key not in seen:
            seen.add(key)
            result.append(text)
    return result


# --- leads ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeadFilter:
    period: Period | None = None
    province_code: str | None = None
    branch_code: str | None = None
    status: str | None = None
    overdue_only: bool = False


@dataclass(frozen=True)
class Count:
    key: str
    count: int


@dataclass(frozen=True)
class LeadRow:
    """One lead, without the worker's name or phone: the dashboard never shows them."""

    id: int
    created_at: datetime
    status: str
    branch_code: str
    province_code: str
    regency_code: str
    occupation: str
    occupation_other: str | None
    claimed_at: datetime | None
    contacted_at: datetime | None
    closed_at: datetime | None
    overdue: bool


@dataclass(frozen=True)
class LeadStats:
    total: int
    overdue: int
    by_status: list[Count]
    by_branch: list[Count]
    by_province: list[Count]
    by_occupation: list[Count]
    median_hours_to_claim: float | None
    median_hours_to_contact: float | None
    latest: list[LeadRow]
    by_place: list[PlaceCount] = field(default_factory=list)


@dataclass(frozen=True)
class PlaceCount:
    """Leads from one kabupaten/kota (``regency_code``), with its province."""

    province_code: str
    regency_code: str
    count: int


LATEST_LEADS = 50


async def lead_stats(
    db: Database, scope: Scope, lead_filter: LeadFilter, now: datetime, reminder_hours: int,
    *, latest: int = LATEST_LEADS,
) -> LeadStats:
    """Leads in scope and filter: counts by status, branch, province and occupation, median
    hours from registration to claim and to first contact, and how many are overdue (still
    unclaimed after ``reminder_hours``, the reminder deadline)."""
    condition = _lead_condition(scope, lead_filter, now, reminder_hours)
    overdue = _overdue(now, reminder_hours)
    async with db.transaction() as session:
        total, overdue_count = (
            await session.execute(
                select(func.count(), func.count(case((overdue, 1)))).where(condition)
            )
        ).one()
        groups = {
            name: await _grouped(session, column, condition)
            for name, column in (
                ("status", Lead.status),
                ("branch", Lead.branch_code),
                ("province", Lead.province_code),
                ("occupation", Lead.occupation),
            )
        }
        sqlite = _is_sqlite(session)
        to_claim = await _median_hours(session, sqlite, Lead.claimed_at, condition)
        to_contact = await _median_hours(session, sqlite, Lead.contacted_at, condition)
        rows = await _lead_rows(session, condition, overdue, latest)
        places = await _by_place(session, condition)
    return LeadStats(
        total=int(total),
        overdue=int(overdue_count),
        by_status=groups["status"],
        by_branch=groups["branch"],
        by_province=groups["province"],
        by_occupation=groups["occupation"],
        median_hours_to_claim=to_claim,
        median_hours_to_contact=to_contact,
        latest=rows,
        by_place=places,
    )


async def _by_place(session: AsyncSession, condition: ColumnElement[bool]) -> list[PlaceCount]:
    """Leads per (province, regency): by province, then most leads first."""
    n = func.count().label("n")
    query = (
        select(Lead.province_code, Lead.regency_code, n)
        .where(condition)
        .group_by(Lead.province_code, Lead.regency_code)
        .order_by(Lead.province_code, n.desc(), Lead.regency_code)
    )
    return [PlaceCount(str(p), str(r), int(c)) for p, r, c in await session.execute(query)]


async def lead_rows(
    db: Database, scope: Scope, lead_filter: LeadFilter, now: datetime, reminder_hours: int,
    *, limit: int | None = None,
) -> list[LeadRow]:
    """Leads in scope and filter, newest first (for the CSV export)."""
    condition = _lead_condition(scope, lead_filter, now, reminder_hours)
    async with db.transaction() as session:
        return await _lead_rows(session, condition, _overdue(now, reminder_hours), limit)


def _lead_condition(
    scope: Scope, lead_filter: LeadFilter, now: datetime, reminder_hours: int
) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = [_leads_in(scope)]
    if lead_filter.period is not None:
        start, end = lead_filter.period.bounds()
        conditions += [Lead.created_at >= start, Lead.created_at < end]
    if lead_filter.province_code:
        conditions.append(Lead.province_code == lead_filter.province_code)
    if lead_filter.branch_code:
        conditions.append(Lead.branch_code == lead_filter.branch_code)
    if lead_filter.status:
        conditions.append(Lead.status == lead_filter.status)
    if lead_filter.overdue_only:
        conditions.append(_overdue(now, reminder_hours))
    return and_(*conditions)


def _overdue(now: datetime, reminder_hours: int) -> ColumnElement[bool]:
    # The same rule as bot.reminders: still new, not anonymised, older than the deadline.
    return and_(
        Lead.status == str(LeadStatus.NEW),
        Lead.anonymized_at.is_(None),
        Lead.created_at < now - timedelta(hours=reminder_hours),
    )


async def _grouped(
    session: AsyncSession, column: Any, condition: ColumnElement[bool]
) -> list[Count]:
    query = (
        select(column, func.count().label("n"))
        .where(condition)
        .group_by(column)
        .order_by(func.count().desc(), column)
    )
    return [Count(str(key), int(n)) for key, n in await session.execute(query)]


async def _median_hours(
    session: AsyncSession, sqlite: bool, reached: Any, condition: ColumnElement[bool]
) -> float | None:
    """Median hours from registration to ``reached`` over the leads that reached it."""
    where = and_(condition, reached.is_not(None))
    if not sqlite:
        hours = func.extract("epoch", reached - Lead.created_at) / 3600.0
        value = await session.scalar(
            select(func.percentile_cont(0.5).within_group(hours)).where(where)
        )
        return None if value is None else float(value)
    # SQLite has no percentile: sort the durations and read the middle one or two.
    hours = (func.julianday(reached) - func.julianday(Lead.created_at)) * 24.0
    n = int(await session.scalar(select(func.count()).select_from(Lead).where(where)) or 0)
    if n == 0:
        return None
    middle = (
        await session.scalars(
            select(hours).where(where).order_by(hours).offset((n - 1) // 2).limit(2 - n % 2)
        )
    ).all()
    return float(sum(middle) / len(middle))


async def _lead_rows(
    session: AsyncSession, condition: ColumnElement[bool], overdue: ColumnElement[bool],
    limit: int | None,
) -> list[LeadRow]:
    query = (
        select(
            Lead.id, Lead.created_at, Lead.status, Lead.branch_code, Lead.province_code,
            Lead.regency_code, Lead.occupation, Lead.occupation_other, Lead.claimed_at,
            Lead.contacted_at, Lead.closed_at, case((overdue, literal(True)), else_=literal(False)),
        )
        .where(condition)
        .order_by(Lead.created_at.desc(), Lead.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return [
        LeadRow(
            id=row[0], created_at=row[1], status=row[2], branch_code=row[3],
            province_code=row[4], regency_code=row[5], occupation=row[6],
            occupation_other=row[7], claimed_at=row[8], contacted_at=row[9], closed_at=row[10],
            overdue=bool(row[11]),
        )
        for row in await session.execute(query)
    ]


# --- names for codes ------------------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    """Branch and province names by code, for labels and the filter lists."""

    branches: dict[str, str]
    provinces: dict[str, str]
    regencies: dict[str, str] = field(default_factory=dict)


async def names(db: Database) -> Names:
    async with db.transaction() as session:
        branches = await session.execute(select(Branch.code, Branch.name))
        provinces = await session.execute(
            select(Regency.province_code, func.min(Regency.province_name)).group_by(
                Regency.province_code
            )
        )
        regencies = await session.execute(select(Regency.code, Regency.name))
        return Names(
            {code: name for code, name in branches}, {code: name for code, name in provinces},
            {code: name for code, name in regencies},
        )


# --- scope conditions -----------------------------------------------------------------------


def _branch_users(branch_code: str) -> Select[Any]:
    return select(Lead.user_id).where(Lead.branch_code == branch_code, Lead.user_id.is_not(None))


def _users_in(scope: Scope) -> ColumnElement[bool]:
    if scope.branch_code is None:
        return true()
    return User.id.in_(_branch_users(scope.branch_code))


def _event_users_in(scope: Scope) -> ColumnElement[bool]:
    if scope.branch_code is None:
        return true()
    return Event.user_id.in_(_branch_users(scope.branch_code))


def _question_users_in(scope: Scope) -> ColumnElement[bool]:
    if scope.branch_code is None:
        return true()
    return UnansweredQuestion.user_id.in_(_branch_users(scope.branch_code))


def _leads_in(scope: Scope) -> ColumnElement[bool]:
    if scope.branch_code is None:
        return true()
    return Lead.branch_code == scope.branch_code


def _is_sqlite(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "sqlite"
