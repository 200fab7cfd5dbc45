"""Branch staff in their group: /hubungkan CODE links the group, /leads, /lead ID, /ekspor, and
the status buttons on lead cards. Everyone else is refused (see ``bot.staff`` for the rule)."""

from __future__ import annotations

import html

from telegram import InputFile, Message, Update
from telegram.error import BadRequest

from bot import staff
from bot.clock import utcnow
from bot.i18n import _
from bot.leads import StaffAction
from bot.presentation.callbacks import LeadButton
from bot.presentation.ids import parse_small_int
from bot.presentation.lead_cards import STAFF_LANGUAGE, card_keyboard, card_text
from handlers.context import BotContext

LANG = STAFF_LANGUAGE


def _refusal() -> str:
    return _("This command is only for branch staff in a linked group.", LANG)


async def link_command(update: Update, context: BotContext) -> None:
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if message is None or user is None or chat is None:
        return
    if chat.type == "private":
        await message.reply_html(_("Send /hubungkan CODE in your branch's staff group.", LANG))
        return
    if not context.args:
        await message.reply_html(_("Usage: /hubungkan CODE (the code from your admin).", LANG))
        return
    async with context.services.db.transaction() as uow:
        result = await staff.link_group(
            uow,
            code=context.args[0][:32],
            chat_id=chat.id,
            by_telegram_id=user.id,
            now=utcnow(),
        )
    texts = {
        staff.LinkOutcome.INVALID: _("That code is not valid.", LANG),
        staff.LinkOutcome.USED: _("That code has already been used.", LANG),
        staff.LinkOutcome.EXPIRED: _("That code has expired. Ask your admin for a new one.", LANG),
    }
    if result.outcome == staff.LinkOutcome.LINKED:
        if result.released_cards:
            context.services.wake_outbox()
        await message.reply_html(
            _(
                "✅ This group now receives the leads of <b>{branch}</b>.",
                LANG,
                branch=html.escape(result.branch_name or ""),
            )
        )
    else:
        await message.reply_html(texts[result.outcome])


async def leads_command(update: Update, context: BotContext) -> None:
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if message is None or user is None or chat is None:
        return
    async with context.services.db.transaction() as uow:
        cards = await staff.open_leads(
            uow,
            chat_id=chat.id,
            user_telegram_id=user.id,
            settings=context.services.settings,
        )
    if cards is None:
        await message.reply_html(_refusal())
        return
    if not cards:
        await message.reply_html(_("No open leads. 🎉", LANG))
        return
    lines = [_("<b>Open leads (oldest first):</b>", LANG)]
    for card in cards:
        lines.append(
            f"#{card.id} · {html.escape(card.name or '-')} · {html.escape(card.regency_name)}"
            f" · {card.status} · {card.created_at:%d-%m %H:%M}"
        )
    lines.append(_("Open one with /lead ID.", LANG))
    await message.reply_html("\n".join(lines))


async def lead_command(update: Update, context: BotContext) -> None:
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if message is None or user is None or chat is None:
        return
    lead_id = parse_small_int(context.args[0].lstrip("#")) if context.args else None
    if lead_id is None:
        await message.reply_html(_("Usage: /lead ID, e.g. /lead 12", LANG))
        return
    async with context.services.db.transaction() as uow:
        result = await staff.one_lead(
            uow,
            lead_id=lead_id,
            chat_id=chat.id,
            user_telegram_id=user.id,
            settings=context.services.settings,
        )
    if result == staff.ActionOutcome.FORBIDDEN:
        await message.reply_html(_refusal())
    elif result == staff.ActionOutcome.NOT_FOUND or isinstance(result, staff.ActionOutcome):
        await message.reply_html(_("No lead with that number for this branch.", LANG))
    else:
        await message.reply_html(card_text(result), reply_markup=card_keyboard(result))


async def export_command(update: Update, context: BotContext) -> None:
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if message is None or user is None or chat is None:
        return
    async with context.services.db.transaction() as uow:
        data = await staff.export_csv(
            uow,
            chat_id=chat.id,
            user_telegram_id=user.id,
            settings=context.services.settings,
        )
    if data is None:
        await message.reply_html(_refusal())
        return
    filename = f"leads-{utcnow():%Y%m%d-%H%M}.csv"
    await message.reply_document(
        InputFile(data, filename=filename), caption=_("Leads of this branch (CSV).", LANG)
    )


async def lead_button(update: Update, context: BotContext) -> None:
    query, user, chat = update.callback_query, update.effective_user, update.effective_chat
    if query is None or query.data is None or user is None or chat is None:
        return
    parsed = LeadButton.decode(query.data)
    if parsed is None:
        await query.answer(_("This button is not valid.", LANG), show_alert=True)
        return
    staff_name = user.full_name or (user.username or str(user.id))
    now = utcnow()
    async with context.services.db.transaction() as uow:
        result = await staff.apply_action(
            uow,
            lead_id=parsed.lead_id,
            action=parsed.action,
            change_id=parsed.change_id,
            staff_telegram_id=user.id,
            staff_name=staff_name,
            chat_id=chat.id,
            settings=context.services.settings,
            now=now,
        )
    outcome = result.outcome
    if outcome == staff.ActionOutcome.FORBIDDEN or outcome == staff.ActionOutcome.NOT_FOUND:
        await query.answer(_("You cannot change this lead.", LANG), show_alert=True)
        return
    if outcome == staff.ActionOutcome.ALREADY_CLAIMED:
        await query.answer(
            _(
                "Already claimed by {staff}.",
                LANG,
                staff=(result.card.claimed_by_name if result.card else "") or "-",
            ),
            show_alert=True,
        )
    elif outcome == staff.ActionOutcome.CLOSED:
        await query.answer(_("This lead is already closed.", LANG), show_alert=True)
    elif outcome == staff.ActionOutcome.STALE:
        await query.answer(
            _("This card was out of date: it now shows the lead as it is.", LANG), show_alert=True
        )
    elif outcome == staff.ActionOutcome.UNDO_EXPIRED:
        await query.answer(
            _("Too late to undo: a change can be undone within 5 minutes.", LANG),
            show_alert=True,
        )
    elif parsed.action == StaffAction.UNDO:
        await query.answer(_("Undone.", LANG))
    else:
        await query.answer(_("Saved.", LANG))
    if result.card is not None and isinstance(query.message, Message):
        try:
            await query.message.edit_text(
                card_text(result.card), reply_markup=card_keyboard(result.card, now)
            )
        except BadRequest as error:
            reason = str(error).lower()
            if "not found" in reason or "can't be edited" in reason:
                # The card was deleted in the group: post it again rather than fail the press.
                await query.message.chat.send_message(
                    card_text(result.card), reply_markup=card_keyboard(result.card, now)
                )
            elif "not modified" not in reason:
                raise
