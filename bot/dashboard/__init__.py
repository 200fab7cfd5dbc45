"""The campaign dashboard: server-rendered pages, SVG charts and JSON for managers and
branches, behind a login. See ``bot.dashboard.app.create_app``."""

from bot.dashboard.app import create_app

__all__ = ["create_app"]
