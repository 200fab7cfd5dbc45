"""Deep-link starts: ``/start KODE`` from a poster's QR code or a radio spot's link records where
the worker came from (see ``bot.sources``). Called by ``handlers.start.start``."""

from __future__ import annotations

import logging

from bot.clock import utcnow
from bot.sources import record_touch
from handlers.context import BotContext

log = logging.getLogger(__name__)


async def record_start_source(context: BotContext, payload: str) -> bool:
    """Attribute the worker to the source ``payload`` names; False for an unknown code (the
    start goes on as a plain /start)."""
    if context.user_view is None or not payload:
        return False
    async with context.services.db.transaction() as uow:
        recorded = await record_touch(uow, context.user_view.id, payload[:64], utcnow())
    if not recorded:
        log.info("start with an unknown source code")
    return recorded
