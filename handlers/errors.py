"""Errors we cause: logged once with context but without personal data, reported to the admins,
and the worker gets an apology in their language (python-telegram-bot's errorhandlerbot pattern)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError

from bot.i18n import _, normalize_language
from bot.outbox.tracking import maybe_delivered
from bot.users import mark_blocked
from handlers.context import BotContext

log = logging.getLogger(__name__)


def describe_update(update: object) -> str:
    """Ids and kinds only: never message text, names or phone numbers."""
    if not isinstance(update, Update):
        return type(update).__name__
    parts = [f"update_id={update.update_id}"]
    if update.effective_chat:
        parts.append(f"chat_type={update.effective_chat.type}")
    if update.callback_query:
        parts.append("kind=callback_query")
    elif update.effective_message:
        parts.append("kind=message")
    return " ".join(parts)


async def error_handler(update: object, context: BotContext) -> None:
    error = context.error
    if isinstance(error, Forbidden):
        # The user blocked the bot: remember it, and do not try to apologise to them.
        if (
            isinstance(update, Update)
            and update.effective_chat is not None
            and (update.effective_chat.type == ChatType.PRIVATE)
        ):
            async with context.services.db.transaction() as uow:
                await mark_blocked(uow, update.effective_chat.id, True)
        log.info("Forbidden on %s: %s", describe_update(update), error)
        return
    if isinstance(error, RetryAfter | NetworkError):
        # Transient Bot API trouble: python-telegram-bot retries polling itself.
        log.warning("Bot API error on %s: %s", describe_update(update), error)
    else:
        log.error("Unhandled error on %s", describe_update(update), exc_info=error)
        await _notify_admins(context, f"⚠️ {type(error).__name__} on {describe_update(update)}")
    if isinstance(update, Update) and update.effective_chat is not None:
        if update.effective_chat.type != ChatType.PRIVATE:
            return
        language = _apology_language(update, context)
        if isinstance(error, TelegramError) and maybe_delivered(error):
            # The reply may have arrived (Telegram answered too late, bot.telegram_request does
            # not repeat it): say so rather than apologise for a reply the worker can see.
            text = _(
                "⚠️ Telegram was slow to confirm my last reply. If you do not see it above, "
                "please send your message again.",
                language,
            )
        else:
            text = _(
                "Sorry, something went wrong on our side. Please try again in a moment.", language
            )
        try:
            await context.bot.send_message(update.effective_chat.id, text)
        except TelegramError:
            log.warning("could not send the apology for %s", describe_update(update))


async def _notify_admins(context: BotContext, text: str) -> None:
    for admin_id in context.services.settings.admin_ids:
        try:
            await context.bot.send_message(admin_id, text[:4000])
        except TelegramError:
            log.warning("could not notify admin %s", admin_id)


def _apology_language(update: Update, context: BotContext) -> str:
    """The error callback gets a fresh context without the loaded user: fall back to the
    language Telegram reports (a chosen /bahasa is not known here without a database read,
    which may be what failed)."""
    if context.user_view is not None:
        return context.lang
    user = update.effective_user
    return normalize_language(user.language_code if user else None)
