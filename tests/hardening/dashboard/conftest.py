"""The dashboard tests' fixtures (an aiohttp client of the real app, the seeded campaign with
its campaign tools' records, and its accounts), shared with tests/dashboard."""

from tests.dashboard.conftest import (  # noqa: F401 - fixtures, found by pytest by name
    campaign,
    campaign_tools,
    client,
    clock,
    settings,
)
