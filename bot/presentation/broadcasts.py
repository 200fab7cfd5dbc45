"""Broadcast messages as a worker receives them, and the note under a manager's preview.
Shared by the senders (bot.campaign_jobs, bot.outbox) and the handlers."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import broadcasts
from bot.i18n import N_, _
from bot.quiet_hours import format_local
from bot.vocabulary import LEAD_STATUSES, OCCUPATIONS, lead_status_badge, occupation_name

# Managers and staff read Indonesian (as the lead cards).
STAFF_LANGUAGE = "id"
LANGUAGE_NAMES = {"id": N_("Indonesian"), "en": N_("English")}
NO_LEAD_NAME = N_("Never registered")


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
