"""Names of the analytics events, in one place so the statistics and the code that records
them cannot drift apart."""

from __future__ import annotations

from enum import StrEnum


class EventKind(StrEnum):
    FIRST_CONTACT = "first_contact"
    START = "start"
    LANGUAGE_CHANGED = "language_changed"
    QUESTION = "question"
    UNANSWERED = "unanswered"
    CALCULATOR = "calculator"
    UNSUPPORTED_MESSAGE = "unsupported_message"
    REGISTRATION_STARTED = "registration_started"
    REGISTRATION_STEP = "registration_step"
    REGISTRATION_COMPLETED = "registration_completed"
    REGISTRATION_CANCELLED = "registration_cancelled"
    LEAD_STATUS = "lead_status"
    DATA_DELETED = "data_deleted"
