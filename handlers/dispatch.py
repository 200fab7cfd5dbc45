"""Routes a private text, location or contact to the conversation the user is in, if any, and
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
        await handoff.handoff_text(update, context)
    else:
        await questions.answer_text(update, context)


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
