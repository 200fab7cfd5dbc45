"""Every inline button's callback data, one typed codec per prefix.

A button carries at most 64 bytes that anyone can forge (a modified client sends whatever it
likes), and buttons on old messages keep working for months. So each codec here is the one
place that writes a prefix (``encode``), reads it back (``decode``: None for forged, mangled or
retired data, never an exception) and names the regex python-telegram-bot routes it with
(``pattern``, registered in ``bot.app``). The bytes each codec writes are a contract with
messages already sent: change them only by still decoding the old form.

Prefixes: ``m:`` main menu, ``lang:`` language, ``q:`` answer topics, ``p:`` privacy,
``o:`` office choice, ``c:`` calculator, ``r:`` registration, ``ld:`` lead cards,
``hd:`` handoff tickets, ``fu:`` follow-up questions.

The routing patterns are as loose as the handlers behind them want: ``r:``, ``c:``, ``o:`` and
``ld:`` take any data with their prefix so that their handler can answer a forged press in
its own words ("no such place", "this button is not valid"); the rest send anything they
don't know to the catch-all "button no longer active".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import ClassVar, Self, TypeVar

from bot.amounts import MAX_INCOME, InvalidIncome, check_income
from bot.calculator import Sector
from bot.followup import SATISFACTION_SCORES, ContactAnswer
from bot.i18n import SUPPORTED_LANGUAGES
from bot.leads import StaffAction
from bot.presentation.ids import parse_small_int
from bot.registration.flow import Step

# Telegram refuses a button whose callback data is longer.
MAX_CALLBACK_BYTES = 64
E = TypeVar("E", bound=Enum)


def _after(data: str, prefix: str) -> str | None:
    """What follows ``prefix``, or None when ``data`` has another prefix."""
    return data[len(prefix) :] if data.startswith(prefix) else None


def _member(enum: type[E], code: str | None) -> E | None:
    """The member of ``enum`` whose value is ``code``, if any."""
    return next((member for member in enum if member.value == code), None)


def _pattern_for(prefix: str, codes: tuple[str, ...]) -> str:
    return f"^{re.escape(prefix)}({'|'.join(re.escape(code) for code in codes)})$"


# --- m: the main menu -------------------------------------------------------------------------


class MenuItem(Enum):
    ASK = "ask"
    CALCULATOR = "calc"
    REGISTER = "reg"
    OFFICE = "office"
    LANGUAGE = "lang"
    HOME = "home"


@dataclass(frozen=True)
class MenuButton:
    """``m:reg``: a main-menu entry (also offered under answers and estimates)."""

    item: MenuItem

    prefix: ClassVar[str] = "m:"
    pattern: ClassVar[str] = _pattern_for(prefix, tuple(item.value for item in MenuItem))

    def encode(self) -> str:
        return f"{self.prefix}{self.item.value}"

    @classmethod
    def decode(cls, data: str) -> Self | None:
        item = _member(MenuItem, _after(data, cls.prefix))
        return None if item is None else cls(item)

    @classmethod
    def pattern_for(cls, item: MenuItem) -> str:
        """The pattern of one entry, for the features that answer their own menu button."""
        return f"^{re.escape(cls(item).encode())}$"


# --- lang: the language chooser ---------------------------------------------------------------


@dataclass(frozen=True)
class LanguageButton:
    """``lang:en``: one of the bot's languages."""

    language: str

    prefix: ClassVar[str] = "lang:"
    pattern: ClassVar[str] = _pattern_for(prefix, SUPPORTED_LANGUAGES)

    def encode(self) -> str:
        return f"{self.prefix}{self.language}"

    @classmethod
    def decode(cls, data: str) -> Self | None:
        code = _after(data, cls.prefix)
        return cls(code) if code in SUPPORTED_LANGUAGES else None


# --- q: a topic of the knowledge base ---------------------------------------------------------

_TOPIC = r"[a-z_]{2,30}"


