"""Human handoff ("Tanya petugas"): a worker's question goes to a person as a ticket.

The ticket, with the worker's recent conversation, is posted to the branch group of the
worker's lead. A worker without a lead is first asked where they live (a shared location or a
typed place, resolved and routed as the registration does; the place itself is not stored):
the ticket goes to that branch's group. A branch without a group falls back to the admin group;
when no group at all can take the question, no ticket is opened and the worker is told plainly
how to get an answer (the call centre, the branch office) instead of "sent". Staff answer by
replying to it in the group, and each answer is relayed to the worker, in order, as coming
from "Petugas BPJS Ketenagakerjaan Cabang X": never with the staff member's name. A ticket is
``open`` while it waits for staff, ``answered`` once staff spoke last, ``closed`` by staff or after
``TICKET_AUTOCLOSE_AFTER`` without news. Out of office hours the worker is told when to expect
an answer.

Sending goes through the campaign outbox (``bot.outbox``), written in the same
transaction as the ticket. Domain module: no telegram or aiohttp imports.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.office_hours import OfficeHours, zone_for_province, zone_label
from bot.registration.flow import FLOW as REGISTRATION_FLOW
from bot.registration.flow import MAX_PLACE_CHOICES, Choice, Location, PlaceResolver, Text
from bot.settings import Settings
from bot.staff import scope_for
from db.engine import UnitOfWork
from db.models import Branch, Ticket, TicketMessage, User
from db.repositories.branches import BranchRepository
from db.repositories.conversations import Conversation, ConversationRepository
from db.repositories.outbox import CampaignOutboxRepository
from db.repositories.tickets import TicketRepository

HANDOFF_FLOW = "handoff"
# The conversation's steps: waiting for the question, then (no lead) for the worker's place.
QUESTION_STEP = "question"
PLACE_STEP = "place"
OUTBOX_TICKET_TO_GROUP = "ticket_to_group"
OUTBOX_TICKET_TO_WORKER = "ticket_to_worker"
MAX_TEXT = 1000
# What staff see of the conversation before the ticket.
RECENT_WINDOW = timedelta(hours=1)
RECENT_LIMIT = 8
# A question the bot could not answer this recently is offered as the ticket's question.
LAST_QUESTION_WINDOW = timedelta(minutes=30)
# How long the "type your question for staff" prompt waits for the question.
PROMPT_TTL = timedelta(minutes=15)
CONTEXT_KINDS = frozenset(
    ("question", "calculator", "registration_started", "registration_completed")
)


class TicketStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class Author(StrEnum):
    WORKER = "worker"
    STAFF = "staff"


def clean_message(text: str) -> str:
    """Control characters out (newlines kept), at most one blank line, at most MAX_TEXT."""
    kept = "".join(
        ch if ch == "\n" or not unicodedata.category(ch).startswith("C") else " " for ch in text
    )
    kept = re.sub(r"[ \t]+", " ", kept)
    kept = re.sub(r"\n\s*\n+", "\n\n", kept)
    return kept.strip()[:MAX_TEXT]


def branch_label(branch_name: str | None) -> str | None:
    """``Kantor Cabang Banda Aceh`` -> ``Banda Aceh``: what follows "Cabang" for workers."""
    if not branch_name:
        return None
    for prefix in ("Kantor Cabang Perintis ", "Kantor Cabang ", "KCP ", "KC "):
        if branch_name.startswith(prefix):
            return branch_name.removeprefix(prefix)
    return branch_name


# --- the worker's side -----------------------------------------------------------------------


@dataclass(frozen=True)
class HandoffPrompt:
    """``started`` False: the worker is registering and must finish or /batal first."""

    started: bool
    last_question: str | None
    has_open_ticket: bool


async def begin_handoff(uow: UnitOfWork, user_id: int, now: datetime) -> HandoffPrompt:
    """Wait for the worker's question (the next text goes to :func:`submit_question`)."""
    conversations = ConversationRepository(uow)
    current = await conversations.get(user_id, for_update=True)
    if current is not None and current.flow == REGISTRATION_FLOW:
        return HandoffPrompt(False, None, False)
    await conversations.put(user_id, HANDOFF_FLOW, QUESTION_STEP, {}, now)
    tickets = TicketRepository(uow)
    recent = await tickets.recent_unanswered(user_id, now - LAST_QUESTION_WINDOW, 1)
    has_open = await tickets.unclosed_for_user(user_id) is not None
    return HandoffPrompt(True, recent[0].text if recent else None, has_open)


