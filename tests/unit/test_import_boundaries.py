"""The package boundaries of STYLE.md, checked on the source: domain modules under ``bot/`` take
and return plain data, so they import neither Telegram, the web server, the handlers nor the
database toolkit. Only the wiring listed here may.

``NOT_YET_MOVED`` names domain modules that still import a forbidden package, each with what
it still imports; issue #14 emptied it (SQL moved into ``db/repositories/``, rendering into
``bot/presentation/``). It may only shrink: an entry that no longer imports what it lists
fails too.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOT = ROOT / "bot"
FORBIDDEN = ("telegram", "aiohttp", "handlers", "sqlalchemy")

# Modules (or packages, ending in "/") that connect the domain to the outside world.
WIRING: dict[str, frozenset[str]] = {
    # Builds the python-telegram-bot Application and registers the handlers.
    "bot/app.py": frozenset({"telegram", "handlers", "sqlalchemy"}),
    "bot/telegram_bot.py": frozenset({"telegram"}),
    # What outgoing messages look like (text and keyboards), shared by handlers and senders.
    "bot/presentation/": frozenset({"telegram"}),
    # python-telegram-bot's HTTP layer over aiohttp.
    "bot/telegram_request.py": frozenset({"telegram", "aiohttp"}),
    "bot/runners/": frozenset({"telegram", "aiohttp", "handlers", "sqlalchemy"}),
    "bot/cli/": frozenset({"telegram", "aiohttp", "sqlalchemy"}),
    "bot/dashboard/": frozenset({"aiohttp", "sqlalchemy"}),
    # Sending through the Bot API: errors and rate limits are python-telegram-bot's; the
    # outbox tells "never sent" from "maybe delivered" by the HTTP client's exception types
    # (bot/outbox/tracking.py), and records each send before its request with SQL.
    "bot/outbox/": frozenset({"telegram", "aiohttp", "sqlalchemy"}),
    "bot/ordering.py": frozenset({"telegram"}),
    "bot/campaign_jobs.py": frozenset({"telegram"}),
    # Parses DATABASE_URL with SQLAlchemy's own URL type.
    "bot/settings.py": frozenset({"sqlalchemy"}),
}

# Domain modules that still import a forbidden package (issue #14); may only shrink.
NOT_YET_MOVED: dict[str, frozenset[str]] = {
}


def _imported_packages(path: Path) -> set[str]:
    """Top-level packages a module imports, at any depth (deferred imports count too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def _allowed(relative: str) -> frozenset[str]:
    allowed: frozenset[str] = frozenset()
    for prefix, packages in (*WIRING.items(), *NOT_YET_MOVED.items()):
        if relative == prefix or (prefix.endswith("/") and relative.startswith(prefix)):
            allowed |= packages
    return allowed


def _modules() -> list[tuple[str, set[str]]]:
    return [
        (path.relative_to(ROOT).as_posix(), _imported_packages(path))
        for path in sorted(BOT.rglob("*.py"))
    ]


def test_domain_modules_import_no_telegram_web_handlers_or_sql() -> None:
    offending = {
        module: sorted(set(FORBIDDEN) & imported - _allowed(module))
        for module, imported in _modules()
    }
    offending = {module: packages for module, packages in offending.items() if packages}
    assert not offending, offending


def test_the_not_yet_moved_list_only_shrinks() -> None:
    imports = dict(_modules())
    stale = {
        module: sorted(packages - imports.get(module, set()))
        for module, packages in NOT_YET_MOVED.items()
    }
    stale = {module: packages for module, packages in stale.items() if packages}
    assert not stale, f"no longer imported, delete from NOT_YET_MOVED: {stale}"


def test_the_sandbox_stands_apart_from_the_bot() -> None:
    """The local Bot API server is a package of its own: it speaks the Bot API and knows
    nothing of the bot it serves (the bot's CLI starts it and passes it plain settings)."""
    sandbox = ROOT / "sandbox"
    assert (sandbox / "__init__.py").exists()
    leaks = {
        path.relative_to(ROOT).as_posix(): sorted(
            _imported_packages(path) & {"bot", "handlers", "db", "telegram", "sqlalchemy"}
        )
        for path in sorted(sandbox.rglob("*.py"))
    }
    leaks = {module: packages for module, packages in leaks.items() if packages}
    assert not leaks, leaks


def test_the_check_sees_a_deferred_import(tmp_path: Path) -> None:
    module = tmp_path / "example.py"
    module.write_text("def f():\n    from telegram.error import NetworkError\n", encoding="utf-8")
    assert _imported_packages(module) == {"telegram"}