@dataclass(frozen=True)
class TopicButton:
    """``q:iuran``: show that topic's answer (``q:petugas`` asks staff instead)."""

    topic: str

    prefix: ClassVar[str] = "q:"
    pattern: ClassVar[str] = rf"^q:{_TOPIC}$"

    def encode(self) -> str:
        return f"{self.prefix}{self.topic}"

    @classmethod
    def decode(cls, data: str) -> Self | None:
        topic = _after(data, cls.prefix)
        return cls(topic) if topic is not None and re.fullmatch(_TOPIC, topic) else None


# --- p: deleting one's data -------------------------------------------------------------------


class PrivacyChoice(Enum):
    DELETE = "delete"
    KEEP = "keep"


@dataclass(frozen=True)
class PrivacyButton:
    """``p:delete`` / ``p:keep``: the answer to /hapusdata's confirmation."""

    choice: PrivacyChoice

    prefix: ClassVar[str] = "p:"
    pattern: ClassVar[str] = _pattern_for(prefix, tuple(c.value for c in PrivacyChoice))

    def encode(self) -> str:
        return f"{self.prefix}{self.choice.value}"

    @classmethod
    def decode(cls, data: str) -> Self | None:
        choice = _member(PrivacyChoice, _after(data, cls.prefix))
        return None if choice is None else cls(choice)


# --- o: one of several places with the same name (nearest office) -----------------------------

# Regency codes as the directory's CSV allows them (bot.geo.csvio), "kota-tangerang-selatan".
_REGENCY_CODE = r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}"


@dataclass(frozen=True)
class OfficeChoice:
    """``o:kab-lamongan``: the regency the worker picked."""

    regency_code: str

    prefix: ClassVar[str] = "o:"
    # Any o: data reaches the office handler, which answers an unknown code "no such place".
    pattern: ClassVar[str] = r"^o:"

    def encode(self) -> str:
        return f"{self.prefix}{self.regency_code}"

    @classmethod
    def decode(cls, data: str) -> Self | None:
        code = _after(data, cls.prefix)
        return cls(code) if code is not None and re.fullmatch(_REGENCY_CODE, code) else None


# --- c: the contribution calculator -----------------------------------------------------------

CALCULATOR_PREFIX = "c:"
# Any c: data reaches the calculator, which answers a forged choice "no longer active".
CALCULATOR_PATTERN = r"^c:"
_SECTOR_CODES: dict[Sector, str] = {"transportasi": "t", "lainnya": "l"}
_JHT_CODES = {False: "0", True: "1"}


@dataclass(frozen=True)
class CalculatorOwnAmount:
    """``c:own``: the worker will type their income."""

    prefix: ClassVar[str] = CALCULATOR_PREFIX
    pattern: ClassVar[str] = CALCULATOR_PATTERN

    def encode(self) -> str:
        return f"{self.prefix}own"

    @classmethod
    def decode(cls, data: str) -> Self | None:
        return cls() if data == cls().encode() else None


@dataclass(frozen=True)
class CalculatorChoice:
    """``c:<income>[:<sector>[:<jht>[:<months>]]]``: the choices so far ride in the button, so
    the calculator keeps no state between its steps (``c:2000000:t:1:12``)."""

    income: int
    sector: Sector | None = None
    with_jht: bool | None = None
    months: int | None = None

    prefix: ClassVar[str] = CALCULATOR_PREFIX
    pattern: ClassVar[str] = CALCULATOR_PATTERN
    # How many months a worker can pay at once (the last step's buttons).
    MONTHS: ClassVar[tuple[int, ...]] = (1, 3, 6, 12)

    def encode(self) -> str:
        fields = [str(self.income)]
        if self.sector is not None:
            fields.append(_SECTOR_CODES[self.sector])
            if self.with_jht is not None:
                fields.append(_JHT_CODES[self.with_jht])
                if self.months is not None:
                    fields.append(str(self.months))
        return self.prefix + ":".join(fields)

    @classmethod
    def decode(cls, data: str) -> Self | None:
        payload = _after(data, cls.prefix)
        fields = payload.split(":") if payload is not None else []
        if not 1 <= len(fields) <= 4:
            return None
        income = parse_small_int(fields[0], MAX_INCOME)
        try:
            income = check_income(income)
        except InvalidIncome:
            return None
        sectors = {code: sector for sector, code in _SECTOR_CODES.items()}
        jhts = {code: jht for jht, code in _JHT_CODES.items()}
        if len(fields) > 1 and fields[1] not in sectors:
            return None
        if len(fields) > 2 and fields[2] not in jhts:
            return None
        months = parse_small_int(fields[3]) if len(fields) > 3 else None
        if len(fields) > 3 and months not in cls.MONTHS:
            return None
        return cls(
            income,
            sectors[fields[1]] if len(fields) > 1 else None,
            jhts[fields[2]] if len(fields) > 2 else None,
            months,
        )


