"""``python -m bot sumber``: sources (posters, radio spots, village events, Perisai agents).

    python -m bot sumber tambah KODE "description" [--keluar PATH]
    python -m bot sumber qr KODE [--keluar PATH]        # the QR code again
    python -m bot sumber daftar
    python -m bot sumber corong [--atribusi first|last] [--json]

``tambah`` creates the source and writes a QR code PNG of ``https://t.me/<bot>?start=KODE``
(``TELEGRAM_BOT_USERNAME``), then prints the PNG's path and the link, one per line.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from bot import sources
from bot.cli.common import DatabaseAction, run_with_database
from bot.clock import utcnow
from bot.settings import PROJECT_ROOT, Settings
from db.engine import Database

DEFAULT_QR_DIR = PROJECT_ROOT / "data" / "sumber"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "sumber", help="sources: deep links with QR codes, and the funnel per source"
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)

    add = actions.add_parser(
        "tambah",
        help="create a source and write its QR code PNG",
        description="Create a source KODE and write a QR code PNG of its deep link. Prints the "
        "PNG's path, then the link.",
    )
    add.add_argument("kode", help="1-64 letters, digits, '_' or '-' (stored in upper case)")
    add.add_argument("deskripsi", help='what it is, e.g. "Poster Pasar Lamongan"')
    add.add_argument(
        "--keluar", metavar="PATH", type=Path, help=f"PNG file or folder (default {DEFAULT_QR_DIR})"
    )
    add.set_defaults(func=handle_add)

    qr = actions.add_parser("qr", help="write the QR code PNG of an existing source again")
    qr.add_argument("kode")
    qr.add_argument("--keluar", metavar="PATH", type=Path)
    qr.set_defaults(func=handle_qr)

    listing = actions.add_parser("daftar", help="list the sources with their links")
    listing.set_defaults(func=handle_list)

    funnel = actions.add_parser("corong", help="the funnel per source")
    funnel.add_argument(
        "--atribusi",
        choices=("first", "last"),
        default="first",
        help="first touch (default) or latest touch",
    )
    funnel.add_argument("--json", action="store_true", help="print JSON")
    funnel.set_defaults(func=handle_funnel)


def write_qr(link: str, code: str, target: Path | None) -> Path:
    """The link as a QR code PNG: ``target`` if it names a .png, else ``<target>/<code>.png``."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    path = (
        target
        if target is not None and target.suffix.lower() == ".png"
        else ((target or DEFAULT_QR_DIR) / f"{code}.png")
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    # Medium error correction survives a crumpled or partly covered poster.
    image = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=4)
    image.add_data(link)
    image.make(fit=True)
    image.make_image(fill_color="black", back_color="white").save(str(path))
    return path.resolve()


def handle_add(args: argparse.Namespace) -> int:
    async def add(db: Database, settings: Settings) -> int:
        async with db.transaction() as uow:
            source = await sources.create_source(uow, args.kode, args.deskripsi, utcnow())
        link = sources.deep_link(settings.telegram_bot_username, source.code)
        print(write_qr(link, source.code, args.keluar))
        print(link)
        return 0

    return _run(add)


def handle_qr(args: argparse.Namespace) -> int:
    async def qr(db: Database, settings: Settings) -> int:
        code = sources.normalize_code(args.kode)
        async with db.transaction() as uow:
            known = {s.code for s in await sources.list_sources(uow)}
        if code is None or code not in known:
            print(f"error: no source {args.kode}", file=sys.stderr)
            return 1
        link = sources.deep_link(settings.telegram_bot_username, code)
        print(write_qr(link, code, args.keluar))
        print(link)
        return 0

    return _run(qr)


def handle_list(_args: argparse.Namespace) -> int:
    async def show(db: Database, settings: Settings) -> int:
        async with db.transaction() as uow:
            listed = await sources.list_sources(uow)
        for source in listed:
            link = sources.deep_link(settings.telegram_bot_username, source.code)
            print(f"{source.code}\t{source.touches}\t{link}\t{source.description}")
        return 0

    return _run(show)


def handle_funnel(args: argparse.Namespace) -> int:
    async def show(db: Database, _settings: Settings) -> int:
        async with db.transaction() as uow:
            rows = await sources.funnel_by_source(uow, attribution=args.atribusi)
        if args.json:
            print(json.dumps([dataclasses.asdict(row) for row in rows], ensure_ascii=False))
            return 0
        print("\t".join(("source", *sources.FUNNEL_STEPS)))
        for row in rows:
            counts = [str(getattr(row, step)) for step in sources.FUNNEL_STEPS]
            print("\t".join((row.code or "(none)", *counts)))
        return 0

    return _run(show)


def _run(action: DatabaseAction) -> int:
    return run_with_database(action, user_errors=(sources.SourceError,))
