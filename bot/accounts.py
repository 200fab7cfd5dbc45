"""Dashboard accounts: who may log in, with which role, and their sessions.

Passwords are hashed with scrypt (``hashlib.scrypt``, a memory-hard standard KDF) and a random
salt per account; the parameters are stored in the hash so they can be raised later without
breaking existing logins. A login for an unknown username still runs the KDF against a dummy
hash, so the answer and its timing do not reveal which usernames exist.

Sessions live in the database: the browser holds a random token, the table only its SHA-256.
Login attempts are rate-limited in memory per username and per client address
(:class:`LoginLimiter`): one dashboard process is the expected deployment.

Domain module: no aiohttp here; the web layer (``bot.dashboard``) calls these functions.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
import hmac
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from db.engine import UnitOfWork
from db.models import DashboardAccount, DashboardSession
from db.repositories.accounts import AccountRepository, SessionRepository
from db.repositories.branches import BranchRepository

# scrypt cost: N=2^15, r=8, p=1 needs 32 MiB and ~0.1 s per check on a server core; above
# OWASP's minimum (2^17 * 8 * 1 is its "high" setting, too slow for a small dashboard host).
_SCRYPT_N = 2**15
_SCRYPT_R = 8
_SCRYPT_P = 1
_SCRYPT_MAXMEM = 64 * 1024 * 1024
_SALT_BYTES = 16
_HASH_BYTES = 32

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
USERNAME_MAX_LENGTH = 60


class Role(StrEnum):
    MANAGER = "manajer"
    BRANCH = "cabang"


class AccountError(ValueError):
    """An account cannot be created or changed; ``str()`` is the operator-facing reason."""


@dataclass(frozen=True)
class AccountView:
    id: int
    username: str
    role: Role
    branch_code: str | None
    # Where the previews of the broadcasts this account creates go (None: nowhere yet).
    telegram_id: int | None = None
    # The branch's name (branches.name) for a branch account, as its pages' header shows it.
    branch_name: str | None = None

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def actor(self) -> str:
        """How records name this account (``created_by``, ``approved_by``...)."""
        return f"akun:{self.username}"


@dataclass(frozen=True)
class NewSession:
    token: str
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class SessionView:
    account: AccountView
    csrf_token: str
    expires_at: datetime


# --- passwords ------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$hash`` (base64) for ``password``."""
    salt = secrets.token_bytes(_SALT_BYTES)
    digest = _scrypt(password, salt, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P)
    return "$".join(
        ("scrypt", str(_SCRYPT_N), str(_SCRYPT_R), str(_SCRYPT_P), _b64(salt), _b64(digest))
    )


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of ``password`` against a :func:`hash_password` string."""
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = _scrypt(password, _unb64(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, _unb64(expected))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_SCRYPT_MAXMEM,
        dklen=_HASH_BYTES,
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


# Checked when the username is unknown, so that both failures cost one KDF run.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"the password may have at most {MAX_PASSWORD_LENGTH} characters")


def normalize_username(username: str) -> str:
    # Case-insensitive: "Budi" and "budi" are one account, whatever a login form sends.
    return username.strip().lower()


def check_telegram_id(telegram_id: int | None) -> int | None:
    # A person's Telegram id is a positive number (groups are negative); at most 52 bits.
    if telegram_id is not None and not 0 < telegram_id < 2**52:
        raise AccountError("a Telegram user id is a positive number (ask @userinfobot)")
    return telegram_id


def _check_username(username: str) -> str:
    name = normalize_username(username)
    if not name or len(name) > USERNAME_MAX_LENGTH:
        raise AccountError(f"the username needs 1-{USERNAME_MAX_LENGTH} characters")
    if not all(c.isalnum() or c in "._-@" for c in name):
        raise AccountError("the username may use letters, digits and . _ - @ only")
    return name


# --- accounts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreatedAccount:
    account: AccountView
    branch_known: bool  # False: no such branch in the directory (yet); the account sees nothing


async def create_account(
    uow: UnitOfWork,
    username: str,
    password: str,
    role: Role,
    branch_code: str | None,
    now: datetime,
    *,
    telegram_id: int | None = None,
) -> CreatedAccount:
    name = _check_username(username)
    check_new_password(password)
    check_telegram_id(telegram_id)
    if role == Role.BRANCH and not branch_code:
        raise AccountError("a cabang account needs --cabang KODE (the branch code)")
    if role == Role.MANAGER and branch_code:
        raise AccountError("a manajer account sees every branch: leave out --cabang")
    # The KDF runs before the first query: the unit of work holds no connection while it does.
    password_hash = await asyncio.to_thread(hash_password, password)
    known = True
    if branch_code:
        branch_code, known = await _resolve_branch_code(uow, branch_code.strip())
    if await _by_username(uow, name) is not None:
        raise AccountError(f"the account {name!r} already exists")
    account = DashboardAccount(
        username=name,
        password_hash=password_hash,
        role=str(role),
        branch_code=branch_code,
        created_at=now,
        telegram_id=telegram_id,
    )
    await AccountRepository(uow).add(account)
    return CreatedAccount(_view(account), known)


async def _resolve_branch_code(uow: UnitOfWork, code: str) -> tuple[str, bool]:
    """The directory's spelling of ``code`` and whether it is known: the database's branches,
    or the shipped directory when the bot has not seeded the database yet."""
    codes = await BranchRepository(uow).codes()
    if not codes:
        from bot.geo.shipped import load_default_directory

        codes = set(load_default_directory().branches)
    if code in codes:
        return code, True
    by_upper = {known.upper(): known for known in codes}
    if code.upper() in by_upper:
        return by_upper[code.upper()], True
    return code, False


async def set_password(uow: UnitOfWork, username: str, password: str) -> bool:
    check_new_password(password)
    password_hash = await asyncio.to_thread(hash_password, password)
    account = await _by_username(uow, username)
    if account is None:
        return False
    account.password_hash = password_hash
    # A new password ends every open session of that account.
    await SessionRepository(uow).delete_of_account(account.id)
    return True


async def set_telegram_id(uow: UnitOfWork, username: str, telegram_id: int | None) -> bool:
    """Where the account's broadcast previews go; False when there is no such account."""
    check_telegram_id(telegram_id)
    account = await _by_username(uow, username)
    if account is None:
        return False
    account.telegram_id = telegram_id
    return True


