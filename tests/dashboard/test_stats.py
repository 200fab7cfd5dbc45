"""bot.stats on the real database (SQLite, or PostgreSQL with TEST_DATABASE_URL), against the
known campaign in data.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot import stats
from bot.stats import EVERYTHING, LeadFilter, Period, Scope
from db.engine import Database
from db.models import Event, Lead, User
from tests.dashboard.data import (
    ACEH,
    EXPECTED_FUNNEL,
    EXPECTED_SUMMARY,
    EXPECTED_TIMUR_FUNNEL,
    EXPECTED_TIMUR_SUMMARY,
    NOW,
    TIMUR,
    Ids,
    seed,
)

TODAY = date(2026, 11, 20)  # NOW is 12:00 WIB


@pytest.fixture
async def campaign(db: Database) -> Ids:
    return await seed(db)


def figures(summary: stats.Summary) -> dict[str, int]:
    return {key: getattr(summary, key) for key in EXPECTED_SUMMARY}


async def test_summary_for_everything(db: Database, campaign: Ids) -> None:
    async with db.transaction() as uow:
        summary = await stats.summary(uow, EVERYTHING, NOW)
    assert figures(summary) == EXPECTED_SUMMARY
    assert summary.answered_share == pytest.approx(5 / 6)
    assert [s.step for s in summary.funnel] == list(stats.FUNNEL_STEPS)
    assert [s.count for s in summary.funnel] == EXPECTED_FUNNEL


async def test_funnel_conversions(db: Database, campaign: Ids) -> None:
    async with db.transaction() as uow:
        funnel = (await stats.summary(uow, EVERYTHING, NOW)).funnel
    assert funnel[0].conversion is None and funnel[0].share == 1.0
    assert funnel[1].conversion == pytest.approx(3 / 6)
    assert funnel[2].conversion == pytest.approx(2 / 3)
    # Registration without the calculator: a step may exceed the one before.
    assert funnel[3].conversion == pytest.approx(3 / 2)
    assert funnel[7].share == pytest.approx(1 / 6)


async def test_branch_scope_counts_its_leads_and_their_workers(db: Database,
                                                               campaign: Ids) -> None:
    async with db.transaction() as uow:
        summary = await stats.summary(uow, Scope(TIMUR), NOW)
    assert figures(summary) == EXPECTED_TIMUR_SUMMARY
    assert [s.count for s in summary.funnel] == EXPECTED_TIMUR_FUNNEL
    async with db.transaction() as uow:
        empty = await stats.summary(uow, Scope("KC-NOWHERE"), NOW)
    assert figures(empty) == dict.fromkeys(EXPECTED_SUMMARY, 0)
    assert empty.answered_share is None
    assert all(step.conversion is None for step in empty.funnel)


async def test_empty_database(db: Database) -> None:
    async with db.transaction() as uow:
        summary = await stats.summary(uow, EVERYTHING, NOW)
    assert summary.users == 0 and summary.leads == 0
    assert [s.count for s in summary.funnel] == [0] * 8


async def test_trend_counts_per_campaign_day(db: Database, campaign: Ids) -> None:
    async with db.transaction() as uow:
        trend = await stats.trend(uow, EVERYTHING, Period.last_days(7, TODAY))
    assert [p.day for p in trend.points] == [TODAY - timedelta(days=6 - i) for i in range(7)]
    by_day = {p.day: p for p in trend.points}
    assert by_day[TODAY].questions == 1  # u3, 3 hours ago
    assert by_day[TODAY].leads == 1  # L3
    assert by_day[date(2026, 11, 17)].users == 1  # u3, 3 days ago
    assert trend.totals.users == 2  # u3 and u5
    assert trend.totals.questions == 4  # u1 -6 d and -5 d, u3 -2 d and today
    assert trend.totals.leads == 3


async def test_trend_for_one_branch(db: Database, campaign: Ids) -> None:
    async with db.transaction() as uow:
        trend = await stats.trend(uow, Scope(TIMUR), Period.last_days(7, TODAY))
    assert (trend.totals.users, trend.totals.questions, trend.totals.leads) == (1, 4, 2)
    by_day = {p.day: p for p in trend.points}
    assert by_day[date(2026, 11, 17)].users == 1 and by_day[TODAY].leads == 1
    assert len(trend.points) == 7


async def test_day_boundary_is_midnight_wib(db: Database) -> None:
    async with db.transaction() as session:
        user = User(telegram_id=1, first_seen=NOW, last_seen=NOW)
        session.add(user)
        await session.flush()
        # 16:59 UTC is 23:59 WIB on the 18th; 17:00 UTC is 00:00 WIB on the 19th.
        for at in (datetime(2026, 11, 18, 16, 59, 59, tzinfo=UTC),
                   datetime(2026, 11, 18, 17, 0, 0, tzinfo=UTC),
                   datetime(2026, 11, 18, 17, 0, 1, tzinfo=UTC)):
            session.add(Event(kind="question", user_id=user.id, created_at=at, topic="iuran"))
    async with db.transaction() as uow:
        trend = await stats.trend(uow, EVERYTHING, Period(date(2026, 11, 18), date(2026, 11, 19)))
    assert [p.questions for p in trend.points] == [1, 2]
    async with db.transaction() as uow:
        only_19th = await stats.topics(
            uow, EVERYTHING, Period(date(2026, 11, 19), date(2026, 11, 19))
        )
    assert [(t.topic, t.questions) for t in only_19th] == [("iuran", 2)]


async def test_topics_in_period(db: Database, campaign: Ids) -> None:
    async with db.transaction() as uow:
        topics = await stats.topics(uow, EVERYTHING, Period.last_days(30, TODAY))
    counts = {t.topic: (t.questions, t.unanswered) for t in topics}
    # u1's question 30 days ago (21 Oct, WIB) is outside the last 30 days (22 Oct - 20 Nov).
    assert counts == {"iuran": (2, 0), "klaim": (1, 0), "manfaat_jkk": (1, 0),
                      "di_luar_topik": (1, 1)}
    assert topics[0].topic == "iuran"
    assert {t.topic: t.answered_share for t in topics}["di_luar_topik"] == 0.0


async def test_unanswered_grouped_by_similar_wording(db: Database, campaign: Ids) -> None:
    async with db.transaction() as uow:
        groups = await stats.unanswered_groups(uow, EVERYTHING)
    assert [(g.text, g.count) for g in groups] == [
        ("berapa iuran untuk ojol?", 2),
        ("kapan bansos cair", 1),
    ]
    assert groups[0].variants == ["iuran ojol berapa ya"]
    async with db.transaction() as uow:
        scoped = await stats.unanswered_groups(uow, Scope(ACEH))
    assert [g.text for g in scoped] == ["kapan bansos cair"]


def test_grouping_is_by_token_set_not_order() -> None:
    at = NOW
    rows = [("brp iuran buat ojol", None, at), ("iuran ojol brp", None, at),
            ("cara klaim jkk", None, at), ("IURAN OJOL BRP!!", None, at)]
    groups = stats.group_similar(rows)
    assert [g.count for g in groups] == [3, 1]
    assert groups[0].variants == ["iuran ojol brp"]  # the shouted copy is the same wording


async def test_lead_stats(db: Database, campaign: Ids) -> None:
    async with db.transaction() as uow:
        data = await stats.lead_stats(uow, EVERYTHING, LeadFilter(), NOW, reminder_hours=24)
    assert data.total == 3
    assert data.overdue == 1
    assert {c.key: c.count for c in data.by_status} == {"terdaftar": 1, "baru": 1, "diambil": 1}
    assert [(c.key, c.count) for c in data.by_branch] == [(TIMUR, 2), (ACEH, 1)]
    assert {c.key: c.count for c in data.by_province} == {"ID-JI": 2, "ID-AC": 1}
    assert data.median_hours_to_claim == pytest.approx(1.5)  # 2 h and 1 h
    assert data.median_hours_to_contact == pytest.approx(6.0)
    assert [row.id for row in data.latest] == [campaign.leads[k] for k in ("L3", "L2", "L1")]
    assert [row.overdue for row in data.latest] == [False, True, False]


async def test_lead_filters_and_scope(db: Database, campaign: Ids) -> None:
    async def total(scope: Scope, lead_filter: LeadFilter) -> int:
        async with db.transaction() as uow:
            return (await stats.lead_stats(uow, scope, lead_filter, NOW, 24)).total

    assert await total(EVERYTHING, LeadFilter(province_code="ID-AC")) == 1
    assert await total(EVERYTHING, LeadFilter(branch_code=TIMUR)) == 2
    assert await total(EVERYTHING, LeadFilter(status="baru")) == 1
    assert await total(EVERYTHING, LeadFilter(overdue_only=True)) == 1
    assert await total(EVERYTHING, LeadFilter(period=Period.last_days(1, TODAY))) == 1
    assert await total(EVERYTHING, LeadFilter(period=Period.last_days(3, TODAY))) == 2
    # A branch scope wins over any filter asking for another branch.
    assert await total(Scope(TIMUR), LeadFilter(branch_code=ACEH)) == 0
    assert await total(Scope(TIMUR), LeadFilter(province_code="ID-AC")) == 0
    async with db.transaction() as uow:
        rows = await stats.lead_rows(uow, Scope(TIMUR), LeadFilter(), NOW, 24)
    assert {row.branch_code for row in rows} == {TIMUR}


async def test_overdue_follows_the_reminder_deadline(db: Database, campaign: Ids) -> None:
    async with db.transaction() as uow:
        assert (await stats.lead_stats(uow, EVERYTHING, LeadFilter(), NOW, 72)).overdue == 0
    async with db.transaction() as session:
        lead = await session.get(Lead, campaign.leads["L2"])
        assert lead is not None
        lead.anonymized_at = NOW  # /hapusdata: no reminder, so not overdue either
    async with db.transaction() as uow:
        assert (await stats.lead_stats(uow, EVERYTHING, LeadFilter(), NOW, 24)).overdue == 0


async def test_median_of_an_odd_count(db: Database, campaign: Ids) -> None:
    async with db.transaction() as session:
        lead = await session.get(Lead, campaign.leads["L2"])
        assert lead is not None
        lead.status, lead.claimed_at = "diambil", lead.created_at + timedelta(hours=30)
    async with db.transaction() as uow:
        data = await stats.lead_stats(uow, EVERYTHING, LeadFilter(), NOW, 24)
    assert data.median_hours_to_claim == pytest.approx(2.0)  # 1, 2, 30


async def test_digest_for_statistik(db: Database, campaign: Ids) -> None:
    async with db.transaction() as uow:
        digest = await stats.digest(uow, NOW, reminder_hours=24)
    assert digest.overdue_leads == 1
    assert digest.summary.users == 6


def test_period_checks() -> None:
    with pytest.raises(ValueError):
        Period(date(2026, 1, 2), date(2026, 1, 1))
    with pytest.raises(ValueError):
        Period(date(2025, 1, 1), date(2026, 1, 2))
    start, end = Period(date(2026, 11, 20), date(2026, 11, 20)).bounds()
    assert start == datetime(2026, 11, 19, 17, 0, tzinfo=UTC)
    assert end - start == timedelta(days=1)
    assert stats.campaign_today(datetime(2026, 11, 19, 17, 0, tzinfo=UTC)) == date(2026, 11, 20)
