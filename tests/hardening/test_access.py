"""The access matrix, tested: who may run /leads, /lead ID, /ekspor and /hubungkan, and press a
lead's status buttons. Staff act only from a group linked to the lead's branch; admins
(ADMIN_IDS, and the admin group) see every branch; everyone else is refused, and a refused press
leaves the lead as it was."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
from dataclasses import dataclass

import pytest

from bot.geo import load_default_directory
from db.engine import Database
from db.models import Lead
from sandbox.client import SandboxClient, SandboxError
from tests.e2e.conftest import ADMIN_GROUP_ID, ADMIN_ID
from tests.e2e.harness import BotProcess, new_user_id
from tests.hardening.helpers import (
    LAMONGAN,
    Worker,
    conversation_of,
    link_code,
    link_group,
    plain,
    query_id,
    says,
    unhandled_errors,
    wait_for_card,
)

pytestmark = pytest.mark.usefixtures("roomy_private_chats")

ON_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))
REFUSAL = "This command is only for branch staff in a linked group."
NOT_FOUND = "No lead with that number for this branch."
CANNOT = "You cannot change this lead."
SAVED = "Saved."


@dataclass
class World:
    branch_a: str
    branch_b: str
    group_a: int
    staff_a: int
    group_b: int
    staff_b: int
    unlinked_group: int
    outsider: int  # member of the unlinked group
    stranger: int  # a worker in their private chat
    admin_group_member: int
    lead_a: int
    lead_b: int


_worlds: dict[str, World] = {}


async def world(sandbox: SandboxClient, bot: BotProcess, bot_db: Database) -> World:
    """Two branches with linked groups and a lead each, an unlinked group, a stranger, the admin
    and the admin group; built once per bot process."""
    if bot.database_url in _worlds:
        return _worlds[bot.database_url]
    directory = load_default_directory()
    branch_a = directory.route_regency("kab-lamongan").code
    branch_b = directory.route_regency("kab-merauke").code
    assert branch_a != branch_b
    group_a, staff_a = await link_group(sandbox, bot, branch_a, "Staf A")
    group_b, staff_b = await link_group(sandbox, bot, branch_b, "Staf B")
    outsider = new_user_id()
    await sandbox.create_user("Orang", user_id=outsider, language_code="id")
    unlinked = await sandbox.create_group("Grup Arisan", members=[outsider])
    stranger = (await Worker(sandbox, "id", "Asing").create()).id
    await sandbox.send_text(stranger, "/start")
    with contextlib.suppress(SandboxError):  # created by an earlier test of this module
        await sandbox.create_user("Admin", user_id=ADMIN_ID, language_code="id")
    await sandbox.send_text(ADMIN_ID, "/start")
    member = new_user_id()
    await sandbox.create_user("Kanwil", user_id=member, language_code="id")
    try:
        await sandbox.chat(ADMIN_GROUP_ID)
        await sandbox.add_member(ADMIN_GROUP_ID, member)
    except SandboxError:
        await sandbox.create_group("Admin Kampanye", chat_id=ADMIN_GROUP_ID, members=[member])
    leads = []
    for place, group in (("lamongan", group_a), ("merauke", group_b)):
        worker = await Worker(sandbox, "id", "Pekerja").create()
        summary = await worker.register_to("summary", name=f"Pekerja {place.title()}",
                                           place=place)
        await worker.confirm(summary)
        async with bot_db.transaction() as session:
            lead_id = max(lead.id for lead in (await session.execute(
                Lead.__table__.select())).all())
        await wait_for_card(sandbox, group, lead_id)
        leads.append(lead_id)
    made = World(branch_a, branch_b, group_a, staff_a, group_b, staff_b, unlinked["id"],
                 outsider, stranger, member, leads[0], leads[1])
    _worlds[bot.database_url] = made
    return made


def actors(w: World) -> dict[str, tuple[int, int]]:
    """(chat, user) per actor."""
    return {
        "branch A group": (w.group_a, w.staff_a),
        "branch B group": (w.group_b, w.staff_b),
        "unlinked group": (w.unlinked_group, w.outsider),
        "stranger's private chat": (w.stranger, w.stranger),
        "branch A staff in private": (w.staff_a, w.staff_a),
        "admin in private": (ADMIN_ID, ADMIN_ID),
        "admin group member": (ADMIN_GROUP_ID, w.admin_group_member),
    }


# What each actor may see: the leads of these branches ("A", "B"), or nothing (refused).
MATRIX: dict[str, set[str] | None] = {
    "branch A group": {"A"},
    "branch B group": {"B"},
    "unlinked group": None,
    "stranger's private chat": None,
    "branch A staff in private": None,
    "admin in private": {"A", "B"},
    "admin group member": {"A", "B"},
}


async def _command(sandbox: SandboxClient, chat: int, user: int, text: str,
                   wait: float = 10.0) -> dict:
    if chat == user and chat != ADMIN_ID:
        try:  # a private chat exists once the person wrote to the bot
            await sandbox.chat(chat)
        except SandboxError:
            await sandbox.send_text(user, "/start")
            await sandbox.wait_for_messages(chat)
    await sandbox.send_text(user, text, chat_id=None if chat == user else chat)
    [reply] = await sandbox.wait_for_messages(chat, timeout=wait)
    return reply


async def _status(bot_db: Database, lead_id: int) -> tuple[str, int | None]:
    async with bot_db.transaction() as session:
        lead = await session.get(Lead, lead_id)
        assert lead is not None
        return lead.status, lead.claimed_by


@pytest.mark.parametrize("actor", list(MATRIX))
async def test_staff_commands(sandbox: SandboxClient, bot: BotProcess, bot_db: Database,
                              actor: str) -> None:
    w = await world(sandbox, bot, bot_db)
    chat, user = actors(w)[actor]
    allowed = MATRIX[actor]
    ids = {"A": w.lead_a, "B": w.lead_b}
    errors = unhandled_errors(bot)

    listing = await _command(sandbox, chat, user, "/leads")
    if allowed is None:
        assert listing["text"] == says(REFUSAL, "id")
    else:
        listed = {branch for branch, lead in ids.items()
                  if re.search(rf"^#{lead} ·", listing["text"], re.MULTILINE)}
        assert listed == allowed, listing["text"]

    for branch, lead in ids.items():
        reply = await _command(sandbox, chat, user, f"/lead {lead}")
        if allowed is None:
            assert reply["text"] == says(REFUSAL, "id")
        elif branch in allowed:
            assert reply["text"].split("\n")[0].endswith(f"#{lead}"), reply["text"]
        else:  # the same answer as for an id that does not exist: ids cannot be probed
            assert reply["text"] == says(NOT_FOUND, "id")

    before = len(await sandbox.documents(chat))
    reply = await _command(sandbox, chat, user, "/ekspor")
    documents = await sandbox.documents(chat)
    if allowed is None:
        assert reply["text"] == says(REFUSAL, "id") and len(documents) == before
    else:
        assert len(documents) == before + 1
        rows = list(csv.DictReader(io.StringIO(documents[-1].text().lstrip("\ufeff"))))
        exported = {branch for branch, lead in ids.items()
                    if any(row["id"] == str(lead) for row in rows)}
        assert exported == allowed
    assert unhandled_errors(bot) == errors, bot.log_tail()


@pytest.mark.parametrize("actor", list(MATRIX))
async def test_lead_buttons(sandbox: SandboxClient, bot: BotProcess, bot_db: Database,
                            actor: str) -> None:
    """A status button pressed (forged: the card is not in that chat) on branch A's lead."""
    w = await world(sandbox, bot, bot_db)
    chat, user = actors(w)[actor]
    allowed = MATRIX[actor]
    target = await _command(sandbox, chat, user, "/bantuan" if chat == user else "/leads")
    before = await _status(bot_db, w.lead_a)
    press = await sandbox.press_button(chat, target["message_id"], data=f"ld:{w.lead_a}:hubungi",
                                       user_id=user, forge=True)
    answer = await sandbox.callback_answer(query_id(press))
    if allowed is not None and "A" in allowed:
        # (an earlier actor may have set the same status already: the card was out of date)
        assert answer["text"] in (
            says(SAVED, "id"),
            says("This lead is already closed.", "id"),
            says("This card was out of date: it now shows the lead as it is.", "id"),
        )
        status, claimed_by = await _status(bot_db, w.lead_a)
        assert status == "dihubungi" and claimed_by is not None
    else:
        assert answer["text"] == says(CANNOT, "id")
        assert await _status(bot_db, w.lead_a) == before


