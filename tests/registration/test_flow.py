"""The registration state machine, step by step, without database or Telegram."""

from __future__ import annotations

from datetime import date

import pytest

from bot.registration.flow import (
    Back,
    Choice,
    Contact,
    Location,
    RoutedPlace,
    State,
    Step,
    Text,
    apply,
)

TODAY = date(2026, 11, 22)
LAMONGAN = RoutedPlace("35.24", "Kabupaten Lamongan", "ID-JI", "Jawa Timur", "KC-LMG", "Lamongan")
KAB_BOGOR = RoutedPlace("32.01", "Kabupaten Bogor", "ID-JB", "Jawa Barat", "KC-BGR", "Kab. Bogor")
KOTA_BOGOR = RoutedPlace("32.71", "Kota Bogor", "ID-JB", "Jawa Barat", "KC-BGR", "Kota Bogor")


class FakePlaces:
    """A tiny in-memory directory: the flow only needs these two questions answered."""

    def from_point(self, lat: float, lon: float) -> RoutedPlace | None:
        return LAMONGAN if -11 < lat < 6 and 95 < lon < 141 else None

    def from_text(self, text: str) -> list[RoutedPlace]:
        return {"lamongan": [LAMONGAN], "bogor": [KAB_BOGOR, KOTA_BOGOR]}.get(text.lower(), [])


def run(state: State, *events: object) -> State:
    for event in events:
        outcome = apply(state, event, FakePlaces(), TODAY)  # type: ignore[arg-type]
        assert outcome.error is None, (state.step, event, outcome.error)
        state = outcome.state
    return state


def test_happy_path_reaches_summary_with_all_fields() -> None:
    state = run(
        State.start(),
        Choice("yes"),
        Text("  Siti   Aminah "),
        Text("0812-3456-7890"),
        Choice("pedagang"),
        Text("Lamongan"),
        Text("2,5 juta"),
        Choice("pagi"),
    )
    assert state.step == Step.SUMMARY
    assert state.data["name"] == "Siti Aminah"
    assert state.data["phone"] == "+6281234567890"
    assert state.data["branch_code"] == "KC-LMG"
    assert state.data["income"] == 2_500_000
    outcome = apply(state, Choice("confirm"), FakePlaces(), TODAY)
    assert outcome.confirmed


def test_declining_consent_ends_without_data() -> None:
    outcome = apply(State.start(), Choice("no"), FakePlaces(), TODAY)
    assert outcome.declined and outcome.state.data == {}


@pytest.mark.parametrize(
    "bad", ["", "   ", "12345", "x", "https://spam.example", "/start", "A" * 200]
)
def test_absurd_names_are_rejected_with_a_hint(bad: str) -> None:
    outcome = apply(State(Step.NAME), Text(bad), FakePlaces(), TODAY)
    assert outcome.state.step == Step.NAME
    assert outcome.error is not None and outcome.error.startswith("name_")


def test_names_in_any_script_and_html_are_kept_verbatim() -> None:
    for name in ("Ni Luh Putu Ayu", "ꦱꦶꦠꦶ ꦄꦩꦶꦤꦃ", "<b>Budi</b> & Co"):
        state = run(State(Step.NAME), Text(name))
        assert state.data["name"] == name


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("812 3456 7890", "+6281234567890"),
    ],
)
def test_indonesian_ways_of_writing_numbers(typed: str, e164: str) -> None:
    assert run(State(Step.PHONE), Text(typed)).data["phone"] == e164


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("abcdefghij", "phone_invalid"),
        ("+65 8123 4567", "phone_not_indonesian"),
        ("021 555 1234", "phone_not_mobile"),
    ],
)
def test_bad_numbers(typed: str, reason: str) -> None:
    assert apply(State(Step.PHONE), Text(typed), FakePlaces(), TODAY).error == reason


def test_someone_elses_contact_is_accepted_but_flagged() -> None:
    state = run(State(Step.PHONE), Contact("6281234567890", is_own=False))
    assert state.data["phone_is_own"] is False


def test_ambiguous_place_offers_a_choice() -> None:
    state = run(State(Step.LOCATION), Text("bogor"))
    assert state.step == Step.LOCATION_CHOICE
    state = run(state, Choice("1"))
    assert state.step == Step.INCOME and state.data["regency_code"] == "32.71"


def test_point_outside_indonesia_asks_again() -> None:
    outcome = apply(State(Step.LOCATION), Location(1.29, 103.85 + 50), FakePlaces(), TODAY)
    assert outcome.error == "outside_indonesia" and outcome.state.step == Step.LOCATION


def test_income_gives_an_estimate_and_bad_income_a_reason() -> None:
    outcome = apply(
        State(Step.INCOME, {"occupation": "ojek_driver"}), Text("2jt"), FakePlaces(), TODAY
    )
    assert outcome.estimate is not None and outcome.estimate.sector == "transportasi"
    for bad, reason in (("-5jt", "income_not_a_number"), ("999999999999", "income_too_large")):
        result = apply(State(Step.INCOME), Text(bad), FakePlaces(), TODAY)
        assert result.error is not None and result.error.startswith("income_"), (bad, reason)


def test_back_goes_one_step_back_and_edit_returns_to_summary() -> None:
    assert apply(State(Step.OCCUPATION), Back(), FakePlaces(), TODAY).state.step == Step.PHONE
    summary = State(Step.SUMMARY, {"name": "Budi", "contact_time": "pagi"})
    state = run(summary, Choice("edit"), Choice("name"), Text("Budi Santoso"))
    assert state.step == Step.SUMMARY and state.data["name"] == "Budi Santoso"
    assert "editing" not in state.data


def test_buttons_of_other_steps_are_not_accepted_as_text() -> None:
    outcome = apply(State(Step.OCCUPATION), Choice("petani-forged"), FakePlaces(), TODAY)
    assert outcome.error == "use_buttons"
    outcome = apply(
        State(Step.LOCATION_CHOICE, {"place_options": []}), Choice("7"), FakePlaces(), TODAY
    )
    assert outcome.error == "use_buttons"
