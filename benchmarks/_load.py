"""The simulated workers of ``throughput.py``: what a worker does in one visit, and the loop that
plays K workers through the sandbox's control API and records each reply's latency.

A worker is a person on the phone: they send one thing, wait until the bot's reply has arrived
in their chat, (optionally) think, and send the next. When a visit ends the worker comes back as
a new person (a new Telegram id), so the run is a stream of distinct users, as in a campaign
burst, and no one person sends more than the bot's flood control lets a human send.
"""

from __future__ import annotations

import asyncio
import csv
import itertools
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sandbox.client import SandboxClient, SandboxError, SandboxTimeout

ROOT = Path(__file__).resolve().parents[1]
# Workers ask the held-out questions: typed the way workers type, never trained on.
QUESTION_FILES = (ROOT / "tests/data/questions_eval.tsv", ROOT / "tests/data/questions_heldout.tsv")
OCCUPATIONS = ("ojek_driver", "pedagang", "petani", "nelayan", "buruh", "art", "rt_rw")
PLACES = ("lamongan", "merauke", "kota bandung", "sleman", "makassar", "kabupaten bogor")
LOCATIONS = ((-7.12, 112.42), (-6.59, 106.79), (-5.14, 119.42), (3.59, 98.67))
INCOMES_TYPED = ("2,5 juta", "1.500.000", "3 jt", "800 ribu", "2000000")
NAMES = ("Siti Aminah", "Budi Santoso", "Rina Wati", "Joko Susilo", "Dewi Lestari", "Asep Saepul")
CALCULATOR_INCOMES = (1_000_000, 2_000_000, 3_000_000, 5_000_000)
# handlers/errors.py's apology (locales/id): the bot failed on that update.
BOT_ERROR_REPLY = "Maaf, ada gangguan di sistem kami."


@dataclass(frozen=True)
class Step:
    """One thing a worker sends, and how many messages our bot answers it with."""

    kind: str  # "text", "press" (inline button data), "contact", "location"
    value: object
    replies: int = 1


def load_questions() -> list[str]:
    """Workers' own questions (on topic and off), as labelled in the test data."""
    questions: list[str] = []
    for path in QUESTION_FILES:
        with path.open(encoding="utf-8") as f:
            questions += [row["question"] for row in csv.DictReader(f, delimiter="\t")]
    return questions


def visit(rng: random.Random, questions: list[str]) -> list[Step]:
    """One visit: /start, the calculator from the menu button (four presses), two questions, a
    full registration. 17 updates and 20 messages back: within the flood control's burst of
    20 updates per person."""
    income = rng.choice(CALCULATOR_INCOMES)
    calculator = f"c:{income}"
    steps = [Step("text", "/start"), Step("press", "m:calc"), Step("press", calculator)]
    for part in (rng.choice("tl"), rng.choice("01"), str(rng.choice((1, 3, 6, 12)))):
        calculator += f":{part}"
        steps.append(Step("press", calculator))
    steps += [Step("text", q) for q in rng.sample(questions, 2)]
    return steps + registration(rng)


def registration(rng: random.Random) -> list[Step]:
    """/daftar to the confirmation: 9 updates, 12 messages back, and a lead card for the
    admin group (no branch group is linked in the benchmark)."""
    place = (
        Step("location", rng.choice(LOCATIONS), replies=2)
        if rng.random() < 0.5
        else Step("text", rng.choice(PLACES), replies=2)
    )
    return [
        Step("text", "/daftar"),
        Step("press", "r:consent:yes"),
        Step("text", rng.choice(NAMES)),
        Step("contact", "+6281234567890", replies=2),
        Step("press", f"r:occupation:{rng.choice(OCCUPATIONS)}"),
        place,
        Step("text", rng.choice(INCOMES_TYPED), replies=2),
        Step("press", f"r:contact_time:{rng.choice(('pagi', 'siang', 'sore', 'kapan_saja'))}"),
        Step("press", "r:summary:confirm"),
    ]


@dataclass
class Recorder:
    """Replies as (time done, latency); errors by kind; for one run."""

    done: list[tuple[float, float]] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    failed_users: list[int] = field(default_factory=list)  # whose chats to look at
    visits: int = 0

    def error(self, kind: str, user: int) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        self.failed_users.append(user)

    def window(self, start: float, end: float) -> list[float]:
        return sorted(latency for at, latency in self.done if start <= at < end)


