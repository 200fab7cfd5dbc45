"""Rendering a contribution estimate (calculator, registration) as a short Telegram message.

Honest about time: when a discount applies, the message says until when and what a month costs
afterwards; a prepayment whose months cost different amounts is shown month range by month range,
so that the figures add up to the total on the screen.
"""

from __future__ import annotations

import datetime as dt

from bot.answers import month_name
from bot.calculator import ContributionEstimate, discount_outlook, exceeds_cap_check, month_runs
from bot.i18n import _, format_rupiah
from bot.knowledge.facts import fact_int


def month_range(first: dt.date, last: dt.date, lang: str) -> str:
    """ "Desember 2026", "Januari – November 2027", "Desember 2026 – Februari 2027"."""
    if first == last:
        return month_name(first, lang)
    if first.year == last.year:
        return f"{month_name(first, lang).rsplit(' ', 1)[0]} – {month_name(last, lang)}"
    return f"{month_name(first, lang)} – {month_name(last, lang)}"


def render_estimate(estimate: ContributionEstimate, lang: str) -> str:
    first = estimate.breakdown[0]
    money = lambda amount: format_rupiah(amount, lang)  # noqa: E731
    runs = month_runs(estimate)
    lines: list[str] = []
    if len(runs) == 1:
        lines.append(
            _("<b>Estimated contribution per month: {amount}</b>", lang, amount=money(first.total))
        )
    else:
        lines.append(
            _(
                "<b>Estimated contributions for {months} months from {start}:</b>",
                lang,
                months=estimate.month_count,
                start=month_name(first.month, lang),
            )
        )
        for run in runs:
            period = month_range(run.first, run.last, lang)
            if run.discount_percent:
                lines.append(
                    _(
                        "• {period}: {amount} a month ({percent}% discount)",
                        lang,
                        period=period,
                        amount=money(run.per_month),
                        percent=run.discount_percent,
                    )
                )
            else:
                lines.append(
                    _(
                        "• {period}: {amount} a month",
                        lang,
                        period=period,
                        amount=money(run.per_month),
                    )
                )
        lines.append(_("First month in detail:", lang))
    lines += [
        _("• JKK (work accident): {amount}", lang, amount=money(first.jkk)),
        _("• JKM (death): {amount}", lang, amount=money(first.jkm)),
    ]
    if estimate.with_jht:
        lines.append(_("• JHT (old-age savings): {amount}", lang, amount=money(first.jht)))
    if estimate.month_count > 1:
        lines.append(
            _(
                "Total for {months} months: <b>{amount}</b>",
                lang,
                months=estimate.month_count,
                amount=money(estimate.total),
            )
        )
    last = estimate.breakdown[-1]
    outlook = (
        None
        if estimate.paid_by_government
        else discount_outlook(
            estimate.income, sector=estimate.sector, with_jht=estimate.with_jht, start=last.month
        )
    )
    if outlook is not None:
        lines.append(
            _(
                "The {percent}% discount on JKK and JKM runs until {end}. From {after}: {amount} "
                "a month.",
                lang,
                percent=outlook.percent,
                end=month_name(outlook.last_discounted, lang),
                after=month_name(outlook.first_full, lang),
                amount=money(outlook.per_month_after),
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
    if exceeds_cap_check(estimate.income):
        lines.append(
            _(
                "For an income this high JKK may have an upper limit: the branch office "
                "confirms the figure.",
                lang,
            )
        )
    lines.append(_("This is an estimate; the branch office confirms the exact amount.", lang))
    return "\n".join(lines)
