"""The Bot the application talks to Telegram with: python-telegram-bot's ExtBot, plus the one
policy every handler needs, in one place.

Answering a button press is best effort. Telegram keeps a callback query for about 15 seconds;
when updates queue longer than that (a campaign burst beyond Telegram's 30 messages a second),
``answerCallbackQuery`` fails with "query is too old". That answer only stops the button's
spinner, so failing it must not fail the update: the worker still gets the next step.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram.error import BadRequest
from telegram.ext import ExtBot

log = logging.getLogger(__name__)

# Telegram's wording (and the sandbox's): "query is too old and response timeout expired or
# query ID is invalid".
_EXPIRED_QUERY = "query is too old"


def is_expired_query(error: BadRequest) -> bool:
    return _EXPIRED_QUERY in error.message.lower()


class CampaignBot(ExtBot[None]):
    async def answer_callback_query(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return await super().answer_callback_query(*args, **kwargs)
        except BadRequest as error:
            if not is_expired_query(error):
                raise
            log.info("button press answered too late (%s); handling it anyway", error.message)
            return False
