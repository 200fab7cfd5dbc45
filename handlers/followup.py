"""Follow-up questions to workers (did the branch contact you? how satisfied are you?), their
answer buttons, and the alert a branch gets when a worker says nobody called
(see ``bot.followup``)."""

from __future__ import annotations

import html

from telegram import Message, Update

from bot import followup
from bot.clock import utcnow
from bot.i18n import _
from bot.presentation.callbacks import FollowUpButton
from handlers.context import BotContext


async def followup_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None or context.user_view is None:
        return
    lang = context.lang
    pressed = FollowUpButton.decode(query.data)
    result = None
    if pressed is not None:
        async with context.services.db.transaction() as uow:
            result = await followup.record_answer(
                uow,
                followup_id=pressed.followup_id,
                user_id=context.user_view.id,
                answer=pressed.answer,
                now=utcnow(),
            )
    if result is None or result.outcome == followup.AnswerOutcome.INVALID:
        await query.answer(
            _("This button is no longer active. Type /start for the menu.", lang), show_alert=True
        )
        return
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(None)
    if result.outcome == followup.AnswerOutcome.ALREADY_ANSWERED:
        return
    if result.reopened_lead_id is not None:
        # The alert to the branch is queued: send it now, not at the sender's next round.
        context.services.wake_outbox()
    if isinstance(query.message, Message):
        await query.message.reply_html(_thanks(result, lang))


def _thanks(result: followup.AnswerResult, lang: str) -> str:
    if result.kind == followup.FollowUpKind.SATISFACTION:
        return _("🙏 Thank you for your rating!", lang)
    if result.answer == followup.ContactAnswer.NO:
        return _(
            "😔 Sorry about that. We have asked {branch} to contact you again soon.",
            lang,
            branch=html.escape(result.branch_name or ""),
        )
    if result.answer == followup.ContactAnswer.REGISTERED:
        return _("🎉 Great, you are protected. Thank you for telling us!", lang)
    return _("🙏 Thank you! We are glad the branch reached you.", lang)
