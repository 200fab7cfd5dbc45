"""A derived (provisional) branch is never named to a worker: the bot's replies read "kantor
BPJS Ketenagakerjaan yang melayani Kabupaten X"; a sourced branch keeps its name."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from bot.delivery_health import CardTarget, TargetKind
from bot.geo import load_default_directory
from bot.leads import BranchInfo, Confirmation
from bot.offices import office_name_for_worker
from handlers.office import office_text
from handlers.registration import _confirmation_text


@pytest.mark.parametrize(
    ("regency", "lang", "reads", "never"),
    [
        ("kab-muna-barat", "id",
         "Kantor BPJS Ketenagakerjaan yang melayani Kabupaten Muna Barat", "Batauga"),
        ("kab-bogor", "id", "Kantor BPJS Ketenagakerjaan yang melayani Kabupaten Bogor",
         "Kantor Cabang"),
        ("kab-muna-barat", "en", "The BPJS Ketenagakerjaan office serving Kabupaten Muna Barat",
         "Batauga"),
        ("kab-lamongan", "id", "Kantor Cabang Lamongan", "yang melayani"),
    ],
)
def test_office_reply(regency: str, lang: str, reads: str, never: str) -> None:
    office = load_default_directory().route_regency(regency)
    text = office_text(office, lang, "175")
    assert text.splitlines()[0] == f"🏢 <b>{reads}</b>"
    assert never not in text.splitlines()[0]


def context(lang: str) -> Any:
    services = SimpleNamespace(settings=SimpleNamespace(lead_escalation_hours=48),
                               call_center="175")
    return SimpleNamespace(lang=lang, services=services)


GROUP = CardTarget(TargetKind.BRANCH_GROUP, -100123)  # the card reaches a staff group


def test_confirmation_names_only_a_verified_branch() -> None:
    derived = Confirmation(1, False, BranchInfo("KC-BATAUGA", "Kantor Cabang Batauga", "", "",
                                                True), GROUP, area="Kabupaten Muna Barat")
    text = _confirmation_text(derived, context("id"))
    assert "<b>Kantor BPJS Ketenagakerjaan yang melayani Kabupaten Muna Barat</b> akan" in text
    assert "Batauga" not in text
    sourced = Confirmation(2, False, BranchInfo("KC-LAMONGAN", "Kantor Cabang Lamongan", "", "",
                                                False), GROUP, area="Kabupaten Lamongan")
    assert "<b>Kantor Cabang Lamongan</b>" in _confirmation_text(sourced, context("id"))


def test_without_an_area_the_worker_reads_their_area() -> None:
    assert office_name_for_worker("Kantor Cabang Batauga", True, "", "id") == (
        "kantor BPJS Ketenagakerjaan yang melayani wilayah Anda")
    assert office_name_for_worker("Kantor Cabang Batauga", True, "Kota Baubau", "id") == (
        "kantor BPJS Ketenagakerjaan yang melayani Kota Baubau")
