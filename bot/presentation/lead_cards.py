"""The lead card a branch group sees, with its status buttons. Staff read Indonesian."""

from __future__ import annotations

import html
from datetime import datetime

from babel.dates import format_datetime
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.clock import utcnow
from bot.i18n import N_, _, babel_locale, format_rupiah
from bot.leads import ACTION_TARGET, LeadCard, LeadStatus, StaffAction, is_open
from bot.presentation.callbacks import LeadButton
from bot.stats import campaign_time
from bot.vocabulary import contact_time_name, lead_status_badge, occupation_name

STAFF_LANGUAGE = "id"
# The first line of a card sent again after a send whose outcome is unknown (bot.outbox).
CARD_REPEAT_MARKER = N_("🔁 Sent again — this card may already be above.")

STATUS_LABELS = {
    "baru": N_("🆕 New"),
    "diambil": N_("🙋 Claimed"),
    "dihubungi": N_("📞 Contacted"),
    "terdaftar": N_("✅ Enrolled"),
    "tidak_berminat": N_("🚫 Not interested / unreachable"),
}
ACTION_LABELS = {
    StaffAction.CLAIM: N_("🙋 Claim"),
    StaffAction.CONTACTED: N_("📞 Contacted"),
    StaffAction.ENROLLED: N_("✅ Enrolled"),
    StaffAction.DECLINED: N_("🚫 Not interested / unreachable"),
    StaffAction.UNCLAIM: N_("🔓 Release"),
    StaffAction.UNDO: N_("↩️ Undo"),
}
# The card's first line (its title) follows the status once staff act on it; {staff} is who set
# it (the owner, when claimed). A new lead keeps the "New lead #id" title.
STATUS_HEADERS = {
    "diambil": N_("🙋 <b>Lead #{id} claimed by {staff}</b>"),
    "dihubungi": N_("📞 <b>Lead #{id} contacted by {staff}</b>"),
    "terdaftar": N_("✅ <b>Lead #{id} enrolled by {staff}</b>"),
    "tidak_berminat": N_("🚫 <b>Lead #{id}: not interested / unreachable</b> ({staff})"),
}
RELEASED_HEADER = N_("🆕 <b>Lead #{id} released by {staff}</b>: new again")
# When staff read the time of a change: WIB, "14:05, 6 Des".
HISTORY_TIME_FORMAT = "HH:mm, d MMM"


def status_header(card: LeadCard, lang: str) -> str | None:
    """ "🙋 Lead #12 diambil oleh Budi" (or "🙋 Diambil · Lead #12" with no name on record):
    the title of a card staff have acted on, None while nobody has (or since a follow-up
    reopened it)."""
    latest = card.history[-1] if card.history else None
    if card.status == LeadStatus.CLAIMED:
        staff = card.claimed_by_name or (latest.by_name if latest else None)
    else:
        staff = latest.by_name if latest and latest.status == card.status else None
    if card.status == LeadStatus.NEW:
        if latest is None or latest.status != LeadStatus.NEW:
            return None
        return _(RELEASED_HEADER, lang, id=card.id, staff=html.escape(staff or "-"))
    header = STATUS_HEADERS.get(card.status)
    if header is None:
        return None
    staff = staff or card.claimed_by_name
    if staff is None:
        # Nobody's name on record (a change from before names were kept): the status alone.
        return _(
            "{status} · <b>Lead #{id}</b>",
            lang,
            status=_(STATUS_LABELS[card.status], lang),
            id=card.id,
        )
    return _(header, lang, id=card.id, staff=html.escape(staff))


def history_lines(card: LeadCard, lang: str) -> list[str]:
    """ "🙋 Diambil · Budi · 14:05, 6 Des", one line per staff change, oldest first."""
    if not card.history:
        return []
    lines = [_("<b>History:</b>", lang)]
    for entry in card.history:
        when = format_datetime(
            campaign_time(entry.at), HISTORY_TIME_FORMAT, locale=babel_locale(lang)
        )
        lines.append(
            _(
                "{status} · {staff} · {time}",
                lang,
                status=lead_status_badge(entry.status, lang),
                staff=html.escape(entry.by_name or "-"),
                time=when,
            )
        )
    return lines


