"""The guided contribution calculator (/iuran, menu button): income → sector → JHT → months.

The choices so far ride in the callback data (``c:<income>:<sector>:<jht>:<months>``), so the
calculator needs no stored state except when the worker types their own amount.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot import conversation
from bot.amounts import MAX_INCOME, InvalidIncome, check_income, parse_income
from bot.calculator import calculate
from bot.events import EventKind
from bot.i18n import _, format_rupiah
from bot.presentation.ids import parse_small_int
from bot.stats_events import record_event
from handlers.context import BotContext
from handlers.estimate import render_estimate
from handlers.keyboards import MENU_CALCULATOR, MENU_HOME, MENU_REGISTER

PREFIX = "c:"
PATTERN = r"^c:"
OWN_AMOUNT = "c:own"
INCOME_CHOICES = (1_000_000, 2_000_000, 3_000_000, 5_000_000)
SECTORS = {"t": "transportasi", "l": "lainnya"}
MONTHS = (1, 3, 6, 12)


def _kb(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def income_keyboard(lang: str) -> InlineKeyboardMarkup:
    rows = [[(format_rupiah(amount, lang), f"{PREFIX}{amount}")] for amount in INCOME_CHOICES]
    rows[0][0] = (
        _("up to {amount}", lang, amount=format_rupiah(INCOME_CHOICES[0], lang)),
        f"{PREFIX}{INCOME_CHOICES[0]}",
    )
    rows.append([(_("✏️ Type my income", lang), OWN_AMOUNT)])
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
    if query.data == OWN_AMOUNT:
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
    parts = query.data.removeprefix(PREFIX).split(":")
    parsed = _parse(parts)
    if parsed is None:
        await query.answer(
            _("This button is no longer active. Type /start for the menu.", lang), show_alert=True
        )
        return
    await query.answer()
    income, sector, jht, months = parsed
    base = f"{PREFIX}{income}"
    if sector is None:
        await query.message.reply_html(
            _("Do you work in transport (ojek, online driver, courier, logistics)?", lang),
            reply_markup=_kb(
                [
                    [(_("🛵 Yes, transport", lang), f"{base}:t")],
                    [(_("🧺 No, other work", lang), f"{base}:l")],
                ]
            ),
        )
    elif jht is None:
        await query.message.reply_html(
            _("Add the optional JHT old-age savings?", lang),
            reply_markup=_kb(
                [
                    [(_("Only JKK + JKM", lang), f"{base}:{sector}:0")],
                    [(_("With JHT", lang), f"{base}:{sector}:1")],
                ]
            ),
        )
    elif months is None:
        await query.message.reply_html(
            _("Pay for how many months at once?", lang),
            reply_markup=_kb([[(str(m), f"{base}:{sector}:{jht}:{m}") for m in MONTHS]]),
        )
    else:
        await show_estimate(query.message, context, income, SECTORS[sector], jht == "1", months)


def _parse(parts: list[str]) -> tuple[int, str | None, str | None, int | None] | None:
    """Validate every field of forged or stale callback data; None when anything is off."""
    income_value = parse_small_int(parts[0], MAX_INCOME) if 1 <= len(parts) <= 4 else None
    if income_value is None:
        return None
    try:
        income = check_income(income_value)
    except InvalidIncome:
        return None
    sector = parts[1] if len(parts) > 1 else None
    jht = parts[2] if len(parts) > 2 else None
    months = parts[3] if len(parts) > 3 else None
    if sector is not None and sector not in SECTORS:
        return None
    if jht is not None and jht not in ("0", "1"):
        return None
    if months is not None and parse_small_int(months) not in MONTHS:
        return None
    return income, sector, jht, int(months) if months else None


async def show_estimate(
    message: Message, context: BotContext, income: int, sector: str, with_jht: bool, months: int
) -> None:
    lang = context.lang
    estimate = calculate(
        income,
        sector=sector,  # type: ignore[arg-type]
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
                [(_("📝 Register interest", lang), MENU_REGISTER)],
                [(_("🔁 Calculate again", lang), MENU_CALCULATOR)],
                [(_("🏠 Main menu", lang), MENU_HOME)],
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
        reply_markup=_kb(
            [
                [(_("🛵 Yes, transport", lang), f"{PREFIX}{income}:t")],
                [(_("🧺 No, other work", lang), f"{PREFIX}{income}:l")],
            ]
        ),
    )
