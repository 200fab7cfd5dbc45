"""Typed settings, built once from the environment and an optional ``.env`` file.

Nothing else in the project reads ``os.environ``: the CLI builds a :class:`Settings` and passes it
down. A missing or invalid value raises :class:`SettingsError`, which the CLI prints as one line
naming the variable and what is expected.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Literal

from dotenv import dotenv_values
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from bot.office_hours import (
    DEFAULT_OFFICE_HOURS,
    OfficeHours,
    parse_branch_office_hours,
    parse_office_hours,
)
from bot.quiet_hours import DEFAULT_QUIET_HOURS, QuietHours, parse_quiet_hours

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_PATH = PROJECT_ROOT / "data" / "bebas_cemas.db"
TELEGRAM_API_BASE_URL = "https://api.telegram.org/bot"

BotMode = Literal["polling", "webhook"]


class SettingsError(Exception):
    """A setting is missing or invalid; ``str()`` is the one line shown to the operator."""

    def __init__(self, variable: str, expected: str, got: str | None = None) -> None:
        self.variable = variable
        shown = "" if got is None else f" (got {got!r})"
        super().__init__(f"{variable}: expected {expected}{shown}")


@dataclass(frozen=True)
class Settings:
    telegram_bot_token: str | None = None
    telegram_api_base_url: str = TELEGRAM_API_BASE_URL
    database_url: str = f"sqlite+aiosqlite:///{DEFAULT_DATABASE_PATH}"
    bot_mode: BotMode = "polling"
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: str | None = None
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    admin_group_id: int | None = None
    telegram_rate_limit: bool = True
    log_level: str = "INFO"
    database_connect_attempts: int = 5
    lead_reminder_hours: int = 24
    lead_escalation_hours: int = 48
    # Dashboard: key for signing its login-form cookie (a random one per process when unset),
    # and how long a login lasts.
    dashboard_secret_key: str | None = None
    dashboard_session_hours: int = 12
    # Campaign tools (bot.sources, bot.handoff, bot.broadcasts, bot.followup).
    telegram_bot_username: str = "BebasCemasBot"
    office_hours: OfficeHours = field(
        default_factory=lambda: parse_office_hours(DEFAULT_OFFICE_HOURS)
    )
    office_hours_by_branch: tuple[tuple[str, OfficeHours], ...] = ()
    ticket_autoclose_after: timedelta = timedelta(days=3)
    broadcast_rate: int = 25
    broadcast_approval_threshold: int = 1000
    # No broadcast goes out inside these hours (WIB) unless forced (bot.quiet_hours).
    broadcast_quiet_hours: QuietHours = field(
        default_factory=lambda: parse_quiet_hours(DEFAULT_QUIET_HOURS)
    )
    followup_contact_after: timedelta = timedelta(days=3)
    followup_satisfaction_after: timedelta = timedelta(days=7)

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    def require_token(self) -> str:
        if not self.telegram_bot_token:
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN",
                "the bot token from @BotFather (or run `python -m bot sandbox`, which needs none)",
            )
        return self.telegram_bot_token

    def webhook_path(self) -> str:
        """The URL path Telegram posts to: the path part of ``WEBHOOK_URL``."""
        if not self.webhook_url:
            return "/telegram"
        from urllib.parse import urlsplit

        return urlsplit(self.webhook_url).path or "/telegram"

    def office_hours_for(self, branch_code: str | None) -> OfficeHours:
        """A branch's own hours (``OFFICE_HOURS_BY_BRANCH``), else ``OFFICE_HOURS``."""
        for code, hours in self.office_hours_by_branch:
            if code == (branch_code or "").upper():
                return hours
        return self.office_hours


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: Path | None = None
) -> Settings:
    """Read settings from ``environ`` (default: the process environment) over ``.env``."""
    values: dict[str, str] = {}
    dotenv_path = env_file if env_file is not None else PROJECT_ROOT / ".env"
    if dotenv_path.is_file():
        values.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    def get(name: str) -> str | None:
        raw = values.get(name)
        if raw is None:
            return None
        raw = raw.strip()
        return raw or None

    mode = (get("BOT_MODE") or "polling").lower()
    if mode not in ("polling", "webhook"):
        raise SettingsError("BOT_MODE", "'polling' or 'webhook'", mode)

    secret = get("WEBHOOK_SECRET")
    if secret is not None and not _is_valid_secret(secret):
        raise SettingsError(
            "WEBHOOK_SECRET", "1-256 characters of A-Z, a-z, 0-9, '_' or '-' (Telegram's rule)"
        )
    webhook_url = get("WEBHOOK_URL")
    if webhook_url is not None and not webhook_url.startswith(("https://", "http://")):
        raise SettingsError("WEBHOOK_URL", "an https:// URL Telegram can reach", webhook_url)
    if mode == "webhook" and webhook_url is None:
        raise SettingsError("WEBHOOK_URL", "a public https:// URL when BOT_MODE=webhook")

    return Settings(
        telegram_bot_token=get("TELEGRAM_BOT_TOKEN"),
        telegram_api_base_url=(get("TELEGRAM_API_BASE_URL") or TELEGRAM_API_BASE_URL).rstrip("/"),
        database_url=parse_database_url(get("DATABASE_URL")),
        bot_mode=mode,  # type: ignore[arg-type]
        webhook_url=webhook_url,
        webhook_listen=get("WEBHOOK_LISTEN") or "127.0.0.1",
        webhook_port=_parse_int("WEBHOOK_PORT", get("WEBHOOK_PORT"), 8443, 1, 65535),
        webhook_secret=secret,
        admin_ids=_parse_ids("ADMIN_IDS", get("ADMIN_IDS")),
        admin_group_id=_parse_optional_chat_id("ADMIN_GROUP_ID", get("ADMIN_GROUP_ID")),
        telegram_rate_limit=_parse_on_off("TELEGRAM_RATE_LIMIT", get("TELEGRAM_RATE_LIMIT"), True),
        log_level=_parse_log_level(get("LOG_LEVEL")),
        database_connect_attempts=_parse_int(
            "DATABASE_CONNECT_ATTEMPTS", get("DATABASE_CONNECT_ATTEMPTS"), 5, 1, 100
        ),
        lead_reminder_hours=_parse_int(
            "LEAD_REMINDER_HOURS", get("LEAD_REMINDER_HOURS"), 24, 1, 24 * 30
        ),
        lead_escalation_hours=_parse_int(
            "LEAD_ESCALATION_HOURS", get("LEAD_ESCALATION_HOURS"), 48, 1, 24 * 60
        ),
        dashboard_secret_key=_parse_secret_key("DASHBOARD_SECRET_KEY", get("DASHBOARD_SECRET_KEY")),
        dashboard_session_hours=_parse_int(
            "DASHBOARD_SESSION_HOURS", get("DASHBOARD_SESSION_HOURS"), 12, 1, 24 * 30
        ),
        telegram_bot_username=_parse_username(get("TELEGRAM_BOT_USERNAME")),
        office_hours=_parse_hours("OFFICE_HOURS", get("OFFICE_HOURS")),
        office_hours_by_branch=_parse_branch_hours(get("OFFICE_HOURS_BY_BRANCH")),
        ticket_autoclose_after=_parse_duration(
            "TICKET_AUTOCLOSE_AFTER", get("TICKET_AUTOCLOSE_AFTER"), timedelta(days=3)
        ),
        broadcast_rate=_parse_int("BROADCAST_RATE", get("BROADCAST_RATE"), 25, 1, 30),
        broadcast_approval_threshold=_parse_int(
            "BROADCAST_APPROVAL_THRESHOLD", get("BROADCAST_APPROVAL_THRESHOLD"), 1000, 0, 10**9
        ),
        broadcast_quiet_hours=_parse_quiet_hours(get("BROADCAST_QUIET_HOURS")),
        followup_contact_after=_parse_duration(
            "FOLLOWUP_CONTACT_AFTER", get("FOLLOWUP_CONTACT_AFTER"), timedelta(days=3)
        ),
        followup_satisfaction_after=_parse_duration(
            "FOLLOWUP_SATISFACTION_AFTER", get("FOLLOWUP_SATISFACTION_AFTER"), timedelta(days=7)
        ),
    )