def card_text(card: LeadCard, *, reminder: bool = False, updated: bool = False) -> str:
    lang = STAFF_LANGUAGE
    e = html.escape
    if card.anonymized:
        header = _("🗑️ <b>Lead #{id}</b>: the worker deleted their data.", lang, id=card.id)
        return (
            header + "\n" + _("Status: {status}", lang, status=_(STATUS_LABELS[card.status], lang))
        )
    occupation = occupation_name(card.occupation, lang)
    if card.occupation_other:
        occupation += f" ({e(card.occupation_other)})"
    acted = status_header(card, lang)
    if reminder:
        titles = [_("⏰ <b>Reminder: lead #{id} is still unclaimed</b>", lang, id=card.id)]
    elif updated:
        titles = [_("🔄 <b>Lead #{id} (updated by the worker)</b>", lang, id=card.id)]
        titles += [acted] if acted else []
    else:
        titles = [acted or _("📝 <b>New lead #{id}</b>", lang, id=card.id)]
    lines = [
        *titles,
        _("Name: {name}", lang, name=e(card.name or "")),
        _("Phone: {phone}", lang, phone=e(card.phone or "")),
    ]
    if not card.phone_is_own:
        lines.append(_("⚠️ The number was shared from someone else's contact: please check.", lang))
    lines += [
        _("Occupation: {occupation}", lang, occupation=occupation),
        _("Area: {place}", lang, place=e(card.place_label or card.regency_name)),
        _("Branch: {branch}", lang, branch=e(card.branch_name)),
    ]
    if card.income:
        lines.append(_("Reported income: {amount}", lang, amount=format_rupiah(card.income, lang)))
    lines += [
        _(
            "Call: {time}",
            lang,
            time=contact_time_name(card.contact_time, lang),
        ),
        _("Language: {language}", lang, language=card.language),
        _("Status: {status}", lang, status=_(STATUS_LABELS[card.status], lang)),
    ]
    if card.claimed_by_name:
        lines.append(_("Handled by: {staff}", lang, staff=e(card.claimed_by_name)))
    history = history_lines(card, lang)
    if history:
        lines += ["", *history]
    return "\n".join(lines)


def card_keyboard(card: LeadCard, now: datetime | None = None) -> InlineKeyboardMarkup | None:
    """The status buttons that fit the card's status, and the undo button while the latest
    change may still be undone (the card is drawn again at each press; a late press of an undo
    button left on screen is refused by ``bot.staff``)."""
    if card.anonymized:
        return None
    lang = STAFF_LANGUAGE
    actions: list[StaffAction] = []
    if is_open(card.status):
        actions = [
            a
            for a in (
                StaffAction.CLAIM,
                StaffAction.CONTACTED,
                StaffAction.ENROLLED,
                StaffAction.DECLINED,
            )
            if ACTION_TARGET[a] != card.status
            and (a != StaffAction.CLAIM or card.status == LeadStatus.NEW)
        ]
        if card.status == LeadStatus.CLAIMED:
            actions.append(StaffAction.UNCLAIM)
    rows = [
        [
            InlineKeyboardButton(
                _(ACTION_LABELS[a], lang), callback_data=LeadButton(card.id, a).encode()
            )
        ]
        for a in actions
    ]
    if card.undo_change_id is not None and card.can_undo(now or utcnow()):
        rows.append(
            [
                InlineKeyboardButton(
                    _(ACTION_LABELS[StaffAction.UNDO], lang),
                    callback_data=LeadButton(
                        card.id, StaffAction.UNDO, card.undo_change_id
                    ).encode(),
                )
            ]
        )
    return InlineKeyboardMarkup(rows) if rows else None


def escalation_text(lead_id: int, branch: str, hours: int) -> str:
    """The line above a card sent to the admin group when no one claimed the lead in time."""
    return _(
        "🚨 <b>Escalation:</b> lead #{id} for {branch} has not been claimed for {hours} hours.",
        STAFF_LANGUAGE,
        id=lead_id,
        branch=branch,
        hours=hours,
    )
