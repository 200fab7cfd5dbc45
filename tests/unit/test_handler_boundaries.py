"""One router, features that never call each other (issue #14): a feature module under
``handlers/`` imports only the shared modules listed here; when an update belongs to another
feature it hands back an intent (``handlers.intents``) that ``handlers/dispatch.py`` carries
out. Only the router (and ``bot/app.py``, the wiring) imports feature modules."""

from __future__ import annotations

import ast
import typing
from pathlib import Path

from telegram.ext import ApplicationBuilder

from bot.app import register_handlers

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = ROOT / "handlers"

# Modules every handler may import: they serve several features and call none.
SHARED = frozenset(
    {
        "handlers.context",  # the per-update context type
        "handlers.keyboards",  # the main menu and its callback data
        "handlers.intents",  # what a feature hands back to the router
        "handlers.estimate",  # a contribution estimate as text (calculator, registration)
        "handlers.sources",  # records a deep link's source for /start; no handler of its own
    }
)
ROUTER = "handlers.dispatch"


def _handler_imports(path: Path) -> set[str]:
    """The ``handlers.*`` modules a module imports, at any depth (deferred imports count too):
    ``from handlers import a, b`` names ``handlers.a`` and ``handlers.b``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("handlers.")}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "handlers":
                found |= {f"handlers.{alias.name}" for alias in node.names}
            elif node.module.startswith("handlers."):
                found.add(node.module)
    return found


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def test_no_feature_imports_another_feature() -> None:
    crossing = {
        module: sorted(imported - SHARED)
        for path in sorted(HANDLERS.glob("*.py"))
        if (module := _module_name(path)) != ROUTER
        for imported in [_handler_imports(path)]
        if imported - SHARED
    }
    assert not crossing, f"call another feature through an intent and dispatch: {crossing}"


def test_the_shared_list_names_existing_modules() -> None:
    """A renamed or deleted module leaves a stale entry: delete it from SHARED."""
    stale = sorted(
        name for name in SHARED | {ROUTER} if not (ROOT / f"{name.replace('.', '/')}.py").exists()
    )
    assert not stale, stale


def test_the_check_sees_a_deferred_and_a_package_import(tmp_path: Path) -> None:
    module = tmp_path / "example.py"
    module.write_text(
        "from handlers import office\n"
        "def f():\n    from handlers.registration import start_registration\n",
        encoding="utf-8",
    )
    assert _handler_imports(module) == {"handlers.office", "handlers.registration"}


def test_every_registered_handler_returns_nothing() -> None:
    """A handler that hands back an intent must be called by the router: python-telegram-bot
    would drop the intent, and the worker would get no answer."""
    application = ApplicationBuilder().token("1:test").build()
    register_handlers(application)  # type: ignore[arg-type]
    returning = {
        f"{callback.__module__}.{callback.__qualname__}": hints["return"]
        for handlers in application.handlers.values()
        for handler in handlers
        for callback in [handler.callback]
        if (hints := typing.get_type_hints(callback)).get("return", type(None)) is not type(None)
    }
    assert not returning, returning
