"""Broadcasts: a campaign message (text, optional link button) to a segment of workers.

Life of a broadcast::

    create_broadcast  -> draft, a preview queued to its creator's Telegram chat
    request_send      -> sending, or awaiting_approval when the audience is larger than
                         BROADCAST_APPROVAL_THRESHOLD
    approve           -> sending (by a second manager, not the creator or requester)
    pause / resume / cancel

A broadcast may be scheduled (``scheduled_at``): once sent or approved it is ``scheduled`` and
its recipients are fixed when the time comes (``start_due``, run by the sender). No message goes
out inside the quiet hours (``BROADCAST_QUIET_HOURS``, WIB): a broadcast sending then is held
until they end, unless it was forced (``ignore_quiet_hours``); a scheduled time inside them is
refused unless forced.

Recipients are fixed when sending starts: one row per worker with a status. One process at a
time sends (a job lease, see ``bot.campaign_jobs``), paced under ``BROADCAST_RATE``. Rows are
claimed in small waves and marked ``sending`` before the Bot API call: a sender killed mid-wave
leaves its in-flight rows ``unknown`` (maybe delivered) and they are never sent again, so a
restart resumes without messaging anyone twice. Workers who opted out (/berhenti) or blocked
the bot are skipped; a 403 marks the worker blocked.

Domain module: no telegram or aiohttp imports.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.i18n import N_, SUPPORTED_LANGUAGES, _
from bot.leads import LeadStatus
from bot.quiet_hours import QuietHours
from bot.settings import Settings
from db.engine import UnitOfWork
from db.models import Broadcast
from db.repositories.broadcasts import NO_LEAD, BroadcastRepository
from db.repositories.leases import JobLeaseRepository
from db.repositories.outbox import CampaignOutboxRepository

OUTBOX_BROADCAST_PREVIEW = "broadcast_preview"
SENDER_LEASE = "broadcast_sender"
MAX_TEXT = 3500  # leaves room for the opt-out line under Telegram's 4096
MAX_BUTTON_TEXT = 64
# Lead statuses of "registered interest but not yet enrolled".
NOT_YET_ENROLLED = (LeadStatus.NEW.value, LeadStatus.CLAIMED.value, LeadStatus.CONTACTED.value)
LEAD_STATUS_CHOICES = (*(s.value for s in LeadStatus), NO_LEAD)
INTERRUPTED = "interrupted in flight: maybe delivered, not sent again"
# Tries per recipient for errors that certainly did not deliver (429, refused connection, 5xx).
MAX_ATTEMPTS = 5


class BroadcastStatus(StrEnum):
    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    PAUSED = "paused"
    DONE = "done"
    CANCELLED = "cancelled"


class BroadcastError(ValueError):
    """A broadcast that cannot be created as given; ``str()`` says why (for the CLI), ``code``
    names the rule broken (for the dashboard, which words it in the manager's language)."""

    def __init__(self, message: str, code: str = "segment") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Segment:
    """Who gets a broadcast; an empty field does not filter. Values: province codes
    (``ID-JI``), branch codes, occupation codes, languages, source codes, lead statuses
    (``baru``...``tidak_berminat``, or ``none`` for workers without a lead)."""

    provinces: tuple[str, ...] = ()
    branches: tuple[str, ...] = ()
    occupations: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    lead_statuses: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Segment:
        known = {f for f in cls.__dataclass_fields__}
        unknown = set(data) - known
        if unknown:
            raise BroadcastError(f"unknown segment fields: {', '.join(sorted(unknown))}")
        values: dict[str, tuple[str, ...]] = {}
        for name in known:
            raw = data.get(name) or ()
            if isinstance(raw, str):
                raw = [raw]
            values[name] = tuple(sorted({str(v).strip() for v in raw if str(v).strip()}))
        segment = cls(**values)
        segment.check()
        return segment

    def check(self) -> None:
        if bad := set(self.languages) - set(SUPPORTED_LANGUAGES):
            raise BroadcastError(f"unknown languages: {', '.join(sorted(bad))}")
        if bad := set(self.lead_statuses) - set(LEAD_STATUS_CHOICES):
            raise BroadcastError(f"unknown lead statuses: {', '.join(sorted(bad))}")
        values = (*self.provinces, *self.branches, *self.occupations, *self.sources)
        if any(len(v) > 64 for v in values):
            raise BroadcastError("segment values are codes of at most 64 characters")

    def to_json(self) -> dict[str, list[str]]:
        return {name: list(getattr(self, name)) for name in self.__dataclass_fields__}


# What each segment field is called when a segment is described to a manager.
SEGMENT_FIELD_LABELS = {
    "provinces": N_("Province"),
    "branches": N_("Branch"),
    "occupations": N_("Occupation"),
    "languages": N_("Language"),
    "sources": N_("Source"),
    "lead_statuses": N_("Registration"),
}
# Per segment field, code -> the name a manager reads (already in their language).
SegmentNames = Mapping[str, Mapping[str, str]]


def describe_segment(
    segment: Mapping[str, Sequence[str]], names: SegmentNames, lang: str
) -> str:
    """``Provinsi: Jawa Timur; Pekerjaan: Ojek / ojol / kurir``: the filters in the order of
    :class:`Segment`, codes replaced by their names (a code without one is shown as is), or
    "every worker" when nothing filters."""
    parts = []
    for name in Segment.__dataclass_fields__:
        codes = segment.get(name) or ()
        if not codes:
            continue
        known = names.get(name, {})
        values = ", ".join(known.get(code, code) for code in codes)
        parts.append(f"{_(SEGMENT_FIELD_LABELS[name], lang)}: {values}")
    return "; ".join(parts) if parts else _("every worker", lang)


@dataclass(frozen=True)
class Progress:
    """Where a broadcast stands; ``eta_seconds`` at ``BROADCAST_RATE`` (None when idle)."""

    recipients: int
    sent: int
    failed: int
    blocked: int
    skipped: int
    unknown: int
    remaining: int
    eta_seconds: int | None
    eta_at: datetime | None


@dataclass(frozen=True)
class BroadcastView:
    id: int
    status: str
    text: str
    button_text: str | None
    button_url: str | None
    segment: dict[str, list[str]]
    created_by: str
    created_at: datetime
    preview_chat_id: int
    preview_sent_at: datetime | None
    requested_by: str | None
    approved_by: str | None
    approved_at: datetime | None
    finished_at: datetime | None
    audience_size: int
    needs_second_approval: bool
    last_error: str | None
    progress: Progress = field(repr=False)
    scheduled_at: datetime | None = None
    ignore_quiet_hours: bool = False
    # Sending, but held by the quiet hours until then.
    held_until: datetime | None = None


# --- creating and approving ------------------------------------------------------------------


async def audience_size(uow: UnitOfWork, segment: Segment) -> int:
    """How many workers the segment reaches now (for the form, as the manager edits it)."""
    return await BroadcastRepository(uow).count_audience(_filters(segment))


async def create_broadcast(
    uow: UnitOfWork,
    settings: Settings,
    *,
    text: str,
    segment: Segment,
    created_by: str,
    preview_chat_id: int,
    now: datetime,
    button_text: str | None = None,
    button_url: str | None = None,
    scheduled_at: datetime | None = None,
    force: bool = False,
) -> BroadcastView:
    """A draft, and its preview queued to ``preview_chat_id`` (the creator's Telegram id; they
    must have started the bot). ``created_by`` names the manager, e.g. ``akun:budi``.
    ``scheduled_at``: not before then (in the future, outside the quiet hours unless ``force``);
    ``force``: sent inside the quiet hours too."""
    text = _clean(text).strip()
    if not text:
        raise BroadcastError("the message is empty", "empty_text")
    if len(text) > MAX_TEXT:
        raise BroadcastError(f"the message is longer than {MAX_TEXT} characters", "long_text")
    button = _button(button_text, button_url)
    segment.check()
    check_schedule(settings.broadcast_quiet_hours, scheduled_at, force=force, now=now)
    broadcasts = BroadcastRepository(uow)
    broadcast = Broadcast(
        text=text,
        button_text=button[0] if button else None,
        button_url=button[1] if button else None,
        segment=segment.to_json(),
        status=BroadcastStatus.DRAFT,
        created_by=created_by[:80],
        preview_chat_id=preview_chat_id,
        audience_size=await broadcasts.count_audience(_filters(segment)),
        recipient_count=0,
        created_at=now,
        scheduled_at=scheduled_at,
        ignore_quiet_hours=force,
    )
    broadcasts.add(broadcast)
    await uow.flush()
    CampaignOutboxRepository(uow).add(
        OUTBOX_BROADCAST_PREVIEW, now=now, broadcast_id=broadcast.id
    )
    return await _view(broadcasts, broadcast, settings, now)


def check_schedule(
    quiet: QuietHours, scheduled_at: datetime | None, *, force: bool, now: datetime
) -> None:
    """Raises :class:`BroadcastError` for a time already past (``schedule_past``) or inside the
    quiet hours without ``force`` (``schedule_quiet``)."""
    if scheduled_at is None:
        return
    if scheduled_at <= now:
        raise BroadcastError("the scheduled time has already passed", "schedule_past")
    if not force and quiet.contains(scheduled_at):
        raise BroadcastError(
            f"the scheduled time is inside the quiet hours ({quiet.text} WIB), when no "
            "broadcast goes out; pick another time, or force it",
            "schedule_quiet",
        )


class Decision(StrEnum):
    SENDING = "sending"
    SCHEDULED = "scheduled"  # approved; it starts at its scheduled time
    AWAITING_APPROVAL = "awaiting_approval"
    PREVIEW_PENDING = "preview_pending"  # the creator has not had the preview yet
    SAME_PERSON = "same_person"  # the second approval must come from someone else
    EMPTY = "empty"  # nobody in the segment
    WRONG_STATUS = "wrong_status"
    NOT_FOUND = "not_found"


async def request_send(
    uow: UnitOfWork, settings: Settings, *, broadcast_id: int, by: str, now: datetime
) -> Decision:
    """Send a draft whose preview went out: at once up to the approval threshold, else it
    waits for a second manager."""
    broadcasts = BroadcastRepository(uow)
    broadcast = await broadcasts.get(broadcast_id, for_update=True)
    if broadcast is None:
        return Decision.NOT_FOUND
    if broadcast.status != BroadcastStatus.DRAFT:
        return Decision.WRONG_STATUS
    if broadcast.preview_sent_at is None:
        return Decision.PREVIEW_PENDING
    size = await broadcasts.count_audience(broadcast.segment)
    if size == 0:
        return Decision.EMPTY
    broadcast.audience_size = size
    broadcast.requested_by, broadcast.requested_at = by[:80], now
    if size > settings.broadcast_approval_threshold:
        broadcast.status = BroadcastStatus.AWAITING_APPROVAL
        return Decision.AWAITING_APPROVAL
    return await _start(broadcasts, broadcast, by, now)


async def approve(
    uow: UnitOfWork, settings: Settings, *, broadcast_id: int, by: str, now: datetime
) -> Decision:
    broadcasts = BroadcastRepository(uow)
    broadcast = await broadcasts.get(broadcast_id, for_update=True)
    if broadcast is None:
        return Decision.NOT_FOUND
    if broadcast.status != BroadcastStatus.AWAITING_APPROVAL:
        return Decision.WRONG_STATUS
    if by in (broadcast.created_by, broadcast.requested_by):
        return Decision.SAME_PERSON
    return await _start(broadcasts, broadcast, by, now)


async def _start(
    broadcasts: BroadcastRepository, broadcast: Broadcast, by: str, now: datetime
) -> Decision:
    """Sending now, or ``scheduled`` when its time is still to come."""
    broadcast.approved_by, broadcast.approved_at = by[:80], now
    if broadcast.scheduled_at is not None and broadcast.scheduled_at > now:
        broadcast.status = BroadcastStatus.SCHEDULED
        return Decision.SCHEDULED
    await _begin_sending(broadcasts, broadcast, now)
    return Decision.SENDING


async def _begin_sending(
    broadcasts: BroadcastRepository, broadcast: Broadcast, now: datetime
) -> None:
    """Recipients fixed now; nobody in the segment any more: done at once."""
    broadcast.recipient_count = await broadcasts.materialise(broadcast.id, broadcast.segment)
    broadcast.status = BroadcastStatus.SENDING
    if broadcast.recipient_count == 0:
        broadcast.status, broadcast.finished_at = BroadcastStatus.DONE, now


async def start_due(uow: UnitOfWork, now: datetime) -> int:
    """Scheduled broadcasts whose time has come start sending; how many did."""
    started = 0
    broadcasts = BroadcastRepository(uow)
    for broadcast in await broadcasts.due_scheduled(now):
        await _begin_sending(broadcasts, broadcast, now)
        started += 1
    return started


async def set_paused(uow: UnitOfWork, *, broadcast_id: int, paused: bool) -> bool:
    """Pause a sending broadcast or resume a paused one; False when it is in neither state."""
    before, after = (
        (BroadcastStatus.SENDING, BroadcastStatus.PAUSED)
        if paused
        else (BroadcastStatus.PAUSED, BroadcastStatus.SENDING)
    )
    broadcast = await BroadcastRepository(uow).get(broadcast_id, for_update=True)
    if broadcast is None or broadcast.status != before:
        return False
    broadcast.status = after
    return True


async def cancel(uow: UnitOfWork, *, broadcast_id: int, now: datetime) -> bool:
    """Stop for good: recipients not reached yet stay ``pending`` and are never sent."""
    broadcast = await BroadcastRepository(uow).get(broadcast_id, for_update=True)
    if broadcast is None or broadcast.status in (
        BroadcastStatus.DONE,
        BroadcastStatus.CANCELLED,
    ):
        return False
    broadcast.status, broadcast.finished_at = BroadcastStatus.CANCELLED, now
    return True


# --- what managers see -----------------------------------------------------------------------


async def get_broadcast(
    uow: UnitOfWork, settings: Settings, broadcast_id: int, now: datetime
) -> BroadcastView | None:
    broadcasts = BroadcastRepository(uow)
    broadcast = await broadcasts.get(broadcast_id)
    return None if broadcast is None else await _view(broadcasts, broadcast, settings, now)


async def list_broadcasts(
    uow: UnitOfWork, settings: Settings, now: datetime, limit: int = 50
) -> list[BroadcastView]:
    broadcasts = BroadcastRepository(uow)
    return [await _view(broadcasts, b, settings, now) for b in await broadcasts.latest(limit)]


async def _view(
    broadcasts: BroadcastRepository, broadcast: Broadcast, settings: Settings, now: datetime
) -> BroadcastView:
    counts = await broadcasts.status_counts(broadcast.id)
    remaining = counts.get("pending", 0) + counts.get("sending", 0)
    eta: int | None = None
    held_until: datetime | None = None
    start = now
    if broadcast.status == BroadcastStatus.SENDING and not broadcast.ignore_quiet_hours:
        start = settings.broadcast_quiet_hours.ends_after(now)
        held_until = start if start > now else None
    if broadcast.status == BroadcastStatus.SENDING and remaining:
        eta = math.ceil(remaining / settings.broadcast_rate)
    progress = Progress(
        recipients=sum(counts.values()),
        sent=counts.get("sent", 0),
        failed=counts.get("failed", 0),
        blocked=counts.get("blocked", 0),
        skipped=counts.get("skipped", 0),
        unknown=counts.get("unknown", 0),
        remaining=remaining,
        eta_seconds=eta,
        eta_at=start + timedelta(seconds=eta) if eta is not None else None,
    )
    return BroadcastView(
        id=broadcast.id,
        status=broadcast.status,
        text=broadcast.text,
        button_text=broadcast.button_text,
        button_url=broadcast.button_url,
        segment=dict(broadcast.segment),
        created_by=broadcast.created_by,
        created_at=broadcast.created_at,
        preview_chat_id=broadcast.preview_chat_id,
        preview_sent_at=broadcast.preview_sent_at,
        requested_by=broadcast.requested_by,
        approved_by=broadcast.approved_by,
        approved_at=broadcast.approved_at,
        finished_at=broadcast.finished_at,
        audience_size=broadcast.audience_size,
        needs_second_approval=broadcast.audience_size > settings.broadcast_approval_threshold,
        last_error=broadcast.last_error,
        progress=progress,
        scheduled_at=broadcast.scheduled_at,
        ignore_quiet_hours=broadcast.ignore_quiet_hours,
        held_until=held_until,
    )


# --- opting out ------------------------------------------------------------------------------


async def opt_out(uow: UnitOfWork, user_id: int, now: datetime) -> bool:
    """/berhenti; False when the worker had already opted out."""
    return await BroadcastRepository(uow).opt_out(user_id, now)


async def opt_in(uow: UnitOfWork, user_id: int) -> bool:
    """/mulai; False when the worker had not opted out."""
    return await BroadcastRepository(uow).opt_in(user_id)


# --- what the sender needs -------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    broadcast_id: int
    text: str
    button_text: str | None
    button_url: str | None


@dataclass(frozen=True)
class Delivery:
    user_id: int
    telegram_id: int
    language: str


class Outcome(StrEnum):
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"
    RETRY = "retry"  # certainly not delivered (429, connection refused): back to pending
    UNKNOWN = "unknown"  # maybe delivered (timeout): never again


async def hold_sender_lease(uow: UnitOfWork, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Take or renew the one broadcast sender's lease."""
    return await JobLeaseRepository(uow).acquire(SENDER_LEASE, holder, now, ttl)


async def release_sender_lease(uow: UnitOfWork, holder: str) -> None:
    await JobLeaseRepository(uow).release(SENDER_LEASE, holder)


async def settle_orphans(uow: UnitOfWork) -> int:
    """Between waves nothing is in flight: rows still ``sending`` are a dead (or stalled)
    sender's, or ours from a round that failed before recording. They become ``unknown``."""
    return await BroadcastRepository(uow).orphans_to_unknown(INTERRUPTED)


async def next_message(
    uow: UnitOfWork, now: datetime | None = None, quiet: QuietHours | None = None
) -> Message | None:
    """The oldest broadcast sending; inside ``quiet`` hours at ``now`` only a forced one (the
    others' messages are held until the hours end)."""
    only_forced = quiet is not None and now is not None and quiet.contains(now)
    broadcast = await BroadcastRepository(uow).oldest_sending(only_forced=only_forced)
    if broadcast is None:
        return None
    return Message(broadcast.id, broadcast.text, broadcast.button_text, broadcast.button_url)


async def claim_wave(
    uow: UnitOfWork, *, broadcast_id: int, holder: str, size: int, now: datetime
) -> list[Delivery]:
    """The next recipients, marked ``sending`` by ``holder``; those who opted out or blocked
    the bot since sending started are settled on the way. Empty when none is pending."""
    broadcasts = BroadcastRepository(uow)
    broadcast = await broadcasts.get(broadcast_id)
    if broadcast is None or broadcast.status != BroadcastStatus.SENDING:
        return []
    # SKIP LOCKED where the database has it (PostgreSQL): two senders never wait on each other.
    skip_locked = uow.get_bind().dialect.name != "sqlite"
    batch = await broadcasts.pending_batch(broadcast_id, size, skip_locked)
    skipped = [user_id for user_id, _, _, opted_out, _ in batch if opted_out]
    blocked = [user_id for user_id, _, _, out, is_blocked in batch if is_blocked and not out]
    await broadcasts.set_status(broadcast_id, skipped, "skipped", from_status="pending")
    await broadcasts.set_status(broadcast_id, blocked, "blocked", from_status="pending")
    wave = [
        Delivery(user_id, telegram_id, language)
        for user_id, telegram_id, language, out, is_blocked in batch
        if not out and not is_blocked
    ]
    claimed = await broadcasts.set_status(
        broadcast_id,
        [d.user_id for d in wave],
        "sending",
        from_status="pending",
        claimed_by=holder,
        count_attempt=True,
    )
    if claimed != len(wave):
        # Another sender took some rows (a lease handover race): send none of this wave.
        raise RuntimeError("broadcast wave claimed concurrently")
    return wave


async def record_wave(
    uow: UnitOfWork,
    *,
    broadcast_id: int,
    holder: str,
    results: Sequence[tuple[int, Outcome, str | None]],
    now: datetime,
) -> None:
    """Settle a wave: ``(user id, outcome, error)`` per recipient."""
    broadcasts = BroadcastRepository(uow)
    groups: dict[tuple[Outcome, str | None], list[int]] = {}
    for user_id, outcome, error in results:
        groups.setdefault((outcome, error), []).append(user_id)
    for (outcome, error), ids in groups.items():
        if outcome == Outcome.RETRY:
            await broadcasts.retry_or_fail(
                broadcast_id, ids, holder, MAX_ATTEMPTS, error or "retried too often"
            )
            continue
        await broadcasts.set_status(
            broadcast_id,
            ids,
            outcome.value,
            from_status="sending",
            only_claimed_by=holder,
            sent_at=now if outcome == Outcome.SENT else None,
            error=error,
        )
        if outcome == Outcome.BLOCKED:
            await broadcasts.mark_users_blocked(ids, now)


async def finish_if_done(uow: UnitOfWork, broadcast_id: int, now: datetime) -> bool:
    broadcasts = BroadcastRepository(uow)
    broadcast = await broadcasts.get(broadcast_id, for_update=True)
    if broadcast is None or broadcast.status != BroadcastStatus.SENDING:
        return False
    counts = await broadcasts.status_counts(broadcast_id)
    if counts.get("pending", 0) or counts.get("sending", 0):
        return False
    broadcast.status, broadcast.finished_at = BroadcastStatus.DONE, now
    return True


@dataclass(frozen=True)
class Preview:
    broadcast_id: int
    chat_id: int
    message: Message
    audience_size: int
    segment: dict[str, list[str]]
    needs_second_approval: bool
    # Province and branch codes of the segment -> their names (see describe_segment).
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    scheduled_at: datetime | None = None
    ignore_quiet_hours: bool = False


async def preview(uow: UnitOfWork, settings: Settings, broadcast_id: int) -> Preview | None:
    repository = BroadcastRepository(uow)
    broadcast = await repository.get(broadcast_id)
    if broadcast is None:
        return None
    segment = dict(broadcast.segment)
    return Preview(
        broadcast_id=broadcast.id,
        chat_id=broadcast.preview_chat_id,
        message=Message(broadcast.id, broadcast.text, broadcast.button_text, broadcast.button_url),
        audience_size=broadcast.audience_size,
        segment=segment,
        needs_second_approval=broadcast.audience_size > settings.broadcast_approval_threshold,
        names=await repository.place_names(
            segment.get("provinces") or (), segment.get("branches") or ()
        ),
        scheduled_at=broadcast.scheduled_at,
        ignore_quiet_hours=broadcast.ignore_quiet_hours,
    )


async def record_preview(
    uow: UnitOfWork, broadcast_id: int, now: datetime, error: str | None = None
) -> None:
    broadcast = await BroadcastRepository(uow).get(broadcast_id, for_update=True)
    if broadcast is None:
        return
    if error is None:
        broadcast.preview_sent_at = now
    else:
        broadcast.last_error = f"preview not delivered: {error}"[:500]


def _filters(segment: Segment) -> dict[str, Sequence[str]]:
    return {name: list(values) for name, values in segment.to_json().items()}


def _clean(text: str) -> str:
    """Without control characters (newlines and tabs kept): Telegram shows none of them, and
    PostgreSQL refuses a NUL in a text column."""
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def _button(text: str | None, url: str | None) -> tuple[str, str] | None:
    text, url = _clean(text or "").strip(), _clean(url or "").strip()
    if not text and not url:
        return None
    if not text or not url:
        raise BroadcastError("a button needs both a label and a link", "button_incomplete")
    if len(text) > MAX_BUTTON_TEXT:
        raise BroadcastError(
            f"the button label is longer than {MAX_BUTTON_TEXT} characters", "long_button_text"
        )
    if not url.startswith(("https://", "http://", "tg://")) or len(url) > 300 or " " in url:
        raise BroadcastError("the button link must be an https:// address", "button_url")
    return text, url
