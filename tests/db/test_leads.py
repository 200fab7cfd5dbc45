"""Registration → lead → outbox → staff actions → deletion, on the real database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot import staff
from bot.leads import StaffAction
from bot.privacy import delete_personal_data, stored_data
from bot.registration import service
from bot.registration.flow import Choice, Step, Text
from bot.reminders import queue_due_reminders
from bot.routing import DirectoryPlaces, load_directory
from bot.settings import Settings
from bot.users import touch_user
from db.engine import Database
from db.models import Branch, Lead, LeadStatusChange, OutboxMessage, UnansweredQuestion
from db.repositories.outbox import OutboxRepository

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
ADMIN = 999
SETTINGS = Settings(admin_ids=frozenset({ADMIN}), admin_group_id=-100999)


async def register(
    db: Database, telegram_id: int, name: str = "Siti Aminah", place: str = "Lamongan"
) -> int:
    user = await touch_user(db, telegram_id, "id")
    async with db.transaction() as uow:
        places = DirectoryPlaces(await load_directory(uow))
    async with db.transaction() as uow:
        await service.start(uow, user.id, "id", now=NOW)
    steps = [
        Choice("yes"),
        Text(name),
        Text("0812-3456-7890"),
        Choice("petani"),
        Text(place),
        Choice("skip"),
        Choice("pagi"),
        Choice("confirm"),
    ]
    reply = None
    for event in steps:
        async with db.transaction() as uow:
            reply = await service.advance(
                uow, user.id, event, places=places, language="id", today=TODAY, now=NOW
            )
        assert reply is not None and reply.outcome.error is None, (event, reply)
    assert reply is not None and reply.confirmation is not None
    return reply.confirmation.lead_id


async def count(db: Database, model: type) -> int:
    async with db.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_directory_is_seeded_once_into_the_database(db: Database) -> None:
    async with db.transaction() as uow:
        first = await load_directory(uow)
    async with db.transaction() as uow:
        again = await load_directory(uow)
    assert await count(db, Branch) == len(first.branches) == len(again.branches)


async def test_registration_creates_one_lead_with_a_queued_card(db: Database) -> None:
    lead_id = await register(db, 5001)
    async with db.transaction() as session:
        lead = await session.get(Lead, lead_id)
        assert lead is not None
        assert (lead.name, lead.phone, lead.status) == ("Siti Aminah", "+6281234567890", "baru")
        assert lead.regency_code and lead.branch_code
    assert await count(db, OutboxMessage) == 1
    assert await count(db, LeadStatusChange) == 1


async def test_registering_again_updates_the_open_lead(db: Database) -> None:
    first = await register(db, 5002)
    second = await register(db, 5002, name="Siti A.")
    assert first == second
    assert await count(db, Lead) == 1
    assert await count(db, OutboxMessage) == 2  # the branch sees the update too


async def test_restart_mid_registration_resumes_at_the_same_step(db: Database) -> None:
    user = await touch_user(db, 5003, "id")
    async with db.transaction() as uow:
        places = DirectoryPlaces(await load_directory(uow))
    async with db.transaction() as uow:
        await service.start(uow, user.id, "id", now=NOW)
    for event in (Choice("yes"), Text("Budi"), Text("081234567890")):
        async with db.transaction() as uow:
            await service.advance(uow, user.id, event, places=places, language="id", today=TODAY)
    # A new Database object stands for a restarted process.
    restarted = Database(db.url)
    try:
        async with restarted.transaction() as uow:
            state = await service.current(uow, user.id)
        assert state is not None and state.step == Step.OCCUPATION
        assert (await touch_user(restarted, 5003, "id")).flow == "registration"
    finally:
        await restarted.dispose()


async def test_outbox_claims_are_exclusive_and_leased(db: Database) -> None:
    await register(db, 5004)
    lease = timedelta(seconds=60)
    skip_locked = not db.is_sqlite
    async with db.transaction() as session:
        first = await OutboxRepository(session).claim_due(NOW, lease, 10, skip_locked)
    async with db.transaction() as session:
        second = await OutboxRepository(session).claim_due(NOW, lease, 10, skip_locked)
    assert len(first) == 1 and second == []
    async with db.transaction() as session:
        after_lease = await OutboxRepository(session).claim_due(
            NOW + lease * 2, lease, 10, skip_locked
        )
    assert [m.id for m in after_lease] == [m.id for m in first]


async def test_staff_access_matrix(db: Database) -> None:
    lead_id = await register(db, 5005)
    async with db.transaction() as session:
        lead = await session.get(Lead, lead_id)
        assert lead is not None
        own_branch = lead.branch_code
        other_branch = (
            await session.execute(select(Branch.code).where(Branch.code != own_branch).limit(1))
        ).scalar_one()
    async with db.transaction() as uow:
        own_code = await staff.create_link_code(uow, own_branch, NOW)
    async with db.transaction() as uow:
        other_code = await staff.create_link_code(uow, other_branch, NOW)
    async with db.transaction() as uow:
        assert (
            await staff.link_group(uow, code=own_code, chat_id=-1001, by_telegram_id=1, now=NOW)
        ).outcome == staff.LinkOutcome.LINKED
    async with db.transaction() as uow:
        assert (
            await staff.link_group(uow, code=own_code, chat_id=-1003, by_telegram_id=1, now=NOW)
        ).outcome == staff.LinkOutcome.USED
    async with db.transaction() as uow:
        await staff.link_group(uow, code=other_code, chat_id=-1002, by_telegram_id=2, now=NOW)

    async def act(chat_id: int, user: int, action: StaffAction) -> staff.ActionOutcome:
        async with db.transaction() as uow:
            result = await staff.apply_action(
                uow,
                lead_id=lead_id,
                action=action,
                staff_telegram_id=user,
                staff_name="Petugas",
                chat_id=chat_id,
                settings=SETTINGS,
                now=NOW,
            )
        return result.outcome

    # An unlinked group, a private chat of a stranger, another branch: refused.
    assert await act(-1009, 77, StaffAction.CLAIM) == staff.ActionOutcome.FORBIDDEN
    assert await act(77, 77, StaffAction.CLAIM) == staff.ActionOutcome.FORBIDDEN
    assert await act(-1002, 2, StaffAction.CLAIM) == staff.ActionOutcome.FORBIDDEN
    # Its own branch group: claims; a second staff member cannot take it over.
    assert await act(-1001, 10, StaffAction.CLAIM) == staff.ActionOutcome.DONE
    assert await act(-1001, 11, StaffAction.CLAIM) == staff.ActionOutcome.ALREADY_CLAIMED
    assert await act(-1001, 10, StaffAction.CONTACTED) == staff.ActionOutcome.DONE
    # An admin anywhere may act; a closed lead stays closed.
    assert await act(ADMIN, ADMIN, StaffAction.ENROLLED) == staff.ActionOutcome.DONE
    assert await act(-1001, 10, StaffAction.DECLINED) == staff.ActionOutcome.CLOSED
    async with db.transaction() as session:
        lead = await session.get(Lead, lead_id)
        assert lead is not None and lead.status == "terdaftar" and lead.claimed_by == 10
        assert lead.contacted_at is not None and lead.closed_at is not None
    assert await count(db, LeadStatusChange) == 4
    # Other branches' leads are invisible to a group's listing and export.
    async with db.transaction() as uow:
        assert await staff.open_leads(
            uow, chat_id=-1002, user_telegram_id=2, settings=SETTINGS
        ) == []
    async with db.transaction() as uow:
        csv_bytes = await staff.export_csv(
            uow, chat_id=-1002, user_telegram_id=2, settings=SETTINGS
        )
    assert csv_bytes is not None and b"Siti" not in csv_bytes
    async with db.transaction() as uow:
        own_csv = await staff.export_csv(uow, chat_id=-1001, user_telegram_id=10, settings=SETTINGS)
    assert own_csv is not None and b"Siti Aminah" in own_csv


async def test_expired_link_code_is_refused(db: Database) -> None:
    async with db.transaction() as uow:
        await load_directory(uow)
    async with db.transaction() as session:
        code = (await session.execute(select(Branch.code).limit(1))).scalar_one()
    async with db.transaction() as uow:
        link = await staff.create_link_code(uow, code, NOW - timedelta(days=2))
    async with db.transaction() as uow:
        result = await staff.link_group(uow, code=link, chat_id=-5, by_telegram_id=1, now=NOW)
    assert result.outcome == staff.LinkOutcome.EXPIRED


async def test_reminder_and_escalation_are_queued_once(db: Database) -> None:
    await register(db, 5006)
    settings = Settings(lead_reminder_hours=24, lead_escalation_hours=48)
    async with db.transaction() as uow:
        assert await queue_due_reminders(uow, settings, NOW + timedelta(hours=1)) == 0
    async with db.transaction() as uow:
        assert await queue_due_reminders(uow, settings, NOW + timedelta(hours=25)) == 1
    async with db.transaction() as uow:
        assert await queue_due_reminders(uow, settings, NOW + timedelta(hours=26)) == 0
    async with db.transaction() as uow:
        assert await queue_due_reminders(uow, settings, NOW + timedelta(hours=49)) == 1
    async with db.transaction() as uow:
        assert await queue_due_reminders(uow, settings, NOW + timedelta(hours=99)) == 0
    async with db.transaction() as session:
        kinds = await session.execute(select(OutboxMessage.kind).order_by(OutboxMessage.id))
        assert [k for (k,) in kinds] == ["lead_card", "lead_reminder", "lead_escalation"]


async def test_delete_my_data_anonymises_leads_and_forgets_questions(db: Database) -> None:
    lead_id = await register(db, 5007)
    user = await touch_user(db, 5007, "id")
    async with db.transaction() as session:
        session.add(UnansweredQuestion(user_id=user.id, text="x", normalized="x"))
        lead = await session.get(Lead, lead_id)
        assert lead is not None
        lead.card_chat_id, lead.card_message_id = -1001, 5
    async with db.transaction() as uow:
        before = await stored_data(uow, user.id)
    assert before is not None and before.leads[0].phone == "+6281234567890"
    assert before.kept_questions == 1
    async with db.transaction() as uow:
        assert await delete_personal_data(uow, user.id, NOW) == 1
    async with db.transaction() as uow:
        after = await stored_data(uow, user.id)
    assert after is not None and after.leads[0].anonymized and after.leads[0].phone is None
    assert after.kept_questions == 0
    async with db.transaction() as session:
        lead = await session.get(Lead, lead_id)
        assert lead is not None and lead.name is None and lead.occupation == "petani"
    # The branch's card is queued for an update that hides the personal data.
    assert await count(db, OutboxMessage) == 2


@pytest.mark.parametrize("place", ["Lamongan", "kab bogor"])
async def test_typed_places_route_to_a_branch(db: Database, place: str) -> None:
    lead_id = await register(db, 5100 + len(place), place=place)
    async with db.transaction() as session:
        lead = await session.get(Lead, lead_id)
        assert lead is not None and lead.branch_code.startswith("KC-")


async def test_regencies_with_long_codes_fit(db: Database) -> None:
    # kab-kepulauan-siau-tagulandang-biaro is 36 characters: PostgreSQL enforces the width.
    lead_id = await register(db, 5200, place="Kepulauan Siau Tagulandang Biaro")
    async with db.transaction() as session:
        lead = await session.get(Lead, lead_id)
        assert lead is not None and len(lead.regency_code) > 20
