""" "Tanya petugas": /petugas, the fallback button and the ``petugas`` topic start a ticket; staff
answer by replying to it in their group; the answer reaches the worker as coming from the
branch (see ``bot.handoff``)."""

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

from bot import handoff
from bot.clock import utcnow
from bot.i18n import N_, SUPPORTED_LANGUAGES, _
from bot.knowledge.facts import fact
from bot.office_hours import in_words
from bot.offices import office_name_for_worker
from bot.presentation.callbacks import HandoffAction, HandoffButton, HandoffPlace, TicketClose
from bot.presentation.handoff import when_text
from bot.presentation.input_errors import ERRORS
from bot.presentation.lead_cards import STAFF_LANGUAGE
from bot.registration.flow import Choice, Location, Text
from handlers.context import BotContext
from handlers.intents import AnswerQuestion, Intent

# For the command menu (bot.app.COMMANDS).
COMMAND = ("petugas", N_("Ask a person: BPJS Ketenagakerjaan staff"))
LAST_QUESTION = HandoffButton(HandoffAction.LAST_QUESTION).encode()
CANCEL = HandoffButton(HandoffAction.CANCEL).encode()
CANCEL_LABEL = N_("✖️ Cancel")
QUOTE_PREVIEW = 60


# --- the worker ------------------------------------------------------------------------------


async def petugas_command(update: Update, context: BotContext) -> None:
    """/petugas, or /petugas followed by the question itself."""
    message = update.effective_message
    if message is None or context.user_view is None:
        return
    _command, _sep, question = (message.text or "").partition(" ")
    if question.strip():
        await _submit(update, context, question)
    else:
        await start_handoff(update, context)


async def start_handoff(update: Update, context: BotContext) -> None:
    """Ask for the question (also for the fallback button and the ``petugas`` topic)."""
    chat = update.effective_chat
    if chat is None or context.user_view is None:
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    lang = context.lang
    async with context.services.db.transaction() as uow:
        prompt = await handoff.begin_handoff(uow, context.user_view.id, utcnow())
    if not prompt.started:
        await context.bot.send_message(
            chat.id, _("Please finish your registration first, or cancel it with /batal.", lang)
        )
        return
    text = _(
        "✍️ Type your question for our staff in one message. A staff member of your branch "
        "office will answer you here.",
        lang,
    )
    if prompt.has_open_ticket:
        text += "\n" + _("(It is added to the question you already asked.)", lang)
    rows: list[list[InlineKeyboardButton]] = []
    if prompt.last_question:
        short = prompt.last_question[:QUOTE_PREVIEW]
        if len(prompt.last_question) > QUOTE_PREVIEW:
            short += "…"
        rows.append(
            [
                InlineKeyboardButton(
                    _("📨 Send: “{question}”", lang, question=short), callback_data=LAST_QUESTION
                )
            ]
        )
    rows.append([InlineKeyboardButton(_(CANCEL_LABEL, lang), callback_data=CANCEL)])
    await context.bot.send_message(chat.id, text, reply_markup=InlineKeyboardMarkup(rows))


async def handoff_text(update: Update, context: BotContext) -> Intent | None:
    """A text in the handoff conversation: the question, or the worker's place."""
    message = update.effective_message
    if message is None or context.user_view is None:
        return None
    text = message.text or ""
    if any(text == _(CANCEL_LABEL, lang) for lang in SUPPORTED_LANGUAGES):
        async with context.services.db.transaction() as uow:
            await handoff.cancel_handoff(uow, context.user_view.id)
        await message.reply_html(
            _("OK, cancelled.", context.lang), reply_markup=ReplyKeyboardRemove()
        )
        return None
    result = await _next_step(context, context.user_view.id, Text(text))
    if result == handoff.NotSent.PROMPT_EXPIRED:
        # A stale prompt: this is a question for the bot after all.
        return AnswerQuestion()
    await _render(update, context, result)
    return None


async def handoff_location(update: Update, context: BotContext) -> None:
    """A location shared in the handoff conversation: where the worker lives."""
    message = update.effective_message
    if message is None or message.location is None:
        return
    await _continue(
        update, context, Location(message.location.latitude, message.location.longitude)
    )


