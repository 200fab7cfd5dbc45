"""Campaign statistics: what the dashboard and ``/statistik`` show, as plain dataclasses.

Every figure is one aggregate SQL query over indexed columns, written in
``db.repositories.stats`` (see the indexes in migration 0003); nothing here loops over events
in Python. Days are campaign days in Western Indonesia
Time (WIB, UTC+7 all year), like ``bot.services.CAMPAIGN_TIMEZONE``.

A :class:`Scope` restricts the figures to one branch: its leads, and the conversations of the
workers whose registration was routed to it (events carry no branch before a registration, so
those workers are the only ones a branch can be said to own).

Domain module: no telegram, aiohttp or SQLAlchemy imports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from rapidfuzz import fuzz, process, utils

from bot.delivery_health import BranchHealth, delivery_health
from bot.events import EventKind
from bot.i18n import N_
from bot.nlu.classifier import OFF_TOPIC
from bot.office_hours import WIB
from db.engine import UnitOfWork
from db.repositories.stats import CampaignDay, LeadCriteria, StatsRepository

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


async def summary(uow: UnitOfWork, scope: Scope, now: datetime) -> Summary:
    branch = scope.branch_code
    stats = StatsRepository(uow)
    # Three index-only counts on users.last_seen: cheaper than one CASE pass over the table.
    total = await stats.count_users(branch)
    active_7d = await stats.count_users(branch, seen_since=now - timedelta(days=7))
    active_30d = await stats.count_users(branch, seen_since=now - timedelta(days=30))
    per_kind = await stats.events_per_kind([str(kind) for kind in _SUMMARY_KINDS], branch)
    off_topic = await stats.events_per_kind_with_topic(
        [str(EventKind.QUESTION), str(EventKind.UNANSWERED)], OFF_TOPIC, branch
    )
    leads = await stats.lead_funnel(branch)
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
    uow: UnitOfWork, now: datetime, reminder_hours: int, admin_group_id: int | None = None
) -> Digest:
    overdue = await StatsRepository(uow).count_overdue(_overdue_before(now, reminder_hours))
    health = await delivery_health(
        uow, now, reminder_hours=reminder_hours, admin_group_id=admin_group_id
    )
    return Digest(
        await summary(uow, EVERYTHING, now), overdue, health.unlinked, health.admin_group
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


async def trend(uow: UnitOfWork, scope: Scope, period: Period) -> Trend:
    days = _campaign_days(period)
    branch = scope.branch_code
    stats = StatsRepository(uow)
    users = await stats.new_users_per_day(days, branch)
    questions = await stats.events_per_day(str(EventKind.QUESTION), days, branch)
    leads = await stats.leads_per_day(days, branch)
    return Trend(
        period,
        [
            DailyPoint(day, new_users, asked, registered)
            for day, new_users, asked, registered in zip(
                period.days(), users, questions, leads, strict=True
            )
        ],
    )


def _campaign_days(period: Period) -> list[CampaignDay]:
    """Each day of ``period`` with its UTC bounds ``[00:00 WIB, next day 00:00 WIB)``."""
    return [(day, _day_start(day), _day_start(day + timedelta(days=1))) for day in period.days()]


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


async def topics(uow: UnitOfWork, scope: Scope, period: Period) -> list[TopicCount]:
    """Questions per matched topic in ``period``, most asked first."""
    start, end = period.bounds()
    counts: dict[str, list[int]] = {}
    stats = StatsRepository(uow)
    # One query per kind: grouping on one column is twice as fast on SQLite as grouping
    # (kind, topic) over both kinds at once.
    for slot, kind in enumerate((EventKind.QUESTION, EventKind.UNANSWERED)):
        for topic, n in await stats.events_per_topic(str(kind), start, end, scope.branch_code):
            counts.setdefault(topic or NO_TOPIC, [0, 0])[slot] += n
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
    uow: UnitOfWork, scope: Scope, *, limit: int = UNANSWERED_WINDOW,
    similarity: int = GROUP_SIMILARITY,
) -> list[UnansweredGroup]:
    """The latest ``limit`` unanswered questions, grouped by similar wording (largest first).

    Token-set similarity ignores word order and repeated words, so "iuran ojol brp" and
    "brp iuran buat ojol" land together. The texts were masked and truncated when stored.
    """
    rows = await StatsRepository(uow).latest_unanswered(scope.branch_code, limit)
    return group_similar(rows, similarity)


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
    uow: UnitOfWork, scope: Scope, lead_filter: LeadFilter, now: datetime, reminder_hours: int,
    *, latest: int = LATEST_LEADS,
) -> LeadStats:
    """Leads in scope and filter: counts by status, branch, province and occupation, median
    hours from registration to claim and to first contact, and how many are overdue (still
    unclaimed after ``reminder_hours``, the reminder deadline)."""
    criteria = _lead_criteria(scope, lead_filter, now, reminder_hours)
    stats = StatsRepository(uow)
    total, overdue_count = await stats.lead_totals(criteria)
    groups = {
        name: [Count(key, n) for key, n in await stats.leads_grouped(name, criteria)]
        for name in ("status", "branch", "province", "occupation")
    }
    to_claim = await stats.median_hours_to("claimed", criteria)
    to_contact = await stats.median_hours_to("contacted", criteria)
    rows = _lead_rows(await stats.lead_rows(criteria, latest))
    places = [PlaceCount(p, r, n) for p, r, n in await stats.leads_by_place(criteria)]
    return LeadStats(
        total=total,
        overdue=overdue_count,
        by_status=groups["status"],
        by_branch=groups["branch"],
        by_province=groups["province"],
        by_occupation=groups["occupation"],
        median_hours_to_claim=to_claim,
        median_hours_to_contact=to_contact,
        latest=rows,
        by_place=places,
    )


async def lead_rows(
    uow: UnitOfWork, scope: Scope, lead_filter: LeadFilter, now: datetime, reminder_hours: int,
    *, limit: int | None = None,
) -> list[LeadRow]:
    """Leads in scope and filter, newest first (for the CSV export)."""
    criteria = _lead_criteria(scope, lead_filter, now, reminder_hours)
    return _lead_rows(await StatsRepository(uow).lead_rows(criteria, limit))


def _lead_criteria(
    scope: Scope, lead_filter: LeadFilter, now: datetime, reminder_hours: int
) -> LeadCriteria:
    start, end = lead_filter.period.bounds() if lead_filter.period is not None else (None, None)
    return LeadCriteria(
        overdue_before=_overdue_before(now, reminder_hours),
        scope_branch_code=scope.branch_code,
        created_from=start,
        created_before=end,
        province_code=lead_filter.province_code,
        branch_code=lead_filter.branch_code,
        status=lead_filter.status,
        overdue_only=lead_filter.overdue_only,
    )


def _overdue_before(now: datetime, reminder_hours: int) -> datetime:
    """A lead still new, not anonymised and created before this is overdue (bot.reminders)."""
    return now - timedelta(hours=reminder_hours)


def _lead_rows(rows: Sequence[Sequence[Any]]) -> list[LeadRow]:
    return [
        LeadRow(
            id=row[0], created_at=row[1], status=row[2], branch_code=row[3],
            province_code=row[4], regency_code=row[5], occupation=row[6],
            occupation_other=row[7], claimed_at=row[8], contacted_at=row[9], closed_at=row[10],
            overdue=bool(row[11]),
        )
        for row in rows
    ]


# --- names for codes ------------------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    """Branch and province names by code, for labels and the filter lists."""

    branches: dict[str, str]
    provinces: dict[str, str]
    regencies: dict[str, str] = field(default_factory=dict)


async def names(uow: UnitOfWork) -> Names:
    stats = StatsRepository(uow)
    return Names(
        await stats.branch_names(), await stats.province_names(), await stats.regency_names()
    )
