"""One calling convention for the domain (issue #14): a public function in a domain module under
``bot/`` takes the caller's unit of work (``uow: UnitOfWork``), never the ``Database``, so it
cannot open transactions of its own; the handler, CLI command, dashboard view, runner or sender
opens exactly one (``async with db.transaction() as uow``) and passes it in.

The wiring is the same list as the import boundaries' (:data:`WIRING`).
"""

from __future__ import annotations

import ast

from tests.unit.test_import_boundaries import BOT, ROOT, WIRING

# Public functions that still take the Database, each with why; may only shrink.
TAKES_THE_DATABASE: dict[str, str] = {
    # The read every update starts with runs on a plain connection (cheaper than a unit of
    # work); a unit is opened only when there is something to write.
    "bot/users.py:touch_user": "reads on a plain connection, writes in a unit of its own",
}


def _is_wiring(relative: str) -> bool:
    return any(
        relative == prefix or (prefix.endswith("/") and relative.startswith(prefix))
        for prefix in WIRING
    )


def _public_functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Module-level functions and the methods of module-level classes, without a leading _."""
    found: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    for node in tree.body:
        members = node.body if isinstance(node, ast.ClassDef) else [node]
        if isinstance(node, ast.ClassDef) and node.name.startswith("_"):
            continue
        found += [
            member for member in members
            if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef)
            and not member.name.startswith("_")
        ]
    return found


def _database_parameters(source: str) -> list[str]:
    """``name(parameter)`` for every public function with a parameter annotated ``Database``."""
    found = []
    for function in _public_functions(ast.parse(source)):
        arguments = function.args
        for argument in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
            if argument.annotation is None:
                continue
            # "Database", "engine.Database" or the same in quotes
            if ast.unparse(argument.annotation).strip("\"'").split(".")[-1] == "Database":
                found.append(f"{function.name}({argument.arg})")
    return found


def _offenders() -> dict[str, str]:
    offenders = {}
    for path in sorted(BOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if _is_wiring(relative):
            continue
        for found in _database_parameters(path.read_text(encoding="utf-8")):
            offenders[f"{relative}:{found.split('(')[0]}"] = found
    return offenders


def test_domain_functions_take_a_unit_of_work_not_the_database() -> None:
    offenders = {key: found for key, found in _offenders().items()
                 if key not in TAKES_THE_DATABASE}
    assert not offenders, offenders


def test_the_exceptions_only_shrink() -> None:
    stale = set(TAKES_THE_DATABASE) - set(_offenders())
    assert not stale, f"takes a UnitOfWork now, delete from TAKES_THE_DATABASE: {sorted(stale)}"


def test_the_check_sees_a_database_parameter() -> None:
    source = (
        "async def good(uow: UnitOfWork, user_id: int) -> None: ...\n"
        "async def _private(db: Database) -> None: ...\n"
        "async def bad(user_id: int, *, db: engine.Database) -> None: ...\n"
        "class Thing:\n"
        "    def method(self, db: 'Database') -> None: ...\n"
    )
    assert _database_parameters(source) == ["bad(db)", "method(db)"]
