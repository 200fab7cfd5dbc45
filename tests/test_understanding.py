"""What a worker reads for the questions issue 12 names: the new and sharper answers, two-part
questions, the discount's end stated in every estimate, daily incomes, facts hygiene."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bot.answers import answer_question, catalog, topic_text
from bot.calculator import calculate
from bot.i18n import format_rupiah
from bot.knowledge.facts import fact, fact_int, fact_source, fact_sources
from handlers.estimate import render_estimate

TODAY = dt.date(2026, 12, 5)


def rp(amount: int, lang: str = "id") -> str:
    return format_rupiah(amount, lang)


def ask(question: str, day: dt.date = TODAY, lang: str = "id"):  # type: ignore[no-untyped-def]
    return answer_question(question, lang=lang, today=day)


# --- new and sharper answers ------------------------------------------------------------------


def test_already_having_bpjs_kesehatan_is_told_both_are_fine() -> None:
    answer = ask("sy udah punya bpjs kesehatan, perlu ikut bpjs tk jg?")
    assert answer.topic == "sudah_punya_kesehatan" and answer.answered
    assert "boleh punya keduanya" in answer.text
    # Not sent away to the health insurer's call centre: this is our question.
    assert str(fact("bpjs_kesehatan_call_center")) not in answer.text
    assert rp(fact_int("minimum_package_monthly")) in answer.text


def test_ordinary_illness_is_not_covered_but_death_from_it_is() -> None:
    answer = ask("kalo sakit tipes dirawat di rs ditanggung bpjs tk gak")
    assert answer.topic == "sakit_biasa" and answer.answered
    assert "Sakit biasa tidak ditanggung" in answer.text
    assert rp(fact_int("jkm_total")) in answer.text
    assert str(fact("bpjs_kesehatan_call_center")) in answer.text


def test_a_lost_card_does_not_end_membership() -> None:
    answer = ask("kartu bpjs tk sy ilang gmn ya")
    assert answer.topic == "kartu_hilang" and answer.answered
    assert "tidak menghapus kepesertaan" in answer.text
    assert str(fact("call_center")) in answer.text


def test_a_suspicious_offer_gets_the_real_minimum_and_the_official_channels() -> None:
    answer = ask("ditawari daftar 50rb sebulan, bener?")
    assert answer.topic == "penipuan" and answer.answered
    assert rp(fact_int("minimum_package_monthly")) in answer.text
    assert "kanal resmi" in answer.text and "rekening pribadi" in answer.text
    assert "Perkiraan" not in answer.text  # 50rb is not taken for an income


def test_a_two_part_answer_names_each_regulation_once() -> None:
    answer = ask("ojol gaji 3jt iurannya brp trs kalo meninggal dpt apa")
    basis = answer.text.rsplit("\n", 1)[-1]
    assert basis.count("PP 44/2015") == 1, basis


def test_a_suspicious_offer_is_told_the_discounted_minimum_while_the_discount_runs() -> None:
    """A worker offered Rp8.400 in December 2026 must not be told the minimum is Rp16.800."""
    discounted = calculate(fact_int("income_floor"), start=TODAY).per_month
    during = ask("ada yg nawarin iuran 8rb sebulan itu bener ga", day=TODAY)
    assert during.topic == "penipuan"
    assert rp(discounted) in during.text and "PP 50/2025" in during.text
    after = ask("ada yg nawarin iuran 8rb sebulan itu bener ga", day=dt.date(2027, 4, 1))
    assert rp(discounted) not in after.text
    assert rp(fact_int("minimum_package_monthly")) in after.text


def test_when_jht_can_be_taken_and_where_the_balance_is_seen() -> None:
    answer = ask("jht sy bisa dicairin kapan trus saldonya liat dmn")
    assert "jht_cair" in (answer.topic, *answer.also)
    assert f"usia {fact_int('jht_payout_age')} tahun" in answer.text
    assert "Saldo JHT bisa dilihat di aplikasi JMO" in answer.text


def test_registering_today_and_an_accident_tomorrow_is_answered_honestly() -> None:
    answer = ask("kalo daftar hari ini trus besok kecelakaan ditanggung gak")
    assert answer.topic == "mulai_berlaku" and answer.answered
    text = answer.text
    assert "bayar iuran pertama" in text
    assert "belum bisa saya pastikan" in text  # no waiting period is invented
    assert str(fact("call_center")) in text


@pytest.mark.parametrize(
    "question", ["ibu rumah tangga bisa ikut ga", "umur 60 masih bisa daftar?"]
)
def test_who_may_join_says_what_is_confirmed_and_where_to_ask(question: str) -> None:
    answer = ask(question)
    assert answer.topic == "siapa_bisa_ikut" and answer.answered
    assert "Ibu rumah tangga" in answer.text
    assert "belum bisa saya pastikan" in answer.text  # the age limit is UNCONFIRMED
    assert str(fact("call_center")) in answer.text


# --- two-part questions -------------------------------------------------------------------------


def test_a_two_part_question_gets_both_answers_in_order() -> None:
    answer = ask("ojol gaji 3jt iurannya brp trs kalo meninggal dpt apa")
    assert answer.topic == "iuran" and answer.also == ("manfaat_jkm",)
    estimate = calculate(3_000_000, sector="transportasi", start=TODAY)
    text = answer.text
    assert rp(estimate.per_month) in text  # the ojol's own estimate, transport sector
    assert rp(fact_int("jkm_total")) in text  # and what the family gets
    assert text.index(rp(estimate.per_month)) < text.index(rp(fact_int("jkm_total")))
    assert text.count("<i>Dasar:") == 1  # one legal basis line, at the end
    assert text.rstrip().endswith("</i>")


def test_two_topics_without_an_amount() -> None:
    answer = ask("sy ojol kalo kecelakaan ditanggung? trus kartu ilang gmn")
    assert (answer.topic, *answer.also) == ("manfaat_jkk", "kartu_hilang")
    assert answer.answered and answer.alternatives == []


def test_one_question_with_a_greeting_is_one_answer() -> None:
    answer = ask("assalamualaikum min, iuran sebulan brp")
    assert answer.topic == "iuran" and answer.also == ()


# --- honest about time: when the discount ends, what comes after --------------------------------


@pytest.mark.parametrize(
    ("day", "sector", "until", "after", "full"),
    [
        (dt.date(2026, 12, 31), "lainnya", "Desember 2026", "Januari 2027", True),
        (dt.date(2026, 12, 31), "transportasi", "Maret 2027", "April 2027", True),
        (dt.date(2027, 1, 1), "lainnya", None, None, True),
        (dt.date(2027, 1, 1), "transportasi", "Maret 2027", "April 2027", True),
        (dt.date(2027, 3, 31), "transportasi", "Maret 2027", "April 2027", True),
        (dt.date(2027, 4, 1), "transportasi", None, None, True),
    ],
)
def test_free_text_estimates_say_when_the_discount_ends(
    day: dt.date, sector: str, until: str | None, after: str | None, full: bool
) -> None:
    who = "sy ojol" if sector == "transportasi" else "sy pedagang sayur"
    answer = ask(f"{who} penghasilan 2jt sebulan iuran brp", day)
    now = calculate(2_000_000, sector=sector, start=day)  # type: ignore[arg-type]
    assert rp(now.per_month) in answer.text
    if until is None:
        assert "diskon" not in answer.text.lower()
        return
    assert f"sampai {until}" in answer.text
    later = calculate(
        2_000_000,
        sector=sector,
        start=dt.date.fromisoformat(  # type: ignore[arg-type]
            {"Januari 2027": "2027-01-01", "April 2027": "2027-04-01"}[after or ""]
        ),
    )
    assert f"Mulai {after}" in answer.text and rp(later.per_month) in answer.text
    assert later.per_month == 2 * now.per_month  # the discount halves JKK and JKM


@pytest.mark.parametrize(
    ("day", "expect"),
    [
        (dt.date(2026, 12, 31), "Mulai Januari 2027: Rp16.800 sebulan"),
        (dt.date(2027, 1, 1), None),
    ],
)
def test_the_calculator_says_what_comes_after_the_discount(
    day: dt.date, expect: str | None
) -> None:
    text = render_estimate(calculate(1_000_000, start=day), "id")
    if expect is None:
        assert "Diskon" not in text
    else:
        assert "sampai Desember 2026" in text and expect in text


def test_a_prepayment_is_broken_down_where_months_differ() -> None:
    estimate = calculate(1_000_000, months=12, start=dt.date(2026, 12, 5))
    text = render_estimate(estimate, "id")
    assert "• Desember 2026: Rp8.400 sebulan (diskon 50%)" in text
    assert "• Januari – November 2027: Rp16.800 sebulan" in text
    assert "Total 12 bulan: <b>Rp193.200</b>" in text
    assert 8_400 + 11 * 16_800 == estimate.total == 193_200  # the lines add up to the total


def test_a_prepayment_at_one_price_is_one_line() -> None:
    text = render_estimate(calculate(1_000_000, months=3, start=dt.date(2027, 6, 1)), "id")
    assert "Perkiraan iuran per bulan: Rp16.800" in text and "Total 3 bulan" in text


# --- incomes as workers say them ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "per_month"),
    [
        ("80rb sehari bayar iuran brp", 80_000 * 26),
        ("seminggu dapet 500rb iurannya brp", 2_000_000),
    ],
)
def test_a_daily_or_weekly_income_becomes_a_monthly_estimate(question: str, per_month: int) -> None:
    answer = ask(question)
    assert answer.topic == "iuran" and answer.answered
    assert f"≈ <b>{rp(per_month)}</b> sebulan" in answer.text
    estimate = calculate(per_month, start=TODAY)
    assert rp(estimate.per_month) in answer.text


def test_a_very_high_income_is_told_to_confirm_with_the_branch() -> None:
    answer = ask("penghasilan 30 juta sebulan iuran brp")
    assert "batas atasnya" in answer.text
    assert "batas atasnya" not in ask("penghasilan 3 juta sebulan iuran brp").text


def test_sentences_never_run_together() -> None:
    """The below-the-floor line used to lose its newline: "Rp1.000.000.Ini perkiraan"."""
    text = ask("penghasilan 800rb iurannya brp").text
    assert not re.search(r"\.\S", re.sub(r"Rp[\d.]+|\d\.\d|www\.\S+|\.go\.id|\.com", "", text))
    assert "Ini perkiraan" in text.split("\n")[-2]


# --- facts hygiene --------------------------------------------------------------------------------


def test_the_jht_rate_cites_its_own_source() -> None:
    assert "PP 44/2015" not in fact_source("jht_rate_percent")
    assert "Rp36.800" in fact_source("jht_rate_percent")
    assert len(fact_sources("discount_percent")) == 2  # the regulation and where it is quoted


def test_unlimited_treatment_is_tied_to_reporting_in_time() -> None:
    text = topic_text("manfaat_jkk", lang="id", today=TODAY)
    line = next(x for x in text.split("\n") if "tanpa batas biaya" in x)
    assert f"dalam {fact_int('jkk_report_hours')} jam" in line


@pytest.mark.parametrize("lang", ["id", "en"])
def test_legal_references_come_once_at_the_end(lang: str) -> None:
    text = topic_text("iuran", lang=lang, today=TODAY)
    body, last = text.rsplit("\n", 1)
    assert "PP 50/2025" in last and "PP 50/2025" not in body
    assert last.startswith("<i>")


def test_workers_are_addressed_as_bapak_ibu() -> None:
    for topic in ("salam", "iuran", "siapa_bisa_ikut", "penipuan"):
        assert "Bapak/Ibu" in catalog("id").topics[topic].text, topic


def test_jargon_is_explained_once() -> None:
    assert "Bukan Penerima Upah" in topic_text("program", lang="id", today=TODAY)
    assert "nonaktif</i>, artinya" in topic_text("telat_bayar", lang="id", today=TODAY)
    assert "dibayar per bulan, tapi diberikan sekaligus" in topic_text(
        "manfaat_jkm", lang="id", today=TODAY
    )
