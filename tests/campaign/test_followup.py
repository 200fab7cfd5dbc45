"""Follow-up questions on the real database: when they are due, answers, re-opening a lead."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot import followup
from bot.leads import StaffAction
from bot.staff import apply_action
from db.engine import Database
from db.models import CampaignMessage, FollowUp, LeadStatusChange
from tests.campaign.helpers import ADMIN, ADMIN_GROUP, NOW, SETTINGS, lead_of, register

DAY = timedelta(days=1)


async def act(db: Database, lead_id: int, action: StaffAction, when=NOW) -> None:
    async with db.transaction() as uow:
        result = await apply_action(
            uow,
            lead_id=lead_id,
            action=action,
            staff_telegram_id=ADMIN,
            staff_name="Budi",
            chat_id=ADMIN_GROUP,
            settings=SETTINGS,
            now=when,
        )
    assert result.outcome == "done"


async def followups(db: Database) -> list[FollowUp]:
    async with db.transaction() as session:
        return list((await session.execute(select(FollowUp).order_by(FollowUp.id))).scalars())


async def test_contact_question_is_due_after_the_delay_and_queued_once(db: Database) -> None:
    lead_id = await register(db, 6001)
    await register(db, 6002)  # never claimed: nothing to ask
    await act(db, lead_id, StaffAction.CLAIM)
    async with db.transaction() as uow:
        assert await followup.queue_due_followups(uow, SETTINGS, NOW + 2 * DAY) == 0
    async with db.transaction() as uow:
        assert await followup.queue_due_followups(uow, SETTINGS, NOW + 3 * DAY + timedelta(1)) == 1
    async with db.transaction() as uow:
        assert await followup.queue_due_followups(uow, SETTINGS, NOW + 4 * DAY) == 0
    [asked] = await followups(db)
    assert (asked.kind, asked.lead_status, asked.status) == ("contact", "diambil", "pending")
    async with db.transaction() as session:
        [queued] = (await session.execute(select(CampaignMessage))).scalars().all()
        question = await followup.question(session, asked.id)
    assert queued.kind == followup.OUTBOX_FOLLOWUP_QUESTION and queued.followup_id == asked.id
    assert question is not None and question.worker_telegram_id == 6001
    # Claims older than the catch-up window are not asked about.
    old = await register(db, 6003)
    await act(db, old, StaffAction.CLAIM, NOW - 30 * DAY)
    async with db.transaction() as uow:
        assert await followup.queue_due_followups(uow, SETTINGS, NOW + 4 * DAY) == 0


async def test_no_reopens_the_lead_and_alerts_the_branch(db: Database) -> None:
    lead_id = await register(db, 6101)
    await act(db, lead_id, StaffAction.CLAIM)
    await act(db, lead_id, StaffAction.CONTACTED)
    async with db.transaction() as uow:
        await followup.queue_due_followups(uow, SETTINGS, NOW + 4 * DAY)
    [asked] = await followups(db)
    lead = await lead_of(db, lead_id)
    async with db.transaction() as uow:
        wrong_user = await followup.record_answer(
            uow, followup_id=asked.id, user_id=asked.user_id + 1, answer="no", now=NOW + 5 * DAY
        )
    assert wrong_user.outcome == followup.AnswerOutcome.INVALID
    async with db.transaction() as uow:
        bad_answer = await followup.record_answer(
            uow, followup_id=asked.id, user_id=asked.user_id, answer="5", now=NOW + 5 * DAY
        )
    assert bad_answer.outcome == followup.AnswerOutcome.INVALID
    async with db.transaction() as uow:
        result = await followup.record_answer(
            uow, followup_id=asked.id, user_id=asked.user_id, answer="no", now=NOW + 5 * DAY
        )
    assert result.outcome == followup.AnswerOutcome.RECORDED
    assert result.reopened_lead_id == lead_id and result.branch_name
    async with db.transaction() as uow:
        again = await followup.record_answer(
            uow, followup_id=asked.id, user_id=asked.user_id, answer="yes", now=NOW + 5 * DAY
        )
    assert again.outcome == followup.AnswerOutcome.ALREADY_ANSWERED and again.answer == "no"
    reopened = await lead_of(db, lead_id)
    assert (reopened.status, reopened.claimed_by, reopened.claimed_at) == ("baru", None, None)
    assert reopened.reminders_sent == 0 and reopened.escalated_at is not None
    assert reopened.branch_code == lead.branch_code
    async with db.transaction() as session:
        changes = (
            (
                await session.execute(
                    select(LeadStatusChange.status)
                    .where(LeadStatusChange.lead_id == lead_id)
                    .order_by(LeadStatusChange.id)
                )
            )
            .scalars()
            .all()
        )
        alert_rows = (
            (
                await session.execute(
                    select(CampaignMessage).where(
                        CampaignMessage.kind == followup.OUTBOX_FOLLOWUP_ALERT
                    )
                )
            )
            .scalars()
            .all()
        )
        alert = await followup.alert(session, SETTINGS, asked.id)
        assert alert is not None
        await followup.record_alert_posted(session, asked.id, ADMIN_GROUP, 4242)
    assert list(changes) == ["baru", "diambil", "dihubungi", "baru"]
    assert len(alert_rows) == 1 and alert.targets == [ADMIN_GROUP]
    assert alert.card.id == lead_id and alert.card.status == "baru"
    assert (await lead_of(db, lead_id)).card_message_id == 4242
    # Claimed again: a new claim, so a new question later.
    await act(db, lead_id, StaffAction.CLAIM, NOW + 6 * DAY)
    async with db.transaction() as uow:
        assert await followup.queue_due_followups(uow, SETTINGS, NOW + 10 * DAY) == 1


async def test_already_registered_keeps_the_lead_and_satisfaction_follows_enrolment(
    db: Database,
) -> None:
    lead_id = await register(db, 6201)
    await act(db, lead_id, StaffAction.CLAIM)
    async with db.transaction() as uow:
        await followup.queue_due_followups(uow, SETTINGS, NOW + 4 * DAY)
    [contact] = await followups(db)
    async with db.transaction() as uow:
        result = await followup.record_answer(
            uow,
            followup_id=contact.id,
            user_id=contact.user_id,
            answer="registered",
            now=NOW + 4 * DAY,
        )
    assert result.reopened_lead_id is None
    assert (await lead_of(db, lead_id)).status == "diambil"
    await act(db, lead_id, StaffAction.ENROLLED, NOW + 5 * DAY)
    async with db.transaction() as uow:
        assert await followup.queue_due_followups(uow, SETTINGS, NOW + 11 * DAY) == 0
    async with db.transaction() as uow:
        assert await followup.queue_due_followups(uow, SETTINGS, NOW + 12 * DAY + DAY) == 1
    satisfaction = (await followups(db))[-1]
    assert satisfaction.kind == "satisfaction"
    async with db.transaction() as uow:
        await followup.record_answer(
            uow,
            followup_id=satisfaction.id,
            user_id=satisfaction.user_id,
            answer="4",
            now=NOW + 13 * DAY,
        )
    async with db.transaction() as uow:
        [everything, branch] = await followup.followup_summaries(uow)
    assert everything.branch_code is None and branch.branch_code == contact.branch_code
    assert (everything.contact_asked, everything.contact_answered) == (1, 1)
    assert (everything.contact_registered, everything.worker_contact_rate) == (1, 1.0)
    assert everything.branch_contact_rate == 0.0  # the branch had only claimed it
    assert (everything.satisfaction_answered, everything.satisfaction_mean) == (1, 4.0)
    assert everything.satisfaction_scores["4"] == 1


async def test_a_no_after_enrolment_does_not_reopen(db: Database) -> None:
    lead_id = await register(db, 6301)
    await act(db, lead_id, StaffAction.CLAIM)
    async with db.transaction() as uow:
        await followup.queue_due_followups(uow, SETTINGS, NOW + 4 * DAY)
    await act(db, lead_id, StaffAction.ENROLLED, NOW + 4 * DAY)
    [contact] = await followups(db)
    async with db.transaction() as uow:
        result = await followup.record_answer(
            uow, followup_id=contact.id, user_id=contact.user_id, answer="no", now=NOW + 5 * DAY
        )
    assert result.outcome == followup.AnswerOutcome.RECORDED and result.reopened_lead_id is None
    assert (await lead_of(db, lead_id)).status == "terdaftar"
    async with db.transaction() as uow:
        [summary, _branch] = await followup.followup_summaries(uow)
    assert summary.disputed == 0 and summary.contact_no == 1


async def test_an_undelivered_question_is_counted(db: Database) -> None:
    """A question that could not reach the worker (blocked bot...) is recorded as such: on
    PostgreSQL too, whose status column holds 12 characters (SQLite does not check)."""
    lead_id = await register(db, 6401)
    await act(db, lead_id, StaffAction.CLAIM)
    async with db.transaction() as uow:
        await followup.queue_due_followups(uow, SETTINGS, NOW + 4 * DAY)
    [contact] = await followups(db)
    async with db.transaction() as session:
        await followup.record_asked(session, contact.id, NOW + 4 * DAY, delivered=False)
    [stored] = await followups(db)
    assert stored.status == "undelivered" and stored.asked_at is None
    async with db.transaction() as uow:
        [everything, _branch] = await followup.followup_summaries(uow)
    assert (everything.contact_asked, everything.undeliverable) == (1, 1)
