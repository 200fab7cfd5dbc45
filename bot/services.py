"""What handlers need from the rest of the system, built once per process and passed down
through ``Application.bot_data`` (no module-level globals)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings import Settings
from db.engine import Database


@dataclass
class Services:
    settings: Settings
    db: Database
