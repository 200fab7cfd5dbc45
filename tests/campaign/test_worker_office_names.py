"""What a worker reads about their branch after registering, on the real database: the follow-up
question and the staff hand-off name a sourced branch (Lamongan) but never a derived placeholder
(Muna Barat is served by "Kantor Cabang Batauga", which does not exist)."""

from __future__ import annotations

from sqlalchemy import select

from bot import followup
from bot.leads import StaffAction
from db.engine import Database
from db.models import FollowUp
from tests.campaign.helpers import NOW, SETTINGS, lead_of, register
from tests.campaign.test_followup import DAY, act
from tests.campaign.test_handoff import submit


async def question_branch(db: Database, telegram_id: int, place: str) -> tuple[str, int, str]:
    """The branch as the follow-up question names it, the worker's user id, the lead's branch."""
    lead_id = await register(db, telegram_id, place=place)
    await act(db, lead_id, StaffAction.CLAIM)
    async with db.transaction() as uow:
        await followup.queue_due_followups(uow, SETTINGS, NOW + 4 * DAY)
    async with db.transaction() as session:
        asked = (await session.execute(
            select(FollowUp).where(FollowUp.lead_id == lead_id))).scalar_one()
        question = await followup.question(session, asked.id)
    assert question is not None
    lead = await lead_of(db, lead_id)
    assert lead.user_id is not None
    return question.branch_name, lead.user_id, lead.branch_code


async def test_derived_branch_is_read_by_the_area_it_serves(db: Database) -> None:
    name, user, branch = await question_branch(db, 6201, "Muna Barat")
    assert branch == "KC-BATAUGA"  # staff still work it under the internal code
    assert name == "kantor BPJS Ketenagakerjaan yang melayani Kabupaten Muna Barat"
    receipt = await submit(db, user, "Kapan saya ditelepon?")
    assert receipt.branch_name is None  # "petugas BPJS Ketenagakerjaan", no branch named


async def test_sourced_branch_is_named(db: Database) -> None:
    name, user, _branch = await question_branch(db, 6202, "Lamongan")
    assert name == "Kantor Cabang Lamongan"
    assert (await submit(db, user, "Kapan saya ditelepon?")).branch_name == (
        "Kantor Cabang Lamongan")

