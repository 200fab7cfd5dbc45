"""Rendering a contribution estimate (calculator, registration) as a short Telegram message."""

from __future__ import annotations

from bot.calculator import ContributionEstimate
from bot.i18n import _, format_rupiah
from bot.knowledge.facts import fact_int


def render_estimate(estimate: ContributionEstimate, lang: str) -> str:
    first = estimate.breakdown[0]
    money = lambda amount: format_rupiah(amount, lang)  # noqa: E731
    lines = [
        _("<b>Estimated contribution per month: {amount}</b>", lang, amount=money(first.total)),
        _("• JKK (work accident): {amount}", lang, amount=money(first.jkk)),
        _("• JKM (death): {amount}", lang, amount=money(first.jkm)),
    ]
    if estimate.with_jht:
        lines.append(_("• JHT (old-age savings): {amount}", lang, amount=money(first.jht)))
    if first.discount_percent:
        lines.append(
            _(
                "Includes the {percent}% discount on JKK and JKM (PP 50/2025).",
                lang,
                percent=first.discount_percent,
            )
        )
    if estimate.below_floor:
        lines.append(
            _(
                "Incomes below {floor} are counted as {floor}.",
                lang,
                floor=money(fact_int("income_floor")),
            )
        )
    if estimate.month_count > 1:
        lines.append(
            _(
                "Total for {months} months: <b>{amount}</b>",
                lang,
                months=estimate.month_count,
                amount=money(estimate.total),
            )
        )
    lines.append(_("This is an estimate; the branch office confirms the exact amount.", lang))
    return "\n".join(lines)
