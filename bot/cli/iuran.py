"""``python -m bot iuran``: the contribution calculator for campaign staff and for evaluation.

    python -m bot iuran INCOME [--jht] [--sektor transportasi|lainnya] [--bulan 1|3|6|12]
                               [--tanggal YYYY-MM-DD] [--json] [--bahasa id|en]

With ``--json`` it prints one JSON object whose field names are a contract (see
``bot.calculator.to_json_dict``); otherwise a short breakdown in the chosen language. Input a user
can get wrong (income, months, date) is checked here rather than by argparse so that the message is
one clear line in that language; the exit code is then 2, like argparse's own usage errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys

from babel.dates import format_date

from bot.amounts import InvalidIncome, parse_income
from bot.calculator import (
    MAX_INCOME,
    SECTORS,
    ContributionEstimate,
    InvalidMonths,
    calculate,
    discount_outlook,
    exceeds_cap_check,
    rules,
    to_json_dict,
)
from bot.i18n import (
    DEFAULT_LANGUAGE,
    N_,
    SUPPORTED_LANGUAGES,
    babel_locale,
    format_rupiah,
    gettext_for,
)

EXIT_BAD_INPUT = 2

# User-facing sentences (msgids; translations in locales/).
_MESSAGES: dict[str, str] = {
    "title": N_("Estimated BPJS Ketenagakerjaan contributions for an income of {income} a month:"),
    "below_floor": N_("The income is below {floor}, so contributions are computed on {floor}."),
    "month": N_("{month}: JKK {jkk} + JKM {jkm}{jht} = {total}{discount}"),
    "jht": N_(" + JHT {jht}"),
    "discount": N_(" ({percent}% discount on JKK and JKM)"),
    "government": N_("Paid by the government (APBN/APBD), so no discount applies."),
    "total": N_("Total for {count} months: {total}"),
    "after": N_("The discount runs until {end}; from {after}: {total} a month."),
    "cap_check": N_(
        "For an income this high JKK may have an upper limit: "
        "the branch office confirms the figure."
    ),
    "legal": N_("Legal basis: {sources}"),
    "estimate": N_("This is an estimate; the BPJS Ketenagakerjaan branch office confirms it."),
    "not_a_number": N_("Cannot read the income: {text}. Write e.g. 2500000, 2.500.000 or 2,5jt."),
    "not_positive": N_("The income must be more than zero."),
    "too_large": N_("Incomes above {max} a month cannot be calculated; please check the number."),
    "bad_months": N_("The number of months must be {choices}."),
    "bad_date": N_("The date must be written YYYY-MM-DD, e.g. 2026-12-01."),
    "or": N_("or"),
}


def _text(key: str, lang: str) -> str:
    return gettext_for(lang)(_MESSAGES[key])


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _BadInput(Exception):
    """Input the user got wrong; carries the one line to print."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``iuran`` subcommand to the main parser's subcommands."""
    parser = subparsers.add_parser(
        "iuran",
        help="hitung perkiraan iuran BPU (JKK, JKM, JHT)",
        description="Hitung perkiraan iuran BPJS Ketenagakerjaan untuk peserta BPU.",
    )
    parser.add_argument(
        "income", metavar="INCOME", help="penghasilan per bulan, mis. 2500000, 2.500.000, 2,5jt"
    )
    parser.add_argument("--jht", action="store_true", help="ikut juga Jaminan Hari Tua (JHT)")
    parser.add_argument("--sektor", choices=SECTORS, default="lainnya", help="sektor pekerjaan")
    # Checked by run(), not by argparse, so a wrong value gets the one-line message.
    allowed_months = ",".join(str(m) for m in rules().prepay_months)
    parser.add_argument(
        "--bulan",
        default="1",
        metavar=f"{{{allowed_months}}}",
        help="jumlah bulan yang dibayar sekaligus",
    )
    parser.add_argument("--tanggal", metavar="YYYY-MM-DD", help="tanggal bayar (bawaan: hari ini)")
    parser.add_argument("--json", action="store_true", help="keluaran JSON")
    parser.add_argument(
        "--bahasa", choices=SUPPORTED_LANGUAGES, default=DEFAULT_LANGUAGE, help="bahasa keluaran"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Handle ``iuran``; returns the exit code."""
    lang: str = args.bahasa
    try:
        estimate = calculate(
            parse_income(args.income),
            sector=args.sektor,
            with_jht=args.jht,
            months=_months(args.bulan),
            start=_date(args.tanggal),
        )
    except InvalidIncome as error:
        return _fail(_income_message(error, args.income, lang))
    except InvalidMonths:
        return _fail(_months_message(lang))
    except _BadInput:
        return _fail(_text("bad_date", lang))

    if args.json:
        print(json.dumps(to_json_dict(estimate), ensure_ascii=False))
    else:
        print(render(estimate, lang))
    return 0


def render(estimate: ContributionEstimate, lang: str) -> str:
    """The human breakdown: one line per month, the total, the legal basis, the caveat."""

    def text_for(key: str) -> str:
        return _text(key, lang)

    def rp(amount: int) -> str:
        return format_rupiah(amount, lang)

    lines = [text_for("title").format(income=rp(estimate.income))]
    if estimate.below_floor:
        lines.append(text_for("below_floor").format(floor=rp(estimate.basis)))
    if estimate.paid_by_government:
        lines.append(text_for("government"))
    for m in estimate.breakdown:
        lines.append(
            text_for("month").format(
                month=format_date(m.month, "LLLL yyyy", locale=babel_locale(lang)),
                jkk=rp(m.jkk),
                jkm=rp(m.jkm),
                jht=text_for("jht").format(jht=rp(m.jht)) if estimate.with_jht else "",
                total=rp(m.total),
                discount=text_for("discount").format(percent=m.discount_percent)
                if m.discount_percent
                else "",
            )
        )
    if estimate.month_count > 1:
        lines.append(text_for("total").format(count=estimate.month_count, total=rp(estimate.total)))
    outlook = (
        None
        if estimate.paid_by_government
        else discount_outlook(
            estimate.income,
            sector=estimate.sector,
            with_jht=estimate.with_jht,
            start=estimate.breakdown[-1].month,
        )
    )
    if outlook is not None:
        month = lambda m: format_date(m, "LLLL yyyy", locale=babel_locale(lang))  # noqa: E731
        lines.append(
            text_for("after").format(
                end=month(outlook.last_discounted),
                after=month(outlook.first_full),
                total=rp(outlook.per_month_after),
            )
        )
    if exceeds_cap_check(estimate.income):
        lines.append(text_for("cap_check"))
    lines.append(text_for("legal").format(sources="; ".join(estimate.legal_basis)))
    lines.append(text_for("estimate"))
    return "\n".join(lines)


def _months(value: str) -> int:
    # Checked against the allowed set by calculate(); here only "is it a whole number".
    if not value.strip().isdecimal():
        raise InvalidMonths(value)
    return int(value)


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    if not _ISO_DATE.fullmatch(value.strip()):
        raise _BadInput(value)
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as error:  # e.g. 2026-02-30
        raise _BadInput(value) from error


def _income_message(error: InvalidIncome, text: str, lang: str) -> str:
    return _text(error.reason, lang).format(text=repr(text), max=format_rupiah(MAX_INCOME, lang))


def _months_message(lang: str) -> str:
    choices = [str(m) for m in rules().prepay_months]
    joined = f"{', '.join(choices[:-1])} {_text('or', lang)} {choices[-1]}"
    return _text("bad_months", lang).format(choices=joined)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_BAD_INPUT
