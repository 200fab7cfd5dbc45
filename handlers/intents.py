"""What a feature hands back when the update belongs to another feature.

Features never call each other: a handler that finds the worker wants something another feature
does returns one of these, and :mod:`handlers.dispatch` (the one router) carries it out on the
same update. Plain values with no fields yet: the router hands the same update on."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StartRegistration:
    """Begin the interest registration (as /daftar does)."""


@dataclass(frozen=True)
class StartHandoff:
    """Ask for a question for staff (as /petugas does)."""


@dataclass(frozen=True)
class AnswerQuestion:
    """The update's text is a question for the bot after all (e.g. a stale handoff prompt)."""


Intent = StartRegistration | StartHandoff | AnswerQuestion
