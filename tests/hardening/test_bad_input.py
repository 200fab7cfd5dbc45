"""Bad input from workers, through the sandbox and the real bot: media the bot cannot read,
edits, forwards, hostile and odd text as questions and as registration answers, impossible
phone numbers, places and incomes, someone else's contact. Each gets a friendly answer in the
worker's language (id and en), never the apology for an error of ours, and the stored data
stays consistent.

Replies are HTML: the sandbox refuses malformed HTML as Telegram does, so user text that reached
a reply unescaped shows up here as the apology and an "Unhandled error" in the bot's log."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from db.engine import Database
from db.models import Lead, User
from handlers.start import help_text
from sandbox.client import SandboxClient, SandboxError
from tests.e2e.conftest import ADMIN_GROUP_ID
from tests.e2e.harness import BotProcess, new_user_id
from tests.hardening.helpers import (
    APOLOGY,
    LANGUAGES,
    LONG_MESSAGE,
    UNSUPPORTED,
    Worker,
    conversation_of,
    count,
    error_hint,
    leads_of,
    next_prompt,
    plain,
    says,
    unhandled_errors,
    wait_for_card,
)

pytestmark = pytest.mark.usefixtures("roomy_private_chats")

SINGAPORE = (1.2903, 103.8520)
NULL_ISLAND = (0.0, 0.0)
HOSTILE_TEXTS = {
    "5000 characters": "berapa iuran " + "a" * 4987,
    "only emoji": "🙏😭🛵💸🙏",
    "right-to-left": "كم الاشتراك الشهري؟ \u202eiuran berapa\u202c",
    "control characters": "iuran\x00 berapa\x07\x1b[31m sebulan\u200b?\x7f",
    "html": "<b>iuran</b> <script>alert(1)</script> & berapa <a href='x'>?</a>",
    "markdown": "*iuran* _berapa_ `sebulan` [klik](http://example.com) ~~x~~ ||y||",
    "sql": "'; DROP TABLE users; -- berapa iuran",
    "entities": "&amp; &lt;b&gt; &#0; &#x110000; &bogus;",
}
EDIT_HINT = "I only read new messages, not edits. Please send your correction as a new message."


def _assert_friendly(reply: dict, lang: str) -> None:
    assert reply["text"].strip()
    assert reply["text"] != says(APOLOGY, lang), "the bot failed on this input"


@pytest.fixture(autouse=True)
async def _admin_group(sandbox: SandboxClient) -> None:
    """Leads routed to a branch without a linked group are delivered to the admin group."""
    try:
        await sandbox.chat(ADMIN_GROUP_ID)
    except SandboxError:
        admin = new_user_id()
        await sandbox.create_user("Admin", user_id=admin)
        await sandbox.create_group("Admin Kampanye", chat_id=ADMIN_GROUP_ID, members=[admin])


@pytest.fixture(autouse=True)
def _no_unhandled_errors(bot: BotProcess, request: pytest.FixtureRequest) -> Iterator[None]:
    """Whatever a test sends, the bot handled it: no update ended in the error handler."""
    before = unhandled_errors(bot)
    yield
    if request.node.get_closest_marker("xfail") is None:
        assert unhandled_errors(bot) == before, bot.log_tail()


# --- things the bot cannot read --------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", ["sticker", "voice", "photo", "video", "document", "poll"])
async def test_media_get_a_hint_in_the_workers_language(sandbox: SandboxClient, lang: str,
                                                        kind: str) -> None:
    worker = await Worker(sandbox, lang).create()
    if kind == "document":
        await sandbox.send_document(worker.id, "ktp.pdf", b"%PDF-1.4 ...",
                                    mime_type="application/pdf")
    elif kind == "poll":
        await sandbox.send_poll(worker.id, "Ikut BPJS?", ["Ya", "Tidak"])
    elif kind == "photo":
        await sandbox.send_photo(worker.id, caption="<b>iuran</b> & berapa?")
    else:
        await getattr(sandbox, f"send_{kind}")(worker.id)
    [reply] = await sandbox.wait_for_messages(worker.id)
    assert reply["text"] == says(UNSUPPORTED, lang)


async def test_media_during_registration_keep_the_step(sandbox: SandboxClient,
                                                        bot_db: Database) -> None:
    worker = await Worker(sandbox, "id").create()
    await worker.start_registration()
    await sandbox.send_sticker(worker.id)
    await sandbox.send_voice(worker.id)
    hints = await sandbox.wait_for_messages(worker.id, count=2)
    assert [m["text"] for m in hints] == [says(UNSUPPORTED, "id")] * 2
    state = await conversation_of(bot_db, worker.id)
    assert state is not None and state.step == "name" and "name" not in state.data
    # The registration goes on where it was.
    phone_prompt = await worker.answer("Siti Aminah")
    assert phone_prompt["reply_markup"]["keyboard"][0][0]["request_contact"] is True


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_an_edited_message_is_not_reread(sandbox: SandboxClient, bot_db: Database,
                                               lang: str) -> None:
    worker = await Worker(sandbox, lang).create()
    await worker.start_registration()
    sent = await sandbox.send_text(worker.id, "Siti Aminah")
    await next_prompt(sandbox, worker.id)
    assert sent.message_id is not None
    await sandbox.edit_text(worker.id, sent.message_id, "<b>Budi</b> '; DROP TABLE leads; --")
    [reply] = await sandbox.wait_for_messages(worker.id)
    assert reply["text"] == says(EDIT_HINT, lang)
    state = await conversation_of(bot_db, worker.id)
    assert state is not None and state.step == "phone" and state.data["name"] == "Siti Aminah"


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_a_forwarded_question_is_answered(sandbox: SandboxClient, lang: str) -> None:
    worker = await Worker(sandbox, lang).create()
    await sandbox.forward_text(worker.id, "berapa iuran bpjs sebulan?", from_name="Grup RT 05")
    [reply] = await sandbox.wait_for_messages(worker.id)
    _assert_friendly(reply, lang)


# --- odd and hostile text as questions -------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("case", list(HOSTILE_TEXTS))
async def test_hostile_text_as_a_question(sandbox: SandboxClient, bot_db: Database, lang: str,
                                          case: str) -> None:
    users_before = await count(bot_db, User)
    worker = await Worker(sandbox, lang).create()
    reply = await worker.say(HOSTILE_TEXTS[case])
    _assert_friendly(reply, lang)
    if case == "5000 characters":
        assert reply["text"] == says(LONG_MESSAGE, lang)
    # The bot still answers this worker, and every table is there with one user more.
    follow_up = await worker.say("/bantuan")
    assert follow_up["text"] == plain(help_text(lang))
    assert await count(bot_db, User) == users_before + 1


# --- odd and hostile registration answers ----------------------------------------------------

# typed -> stored
ACCEPTED_NAMES = {
    "html": ("<b>Siti</b> & <i>Aminah</i> <script>x</script>",
             "<b>Siti</b> & <i>Aminah</i> <script>x</script>"),
    "markdown": ("*Siti* _Aminah_ `x` [y](z)", "*Siti* _Aminah_ `x` [y](z)"),
    "sql": ("Robert'); DROP TABLE leads;--", "Robert'); DROP TABLE leads;--"),
    "right-to-left": ("سيتي أمينة", "سيتي أمينة"),
    "control characters": ("Siti\x00\u202e Aminah\x1b\u200b", "Siti Aminah"),
}


@pytest.mark.parametrize("case", list(ACCEPTED_NAMES))
async def test_odd_names_are_stored_verbatim_and_shown_safely(
    sandbox: SandboxClient, bot_db: Database, case: str
) -> None:
    typed, stored = ACCEPTED_NAMES[case]
    leads_before = await count(bot_db, Lead)
    worker = await Worker(sandbox, "id").create()
    summary = await worker.register_to("summary", name=typed, place="merauke")
    assert stored in summary["text"]
    await worker.confirm(summary)
    [lead] = await leads_of(bot_db, worker.id)
    assert lead.name == stored and lead.phone == "+6281234567890"
    assert await count(bot_db, Lead) == leads_before + 1  # and the table is still there
    card = await wait_for_card(sandbox, ADMIN_GROUP_ID, lead.id)
    assert f"Nama: {stored}" in card["text"]


REJECTED_NAMES = {
    "5000 characters": ("Siti " * 1000, "name_too_long"),
    "only emoji": ("🙏😭🛵", "name_not_a_name"),
    "only control characters": ("\x00\x07\u202e\u200b", "name_empty"),
    "a link": ("www.hadiah-gratis.example", "name_not_a_name"),
    "a command-like text": ("/start sekarang", None),  # a command, not a name: /start answers
}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("case", list(REJECTED_NAMES))
async def test_names_that_are_not_names_get_a_hint(sandbox: SandboxClient, bot_db: Database,
                                                   lang: str, case: str) -> None:
    typed, reason = REJECTED_NAMES[case]
    worker = await Worker(sandbox, lang).create()
    await worker.start_registration()
    await sandbox.send_text(worker.id, typed)
    [reply] = await sandbox.wait_for_messages(worker.id)
    _assert_friendly(reply, lang)
    if reason is not None:
        assert reply["text"].startswith(error_hint(reason, lang)), reply["text"]
    state = await conversation_of(bot_db, worker.id)
    assert state is not None and state.step == "name" and "name" not in state.data


PHONES = {
    "letters": ("nol delapan satu dua tiga empat lima", "phone_invalid"),
    "letters and digits": ("0812-ABCD-7890", "phone_invalid"),
    "html": ("<b>0812</b>3456&7890", "phone_invalid"),
    "foreign": ("+65 9123 4567", "phone_not_indonesian"),
    "landline": ("021 5551 2345", "phone_not_mobile"),
    "5000 digits": ("0812" * 1250, "phone_invalid"),
}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("case", list(PHONES))
async def test_impossible_phone_numbers_get_a_hint(sandbox: SandboxClient, bot_db: Database,
                                                   lang: str, case: str) -> None:
    typed, reason = PHONES[case]
    worker = await Worker(sandbox, lang).create()
    await worker.register_to("phone")
    reply = await worker.answer(typed)
    assert reply["text"].startswith(error_hint(reason, lang)), reply["text"]
    state = await conversation_of(bot_db, worker.id)
    assert state is not None and state.step == "phone" and "phone" not in state.data


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("point", [NULL_ISLAND, SINGAPORE], ids=["0,0", "singapore"])
async def test_a_location_outside_indonesia_is_refused_in_registration(
    sandbox: SandboxClient, bot_db: Database, lang: str, point: tuple[float, float]
) -> None:
    worker = await Worker(sandbox, lang).create()
    await worker.register_to("location")
    await sandbox.send_location(worker.id, *point)
    reply = await next_prompt(sandbox, worker.id)
    assert reply["text"].startswith(error_hint("outside_indonesia", lang)), reply["text"]
    state = await conversation_of(bot_db, worker.id)
    assert state is not None and state.step == "location" and "branch_code" not in state.data


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("point", [NULL_ISLAND, SINGAPORE], ids=["0,0", "singapore"])
async def test_a_location_outside_indonesia_finds_no_office(
    sandbox: SandboxClient, lang: str, point: tuple[float, float]
) -> None:
    worker = await Worker(sandbox, lang).create()
    await sandbox.send_text(worker.id, "/cabang")
    await sandbox.wait_for_messages(worker.id)
    await sandbox.send_location(worker.id, *point)
    [reply] = await sandbox.wait_for_messages(worker.id)
    assert reply["text"] == says(
        "That location is outside Indonesia. Please share a location in Indonesia or "
        "type your regency/city.",
        lang,
    )


PLACES = {
    "html": "<b>Lamongan</b> & co",
    "sql": "'; DROP TABLE regencies; --",
    "5000 characters": "lamongan " * 560,
    "only emoji": "🏠🏠",
    "control characters": "\x00\x1b[2J",
}


@pytest.mark.parametrize("case", list(PLACES))
async def test_odd_places_get_a_hint_or_a_place(sandbox: SandboxClient, bot_db: Database,
                                                case: str) -> None:
    worker = await Worker(sandbox, "en").create()
    await worker.register_to("location")
    reply = await worker.answer(PLACES[case])
    _assert_friendly(reply, "en")
    state = await conversation_of(bot_db, worker.id)
    assert state is not None
    if state.step == "location":
        assert reply["text"].startswith(error_hint("place_unknown", "en")), reply["text"]
    else:  # understood as a place: a regency the directory knows, or a choice among some
        assert state.step in ("income", "location_choice"), state.step


INCOMES = {
    "-5jt": "not_positive",
    "999999999999": "too_large",
    "dua setengah juta": "not_a_number",
    "Rp 0": "not_positive",
    "1e9": "not_a_number",
    "<b>2jt</b>": "not_a_number",
}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("typed", list(INCOMES))
async def test_impossible_incomes_in_registration(sandbox: SandboxClient, bot_db: Database,
                                                  lang: str, typed: str) -> None:
    worker = await Worker(sandbox, lang).create()
    await worker.register_to("income")
    reply = await worker.answer(typed)
    assert reply["text"].startswith(error_hint(f"income_{INCOMES[typed]}", lang)), reply["text"]
    state = await conversation_of(bot_db, worker.id)
    assert state is not None and state.step == "income" and "income" not in state.data


CALCULATOR_HINTS = {
    "not_a_number": "I could not read that amount. Type it like <i>2500000</i> or "
                    "<i>2,5 juta</i>.",
    "not_positive": "The income must be more than zero.",
    "too_large": "That amount is too large for a monthly income. Please check it.",
}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("typed", list(INCOMES))
async def test_impossible_incomes_in_the_calculator(sandbox: SandboxClient, lang: str,
                                                    typed: str) -> None:
    worker = await Worker(sandbox, lang).create()
    await sandbox.send_text(worker.id, "/iuran")
    [menu] = await sandbox.wait_for_messages(worker.id)
    await sandbox.press_button(worker.id, menu["message_id"], data="c:own")
    await sandbox.wait_for_messages(worker.id)
    reply = await worker.say(typed)
    assert reply["text"] == says(CALCULATOR_HINTS[INCOMES[typed]], lang)
    # Still waiting for an amount: a good one now goes on to the sector question.
    reply = await worker.say("2,5 juta")
    assert "2.500.000" in reply["text"] or "2,500,000" in reply["text"]


@pytest.mark.parametrize("kind", ["location", "contact"])
async def test_a_location_or_contact_at_the_income_step(sandbox: SandboxClient, bot_db: Database,
                                                        kind: str) -> None:
    worker = await Worker(sandbox, "id").create()
    await worker.register_to("income")
    if kind == "location":
        await sandbox.send_location(worker.id, *SINGAPORE)
    else:
        await sandbox.send_contact(worker.id, "+6281234567890")
    [reply] = await sandbox.wait_for_messages(worker.id)
    _assert_friendly(reply, "id")
    state = await conversation_of(bot_db, worker.id)
    assert state is not None and state.step == "income"


async def test_someone_elses_contact_is_flagged_on_the_lead_card(
    sandbox: SandboxClient, bot_db: Database
) -> None:
    worker = await Worker(sandbox, "id", "Rahmat").create()
    await worker.register_to("phone")
    await sandbox.send_contact(worker.id, "+6285712345678", first_name="Ibu Rahmat",
                               contact_user_id=new_user_id())
    occupation = await next_prompt(sandbox, worker.id)
    prompt = await worker.press(occupation, "r:occupation:pedagang")
    prompt = await worker.answer("merauke")
    prompt = await worker.press(prompt, "r:income:skip")
    summary = await worker.press(prompt, "r:contact_time:siang")
    await worker.confirm(summary)
    [lead] = await leads_of(bot_db, worker.id)
    assert lead.phone == "+6285712345678" and lead.phone_is_own is False
    card = await wait_for_card(sandbox, ADMIN_GROUP_ID, lead.id)
    assert says("⚠️ The number was shared from someone else's contact: please check.",
                "id") in card["text"]