async def cancel_handoff(uow: UnitOfWork, user_id: int) -> None:
    conversations = ConversationRepository(uow)
    current = await conversations.get(user_id)
    if current is not None and current.flow == HANDOFF_FLOW:
        await conversations.remove(user_id)


@dataclass(frozen=True)
class TicketReceipt:
    """What the worker is told. ``expected_by`` is in the branch's time zone (``zone``).
    ``to_admin_group``: the branch has no staff group; the campaign's admin group answers."""

    ticket_id: int
    new_ticket: bool
    branch_name: str | None
    out_of_hours: bool
    expected_by: datetime | None
    zone: str
    office_hours: str  # as configured ("mon-fri 08:00-16:00"); show ``hours`` in words instead
    hours: OfficeHours | None = None
    to_admin_group: bool = False


class NotSent(StrEnum):
    EMPTY = "empty"  # nothing to send: empty text, or no recent question to reuse
    # The prompt was answered long after it was shown: the text is probably a new question
    # for the bot, not for staff.
    PROMPT_EXPIRED = "prompt_expired"
    # A place button from an earlier prompt (the conversation has moved on).
    STALE = "stale"


@dataclass(frozen=True)
class PlaceNeeded:
    """The worker has no lead: ask where they live (the question waits in the conversation).

    ``error``: why the last answer did not do (``place_unknown``, ``outside_indonesia``,
    ``place_help``, ``use_buttons``); ``options``: labels of the places a typed name matched,
    for the worker to pick one (button ``i`` is ``options[i]``)."""

    error: str | None = None
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class NoStaffReachable:
    """No group can take the question (the branch has none and there is no admin group): no
    ticket was opened. The worker is told how to get an answer instead."""

    branch_name: str | None
    branch_address: str | None
    branch_phone: str | None


HandoffResult = TicketReceipt | NotSent | PlaceNeeded | NoStaffReachable
HandoffInput = Text | Location | Choice


async def submit_question(
    uow: UnitOfWork,
    settings: Settings,
    *,
    user_id: int,
    text: str,
    language: str,
    now: datetime,
    use_last_question: bool = False,
    from_prompt: bool = False,
) -> HandoffResult:
    """Open a ticket, or add to the worker's ticket that is not closed yet. ``from_prompt``:
    the text answers :func:`begin_handoff`'s prompt (refused after :data:`PROMPT_TTL`). A
    worker with neither a ticket nor a lead is asked for their place first (:class:`PlaceNeeded`,
    answered through :func:`continue_handoff`)."""
    tickets = TicketRepository(uow)
    conversations = ConversationRepository(uow)
    current = await conversations.get(user_id)
    if current is not None and current.flow == HANDOFF_FLOW:
        await conversations.remove(user_id)
        if from_prompt and now - current.updated_at > PROMPT_TTL:
            return NotSent.PROMPT_EXPIRED
    if use_last_question:
        recent = await tickets.recent_unanswered(user_id, now - LAST_QUESTION_WINDOW, 1)
        text = recent[0].text if recent else ""
    cleaned = clean_message(text)
    if not cleaned:
        return NotSent.EMPTY
    ticket = await tickets.unclosed_for_user(user_id)
    branch_code = None
    if ticket is None:
        lead = await tickets.latest_lead(user_id)
        if lead is None:
            await conversations.put(
                user_id, HANDOFF_FLOW, PLACE_STEP, {"question": cleaned}, now
            )
            return PlaceNeeded()
        branch_code = lead.branch_code
    return await _send_question(
        uow, settings, user_id, ticket, branch_code, cleaned, language, now
    )


async def continue_handoff(
    uow: UnitOfWork,
    settings: Settings,
    places: PlaceResolver,
    *,
    user_id: int,
    event: HandoffInput,
    language: str,
    now: datetime,
) -> HandoffResult:
    """The worker's next input in the handoff conversation: the question (a text after the
    prompt), or where they live (a text, a shared location or a pressed place button)."""
    current = await ConversationRepository(uow).get(user_id, for_update=True)
    if current is not None and current.flow == HANDOFF_FLOW and current.step == PLACE_STEP:
        return await _place_answer(uow, settings, places, current, event, language, now)
    if isinstance(event, Text):
        return await submit_question(
            uow,
            settings,
            user_id=user_id,
            text=event.text,
            language=language,
            now=now,
            from_prompt=True,
        )
    return NotSent.STALE


