"""What each kind of queued message says, where it goes, and what happens once it is sent: the
one kind → renderer table (:data:`RENDERERS`) the outbox sender looks every row up in. The
texts and buttons come from ``bot.presentation``, the facts from the domain modules.

A renderer returns None when there is nothing (left) to send: the row is then dropped.
"""

from __future__ import annotations

from bot import broadcasts, followup, handoff
from bot.clock import utcnow
from bot.delivery_health import TargetKind, card_target
from bot.leads import (
    OUTBOX_LEAD_CARD,
    OUTBOX_LEAD_ESCALATION,
    OUTBOX_LEAD_REMINDER,
    LeadCard,
    load_card,
)
from bot.outbox.outgoing import Outgoing, Renderer
from bot.presentation import broadcasts as broadcast_views
from bot.presentation import followups as followup_views
from bot.presentation import handoff as handoff_views
from bot.presentation.lead_cards import (
    CARD_REPEAT_MARKER,
    card_keyboard,
    card_text,
    escalation_text,
)
from bot.settings import Settings
from db.engine import UnitOfWork
from db.models import CampaignMessage, Lead, OutboxMessage
from db.repositories.branches import BranchRepository

# --- lead cards, to the branch's group (db.models.OutboxMessage) ---------------------------------
# A lead card is never given up: the lead is already safe in the database, so with no group to
# take it the card waits (bot.staff.link_group makes it due again), and a refusing admin group
# is retried with backoff.


async def _lead_card(
    session: UnitOfWork, settings: Settings, message: OutboxMessage
) -> Outgoing | None:
    return await _card(session, settings, message, reminder=False)


async def _lead_reminder(
    session: UnitOfWork, settings: Settings, message: OutboxMessage
) -> Outgoing | None:
    return await _card(session, settings, message, reminder=True)


async def _lead_of(session: UnitOfWork, message: OutboxMessage) -> tuple[Lead, LeadCard] | None:
    lead = await session.get(Lead, message.lead_id) if message.lead_id else None
    return None if lead is None else (lead, await load_card(session, lead))


async def _card(
    session: UnitOfWork, settings: Settings, message: OutboxMessage, *, reminder: bool
) -> Outgoing | None:
    found = await _lead_of(session, message)
    if found is None:
        return None
    lead, card = found
    admin = settings.admin_group_id
    # The branch's group, else the admin group (also when that group refused the card: a row
    # queued before the sender recorded refusals in "tried" says "fallback"), else none.
    target = await card_target(
        BranchRepository(session),
        lead.branch_code,
        admin,
        fallback=bool(message.payload.get("fallback")),
    )
    targets = [] if target.chat_id is None else [target.chat_id]
    if target.kind == TargetKind.BRANCH_GROUP and admin is not None:
        targets.append(admin)
    updated = bool(message.payload.get("updated"))
    # A card already posted is edited in place (an edit is idempotent: no repeat line), unless
    # the change is worth a new message that staff will notice.
    edit = None
    if not reminder and not updated and lead.card_chat_id and lead.card_message_id:
        edit = (lead.card_chat_id, lead.card_message_id)
    lead_id = lead.id

    async def posted(s: UnitOfWork, chat_id: int, sent_id: int) -> None:
        posted_lead = await s.get(Lead, lead_id)
        if posted_lead is not None:
            posted_lead.card_chat_id, posted_lead.card_message_id = chat_id, sent_id

    return Outgoing(
        targets,
        card_text(card, reminder=reminder, updated=updated and not reminder),
        card_keyboard(card),
        repeat_marker=CARD_REPEAT_MARKER,
        edit=edit,
        after_sent=posted,
        keep_trying=True,
        last_resort=admin,
        no_target_error="no branch group and no admin group",
    )


async def _lead_escalation(
    session: UnitOfWork, settings: Settings, message: OutboxMessage
) -> Outgoing | None:
    found = await _lead_of(session, message)
    if found is None:
        return None
    _lead, card = found
    admin = settings.admin_group_id
    text = escalation_text(card.id, card.branch_name, settings.lead_escalation_hours)
    return Outgoing(
        [] if admin is None else [admin],
        text + "\n\n" + card_text(card),
        card_keyboard(card),
        repeat_marker=CARD_REPEAT_MARKER,
        keep_trying=True,
        last_resort=admin,
        no_target_error="no branch group and no admin group",
    )


# --- the campaign tools' messages (db.models.CampaignMessage) ------------------------------------


