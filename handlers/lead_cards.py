"""The lead card a branch group sees, with its status buttons. Staff read Indonesian."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import N_, _, format_rupiah
from bot.leads import LeadCard, StaffAction, is_open
from handlers.ids import parse_small_int

STAFF_LANGUAGE = "id"
LEAD_CALLBACK_PREFIX = "ld:"
LEAD_CALLBACK_PATTERN = r"^ld:"
# The first line of a card sent again after a send whose outcome is unknown (bot.delivery).
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
}
OCCUPATION_NAMES = {
    "ojek_driver": N_("Ojek / online driver / courier"),
    "pedagang": N_("Trader / street vendor"),
    "petani": N_("Farmer"),
    "nelayan": N_("Fisher"),
    "buruh": N_("Day / construction labourer"),
    "art": N_("Domestic worker"),
    "rt_rw": N_("RT/RW head"),
    "lainnya": N_("Other"),
}
CONTACT_TIME_NAMES = {
    "pagi": N_("morning (08–12)"),
    "siang": N_("midday (12–15)"),
    "sore": N_("afternoon (15–18)"),
    "kapan_saja": N_("any time"),
}


def lead_callback(lead_id: int, action: StaffAction) -> str:
    return f"{LEAD_CALLBACK_PREFIX}{lead_id}:{action}"


def parse_lead_callback(data: str) -> tuple[int, StaffAction] | None:
    """``ld:<id>:<action>`` with a known action, else None (forged or mangled data)."""
    parts = data.split(":")
    if len(parts) != 3 or parts[0] + ":" != LEAD_CALLBACK_PREFIX:
        return None
    lead_id = parse_small_int(parts[1])
    if lead_id is None:
        return None
    try:
        return lead_id, StaffAction(parts[2])
    except ValueError:
        return None


def card_text(card: LeadCard, *, reminder: bool = False, updated: bool = False) -> str:
    lang = STAFF_LANGUAGE
    e = html.escape
    if card.anonymized:
        header = _("🗑️ <b>Lead #{id}</b>: the worker deleted their data.", lang, id=card.id)
        return (
            header + "\n" + _("Status: {status}", lang, status=_(STATUS_LABELS[card.status], lang))
        )
    occupation = _(OCCUPATION_NAMES.get(card.occupation, "Other"), lang)
    if card.occupation_other:
        occupation += f" ({e(card.occupation_other)})"
    if reminder:
        title = _("⏰ <b>Reminder: lead #{id} is still unclaimed</b>", lang, id=card.id)
    elif updated:
        title = _("🔄 <b>Lead #{id} (updated by the worker)</b>", lang, id=card.id)
    elif card.status != "baru":
        # The header follows the status, so a glance at the group shows what is left to do.
        title = _(
            "{status} · <b>Lead #{id}</b>",
            lang,
            status=_(STATUS_LABELS[card.status], lang),
            id=card.id,
        )
    else:
        title = _("📝 <b>New lead #{id}</b>", lang, id=card.id)
    lines = [
        title,
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
            time=_(CONTACT_TIME_NAMES.get(card.contact_time, "any time"), lang),
        ),
        _("Language: {language}", lang, language=card.language),
        _("Status: {status}", lang, status=_(STATUS_LABELS[card.status], lang)),
    ]
    if card.claimed_by_name:
        lines.append(_("Handled by: {staff}", lang, staff=e(card.claimed_by_name)))
    return "\n".join(lines)


def card_keyboard(card: LeadCard) -> InlineKeyboardMarkup | None:
    if not is_open(card.status) or card.anonymized:
        return None
    lang = STAFF_LANGUAGE
    actions = [StaffAction.CONTACTED, StaffAction.ENROLLED, StaffAction.DECLINED]
    if card.status == "baru":
        actions.insert(0, StaffAction.CLAIM)
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _(ACTION_LABELS[a], lang), callback_data=lead_callback(card.id, a)
                )
            ]
            for a in actions
        ]
    )