async def _place_answer(
    session: UnitOfWork,
    settings: Settings,
    places: PlaceResolver,
    current: Conversation,
    event: HandoffInput,
    language: str,
    now: datetime,
) -> HandoffResult:
    conversations = ConversationRepository(session)
    if now - current.updated_at > PROMPT_TTL and isinstance(event, Text):
        # Long after the question for the place: this text is a new question for the bot.
        await conversations.remove(current.user_id)
        return NotSent.PROMPT_EXPIRED
    question = str(current.data.get("question") or "")
    # Only the candidate branches are kept while the worker picks: never the place itself.
    choices: list[str] = list(current.data.get("choices") or [])
    branch_code: str | None = None
    if isinstance(event, Location):
        routed = places.from_point(event.lat, event.lon)
        if routed is None:
            return PlaceNeeded(error="outside_indonesia")
        branch_code = routed.branch_code
    elif isinstance(event, Text):
        candidates = places.from_text(event.text)
        if not candidates:
            return PlaceNeeded(error="place_unknown")
        if len(candidates) > 1:
            shown = candidates[:MAX_PLACE_CHOICES]
            await conversations.update(
                current,
                PLACE_STEP,
                {"question": question, "choices": [p.branch_code for p in shown]},
                now,
            )
            return PlaceNeeded(options=tuple(p.label for p in shown))
        branch_code = candidates[0].branch_code
    else:
        index = int(event.value) if event.value.isascii() and event.value.isdigit() else -1
        if not 0 <= index < len(choices):
            return NotSent.STALE
        branch_code = choices[index]
    await conversations.remove(current.user_id)
    if not question:
        return NotSent.EMPTY
    ticket = await TicketRepository(session).unclosed_for_user(current.user_id)
    return await _send_question(
        session, settings, current.user_id, ticket, branch_code, question, language, now
    )


async def _send_question(
    session: UnitOfWork,
    settings: Settings,
    user_id: int,
    ticket: Ticket | None,
    branch_code: str | None,
    cleaned: str,
    language: str,
    now: datetime,
) -> TicketReceipt | NoStaffReachable:
    """Queue the worker's message for staff: on ``ticket`` (not closed yet), or on a new ticket
    for ``branch_code``. Nothing is queued when no group could receive it."""
    tickets = TicketRepository(session)
    code = ticket.branch_code if ticket is not None else branch_code
    branch = await _branch(session, code)
    groups = await BranchRepository(session).groups_of(code) if code else []
    already_posted = ticket is not None and await tickets.posted_somewhere(ticket.id)
    if not groups and not already_posted and settings.admin_group_id is None:
        return NoStaffReachable(
            # A derived (provisional) branch is never named to a worker.
            branch.name if branch and not branch.provisional else None,
            branch.address if branch else None,
            branch.phone if branch else None,
        )
    new_ticket = ticket is None
    if ticket is None:
        ticket = Ticket(
            user_id=user_id,
            branch_code=code,
            status=TicketStatus.OPEN,
            language=language,
            created_at=now,
            context=await _recent_conversation(tickets, user_id, now),
        )
        tickets.add(ticket)
    ticket.status = TicketStatus.OPEN
    ticket.updated_at = now
    hours = settings.office_hours_for(ticket.branch_code)
    zone = zone_for_province(branch.province_code if branch else None)
    local = now.astimezone(zone)
    out_of_hours = not hours.is_open(local)
    expected = hours.next_opening(local) if out_of_hours else None
    if new_ticket:
        ticket.out_of_hours = out_of_hours
        ticket.expected_by = expected
    await session.flush()
    message = TicketMessage(ticket_id=ticket.id, author=Author.WORKER, text=cleaned, created_at=now)
    tickets.add_message(message)
    await session.flush()
    CampaignOutboxRepository(session).add(
        OUTBOX_TICKET_TO_GROUP,
        now=now,
        ticket_message_id=message.id,
        ordering_key=f"t{ticket.id}:group",
    )
    return TicketReceipt(
        ticket_id=ticket.id,
        new_ticket=new_ticket,
        # A derived (provisional) branch is never named to a worker.
        branch_name=branch.name if branch and not branch.provisional else None,
        out_of_hours=out_of_hours,
        expected_by=expected,
        zone=zone_label(zone),
        office_hours=hours.text,
        hours=hours,
        to_admin_group=not groups and not already_posted,
    )


