"""``python -m bot cabang ...``: the branch office (Kantor Cabang) directory.

``cari`` checks routing without Telegram. It reads the directory shipped in ``bot/data/``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bot.cli import cabang_admin
from bot.geo import (
    CALL_CENTER,
    Directory,
    OutsideIndonesiaError,
    RoutingResult,
)
from bot.offices import office_name_for_worker

WORKER_LANGUAGE = "id"

# Exit codes of `cabang cari`, also shown in its --help.
EXIT_FOUND = 0
EXIT_NOT_FOUND = 1  # unknown place, unknown code, or a point outside Indonesia
EXIT_USAGE = 2
EXIT_AMBIGUOUS = 3

CARI_EPILOG = f"""\
examples:
  python -m bot cabang cari --lat -7.12 --lon 112.42 --json
  python -m bot cabang cari --wilayah "Lamongan" --json
  python -m bot cabang cari --wilayah "kab bogor"
  python -m bot cabang cari --kode-wilayah kota-bogor --json

A location goes to the nearest branch by great-circle distance; a typed place goes to the
branch that serves its regency (distance_km is then measured from the regency's point).
"worker_reads" is what the bot tells the worker (in Indonesian): a provisional (derived)
branch is not named, the worker reads "kantor BPJS Ketenagakerjaan yang melayani <regency>".
--wilayah accepts a regency/city, district (kecamatan), village or 5-digit postal code,
typos and prefixes included ("lamongn", "kota pasuruan", "kec. babat"); commas narrow it down
("Babat, Lamongan").

exit status:
  {EXIT_FOUND}  found: the branch is printed (one JSON object with --json)
  {EXIT_NOT_FOUND}  nothing matches, unknown --kode-wilayah, or the point is outside Indonesia
     (one line on stderr)
  {EXIT_USAGE}  wrong arguments
  {EXIT_AMBIGUOUS}  the place name fits several regencies: the candidates are printed (with --json
     one object {{"ambiguous": true, "query": ..., "total": N, "candidates": [...]}}), each
     with its regency_code; run again with --kode-wilayah CODE
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "cabang", help="branch offices (Kantor Cabang): find the branch for a place"
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)

    cari = actions.add_parser(
        "cari",
        help="find the branch for a location or a typed place",
        description="Find the BPJS Ketenagakerjaan branch that serves a location or place.",
        epilog=CARI_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cari.add_argument("--lat", type=float, help="latitude in degrees, e.g. -7.12")
    cari.add_argument("--lon", type=float, help="longitude in degrees, e.g. 112.42")
    cari.add_argument("--wilayah", metavar="TEXT", help="typed place, as a worker would type it")
    cari.add_argument(
        "--kode-wilayah", metavar="CODE", help="regency code, e.g. kab-lamongan (see --wilayah)"
    )
    cari.add_argument("--json", action="store_true", help="print JSON instead of text")
    cari.set_defaults(func=handle_cari)

    # The commands that need the database; the CSV format is bot.geo.csvio's
    # (read_branches / write_branches), documented in bot/data/PROVENANCE.md.
    cabang_admin.add_commands(actions)


def handle_cari(args: argparse.Namespace) -> int:
    ways = sum(
        (
            args.lat is not None or args.lon is not None,
            args.wilayah is not None,
            args.kode_wilayah is not None,
        )
    )
    if ways != 1 or (args.lat is None) != (args.lon is None):
        return _fail("give either --lat and --lon, or --wilayah, or --kode-wilayah", EXIT_USAGE)
    # The directory in force: an imported official list if there is one, else the shipped one.
    directory = cabang_admin.directory_in_force()
    if args.lat is not None:
        return _by_location(directory, args.lat, args.lon, args.json)
    if args.kode_wilayah is not None:
        return _by_code(directory, args.kode_wilayah, args.json, matched=None)
    return _by_text(directory, args.wilayah, args.json)


def _by_location(directory: Directory, lat: float, lon: float, as_json: bool) -> int:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return _fail(f"({lat}, {lon}) is not a valid coordinate", EXIT_USAGE)
    try:
        result = directory.nearest_branch(lat, lon)
    except OutsideIndonesiaError as error:
        return _fail(str(error), EXIT_NOT_FOUND)
    _print_result(result, as_json, matched=None)
    return EXIT_FOUND


def _by_code(directory: Directory, code: str, as_json: bool, matched: str | None) -> int:
    if code not in directory.regencies:
        return _fail(f"unknown regency code {code!r}", EXIT_NOT_FOUND)
    _print_result(directory.route_regency(code), as_json, matched)
    return EXIT_FOUND


def _by_text(directory: Directory, text: str, as_json: bool) -> int:
    match = directory.resolve_place(text)
    if match.best is not None:
        return _by_code(directory, match.best.regency_code, as_json, match.best.label)
    if not match.candidates:
        return _fail(
            f"no regency, district, village or postal code matches {text!r}", EXIT_NOT_FOUND
        )
    candidates = [
        {**c.to_dict(), "branch_code": directory.regency(c.regency_code).branch_code}
        for c in match.candidates
    ]
    if as_json:
        _print_json(
            {"ambiguous": True, "query": text, "total": match.total, "candidates": candidates}
        )
    else:
        for c in candidates:
            print(f"{c['regency_code']:32} {c['label']}")
        if match.truncated:
            print(f"... and {match.total - len(candidates)} more: add the district or regency")
    print(
        f"ambiguous: {match.total} places match {text!r}; run again with --kode-wilayah CODE",
        file=sys.stderr,
    )
    return EXIT_AMBIGUOUS


def _print_result(result: RoutingResult, as_json: bool, matched: str | None) -> None:
    data: dict[str, Any] = result.to_dict()
    # What the worker reads (Indonesian, the bot's default): a derived branch is not named.
    data["worker_reads"] = office_name_for_worker(
        result.name, result.provisional, result.regency, WORKER_LANGUAGE
    )
    if matched is not None:
        data["matched"] = matched
    if as_json:
        _print_json(data)
        return
    note = " (provisional: verify)" if result.provisional else ""
    lines = [
        f"{result.name} [{result.code}]{note}",
        f"  worker reads: {data['worker_reads']}",
        f"  address:  {result.address or 'unknown'}",
        f"  phone:    {result.phone or f'unknown (call center {CALL_CENTER})'}",
        f"  regency:  {result.regency} [{result.regency_code}], {result.province}",
        f"  distance: {result.distance_km:.1f} km",
    ]
    if matched is not None:
        lines.insert(1, f"  matched:  {matched}")
    print("\n".join(lines))


def _print_json(data: dict[str, Any]) -> None:
    print(json.dumps(data, ensure_ascii=False))


def _fail(message: str, code: int) -> int:
    print(f"cabang cari: {message}", file=sys.stderr)
    return code
