"""The one router: decides which feature handles a private message or a topic button, and
carries out the intents features hand back (:mod:`handlers.intents`), so features never call
each other. A text, location or contact goes to the conversation the user is in, if any, and
otherwise to the question answerer. The user's conversation was loaded with the user in group
-1, so this costs no extra query."""

from __future__ import annotations

from telegram import Update

from bot import conversation
from bot.handoff import HANDOFF_FLOW
from bot.i18n import _
from bot.registration.flow import FLOW as REGISTRATION_FLOW
from handlers import calculator, handoff, office, questions, registration
from handlers.context import BotContext
from handlers.intents import AnswerQuestion, Intent, StartHandoff, StartRegistration
from handlers.keyboards import main_menu


async def private_text(update: Update, context: BotContext) -> None:
    flow = context.user_view.flow if context.user_view else None
    if flow == REGISTRATION_FLOW:
        await registration.registration_message(update, context)
    elif flow == conversation.CALCULATOR_FLOW:
        await calculator.typed_income(update, context)
    elif flow == conversation.OFFICE_FLOW:
        await office.office_input(update, context)
    elif flow == HANDOFF_FLOW:
        await follow(await handoff.handoff_text(update, context), update, context)
    else:
        await follow(await questions.answer_text(update, context), update, context)


async def private_location(update: Update, context: BotContext) -> None:
    flow = context.user_view.flow if context.user_view else None
    if flow == REGISTRATION_FLOW:
        await registration.registration_message(update, context)
    elif flow == HANDOFF_FLOW:
        await handoff.handoff_location(update, context)
    else:
        # A location shared out of the blue: the worker most likely wants the nearest office.
        await office.office_input(update, context)


async def private_contact(update: Update, context: BotContext) -> None:
    flow = context.user_view.flow if context.user_view else None
    if flow == REGISTRATION_FLOW:
        await registration.registration_message(update, context)
        return
    if update.effective_message is not None:
        await update.effective_message.reply_html(
            _("Thanks! To have a branch office contact you, register with /daftar.", context.lang),
            reply_markup=main_menu(context.lang),
        )


async def topic_button(update: Update, context: BotContext) -> None:
    """A topic under an answer (``q:…``): its text, or registration / "Tanya petugas"."""
    await follow(await questions.topic_button(update, context), update, context)


async def follow(intent: Intent | None, update: Update, context: BotContext) -> None:
    """Carry out what a feature handed back, on the same update; answering a question may hand
    back another intent (a question that asks to register), which is followed in turn."""
    if isinstance(intent, StartRegistration):
        await registration.start_registration(update, context)
    elif isinstance(intent, StartHandoff):
        await handoff.start_handoff(update, context)
    elif isinstance(intent, AnswerQuestion):
        await follow(await questions.answer_text(update, context), update, context)
