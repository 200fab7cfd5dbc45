"""Property tests (Hypothesis) for what workers type and what buttons carry: place resolution,
points on the map, the registration state machine fed any input, and the callback-data parsers.
Each returns a value or its typed rejection; nothing else escapes. (Income, phone and name
parsers have theirs in tests/test_amounts.py, tests/test_extract.py and tests/registration.)"""

from __future__ import annotations

import math
from datetime import date
from functools import cache

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import String

from bot.geo import Directory, OutsideIndonesiaError, load_default_directory
from bot.geo.resolve import MAX_CANDIDATES
from bot.offices import MAX_CHOICES, office_for_point, office_for_text
from bot.presentation.callbacks import CalculatorChoice, LeadButton
from bot.presentation.input_errors import ERRORS
from bot.registration.flow import (
    MAX_PLACE_CHOICES,
    Back,
    Choice,
    Contact,
    Input,
    Location,
    State,
    Step,
    Text,
    apply,
)
from bot.routing import DirectoryPlaces
from db.models import Lead

TODAY = date(2026, 6, 1)
_LABEL_TYPE = Lead.__table__.c.place_label.type
assert isinstance(_LABEL_TYPE, String) and _LABEL_TYPE.length is not None
PLACE_LABEL_WIDTH: int = _LABEL_TYPE.length
LEAD_ID_MAX = 2**31 - 1  # leads.id is an INTEGER on PostgreSQL
COMMON = settings(max_examples=150, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow])


@cache
def directory() -> Directory:
    return load_default_directory()


@cache
def places() -> DirectoryPlaces:
    return DirectoryPlaces(directory())


# Text a worker might type for a place: real names mangled, and anything at all.
def _mangle(name: str, prefix: str, upper: bool, extra: str) -> str:
    typed = f"{prefix}{name}{extra}"
    return typed.upper() if upper else typed.lower()


@st.composite
def regency_and_typing(draw: st.DrawFn) -> tuple[str, str]:
    code = draw(st.sampled_from(sorted(directory().regencies)))
    regency = directory().regencies[code]
    prefix = {"kab": draw(st.sampled_from(["", "kab. ", "Kabupaten ", "KAB "])),
              "kota": draw(st.sampled_from(["", "kota ", "Kota "]))}[regency.kind]
    extra = draw(st.sampled_from(["", " ", "  ", ".", "!", " 🙏"]))
    return code, _mangle(regency.name, prefix, draw(st.booleans()), extra)


PLACE_TEXT = st.one_of(
    st.text(max_size=120),
    st.from_regex(r"[0-9]{5}", fullmatch=True),
    st.lists(st.sampled_from(["kab", "kota", "kec", "desa", "jawa", "timur", "sumba", "bogor",
                              ",", ";", "\n", "-", "<b>", "'", "جاكرتا", "🏠"]),
             max_size=8).map(" ".join),
)


@COMMON
@given(PLACE_TEXT)
@example("")
@example("kabupaten")
@example("jawa timur")
@example(",,,;;\n")
@example("'; DROP TABLE regencies; --")
@example("lamongan " * 600)
def test_resolve_place_never_raises(text: str) -> None:
    match = directory().resolve_place(text)
    assert len(match.candidates) <= MAX_CANDIDATES
    assert match.total >= len(match.candidates)
    assert match.found == (len(match.candidates) == 1)
    assert match.best is None or match.best is match.candidates[0]
    for candidate in match.candidates:
        assert candidate.regency_code in directory().regencies
        assert len(candidate.label) <= PLACE_LABEL_WIDTH  # fits the lead's column
        routed = directory().route_regency(candidate.regency_code)
        assert routed.code in directory().branches


@COMMON
@given(regency_and_typing())
def test_a_regency_name_however_typed_finds_that_regency(case: tuple[str, str]) -> None:
    code, typed = case
    match = directory().resolve_place(typed)
    assert code in {c.regency_code for c in match.candidates}, (typed, match.candidates)


@COMMON
@given(PLACE_TEXT)
def test_office_and_registration_lookups_never_raise(text: str) -> None:
    answer = office_for_text(directory(), text)
    assert len(answer.choices) <= MAX_CHOICES
    assert not (answer.office is not None and answer.choices)
    for routed in places().from_text(text):
        assert routed.branch_code in directory().branches


COORDINATES = st.tuples(
    st.floats(min_value=-90, max_value=90, allow_nan=False),
    st.floats(min_value=-180, max_value=180, allow_nan=False),
)


