"""Broadcasts on the worker's side: /berhenti and /mulai (opting out of and back into campaign
messages), and how a broadcast and its preview look (rendered for ``bot.campaign_jobs``)."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import broadcasts
from bot.clock import utcnow
from bot.i18n import N_, _
from bot.quiet_hours import format_local
from bot.vocabulary import LEAD_STATUSES, OCCUPATIONS, lead_status_badge, occupation_name
from handlers.context import BotContext
from handlers.lead_cards import STAFF_LANGUAGE

# The same msgids as the dashboard's (bot/dashboard/labels.py): one translation each.
LANGUAGE_NAMES = {"id": N_("Indonesian"), "en": N_("English")}
NO_LEAD_NAME = N_("Never registered")


async def stop_command(update: Update, context: BotContext) -> None:
    """/berhenti: no more campaign broadcasts."""
    message = update.effective_message
    if message is None or context.user_view is None:
        return
    await broadcasts.opt_out(context.services.db, context.user_view.id, utcnow())
    await message.reply_html(
        _(
            "🔕 Done: you will not receive campaign messages any more. Your questions are still "
            "answered as usual. Send /mulai to receive them again.",
            context.lang,
        )
    )


async def resume_command(update: Update, context: BotContext) -> None:
    """/mulai: campaign broadcasts again."""
    message = update.effective_message
    if message is None or context.user_view is None:
        return
    await broadcasts.opt_in(context.services.db, context.user_view.id)
    await message.reply_html(
        _(
            "🔔 Done: you will receive campaign messages again. Send /berhenti to stop them.",
            context.lang,
        )
    )


def broadcast_text(message: broadcasts.Message, lang: str) -> str:
    """The manager's text (shown as typed, never as HTML) and how to stop such messages."""
    footer = _("<i>Don't want these messages? Send /berhenti.</i>", lang)
    return f"{html.escape(message.text)}\n\n{footer}"


def broadcast_keyboard(message: broadcasts.Message) -> InlineKeyboardMarkup | None:
    if not message.button_text or not message.button_url:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(message.button_text, url=message.button_url)]]
    )


def preview_note(preview: broadcasts.Preview) -> str:
    """Sent to the manager under the preview: what happens next."""
    lang, e = STAFF_LANGUAGE, html.escape
    lines = [
        _("👆 <b>Preview of broadcast #{id}</b>", lang, id=preview.broadcast_id),
        _("Segment: {segment}", lang, segment=e(segment_text(preview, lang))),
        _("Recipients now: {count}", lang, count=preview.audience_size),
    ]
    if preview.scheduled_at is not None:
        lines.append(_("Scheduled for {when}.", lang, when=format_local(preview.scheduled_at)))
    if preview.ignore_quiet_hours:
        lines.append(_("Forced: it is sent inside the quiet hours too.", lang))
    if preview.needs_second_approval:
        lines.append(_("A second manager must approve it before it is sent.", lang))
    lines.append(
        _(
            "Send it from the dashboard, or: <code>python -m bot siaran kirim {id}</code>",
            lang,
            id=preview.broadcast_id,
        )
    )
    return "\n".join(lines)


def segment_text(preview: broadcasts.Preview, lang: str) -> str:
    """``Provinsi: Jawa Timur; Pekerjaan: Ojek / ojol / kurir``."""
    names = {
        **preview.names,
        "occupations": {code: occupation_name(code, lang) for code in OCCUPATIONS},
        "languages": {code: _(name, lang) for code, name in LANGUAGE_NAMES.items()},
        "lead_statuses": {
            broadcasts.NO_LEAD: _(NO_LEAD_NAME, lang),
            **{code: lead_status_badge(code, lang) for code in LEAD_STATUSES},
        },
    }
    return broadcasts.describe_segment(preview.segment, names, lang)
