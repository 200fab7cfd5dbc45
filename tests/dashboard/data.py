"""A small campaign with known figures, written straight into the database.

NOW is 2026-11-20 05:00 UTC (12:00 WIB). Two branches: KC-TIMUR (Jawa Timur) and KC-ACEH
(Aceh). Six workers, three leads:

  worker  first seen  last seen  did                                        lead
  u1      -40 d       -1 d       3 questions, calculator twice, registration L1 KC-TIMUR terdaftar
  u2      -10 d       -5 d       1 question, calculator, registration        L2 KC-ACEH baru, late
  u3      -3 d        -2 h       2 questions (1 unanswered), registration    L3 KC-TIMUR diambil
  u4      -20 d       -20 d      nothing after first contact
  u5      -1 d        -1 d       nothing after first contact
  u6      -60 d       -59 d      nothing after first contact
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from db.engine import Database
from db.models import Branch, Event, Lead, Regency, UnansweredQuestion, User

NOW = datetime(2026, 11, 20, 5, 0, tzinfo=UTC)
TIMUR, ACEH = "KC-TIMUR", "KC-ACEH"
INJECTION = '=HYPERLINK("http://example.invalid","klik")'


@dataclass(frozen=True)
class Ids:
    users: dict[str, int]
    leads: dict[str, int]


async def seed(db: Database, now: datetime = NOW) -> Ids:
    """The campaign above, its times counted back from ``now``."""

    def ago(**delta: float) -> datetime:
        return now - timedelta(**delta)

    async with db.transaction() as session:
        session.add_all([
            Branch(code=TIMUR, name="Kantor Cabang Surabaya Timur", lat=-7.25, lon=112.75,
                   province_code="ID-JI"),
            Branch(code=ACEH, name="Kantor Cabang Banda Aceh", lat=5.55, lon=95.32,
                   province_code="ID-AC"),
        ])
        await session.flush()
        session.add_all([
            Regency(code="kota-surabaya", name="Kota Surabaya", kind="kota",
                    province_code="ID-JI", province_name="Jawa Timur", lat=-7.25, lon=112.75,
                    branch_code=TIMUR),
            Regency(code="kota-banda-aceh", name="Kota Banda Aceh", kind="kota",
                    province_code="ID-AC", province_name="Aceh", lat=5.55, lon=95.32,
                    branch_code=ACEH),
        ])
        seen = {
            "u1": (ago(days=40), ago(days=1)), "u2": (ago(days=10), ago(days=5)),
            "u3": (ago(days=3), ago(hours=2)), "u4": (ago(days=20), ago(days=20)),
            "u5": (ago(days=1), ago(days=1)), "u6": (ago(days=60), ago(days=59)),
        }
        users = {}
        for n, (key, (first, last)) in enumerate(seen.items()):
            user = User(telegram_id=900_000 + n, language="id", first_seen=first, last_seen=last)
            session.add(user)
            await session.flush()
            users[key] = user.id
            session.add(_event("first_contact", user.id, first))

        def add(kind: str, who: str, at: datetime, **extra: Any) -> None:
            session.add(_event(kind, users[who], at, **extra))

        add("question", "u1", ago(days=30), topic="iuran")
        add("question", "u1", ago(days=6), topic="iuran")
        add("question", "u1", ago(days=5, hours=1), topic="klaim")
        add("question", "u2", ago(days=9), topic="iuran")
        add("question", "u3", ago(days=2), topic="manfaat_jkk")
        add("question", "u3", ago(hours=3), topic="di_luar_topik")
        add("unanswered", "u3", ago(hours=3), topic="di_luar_topik")
        add("calculator", "u1", ago(days=6))
        add("calculator", "u1", ago(days=5, hours=2))
        add("calculator", "u2", ago(days=8))
        for who, at in (("u1", ago(days=5, hours=1)), ("u2", ago(days=2, hours=1)),
                        ("u3", ago(hours=4))):
            add("registration_started", who, at)

        leads = {
            "L1": Lead(user_id=users["u1"], status="terdaftar", occupation="ojek_driver",
                       branch_code=TIMUR, province_code="ID-JI", regency_code="kota-surabaya",
                       created_at=ago(days=5), claimed_at=ago(days=5) + timedelta(hours=2),
                       contacted_at=ago(days=5) + timedelta(hours=6),
                       closed_at=ago(days=4)),
            "L2": Lead(user_id=users["u2"], status="baru", occupation="lainnya",
                       occupation_other=INJECTION, branch_code=ACEH, province_code="ID-AC",
                       regency_code="kota-banda-aceh", created_at=ago(days=2)),
            "L3": Lead(user_id=users["u3"], status="diambil", occupation="pedagang",
                       branch_code=TIMUR, province_code="ID-JI", regency_code="kota-surabaya",
                       created_at=ago(hours=3), claimed_at=ago(hours=2)),
        }
        for lead in leads.values():
            lead.name, lead.phone, lead.contact_time = "Pekerja Uji", "+6281234567890", "pagi"
            lead.updated_at = lead.created_at
            lead.last_announced_at = lead.created_at
            lead.reminders_sent = 0
            session.add(lead)
        await session.flush()
        for lead in leads.values():
            session.add(_event("registration_completed", lead.user_id, lead.created_at,
                               branch_code=lead.branch_code))

        for who, text, at in (("u3", "berapa iuran untuk ojol?", ago(hours=3)),
                              ("u1", "iuran ojol berapa ya", ago(days=6)),
                              ("u2", "kapan bansos cair", ago(days=9))):
            session.add(UnansweredQuestion(user_id=users[who], text=text, normalized=text,
                                           best_topic="iuran", confidence=0.3, created_at=at))
    return Ids(users, {key: lead.id for key, lead in leads.items()})


def _event(kind: str, user_id: int | None, at: datetime, **extra: Any) -> Event:
    return Event(kind=kind, user_id=user_id, created_at=at, language="id", **extra)


# What the dashboard must show for this campaign.
EXPECTED_SUMMARY = {
    "users": 6, "active_7d": 4, "active_30d": 5, "questions": 6, "unanswered": 1, "leads": 3,
}
EXPECTED_FUNNEL = [6, 3, 2, 3, 3, 2, 1, 1]
EXPECTED_TIMUR_SUMMARY = {
    "users": 2, "active_7d": 2, "active_30d": 2, "questions": 5, "unanswered": 1, "leads": 2,
}
EXPECTED_TIMUR_FUNNEL = [2, 2, 1, 2, 2, 2, 1, 1]
