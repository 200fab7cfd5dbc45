"""What both run modes do before they take updates: check the database and bring its schema up."""

from __future__ import annotations

import logging

from bot.app import BotApplication, build_application
from bot.services import Services
from bot.settings import Settings
from db.engine import Database
from db.migrate import upgrade_async

log = logging.getLogger(__name__)


async def prepare(settings: Settings) -> BotApplication:
    await upgrade_async(settings.database_url)
    services = Services(settings=settings, db=Database(settings.database_url))
    return build_application(services)