def parse_database_url(raw: str | None) -> str:
    """Accept plain ``sqlite:///`` and ``postgresql://`` URLs and pick the async drivers."""
    if raw is None:
        return Settings.database_url
    try:
        url: URL = make_url(raw)
    except (ArgumentError, ValueError):
        raise SettingsError(
            "DATABASE_URL",
            "a URL like sqlite:///data/bebas_cemas.db or postgresql://user@host:5432/dbname",
            raw,
        ) from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        url = url.set(drivername="sqlite+aiosqlite")
    elif backend in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+asyncpg")
        if not url.database:
            raise SettingsError("DATABASE_URL", "a PostgreSQL URL that names the database", raw)
    else:
        raise SettingsError("DATABASE_URL", "a sqlite:/// or postgresql:// URL", raw)
    return url.render_as_string(hide_password=False)


def _is_valid_secret(secret: str) -> bool:
    return 1 <= len(secret) <= 256 and all(c.isalnum() or c in "_-" for c in secret)


def _parse_int(name: str, raw: str | None, default: int, low: int, high: int) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(name, f"a whole number from {low} to {high}", raw) from None
    if not low <= value <= high:
        raise SettingsError(name, f"a whole number from {low} to {high}", raw)
    return value


def _parse_ids(name: str, raw: str | None) -> frozenset[int]:
    if raw is None:
        return frozenset()
    ids: set[int] = set()
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            raise SettingsError(name, "comma-separated Telegram user ids like 12345,67890", raw)
        ids.add(int(part))
    return frozenset(ids)


