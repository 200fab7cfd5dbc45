"""Free-text questions: the answer with its follow-up buttons, or, when unsure, the likeliest
topics plus "Ask staff"."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.answers import Answer, answer_topic, topic_title
from bot.i18n import _
from bot.questions import ask
from handlers.context import BotContext
from handlers.handoff import start_handoff
from handlers.keyboards import MENU_CALCULATOR, MENU_OFFICE, MENU_REGISTER

TOPIC_PREFIX = "q:"
TOPIC_PATTERN = r"^q:[a-z_]{2,30}$"
MAX_QUESTION_LENGTH = 1000
# Follow-ups that are actions rather than topics.
ACTION_CALLBACKS = {
    "action:calculator": MENU_CALCULATOR,
    "action:register": MENU_REGISTER,
    "action:office": MENU_OFFICE,
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
        if item in ACTION_CALLBACKS:
            data = ACTION_CALLBACKS[item]
            rows.append([InlineKeyboardButton(topic_title(item, lang), callback_data=data)])
        else:
            rows.append(
                [
                    InlineKeyboardButton(
                        topic_title(item, lang), callback_data=f"{TOPIC_PREFIX}{item}"
                    )
                ]
            )
    return InlineKeyboardMarkup(rows) if rows else None


async def answer_text(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or context.user_view is None:
        return
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
        return
    services = context.services
    async with services.db.transaction() as uow:
        answer = await ask(
            uow, context.user_view.id, text, lang=lang, today=services.today(),
            model=services.model,
        )
    if answer.topic == "daftar_minat" and answer.answered:
        from handlers.registration import start_registration

        await start_registration(update, context)
        return
    if answer.topic == "petugas" and answer.answered:
        await start_handoff(update, context)
        return
    await message.reply_html(answer.text, reply_markup=followup_keyboard(answer, lang))


async def topic_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None or not isinstance(query.message, Message):
        return
    topic = query.data.removeprefix(TOPIC_PREFIX)
    if topic == "petugas":
        # "Tanya petugas": a ticket for a person, not the topic's text.
        await start_handoff(update, context)
        return
    answer = answer_topic(topic, lang=context.lang, today=context.services.today())
    if answer is None:
        await query.answer(
            _("This button is no longer active. Type /start for the menu.", context.lang),
            show_alert=True,
        )
        return
    await query.answer()
    if topic == "daftar_minat":
        from handlers.registration import start_registration

        await start_registration(update, context)
        return
    await query.message.reply_html(
        answer.text, reply_markup=followup_keyboard(answer, context.lang)
    )
