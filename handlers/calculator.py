"""The guided contribution calculator (/iuran, menu button): income → sector → JHT → months.

The choices so far ride in the callback data (``CalculatorChoice``), so the calculator needs no
stored state except when the worker types their own amount.
"""

from __future__ import annotations

from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot import conversation
from bot.amounts import InvalidIncome, parse_income
from bot.calculator import Sector, calculate
from bot.events import EventKind
from bot.i18n import _, format_rupiah
from bot.presentation.callbacks import CalculatorChoice, CalculatorOwnAmount, MenuItem
from bot.stats_events import record_event
from handlers.context import BotContext
from handlers.estimate import render_estimate
from handlers.keyboards import menu_data

INCOME_CHOICES = (1_000_000, 2_000_000, 3_000_000, 5_000_000)


def _kb(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def income_keyboard(lang: str) -> InlineKeyboardMarkup:
    rows = [
        [(format_rupiah(amount, lang), CalculatorChoice(amount).encode())]
        for amount in INCOME_CHOICES
    ]
    rows[0][0] = (
        _("up to {amount}", lang, amount=format_rupiah(INCOME_CHOICES[0], lang)),
        CalculatorChoice(INCOME_CHOICES[0]).encode(),
    )
    rows.append([(_("✏️ Type my income", lang), CalculatorOwnAmount().encode())])
    return _kb(rows)


async def start_calculator(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    if update.callback_query:
        await update.callback_query.answer()
    await message.reply_html(
        _("🧮 <b>Contribution calculator</b>\nWhat is your monthly income, roughly?", context.lang),
        reply_markup=income_keyboard(context.lang),
    )


async def calculator_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None or not isinstance(query.message, Message):
        return
    lang = context.lang
    if CalculatorOwnAmount.decode(query.data) is not None:
        await query.answer()
        async with context.services.db.transaction() as uow:
            started = context.user_view is not None and await conversation.begin(
                uow, context.user_view.id, conversation.CALCULATOR_FLOW
            )
        text = (
            _("Type your monthly income, e.g. <i>2,5 juta</i> or <i>2500000</i>.", lang)
            if started
            else _("Please finish your registration first, or cancel it with /batal.", lang)
        )
        await query.message.reply_html(text)
        return
    choice = CalculatorChoice.decode(query.data)
    if choice is None:
        await query.answer(
            _("This button is no longer active. Type /start for the menu.", lang), show_alert=True
        )
        return
    await query.answer()
    if choice.sector is None:
        await query.message.reply_html(
            _("Do you work in transport (ojek, online driver, courier, logistics)?", lang),
            reply_markup=_sector_keyboard(choice.income, lang),
        )
    elif choice.with_jht is None:
        await query.message.reply_html(
            _("Add the optional JHT old-age savings?", lang),
            reply_markup=_kb(
                [
                    [(_("Only JKK + JKM", lang), replace(choice, with_jht=False).encode())],
                    [(_("With JHT", lang), replace(choice, with_jht=True).encode())],
                ]
            ),
        )
    elif choice.months is None:
        await query.message.reply_html(
            _("Pay for how many months at once?", lang),
            reply_markup=_kb(
                [[(str(m), replace(choice, months=m).encode()) for m in CalculatorChoice.MONTHS]]
            ),
        )
    else:
        await show_estimate(
            query.message, context, choice.income, choice.sector, choice.with_jht, choice.months
        )


def _sector_keyboard(income: int, lang: str) -> InlineKeyboardMarkup:
    return _kb(
        [
            [(_("🛵 Yes, transport", lang), CalculatorChoice(income, "transportasi").encode())],
            [(_("🧺 No, other work", lang), CalculatorChoice(income, "lainnya").encode())],
        ]
    )


async def show_estimate(
    message: Message, context: BotContext, income: int, sector: Sector, with_jht: bool, months: int
) -> None:
    lang = context.lang
    estimate = calculate(
        income,
        sector=sector,
        with_jht=with_jht,
        months=months,
        start=context.services.today(),
    )
    if context.user_view is not None:
        async with context.services.db.transaction() as uow:
            await record_event(
                uow,
                EventKind.CALCULATOR,
                context.user_view.id,
                language=lang,
                details={"sector": sector, "jht": with_jht, "months": months},
            )
    await message.reply_html(
        render_estimate(estimate, lang),
        reply_markup=_kb(
            [
                [(_("📝 Register interest", lang), menu_data(MenuItem.REGISTER))],
                [(_("🔁 Calculate again", lang), menu_data(MenuItem.CALCULATOR))],
                [(_("🏠 Main menu", lang), menu_data(MenuItem.HOME))],
            ]
        ),
    )


async def typed_income(update: Update, context: BotContext) -> None:
    """The worker typed their income after pressing "Type my income"."""
    message = update.effective_message
    if message is None or context.user_view is None:
        return
    lang = context.lang
    try:
        income = parse_income((message.text or "")[:100])
    except InvalidIncome as invalid:
        hints = {
            "not_a_number": _(
                "I could not read that amount. Type it like <i>2500000</i> or <i>2,5 juta</i>.",
                lang,
            ),
            "not_positive": _("The income must be more than zero.", lang),
            "too_large": _("That amount is too large for a monthly income. Please check it.", lang),
        }
        await message.reply_html(hints[invalid.reason])
        return
    async with context.services.db.transaction() as uow:
        await conversation.finish(
            uow, context.user_view.id, conversation.CALCULATOR_FLOW
        )
    await message.reply_html(
        _(
            "Income {amount}. Do you work in transport (ojek, online driver, courier, logistics)?",
            lang,
            amount=format_rupiah(income, lang),
        ),
        reply_markup=_sector_keyboard(income, lang),
    )
