"""A queued message as rendered for sending (:class:`Outgoing`), and the shape of a renderer:
what the sender needs to send a row of any kind, and what to do once it went out or never
will."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardMarkup

from bot.outbox.tracking import POSSIBLE_REPEAT
from bot.presentation.lead_cards import STAFF_LANGUAGE
from bot.settings import Settings
from db.engine import UnitOfWork

NO_GROUP = "no group to deliver to"


@dataclass(frozen=True)
class Outgoing:
    """A rendered message, tried on ``targets`` in order: a group that refuses it (the bot was
    removed, the chat is gone) is skipped next time; ``private`` targets are workers, and a
    worker's refusal fails the message for good.

    ``keep_trying``: never failed for good (a lead card): with no group left it waits for one,
    and ``last_resort`` (the admin group), when it refuses, is retried with backoff instead of
    skipped."""

    targets: list[int]
    text: str
    keyboard: InlineKeyboardMarkup | None = None
    private: bool = False
    language: str = STAFF_LANGUAGE  # the reader's (a worker's own, in a private chat)
    # The first line of a send that may be a repeat (bot.outbox.tracking).
    repeat_marker: str = POSSIBLE_REPEAT
    reply_to: tuple[int, int] | None = None  # (chat, message) answered, in that chat only
    # (chat, message) to edit rather than post anew, when sent to that chat (an updated card).
    edit: tuple[int, int] | None = None
    note: str | None = None  # a second message after the first (the preview's explanation)
    after_sent: Callable[[UnitOfWork, int, int], Awaitable[None]] | None = None
    after_failed: Callable[[UnitOfWork, str], Awaitable[None]] | None = None
    on_blocked_notice: tuple[int, str] | None = None  # (group, text) when the worker blocked us
    keep_trying: bool = False
    last_resort: int | None = None
    no_target_error: str = NO_GROUP  # recorded while no target is left (shown to managers)


# Renders a queued row (a db.models OutboxMessage or CampaignMessage, as its kind says) in the
# sender's unit of work. None: there is nothing (left) to send, and the row is dropped.
Renderer = Callable[[UnitOfWork, Settings, Any], Awaitable[Outgoing | None]]
