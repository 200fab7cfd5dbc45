"""What handlers need from the rest of the system, built once per process and passed down
through ``Application.bot_data`` (no module-level globals)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.geo import Directory
from bot.knowledge.facts import fact
from bot.nlu.classifier import IntentModel
from bot.routing import DirectoryPlaces
from bot.settings import Settings
from db.engine import Database

# Contribution rules change on calendar dates; the campaign counts them in Western Indonesia Time.
CAMPAIGN_TIMEZONE = ZoneInfo("Asia/Jakarta")


# Where the Application keeps the Services (``application.bot_data[SERVICES_KEY]``).
SERVICES_KEY = "services"


@dataclass
class Services:
    settings: Settings
    db: Database
    directory: Directory
    # The question classifier with the labels managers accepted (bot.learning.load_model);
    # None answers with the shipped phrasings alone.
    model: IntentModel | None = None
    places: DirectoryPlaces = field(init=False)
    # Set by bot.outbox.tasks: poked when something is queued in either outbox so it goes out
    # at once rather than at the senders' next round.
    outbox_wake: asyncio.Event | None = None

    def __post_init__(self) -> None:
        self.places = DirectoryPlaces(self.directory)

    def use_directory(self, directory: Directory) -> None:
        """Route with ``directory`` from now on (a manager changed it: bot.routing)."""
        self.directory = directory
        self.places = DirectoryPlaces(directory)

    def today(self) -> date:
        return datetime.now(CAMPAIGN_TIMEZONE).date()

    def wake_outbox(self) -> None:
        if self.outbox_wake is not None:
            self.outbox_wake.set()

    @property
    def call_center(self) -> str:
        return str(fact("call_center"))
