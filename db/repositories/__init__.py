"""Repositories: one per aggregate, each wrapping an ``AsyncSession`` owned by the caller's unit
of work. They never commit: the unit of work (``Database.transaction``) does."""
