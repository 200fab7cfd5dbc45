"""The HTML builder, SVG charts, CSV cells and query filters, without a server."""

from __future__ import annotations

from datetime import date

import pytest

from bot.dashboard.charts import bar, daily_bars
from bot.dashboard.export import safe_cell
from bot.dashboard.html import Html, el, escape
from bot.dashboard.params import BadFilter, parse_lead_filter, parse_period
from bot.stats import EVERYTHING, Period, Scope

TODAY = date(2026, 11, 20)


def test_html_escapes_text_and_attributes_but_not_markup() -> None:
    page = el("p", "<b>&", el("b", "ok"), None, False, ["a", "b"], class_='x"y', hidden=True,
              title=None, data_value=3)
    assert page == '<p class="x&quot;y" hidden data-value="3">&lt;b&gt;&amp;<b>ok</b>ab</p>'
    assert isinstance(page, Html) and escape(page) is page
    assert el("input", name="a") == '<input name="a">'


@pytest.mark.parametrize(
    ("value", "safe"),
    [("=1+1", "'=1+1"), ("+62812", "'+62812"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\t=x", "'\t=x"), ("  =x", "'  =x"), ("＝1", "'＝1"), ("ojek", "ojek"), ("", "")],
)
def test_csv_cells_never_start_a_formula(value: str, safe: str) -> None:
    assert safe_cell(value) == safe


def test_charts_are_svg_with_titles_and_no_style_attribute() -> None:
    chart = daily_bars("Pertanyaan", [0, 5, 10], ["1 Nov", "2 Nov", "3 Nov"])
    assert chart.startswith("<svg") and "<title>Pertanyaan</title>" in chart
    assert chart.count("<rect") == 3 and "style=" not in chart
    assert "<title>3 Nov: 10</title>" in chart
    half = bar(2, 4, "<dua>")
    assert 'width="50"' in half and 'aria-label="&lt;dua&gt;"' in half
    assert 'width="0"' in bar(0, 0, "nol")  # no division by zero on an empty table


def test_period_parameters() -> None:
    assert parse_period({}, TODAY, 30).period == Period(date(2026, 10, 22), TODAY)
    assert parse_period({"periode": "7"}, TODAY, 30).days == 7
    assert parse_period({}, TODAY, None).period is None
    assert parse_period({"periode": "semua"}, TODAY, None).period is None
    custom = parse_period({"dari": "2026-11-01", "sampai": "2026-11-03"}, TODAY, 30)
    assert custom.custom and custom.period == Period(date(2026, 11, 1), date(2026, 11, 3))
    assert parse_period({"dari": "2026-11-01"}, TODAY, 30).period == Period(date(2026, 11, 1),
                                                                             TODAY)
    for bad in ({"periode": "12"}, {"periode": "x"}, {"dari": "1 Nov"},
                {"dari": "2026-11-05", "sampai": "2026-11-01"},
                {"dari": "2020-01-01", "sampai": "2026-01-01"}, {"sampai": "9999-12-31"},
                {"dari": "0001-01-01"}, {"periode": "²"}, {"periode": "semua"}):
        with pytest.raises(BadFilter):
            parse_period(bad, TODAY, 30)


def test_lead_filter_parameters_and_branch_scope() -> None:
    period = parse_period({}, TODAY, None)
    chosen = parse_lead_filter({"provinsi": "ID-JI", "cabang": "KC-A", "status": "baru",
                                "terlambat": "1"}, EVERYTHING, period)
    assert (chosen.province_code, chosen.branch_code, chosen.status, chosen.overdue_only) == (
        "ID-JI", "KC-A", "baru", True)
    forced = parse_lead_filter({"cabang": "KC-B"}, Scope("KC-A"), period)
    assert forced.branch_code == "KC-A"
    with pytest.raises(BadFilter):
        parse_lead_filter({"cabang": "KC A;drop"}, EVERYTHING, period)