async def delete_account(uow: UnitOfWork, username: str) -> bool:
    account = await _by_username(uow, username)
    if account is None:
        return False
    await SessionRepository(uow).delete_of_account(account.id)
    await AccountRepository(uow).delete(account)
    return True


async def list_accounts(uow: UnitOfWork) -> list[AccountView]:
    rows = await AccountRepository(uow).all_by_username()
    return [_view(row) for row in rows]


@dataclass(frozen=True)
class LoginCandidate:
    """What a login checks the password against: the account, or None and a dummy hash."""

    account: AccountView | None
    password_hash: str


async def login_candidate(uow: UnitOfWork, username: str) -> LoginCandidate:
    account = await _by_username(uow, username[:USERNAME_MAX_LENGTH + 10])
    if account is None:
        return LoginCandidate(None, _DUMMY_HASH)
    return LoginCandidate(_view(account), account.password_hash)


async def password_matches(candidate: LoginCandidate, password: str) -> bool:
    """Always exactly one KDF run (also for an unknown username), in a thread so the event
    loop keeps serving other requests."""
    ok = await asyncio.to_thread(verify_password, password[:MAX_PASSWORD_LENGTH],
                                 candidate.password_hash)
    return ok and candidate.account is not None


async def record_login(uow: UnitOfWork, account: AccountView, now: datetime) -> None:
    row = await AccountRepository(uow).get(account.id)
    if row is not None:
        row.last_login_at = now


async def _by_username(session: UnitOfWork, username: str) -> DashboardAccount | None:
    return await AccountRepository(session).by_username(normalize_username(username))


def _view(account: DashboardAccount) -> AccountView:
    return AccountView(
        account.id, account.username, Role(account.role), account.branch_code, account.telegram_id
    )


# --- sessions -------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


async def start_session(
    uow: UnitOfWork, account: AccountView, now: datetime, hours: int
) -> NewSession:
    """A fresh session (a new token on every login: no session fixation)."""
    token = secrets.token_urlsafe(32)
    csrf_token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(hours=hours)
    # Expired sessions are cleared here rather than by a background job.
    sessions = SessionRepository(uow)
    await sessions.delete_expired(now)
    sessions.add(
        DashboardSession(
            token_hash=_token_hash(token),
            account_id=account.id,
            csrf_token=csrf_token,
            created_at=now,
            expires_at=expires_at,
        )
    )
    return NewSession(token, csrf_token, expires_at)


async def session_for(uow: UnitOfWork, token: str, now: datetime) -> SessionView | None:
    """The logged-in account for a cookie token, or None (unknown or expired)."""
    if not token or len(token) > 100:
        return None
    row = await SessionRepository(uow).with_account(_token_hash(token))
    if row is None:
        return None
    stored, account, branch_name = row
    if stored.expires_at <= now:
        return None
    view = dataclasses.replace(_view(account), branch_name=branch_name)
    return SessionView(view, stored.csrf_token, stored.expires_at)


async def end_session(uow: UnitOfWork, token: str) -> None:
    await SessionRepository(uow).delete_by_token_hash(_token_hash(token))


async def count_sessions(uow: UnitOfWork, username: str) -> int:
    return await SessionRepository(uow).count_of_username(
        normalize_username(username)
    )


# --- login rate limiting --------------------------------------------------------------------


@dataclass
class LoginLimiter:
    """Failed logins per username and per client address in a sliding window.

    Keys are counted whether or not the username exists, so being limited says nothing about
    which accounts there are. A success clears the username's failures.
    """

    per_username: int = 5
    per_address: int = 30
    window_seconds: float = 15 * 60
    max_keys: int = 10_000
    _failures: dict[str, deque[float]] = field(default_factory=dict)

    def _now(self) -> float:
        return time.monotonic()

    def retry_after(self, username: str, address: str) -> int:
        """Seconds to wait before another attempt is allowed; 0 when allowed now."""
        now = self._now()
        waits = [
            self._wait(f"u:{normalize_username(username)}", self.per_username, now),
            self._wait(f"a:{address}", self.per_address, now),
        ]
        return max(waits)

    def failed(self, username: str, address: str) -> None:
        now = self._now()
        for key in (f"u:{normalize_username(username)}", f"a:{address}"):
            if key not in self._failures and len(self._failures) >= self.max_keys:
                self._prune(now)
            self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, username: str) -> None:
        self._failures.pop(f"u:{normalize_username(username)}", None)

    def _wait(self, key: str, limit: int, now: float) -> int:
        times = self._failures.get(key)
        if not times:
            return 0
        while times and times[0] <= now - self.window_seconds:
            times.popleft()
        if len(times) < limit:
            return 0
        return max(1, int(times[0] + self.window_seconds - now) + 1)

    def _prune(self, now: float) -> None:
        # Bounded memory under a flood of made-up usernames: drop stale keys, then the oldest.
        stale = now - self.window_seconds
        for key in [k for k, times in self._failures.items() if not times or times[-1] <= stale]:
            del self._failures[key]
        while len(self._failures) >= self.max_keys:
            del self._failures[next(iter(self._failures))]