@COMMON
@given(COORDINATES)
@example((0.0, 0.0))
@example((1.2903, 103.8520))  # Singapore
@example((-90.0, 180.0))
@example((-7.12, 112.42))  # Lamongan
def test_any_point_is_routed_or_refused_as_abroad(point: tuple[float, float]) -> None:
    lat, lon = point
    try:
        result = directory().nearest_branch(lat, lon)
    except OutsideIndonesiaError:
        assert office_for_point(directory(), lat, lon).outside_indonesia
        assert places().from_point(lat, lon) is None
    else:
        assert result.code in directory().branches
        assert math.isfinite(result.distance_km) and result.distance_km >= 0


# --- the registration state machine, fed anything --------------------------------------------

BASE_DATA = {
    "consent": True, "name": "Siti Aminah", "phone": "+6281234567890", "phone_is_own": True,
    "occupation": "nelayan", "regency_code": "kab-lamongan", "regency_name": "Lamongan",
    "province_code": "35", "province_name": "Jawa Timur", "branch_code": "KC-SURABAYA",
    "place_label": "Kabupaten Lamongan, Jawa Timur", "income": 2_500_000,
    "contact_time": "pagi",
    "place_options": [
        {"regency_code": "kota-jakarta-barat", "regency_name": "Jakarta Barat",
         "province_code": "31", "province_name": "DKI Jakarta", "branch_code": "KC-X",
         "place_label": "Kota Jakarta Barat, DKI Jakarta"},
    ] * 3,
}
INPUTS: st.SearchStrategy[Input] = st.one_of(
    st.builds(Text, st.text(max_size=80)),
    st.builds(Contact, st.text(max_size=30), st.booleans()),
    st.builds(Location, st.floats(-90, 90, allow_nan=False), st.floats(-180, 180, allow_nan=False)),
    st.builds(Choice, st.one_of(st.text(max_size=12),
                                st.sampled_from(["yes", "no", "skip", "confirm", "edit", "0",
                                                 "2", "lainnya", "pagi", "name", "²", "-1"]))),
    st.just(Back()),
)


def _apply(step: Step, event: Input, editing: bool) -> None:
    data = dict(BASE_DATA, editing=True) if editing else dict(BASE_DATA)
    outcome = apply(State(step, data), event, places(), TODAY)
    assert outcome.error is None or outcome.error in ERRORS, outcome.error
    assert isinstance(outcome.state.step, Step)
    if outcome.state.step == Step.LOCATION_CHOICE:
        assert 1 <= len(outcome.state.data["place_options"]) <= MAX_PLACE_CHOICES


@COMMON
@given(st.sampled_from(list(Step)), st.builds(Text, st.text(max_size=200)), st.booleans())
def test_any_typed_text_at_any_step(step: Step, event: Text, editing: bool) -> None:
    _apply(step, event, editing)


@COMMON
@given(st.sampled_from(list(Step)), INPUTS, st.booleans())
@example(Step.INCOME, Location(-7.12, 112.42), False)
@example(Step.LOCATION_CHOICE, Choice("²"), False)
def test_any_input_at_any_step(step: Step, event: Input, editing: bool) -> None:
    _apply(step, event, editing)


# --- callback data ------------------------------------------------------------------------------

CALLBACK_PARTS = st.lists(st.one_of(st.text(max_size=12),
                                    st.integers(-10, 10**13).map(str),
                                    st.sampled_from(["t", "l", "0", "1", "3", "12", "²", "١"])),
                          max_size=6)


def _check_calculator(parts: list[str]) -> None:
    parsed = CalculatorChoice.decode("c:" + ":".join(parts))
    if parsed is not None:
        assert 0 < parsed.income <= 1_000_000_000
        assert parsed.sector in (None, "transportasi", "lainnya")
        assert parsed.with_jht in (None, False, True)
        assert parsed.months in (None, 1, 3, 6, 12)


@COMMON
@given(st.lists(st.one_of(st.from_regex(r"[ -~]{0,12}", fullmatch=True),
                          st.integers(-10, 10**13).map(str)), max_size=6))
def test_calculator_data_in_ascii_is_parsed_or_refused(parts: list[str]) -> None:
    _check_calculator(parts)


@COMMON
@given(CALLBACK_PARTS)
@example(["²"])
@example(["1000000", "t", "0", "²"])
def test_any_calculator_data_is_parsed_or_refused(parts: list[str]) -> None:
    _check_calculator(parts)


@COMMON
@given(st.text(max_size=64))
@example("ld:²:ambil")
@example("ld:1:ambil:x")
def test_lead_callback_data_is_parsed_or_refused(data: str) -> None:
    parsed = LeadButton.decode(data)
    assert parsed is None or (parsed.lead_id >= 0 and parsed.action is not None)


@COMMON
@given(st.integers(min_value=0, max_value=10**25))
@example(99999999999999999999)
def test_a_parsed_lead_id_fits_the_database(lead_id: int) -> None:
    parsed = LeadButton.decode(f"ld:{lead_id}:ambil")
    assert parsed is None or parsed.lead_id <= LEAD_ID_MAX
