"""Broadcasts on the worker's side: /berhenti and /mulai (opting out of and back into campaign
messages), and how a broadcast and its preview look (rendered for ``bot.campaign_jobs``)."""

from __future__ import annotations

from telegram import Update

from bot import broadcasts
from bot.clock import utcnow
from bot.i18n import _
from handlers.context import BotContext

# The same msgids as the dashboard's (bot/dashboard/labels.py): one translation each.


async def stop_command(update: Update, context: BotContext) -> None:
    """/berhenti: no more campaign broadcasts."""
    message = update.effective_message
    if message is None or context.user_view is None:
        return
    async with context.services.db.transaction() as uow:
        await broadcasts.opt_out(uow, context.user_view.id, utcnow())
    await message.reply_html(
        _(
            "🔕 Done: you will not receive campaign messages any more. Your questions are still "
            "answered as usual. Send /mulai to receive them again.",
            context.lang,
        )
    )


async def resume_command(update: Update, context: BotContext) -> None:
    """/mulai: campaign broadcasts again."""
    message = update.effective_message
    if message is None or context.user_view is None:
        return
    async with context.services.db.transaction() as uow:
        await broadcasts.opt_in(uow, context.user_view.id)
    await message.reply_html(
        _(
            "🔔 Done: you will receive campaign messages again. Send /berhenti to stop them.",
            context.lang,
        )
    )
