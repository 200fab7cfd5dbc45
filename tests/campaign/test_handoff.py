"""Tickets on the real database: opening, routing, staff answers, closing, the summaries."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot import handoff
from bot.conversation import CALCULATOR_FLOW
from bot.questions import ask
from bot.registration.flow import Text
from bot.routing import DirectoryPlaces, load_directory
from db.engine import Database
from db.models import CampaignMessage, Lead, TicketMessage
from db.repositories.conversations import ConversationRepository
from tests.campaign.helpers import ADMIN, ADMIN_GROUP, NOW, SETTINGS, link_group, register, worker


async def outbox(db: Database) -> list[CampaignMessage]:
    async with db.transaction() as session:
        return list((await session.execute(select(CampaignMessage))).scalars().all())


async def submit(
    db: Database, user: int, text: str, when=NOW, language: str = "id"
) -> handoff.TicketReceipt:
    """Submit a question; a worker without a lead answers "Lamongan" when asked their place."""
    async with db.transaction() as uow:
        receipt = await handoff.submit_question(
            uow, SETTINGS, user_id=user, text=text, language=language, now=when
        )
    if isinstance(receipt, handoff.PlaceNeeded):
        async with db.transaction() as uow:
            places = DirectoryPlaces(await load_directory(uow))
        async with db.transaction() as uow:
            receipt = await handoff.continue_handoff(
                uow, SETTINGS, places, user_id=user, event=Text("Lamongan"), language=language,
                now=when,
            )
    assert isinstance(receipt, handoff.TicketReceipt)
    return receipt


def test_branch_label_and_cleaning() -> None:
    assert handoff.branch_label("Kantor Cabang Banda Aceh") == "Banda Aceh"
    assert handoff.branch_label(None) is None
    assert handoff.clean_message(" a\u202e b \n\n\n\nc ") == "a b \n\nc"


async def test_worker_without_lead_goes_to_the_admin_group_with_recent_conversation(
    db: Database,
) -> None:
    user = await worker(db, 8001)
    async with db.transaction() as uow:
        await ask(
            uow,
            user,
            "kalau rumah saya kebanjiran dapat ganti?",
            lang="id",
            today=NOW.date(),
            now=NOW - timedelta(minutes=3),
        )
    async with db.transaction() as uow:
        prompt = await handoff.begin_handoff(uow, user, NOW)
    assert prompt.started and prompt.last_question == "kalau rumah saya kebanjiran dapat ganti?"
    receipt = await submit(db, user, "<b>Tolong</b> & bantu")
    # No lead: routed by the place given (Lamongan); its branch has no group, so the admin group.
    assert receipt.new_ticket and receipt.branch_name and not receipt.out_of_hours
    assert receipt.to_admin_group
    async with db.transaction() as session:
        assert await ConversationRepository(session).get(user) is None  # the prompt is done
        post = await handoff.ticket_post(session, SETTINGS, 1)
    assert post is not None and post.opening and post.targets == [ADMIN_GROUP]
    assert post.text == "<b>Tolong</b> & bantu"  # escaped when rendered, not when stored
    [step] = [s for s in post.context if s["kind"] == "question"]
    assert step["text"] == "kalau rumah saya kebanjiran dapat ganti?" and step["answered"] is False
    [queued] = await outbox(db)
    assert (queued.kind, queued.ordering_key) == (handoff.OUTBOX_TICKET_TO_GROUP, "t1:group")


async def test_handoff_prompt_waits_for_a_registration(db: Database) -> None:
    user = await worker(db, 8002)
    async with db.transaction() as session:
        await ConversationRepository(session).put(user, "registration", "name", {}, NOW)
    async with db.transaction() as uow:
        assert not (await handoff.begin_handoff(uow, user, NOW)).started
    async with db.transaction() as session:
        await ConversationRepository(session).put(user, CALCULATOR_FLOW, "waiting", {}, NOW)
    async with db.transaction() as uow:
        assert (await handoff.begin_handoff(uow, user, NOW)).started


async def test_staff_answer_is_relayed_once_and_only_by_the_right_group(db: Database) -> None:
    lead_id = await register(db, 8003)
    async with db.transaction() as session:
        lead = await session.get(Lead, lead_id)
        assert lead is not None
        branch, user = lead.branch_code, lead.user_id
    assert user is not None
    await link_group(db, -2001, branch)
    receipt = await submit(db, user, "Kapan saya ditelepon?")
    async with db.transaction() as session:
        post = await handoff.ticket_post(session, SETTINGS, 1)
        assert post is not None and post.targets == [-2001, ADMIN_GROUP]
        assert post.lead_id == lead_id
        await handoff.record_group_post(session, 1, -2001, 55)

    async def reply(chat: int, staff: int, message_id: int, text: str = "Besok pagi ya, Bu."):
        async with db.transaction() as uow:
            return await handoff.relay_staff_reply(
                uow,
                SETTINGS,
                chat_id=chat,
                reply_to_message_id=55,
                staff_message_id=message_id,
                staff_telegram_id=staff,
                text=text,
                now=NOW + timedelta(minutes=12),
            )

    assert (await reply(-2001, 31, 56, "   ")).outcome == handoff.ReplyOutcome.EMPTY
    assert (await reply(-2001, 31, 57)).outcome == handoff.ReplyOutcome.RELAYED
    assert (await reply(-2001, 31, 57)).outcome == handoff.ReplyOutcome.DUPLICATE
    # Another group's message id 55 is not this ticket; a stranger's chat is refused.
    assert (await reply(-2002, 31, 58)).outcome == handoff.ReplyOutcome.NOT_A_TICKET
    async with db.transaction() as uow:
        [summary, per_branch] = await handoff.ticket_summaries(uow, now=NOW + timedelta(hours=1))
    assert (summary.total, summary.answered, summary.median_response_minutes) == (1, 1, 12.0)
    assert per_branch.branch_code == branch
    async with db.transaction() as session:
        answer = await handoff.staff_answer(session, 2)
    assert answer is not None and answer.worker_telegram_id == 8003
    assert answer.text == "Besok pagi ya, Bu." and answer.branch_name
    rows = [(m.kind, m.ordering_key) for m in await outbox(db)]
    assert rows[-1] == (handoff.OUTBOX_TICKET_TO_WORKER, f"t{receipt.ticket_id}:worker")

    # The worker writes again: same ticket, open again, posted under the first message.
    again = await submit(db, user, "Jam berapa?", NOW + timedelta(minutes=20))
    assert not again.new_ticket and again.ticket_id == receipt.ticket_id
    async with db.transaction() as session:
        latest = (
            (await session.execute(select(TicketMessage.id).order_by(TicketMessage.id.desc())))
            .scalars()
            .first()
        )
        assert latest is not None
        follow = await handoff.ticket_post(session, SETTINGS, latest)
    assert follow is not None and not follow.opening and follow.reply_to == (-2001, 55)
    assert follow.status == "open"


async def test_unlinked_chat_cannot_answer_and_closed_tickets_take_no_answers(
    db: Database,
) -> None:
    user = await worker(db, 8004)
    await submit(db, user, "Halo")
    async with db.transaction() as session:
        await handoff.record_group_post(session, 1, ADMIN_GROUP, 70)
    async with db.transaction() as uow:
        forbidden = await handoff.relay_staff_reply(
            uow,
            SETTINGS,
            chat_id=ADMIN_GROUP,
            reply_to_message_id=70,
            staff_message_id=71,
            staff_telegram_id=12345,
            text="hi",
            now=NOW,
        )
    assert forbidden.outcome == handoff.ReplyOutcome.RELAYED  # the admin group is trusted
    async with db.transaction() as uow:
        closed = await handoff.close_ticket(
            uow, SETTINGS, ticket_id=1, chat_id=-777, staff_telegram_id=12345, now=NOW
        )
    assert closed == handoff.CloseOutcome.FORBIDDEN
    async with db.transaction() as uow:
        assert (
            await handoff.close_ticket(
                # admins act from their private chat (in another group others would see it)
                uow, SETTINGS, ticket_id=1, chat_id=ADMIN, staff_telegram_id=ADMIN, now=NOW
            )
            == handoff.CloseOutcome.CLOSED
        )
    async with db.transaction() as uow:
        late = await handoff.relay_staff_reply(
            uow,
            SETTINGS,
            chat_id=ADMIN_GROUP,
            reply_to_message_id=70,
            staff_message_id=72,
            staff_telegram_id=1,
            text="hi",
            now=NOW,
        )
    assert late.outcome == handoff.ReplyOutcome.CLOSED
    # A new question after closing opens a new ticket.
    assert (await submit(db, user, "Saya lagi")).ticket_id == 2


async def test_out_of_hours_in_the_branch_time_zone(db: Database) -> None:
    lead_id = await register(db, 8005, place="Denpasar")
    async with db.transaction() as session:
        lead = await session.get(Lead, lead_id)
        assert lead is not None and lead.user_id is not None
        user = lead.user_id
    sunday = NOW + timedelta(days=6)
    receipt = await submit(db, user, "Halo, hari minggu buka?", sunday)
    assert receipt.out_of_hours and receipt.zone == "WITA"
    assert receipt.expected_by is not None
    assert (receipt.expected_by.weekday(), receipt.expected_by.hour) == (0, 8)
    assert receipt.expected_by.utcoffset() == timedelta(hours=8)
    async with db.transaction() as uow:
        [summary, *_] = await handoff.ticket_summaries(uow, now=sunday)
    assert summary.out_of_hours == 1 and summary.open == 1


async def test_idle_answered_tickets_close(db: Database) -> None:
    user = await worker(db, 8006)
    await submit(db, user, "Halo")
    async with db.transaction() as session:
        await handoff.record_group_post(session, 1, ADMIN_GROUP, 80)
    async with db.transaction() as uow:
        await handoff.relay_staff_reply(
            uow,
            SETTINGS,
            chat_id=ADMIN_GROUP,
            reply_to_message_id=80,
            staff_message_id=81,
            staff_telegram_id=ADMIN,
            text="Halo juga",
            now=NOW,
        )
    async with db.transaction() as uow:
        assert await handoff.close_idle_tickets(uow, SETTINGS, NOW + timedelta(days=1)) == 0
    async with db.transaction() as uow:
        assert await handoff.close_idle_tickets(uow, SETTINGS, NOW + timedelta(days=4)) == 1
    async with db.transaction() as uow:
        [row] = await handoff.list_tickets(uow)
    assert row.status == "closed" and row.response_minutes == 0.0
    async with db.transaction() as session:
        await handoff.forget_user(session, user)
        assert (await session.execute(select(TicketMessage))).first() is None


async def test_a_reply_faster_than_the_senders_record_uses_the_ticket_on_the_message(
    db: Database,
) -> None:
    user = await worker(db, 8007)
    receipt = await submit(db, user, "Halo")
    # The sender has posted the ticket but not yet recorded where: the close button's ticket id.
    async with db.transaction() as uow:
        result = await handoff.relay_staff_reply(
            uow,
            SETTINGS,
            chat_id=ADMIN_GROUP,
            reply_to_message_id=90,
            staff_message_id=91,
            staff_telegram_id=ADMIN,
            text="Halo juga",
            now=NOW,
            ticket_hint=receipt.ticket_id,
        )
    assert result == handoff.ReplyResult(handoff.ReplyOutcome.RELAYED, receipt.ticket_id)
    async with db.transaction() as uow:
        stranger = await handoff.relay_staff_reply(
            uow,
            SETTINGS,
            chat_id=-5555,
            reply_to_message_id=90,
            staff_message_id=92,
            staff_telegram_id=4,
            text="x",
            now=NOW,
            ticket_hint=receipt.ticket_id,
        )
    assert stranger.outcome == handoff.ReplyOutcome.FORBIDDEN


async def test_a_stale_prompt_is_not_a_ticket_and_empty_text_sends_nothing(db: Database) -> None:
    user = await worker(db, 8008)
    async with db.transaction() as uow:
        await handoff.begin_handoff(uow, user, NOW)
    async with db.transaction() as uow:
        late = await handoff.submit_question(
            uow,
            SETTINGS,
            user_id=user,
            text="berapa iurannya?",
            language="id",
            now=NOW + handoff.PROMPT_TTL + timedelta(minutes=1),
            from_prompt=True,
        )
    assert late == handoff.NotSent.PROMPT_EXPIRED
    async with db.transaction() as uow:
        empty = await handoff.submit_question(
            uow, SETTINGS, user_id=user, text=" ", language="id", now=NOW
        )
    async with db.transaction() as uow:
        nothing_to_reuse = await handoff.submit_question(
            uow, SETTINGS, user_id=user, text="", language="id", now=NOW, use_last_question=True
        )
    assert empty == nothing_to_reuse == handoff.NotSent.EMPTY
    assert await outbox(db) == []
