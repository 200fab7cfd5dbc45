"""What both run modes do before they take updates: check the database and bring its schema up."""

from __future__ import annotations

import logging

from bot.app import BotApplication, build_application
from bot.routing import load_directory
from bot.services import Services
from bot.settings import Settings
from db.engine import Database
from db.migrate import upgrade_async

log = logging.getLogger(__name__)


async def prepare(settings: Settings) -> BotApplication:
    await upgrade_async(settings.database_url)
    db = Database(settings.database_url)
    directory = await load_directory(db)
    services = Services(settings=settings, db=db, directory=directory)
    return build_application(services)
