"""/dataku (see my data) and /hapusdata (delete it, after a confirmation)."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.clock import utcnow
from bot.i18n import _, format_rupiah
from bot.presentation.callbacks import PrivacyButton, PrivacyChoice
from bot.privacy import delete_personal_data, stored_data
from bot.vocabulary import contact_time_name, lead_status_badge, occupation_name
from handlers.context import BotContext


async def my_data_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or context.user_view is None:
        return
    lang = context.lang
    async with context.services.db.transaction() as uow:
        data = await stored_data(uow, context.user_view.id)
    if data is None:
        return
    e = html.escape
    lines = [
        _("<b>What Bebas Cemas keeps about you</b>", lang),
        _(
            "• Telegram id {id}, language {language}, first contact {date}",
            lang,
            id=data.telegram_id,
            language=data.language,
            date=f"{data.first_seen:%d-%m-%Y}",
        ),
    ]
    for lead in data.leads:
        if lead.anonymized:
            lines.append(_("• Registration #{id}: personal data deleted", lang, id=lead.id))
            continue
        occupation = lead.occupation_other or occupation_name(lead.occupation, lang)
        lines.append(
            _(
                "• Registration #{id} ({status}): {name}, {phone}, {occupation}, {place}, "
                "income {income}, call {time}",
                lang,
                id=lead.id,
                status=lead_status_badge(lead.status, lang),
                name=e(lead.name or ""),
                phone=e(lead.phone or ""),
                occupation=e(occupation),
                place=e(lead.place_label or ""),
                income=format_rupiah(lead.income, lang) if lead.income else "-",
                time=contact_time_name(lead.contact_time, lang),
            )
        )
    if data.kept_questions:
        lines.append(
            _(
                "• {count} question(s) I could not answer, kept to improve my answers",
                lang,
                count=data.kept_questions,
            )
        )
    if data.registration_in_progress:
        lines.append(_("• An unfinished registration", lang))
    lines += [
        "",
        _(
            "Your registration is seen only by the branch office serving your area, to contact "
            "you. Statistics keep no names or numbers. Delete your data with /hapusdata.",
            lang,
        ),
    ]
    await message.reply_html("\n".join(lines))


async def delete_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    lang = context.lang
    await message.reply_html(
        _(
            "Delete your name, number and other personal data? A branch that has not contacted "
            "you yet will no longer be able to.",
            lang,
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        _("🗑️ Yes, delete my data", lang),
                        callback_data=PrivacyButton(PrivacyChoice.DELETE).encode(),
                    )
                ],
                [
                    InlineKeyboardButton(
                        _("↩️ No, keep it", lang),
                        callback_data=PrivacyButton(PrivacyChoice.KEEP).encode(),
                    )
                ],
            ]
        ),
    )


async def delete_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or not isinstance(query.message, Message) or context.user_view is None:
        return
    lang = context.lang
    await query.answer()
    pressed = PrivacyButton.decode(query.data or "")
    if pressed is None or pressed.choice == PrivacyChoice.KEEP:
        await query.message.reply_html(_("Nothing was deleted.", lang))
        return
    async with context.services.db.transaction() as uow:
        await delete_personal_data(uow, context.user_view.id, utcnow())
    context.services.wake_outbox()
    await query.message.reply_html(
        _("✅ Your personal data has been deleted. Anonymous statistics remain.", lang)
    )