async def _recent_conversation(
    tickets: TicketRepository, user_id: int, now: datetime
) -> list[dict[str, Any]]:
    """The worker's last steps (topics asked, with the text of questions the bot could not
    answer), oldest first, as plain JSON for the ticket."""
    since = now - RECENT_WINDOW
    unanswered = {q.created_at: q.text for q in await tickets.recent_unanswered(user_id, since, 10)}
    steps: list[dict[str, Any]] = []
    for event in await tickets.recent_events(user_id, since, RECENT_LIMIT * 2):
        if event.kind not in CONTEXT_KINDS:
            continue
        step: dict[str, Any] = {"at": event.created_at.isoformat(), "kind": event.kind}
        if event.kind == "question":
            answered = bool((event.details or {}).get("answered"))
            step.update(topic=event.topic, answered=answered)
            if not answered and event.created_at in unanswered:
                step["text"] = unanswered[event.created_at]
        steps.append(step)
        if len(steps) == RECENT_LIMIT:
            break
    return list(reversed(steps))


async def _branch(session: UnitOfWork, code: str | None) -> Branch | None:
    return await BranchRepository(session).get(code) if code else None


# --- the staff's side ------------------------------------------------------------------------


class ReplyOutcome(StrEnum):
    RELAYED = "relayed"
    NOT_A_TICKET = "not_a_ticket"  # a reply to some other message of the bot
    FORBIDDEN = "forbidden"
    CLOSED = "closed"
    DUPLICATE = "duplicate"  # the same staff message delivered twice
    EMPTY = "empty"


@dataclass(frozen=True)
class ReplyResult:
    outcome: ReplyOutcome
    ticket_id: int | None = None


async def relay_staff_reply(
    uow: UnitOfWork,
    settings: Settings,
    *,
    chat_id: int,
    reply_to_message_id: int,
    staff_message_id: int,
    staff_telegram_id: int,
    text: str,
    now: datetime,
    ticket_hint: int | None = None,
) -> ReplyResult:
    """A staff member replied in their group to a ticket the bot posted: queue the answer.

    ``ticket_hint`` is the ticket id the bot put on the replied-to message (its close button):
    a reply can arrive before the sender has recorded where the ticket was posted."""
    tickets = TicketRepository(uow)
    posted = await tickets.by_group_message(chat_id, reply_to_message_id)
    ticket_id = posted.ticket_id if posted is not None else ticket_hint
    if ticket_id is None:
        return ReplyResult(ReplyOutcome.NOT_A_TICKET)
    ticket = await tickets.get(ticket_id, for_update=True)
    if ticket is None:
        return ReplyResult(ReplyOutcome.NOT_A_TICKET)
    scope = await scope_for(
        uow, chat_id=chat_id, user_telegram_id=staff_telegram_id, settings=settings
    )
    allowed = scope is not None and (
        scope.branch_codes is None
        or (ticket.branch_code is not None and scope.covers(ticket.branch_code))
    )
    if not allowed:
        return ReplyResult(ReplyOutcome.FORBIDDEN, ticket.id)
    if ticket.status == TicketStatus.CLOSED:
        return ReplyResult(ReplyOutcome.CLOSED, ticket.id)
    cleaned = clean_message(text)
    if not cleaned:
        return ReplyResult(ReplyOutcome.EMPTY, ticket.id)
    answer = TicketMessage(
        ticket_id=ticket.id,
        author=Author.STAFF,
        text=cleaned,
        staff_telegram_id=staff_telegram_id,
        created_at=now,
        group_chat_id=chat_id,
        group_message_id=staff_message_id,
    )
    if not await tickets.add_message_once(answer):
        return ReplyResult(ReplyOutcome.DUPLICATE, ticket.id)
    ticket.status = TicketStatus.ANSWERED
    ticket.updated_at = now
    if ticket.first_response_at is None:
        ticket.first_response_at = now
    CampaignOutboxRepository(uow).add(
        OUTBOX_TICKET_TO_WORKER,
        now=now,
        ticket_message_id=answer.id,
        ordering_key=f"t{ticket.id}:worker",
    )
    return ReplyResult(ReplyOutcome.RELAYED, ticket.id)


