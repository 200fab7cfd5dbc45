"""Delivery health (issue #13) on the real database: where a card goes, the figures per branch
(group linked, cards undelivered and the oldest, leads overdue), "menunggu grup", the promise
made to the worker, /statistik's list, and a link that releases the waiting cards."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot import delivery_health, staff, stats
from bot.delivery_health import CardTarget, TargetKind, choose_target
from bot.leads import OUTBOX_LEAD_CARD, OUTBOX_LEAD_ESCALATION, OUTBOX_LEAD_REMINDER
from bot.registration import service
from bot.registration.flow import Choice, Text
from bot.routing import DirectoryPlaces, load_directory
from bot.users import touch_user
from db.engine import Database
from db.models import BranchGroup, Lead, OutboxMessage
from db.repositories.outbox import OutboxRepository
from handlers.statistik import render_digest

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
TODAY = date(2026, 11, 22)
BOGOR, SURABAYA, MALANG = "KC-BOGOR", "KC-SURABAYA", "KC-MALANG"
SURABAYA_GROUP = -100_555


def test_target_is_the_branch_group_else_the_admin_group_else_none() -> None:
    assert choose_target([-1, -2], -9) == CardTarget(TargetKind.BRANCH_GROUP, -1)
    assert choose_target([], -9) == CardTarget(TargetKind.ADMIN_GROUP, -9)
    assert choose_target([-1], -9, fallback=True) == CardTarget(TargetKind.ADMIN_GROUP, -9)
    none = choose_target([], None)
    assert none.kind == TargetKind.NONE and not none.delivers
    assert choose_target([-1], None).delivers


async def add_lead(db: Database, branch: str, *, created: datetime, status: str = "baru",
                   card: str | None = "pending", anonymized: bool = False) -> int:
    """A lead of ``branch`` and its card in the outbox (``card``: its status, None: no card)."""
    async with db.transaction() as session:
        lead = Lead(status=status, name="Wulan Sari", phone="+628123", occupation="petani",
                    regency_code="x", province_code="ID-JB", branch_code=branch, income=None,
                    contact_time="pagi", created_at=created, updated_at=created,
                    last_announced_at=created, reminders_sent=0,
                    anonymized_at=NOW if anonymized else None)
        session.add(lead)
        await session.flush()
        if card is not None:
            message = OutboxRepository(session).add(OUTBOX_LEAD_CARD, lead_id=lead.id,
                                                    now=created)
            message.status = card
        return lead.id


async def seed(db: Database) -> dict[str, int]:
    async with db.transaction() as uow:
        await load_directory(uow)
    async with db.transaction() as session:
        session.add(BranchGroup(chat_id=SURABAYA_GROUP, branch_code=SURABAYA, linked_by=1))
    return {
        # Bogor: no group; two cards waiting (3 h and 30 h), one of them overdue.
        "bogor_old": await add_lead(db, BOGOR, created=NOW - timedelta(hours=30)),
        "bogor_new": await add_lead(db, BOGOR, created=NOW - timedelta(hours=3)),
        # Surabaya: a group; cards delivered; one overdue, one claimed (not overdue), one
        # anonymised (not overdue), one new within the deadline.
        "sby_overdue": await add_lead(db, SURABAYA, created=NOW - timedelta(hours=25),
                                      card="sent"),
        "sby_claimed": await add_lead(db, SURABAYA, created=NOW - timedelta(hours=50),
                                      status="diambil", card="sent"),
        "sby_gone": await add_lead(db, SURABAYA, created=NOW - timedelta(hours=50),
                                   card="sent", anonymized=True),
        "sby_fresh": await add_lead(db, SURABAYA, created=NOW - timedelta(hours=1),
                                    card="sent"),
    }


async def test_figures_per_branch(db: Database) -> None:
    ids = await seed(db)
    async with db.transaction() as session:
        # A reminder waiting counts as an undelivered card; an escalation (admins') does not.
        outbox = OutboxRepository(session)
        outbox.add(OUTBOX_LEAD_REMINDER, lead_id=ids["sby_overdue"], now=NOW - timedelta(hours=2))
        outbox.add(OUTBOX_LEAD_ESCALATION, lead_id=ids["bogor_old"], now=NOW)
    async with db.transaction() as uow:
        health = await delivery_health.delivery_health(uow, NOW, reminder_hours=24,
                                                       admin_group_id=None)
    by_code = {b.branch_code: b for b in health.branches}
    assert set(by_code) == {BOGOR, SURABAYA}  # branches without leads or groups are left out
    bogor, surabaya = by_code[BOGOR], by_code[SURABAYA]
    assert (bogor.branch_name, bogor.group_linked, bogor.leads) == ("Kantor Cabang Bogor",
                                                                     False, 2)
    assert (bogor.undelivered, bogor.overdue) == (2, 1)
    assert bogor.oldest_undelivered_at == NOW - timedelta(hours=30)
    assert bogor.oldest_undelivered_hours == 30.0
    assert (surabaya.group_linked, surabaya.leads, surabaya.undelivered) == (True, 4, 1)
    assert surabaya.overdue == 1 and surabaya.oldest_undelivered_hours == 2.0
    # Oldest undelivered first; totals; only Bogor lacks a group.
    assert [b.branch_code for b in health.branches] == [BOGOR, SURABAYA]
    assert (health.undelivered, health.overdue, health.admin_group) == (3, 2, False)
    assert [b.branch_code for b in health.unlinked] == [BOGOR]
    # One branch's account sees only its branch, even one with nothing yet.
    async with db.transaction() as uow:
        [only] = (await delivery_health.delivery_health(
            uow, NOW, reminder_hours=24, admin_group_id=-9, branch_code=MALANG)).branches
    assert (only.branch_code, only.leads, only.undelivered, only.group_linked) == (
        MALANG, 0, 0, False)


async def test_waiting_for_a_group_is_derived_from_the_undelivered_card(db: Database) -> None:
    ids = await seed(db)
    claimed_in_bogor = await add_lead(db, BOGOR, created=NOW, status="diambil")
    delivered_in_bogor = await add_lead(db, BOGOR, created=NOW, card="sent")
    every = [*ids.values(), claimed_in_bogor, delivered_in_bogor]
    async with db.transaction() as uow:
        waiting = await delivery_health.waiting_for_group(uow, every, None)
    assert waiting == {ids["bogor_old"], ids["bogor_new"]}
    # With an admin group, the cards go there: nothing waits for a group.
    async with db.transaction() as uow:
        assert await delivery_health.waiting_for_group(uow, every, -9) == set()


@pytest.mark.parametrize(
    "refusal",
    [{"tried": [-100_555]}, {"fallback": True}],
    ids=["tried", "fallback (queued before refusals were listed)"],
)
async def test_linking_a_group_makes_the_branch_waiting_cards_due_now(
    db: Database, refusal: dict[str, object]
) -> None:
    ids = await seed(db)
    later = NOW + timedelta(minutes=5)
    async with db.transaction() as session:
        for message in (await session.execute(select(OutboxMessage))).scalars():
            message.next_attempt_at = later  # as the sender leaves a card with no target
    malang = await add_lead(db, MALANG, created=NOW)
    async with db.transaction() as session:
        (await session.execute(select(OutboxMessage).where(OutboxMessage.lead_id == malang))
         ).scalar_one().next_attempt_at = later
    async with db.transaction() as session:
        # A card an earlier Bogor group refused skips that group (for the admin group, none).
        refused = (await session.execute(select(OutboxMessage).where(
            OutboxMessage.lead_id == ids["bogor_old"]))).scalar_one()
        refused.payload = {"updated": False, **refusal}
    async with db.transaction() as uow:
        code = await staff.create_link_code(uow, BOGOR, NOW)
    async with db.transaction() as uow:
        result = await staff.link_group(uow, code=code, chat_id=-100_777, by_telegram_id=1, now=NOW)
    assert result.outcome == staff.LinkOutcome.LINKED and result.released_cards == 2
    async with db.transaction() as session:
        rows = (await session.execute(select(OutboxMessage))).scalars().all()
        due = {m.lead_id: m.next_attempt_at for m in rows}
        payloads = {m.lead_id: m.payload for m in rows}
    assert due[ids["bogor_old"]] == due[ids["bogor_new"]] == NOW
    assert payloads[ids["bogor_old"]] == {"updated": False}  # for the new group again
    assert due[malang] == later  # another branch's card is left alone
    async with db.transaction() as uow:
        health = await delivery_health.delivery_health(uow, NOW, reminder_hours=24,
                                                       admin_group_id=None)
    assert [b.branch_code for b in health.unlinked] == [MALANG]


async def register(db: Database, telegram_id: int, place: str, admin_group_id: int | None
                   ) -> CardTarget:
    user = await touch_user(db, telegram_id, "id")
    async with db.transaction() as uow:
        places = DirectoryPlaces(await load_directory(uow))
    async with db.transaction() as uow:
        await service.start(uow, user.id, "id", now=NOW)
    reply = None
    for event in (Choice("yes"), Text("Siti Aminah"), Text("0812-3456-7890"), Choice("petani"),
                  Text(place), Choice("skip"), Choice("pagi"), Choice("confirm")):
        async with db.transaction() as uow:
            reply = await service.advance(uow, user.id, event, places=places, language="id",
                                          today=TODAY, now=NOW, admin_group_id=admin_group_id)
    assert reply is not None and reply.confirmation is not None
    return reply.confirmation.target


async def test_the_confirmation_knows_whether_a_group_will_get_the_card(db: Database) -> None:
    async with db.transaction() as uow:
        await load_directory(uow)
    assert (await register(db, 7001, "Kota Bogor", None)).kind == TargetKind.NONE
    assert await register(db, 7002, "Kota Bogor", -9) == CardTarget(TargetKind.ADMIN_GROUP, -9)
    async with db.transaction() as session:
        session.add(BranchGroup(chat_id=-100_888, branch_code=BOGOR, linked_by=1))
    assert await register(db, 7003, "Kota Bogor", -9) == CardTarget(TargetKind.BRANCH_GROUP,
                                                                    -100_888)


async def test_statistik_names_the_branches_with_leads_but_no_group(db: Database) -> None:
    await seed(db)
    async with db.transaction() as uow:
        digest = await stats.digest(uow, NOW, 24, None)
    text = render_digest(digest, "id", "2026-11-22")
    assert "⚠️ <b>Cabang dengan lead tanpa grup terhubung</b>" in text
    assert "• Kantor Cabang Bogor: 2 lead, 2 kartu belum terkirim" in text
    assert "Surabaya" not in text and "Grup admin juga belum diatur" in text
    async with db.transaction() as uow:
        with_admin = render_digest(await stats.digest(uow, NOW, 24, -9), "en", "2026-11-22")
    assert "Their cards go to the admin group" in with_admin
