"""Buttons the bot never issued (forged callback data, for every prefix), buttons on messages
the bot can no longer see, buttons pressed in a group, and buttons on old messages after the
bot restarted. Every press is answered (no endless spinner on the worker's phone), nothing
fails, and a forged press changes nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from db.engine import Database
from sandbox.client import SandboxClient
from tests.e2e.harness import BotProcess, new_user_id
from tests.hardening.helpers import (
    APOLOGY,
    Worker,
    conversation_of,
    next_prompt,
    query_id,
    says,
    unhandled_errors,
)

pytestmark = pytest.mark.usefixtures("roomy_private_chats")

STALE = "This button is no longer active. Type /start for the menu."
ENDED = "This registration has ended. Type /daftar to start again."
PLACE_UNKNOWN = (
    "I could not find that place. Check the spelling, or type the regency/city "
    "(e.g. <i>Kabupaten Lamongan</i>) or a postal code."
)
# Callback data no button of the bot carries, per prefix the bot listens to.
FORGED: dict[str, list[str]] = {
    "m:": ["m:", "m:nope", "m:reg:extra", "m:" + "x" * 62],
    "lang:": ["lang:", "lang:xx", "lang:EN", "lang:en:extra"],
    "r:": ["r:", "r:name:zzz", "r:summary:confirm", "r:consent:maybe",
           "r:location_choice:99999999999999999999"],
    "c:": ["c:", "c:abc", "c:-5000000", "c:999999999999", "c:0", "c:1000000:x",
           "c:1000000:t:2", "c:1000000:t:0:7", "c:1000000:t:0:1:extra", "c:1e9"],
    "q:": ["q:", "q:nope_topic", "q:DROP", "q:" + "a" * 62],
    "p:": ["p:", "p:nuke", "p:delete:everyone"],
    "ld:": ["ld:", "ld:1", "ld:abc:ambil", "ld:1:nuke", "ld:²:ambil", "ld:1:ambil",
            "ld:99999999999999999999:ambil"],
    "other": ["x:forged", "é" * 32, "'; DROP TABLE leads; --", "<b>x</b>"],
}


@pytest.fixture(autouse=True)
def _no_unhandled_errors(bot: BotProcess, request: pytest.FixtureRequest) -> Iterator[None]:
    before = unhandled_errors(bot)
    yield
    if request.node.get_closest_marker("xfail") is None:
        assert unhandled_errors(bot) == before, bot.log_tail()


async def _press_and_answer(sandbox: SandboxClient, chat_id: int, message_id: int | None,
                            data: str, user_id: int | None = None, wait: float = 3.0) -> dict:
    press = await sandbox.press_button(chat_id, message_id, data=data, forge=True,
                                       user_id=user_id)
    return await sandbox.callback_answer(query_id(press), timeout=wait)


async def _assert_no_apology(sandbox: SandboxClient, chat_id: int, lang: str) -> None:
    texts = [m.get("text") for m in await sandbox.messages(chat_id, sender="bot")]
    assert says(APOLOGY, lang) not in texts


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("prefix", list(FORGED))
async def test_forged_callback_data_gets_an_alert(sandbox: SandboxClient, bot_db: Database,
                                                  prefix: str, lang: str) -> None:
    worker = await Worker(sandbox, lang).create()
    menu = await worker.say("/start")
    for data in FORGED[prefix]:
        answer = await _press_and_answer(sandbox, worker.id, menu["message_id"], data)
        assert answer.get("text"), f"{data!r} was answered without a word"
        assert answer["text"] in {
            says(STALE, lang),
            says(ENDED, lang),
            says("This button is not valid.", "id"),  # lead buttons: staff read Indonesian
            says("You cannot change this lead.", "id"),
        }, (data, answer["text"])
    await _assert_no_apology(sandbox, worker.id, lang)
    assert await conversation_of(bot_db, worker.id) is None  # nothing was started


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_forged_office_choices_find_no_place(sandbox: SandboxClient, lang: str) -> None:
    """o:<regency code> carries a code to look up: an unknown one is "no such place"."""
    worker = await Worker(sandbox, lang).create()
    menu = await worker.say("/start")
    for data in ("o:", "o:99.99", "o:" + "x" * 62, "o:'; DROP TABLE regencies; --", "o:<b>"):
        await _press_and_answer(sandbox, worker.id, menu["message_id"], data)
        [reply] = await sandbox.wait_for_messages(worker.id)
        assert reply["text"] == says(PLACE_UNKNOWN, lang), data
    await _assert_no_apology(sandbox, worker.id, lang)


@pytest.mark.parametrize("data", ["c:²", "c:1000000:t:0:²"])
async def test_forged_calculator_data_with_unicode_digits(sandbox: SandboxClient,
                                                          data: str) -> None:
    worker = await Worker(sandbox, "id").create()
    menu = await worker.say("/start")
    # The bot answers a press within milliseconds; a second is plenty.
    answer = await _press_and_answer(sandbox, worker.id, menu["message_id"], data, wait=1.0)
    assert answer.get("text") == says(STALE, "id")
    await _assert_no_apology(sandbox, worker.id, "id")


async def test_forged_place_choice_during_registration(sandbox: SandboxClient,
                                                       bot_db: Database) -> None:
    worker = await Worker(sandbox, "id").create()
    await worker.register_to("location")
    choice = await worker.answer("jakarta")  # five cities: the worker is asked to pick one
    state = await conversation_of(bot_db, worker.id)
    assert state is not None and state.step == "location_choice"
    for data in ("r:location_choice:99", "r:location_choice:-1", "r:location_choice:x",
                 "r:location_choice:", "r:income:skip"):
        await sandbox.press_button(worker.id, choice["message_id"], data=data, forge=True)
        await next_prompt(sandbox, worker.id)  # asked again, or shown the step it is at
    after = await conversation_of(bot_db, worker.id)
    assert after is not None and after.step == "location_choice" and after.data == state.data
    await _assert_no_apology(sandbox, worker.id, "id")


async def test_forged_place_choice_with_a_unicode_digit(sandbox: SandboxClient,
                                                        bot_db: Database) -> None:
    worker = await Worker(sandbox, "id").create()
    await worker.register_to("location")
    choice = await worker.answer("jakarta")
    await sandbox.press_button(worker.id, choice["message_id"], data="r:location_choice:²",
                               forge=True)
    [reply] = await sandbox.wait_for_messages(worker.id)
    assert reply["text"] != says(APOLOGY, "id")
    state = await conversation_of(bot_db, worker.id)
    assert state is not None and state.step == "location_choice"


# Data the bot does issue, pressed on a message it can no longer see (deleted, or too old:
# Telegram then sends an InaccessibleMessage).
ISSUED = ["m:ask", "m:calc", "m:reg", "m:office", "m:lang", "m:home", "lang:en", "r:cancel",
          "r:back", "c:own", "c:1000000", "c:1000000:t:0:1", "o:kab-lamongan", "q:iuran",
          "p:keep"]


@pytest.mark.parametrize("data", ISSUED)
async def test_buttons_on_a_message_the_bot_cannot_see(sandbox: SandboxClient,
                                                       data: str) -> None:
    worker = await Worker(sandbox, "id").create()
    await worker.say("/start")
    await _press_and_answer(sandbox, worker.id, 987_654, data)
    await _assert_no_apology(sandbox, worker.id, "id")


WORKER_ONLY_UNANSWERED_IN_GROUPS = ["m:reg", "m:office", "p:keep", "p:delete"]


async def _press_in_a_new_group(sandbox: SandboxClient, bot: BotProcess, bot_db: Database,
                                data: str, wait: float = 3.0) -> None:
    member = new_user_id()
    await sandbox.create_user("Iseng", user_id=member, language_code="id")
    group = await sandbox.create_group("Grup Arisan", members=[member])
    errors = unhandled_errors(bot)
    # The bot posted nothing there: the press is on a message it cannot see.
    answer = await _press_and_answer(sandbox, group["id"], 1, data, user_id=member, wait=wait)
    assert answer is not None
    assert says(APOLOGY, "id") not in [
        m.get("text") for m in await sandbox.messages(group["id"], sender="bot")
    ]
    assert await conversation_of(bot_db, member) is None
    assert unhandled_errors(bot) == errors, bot.log_tail()


@pytest.mark.parametrize("data", [
    *(d for d in ISSUED if d not in WORKER_ONLY_UNANSWERED_IN_GROUPS and not d.startswith("o:")),
    "r:consent:yes", "ld:1:ambil", "x:y",
])
async def test_buttons_forged_in_an_unlinked_group(sandbox: SandboxClient, bot: BotProcess,
                                                   bot_db: Database, data: str) -> None:
    """A group's members can forge any data; the group is not a worker's chat."""
    await _press_in_a_new_group(sandbox, bot, bot_db, data)


async def test_worker_buttons_forged_in_a_group_are_answered(
    sandbox: SandboxClient, bot: BotProcess, bot_db: Database
) -> None:
    for data in WORKER_ONLY_UNANSWERED_IN_GROUPS:
        await _press_in_a_new_group(sandbox, bot, bot_db, data, wait=1.0)


async def test_office_button_forged_in_a_group(sandbox: SandboxClient, bot: BotProcess,
                                               bot_db: Database) -> None:
    await _press_in_a_new_group(sandbox, bot, bot_db, "o:kab-lamongan")


async def test_old_buttons_after_a_restart(sandbox: SandboxClient, bot: BotProcess,
                                           bot_db: Database) -> None:
    """Menus, calculator steps and a registration step shown before a restart still work,
    and a registration button from an earlier step shows the step the worker is at."""
    worker = await Worker(sandbox, "en").create()
    menu = await worker.say("/start")
    await sandbox.send_text(worker.id, "/iuran")
    [calculator] = await sandbox.wait_for_messages(worker.id)
    consent_prompt = await worker.say("/daftar")
    name_prompt = await worker.press(consent_prompt, "r:consent:yes")
    phone_prompt = await worker.answer("Siti Aminah")
    assert phone_prompt is not None

    await asyncio.to_thread(bot.restart)

    # The calculator keeps its choices in the button, so old steps go on.
    await sandbox.press_button(worker.id, calculator["message_id"], data="c:2000000")
    [sector] = await sandbox.wait_for_messages(worker.id)
    assert sector["text"] == says(
        "Do you work in transport (ojek, online driver, courier, logistics)?", "en"
    )
    # A registration button from the consent step: the worker is shown where they are.
    press = await sandbox.press_button(worker.id, consent_prompt["message_id"],
                                       data="r:consent:yes")
    answer = await sandbox.callback_answer(query_id(press))
    assert answer["text"] == says("That button is from an earlier step.", "en")
    again = await next_prompt(sandbox, worker.id)
    assert again["reply_markup"]["keyboard"][0][0]["request_contact"] is True
    state = await conversation_of(bot_db, worker.id)
    assert state is not None and state.step == "phone" and state.data["name"] == "Siti Aminah"
    # The name step's "back" button still works: the worker goes back to the name.
    await sandbox.press_button(worker.id, name_prompt["message_id"], data="r:back")
    await next_prompt(sandbox, worker.id)
    state = await conversation_of(bot_db, worker.id)
    assert state is not None and state.step == "name"
    # And the main menu from before the restart.
    await sandbox.press_button(worker.id, menu["message_id"], data="m:lang")
    [chooser] = await sandbox.wait_for_messages(worker.id)
    assert chooser["text"] == says("Choose your language:", "en")
    await _assert_no_apology(sandbox, worker.id, "en")