class CloseOutcome(StrEnum):
    CLOSED = "closed"
    ALREADY_CLOSED = "already_closed"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"


async def close_ticket(
    uow: UnitOfWork,
    settings: Settings,
    *,
    ticket_id: int,
    chat_id: int,
    staff_telegram_id: int,
    now: datetime,
) -> CloseOutcome:
    ticket = await TicketRepository(uow).get(ticket_id, for_update=True)
    if ticket is None:
        return CloseOutcome.NOT_FOUND
    scope = await scope_for(
        uow, chat_id=chat_id, user_telegram_id=staff_telegram_id, settings=settings
    )
    if scope is None or not (
        scope.branch_codes is None
        or (ticket.branch_code is not None and scope.covers(ticket.branch_code))
    ):
        return CloseOutcome.FORBIDDEN
    if ticket.status == TicketStatus.CLOSED:
        return CloseOutcome.ALREADY_CLOSED
    ticket.status, ticket.closed_at, ticket.updated_at = TicketStatus.CLOSED, now, now
    return CloseOutcome.CLOSED


async def close_idle_tickets(uow: UnitOfWork, settings: Settings, now: datetime) -> int:
    return await TicketRepository(uow).close_idle(
        now - settings.ticket_autoclose_after, now
    )


# --- what the sender needs -------------------------------------------------------------------


@dataclass(frozen=True)
class TicketPost:
    """A worker's message for the staff group: the ticket's opening or a later message."""

    ticket_id: int
    ticket_message_id: int
    opening: bool
    text: str
    branch_code: str | None
    branch_name: str | None
    language: str
    created_at: datetime
    context: list[dict[str, Any]]
    lead_id: int | None
    out_of_hours: bool
    expected_by: datetime | None
    # Where to post, best first: where the ticket already is, the branch's linked groups,
    # then the admin group.
    targets: list[int]
    # The ticket's opening message in that group, for a later message to reply to.
    reply_to: tuple[int, int] | None
    status: str
    # The branch's time zone (IANA name and WIB/WITA/WIT), for the times staff read.
    zone: str
    zone_label: str


async def ticket_post(
    uow: UnitOfWork, settings: Settings, ticket_message_id: int
) -> TicketPost | None:
    tickets = TicketRepository(uow)
    message = await tickets.message(ticket_message_id)
    if message is None:
        return None
    ticket = await tickets.get(message.ticket_id)
    if ticket is None:
        return None
    messages = await tickets.messages(ticket.id)
    branch = await _branch(uow, ticket.branch_code)
    opening = messages[0] if messages else None
    reply_to = None
    targets: list[int] = []
    if opening is not None and opening.group_chat_id and opening.group_message_id:
        reply_to = (opening.group_chat_id, opening.group_message_id)
        targets.append(opening.group_chat_id)
    if ticket.branch_code is not None:
        groups = await BranchRepository(uow).groups_of(ticket.branch_code)
        targets += [g.chat_id for g in groups]
    if settings.admin_group_id is not None:
        targets.append(settings.admin_group_id)
    targets = list(dict.fromkeys(targets))
    lead = await tickets.latest_lead(ticket.user_id)
    zone = zone_for_province(branch.province_code if branch else None)
    return TicketPost(
        ticket_id=ticket.id,
        ticket_message_id=message.id,
        opening=opening is not None and opening.id == message.id,
        text=message.text,
        branch_code=ticket.branch_code,
        branch_name=branch.name if branch else None,
        language=ticket.language,
        created_at=ticket.created_at,
        context=list(ticket.context or []),
        lead_id=lead.id if lead else None,
        out_of_hours=ticket.out_of_hours,
        expected_by=ticket.expected_by,
        targets=targets,
        reply_to=reply_to,
        status=ticket.status,
        zone=zone.key,
        zone_label=zone_label(zone),
    )


async def record_group_post(
    uow: UnitOfWork, ticket_message_id: int, chat_id: int, message_id: int
) -> None:
    """Where the worker's message sits in the group: staff replies to it find the ticket."""
    message = await TicketRepository(uow).message(ticket_message_id)
    if message is not None:
        message.group_chat_id, message.group_message_id = chat_id, message_id


