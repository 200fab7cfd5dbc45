"""The managers' changes to the branch directory (dashboard, Cabang) and their audit trail,
on the real shipped directory in the test database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot import branch_admin
from bot.branch_admin import BranchEdit, ChangeRefused, Refusal
from bot.geo import Directory
from bot.routing import load_directory
from bot.runners.directory_watcher import DirectoryWatcher
from bot.staff import LinkOutcome, link_group
from db.engine import Database
from db.models import BranchChange, LinkCode

NOW = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
ACTOR = "akun:sari"


async def change_count(db: Database) -> int:
    async with db.transaction() as session:
        return int((await session.execute(
            select(func.count()).select_from(BranchChange))).scalar_one())


async def test_moving_a_regency_routes_it_and_is_recorded_for_both_branches(
    db: Database,
) -> None:
    async with db.transaction() as uow:
        before = await load_directory(uow)  # seeds the shipped directory
    assert before.route_regency("kab-bogor").code == "KC-BOGOR"

    async with db.transaction() as uow:
        left = await branch_admin.move_regency(uow, "kab-bogor", "KC-DEPOK", actor=ACTOR, now=NOW)

    assert left == "KC-BOGOR"
    async with db.transaction() as uow:
        assert (await load_directory(uow)).route_regency("kab-bogor").code == "KC-DEPOK"
    async with db.transaction() as uow:
        [change] = await branch_admin.recent_changes(uow)
    assert (change.actor, change.at, change.action) == (ACTOR, NOW, "move_regency")
    assert change.details == {"regency": "kab-bogor", "regency_name": "Kabupaten Bogor",
                              "from": "KC-BOGOR", "to": "KC-DEPOK"}
    # Listed under the branch it joined and the one it left, not under a third.
    async with db.transaction() as uow:
        assert [c.action for c in await branch_admin.recent_changes(uow, "KC-DEPOK")] == [
            "move_regency"]
    async with db.transaction() as uow:
        assert [c.action for c in await branch_admin.recent_changes(uow, "KC-BOGOR")] == [
            "move_regency"]
    async with db.transaction() as uow:
        assert await branch_admin.recent_changes(uow, "KC-BANDUNG") == []
    async with db.transaction() as uow:
        listing = {b.code: b for b in await branch_admin.list_branches(uow)}
    assert "kab-bogor" in {r.code for r in listing["KC-DEPOK"].regencies}
    assert "kab-bogor" not in {r.code for r in listing["KC-BOGOR"].regencies}


async def test_refused_moves_change_and_record_nothing(db: Database) -> None:
    async with db.transaction() as uow:
        await load_directory(uow)
    for regency, branch, refusal in [
        ("kab-bogor", "KC-BOGOR", Refusal.SAME_BRANCH),
        ("kab-atlantis", "KC-BOGOR", Refusal.UNKNOWN_REGENCY),
        ("kab-bogor", "KC-NOWHERE", Refusal.UNKNOWN_BRANCH),
    ]:
        with pytest.raises(ChangeRefused) as refused:
            async with db.transaction() as uow:
                await branch_admin.move_regency(uow, regency, branch, actor=ACTOR, now=NOW)
        assert refused.value.refusal == refusal
    assert await change_count(db) == 0
    async with db.transaction() as uow:
        assert (await load_directory(uow)).route_regency("kab-bogor").code == "KC-BOGOR"


async def test_edit_records_before_and_after_and_verifying_names_the_office(
    db: Database,
) -> None:
    async with db.transaction() as uow:
        await load_directory(uow)
    edit = BranchEdit(name="Kantor Cabang Bogor Kota", address=" Jl. Contoh 2, Bogor ",
                      phone="(0251) 123-456", verified=True)
    async with db.transaction() as uow:
        changed = await branch_admin.edit_branch(uow, "KC-BOGOR", edit, actor=ACTOR, now=NOW)

    assert changed == {
        "name": ["Kantor Cabang Bogor", "Kantor Cabang Bogor Kota"],
        "address": ["", "Jl. Contoh 2, Bogor"],
        "phone": ["", "(0251) 123-456"],
        "verified": [False, True],
    }
    async with db.transaction() as uow:
        [change] = await branch_admin.recent_changes(uow, "KC-BOGOR")
    assert (change.actor, change.action, change.details) == (ACTOR, "edit", changed)
    async with db.transaction() as uow:
        routed = (await load_directory(uow)).route_regency("kota-bogor")
    assert (routed.name, routed.provisional, routed.phone) == (
        "Kantor Cabang Bogor Kota", False, "(0251) 123-456")

    # The same values again: refused, nothing recorded.
    with pytest.raises(ChangeRefused) as refused:
        async with db.transaction() as uow:
            await branch_admin.edit_branch(uow, "KC-BOGOR", edit, actor=ACTOR, now=NOW)
    assert refused.value.refusal == Refusal.UNCHANGED
    # Marked unverified again by another manager, later: provisional for workers again.
    later = NOW + timedelta(hours=1)
    async with db.transaction() as uow:
        await branch_admin.edit_branch(uow, "KC-BOGOR", BranchEdit(
            "Kantor Cabang Bogor Kota", "Jl. Contoh 2, Bogor", "(0251) 123-456", verified=False),
            actor="akun:budi", now=later)
    async with db.transaction() as uow:
        assert (await load_directory(uow)).route_regency("kota-bogor").provisional is True
    async with db.transaction() as uow:
        newest, oldest = await branch_admin.recent_changes(uow, "KC-BOGOR")
    assert (newest.actor, newest.at, newest.details) == (
        "akun:budi", later, {"verified": [True, False]})
    assert oldest.actor == ACTOR


@pytest.mark.parametrize(
    ("edit", "refusal"),
    [
        (BranchEdit("  ", "", "", False), Refusal.EMPTY_NAME),
        (BranchEdit("x" * 121, "", "", False), Refusal.LONG_NAME),
        (BranchEdit("Kantor", "a" * 301, "", False), Refusal.LONG_ADDRESS),
        (BranchEdit("Kantor", "", "call us", False), Refusal.BAD_PHONE),
    ],
)
async def test_invalid_edits_are_refused_without_a_trace(
    db: Database, edit: BranchEdit, refusal: Refusal
) -> None:
    async with db.transaction() as uow:
        await load_directory(uow)
    with pytest.raises(ChangeRefused) as refused:
        async with db.transaction() as uow:
            await branch_admin.edit_branch(uow, "KC-BOGOR", edit, actor=ACTOR, now=NOW)
    assert refused.value.refusal == refusal
    assert await change_count(db) == 0
    async with db.transaction() as uow:
        assert (await load_directory(uow)).branch("KC-BOGOR").name == "Kantor Cabang Bogor"


async def test_link_code_is_recorded_without_the_code_and_links_a_group(db: Database) -> None:
    async with db.transaction() as uow:
        await load_directory(uow)
    async with db.transaction() as uow:
        code = await branch_admin.make_link_code(uow, "KC-LAMONGAN", actor=ACTOR, now=NOW)

    async with db.transaction() as uow:
        [change] = await branch_admin.recent_changes(uow, "KC-LAMONGAN")
    assert (change.action, change.actor, change.details) == ("link_code", ACTOR, {})
    async with db.transaction() as session:
        stored = (await session.execute(select(LinkCode.code_hash))).scalars().all()
    assert code not in stored and len(stored) == 1
    async with db.transaction() as uow:
        linked = await link_group(uow, code=code, chat_id=-100123, by_telegram_id=5, now=NOW)
    assert (linked.outcome, linked.branch_code) == (LinkOutcome.LINKED, "KC-LAMONGAN")
    async with db.transaction() as uow:
        [lamongan] = [b for b in await branch_admin.list_branches(uow) if b.code == "KC-LAMONGAN"]
    assert lamongan.group_chat_ids == (-100123,)
    with pytest.raises(ChangeRefused):
        async with db.transaction() as uow:
            await branch_admin.make_link_code(uow, "KC-NOWHERE", actor=ACTOR, now=NOW)


async def test_a_running_bot_reloads_the_directory_after_a_change(db: Database) -> None:
    used: list[Directory] = []
    async with db.transaction() as uow:
        await load_directory(uow)
    watcher = DirectoryWatcher(db, used.append, interval=0)
    assert await watcher.check_once() is False  # notes the version
    assert await watcher.check_once() is False  # nothing changed
    async with db.transaction() as uow:
        await branch_admin.move_regency(uow, "kab-lamongan", "KC-SURABAYA", actor=ACTOR, now=NOW)
    assert await watcher.check_once() is True
    [directory] = used
    assert directory.route_regency("kab-lamongan").code == "KC-SURABAYA"
    assert await watcher.check_once() is False


async def test_an_import_is_recorded_and_reloaded_by_a_running_bot(db: Database) -> None:
    import io

    used: list[Directory] = []
    async with db.transaction() as uow:
        await load_directory(uow)
    watcher = DirectoryWatcher(db, used.append, interval=0)
    await watcher.check_once()
    official = io.StringIO(
        "code,name,address,phone,lat,lon,province_code\n"
        "KC-LAMONGAN,Kantor Cabang Lamongan,\"Jl. Resmi 1\",,-7.1167,112.4167,ID-JI\n"
        "KC-JAKARTA,Kantor Cabang Jakarta,,,-6.2,106.8167,ID-JK\n"
    )
    async with db.transaction() as uow:
        await branch_admin.import_branches(uow, official, now=NOW)
    async with db.transaction() as uow:
        [change] = await branch_admin.recent_changes(uow)
    assert (change.actor, change.action, change.branch_code, change.details) == (
        "cli", "import", "*", {"branches": 2})
    assert await watcher.check_once() is True
    assert used[-1].route_regency("kab-tuban").code == "KC-LAMONGAN"
    assert used[-1].route_regency("kab-tuban").address == "Jl. Resmi 1"
