"""What both run modes do before they take updates: reach the database (retrying with backoff,
since in a deployment the database may come up after the bot), bring its schema up to date,
load the branch directory, and warn about branches whose leads have no group to go to."""

from __future__ import annotations

import asyncio
import logging

from bot import answers, delivery_health, learning
from bot.app import BotApplication, build_application
from bot.cli.common import database_error_line
from bot.clock import utcnow
from bot.routing import load_directory
from bot.services import Services
from bot.settings import Settings
from db.engine import Database
from db.migrate import upgrade_async

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 30.0


async def migrate_with_retry(settings: Settings) -> None:
    """Apply migrations; a database that cannot be reached is retried with exponential backoff
    ``DATABASE_CONNECT_ATTEMPTS`` times, then the error propagates (the CLI exits non-zero)."""
    delay = 1.0
    for attempt in range(1, settings.database_connect_attempts + 1):
        try:
            await upgrade_async(settings.database_url)
            return
        except Exception as error:
            line = database_error_line(error)
            if line is None or attempt == settings.database_connect_attempts:
                raise
            log.warning("%s (attempt %d of %d; retrying in %.0fs)", line, attempt,
                        settings.database_connect_attempts, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_BACKOFF_SECONDS)


async def prepare(settings: Settings) -> BotApplication:
    await migrate_with_retry(settings)
    db = Database(settings.database_url)
    async with db.transaction() as uow:
        directory = await load_directory(uow)
    # Leads whose branch has no staff group: say so before taking updates (issue #13).
    async with db.transaction() as uow:
        await delivery_health.warn_unlinked_branches(
            uow, utcnow(), reminder_hours=settings.lead_reminder_hours,
            admin_group_id=settings.admin_group_id,
        )
    # Loaded from the cache in milliseconds; trained (a few seconds, before any update is
    # taken) only when the phrasings or the accepted labels changed since the last start.
    async with db.transaction() as uow:
        accepted = await learning.export_labels(uow, trained_only=True)
    model = learning.load_model(accepted)
    services = Services(settings=settings, db=db, directory=directory, model=model)
    answers.warm_up(services.today(), model)
    return build_application(services)