async def test_the_card_in_the_right_group_works_and_a_stranger_in_it_is_trusted(
    sandbox: SandboxClient, bot: BotProcess, bot_db: Database
) -> None:
    """The group is the unit of trust: any member of branch A's group may work its cards."""
    w = await world(sandbox, bot, bot_db)
    [card] = [m for m in await sandbox.messages(w.group_b, sender="bot")
              if f"#{w.lead_b}" in (m.get("text") or "").split("\n")[0]][:1]
    newcomer = new_user_id()
    await sandbox.create_user("Baru", user_id=newcomer)
    await sandbox.add_member(w.group_b, newcomer)
    press = await sandbox.press_button(w.group_b, card["message_id"], data=f"ld:{w.lead_b}:ambil",
                                       user_id=newcomer)
    assert (await sandbox.callback_answer(query_id(press)))["text"] == says(SAVED, "id")
    edited = await sandbox.wait_for_edit(w.group_b, card["message_id"])
    assert "Baru" in edited["text"]
    # Somebody else may not take it over.
    press = await sandbox.press_button(w.group_b, card["message_id"], data=f"ld:{w.lead_b}:ambil",
                                       user_id=w.staff_b, forge=True)
    answer = await sandbox.callback_answer(query_id(press))
    assert answer["text"] == says("Already claimed by {staff}.", "id", staff="Baru")


