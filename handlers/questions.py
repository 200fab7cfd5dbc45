"""Free-text questions: the answer with its follow-up buttons, or, when unsure, the likeliest
topics plus "Ask staff". A question that asks to register or to talk to staff is handed back
as an intent for :mod:`handlers.dispatch` to carry out."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.answers import Answer, answer_topic, topic_title
from bot.i18n import _
from bot.presentation.callbacks import MenuItem, TopicButton
from bot.questions import ask
from handlers.context import BotContext
from handlers.intents import Intent, StartHandoff, StartRegistration
from handlers.keyboards import menu_data

MAX_QUESTION_LENGTH = 1000
# Follow-ups that are actions rather than topics: they press the main menu's entry.
ACTION_CALLBACKS = {
    "action:calculator": MenuItem.CALCULATOR,
    "action:register": MenuItem.REGISTER,
    "action:office": MenuItem.OFFICE,
}


def followup_keyboard(answer: Answer, lang: str) -> InlineKeyboardMarkup | None:
    """Under an answer: its "Maksud Anda…?" offers (if any), then its follow-ups. Instead of an
    answer: the likeliest topics and "Tanya petugas"."""
    rows: list[list[InlineKeyboardButton]] = []
    if answer.answered:
        items = list(dict.fromkeys([*answer.alternatives, *answer.followups]))
    else:
        items = [*answer.alternatives[:3], "petugas"]
    for item in items:
        action = ACTION_CALLBACKS.get(item)
        data = menu_data(action) if action is not None else TopicButton(item).encode()
        rows.append([InlineKeyboardButton(topic_title(item, lang), callback_data=data)])
    return InlineKeyboardMarkup(rows) if rows else None


async def answer_text(update: Update, context: BotContext) -> Intent | None:
    message = update.effective_message
    if message is None or context.user_view is None:
        return None
    text = message.text or ""
    lang = context.lang
    if len(text) > MAX_QUESTION_LENGTH:
        await message.reply_html(
            _(
                "That is a long message! Please ask one short question at a time, e.g. "
                "<i>how much per month?</i>",
                lang,
            )
        )
        return None
    services = context.services
    async with services.db.transaction() as uow:
        answer = await ask(
            uow, context.user_view.id, text, lang=lang, today=services.today(),
            model=services.model,
        )
    if answer.topic == "daftar_minat" and answer.answered:
        return StartRegistration()
    if answer.topic == "petugas" and answer.answered:
        return StartHandoff()
    await message.reply_html(answer.text, reply_markup=followup_keyboard(answer, lang))
    return None


async def topic_button(update: Update, context: BotContext) -> Intent | None:
    query = update.callback_query
    if query is None or query.data is None or not isinstance(query.message, Message):
        return None
    pressed = TopicButton.decode(query.data)
    topic = pressed.topic if pressed is not None else ""
    if topic == "petugas":
        # "Tanya petugas": a ticket for a person, not the topic's text.
        return StartHandoff()
    answer = answer_topic(topic, lang=context.lang, today=context.services.today())
    if answer is None:
        await query.answer(
            _("This button is no longer active. Type /start for the menu.", context.lang),
            show_alert=True,
        )
        return None
    await query.answer()
    if topic == "daftar_minat":
        return StartRegistration()
    await query.message.reply_html(
        answer.text, reply_markup=followup_keyboard(answer, context.lang)
    )
    return None
