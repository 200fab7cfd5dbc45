"""The sandbox's demo: a worker in Lamongan and a staff group linked, in the bot's database, to
the branch that serves Lamongan, so that a newcomer's first registration ends as a lead card in
the group on the right of the sandbox page.

``python -m bot sandbox`` calls :func:`prepare_demo` before it starts the bot. The group is
linked the way an admin and a branch do it (a one-time code from :func:`bot.staff.create_link_code`
redeemed by :func:`bot.staff.link_group`, as ``/hubungkan`` does), with fixed Telegram ids so the
link made on the first start still holds after a restart (the sandbox itself keeps nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.routing import load_directory
from bot.staff import LinkOutcome, create_link_code, link_group
from db.engine import UnitOfWork
from db.repositories.branches import BranchRepository

# Where the demo worker lives: the first place the sandbox page offers to share.
DEMO_PLACE = "Lamongan"
DEMO_POINT = (-7.1167, 112.4167)

# Fixed ids, far from the ones the sandbox hands out (100000001 onwards), so that the group
# linked in the database on the first start is the same group after every restart.
DEMO_WORKER_ID = 7_700_000_001
DEMO_WORKER_NAME = "Sari"
DEMO_STAFF_ID = 7_700_000_002
DEMO_STAFF_NAME = "Budi"
DEMO_GROUP_ID = -1_007_700_000_001


@dataclass(frozen=True)
class DemoLink:
    """The demo group as the bot's database sees it."""

    group_id: int
    branch_code: str
    branch_name: str
    newly_linked: bool
    # Lead cards go to a branch's first linked group: another group linked earlier to the same
    # branch (by hand, in this database) receives them instead of the demo group.
    receives_leads: bool
    first_group_id: int


async def link_demo_group(uow: UnitOfWork, now: datetime) -> DemoLink:
    """Link the demo group to the branch serving :data:`DEMO_POINT`, unless it already is."""
    directory = await load_directory(uow)
    branch = directory.nearest_branch(*DEMO_POINT)
    current = await BranchRepository(uow).group(DEMO_GROUP_ID)
    linked = current is not None and current.branch_code == branch.code
    if not linked:
        code = await create_link_code(uow, branch.code, now)
        result = await link_group(
            uow, code=code, chat_id=DEMO_GROUP_ID, by_telegram_id=DEMO_STAFF_ID, now=now
        )
        if result.outcome != LinkOutcome.LINKED:  # a fresh code cannot be used or expired
            raise RuntimeError(f"the demo group could not be linked: {result.outcome}")
    groups = await BranchRepository(uow).groups_of(branch.code)
    first = groups[0].chat_id if groups else DEMO_GROUP_ID
    return DemoLink(
        group_id=DEMO_GROUP_ID,
        branch_code=branch.code,
        branch_name=branch.name,
        newly_linked=not linked,
        receives_leads=first == DEMO_GROUP_ID,
        first_group_id=first,
    )


def group_title(link: DemoLink) -> str:
    return f"{link.branch_name} · Petugas (demo)"


def page_note(link: DemoLink) -> str:
    """What the sandbox page says about the demo group (a developer tool: Indonesian only)."""
    note = (
        f"Grup ini terhubung ke {link.branch_name} ({link.branch_code}), cabang yang melayani "
        f"{DEMO_PLACE}. Daftar sebagai {DEMO_WORKER_NAME} (/daftar) dan kirim lokasi "
        f"{DEMO_PLACE} atau ketik \"{DEMO_PLACE}\": kartu lead muncul di sini."
    )
    if not link.receives_leads:
        note += (
            f" Catatan: grup {link.first_group_id} terhubung lebih dulu ke cabang ini di "
            "database, jadi kartu lead dikirim ke sana."
        )
    return note