async def handoff_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    close = TicketClose.decode(query.data)
    if close is not None:
        await _close_button(update, context, close.ticket_id)
        return
    if context.user_view is None:
        await query.answer()
        return
    pressed = HandoffButton.decode(query.data)
    place = HandoffPlace.decode(query.data)
    if pressed is None and place is None:
        # Data the pattern lets through but no button carries ("hd:close:" with a huge id).
        await query.answer(
            _("This button is no longer active. Type /start for the menu.", context.lang),
            show_alert=True,
        )
        return
    action = pressed.action if pressed is not None else None
    if action == HandoffAction.CANCEL:
        await query.answer()
        async with context.services.db.transaction() as uow:
            await handoff.cancel_handoff(uow, context.user_view.id)
        if isinstance(query.message, Message):
            await query.message.edit_reply_markup(None)
            await query.message.reply_html(
                _("OK, cancelled.", context.lang), reply_markup=ReplyKeyboardRemove()
            )
        return
    if action == HandoffAction.REPLY:
        await start_handoff(update, context)
        return
    if place is not None:
        await _continue(update, context, Choice(str(place.index)))
        return
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(None)
    await _submit(update, context, "", use_last_question=True)


async def _continue(update: Update, context: BotContext, event: handoff.HandoffInput) -> None:
    if context.user_view is None:
        return
    await _render(update, context, await _next_step(context, context.user_view.id, event))


async def _next_step(
    context: BotContext, user_id: int, event: handoff.HandoffInput
) -> handoff.HandoffResult:
    async with context.services.db.transaction() as uow:
        return await handoff.continue_handoff(
            uow,
            context.services.settings,
            context.services.places,
            user_id=user_id,
            event=event,
            language=context.lang,
            now=utcnow(),
        )


async def _submit(
    update: Update,
    context: BotContext,
    text: str,
    *,
    use_last_question: bool = False,
) -> None:
    if context.user_view is None:
        return
    async with context.services.db.transaction() as uow:
        result = await handoff.submit_question(
            uow,
            context.services.settings,
            user_id=context.user_view.id,
            text=text,
            language=context.lang,
            now=utcnow(),
            use_last_question=use_last_question,
        )
    await _render(update, context, result)


async def _render(update: Update, context: BotContext, result: handoff.HandoffResult) -> None:
    chat, query = update.effective_chat, update.callback_query
    if chat is None:
        return
    lang = context.lang
    pressed_place = query is not None and HandoffPlace.decode(query.data or "") is not None
    if query is not None and pressed_place:
        if result == handoff.NotSent.STALE:
            await query.answer(_("That button is from an earlier step.", lang))
            return
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.edit_reply_markup(None)
    if isinstance(result, handoff.PlaceNeeded):
        await _ask_place(chat.id, context, result)
        return
    if isinstance(result, handoff.NoStaffReachable):
        await context.bot.send_message(
            chat.id, unreachable_text(result, lang), reply_markup=ReplyKeyboardRemove()
        )
        return
    if not isinstance(result, handoff.TicketReceipt):
        await context.bot.send_message(
            chat.id, _("Please type your question as a text message, or /petugas again.", lang)
        )
        return
    context.services.wake_outbox()
    await context.bot.send_message(
        chat.id, receipt_text(result, lang), reply_markup=ReplyKeyboardRemove()
    )


async def _ask_place(chat_id: int, context: BotContext, needed: handoff.PlaceNeeded) -> None:
    """Where does the worker live: the place picks the branch whose staff answer."""
    lang = context.lang
    prefix = _(ERRORS[needed.error], lang) + "\n\n" if needed.error in ERRORS else ""
    if needed.options:
        rows = [
            [InlineKeyboardButton(label[:60], callback_data=HandoffPlace(i).encode())]
            for i, label in enumerate(needed.options)
        ]
        rows.append([InlineKeyboardButton(_(CANCEL_LABEL, lang), callback_data=CANCEL)])
        await context.bot.send_message(
            chat_id,
            prefix + _("I found several places with that name. Which one is yours?", lang),
            reply_markup=InlineKeyboardMarkup(rows),
        )
        return
    text = prefix + _(
        "📍 So that staff of the branch office near you answer: where do you live? Press the "
        "button to share your location, or type your regency/city, district or village. The "
        "place is only used to choose the branch; it is not saved.",
        lang,
    )
    await context.bot.send_message(
        chat_id,
        text,
        reply_markup=ReplyKeyboardMarkup(
            [
                [KeyboardButton(_("📍 Share my location", lang), request_location=True)],
                [KeyboardButton(_(CANCEL_LABEL, lang))],
            ],
            resize_keyboard=True,
            one_time_keyboard=True,
        ),
    )


