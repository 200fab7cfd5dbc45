"""``python -m bot siaran``: broadcasts from the command line (the dashboard does the same).

    python -m bot siaran ukuran [segment]                       # how many workers it reaches
    python -m bot siaran buat --teks TEXT --oleh NAMA --pratinjau TELEGRAM_ID [segment]
                              [--tombol LABEL --tautan URL]     # a draft; preview to Telegram
                              [--jadwal "YYYY-MM-DD HH:MM"] [--paksa]
    python -m bot siaran kirim ID --oleh NAMA                   # send (or ask for approval)
    python -m bot siaran setujui ID --oleh NAMA                 # the second manager
    python -m bot siaran jeda ID | lanjut ID | batal ID
    python -m bot siaran status [ID] [--json]

Segment options (repeatable): --provinsi ID-JI, --cabang KC-..., --pekerjaan petani,
--bahasa id, --sumber KODE, --status-lead baru|diambil|dihubungi|terdaftar|tidak_berminat|none
(--belum-terdaftar is baru+diambil+dihubungi). ``--teks -`` reads the text from stdin.

``--jadwal`` (WIB, Asia/Jakarta) sends it not before then: once sent (or approved) it waits as
``scheduled``. No broadcast goes out in the quiet hours (``BROADCAST_QUIET_HOURS``, default
21:00-07:00 WIB): a time inside them is refused, and a broadcast sending then waits until they
end, unless ``--paksa`` (force) was given.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from datetime import date, datetime
from typing import Any

from bot import broadcasts
from bot.cli.common import DatabaseAction, run_with_database
from bot.clock import utcnow
from bot.quiet_hours import SCHEDULE_FORMAT, format_local, parse_local
from bot.settings import Settings
from db.engine import Database

DECISIONS = {
    broadcasts.Decision.SENDING: "sending: the bot sends it now",
    broadcasts.Decision.SCHEDULED: "scheduled: the bot starts sending it at its time",
    broadcasts.Decision.AWAITING_APPROVAL: "waiting for a second manager: siaran setujui ID",
    broadcasts.Decision.PREVIEW_PENDING: "the preview has not reached Telegram yet; try again",
    broadcasts.Decision.SAME_PERSON: "the second approval must come from another manager",
    broadcasts.Decision.EMPTY: "nobody is in the segment",
    broadcasts.Decision.WRONG_STATUS: "not possible in the broadcast's current state",
    broadcasts.Decision.NOT_FOUND: "no such broadcast",
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("siaran", help="broadcasts to a segment of workers")
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)

    size = actions.add_parser("ukuran", help="how many workers a segment reaches now")
    _segment_options(size)
    size.set_defaults(func=handle_size)

    create = actions.add_parser("buat", help="a draft broadcast; its preview goes to Telegram")
    create.add_argument("--teks", required=True, help="the message ('-' reads stdin)")
    create.add_argument("--tombol", help="button label (with --tautan)")
    create.add_argument("--tautan", help="button link, https://...")
    create.add_argument("--oleh", required=True, help="your name (approvals need two people)")
    create.add_argument(
        "--pratinjau",
        required=True,
        type=int,
        metavar="TELEGRAM_ID",
        help="your Telegram user id (you must have started the bot)",
    )
    create.add_argument(
        "--jadwal",
        type=_schedule,
        metavar='"YYYY-MM-DD HH:MM"',
        help="send not before this time (WIB, Asia/Jakarta)",
    )
    create.add_argument(
        "--paksa", action="store_true", help="force: send inside the quiet hours too"
    )
    _segment_options(create)
    create.set_defaults(func=handle_create)

    for name, help_text in (
        ("kirim", "send a previewed draft"),
        ("setujui", "approve as the second manager"),
    ):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("id", type=int)
        action.add_argument("--oleh", required=True, help="your name")
        action.set_defaults(func=handle_decision, approve=name == "setujui")

    for name, help_text in (("jeda", "pause"), ("lanjut", "resume"), ("batal", "cancel")):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("id", type=int)
        action.set_defaults(func=handle_state, change=name)

    status = actions.add_parser("status", help="progress: sent, failed, remaining, ETA")
    status.add_argument("id", type=int, nargs="?")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=handle_status)


def _segment_options(parser: argparse.ArgumentParser) -> None:
    for flag, dest in (
        ("--provinsi", "provinces"),
        ("--cabang", "branches"),
        ("--pekerjaan", "occupations"),
        ("--bahasa", "languages"),
        ("--sumber", "sources"),
        ("--status-lead", "lead_statuses"),
    ):
        parser.add_argument(flag, dest=dest, action="append", default=[], metavar="VALUE")
    parser.add_argument(
        "--belum-terdaftar", action="store_true", help="registered interest, not enrolled yet"
    )


def _schedule(raw: str) -> datetime:
    try:
        return parse_local(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a WIB date and time like {datetime(2026, 12, 24, 9):{SCHEDULE_FORMAT}}"
        ) from None


def segment_from(args: argparse.Namespace) -> broadcasts.Segment:
    fields: dict[str, Any] = {
        name: list(getattr(args, name)) for name in broadcasts.Segment.__dataclass_fields__
    }
    if args.belum_terdaftar:
        fields["lead_statuses"] += list(broadcasts.NOT_YET_ENROLLED)
    fields["sources"] = [s.upper() for s in fields["sources"]]
    return broadcasts.Segment.from_json(fields)


def handle_size(args: argparse.Namespace) -> int:
    async def size(db: Database, _settings: Settings) -> int:
        async with db.transaction() as uow:
            print(await broadcasts.audience_size(uow, segment_from(args)))
        return 0

    return _run(size)


def handle_create(args: argparse.Namespace) -> int:
    async def create(db: Database, settings: Settings) -> int:
        text = sys.stdin.read() if args.teks == "-" else args.teks
        async with db.transaction() as uow:
            view = await broadcasts.create_broadcast(
                uow,
                settings,
                text=text,
                segment=segment_from(args),
                created_by=f"cli:{args.oleh}",
                preview_chat_id=args.pratinjau,
                now=utcnow(),
                button_text=args.tombol,
                button_url=args.tautan,
                scheduled_at=args.jadwal,
                force=args.paksa,
            )
        when = (
            f", scheduled for {format_local(view.scheduled_at)}"
            if view.scheduled_at is not None
            else ""
        )
        forced = ", forced through the quiet hours" if view.ignore_quiet_hours else ""
        print(
            f"broadcast {view.id}: draft for {view.audience_size} workers{when}{forced}; the "
            f"preview goes to {view.preview_chat_id} on Telegram. "
            f"Then: python -m bot siaran kirim {view.id}"
        )
        return 0

    return _run(create)


def handle_decision(args: argparse.Namespace) -> int:
    async def decide(db: Database, settings: Settings) -> int:
        step = broadcasts.approve if args.approve else broadcasts.request_send
        async with db.transaction() as uow:
            decision = await step(
                uow, settings, broadcast_id=args.id, by=f"cli:{args.oleh}", now=utcnow()
            )
        print(f"broadcast {args.id}: {DECISIONS[decision]}")
        ok = decision in (
            broadcasts.Decision.SENDING,
            broadcasts.Decision.SCHEDULED,
            broadcasts.Decision.AWAITING_APPROVAL,
        )
        return 0 if ok else 1

    return _run(decide)


def handle_state(args: argparse.Namespace) -> int:
    async def change(db: Database, _settings: Settings) -> int:
        if args.change == "batal":
            async with db.transaction() as uow:
                done = await broadcasts.cancel(uow, broadcast_id=args.id, now=utcnow())
        else:
            async with db.transaction() as uow:
                done = await broadcasts.set_paused(
                    uow, broadcast_id=args.id, paused=args.change == "jeda"
                )
        print(f"broadcast {args.id}: {'done' if done else 'not possible in its current state'}")
        return 0 if done else 1

    return _run(change)


def handle_status(args: argparse.Namespace) -> int:
    async def show(db: Database, settings: Settings) -> int:
        now = utcnow()
        if args.id is None:
            async with db.transaction() as uow:
                views = await broadcasts.list_broadcasts(uow, settings, now)
        else:
            async with db.transaction() as uow:
                view = await broadcasts.get_broadcast(uow, settings, args.id, now)
            if view is None:
                print(f"no broadcast {args.id}", file=sys.stderr)
                return 1
            views = [view]
        if args.json:
            print(json.dumps([_plain(dataclasses.asdict(v)) for v in views], ensure_ascii=False))
            return 0
        for v in views:
            p = v.progress
            eta = f", ETA {p.eta_seconds}s" if p.eta_seconds is not None else ""
            if v.scheduled_at is not None:
                eta += f", scheduled for {format_local(v.scheduled_at)}"
            if v.held_until is not None:
                eta += f", held by the quiet hours until {format_local(v.held_until)}"
            print(
                f"#{v.id} {v.status}: {p.sent}/{p.recipients} sent, {p.failed} failed, "
                f"{p.blocked} blocked, {p.skipped} opted out, {p.unknown} unknown, "
                f"{p.remaining} remaining{eta}"
            )
        return 0

    return _run(show)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _run(action: DatabaseAction) -> int:
    return run_with_database(action, user_errors=(broadcasts.BroadcastError,))
