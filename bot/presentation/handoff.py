"""Handoff tickets as staff and workers read them: the worker's question posted to a staff
group, a staff answer relayed to the worker. Rendered here for the campaign sender
(bot.outbox) and the handoff handlers alike."""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import handoff
from bot.answers import catalog, topic_title
from bot.i18n import _, babel_locale
from bot.presentation.callbacks import HandoffAction, HandoffButton, TicketClose
from bot.presentation.lead_cards import STAFF_LANGUAGE


def when_text(moment: datetime, zone: str, lang: str) -> str:
    """``Monday 23 November, 08:00 WITA`` in the worker's language (the branch's clock)."""
    return f"{format_datetime(moment, 'EEEE d MMMM, HH:mm', locale=babel_locale(lang))} {zone}"



def ticket_post_text(post: handoff.TicketPost) -> str:
    """The worker's message as the staff group sees it (staff read Indonesian)."""
    lang, e = STAFF_LANGUAGE, html.escape
    if not post.opening:
        return "\n".join(
            [
                _(
                    "💬 <b>Ticket #{id}: another message from the worker</b>",
                    lang,
                    id=post.ticket_id,
                ),
                e(post.text),
                "",
                _("↩️ <i>Reply to this message to answer.</i>", lang),
            ]
        )
    lines = [_("🙋 <b>Tanya petugas: ticket #{id}</b>", lang, id=post.ticket_id)]
    if post.branch_name:
        lines.append(_("Branch: {branch}", lang, branch=e(post.branch_name)))
        if post.lead_id is None:
            lines.append(_("Not registered yet: routed by the place the worker gave.", lang))
    else:
        lines.append(_("No branch yet (the worker has not registered).", lang))
    details = [_("Language: {language}", lang, language=post.language)]
    if post.lead_id is not None:
        details.append(_("Lead #{id}", lang, id=post.lead_id))
    lines.append(" · ".join(details))
    zone = ZoneInfo(post.zone)
    if post.out_of_hours and post.expected_by is not None:
        lines.append(
            _(
                "🕗 Sent out of office hours; the worker was told to expect an answer from {when}.",
                lang,
                when=when_text(post.expected_by.astimezone(zone), post.zone_label, lang),
            )
        )
    lines += ["", _("<b>Question:</b>", lang), e(post.text)]
    history = [_context_line(step, zone) for step in post.context]
    if history:
        lines += ["", _("<b>Recent conversation:</b>", lang), *history]
    lines += [
        "",
        _(
            "↩️ <i>Reply to this message to answer. The worker sees the answer as coming from "
            "the branch, without your name.</i>",
            lang,
        ),
    ]
    return "\n".join(lines)


def ticket_keyboard(ticket_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("✅ Close ticket", STAFF_LANGUAGE),
                    callback_data=TicketClose(ticket_id).encode(),
                )
            ]
        ]
    )


def _context_line(step: dict[str, Any], zone: ZoneInfo) -> str:
    lang, e = STAFF_LANGUAGE, html.escape
    try:
        at = datetime.fromisoformat(str(step.get("at"))).astimezone(zone)
        clock = format_datetime(at, "HH:mm", locale=babel_locale(lang))
    except ValueError:
        clock = "--:--"
    kind = step.get("kind")
    if kind == "question":
        topic = str(step.get("topic") or "")
        title = topic_title(topic, lang) if topic in catalog(lang).topics else topic
        if step.get("answered"):
            return _("• {time} asked about: {topic} (answered)", lang, time=clock, topic=e(title))
        quoted = e(str(step.get("text") or ""))
        return _("• {time} not understood: “{text}”", lang, time=clock, text=quoted)
    names = {
        "calculator": _("used the contribution calculator", lang),
        "registration_started": _("started registering", lang),
        "registration_completed": _("registered interest", lang),
    }
    return f"• {clock} {names.get(str(kind), e(str(kind)))}"


def staff_answer_text(answer: handoff.StaffAnswer) -> str:
    lang = answer.language
    label = handoff.branch_label(answer.branch_name)
    sender = (
        _("BPJS Ketenagakerjaan staff, {branch} branch", lang, branch=html.escape(label))
        if label
        else _("BPJS Ketenagakerjaan staff", lang)
    )
    return "\n".join(
        [
            f"💬 <b>{sender}</b>",
            html.escape(answer.text),
            "",
            _("<i>To answer, tap the button below or send /petugas.</i>", lang),
        ]
    )


def staff_answer_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("↩️ Reply to staff", lang),
                    callback_data=HandoffButton(HandoffAction.REPLY).encode(),
                )
            ]
        ]
    )


def undelivered_text(ticket_id: int) -> str:
    return _(
        "⚠️ The answer to ticket #{id} could not be delivered: the worker has blocked the bot.",
        STAFF_LANGUAGE,
        id=ticket_id,
    )
