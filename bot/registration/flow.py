"""The registration state machine: (state, input) → (new state, what to ask next).

Pure: no database, no Telegram. The service persists the state; the handler renders the
outcome. Every step accepts ``Back``; ``/batal`` is handled by the service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Protocol

from bot.amounts import InvalidIncome, parse_income
from bot.calculator import ContributionEstimate, calculate
from bot.registration.validation import (
    Rejected,
    parse_name,
    parse_occupation_other,
    parse_phone,
)
from bot.vocabulary import CONTACT_TIMES, OCCUPATIONS, sector_for

FLOW = "registration"
MAX_PLACE_CHOICES = 6


class Step(StrEnum):
    CONSENT = "consent"
    NAME = "name"
    PHONE = "phone"
    OCCUPATION = "occupation"
    OCCUPATION_OTHER = "occupation_other"
    LOCATION = "location"
    LOCATION_CHOICE = "location_choice"
    INCOME = "income"
    CONTACT_TIME = "contact_time"
    SUMMARY = "summary"
    EDIT = "edit"


# Where "back" goes from each step.
BACK: dict[Step, Step] = {
    Step.NAME: Step.CONSENT,
    Step.PHONE: Step.NAME,
    Step.OCCUPATION: Step.PHONE,
    Step.OCCUPATION_OTHER: Step.OCCUPATION,
    Step.LOCATION: Step.OCCUPATION,
    Step.LOCATION_CHOICE: Step.LOCATION,
    Step.INCOME: Step.LOCATION,
    Step.CONTACT_TIME: Step.INCOME,
    Step.SUMMARY: Step.CONTACT_TIME,
    Step.EDIT: Step.SUMMARY,
}
# Fields a worker can change from the summary, and the step that asks for each.
EDITABLE: dict[str, Step] = {
    "name": Step.NAME,
    "phone": Step.PHONE,
    "occupation": Step.OCCUPATION,
    "location": Step.LOCATION,
    "income": Step.INCOME,
    "contact_time": Step.CONTACT_TIME,
}


# --- inputs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Contact:
    phone: str
    is_own: bool


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float


@dataclass(frozen=True)
class Choice:
    value: str


@dataclass(frozen=True)
class Back:
    pass


Input = Text | Contact | Location | Choice | Back


# --- what the flow needs from the branch directory ------------------------------------------


@dataclass(frozen=True)
class RoutedPlace:
    regency_code: str
    regency_name: str
    province_code: str
    province_name: str
    branch_code: str
    label: str


class PlaceResolver(Protocol):
    def from_point(self, lat: float, lon: float) -> RoutedPlace | None:
        """The place at a point, or None when it is outside Indonesia."""

    def from_text(self, text: str) -> list[RoutedPlace]:
        """Candidates for a typed place: none, one, or several for a choice list."""


# --- state and outcome ----------------------------------------------------------------------


@dataclass
class State:
    step: Step
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def start(cls) -> State:
        return cls(Step.CONSENT, {})


@dataclass(frozen=True)
class Outcome:
    state: State
    # A reason code when the input was not accepted (the same step is asked again).
    error: str | None = None
    # The worker declined consent: the flow ends without storing anything.
    declined: bool = False
    # The worker confirmed the summary: the service creates or updates the lead.
    confirmed: bool = False
    estimate: ContributionEstimate | None = None


def apply(state: State, event: Input, places: PlaceResolver, today: date) -> Outcome:
    """Advance the conversation by one input."""
    if isinstance(event, Back):
        return Outcome(State(BACK.get(state.step, state.step), state.data))
    handler = _HANDLERS[state.step]
    return handler(state, event, places, today)


def estimate_for(data: dict[str, Any], today: date) -> ContributionEstimate | None:
    income = data.get("income")
    if not income:
        return None
    return calculate(int(income), sector=sector_for(data.get("occupation")), start=today)


def _next(state: State, step: Step) -> State:
    """Go to ``step``, or back to the summary when the worker was editing one field."""
    if state.data.get("editing") and step not in (Step.OCCUPATION_OTHER, Step.LOCATION_CHOICE):
        data = dict(state.data)
        data.pop("editing", None)
        return State(Step.SUMMARY, data)
    return State(step, state.data)


def _with(state: State, **values: Any) -> State:
    return State(state.step, {**state.data, **values})


def _consent(state: State, event: Input, _p: PlaceResolver, _t: date) -> Outcome:
    if isinstance(event, Choice) and event.value == "yes":
        return Outcome(State(Step.NAME, {**state.data, "consent": True}))
    if isinstance(event, Choice) and event.value == "no":
        return Outcome(state, declined=True)
    return Outcome(state, error="use_buttons")


def _name(state: State, event: Input, _p: PlaceResolver, _t: date) -> Outcome:
    if not isinstance(event, Text):
        return Outcome(state, error="type_name")
    try:
        name = parse_name(event.text)
    except Rejected as rejected:
        return Outcome(state, error=f"name_{rejected.reason}")
    return Outcome(_next(_with(state, name=name), Step.PHONE))


def _phone(state: State, event: Input, _p: PlaceResolver, _t: date) -> Outcome:
    if isinstance(event, Contact):
        raw, is_own = event.phone, event.is_own
    elif isinstance(event, Text):
        raw, is_own = event.text, True
    else:
        return Outcome(state, error="phone_invalid")
    try:
        phone = parse_phone(raw, is_own=is_own)
    except Rejected as rejected:
        return Outcome(state, error=f"phone_{rejected.reason}")
    return Outcome(
        _next(_with(state, phone=phone.e164, phone_is_own=phone.is_own), Step.OCCUPATION)
    )


def _occupation(state: State, event: Input, _p: PlaceResolver, _t: date) -> Outcome:
    if isinstance(event, Choice) and event.value in OCCUPATIONS:
        if event.value == "lainnya":
            return Outcome(State(Step.OCCUPATION_OTHER, {**state.data, "occupation": "lainnya"}))
        data = {**state.data, "occupation": event.value}
        data.pop("occupation_other", None)
        return Outcome(_next(State(state.step, data), Step.LOCATION))
    return Outcome(state, error="use_buttons")


def _occupation_other(state: State, event: Input, _p: PlaceResolver, _t: date) -> Outcome:
    if not isinstance(event, Text):
        return Outcome(state, error="type_occupation")
    try:
        other = parse_occupation_other(event.text)
    except Rejected:
        return Outcome(state, error="type_occupation")
    return Outcome(_next(_with(state, occupation_other=other), Step.LOCATION))


def _place_data(place: RoutedPlace) -> dict[str, str]:
    return {
        "regency_code": place.regency_code,
        "regency_name": place.regency_name,
        "province_code": place.province_code,
        "province_name": place.province_name,
        "branch_code": place.branch_code,
        "place_label": place.label,
    }


def _location(state: State, event: Input, places: PlaceResolver, _t: date) -> Outcome:
    if isinstance(event, Location):
        place = places.from_point(event.lat, event.lon)
        if place is None:
            return Outcome(state, error="outside_indonesia")
        return Outcome(_next(_with(state, **_place_data(place)), Step.INCOME))
    if not isinstance(event, Text):
        return Outcome(state, error="place_help")
    candidates = places.from_text(event.text)
    if not candidates:
        return Outcome(state, error="place_unknown")
    if len(candidates) == 1:
        return Outcome(_next(_with(state, **_place_data(candidates[0])), Step.INCOME))
    options = [_place_data(place) for place in candidates[:MAX_PLACE_CHOICES]]
    return Outcome(State(Step.LOCATION_CHOICE, {**state.data, "place_options": options}))


def _location_choice(state: State, event: Input, places: PlaceResolver, today: date) -> Outcome:
    options: list[dict[str, str]] = state.data.get("place_options", [])
    if (
        isinstance(event, Choice)
        and event.value.isascii()
        and event.value.isdigit()
        and int(event.value) < len(options)
    ):
        data = {**state.data, **options[int(event.value)]}
        data.pop("place_options", None)
        return Outcome(_next(State(state.step, data), Step.INCOME))
    if isinstance(event, Text | Location):
        # A worker may type a more precise place instead of picking one.
        return _location(State(Step.LOCATION, state.data), event, places, today)
    return Outcome(state, error="use_buttons")


def _income(state: State, event: Input, _p: PlaceResolver, today: date) -> Outcome:
    if isinstance(event, Choice) and event.value == "skip":
        data = {**state.data, "income": None}
        return Outcome(_next(State(state.step, data), Step.CONTACT_TIME))
    if not isinstance(event, Text):
        return Outcome(state, error="income_invalid")
    try:
        income = parse_income(event.text)
    except InvalidIncome as invalid:
        return Outcome(state, error=f"income_{invalid.reason}")
    data = {**state.data, "income": income}
    return Outcome(
        _next(State(state.step, data), Step.CONTACT_TIME), estimate=estimate_for(data, today)
    )


def _contact_time(state: State, event: Input, _p: PlaceResolver, _t: date) -> Outcome:
    if isinstance(event, Choice) and event.value in CONTACT_TIMES:
        return Outcome(State(Step.SUMMARY, {**state.data, "contact_time": event.value}))
    return Outcome(state, error="use_buttons")


def _summary(state: State, event: Input, _p: PlaceResolver, _t: date) -> Outcome:
    if isinstance(event, Choice) and event.value == "confirm":
        return Outcome(state, confirmed=True)
    if isinstance(event, Choice) and event.value == "edit":
        return Outcome(State(Step.EDIT, state.data))
    return Outcome(state, error="use_buttons")


def _edit(state: State, event: Input, _p: PlaceResolver, _t: date) -> Outcome:
    if isinstance(event, Choice) and event.value in EDITABLE:
        return Outcome(State(EDITABLE[event.value], {**state.data, "editing": True}))
    return Outcome(state, error="use_buttons")


_HANDLERS = {
    Step.CONSENT: _consent,
    Step.NAME: _name,
    Step.PHONE: _phone,
    Step.OCCUPATION: _occupation,
    Step.OCCUPATION_OTHER: _occupation_other,
    Step.LOCATION: _location,
    Step.LOCATION_CHOICE: _location_choice,
    Step.INCOME: _income,
    Step.CONTACT_TIME: _contact_time,
    Step.SUMMARY: _summary,
    Step.EDIT: _edit,
}