@dataclass(frozen=True)
class LoadShape:
    workers: int
    ramp_s: float  # workers start evenly spread over this many seconds
    think_s: tuple[float, float] | None  # uniform pause between a reply and the next send
    echo: bool  # the echo bot answers everything with one message; presses are "forged"
    registration_only: bool = False  # visits are just a registration (a burst of leads)
    reply_timeout_s: float = 120.0


async def run_workers(
    client: SandboxClient, shape: LoadShape, recorder: Recorder, ids: Iterator[int], seed: int = 1
) -> list[asyncio.Task[None]]:
    """Start the workers; the caller cancels the tasks when it has measured enough."""
    questions = load_questions()
    tasks = []
    for index in range(shape.workers):
        delay = shape.ramp_s * index / max(1, shape.workers)
        rng = random.Random(seed * 100_003 + index)
        tasks.append(
            asyncio.create_task(
                _worker(client, shape, recorder, ids, rng, questions, delay), name=f"worker{index}"
            )
        )
    return tasks


async def _worker(
    client: SandboxClient,
    shape: LoadShape,
    recorder: Recorder,
    ids: Iterator[int],
    rng: random.Random,
    questions: list[str],
    delay: float,
) -> None:
    await asyncio.sleep(delay)
    first_visit = True
    while True:
        user = next(ids)
        await client.create_user(rng.choice(NAMES).split()[0], user_id=user, language_code="id")
        steps = registration(rng) if shape.registration_only else visit(rng, questions)
        if first_visit:
            steps = steps[joining_point(steps, rng) :]
            first_visit = False
        if await _play(client, shape, recorder, user, steps, rng):
            recorder.visits += 1


def joining_point(steps: list[Step], rng: random.Random) -> int:
    """Where a worker's first visit starts: a random step, moved back to the nearest step that
    needs nothing before it (a typed message outside the registration, or /daftar; a button
    needs the message that carried it, a registration answer the steps before it).

    Without this every worker starts with /start at once and they move through the visit in
    step, so a short window measures only the visit's first steps (at 1,000 workers, nothing
    but /start and new users); spread out, the window sees the visit's own mix of updates."""
    registration_start = next(
        (i for i, step in enumerate(steps) if step.value == "/daftar"), len(steps)
    )
    entries = [
        i for i, step in enumerate(steps[:registration_start]) if step.kind == "text"
    ] + [registration_start]
    pick = rng.randrange(len(steps))
    return max((i for i in entries if i <= pick), default=0)


async def _play(
    client: SandboxClient,
    shape: LoadShape,
    recorder: Recorder,
    user: int,
    steps: list[Step],
    rng: random.Random,
) -> bool:
    keyboard_message: int | None = None  # the last bot message with inline buttons
    for step in steps:
        started = time.perf_counter()
        try:
            await send_step(client, user, step, keyboard_message, shape.echo)
            # The first message alone, in case it is an apology that nothing follows.
            replies = await client.wait_for_messages(user, 1, timeout=shape.reply_timeout_s)
            if _apology(replies):
                recorder.error(f"bot apologised for an error ({step.kind})", user)
                return False
            if not shape.echo and step.replies > 1:
                replies += await client.wait_for_messages(
                    user, step.replies - 1, timeout=shape.reply_timeout_s
                )
        except SandboxTimeout:
            recorder.error(f"no reply to {step.kind}", user)
            return False
        except SandboxError as error:
            recorder.error(f"sandbox refused {step.kind}: {error.message[:60]}", user)
            return False
        finished = time.perf_counter()
        recorder.done.append((finished, finished - started))
        if _apology(replies):
            recorder.error(f"bot apologised for an error ({step.kind})", user)
            return False
        for message in replies:
            if (message.get("reply_markup") or {}).get("inline_keyboard"):
                keyboard_message = message["message_id"]
        if shape.think_s is not None:
            await asyncio.sleep(rng.uniform(*shape.think_s))
    return True


def _apology(replies: list[dict[str, object]]) -> bool:
    return any(str(m.get("text") or "").startswith(BOT_ERROR_REPLY) for m in replies)


async def send_step(
    client: SandboxClient, user: int, step: Step, keyboard_message: int | None, echo: bool
) -> None:
    if step.kind == "text":
        await client.send_text(user, str(step.value))
    elif step.kind == "press":
        await client.press_button(user, keyboard_message, data=str(step.value), forge=echo)
    elif step.kind == "contact":
        await client.send_contact(user, str(step.value))
    elif step.kind == "location":
        assert isinstance(step.value, tuple)
        await client.send_location(user, float(step.value[0]), float(step.value[1]))
    else:
        raise ValueError(step.kind)


def user_ids(start: int) -> Iterator[int]:
    return itertools.count(start)
