"""/daftar: the interest registration, rendered step by step (state machine in
``bot.registration.flow``; diagram in docs/registration.mmd)."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)

from bot.i18n import N_, SUPPORTED_LANGUAGES, _, format_rupiah
from bot.leads import Confirmation
from bot.offices import office_name_for_worker
from bot.presentation.callbacks import (
    RegistrationChoice,
    RegistrationNav,
    RegistrationNavButton,
)
from bot.presentation.input_errors import ERRORS
from bot.registration import service
from bot.registration.flow import (
    EDITABLE,
    Back,
    Choice,
    Contact,
    Input,
    Location,
    State,
    Step,
    Text,
    estimate_for,
)
from bot.vocabulary import (
    CONTACT_TIMES,
    OCCUPATIONS,
    contact_time_button,
    occupation_button,
)
from handlers.context import BotContext
from handlers.estimate import render_estimate
from handlers.keyboards import main_menu

# The reply-keyboard labels read as these (a pressed inline button decodes to them).
BACK = RegistrationNav.BACK
CANCEL = RegistrationNav.CANCEL

FIELD_LABELS = {
    "name": N_("Name"),
    "phone": N_("Mobile number"),
    "occupation": N_("Occupation"),
    "location": N_("Location"),
    "income": N_("Monthly income"),
    "contact_time": N_("Contact time"),
}
# Reply-keyboard buttons send their label as text: these are recognised in every language.
BACK_LABEL = N_("⬅️ Back")
CANCEL_LABEL = N_("✖️ Cancel")


def _button(label: str, value: str, step: Step) -> InlineKeyboardButton:
    # The step rides along so a button pressed on an old message is recognised as stale.
    return InlineKeyboardButton(label, callback_data=RegistrationChoice(step, value).encode())


def _nav_button(label: str, nav: RegistrationNav) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=RegistrationNavButton(nav).encode())


def _nav_row(lang: str, back: bool = True) -> list[InlineKeyboardButton]:
    row = [_nav_button(_(BACK_LABEL, lang), BACK)] if back else []
    row.append(_nav_button(_(CANCEL_LABEL, lang), CANCEL))
    return row


def _two_columns(buttons: list[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def _reply_nav(lang: str) -> list[KeyboardButton]:
    return [KeyboardButton(_(BACK_LABEL, lang)), KeyboardButton(_(CANCEL_LABEL, lang))]


def occupation_text(data: dict[str, Any], lang: str) -> str:
    occupation = data.get("occupation", "lainnya")
    if occupation == "lainnya" and data.get("occupation_other"):
        return html.escape(data["occupation_other"])
    return occupation_button(occupation, lang)


def summary_text(data: dict[str, Any], lang: str, today: date) -> str:
    income = data.get("income")
    lines = [
        _("<b>Please check your details:</b>", lang),
        f"• {_(FIELD_LABELS['name'], lang)}: {html.escape(data.get('name', ''))}",
        f"• {_(FIELD_LABELS['phone'], lang)}: {html.escape(data.get('phone', ''))}",
        f"• {_(FIELD_LABELS['occupation'], lang)}: {occupation_text(data, lang)}",
        f"• {_(FIELD_LABELS['location'], lang)}: {html.escape(data.get('place_label', ''))}",
        f"• {_(FIELD_LABELS['income'], lang)}: "
        + (format_rupiah(int(income), lang) if income else _("not given", lang)),
        f"• {_(FIELD_LABELS['contact_time'], lang)}: "
        + contact_time_button(data.get("contact_time", "kapan_saja"), lang),
    ]
    estimate = estimate_for(data, today)
    if estimate is not None:
        lines += ["", render_estimate(estimate, lang)]
    return "\n".join(lines)


async def render(
    message: Message, state: State, lang: str, today: date, error: str | None = None
) -> None:
    """Ask for the current step (after the error hint, if any)."""
    step, data = state.step, state.data
    prefix = _(ERRORS[error], lang) + "\n\n" if error else ""
    if step == Step.CONSENT:
        await message.reply_html(
            prefix
            + _(
                "<b>Register your interest</b>\n"
                "So that a BPJS Ketenagakerjaan branch office can call you, I will ask for your "
                "name, mobile number, occupation, location (regency/city) and, if you wish, your "
                "monthly income.\n"
                "Only the branch office serving your area sees them, to help you register. "
                "See your data with /dataku and delete it any time with /hapusdata.\n\n"
                "Do you agree?",
                lang,
            ),
            reply_markup=InlineKeyboardMarkup(
                [
                    [_button(_("✅ Yes, I agree", lang), "yes", step)],
                    [_button(_("❌ No, thanks", lang), "no", step)],
                ]
            ),
        )
    elif step == Step.NAME:
        await message.reply_html(
            prefix + _("What is your full name?", lang),
            reply_markup=InlineKeyboardMarkup([_nav_row(lang)]),
        )
    elif step == Step.PHONE:
        await message.reply_html(
            prefix
            + _(
                "What is your mobile number? Press the button below to share your "
                "Telegram number, or type it (e.g. <i>0812-3456-7890</i>).",
                lang,
            ),
            reply_markup=ReplyKeyboardMarkup(
                [
                    [KeyboardButton(_("📱 Share my number", lang), request_contact=True)],
                    _reply_nav(lang),
                ],
                resize_keyboard=True,
                one_time_keyboard=True,
            ),
        )
    elif step == Step.OCCUPATION:
        buttons = [_button(occupation_button(o, lang), o, step) for o in OCCUPATIONS]
        await message.reply_html(
            prefix + _("What is your work?", lang),
            reply_markup=InlineKeyboardMarkup([*_two_columns(buttons), _nav_row(lang)]),
        )
    elif step == Step.OCCUPATION_OTHER:
        await message.reply_html(
            prefix + _("Please type your occupation in a few words.", lang),
            reply_markup=InlineKeyboardMarkup([_nav_row(lang)]),
        )
    elif step == Step.LOCATION:
        await message.reply_html(
            prefix
            + _(
                "Where do you live or work? Press the button to share your location, "
                "or type your regency/city, district, village or postal code.",
                lang,
            ),
            reply_markup=ReplyKeyboardMarkup(
                [
                    [KeyboardButton(_("📍 Share my location", lang), request_location=True)],
                    _reply_nav(lang),
                ],
                resize_keyboard=True,
                one_time_keyboard=True,
            ),
        )
    elif step == Step.LOCATION_CHOICE:
        options = data.get("place_options", [])
        rows = [[_button(o["place_label"][:60], str(i), step)] for i, o in enumerate(options)]
        await message.reply_html(
            prefix + _("I found several places with that name. Which one is yours?", lang),
            reply_markup=InlineKeyboardMarkup([*rows, _nav_row(lang)]),
        )
    elif step == Step.INCOME:
        await message.reply_html(
            prefix
            + _(
                "Optional: what is your monthly income? I will show the estimated "
                "contribution. Type it like <i>2,5 juta</i>, or press Skip.",
                lang,
            ),
            reply_markup=InlineKeyboardMarkup(
                [[_button(_("⏭️ Skip", lang), "skip", step)], _nav_row(lang)]
            ),
        )
    elif step == Step.CONTACT_TIME:
        buttons = [_button(contact_time_button(t, lang), t, step) for t in CONTACT_TIMES]
        await message.reply_html(
            prefix + _("When is the best time for the branch to call you?", lang),
            reply_markup=InlineKeyboardMarkup([*_two_columns(buttons), _nav_row(lang)]),
        )
    elif step == Step.SUMMARY:
        await message.reply_html(
            prefix + summary_text(data, lang, today),
            reply_markup=InlineKeyboardMarkup(
                [
                    [_button(_("✅ Confirm", lang), "confirm", step)],
                    [_button(_("✏️ Change something", lang), "edit", step)],
                    _nav_row(lang, back=False),
                ]
            ),
        )
    elif step == Step.EDIT:
        buttons = [_button(_(FIELD_LABELS[f], lang), f, step) for f in EDITABLE]
        await message.reply_html(
            prefix + _("What would you like to change?", lang),
            reply_markup=InlineKeyboardMarkup([*_two_columns(buttons), _nav_row(lang)]),
        )


def _nav_text(text: str) -> RegistrationNav | None:
    """BACK or CANCEL when ``text`` is one of the reply-keyboard navigation labels."""
    for lang in SUPPORTED_LANGUAGES:
        if text == _(BACK_LABEL, lang):
            return BACK
        if text == _(CANCEL_LABEL, lang):
            return CANCEL
    return None


# --- entry points ---------------------------------------------------------------------------


async def start_registration(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or context.user_view is None:
        return
    if update.callback_query:
        await update.callback_query.answer()
    async with context.services.db.transaction() as uow:
        reply = await service.start(uow, context.user_view.id, context.lang)
    await render(message, reply.outcome.state, context.lang, context.services.today())


async def cancel_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or context.user_view is None:
        return
    async with context.services.db.transaction() as uow:
        cancelled = await service.cancel(uow, context.user_view.id)
    text = (
        _("Registration cancelled. Nothing was saved.", context.lang)
        if cancelled
        else _("There is nothing to cancel.", context.lang)
    )
    await message.reply_html(text, reply_markup=ReplyKeyboardRemove())
    await message.reply_html(
        _("What would you like to do?", context.lang), reply_markup=main_menu(context.lang)
    )


async def registration_message(update: Update, context: BotContext) -> None:
    """A text, contact or location from a user who is registering."""
    message = update.effective_message
    if message is None:
        return
    event: Input
    if message.contact is not None:
        sender = update.effective_user.id if update.effective_user else None
        event = Contact(message.contact.phone_number, message.contact.user_id == sender)
    elif message.location is not None:
        event = Location(message.location.latitude, message.location.longitude)
    else:
        text = message.text or ""
        nav = _nav_text(text)
        if nav == CANCEL:
            await cancel_command(update, context)
            return
        event = Back() if nav == BACK else Text(text)
    await _advance(update, context, message, event)


async def registration_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None or query.message is None:
        return
    message = query.message
    assert isinstance(message, Message)
    nav = RegistrationNavButton.decode(query.data)
    if nav is not None and nav.nav == CANCEL:
        await query.answer()
        await cancel_command(update, context)
        return
    if nav is not None:
        await query.answer()
        await _advance(update, context, message, Back())
        return
    choice = RegistrationChoice.decode(query.data)
    if choice is None:
        await _show_current_step(query, context, message)
        return
    await _advance(update, context, message, Choice(choice.value), button_step=choice.step)


async def _show_current_step(query: CallbackQuery, context: BotContext, message: Message) -> None:
    """A forged or mangled press: like a stale one, it shows the step the worker is at."""
    user = context.user_view
    state = None
    if user is not None:
        async with context.services.db.transaction() as uow:
            state = await service.current(uow, user.id)
    lang = context.lang
    if state is None:
        await query.answer(
            _("This registration has ended. Type /daftar to start again.", lang), show_alert=True
        )
        return
    await query.answer(_("That button is from an earlier step.", lang))
    await render(message, state, lang, context.services.today())


async def _advance(
    update: Update,
    context: BotContext,
    message: Message,
    event: Input,
    button_step: str | None = None,
) -> None:
    """Apply one input (for a pressed button, ``button_step`` is the step it was shown for)."""
    if context.user_view is None:
        return
    lang = context.lang
    today = context.services.today()
    query = update.callback_query if button_step is not None else None
    async with context.services.db.transaction() as uow:
        reply = await service.advance(
            uow,
            context.user_view.id,
            event,
            places=context.services.places,
            language=lang,
            today=today,
            button_step=button_step,
            admin_group_id=context.services.settings.admin_group_id,
        )
    if reply is None:
        ended = _("This registration has ended. Type /daftar to start again.", lang)
        if query is not None:
            await query.answer(ended, show_alert=True)
        else:
            await message.reply_html(ended, reply_markup=ReplyKeyboardRemove())
        return
    if query is not None and reply.stale:
        # A button from an earlier message: show where the worker really is.
        await query.answer(_("That button is from an earlier step.", lang))
        await render(message, reply.outcome.state, lang, today)
        return
    if query is not None:
        await query.answer()
    outcome = reply.outcome
    if outcome.declined:
        await message.reply_html(
            _(
                "No problem: nothing was saved. You can still ask me anything, or register "
                "later with /daftar.",
                lang,
            ),
            reply_markup=main_menu(lang),
        )
        return
    if reply.confirmation is not None:
        context.services.wake_outbox()
        await message.reply_html(
            _confirmation_text(reply.confirmation, context), reply_markup=ReplyKeyboardRemove()
        )
        return
    with_reply_keyboard = (Step.PHONE, Step.LOCATION, Step.LOCATION_CHOICE)
    if (
        outcome.error is None
        and reply.previous_step in with_reply_keyboard
        and outcome.state.step not in with_reply_keyboard
    ):
        # Take the contact/location keyboard away once that step is done.
        await message.reply_html(_("✅ Saved.", lang), reply_markup=ReplyKeyboardRemove())
    if outcome.estimate is not None and outcome.error is None:
        await message.reply_html(render_estimate(outcome.estimate, lang))
    await render(message, outcome.state, lang, today, outcome.error)


def _confirmation_text(confirmation: Confirmation, context: BotContext) -> str:
    lang = context.lang
    branch = confirmation.branch
    days = max(1, -(-context.services.settings.lead_escalation_hours // 24))
    lines = [
        _("✅ <b>Thank you! Your registration has been updated.</b>", lang)
        if confirmation.updated_existing
        else _("✅ <b>Thank you! Your interest has been registered.</b>", lang),
    ]
    if confirmation.target.delivers:
        lines.append(
            _(
                "<b>{branch}</b> will contact you at your preferred time, usually within {days} "
                "working days.",
                lang,
                branch=html.escape(
                    office_name_for_worker(
                        branch.name, branch.provisional, confirmation.area, lang, start=True
                    )
                ),
                days=days,
            )
        )
        if branch.address:
            lines.append(_("Address: {address}", lang, address=html.escape(branch.address)))
        if branch.phone:
            lines.append(_("Phone: {phone}", lang, phone=html.escape(branch.phone)))
    else:
        # No group will receive the card yet (bot.delivery_health): promise no branch and no
        # time, only what is true.
        lines.append(
            _(
                "Your details are recorded. The campaign team will call you at your preferred "
                "time to help you register.",
                lang,
            )
        )
    lines.append(
        _(
            "Questions meanwhile? Call center {call_center}. See or delete your data: "
            "/dataku, /hapusdata.",
            lang,
            call_center=context.services.call_center,
        )
    )
    return "\n".join(lines)
