"""The campaign tools' records on top of ``data.py``'s campaign, with known figures.

Sources (first / latest source of each worker)::

  RADIO-SBY    "Radio Suara Surabaya"  opened 5 times  u1 first (-40 d), u3 first + latest (-3 d)
  POSTER-ACEH  "Poster pasar Aceh"     opened 3 times  u2 first + latest (-10 d), u1 latest (-1 d)
  KOSONG       nobody yet
  u4, u5, u6 came without a source.

Tickets::

  T1 u1 KC-TIMUR answered   opened -2 d, first answer after 30 min
  T2 u3 KC-TIMUR open       opened -3 h; its message holds a phone number (never shown)
  T3 u2 KC-ACEH  closed     opened -5 d out of office hours, first answer after 90 min
  T4 u4 no branch open      opened -1 d

Follow-ups (branch status when asked → the worker's answer)::

  KC-TIMUR  contact L1 dihubungi → yes; contact L3 diambil → no; contact L3 undelivered;
            satisfaction L1 → 4
  KC-ACEH   contact L2 dihubungi → no (disputed)
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.followup import UNDELIVERED
from db.engine import Database
from db.models import FollowUp, Source, Ticket, TicketMessage, UserSource
from tests.dashboard.data import ACEH, NOW, TIMUR, Ids

PRIVATE_TICKET_TEXT = "tolong telpon saya di 081299998888"

EXPECTED_SOURCES_FIRST = {  # code: (workers, asked, registered, claimed, contacted, enrolled)
    "RADIO-SBY": (2, 2, 2, 2, 1, 1),
    "POSTER-ACEH": (1, 1, 1, 0, 0, 0),
    "KOSONG": (0, 0, 0, 0, 0, 0),
    None: (3, 0, 0, 0, 0, 0),
}
EXPECTED_LAST_TOUCH = {"RADIO-SBY": 1, "POSTER-ACEH": 2, "KOSONG": 0, None: 3}


async def seed_campaign_tools(db: Database, ids: Ids, now: datetime = NOW) -> dict[str, int]:
    """The records above, their times counted back from ``now``; returns the ticket ids."""

    def ago(**delta: float) -> datetime:
        return now - timedelta(**delta)

    users = ids.users
    async with db.transaction() as session:
        session.add_all([
            Source(code="RADIO-SBY", description="Radio Suara Surabaya", created_at=ago(days=50),
                   touches=5),
            Source(code="POSTER-ACEH", description="Poster pasar Aceh", created_at=ago(days=50),
                   touches=3),
            Source(code="KOSONG", description="", created_at=ago(days=1), touches=0),
        ])
        await session.flush()
        session.add_all([
            UserSource(user_id=users["u1"], first_source="RADIO-SBY", first_at=ago(days=40),
                       last_source="POSTER-ACEH", last_at=ago(days=1), touches=3),
            UserSource(user_id=users["u3"], first_source="RADIO-SBY", first_at=ago(days=3),
                       last_source="RADIO-SBY", last_at=ago(days=3), touches=1),
            UserSource(user_id=users["u2"], first_source="POSTER-ACEH", first_at=ago(days=10),
                       last_source="POSTER-ACEH", last_at=ago(days=10), touches=1),
        ])

        tickets = {
            "T1": Ticket(user_id=users["u1"], branch_code=TIMUR, status="answered",
                         created_at=ago(days=2), updated_at=ago(days=2),
                         first_response_at=ago(days=2) + timedelta(minutes=30)),
            "T2": Ticket(user_id=users["u3"], branch_code=TIMUR, status="open",
                         created_at=ago(hours=3), updated_at=ago(hours=3)),
            "T3": Ticket(user_id=users["u2"], branch_code=ACEH, status="closed",
                         created_at=ago(days=5), updated_at=ago(days=4),
                         first_response_at=ago(days=5) + timedelta(minutes=90),
                         closed_at=ago(days=4), out_of_hours=True,
                         expected_by=ago(days=5) + timedelta(hours=10)),
            "T4": Ticket(user_id=users["u4"], branch_code=None, status="open",
                         created_at=ago(days=1), updated_at=ago(days=1)),
        }
        for ticket in tickets.values():
            ticket.language, ticket.context = "id", []
            session.add(ticket)
        await session.flush()
        session.add(TicketMessage(ticket_id=tickets["T2"].id, author="worker",
                                  text=PRIVATE_TICKET_TEXT, created_at=ago(hours=3)))

        leads = ids.leads

        def asked(lead: str, user: str, branch: str, kind: str, lead_status: str,
                  answer: str | None, days: float, status: str = "answered") -> FollowUp:
            return FollowUp(lead_id=leads[lead], user_id=users[user], kind=kind,
                            anchor_at=ago(days=days + 3), branch_code=branch,
                            lead_status=lead_status, status=status, created_at=ago(days=days),
                            answer=answer, answered_at=ago(days=days) if answer else None)

        session.add_all([
            asked("L1", "u1", TIMUR, "contact", "dihubungi", "yes", 4),
            asked("L3", "u3", TIMUR, "contact", "diambil", "no", 1),
            asked("L3", "u3", TIMUR, "contact", "diambil", None, 0.5, status=UNDELIVERED),
            asked("L1", "u1", TIMUR, "satisfaction", "terdaftar", "4", 2),
            asked("L2", "u2", ACEH, "contact", "dihubungi", "no", 1),
        ])
    return {key: ticket.id for key, ticket in tickets.items()}
