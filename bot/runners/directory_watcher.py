"""The bot's loop that follows branch changes made on the dashboard.

Wiring, not domain: a loop that runs for the life of the process and sequences its own units
of work (read the version; reload only when it moved), so it holds the ``Database``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from bot.geo import Directory
from bot.routing import DIRECTORY_CHECK_SECONDS, directory_version, load_directory
from db.engine import Database

log = logging.getLogger(__name__)


class DirectoryWatcher:
    """Reloads the directory when a manager changed it, and hands it to ``use`` (the bot's
    ``Services.use_directory``), so routing follows the Cabang page without a restart."""

    def __init__(
        self, db: Database, use: Callable[[Directory], None],
        interval: float = DIRECTORY_CHECK_SECONDS,
    ) -> None:
        self.db, self.use, self.interval = db, use, interval
        self.version: int | None = None

    async def check_once(self) -> bool:
        """True when the directory was reloaded; the first call only notes the version."""
        async with self.db.transaction() as uow:
            version = await directory_version(uow)
        if self.version is None or version == self.version:
            self.version = version
            return False
        async with self.db.transaction() as uow:
            directory = await load_directory(uow)
        self.use(directory)
        self.version = version
        log.info("branch directory reloaded after change #%d", version)
        return True

    async def run_forever(self) -> None:
        while True:
            try:
                await self.check_once()
            except Exception:  # logged once per failed check; the old directory stays in force
                log.exception("branch directory: reload failed")
            await asyncio.sleep(self.interval)