async def test_an_unlinked_group_gets_silence(sandbox: SandboxClient, bot: BotProcess,
                                              bot_db: Database) -> None:
    """Even where the bot sees every message (it is an administrator), a group that is not
    linked gets no answers to questions, media, worker commands or edits: only staff commands
    are answered, with a refusal."""
    member = new_user_id()
    await sandbox.create_user("Warga", user_id=member, language_code="id")
    group = (await sandbox.create_group("Grup RT 05", members=[member], bot_is_admin=True))["id"]
    sent = await sandbox.send_text(member, "berapa iuran bpjs sebulan?", chat_id=group)
    assert sent.delivered and sent.message_id is not None
    for text in ("/start", "/daftar", "/iuran", "/cabang", "/hapusdata", "/bantuan", "/xyz",
                 "<b>halo</b> '; DROP TABLE users; --"):
        await sandbox.send_text(member, text, chat_id=group)
    await sandbox.send_sticker(member, chat_id=group)
    await sandbox.send_location(member, *LAMONGAN, chat_id=group)
    await sandbox.send_contact(member, "+6281234567890", chat_id=group)
    await sandbox.edit_text(member, sent.message_id, "berapa iuran jkk?", chat_id=group)
    # A sentinel: one chat's updates are handled in order, so everything above is done.
    refusal = await _command(sandbox, group, member, "/leads")
    assert refusal["text"] == says(REFUSAL, "id")
    assert [m["text"] for m in await sandbox.messages(group, sender="bot")] == [refusal["text"]]
    assert await conversation_of(bot_db, member) is None


async def test_linking_a_group(sandbox: SandboxClient, bot: BotProcess, bot_db: Database) -> None:
    w = await world(sandbox, bot, bot_db)
    user = new_user_id()
    await sandbox.create_user("Calon", user_id=user, language_code="id")
    group = (await sandbox.create_group("Calon Staf", members=[user]))["id"]
    private = await _command(sandbox, user, user, "/hubungkan ABCDEFGH")
    assert private["text"] == says("Send /hubungkan CODE in your branch's staff group.", "id")
    usage = await _command(sandbox, group, user, "/hubungkan")
    assert usage["text"] == says("Usage: /hubungkan CODE (the code from your admin).", "id")
    for code in ("ZZZZZZZZ", "'; DROP TABLE branch_groups; --", "<b>x</b>", "A" * 5000):
        invalid = await _command(sandbox, group, user, f"/hubungkan {code}")
        assert invalid["text"] == says("That code is not valid.", "id")
    refused = await _command(sandbox, group, user, "/leads")
    assert refused["text"] == says(REFUSAL, "id")
    code = await link_code(bot, w.branch_a)
    linked = await _command(sandbox, group, user, f"/hubungkan {code.lower()}")
    assert plain(linked["text"]).startswith("✅"), linked["text"]
    again = await _command(sandbox, w.unlinked_group, w.outsider, f"/hubungkan {code}")
    assert again["text"] == says("That code has already been used.", "id")
    listing = await _command(sandbox, group, user, "/leads")
    assert listing["text"] != says(REFUSAL, "id")


async def test_an_admin_in_an_unlinked_group_gets_no_personal_data(
    sandbox: SandboxClient, bot: BotProcess, bot_db: Database
) -> None:
    w = await world(sandbox, bot, bot_db)
    await sandbox.add_member(w.unlinked_group, ADMIN_ID)
    for command in ("/leads", f"/lead {w.lead_a}", "/ekspor"):
        reply = await _command(sandbox, w.unlinked_group, ADMIN_ID, command)
        assert reply["text"] == says(REFUSAL, "id"), command


HUGE_ID = "99999999999999999999"


@pytest.mark.parametrize("argument", [HUGE_ID, "²"])
async def test_lead_command_with_an_impossible_id(sandbox: SandboxClient, bot: BotProcess,
                                                  bot_db: Database, argument: str) -> None:
    w = await world(sandbox, bot, bot_db)
    errors = unhandled_errors(bot)
    reply = await _command(sandbox, w.group_a, w.staff_a, f"/lead {argument}", wait=2.0)
    assert reply["text"] in (says(NOT_FOUND, "id"), says("Usage: /lead ID, e.g. /lead 12", "id"))
    assert unhandled_errors(bot) == errors


@pytest.mark.parametrize("lead_id", [HUGE_ID, "3000000000"])
async def test_lead_button_with_an_impossible_id(sandbox: SandboxClient, bot: BotProcess,
                                                 bot_db: Database, lead_id: str) -> None:
    w = await world(sandbox, bot, bot_db)
    errors = unhandled_errors(bot)
    target = await _command(sandbox, w.group_a, w.staff_a, "/leads")
    press = await sandbox.press_button(w.group_a, target["message_id"],
                                       data=f"ld:{lead_id}:ambil", user_id=w.staff_a, forge=True)
    answer = await sandbox.callback_answer(query_id(press), timeout=2)
    assert answer["text"] in (says(CANNOT, "id"), says("This button is not valid.", "id"))
    assert unhandled_errors(bot) == errors
