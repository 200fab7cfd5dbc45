"""The per-update context every handler receives.

python-telegram-bot builds one context per update and passes it to each handler group in turn,
so the user loaded by :func:`handlers.users.load_user` in group -1 is there for every later group.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.i18n import DEFAULT_LANGUAGE
from bot.services import SERVICES_KEY, Services
from bot.users import UserView


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self.user_view: UserView | None = None

    @property
    def services(self) -> Services:
        services: Services = self.application.bot_data[SERVICES_KEY]
        return services

    @property
    def lang(self) -> str:
        return self.user_view.language if self.user_view else DEFAULT_LANGUAGE