# --- r: the registration ----------------------------------------------------------------------

REGISTRATION_PREFIX = "r:"
# Any r: data reaches the registration, which shows a forged press the step the worker is at.
REGISTRATION_PATTERN = r"^r:"
# Answers as the registration's buttons carry them: occupation and contact-time codes, "yes",
# "skip", a place's index, a field name. The flow itself decides which fit the step.
_CHOICE_VALUE = r"[a-z0-9_]{1,30}"


class RegistrationNav(Enum):
    BACK = "back"
    CANCEL = "cancel"


@dataclass(frozen=True)
class RegistrationNavButton:
    """``r:back`` / ``r:cancel``: valid at any step, so they name none."""

    nav: RegistrationNav

    prefix: ClassVar[str] = REGISTRATION_PREFIX
    pattern: ClassVar[str] = REGISTRATION_PATTERN

    def encode(self) -> str:
        return f"{self.prefix}{self.nav.value}"

    @classmethod
    def decode(cls, data: str) -> Self | None:
        nav = _member(RegistrationNav, _after(data, cls.prefix))
        return None if nav is None else cls(nav)


@dataclass(frozen=True)
class RegistrationChoice:
    """``r:<step>:<value>``: the step rides along so that a button pressed on an old message is
    recognised as stale (``r:occupation:petani``)."""

    step: Step
    value: str

    prefix: ClassVar[str] = REGISTRATION_PREFIX
    pattern: ClassVar[str] = REGISTRATION_PATTERN

    def encode(self) -> str:
        return f"{self.prefix}{self.step.value}:{self.value}"

    @classmethod
    def decode(cls, data: str) -> Self | None:
        step_code, _sep, value = (_after(data, cls.prefix) or "").partition(":")
        steps = {step.value: step for step in Step}
        if step_code not in steps or not re.fullmatch(_CHOICE_VALUE, value):
            return None
        return cls(steps[step_code], value)


# --- ld: the status buttons on a lead card (staff groups) -------------------------------------

# Wire codes of the staff actions, in Indonesian as staff read them. "daftar" is the Enrolled
# button ("terdaftar"), not registering interest nor a list: it is on cards already posted in
# staff groups, so it stays.
_LEAD_ACTION_CODES: dict[StaffAction, str] = {
    StaffAction.CLAIM: "ambil",
    StaffAction.CONTACTED: "hubungi",
    StaffAction.ENROLLED: "daftar",
    StaffAction.DECLINED: "tolak",
    StaffAction.UNCLAIM: "lepas",
    StaffAction.UNDO: "urung",
}


@dataclass(frozen=True)
class LeadButton:
    """``ld:<lead id>:<action>``, or ``ld:<lead id>:urung:<change id>`` for the undo button
    (the status change it takes back)."""

    lead_id: int
    action: StaffAction
    change_id: int | None = None

    prefix: ClassVar[str] = "ld:"
    # Any ld: data reaches the card handler, which tells staff "this button is not valid".
    pattern: ClassVar[str] = r"^ld:"

    def encode(self) -> str:
        data = f"{self.prefix}{self.lead_id}:{_LEAD_ACTION_CODES[self.action]}"
        return data if self.change_id is None else f"{data}:{self.change_id}"

    @classmethod
    def decode(cls, data: str) -> Self | None:
        fields = (_after(data, cls.prefix) or "").split(":")
        if len(fields) not in (2, 3):
            return None
        actions = {code: action for action, code in _LEAD_ACTION_CODES.items()}
        lead_id, action = parse_small_int(fields[0]), actions.get(fields[1])
        if lead_id is None or action is None:
            return None
        if (len(fields) == 3) != (action == StaffAction.UNDO):
            return None
        if action != StaffAction.UNDO:
            return cls(lead_id, action)
        change_id = parse_small_int(fields[2])
        return None if change_id is None else cls(lead_id, action, change_id)


