"""Every table, imported here so that ``Base.metadata`` is complete for migrations."""

from db.base import Base
from db.models.event import Event
from db.models.user import User

__all__ = ["Base", "Event", "User"]