@dataclass(frozen=True)
class StaffAnswer:
    ticket_id: int
    worker_telegram_id: int
    language: str
    branch_name: str | None
    text: str
    reply_chat_id: int | None  # the staff group, to report an answer that could not be delivered


async def staff_answer(uow: UnitOfWork, ticket_message_id: int) -> StaffAnswer | None:
    tickets = TicketRepository(uow)
    message = await tickets.message(ticket_message_id)
    if message is None:
        return None
    ticket = await tickets.get(message.ticket_id)
    user = await uow.get(User, ticket.user_id) if ticket else None
    if ticket is None or user is None:
        return None
    branch = await _branch(uow, ticket.branch_code)
    return StaffAnswer(
        ticket_id=ticket.id,
        worker_telegram_id=user.telegram_id,
        language=user.language,
        branch_name=branch.name if branch and not branch.provisional else None,
        text=message.text,
        reply_chat_id=message.group_chat_id,
    )


# --- the dashboard ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketRow:
    id: int
    status: str
    branch_code: str | None
    language: str
    created_at: datetime
    first_response_at: datetime | None
    response_minutes: float | None
    closed_at: datetime | None
    out_of_hours: bool
    expected_by: datetime | None


@dataclass(frozen=True)
class TicketSummary:
    """Tickets opened in a period, for one branch (``branch_code``; None: no branch, the
    admin group's) or every branch (``all_branches``)."""

    branch_code: str | None
    all_branches: bool
    total: int
    open: int
    answered: int
    closed: int
    responded: int
    median_response_minutes: float | None
    mean_response_minutes: float | None
    # Opened out of office hours (the worker was told when to expect an answer).
    out_of_hours: int
    oldest_open_minutes: float | None


async def list_tickets(
    uow: UnitOfWork,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    branch_code: str | None = None,
    status: str | None = None,
    limit: int = 200,
) -> list[TicketRow]:
    tickets = await TicketRepository(uow).in_period(since, until, branch_code)
    rows = [_ticket_row(t) for t in reversed(tickets) if status is None or t.status == status]
    return rows[:limit]


async def ticket_summaries(
    uow: UnitOfWork,
    *,
    now: datetime,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[TicketSummary]:
    """One summary for every branch together, then one per branch that had tickets."""
    tickets = list(await TicketRepository(uow).in_period(since, until, None))
    codes = sorted({t.branch_code for t in tickets}, key=lambda c: (c is None, c or ""))
    summaries = [_summary(None, True, tickets, now)]
    summaries += [
        _summary(code, False, [t for t in tickets if t.branch_code == code], now) for code in codes
    ]
    return summaries


def _ticket_row(ticket: Ticket) -> TicketRow:
    return TicketRow(
        id=ticket.id,
        status=ticket.status,
        branch_code=ticket.branch_code,
        language=ticket.language,
        created_at=ticket.created_at,
        first_response_at=ticket.first_response_at,
        response_minutes=_minutes(ticket.created_at, ticket.first_response_at),
        closed_at=ticket.closed_at,
        out_of_hours=ticket.out_of_hours,
        expected_by=ticket.expected_by,
    )


def _summary(
    code: str | None, everything: bool, tickets: list[Ticket], now: datetime
) -> TicketSummary:
    responses = [
        m for t in tickets if (m := _minutes(t.created_at, t.first_response_at)) is not None
    ]
    open_ages = [
        (now - t.created_at).total_seconds() / 60 for t in tickets if t.status == TicketStatus.OPEN
    ]
    return TicketSummary(
        branch_code=code,
        all_branches=everything,
        total=len(tickets),
        open=sum(t.status == TicketStatus.OPEN for t in tickets),
        answered=sum(t.status == TicketStatus.ANSWERED for t in tickets),
        closed=sum(t.status == TicketStatus.CLOSED for t in tickets),
        responded=len(responses),
        median_response_minutes=round(statistics.median(responses), 1) if responses else None,
        mean_response_minutes=round(statistics.fmean(responses), 1) if responses else None,
        out_of_hours=sum(t.out_of_hours for t in tickets),
        oldest_open_minutes=round(max(open_ages), 1) if open_ages else None,
    )


def _minutes(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else round((end - start).total_seconds() / 60, 1)


async def forget_user(uow: UnitOfWork, user_id: int) -> None:
    """/hapusdata: the worker's tickets (their questions are personal data) go."""
    await TicketRepository(uow).forget_user(user_id)