def unreachable_text(result: handoff.NoStaffReachable, lang: str) -> str:
    """No group can take the question: say so, and how to get an answer instead."""
    e = html.escape
    lines = [
        _(
            "⚠️ Your question was <b>not</b> sent: no BPJS Ketenagakerjaan staff can receive "
            "questions through this bot for your area yet, so nobody would read it here.",
            lang,
        ),
        "",
        _(
            "To get an answer, call the BPJS Ketenagakerjaan call centre on {number}; they "
            "answer these questions on the phone.",
            lang,
            number=str(fact("call_center")),
        ),
    ]
    # A derived (provisional) branch has no name a worker may read (bot.offices).
    office = (
        e(result.branch_name)
        if result.branch_name
        else office_name_for_worker("", True, "", lang)
    )
    if result.branch_address:
        office += f", {e(result.branch_address)}"
    if result.branch_phone:
        office += f" ({e(result.branch_phone)})"
    lines.append(_("Or visit your branch office: {office}.", lang, office=office))
    lines += ["", _("You can keep asking me: I answer the common questions myself.", lang)]
    return "\n".join(lines)


def receipt_text(receipt: handoff.TicketReceipt, lang: str) -> str:
    label = handoff.branch_label(receipt.branch_name)
    who = (
        _("the staff of BPJS Ketenagakerjaan branch {branch}", lang, branch=html.escape(label))
        if label and not receipt.to_admin_group
        else _("BPJS Ketenagakerjaan staff", lang)
    )
    if receipt.new_ticket:
        text = _(
            "✅ Your question was sent to {who} (question #{id}).",
            lang,
            who=who,
            id=receipt.ticket_id,
        )
    else:
        text = _("✅ Added to your question #{id} for {who}.", lang, who=who, id=receipt.ticket_id)
    if receipt.out_of_hours and receipt.expected_by is not None:
        text += "\n\n" + _(
            "🕗 The office is closed now (open {hours} {zone}). Expect an answer from {when}.",
            lang,
            hours=html.escape(in_words(receipt.hours, lang) if receipt.hours is not None
                              else receipt.office_hours),
            zone=receipt.zone,
            when=when_text(receipt.expected_by, receipt.zone, lang),
        )
    else:
        text += "\n\n" + _("They will answer you here. You can keep using the bot meanwhile.", lang)
    return text


# --- staff in their group --------------------------------------------------------------------


async def staff_reply(update: Update, context: BotContext) -> None:
    """A reply in a group to one of the bot's messages: a ticket answer, if it is a ticket."""
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if message is None or user is None or chat is None or message.reply_to_message is None:
        return
    replied = message.reply_to_message
    if replied.from_user is None or replied.from_user.id != context.bot.id:
        return
    async with context.services.db.transaction() as uow:
        result = await handoff.relay_staff_reply(
            uow,
            context.services.settings,
            chat_id=chat.id,
            reply_to_message_id=replied.message_id,
            staff_message_id=message.message_id,
            staff_telegram_id=user.id,
            text=message.text or "",
            now=utcnow(),
            ticket_hint=_ticket_on(replied),
        )
    lang = STAFF_LANGUAGE
    outcome = result.outcome
    if outcome == handoff.ReplyOutcome.RELAYED:
        context.services.wake_outbox()
        await message.reply_html(
            _("📨 Sent to the worker (ticket #{id}).", lang, id=result.ticket_id)
        )
    elif outcome == handoff.ReplyOutcome.FORBIDDEN:
        await message.reply_html(_("Only staff of this ticket's branch can answer it.", lang))
    elif outcome == handoff.ReplyOutcome.CLOSED:
        await message.reply_html(
            _(
                "Ticket #{id} is closed; the answer was not sent. The worker can ask again "
                "with /petugas.",
                lang,
                id=result.ticket_id,
            )
        )
    elif outcome == handoff.ReplyOutcome.EMPTY:
        await message.reply_html(_("Only text answers can be sent to the worker.", lang))


def _ticket_on(message: Message) -> int | None:
    """The ticket id on the bot's own message (its close button), if any."""
    markup = message.reply_markup
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            data = button.callback_data
            close = TicketClose.decode(data) if isinstance(data, str) else None
            if close is not None:
                return close.ticket_id
    return None


async def _close_button(update: Update, context: BotContext, ticket_id: int) -> None:
    query, user, chat = update.callback_query, update.effective_user, update.effective_chat
    if query is None or user is None or chat is None:
        return
    lang = STAFF_LANGUAGE
    async with context.services.db.transaction() as uow:
        outcome = await handoff.close_ticket(
            uow,
            context.services.settings,
            ticket_id=ticket_id,
            chat_id=chat.id,
            staff_telegram_id=user.id,
            now=utcnow(),
        )
    if outcome in (handoff.CloseOutcome.FORBIDDEN, handoff.CloseOutcome.NOT_FOUND):
        await query.answer(_("You cannot close this ticket.", lang), show_alert=True)
        return
    await query.answer(_("Ticket closed.", lang))
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(None)