def _parse_optional_chat_id(name: str, raw: str | None) -> int | None:
    if raw is None:
        return None
    if not raw.lstrip("-").isdigit():
        raise SettingsError(name, "a Telegram chat id such as -1001234567890", raw)
    return int(raw)


def _parse_on_off(name: str, raw: str | None, default: bool) -> bool:
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered in ("on", "true", "1", "yes"):
        return True
    if lowered in ("off", "false", "0", "no"):
        return False
    raise SettingsError(name, "'on' or 'off'", raw)


def _parse_secret_key(name: str, raw: str | None) -> str | None:
    # Short keys can be guessed offline from one signed cookie.
    if raw is not None and len(raw) < 32:
        raise SettingsError(name, "at least 32 random characters (e.g. `openssl rand -hex 32`)")
    return raw


_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhd]?)$")
_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "": 86400}


def _parse_duration(name: str, raw: str | None, default: timedelta) -> timedelta:
    """``3d``, ``36h``, ``90m``, ``20s``; a bare number is days."""
    if raw is None:
        return default
    match = _DURATION.match(raw.strip().lower())
    if match is None or float(match[1]) <= 0:
        raise SettingsError(
            name, "a duration like 3d, 36h, 90m or 20s (a bare number is days)", raw
        )
    return timedelta(seconds=float(match[1]) * _DURATION_UNITS[match[2]])


def _parse_username(raw: str | None) -> str:
    username = (raw or "BebasCemasBot").removeprefix("@")
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{3,31}", username):
        raise SettingsError("TELEGRAM_BOT_USERNAME", "the bot's username, e.g. BebasCemasBot", raw)
    return username


def _parse_hours(name: str, raw: str | None) -> OfficeHours:
    try:
        return parse_office_hours(raw or DEFAULT_OFFICE_HOURS)
    except ValueError as error:
        raise SettingsError(
            name, f"hours like 'mon-fri 08:00-16:00, sat 08:00-12:00': {error}"
        ) from None


def _parse_quiet_hours(raw: str | None) -> QuietHours:
    try:
        return parse_quiet_hours(raw)
    except ValueError as error:
        raise SettingsError(
            "BROADCAST_QUIET_HOURS", f"hours (WIB) like '21:00-07:00', or 'off': {error}"
        ) from None


def _parse_branch_hours(raw: str | None) -> tuple[tuple[str, OfficeHours], ...]:
    try:
        return parse_branch_office_hours(raw or "")
    except ValueError as error:
        raise SettingsError(
            "OFFICE_HOURS_BY_BRANCH", f"'KC-CODE=mon-fri 08:00-16:00; KC-OTHER=...': {error}"
        ) from None


def _parse_log_level(raw: str | None) -> str:
    level = (raw or "INFO").upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise SettingsError("LOG_LEVEL", "DEBUG, INFO, WARNING or ERROR", raw)
    return level
