"""The statistics repository's copies of domain values (``db/`` does not import ``bot/``)."""

from __future__ import annotations

from bot.leads import LeadStatus
from db.repositories import stats


def test_lead_statuses_are_the_domain_ones() -> None:
    assert (stats.NEW, stats.ENROLLED) == (LeadStatus.NEW, LeadStatus.ENROLLED)
