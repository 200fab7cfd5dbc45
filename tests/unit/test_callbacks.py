"""The callback-data codecs (bot.presentation.callbacks): what they write is what buttons on
messages already sent carry, so today's bytes are pinned here; whatever anyone forges decodes
to None; and no other module writes, routes or slices callback data of its own."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.amounts import MAX_INCOME
from bot.answers import catalog
from bot.geo import load_default_directory
from bot.i18n import SUPPORTED_LANGUAGES
from bot.leads import StaffAction
from bot.presentation.callbacks import (
    CALCULATOR_PATTERN,
    HANDOFF_PATTERN,
    MAX_CALLBACK_BYTES,
    REGISTRATION_PATTERN,
    CalculatorChoice,
    CalculatorOwnAmount,
    FollowUpButton,
    HandoffAction,
    HandoffButton,
    HandoffPlace,
    LanguageButton,
    LeadButton,
    MenuButton,
    MenuItem,
    OfficeChoice,
    PrivacyButton,
    PrivacyChoice,
    RegistrationChoice,
    RegistrationNav,
    RegistrationNavButton,
    TicketClose,
    TopicButton,
    is_group_button,
)
from bot.presentation.ids import MAX_ROW_ID
from bot.registration.flow import Step

ROOT = Path(__file__).resolve().parents[2]
CODECS = ROOT / "bot" / "presentation" / "callbacks.py"

Codec = (
    MenuButton
    | LanguageButton
    | TopicButton
    | PrivacyButton
    | OfficeChoice
    | CalculatorOwnAmount
    | CalculatorChoice
    | RegistrationNavButton
    | RegistrationChoice
    | LeadButton
    | HandoffButton
    | HandoffPlace
    | TicketClose
    | FollowUpButton
)

# Every kind of button, each field at the largest value it can take.
LARGEST: list[Codec] = [
    *(MenuButton(item) for item in MenuItem),
    *(LanguageButton(lang) for lang in SUPPORTED_LANGUAGES),
    TopicButton("z" * 30),
    *(PrivacyButton(choice) for choice in PrivacyChoice),
    OfficeChoice("k" * 40),
    CalculatorOwnAmount(),
    CalculatorChoice(MAX_INCOME, "transportasi", True, max(CalculatorChoice.MONTHS)),
    *(RegistrationNavButton(nav) for nav in RegistrationNav),
    *(RegistrationChoice(step, "v" * 30) for step in Step),
    *(
        LeadButton(MAX_ROW_ID, action, MAX_ROW_ID if action == StaffAction.UNDO else None)
        for action in StaffAction
    ),
    *(HandoffButton(action) for action in HandoffAction),
    HandoffPlace(HandoffPlace.MAX_INDEX),
    TicketClose(MAX_ROW_ID),
    FollowUpButton(MAX_ROW_ID, "registered"),
]
# And some at their smallest, or in between.
SMALLER: list[Codec] = [
    TopicButton("ab"),
    OfficeChoice("kota-tangerang-selatan"),
    CalculatorChoice(1),
    CalculatorChoice(2_000_000, "lainnya"),
    CalculatorChoice(2_000_000, "lainnya", False),
    CalculatorChoice(2_000_000, "lainnya", False, 1),
    RegistrationChoice(Step.LOCATION_CHOICE, "0"),
    LeadButton(0, StaffAction.CLAIM),
    LeadButton(1, StaffAction.UNDO, 0),
    HandoffPlace(0),
    TicketClose(0),
    *(FollowUpButton(1, answer) for answer in ("yes", "no", "registered", "1", "5")),
]


def _name(codec: Codec) -> str:
    return codec.encode()


@pytest.mark.parametrize("codec", [*LARGEST, *SMALLER], ids=_name)
def test_every_button_decodes_to_itself_and_is_routed_by_its_pattern(codec: Codec) -> None:
    data = codec.encode()
    assert type(codec).decode(data) == codec
    assert re.match(codec.pattern, data), (codec.pattern, data)


@pytest.mark.parametrize("codec", LARGEST, ids=_name)
def test_the_largest_data_fits_in_a_button(codec: Codec) -> None:
    assert len(codec.encode().encode("utf-8")) <= MAX_CALLBACK_BYTES


def test_the_buttons_the_bot_issues_from_its_data_decode() -> None:
    """The knowledge base's topics and the directory's regency codes, as buttons."""
    topics = {topic for lang in SUPPORTED_LANGUAGES for topic in catalog(lang).topics}
    for topic in topics:
        assert TopicButton.decode(TopicButton(topic).encode()) == TopicButton(topic), topic
    for code in load_default_directory().regencies:
        data = OfficeChoice(code).encode()
        assert len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES
        assert OfficeChoice.decode(data) == OfficeChoice(code), code


# Callback data as buttons on messages already sent carry it, and what it means.
WIRE: dict[str, Codec] = {
    "m:ask": MenuButton(MenuItem.ASK),
    "m:calc": MenuButton(MenuItem.CALCULATOR),
    "m:reg": MenuButton(MenuItem.REGISTER),
    "m:office": MenuButton(MenuItem.OFFICE),
    "m:lang": MenuButton(MenuItem.LANGUAGE),
    "m:home": MenuButton(MenuItem.HOME),
    "lang:en": LanguageButton("en"),
    "lang:id": LanguageButton("id"),
    "q:iuran": TopicButton("iuran"),
    "q:petugas": TopicButton("petugas"),
    "p:delete": PrivacyButton(PrivacyChoice.DELETE),
    "p:keep": PrivacyButton(PrivacyChoice.KEEP),
    "o:kab-lamongan": OfficeChoice("kab-lamongan"),
    # Longer than the 20 characters the office handler used to cut codes to.
    "o:kab-tanjung-jabung-barat": OfficeChoice("kab-tanjung-jabung-barat"),
    "c:own": CalculatorOwnAmount(),
    "c:1000000": CalculatorChoice(1_000_000),
    "c:2000000:l": CalculatorChoice(2_000_000, "lainnya"),
    "c:2000000:t:0": CalculatorChoice(2_000_000, "transportasi", False),
    "c:1000000:t:0:1": CalculatorChoice(1_000_000, "transportasi", False, 1),
    "c:2000000:l:1:12": CalculatorChoice(2_000_000, "lainnya", True, 12),
    "r:back": RegistrationNavButton(RegistrationNav.BACK),
    "r:cancel": RegistrationNavButton(RegistrationNav.CANCEL),
    "r:consent:yes": RegistrationChoice(Step.CONSENT, "yes"),
    "r:occupation:ojek_driver": RegistrationChoice(Step.OCCUPATION, "ojek_driver"),
    "r:location_choice:2": RegistrationChoice(Step.LOCATION_CHOICE, "2"),
    "r:income:skip": RegistrationChoice(Step.INCOME, "skip"),
    "r:contact_time:kapan_saja": RegistrationChoice(Step.CONTACT_TIME, "kapan_saja"),
    "r:summary:confirm": RegistrationChoice(Step.SUMMARY, "confirm"),
    "r:edit:contact_time": RegistrationChoice(Step.EDIT, "contact_time"),
    "ld:12:ambil": LeadButton(12, StaffAction.CLAIM),
    "ld:12:hubungi": LeadButton(12, StaffAction.CONTACTED),
    # "daftar" on a lead card is the Enrolled button.
    "ld:12:daftar": LeadButton(12, StaffAction.ENROLLED),
    "ld:12:tolak": LeadButton(12, StaffAction.DECLINED),
    "ld:12:lepas": LeadButton(12, StaffAction.UNCLAIM),
    "ld:12:urung:7": LeadButton(12, StaffAction.UNDO, 7),
    "hd:last": HandoffButton(HandoffAction.LAST_QUESTION),
    "hd:cancel": HandoffButton(HandoffAction.CANCEL),
    "hd:reply": HandoffButton(HandoffAction.REPLY),
    "hd:place:1": HandoffPlace(1),
    "hd:close:42": TicketClose(42),
    "fu:5:yes": FollowUpButton(5, "yes"),
    "fu:5:no": FollowUpButton(5, "no"),
    "fu:5:registered": FollowUpButton(5, "registered"),
    "fu:5:4": FollowUpButton(5, "4"),
}


@pytest.mark.parametrize("data", list(WIRE))
def test_data_on_buttons_already_sent_keeps_its_meaning(data: str) -> None:
    expected = WIRE[data]
    assert type(expected).decode(data) == expected
    assert expected.encode() == data


def test_the_routing_patterns_are_those_of_buttons_already_sent() -> None:
    assert MenuButton.pattern == r"^m:(ask|calc|reg|office|lang|home)$"
    assert MenuButton.pattern_for(MenuItem.REGISTER) == "^m:reg$"
    assert LanguageButton.pattern == r"^lang:(id|en)$"
    assert TopicButton.pattern == r"^q:[a-z_]{2,30}$"
    assert PrivacyButton.pattern == r"^p:(delete|keep)$"
    assert OfficeChoice.pattern == r"^o:"
    assert CALCULATOR_PATTERN == CalculatorChoice.pattern == CalculatorOwnAmount.pattern == r"^c:"
    assert REGISTRATION_PATTERN == RegistrationChoice.pattern == r"^r:"
    assert LeadButton.pattern == r"^ld:"
    assert HANDOFF_PATTERN == r"^hd:(last|cancel|reply|close:\d{1,12}|place:\d{1,2})$"
    assert FollowUpButton.pattern == r"^fu:\d{1,12}:(yes|no|registered|[1-5])$"


# Forged, mangled or retired data, per codec: each decodes to None.
FORGED: dict[type[Codec], list[str]] = {
    MenuButton: ["", "m:", "m:nope", "m:reg:extra", "m:" + "x" * 62, "M:ask", "q:ask"],
    LanguageButton: ["", "lang:", "lang:xx", "lang:EN", "lang:en:extra", "m:lang"],
    TopicButton: ["", "q:", "q:a", "q:DROP", "q:" + "a" * 31, "q:iuran:x", "q:iur an", "m:iuran"],
    PrivacyButton: ["", "p:", "p:nuke", "p:delete:everyone", "p:DELETE"],
    OfficeChoice: ["", "o:", "o:" + "x" * 41, "o:'; DROP TABLE regencies; --", "o:<b>",
                   "o:-kab", "o:kab lamongan", "c:kab-lamongan"],
    CalculatorOwnAmount: ["", "c:", "c:own:1", "c:OWN", "c:1000000"],
    CalculatorChoice: ["", "c:", "c:abc", "c:-5000000", "c:999999999999", "c:0", "c:1000000:x",
                       "c:1000000:t:2", "c:1000000:t:0:7", "c:1000000:t:0:1:extra", "c:1e9",
                       "c:²", "c:1000000:t:0:²", f"c:{MAX_INCOME + 1}", "c:own", "c:1000000:"],
    RegistrationNavButton: ["", "r:", "r:BACK", "r:back:1", "r:name:back"],
    RegistrationChoice: ["", "r:", "r:back", "r:cancel", "r:nope:yes", "r:consent:",
                         "r:consent:maybe maybe", "r:location_choice:-1",
                         "r:location_choice:²", "r:name:" + "z" * 31, "r:consent:yes:no",
                         "x:consent:yes"],
    LeadButton: ["", "ld:", "ld:1", "ld:abc:ambil", "ld:1:nuke", "ld:²:ambil",
                 "ld:99999999999999999999:ambil", f"ld:{MAX_ROW_ID + 1}:ambil", "ld:1:urung",
                 "ld:1:urung:x", "ld:1:ambil:3", "ld:1:urung:3:4", "ld:1:lepas:", "ld:-1:ambil",
                 "ld:1:enrolled", "ld:1:claim", "hd:1:ambil"],
    HandoffButton: ["", "hd:", "hd:close", "hd:place", "hd:last:1", "hd:LAST"],
    HandoffPlace: ["", "hd:place:", "hd:place:100", "hd:place:-1", "hd:place:x", "hd:place:٣"],
    TicketClose: ["", "hd:close:", "hd:close:x", "hd:close:999999999999", "hd:close:٣",
                  "hd:close:1:2", "ld:close:1"],
    FollowUpButton: ["", "fu:", "fu:1", "fu:1:", "fu:1:maybe", "fu:1:6", "fu:1:0", "fu:x:yes",
                     "fu:999999999999:yes", "fu:1:yes:no", "fu:²:yes", "fu::yes"],
}


@pytest.mark.parametrize("codec", list(FORGED), ids=lambda codec: codec.__name__)
def test_forged_data_decodes_to_none(codec: type[Codec]) -> None:
    for data in FORGED[codec]:
        assert codec.decode(data) is None, data


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(list(FORGED)),
    st.sampled_from(["", "m:", "lang:", "q:", "p:", "o:", "c:", "r:", "ld:", "hd:", "hd:place:",
                     "hd:close:", "fu:"]),
    st.text(max_size=64),
)
def test_any_data_decodes_or_is_refused_without_an_error(
    codec: type[Codec], prefix: str, rest: str
) -> None:
    decoded = codec.decode(prefix + rest)
    assert decoded is None or len(decoded.encode().encode("utf-8")) <= MAX_CALLBACK_BYTES


def test_only_lead_cards_and_ticket_closing_belong_in_groups() -> None:
    assert is_group_button(LeadButton(1, StaffAction.CLAIM).encode())
    assert is_group_button(TicketClose(1).encode())
    assert is_group_button("ld:forged")  # its own handler refuses it, in staff's words
    for data in (*WIRE, None, ""):
        if data is None or not data.startswith(("ld:", "hd:close:")):
            assert not is_group_button(data), data


# --- nobody else writes, routes or slices callback data ---------------------------------------

_PREFIXES = ("m", "lang", "q", "p", "o", "c", "r", "ld", "hd", "fu")
# A regex that routes a callback prefix ("^r:"), in any module.
_CALLBACK_REGEX = re.compile(rf"^\^({'|'.join(_PREFIXES)}):")
# Callback data written out ("m:reg", f"hd:close:{id}"), in a module that builds buttons.
_CALLBACK_LITERAL = re.compile(rf"^({'|'.join(_PREFIXES)}):")


def _imports_telegram(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        names = (
            [alias.name for alias in node.names] if isinstance(node, ast.Import)
            else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        )
        if any(name.split(".")[0] == "telegram" for name in names):
            return True
    return False


def _reads_callback_data(node: ast.AST) -> bool:
    """``query.data``: what a pressed button sent."""
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "data"
        and isinstance(node.value, ast.Name)
        and node.value.id == "query"
    )


def _routes_with_a_literal(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.keyword)
        and node.arg == "pattern"
        and any(isinstance(part, ast.Constant | ast.JoinedStr) for part in ast.walk(node.value))
    )


def _compares_callback_data(node: ast.Compare) -> bool:
    """``query.data == "m:ask"`` (``query.data is None`` is fine)."""
    sides = (node.left, *node.comparators)
    return any(_reads_callback_data(side) for side in sides) and not all(
        isinstance(op, ast.Is | ast.IsNot) for op in node.ops
    )


def callback_data_outside_the_codecs(path: Path) -> list[str]:
    """Where ``path`` writes, routes or takes apart callback data itself. (Only the modules
    that speak Telegram can build buttons or routes: elsewhere "c:" or ``pattern=`` mean other
    things, such as the classifier's features or an HTML input's pattern.)"""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    builds_buttons = _imports_telegram(tree)
    found = []
    for node in ast.walk(tree):
        where = f"{path.name}:{getattr(node, 'lineno', '?')}"
        if _routes_with_a_literal(node) and builds_buttons:
            found.append(f"{where}: pattern= with a literal")
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and (
            _CALLBACK_REGEX.match(node.value)
            or (builds_buttons and _CALLBACK_LITERAL.match(node.value))
        ):
            found.append(f"{where}: {node.value!r}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
            _reads_callback_data(node.func.value)
        ):
            found.append(f"{where}: query.data.{node.func.attr}()")
        if isinstance(node, ast.Compare) and _compares_callback_data(node):
            found.append(f"{where}: query.data compared")
        if isinstance(node, ast.Subscript) and _reads_callback_data(node.value):
            found.append(f"{where}: query.data sliced")
    return found


def test_no_module_but_the_codecs_writes_routes_or_slices_callback_data() -> None:
    modules = [
        path
        for package in ("bot", "handlers")
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != CODECS
    ]
    found = {path.relative_to(ROOT).as_posix(): callback_data_outside_the_codecs(path)
             for path in modules}
    assert not {module: where for module, where in found.items() if where}


def test_the_check_sees_callback_data_written_routed_or_sliced(tmp_path: Path) -> None:
    module = tmp_path / "example.py"
    module.write_text(
        "from telegram.ext import CallbackQueryHandler\n"
        "PREFIX = 'hd:close:'\n"
        "HANDLER = CallbackQueryHandler(print, pattern=rf'^{PREFIX}\\d+$')\n"
        "def f(query, i):\n"
        "    button = f'ld:{i}:ambil'\n"
        "    if query.data == 'x' or query.data[3:] or query.data.split(':'):\n"
        "        return query.data is None\n",
        encoding="utf-8",
    )
    found = callback_data_outside_the_codecs(module)
    assert len(found) == 6, found
    assert callback_data_outside_the_codecs(CODECS)  # the codecs do all of it
