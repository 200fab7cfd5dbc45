"""The campaign's codes and what people read for them, defined once.

Stored values are short codes (Indonesian, as the campaign speaks): occupations, lead statuses,
contact times. What a reader sees is a gettext msgid (English, the msgid language) translated
for them; buttons add an icon in front. The registration, the lead cards, ``/dataku`` and the
dashboard all read these tables, so a new occupation or a reworded status is one edit here.
"""

from __future__ import annotations

from bot.calculator import Sector
from bot.i18n import N_, _

# --- occupations ------------------------------------------------------------------------------

OCCUPATIONS: tuple[str, ...] = (
    "ojek_driver",
    "pedagang",
    "petani",
    "nelayan",
    "buruh",
    "art",
    "rt_rw",
    "lainnya",
)
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
OCCUPATION_ICONS = {
    "ojek_driver": "🛵",
    "pedagang": "🛒",
    "petani": "🌾",
    "nelayan": "🎣",
    "buruh": "🧱",
    "art": "🏠",
    "rt_rw": "🏘️",
    "lainnya": "✏️",
}
# PP 50/2025 gives transport-sector BPU a longer discount period.
TRANSPORT_OCCUPATIONS = frozenset({"ojek_driver"})


def sector_for(occupation: str | None) -> Sector:
    """The PP 50/2025 sector of an occupation code (unknown or none: ``lainnya``)."""
    return "transportasi" if occupation in TRANSPORT_OCCUPATIONS else "lainnya"


def occupation_name(code: str | None, lang: str) -> str:
    """ "Petani"; an unknown code reads as "Other"."""
    return _(OCCUPATION_NAMES.get(code or "lainnya", OCCUPATION_NAMES["lainnya"]), lang)


def occupation_button(code: str, lang: str) -> str:
    """ "🌾 Petani"."""
    return f"{OCCUPATION_ICONS[code]} {occupation_name(code, lang)}"


# --- lead statuses ----------------------------------------------------------------------------

# The stored values of bot.leads.LeadStatus, in the order a lead moves through them.
LEAD_STATUSES: tuple[str, ...] = ("baru", "diambil", "dihubungi", "terdaftar", "tidak_berminat")
LEAD_STATUS_NAMES = {
    "baru": N_("New"),
    "diambil": N_("Claimed"),
    "dihubungi": N_("Contacted"),
    "terdaftar": N_("Enrolled"),
    "tidak_berminat": N_("Not interested / unreachable"),
}
LEAD_STATUS_ICONS = {
    "baru": "🆕",
    "diambil": "🙋",
    "dihubungi": "📞",
    "terdaftar": "✅",
    "tidak_berminat": "🚫",
}


def lead_status_name(status: str, lang: str) -> str:
    return _(LEAD_STATUS_NAMES[status], lang) if status in LEAD_STATUS_NAMES else status


def lead_status_badge(status: str, lang: str) -> str:
    """ "🙋 Diambil", as on a lead card."""
    icon = LEAD_STATUS_ICONS.get(status)
    name = lead_status_name(status, lang)
    return f"{icon} {name}" if icon else name


# --- contact times ----------------------------------------------------------------------------

CONTACT_TIMES: tuple[str, ...] = ("pagi", "siang", "sore", "kapan_saja")
CONTACT_TIME_NAMES = {
    "pagi": N_("morning (08–12)"),
    "siang": N_("midday (12–15)"),
    "sore": N_("afternoon (15–18)"),
    "kapan_saja": N_("any time"),
}
CONTACT_TIME_ICONS = {"pagi": "🌅", "siang": "☀️", "sore": "🌇", "kapan_saja": "🕘"}


def contact_time_name(code: str | None, lang: str) -> str:
    """ "pagi (08–12)"; an unknown code reads as "any time"."""
    return _(CONTACT_TIME_NAMES.get(code or "kapan_saja", CONTACT_TIME_NAMES["kapan_saja"]), lang)


def contact_time_button(code: str, lang: str) -> str:
    """ "🌅 Pagi (08–12)"."""
    name = contact_time_name(code, lang)
    return f"{CONTACT_TIME_ICONS[code]} {name[:1].upper()}{name[1:]}"
