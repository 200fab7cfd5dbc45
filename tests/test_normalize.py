"""The normaliser: slang, abbreviations, Javanese/Sundanese, affixes, typos, odd input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nlu.model_store import default_model
from bot.nlu.normalize import (
    AMOUNT_TOKEN,
    MAX_TOKENS,
    Normalizer,
    clean,
    load_lexicon,
    normalize,
    words,
)


def tokens(text: str) -> tuple[str, ...]:
    """Tokens as the classifier sees them (its normaliser also knows the training words)."""
    return default_model().normalizer(text).tokens


@pytest.mark.parametrize(
    ("variants", "canonical"),
    [
        (["brp", "brapa", "berapa", "piro", "pinten", "sabaraha"], "berapa"),
        (["gmn", "gimana", "bagaimana", "kepiye", "piye", "kumaha", "pripun"], "bagaimana"),
        (["gk", "ga", "gak", "nggak", "enggak", "tdk", "ora", "mboten", "teu", "henteu"], "tidak"),
        (["dpt", "dapet", "dapat", "entuk", "meunang"], "dapat"),
        (["sy", "saya", "aku", "gw", "kulo", "abdi"], "saya"),
        (["klo", "kalo", "kalau", "nek", "lamun"], "kalau"),
        (["jt", "juta", "jta"], "juta"),
        (["rb", "ribu", "rebu", "ewu"], "ribu"),
        (["bpjs tk", "bpjs naker", "jamsostek", "bpjamsostek", "bpjs ketenagakerjaan"], "bpjstk"),
        (["bpjs kesehatan", "bpjs kes", "kis", "jkn", "faskes"], "bpjskes"),
        (["makasih", "terima kasih", "matur nuwun", "hatur nuhun", "thanks"], "terimakasih"),
    ],
)
def test_variants_share_one_canonical_word(variants: list[str], canonical: str) -> None:
    for variant in variants:
        assert normalize(variant).tokens == (canonical,), variant


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Brp iuran BPJS TK sebulan min???", ("berapa", "iuran", "bpjstk", "bulan")),
        ("bayarrr", ("bayar",)),
        ("pembayarannya gmn", ("bayar", "bagaimana")),
        ("pendaftaran", ("daftar",)),
        ("didaftarkan", ("daftar",)),
        ("mbayar iurane", ("bayar", "iuran")),
        ("ndaftar", ("daftar",)),
        ("nambah", ("tambah",)),
        ("anak2", ("anak",)),
        ("gaji sy 2,5jt", ("gaji", "saya", AMOUNT_TOKEN)),
        ("Rp 2.500.000", (AMOUNT_TOKEN,)),
        ("tgl brp bayar", ("jatuhtempo",)),
        ("how much is the fee", ("berapa", "biaya")),
        ("kepiye carane ndaftar", ("cara", "daftar")),
    ],
)
def test_questions_normalise_to_canonical_words(text: str, expected: tuple[str, ...]) -> None:
    assert tokens(text) == expected


def test_typos_are_corrected_towards_known_words() -> None:
    assert tokens("pendaftran") == ("daftar",)
    assert tokens("kecelakan") == ("kecelakaan",)
    assert tokens("beasiwa") == ("beasiswa",)


def test_affix_stripping_does_not_invent_roots() -> None:
    # "pemilu" is not pe- + "milu"/"ilu" (Sundanese for "ikut"), "namamu" is not n- + "amamu".
    assert tokens("pemilu") == ("pemilu",)
    assert tokens("namamu") != ("ama",)


def test_pleasantries_are_dropped_only_when_something_else_is_asked() -> None:
    assert normalize("halo min").tokens == ("halo",)
    assert normalize("halo min").greeting
    assert normalize("halo min iuran brp").tokens == ("iuran", "berapa")
    assert normalize("makasih min, cara daftar gmn").tokens == ("cara", "daftar", "bagaimana")
    assert normalize("ok siap").thanks


def test_emoji_and_control_characters_disappear() -> None:
    assert normalize("😂😂😂").tokens == ()
    assert normalize("iuran\x00\x07\x1b brp\u200b 🙏").tokens == ("iuran", "berapa")
    assert clean("  Halo\u200b\tMIN  ") == "halo min"


def test_long_input_is_truncated_and_fast() -> None:
    text = "iuran brp " + "bla " * 1300  # about 5,000 characters
    start = time.perf_counter()
    result = normalize(text)
    assert time.perf_counter() - start < 0.5
    assert len(words(text)) <= MAX_TOKENS
    assert result.tokens[:2] == ("iuran", "berapa")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=600))
def test_normalise_never_raises(text: str) -> None:
    result = normalize(text)
    assert all(t and " " not in t for t in result.tokens)


def test_lexicon_loads_and_keeps_its_promises() -> None:
    lex = load_lexicon()
    # Every canonical word maps to itself; no variant is claimed twice (load_lexicon checks).
    for canonical in lex.canonical_words:
        assert lex.words.get(canonical, canonical) == canonical
    assert "mau" not in lex.stopwords  # "mau daftar" and "cara daftar" are different topics
    assert {"halo", "salam"} <= lex.greetings
    assert "terimakasih" in lex.thanks


def test_a_variant_listed_twice_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "lexicon.yaml"
    bad.write_text("canonical:\n  berapa: [brp]\n  bagaimana: [brp]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="brp"):
        load_lexicon.__wrapped__(bad)


def test_normalizer_with_extra_vocabulary_keeps_unknown_words() -> None:
    normalizer = Normalizer(vocabulary=["cilok"])
    assert normalizer("jual cilok").tokens[-1] == "cilok"