# --- hd: handoff to staff ("Tanya petugas") ---------------------------------------------------

HANDOFF_PREFIX = "hd:"
HANDOFF_PATTERN = r"^hd:(last|cancel|reply|close:\d{1,12}|place:\d{1,2})$"


class HandoffAction(Enum):
    LAST_QUESTION = "last"  # send the question the bot could not answer
    CANCEL = "cancel"
    REPLY = "reply"  # answer staff (under a relayed staff answer)


@dataclass(frozen=True)
class HandoffButton:
    """``hd:last`` / ``hd:cancel`` / ``hd:reply``: the worker's side of a ticket."""

    action: HandoffAction

    prefix: ClassVar[str] = HANDOFF_PREFIX
    pattern: ClassVar[str] = HANDOFF_PATTERN

    def encode(self) -> str:
        return f"{self.prefix}{self.action.value}"

    @classmethod
    def decode(cls, data: str) -> Self | None:
        action = _member(HandoffAction, _after(data, cls.prefix))
        return None if action is None else cls(action)


@dataclass(frozen=True)
class HandoffPlace:
    """``hd:place:<index>``: one of several places with the name the worker typed."""

    index: int

    prefix: ClassVar[str] = f"{HANDOFF_PREFIX}place:"
    pattern: ClassVar[str] = HANDOFF_PATTERN
    MAX_INDEX: ClassVar[int] = 99

    def encode(self) -> str:
        return f"{self.prefix}{self.index}"

    @classmethod
    def decode(cls, data: str) -> Self | None:
        index = parse_small_int(_after(data, cls.prefix) or "", cls.MAX_INDEX)
        return None if index is None else cls(index)


@dataclass(frozen=True)
class TicketClose:
    """``hd:close:<ticket id>``: staff close a ticket in their group. The bot also reads it off
    its own ticket post to know which ticket a staff reply answers."""

    ticket_id: int

    prefix: ClassVar[str] = f"{HANDOFF_PREFIX}close:"
    pattern: ClassVar[str] = HANDOFF_PATTERN

    def encode(self) -> str:
        return f"{self.prefix}{self.ticket_id}"

    @classmethod
    def decode(cls, data: str) -> Self | None:
        ticket_id = parse_small_int(_after(data, cls.prefix) or "")
        return None if ticket_id is None else cls(ticket_id)


# --- fu: follow-up questions to workers -------------------------------------------------------

_FOLLOWUP_ANSWERS = (*(answer.value for answer in ContactAnswer), *SATISFACTION_SCORES)


@dataclass(frozen=True)
class FollowUpButton:
    """``fu:<follow-up id>:<answer>``: yes/no/registered, or a score 1-5."""

    followup_id: int
    answer: str

    prefix: ClassVar[str] = "fu:"
    pattern: ClassVar[str] = r"^fu:\d{1,12}:(yes|no|registered|[1-5])$"

    def encode(self) -> str:
        return f"{self.prefix}{self.followup_id}:{self.answer}"

    @classmethod
    def decode(cls, data: str) -> Self | None:
        raw_id, _sep, answer = (_after(data, cls.prefix) or "").partition(":")
        followup_id = parse_small_int(raw_id)
        if followup_id is None or answer not in _FOLLOWUP_ANSWERS:
            return None
        return cls(followup_id, answer)


# --- where a button may be pressed ------------------------------------------------------------

# Buttons that belong in groups (lead cards, ticket closing); every other button is a worker's
# and means nothing outside their private chat.
_GROUP_BUTTON_PREFIXES = (LeadButton.prefix, TicketClose.prefix)


def is_group_button(data: str | None) -> bool:
    """Whether ``data`` claims to be a staff group's button (its handler checks the rest)."""
    return (data or "").startswith(_GROUP_BUTTON_PREFIXES)
