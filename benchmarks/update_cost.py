"""CPU per kind of update: where the bot's time per update goes, step by step of a visit, for
our bot and for the echo bot (``echo_bot.py``), on the same sandbox.

    .venv/bin/python benchmarks/update_cost.py                 # 40 visits, SQLite
    .venv/bin/python benchmarks/update_cost.py --visits 80 --database postgresql://...

One worker plays ``throughput.py``'s visit (``_load.visit``) one update at a time, so each
update's CPU is the bot's alone: the bot process's run time (all threads, from
/proc/PID/task/*/schedstat, in nanoseconds) from just before the send until the whole reply
is in the chat. Printed per step of the visit, averaged over the visits, with the echo bot's
figure for the same step beside it (it answers every update with one message, every press
with an answer and a message). The difference is what our handlers, database and extra
messages cost. No assertions: this prints figures.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as harness  # after the path set-up above
from _load import NAMES, Step, load_questions, send_step, visit

from sandbox.client import SandboxClient


def run_time_ns(pid: int) -> int:
    """Nanoseconds the process's threads have run (finer than utime's clock ticks)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            continue  # a thread that ended meanwhile
    return total


def label(index: int, step: Step) -> str:
    value = str(step.value)
    if step.kind == "text" and not value.startswith("/"):
        value = "(typed text)"
    return f"{index:2d} {step.kind:8s} {value[:28]}"


async def play(
    sandbox_url: str, pid: int, visits: int, *, echo: bool, seed: int
) -> dict[int, list[float]]:
    """Milliseconds of bot CPU per step index of the visit."""
    costs: dict[int, list[float]] = defaultdict(list)
    rng = random.Random(seed)
    questions = load_questions()
    async with SandboxClient(sandbox_url) as client:
        calls_before = dict((await client.stats())["calls"])
        for number in range(visits):
            user = 500_000_000 + number
            await client.create_user(rng.choice(NAMES).split()[0], user_id=user)
            keyboard: int | None = None
            for index, step in enumerate(visit(rng, questions)):
                await asyncio.sleep(0.05)  # let the bot's own timers run outside the window
                before = run_time_ns(pid)
                await send_step(client, user, step, keyboard, echo)
                replies = await client.wait_for_messages(user, 1 if echo else step.replies)
                costs[index].append((run_time_ns(pid) - before) / 1e6)
                for message in replies:
                    if (message.get("reply_markup") or {}).get("inline_keyboard"):
                        keyboard = message["message_id"]
        calls = (await client.stats())["calls"]
    per_visit = {
        method: (count - calls_before.get(method, 0)) / visits
        for method, count in sorted(calls.items())
        if count - calls_before.get(method, 0)
    }
    print(f"Bot API calls per visit, {'echo' if echo else 'ours'}: "
          + ", ".join(f"{method} {count:.1f}" for method, count in per_visit.items()))
    return costs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=40)
    parser.add_argument("--database", default="sqlite", help="'sqlite' or a PostgreSQL URL")
    parser.add_argument("--users", type=int, default=100_000, help="users already in the DB")
    parser.add_argument("--profile", type=Path, default=None, help="py-spy raw profile of ours")
    args = parser.parse_args()
    rng_seed = 11
    steps = visit(random.Random(rng_seed), load_questions())
    with tempfile.TemporaryDirectory(prefix="bebas-cost-") as tmp:
        log_dir = Path(tmp)
        databases: harness.SqliteDatabases | harness.PostgresDatabases = (
            harness.SqliteDatabases(log_dir, args.users)
            if args.database == "sqlite"
            else harness.PostgresDatabases(args.database, args.users)
        )
        databases.prepare()
        url = databases.fresh()
        port = harness.free_port()
        sandbox = harness.sandbox(port, log_dir, rate_limits=False)
        sandbox_url = f"http://127.0.0.1:{port}"
        asyncio.run(harness.add_admin_group(sandbox_url))
        results: dict[str, dict[int, list[float]]] = {}
        try:
            for name in ("echo", "ours"):
                bot = (
                    harness.echo_bot(sandbox_url, log_dir, rate_limit=False)
                    if name == "echo"
                    else harness.our_bot(sandbox_url, url, log_dir, rate_limit=False)
                )
                try:
                    time.sleep(1.0)
                    spy = None
                    if args.profile is not None and name == "ours":
                        spy = subprocess.Popen(
                            [str(Path(sys.executable).with_name("py-spy")), "record", "-p",
                             str(bot.pid), "-r", "250", "-f", "raw", "-o", str(args.profile),
                             "--nonblocking", "-t"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                        )
                    results[name] = asyncio.run(
                        play(sandbox_url, bot.pid, args.visits, echo=name == "echo", seed=rng_seed)
                    )
                finally:
                    if spy is not None:
                        spy.send_signal(signal.SIGINT)
                        spy.wait()
                    bot.stop()
        finally:
            sandbox.stop()
            databases.cleanup()
    print(f"CPU ms per update, mean over {args.visits} visits ({args.database.split(':')[0]}, "
          f"cal {harness.calibration_us():.0f} us)")
    print(f"{'step':42s} {'ours':>7s} {'echo':>7s} {'extra':>7s}")
    totals = {"ours": 0.0, "echo": 0.0}
    for index, step in enumerate(steps):
        ours = sum(results["ours"][index]) / len(results["ours"][index])
        echo = sum(results["echo"][index]) / len(results["echo"][index])
        totals["ours"] += ours
        totals["echo"] += echo
        print(f"{label(index, step):42s} {ours:7.2f} {echo:7.2f} {ours - echo:7.2f}")
    count = len(steps)
    print(f"{'mean per update':42s} {totals['ours'] / count:7.2f} {totals['echo'] / count:7.2f} "
          f"{(totals['ours'] - totals['echo']) / count:7.2f}")
    print(f"ratio echo/ours (CPU): {totals['echo'] / totals['ours']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
