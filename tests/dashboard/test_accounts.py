"""bot.accounts: password hashing, account rules, sessions and the login limiter."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.accounts import (
    AccountError,
    LoginLimiter,
    Role,
    create_account,
    delete_account,
    hash_password,
    list_accounts,
    session_for,
    set_password,
    set_telegram_id,
    start_session,
    verify_password,
)
from bot.dashboard.login import authenticate
from db.engine import Database
from tests.dashboard.data import NOW, TIMUR, seed


def test_hash_is_salted_scrypt_and_verifies() -> None:
    first, second = hash_password("rahasia-sekali"), hash_password("rahasia-sekali")
    assert first != second  # a fresh salt each time
    assert first.startswith("scrypt$32768$8$1$")
    assert "rahasia" not in first
    assert verify_password("rahasia-sekali", first)
    assert not verify_password("rahasia-sekalI", first)
    assert not verify_password("rahasia-sekali", "md5$whatever")
    assert not verify_password("rahasia-sekali", "not a hash")


async def test_create_and_authenticate(db: Database) -> None:
    async with db.transaction() as uow:
        created = await create_account(uow, "Budi", "panjang-sekali", Role.MANAGER, None, NOW)
    assert created.account.username == "budi" and created.account.is_manager
    assert await authenticate(db, "BUDI", "panjang-sekali", NOW) == created.account
    assert await authenticate(db, "budi", "salah-sandi", NOW) is None
    assert await authenticate(db, "siapa", "panjang-sekali", NOW) is None


@pytest.mark.parametrize(
    ("username", "password", "role", "branch", "reason"),
    [
        ("ani", "pendek", Role.MANAGER, None, "at least 8"),
        ("ani", "cukup-panjang", Role.BRANCH, None, "--cabang"),
        ("ani", "cukup-panjang", Role.MANAGER, TIMUR, "leave out --cabang"),
        ("ani ani", "cukup-panjang", Role.MANAGER, None, "letters, digits"),
        ("", "cukup-panjang", Role.MANAGER, None, "1-60"),
    ],
)
async def test_account_rules(db: Database, username: str, password: str, role: Role,
                             branch: str | None, reason: str) -> None:
    with pytest.raises(AccountError, match=reason):
        async with db.transaction() as uow:
            await create_account(uow, username, password, role, branch, NOW)


async def test_duplicate_username_is_refused(db: Database) -> None:
    async with db.transaction() as uow:
        await create_account(uow, "ani", "cukup-panjang", Role.MANAGER, None, NOW)
    with pytest.raises(AccountError, match="already exists"):
        async with db.transaction() as uow:
            await create_account(uow, "ANI", "cukup-panjang", Role.MANAGER, None, NOW)


async def test_branch_code_checked_against_the_directory(db: Database) -> None:
    # No branches in the database yet: the shipped directory is the reference.
    async with db.transaction() as uow:
        shipped = await create_account(uow, "sby", "cukup-panjang", Role.BRANCH, "kc-surabaya", NOW)
    assert shipped.account.branch_code == "KC-SURABAYA" and shipped.branch_known
    await seed(db)
    async with db.transaction() as uow:
        known = await create_account(uow, "timur", "cukup-panjang", Role.BRANCH, TIMUR, NOW)
    assert known.branch_known
    async with db.transaction() as uow:
        unknown = await create_account(uow, "x", "cukup-panjang", Role.BRANCH, "KC-TIDAK-ADA", NOW)
    assert not unknown.branch_known  # allowed, with a warning: it sees nothing


async def test_sessions_expire_and_end_with_a_new_password(db: Database) -> None:
    async with db.transaction() as uow:
        account = (await create_account(
            uow, "ani", "cukup-panjang", Role.MANAGER, None, NOW
        )).account
    async with db.transaction() as uow:
        session = await start_session(uow, account, NOW, hours=2)
    async with db.transaction() as uow:
        assert (await session_for(uow, session.token, NOW + timedelta(hours=1))) is not None
    async with db.transaction() as uow:
        assert (await session_for(uow, session.token, NOW + timedelta(hours=2))) is None
    async with db.transaction() as uow:
        assert (await session_for(uow, "x" * 43, NOW)) is None
    async with db.transaction() as uow:
        other = await start_session(uow, account, NOW, hours=2)
    async with db.transaction() as uow:
        assert await set_password(uow, "ani", "sandi-baru-panjang")
    async with db.transaction() as uow:
        assert (await session_for(uow, other.token, NOW)) is None
    assert await authenticate(db, "ani", "sandi-baru-panjang", NOW) is not None
    async with db.transaction() as uow:
        assert not await set_password(uow, "siapa", "sandi-baru-panjang")


async def test_list_and_delete(db: Database) -> None:
    async with db.transaction() as uow:
        await create_account(uow, "b", "cukup-panjang", Role.MANAGER, None, NOW)
    async with db.transaction() as uow:
        await create_account(uow, "a", "cukup-panjang", Role.MANAGER, None, NOW)
    async with db.transaction() as uow:
        assert [a.username for a in await list_accounts(uow)] == ["a", "b"]
    async with db.transaction() as uow:
        assert await delete_account(uow, "a")
    async with db.transaction() as uow:
        assert not await delete_account(uow, "a")
    async with db.transaction() as uow:
        assert [a.username for a in await list_accounts(uow)] == ["b"]


async def test_telegram_id_for_broadcast_previews(db: Database) -> None:
    async with db.transaction() as uow:
        created = await create_account(uow, "ani", "cukup-panjang", Role.MANAGER, None, NOW,
                                       telegram_id=123456789)
    assert created.account.telegram_id == 123456789
    assert created.account.actor == "akun:ani"
    async with db.transaction() as uow:
        session = await start_session(uow, created.account, NOW, 1)
    async with db.transaction() as uow:
        view = await session_for(uow, session.token, NOW)
    assert view is not None and view.account.telegram_id == 123456789
    async with db.transaction() as uow:
        assert await set_telegram_id(uow, "ANI", None)
    async with db.transaction() as uow:
        assert (await list_accounts(uow))[0].telegram_id is None
    async with db.transaction() as uow:
        assert not await set_telegram_id(uow, "siapa", 5)
    for bad in (0, -100123, 2**53):  # a group's id, or beyond Telegram's user ids
        with pytest.raises(AccountError):
            async with db.transaction() as uow:
                await set_telegram_id(uow, "ani", bad)
        with pytest.raises(AccountError):
            async with db.transaction() as uow:
                await create_account(uow, f"x{abs(bad)}", "cukup-panjang", Role.MANAGER, None, NOW,
                                     telegram_id=bad)


class FakeLimiter(LoginLimiter):
    now: float = 1000.0

    def _now(self) -> float:
        return self.now


def test_limiter_window_per_username_and_address() -> None:
    limiter = FakeLimiter(per_username=3, per_address=5, window_seconds=60)
    for _ in range(3):
        assert limiter.retry_after("Ani", "10.0.0.1") == 0
        limiter.failed("ani", "10.0.0.1")
    assert limiter.retry_after("ANI", "10.0.0.2") == 61  # the username, from any address
    assert limiter.retry_after("budi", "10.0.0.1") == 0
    limiter.failed("budi", "10.0.0.1")
    limiter.failed("citra", "10.0.0.1")
    assert limiter.retry_after("dewi", "10.0.0.1") > 0  # the address, for any username
    limiter.now += 61
    assert limiter.retry_after("ani", "10.0.0.1") == 0
    limiter.failed("ani", "10.0.0.3")
    limiter.succeeded("ani")
    assert limiter.retry_after("ani", "10.0.0.3") == 0


def test_limiter_memory_is_bounded() -> None:
    limiter = FakeLimiter(max_keys=100)
    for n in range(1000):
        limiter.failed(f"user{n}", f"10.0.{n // 250}.{n % 250}")
    assert len(limiter._failures) <= 100
