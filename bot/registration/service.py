"""Runs the registration flow against the database: the state is read and written on every
update inside one transaction, so a restart or another bot process resumes at the same step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.clock import utcnow
from bot.events import EventKind
from bot.leads import Confirmation, confirm_registration
from bot.registration.flow import FLOW, Input, Outcome, PlaceResolver, State, Step, apply
from db.engine import UnitOfWork
from db.repositories.conversations import ConversationRepository
from db.repositories.events import EventRepository


@dataclass(frozen=True)
class Reply:
    outcome: Outcome
    confirmation: Confirmation | None = None
    # The step the input answered (the handler tidies up that step's reply keyboard).
    previous_step: Step | None = None
    # A button from an earlier step was pressed: nothing was applied, ``outcome.state`` is
    # where the worker really is.
    stale: bool = False


async def start(uow: UnitOfWork, user_id: int, language: str, now: datetime | None = None) -> Reply:
    now = now or utcnow()
    state = State.start()
    await ConversationRepository(uow).put(user_id, FLOW, state.step, state.data, now)
    await EventRepository(uow).add(
        EventKind.REGISTRATION_STARTED, user_id=user_id, at=now, language=language
    )
    return Reply(Outcome(state))


async def current(uow: UnitOfWork, user_id: int) -> State | None:
    row = await ConversationRepository(uow).get(user_id)
    return State(Step(row.step), dict(row.data)) if row and row.flow == FLOW else None


async def advance(
    uow: UnitOfWork,
    user_id: int,
    event: Input,
    *,
    places: PlaceResolver,
    language: str,
    today: date,
    now: datetime | None = None,
    button_step: str | None = None,
    admin_group_id: int | None = None,
) -> Reply | None:
    """Apply one input; None when the user is not registering. ``button_step`` is the step a
    pressed button was shown for: from any other step, the press is reported stale.
    ``admin_group_id``: where cards of a branch without a group go (``ADMIN_GROUP_ID``)."""
    now = now or utcnow()
    conversations = ConversationRepository(uow)
    row = await conversations.get(user_id, for_update=True)
    if row is None or row.flow != FLOW:
        return None
    state = State(Step(row.step), dict(row.data))
    if button_step is not None and button_step != state.step:
        return Reply(Outcome(state), previous_step=state.step, stale=True)
    outcome = apply(state, event, places, today)
    events = EventRepository(uow)
    if outcome.declined:
        await conversations.remove(user_id)
        await events.add(
            EventKind.REGISTRATION_CANCELLED,
            user_id=user_id,
            at=now,
            details={"step": str(state.step), "reason": "no_consent"},
        )
        return Reply(outcome, previous_step=state.step)
    if outcome.confirmed:
        confirmation = await confirm_registration(
            uow,
            user_id=user_id,
            data=outcome.state.data,
            language=language,
            now=now,
            admin_group_id=admin_group_id,
        )
        await conversations.remove(user_id)
        return Reply(outcome, confirmation, state.step)
    if outcome.state.step != state.step:
        await events.add(
            EventKind.REGISTRATION_STEP,
            user_id=user_id,
            at=now,
            details={"step": str(outcome.state.step)},
        )
    if outcome.state.step != state.step or outcome.state.data != state.data:
        await conversations.update(row, outcome.state.step, outcome.state.data, now)
    return Reply(outcome, previous_step=state.step)


async def cancel(uow: UnitOfWork, user_id: int, now: datetime | None = None) -> bool:
    now = now or utcnow()
    conversations = ConversationRepository(uow)
    row = await conversations.get(user_id)
    if row is None:
        return False
    await conversations.remove(user_id)
    await EventRepository(uow).add(
        EventKind.REGISTRATION_CANCELLED,
        user_id=user_id,
        at=now,
        details={"step": row.step, "reason": "cancelled"},
    )
    return True