async def _ticket_to_group(
    session: UnitOfWork, settings: Settings, message: CampaignMessage
) -> Outgoing | None:
    if not message.ticket_message_id:
        return None
    post = await handoff.ticket_post(session, settings, message.ticket_message_id)
    if post is None:
        return None
    tm_id = post.ticket_message_id

    async def posted(s: UnitOfWork, chat_id: int, sent_id: int) -> None:
        await handoff.record_group_post(s, tm_id, chat_id, sent_id)

    return Outgoing(
        post.targets,
        handoff_views.ticket_post_text(post),
        handoff_views.ticket_keyboard(post.ticket_id),
        reply_to=post.reply_to,
        after_sent=posted,
    )


async def _ticket_to_worker(
    session: UnitOfWork, settings: Settings, message: CampaignMessage
) -> Outgoing | None:
    if not message.ticket_message_id:
        return None
    answer = await handoff.staff_answer(session, message.ticket_message_id)
    if answer is None:
        return None
    notice = (
        (answer.reply_chat_id, handoff_views.undelivered_text(answer.ticket_id))
        if answer.reply_chat_id
        else None
    )
    return Outgoing(
        [answer.worker_telegram_id],
        handoff_views.staff_answer_text(answer),
        handoff_views.staff_answer_keyboard(answer.language),
        private=True,
        language=answer.language,
        on_blocked_notice=notice,
    )


async def _followup_question(
    session: UnitOfWork, settings: Settings, message: CampaignMessage
) -> Outgoing | None:
    if not message.followup_id:
        return None
    question = await followup.question(session, message.followup_id)
    if question is None or question.answered:
        return None
    fid = question.followup_id

    async def asked(s: UnitOfWork, _chat: int, _sent: int) -> None:
        await followup.record_asked(s, fid, utcnow(), delivered=True)

    async def not_asked(s: UnitOfWork, _error: str) -> None:
        await followup.record_asked(s, fid, utcnow(), delivered=False)

    return Outgoing(
        [question.worker_telegram_id],
        followup_views.question_text(question),
        followup_views.question_keyboard(question),
        private=True,
        language=question.language,
        after_sent=asked,
        after_failed=not_asked,
    )


async def _followup_alert(
    session: UnitOfWork, settings: Settings, message: CampaignMessage
) -> Outgoing | None:
    if not message.followup_id:
        return None
    alert = await followup.alert(session, settings, message.followup_id)
    if alert is None:
        return None
    alert_id = alert.followup_id

    async def alerted(s: UnitOfWork, chat_id: int, sent_id: int) -> None:
        await followup.record_alert_posted(s, alert_id, chat_id, sent_id)

    return Outgoing(
        alert.targets,
        followup_views.alert_text(alert.card),
        card_keyboard(alert.card),
        after_sent=alerted,
    )


async def _broadcast_preview(
    session: UnitOfWork, settings: Settings, message: CampaignMessage
) -> Outgoing | None:
    if not message.broadcast_id:
        return None
    preview = await broadcasts.preview(session, settings, message.broadcast_id)
    if preview is None:
        return None
    bid = preview.broadcast_id

    async def previewed(s: UnitOfWork, _chat: int, _sent: int) -> None:
        await broadcasts.record_preview(s, bid, utcnow())

    async def not_previewed(s: UnitOfWork, error: str) -> None:
        await broadcasts.record_preview(s, bid, utcnow(), error)

    return Outgoing(
        [preview.chat_id],
        broadcast_views.broadcast_text(preview.message, "id"),
        broadcast_views.broadcast_keyboard(preview.message),
        private=True,
        language="id",  # as the preview's text
        note=broadcast_views.preview_note(preview),
        after_sent=previewed,
        after_failed=not_previewed,
    )


RENDERERS: dict[str, Renderer] = {
    OUTBOX_LEAD_CARD: _lead_card,
    OUTBOX_LEAD_REMINDER: _lead_reminder,
    OUTBOX_LEAD_ESCALATION: _lead_escalation,
    handoff.OUTBOX_TICKET_TO_GROUP: _ticket_to_group,
    handoff.OUTBOX_TICKET_TO_WORKER: _ticket_to_worker,
    followup.OUTBOX_FOLLOWUP_QUESTION: _followup_question,
    followup.OUTBOX_FOLLOWUP_ALERT: _followup_alert,
    broadcasts.OUTBOX_BROADCAST_PREVIEW: _broadcast_preview,
}
