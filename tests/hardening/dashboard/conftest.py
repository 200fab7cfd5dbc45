"""The dashboard tests' fixtures (an aiohttp client of the real app, the seeded campaign and
its accounts), shared with tests/dashboard."""

from tests.dashboard.conftest import (  # noqa: F401 - fixtures, found by pytest by name
    campaign,
    client,
    clock,
    settings,
)
