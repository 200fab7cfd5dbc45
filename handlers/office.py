"""/cabang and the "Nearest office" button: share a location or type a place."""

from __future__ import annotations

import html

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)

from bot import conversation
from bot.geo import RoutingResult
from bot.i18n import _, format_number
from bot.offices import (
    OfficeAnswer,
    office_for_point,
    office_for_regency,
    office_for_text,
    office_name_for_worker,
)
from bot.presentation.callbacks import MenuItem, OfficeChoice
from handlers.context import BotContext
from handlers.keyboards import main_menu, menu_data


async def start_office(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or context.user_view is None:
        return
    if update.callback_query:
        await update.callback_query.answer()
    lang = context.lang
    async with context.services.db.transaction() as uow:
        started = await conversation.begin(uow, context.user_view.id, conversation.OFFICE_FLOW)
    if not started:
        await message.reply_html(
            _("Please finish your registration first, or cancel it with /batal.", lang)
        )
        return
    await message.reply_html(
        _(
            "📍 Share your location with the button below, or type your regency/city, district "
            "or postal code.",
            lang,
        ),
        reply_markup=ReplyKeyboardMarkup(
            [[KeyboardButton(_("📍 Share my location", lang), request_location=True)]],
            resize_keyboard=True,
            one_time_keyboard=True,
        ),
    )


async def office_input(update: Update, context: BotContext) -> None:
    """A location or typed place while the user is looking for an office."""
    message = update.effective_message
    if message is None or context.user_view is None:
        return
    directory = context.services.directory
    if message.location is not None:
        answer = office_for_point(directory, message.location.latitude, message.location.longitude)
    else:
        answer = office_for_text(directory, message.text or "")
    await _reply(message, context, answer)


async def office_choice(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None or not isinstance(query.message, Message):
        return
    await query.answer()
    # Forged data finds no place, as an unknown code does.
    chosen = OfficeChoice.decode(query.data)
    answer = (
        office_for_regency(context.services.directory, chosen.regency_code)
        if chosen is not None
        else OfficeAnswer()
    )
    await _reply(query.message, context, answer)


async def _reply(message: Message, context: BotContext, answer: OfficeAnswer) -> None:
    lang = context.lang
    if answer.office is not None:
        assert context.user_view is not None
        async with context.services.db.transaction() as uow:
            await conversation.finish(
                uow, context.user_view.id, conversation.OFFICE_FLOW
            )
        await message.reply_html(
            office_text(answer.office, lang, context.services.call_center),
            reply_markup=ReplyKeyboardRemove(),
        )
        await message.reply_html(
            _("Want this office to contact you?", lang),
            reply_markup=InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            _("📝 Register interest", lang),
                            callback_data=menu_data(MenuItem.REGISTER),
                        )
                    ]
                ]
            ),
        )
    elif answer.choices:
        await message.reply_html(
            _("I found several places with that name. Which one is yours?", lang),
            reply_markup=InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(label[:60], callback_data=OfficeChoice(code).encode())]
                    for code, label in answer.choices
                ]
            ),
        )
    elif answer.outside_indonesia:
        await message.reply_html(
            _(
                "That location is outside Indonesia. Please share a location in Indonesia or "
                "type your regency/city.",
                lang,
            )
        )
    else:
        await message.reply_html(
            _(
                "I could not find that place. Check the spelling, or type the regency/city "
                "(e.g. <i>Kabupaten Lamongan</i>) or a postal code.",
                lang,
            ),
            reply_markup=main_menu(lang) if not message.text else None,
        )


def office_text(office: RoutingResult, lang: str, call_center: str) -> str:
    e = html.escape
    lines = [
        _(
            "🏢 <b>{name}</b>",
            lang,
            name=e(
                office_name_for_worker(
                    office.name, office.provisional, office.regency, lang, start=True
                )
            ),
        ),
        _(
            "Serves: {regency}, {province}",
            lang,
            regency=e(office.regency),
            province=e(office.province),
        ),
    ]
    if office.via == "location":
        lines.append(
            _("About {km} km from you", lang, km=format_number(round(office.distance_km, 1), lang))
        )
    lines.append(
        _("Address: {address}", lang, address=e(office.address))
        if office.address
        else _("The exact address is not yet confirmed in our list.", lang)
    )
    if office.phone:
        lines.append(_("Phone: {phone}", lang, phone=e(office.phone)))
    lines.append(_("Call center: {call_center}", lang, call_center=call_center))
    return "\n".join(lines)
