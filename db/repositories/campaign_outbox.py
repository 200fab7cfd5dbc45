"""Kept for the imports that name it: the campaign outbox's repository lives with the lead
outbox's in :mod:`db.repositories.outbox`, on one generic queue."""

from db.repositories.outbox import CampaignOutboxRepository

__all__ = ["CampaignOutboxRepository"]
