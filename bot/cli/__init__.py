"""``python -m bot``: the command line. Each feature module registers its own subcommand."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from bot.catalogs import ensure_compiled
from bot.cli import akun as akun_command
from bot.cli import ask as ask_command
from bot.cli import cabang as cabang_command
from bot.cli import dashboard as dashboard_command
from bot.cli import db as db_command
from bot.cli import iuran as iuran_command
from bot.cli import nlu as nlu_command
from bot.cli import run as run_command
from bot.cli import sandbox as sandbox_command
from bot.cli import siaran as siaran_command
from bot.cli import sumber as sumber_command
from bot.settings import SettingsError

SUBCOMMAND_MODULES = (
    run_command,
    sandbox_command,
    db_command,
    ask_command,
    nlu_command,
    iuran_command,
    cabang_command,
    dashboard_command,
    akun_command,
    sumber_command,
    siaran_command,
)


# `python -m bot cabang export | head`: the reader stopped early. Like a shell tool killed by
# SIGPIPE: exit 128 + 13, quietly (no traceback, and not mistaken for a database error).
EXIT_BROKEN_PIPE = 141


def _reader_gone() -> int:
    # Point stdout at /dev/null so the interpreter's last flush cannot fail a second time.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return EXIT_BROKEN_PIPE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Bebas Cemas: BPJS Ketenagakerjaan's Telegram assistant for informal workers.",
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module in SUBCOMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    ensure_compiled()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # inside the try: a closed pipe shows up here as often as mid-write
        return code
    except BrokenPipeError:
        return _reader_gone()
    except SettingsError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
