"""Siaran on the dashboard: the form with its audience size, the draft and its preview to the
manager's Telegram, the second manager's approval, pause / resume / cancel, progress as the
sender settles waves, and CSRF on every form. Real application, real database; the sender's
side is driven through ``bot.broadcasts`` as the bot process drives it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot import broadcasts
from bot.accounts import Role, create_account
from bot.dashboard.params import SEGMENT_FIELDS
from bot.settings import Settings
from db.engine import Database
from db.models import Broadcast, CampaignMessage
from tests.dashboard.conftest import MANAGER_TELEGRAM, PASSWORD, Clock, csrf_token, login
from tests.dashboard.data import ACEH, NOW, Ids

THRESHOLD = 3  # the seeded campaign has 6 workers: everyone needs a second manager


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, dashboard_secret_key="k" * 40,
                    dashboard_session_hours=12, broadcast_approval_threshold=THRESHOLD,
                    broadcast_rate=2)


def kpis(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-kpi="([a-z_0-9]+)" data-value="([^"]*)"', html))


async def form_token(client: TestClient) -> str:
    return csrf_token(await (await client.get("/siaran/baru")).text())


async def create(client: TestClient, **fields: str) -> int:
    """Creates a draft through the form like a browser; returns its id."""
    data = {"csrf_token": await form_token(client), "teks": "Halo <semua> & selamat",
            "aksi": "buat", **fields}
    response = await client.post("/siaran/baru", data=data, allow_redirects=False)
    assert response.status == 303, await response.text()
    match = re.fullmatch(r"/siaran/(\d+)\?hasil=created", response.headers["Location"])
    assert match
    return int(match[1])


async def act(client: TestClient, broadcast_id: int, verb: str) -> str:
    """Presses one of the detail page's buttons; returns the result code it redirects with."""
    page = await (await client.get(f"/siaran/{broadcast_id}")).text()
    response = await client.post(f"/siaran/{broadcast_id}/{verb}",
                                 data={"csrf_token": csrf_token(page)}, allow_redirects=False)
    assert response.status == 303, (verb, response.status)
    location = response.headers["Location"]
    assert location.startswith(f"/siaran/{broadcast_id}?hasil=")
    return location.split("=", 1)[1]


async def preview_delivered(db: Database, broadcast_id: int) -> None:
    """What the bot process records once the preview reached the manager's Telegram."""
    async with db.transaction() as session:
        await broadcasts.record_preview(session, broadcast_id, NOW)


async def status_of(client: TestClient, broadcast_id: int) -> str:
    return str((await (await client.get(f"/api/siaran/{broadcast_id}")).json())["status"])


def test_the_form_offers_every_field_of_a_segment() -> None:
    assert {field for _name, field in SEGMENT_FIELDS} == set(
        broadcasts.Segment.__dataclass_fields__)


async def test_form_counts_the_audience_and_creates_a_draft(client: TestClient, campaign: Ids,
                                                            db: Database) -> None:
    await login(client, "manajer")
    html = await (await client.get("/siaran/baru")).text()
    assert kpis(html)["audience"] == "6"
    assert "777001" in html  # where the preview goes
    # Checkboxes, not a multiple select (phones): the branch's name beside its box.
    assert ('<input type="checkbox" name="cabang" value="KC-ACEH">Kantor Cabang Banda Aceh'
            in html)
    assert "<select" not in html.split('class="broadcast"')[1]
    token = csrf_token(html)
    counted = await client.post("/siaran/baru", data={
        "csrf_token": token, "aksi": "hitung", "teks": "Draf <b>tebal</b>", "cabang": ACEH,
    })
    assert counted.status == 200
    page = await counted.text()
    assert kpis(page)["audience"] == "1"
    assert "Draf &lt;b&gt;tebal&lt;/b&gt;</textarea>" in page  # kept, escaped
    assert f'<input type="checkbox" name="cabang" value="{ACEH}" checked>' in page
    assert '<details class="choices" data-field="cabang" open>' in page  # unfolded: ticked
    not_yet = await client.post("/siaran/baru", data={
        "csrf_token": token, "aksi": "hitung", "belum_terdaftar": "1"})
    assert kpis(await not_yet.text())["audience"] == "2"  # L2 baru and L3 diambil
    api = await (await client.get("/api/siaran/ukuran?status_lead=none&bahasa=id")).json()
    assert api == {"segment": {**{f: [] for _n, f in SEGMENT_FIELDS},
                               "lead_statuses": ["none"], "languages": ["id"]},
                   "audience_size": 3}

    broadcast_id = await create(client, cabang=ACEH, tombol="Daftar",
                                tautan="https://bpjs.example/daftar")
    async with db.transaction() as session:
        stored = await session.get(Broadcast, broadcast_id)
        assert stored is not None
        assert (stored.created_by, stored.preview_chat_id) == ("akun:manajer", MANAGER_TELEGRAM)
        assert stored.segment["branches"] == [ACEH] and stored.audience_size == 1
        queued = await session.scalar(select(func.count()).select_from(CampaignMessage).where(
            CampaignMessage.kind == broadcasts.OUTBOX_BROADCAST_PREVIEW,
            CampaignMessage.broadcast_id == broadcast_id))
        assert queued == 1
    detail = await (await client.get(f"/siaran/{broadcast_id}?hasil=created")).text()
    assert "Draf disimpan" in detail and 'data-status="draft"' in detail
    assert "Halo &lt;semua&gt; &amp; selamat" in detail and "Kantor Cabang Banda Aceh" in detail
    # Waiting for the preview: the page reloads itself (no script), without the notice.
    assert f'<meta http-equiv="refresh" content="10; url=/siaran/{broadcast_id}">' in detail
    listing = await (await client.get("/siaran")).text()
    assert f'href="/siaran/{broadcast_id}"' in listing and "Draf" in listing


async def test_form_refusals_are_worded_and_keep_the_text(client: TestClient, campaign: Ids,
                                                          db: Database) -> None:
    await login(client, "manajer")
    token = await form_token(client)
    for fields, message in (
        ({"teks": "   "}, "Tulis pesannya dulu."),
        ({"teks": "x" * 3501}, "maksimal 3.500 karakter"),
        ({"teks": "Halo", "tombol": "Daftar"}, "Tombol perlu label dan tautannya."),
        ({"teks": "Halo", "tombol": "Daftar", "tautan": "javascript:alert(1)"}, "https://"),
    ):
        response = await client.post("/siaran/baru", data={
            "csrf_token": token, "aksi": "buat", **fields})
        assert response.status == 400, fields
        body = await response.text()
        assert message in body, fields
        assert "javascript:alert(1)" not in body or 'value="javascript:alert(1)"' in body
    for hostile in ({"cabang": "KC-TIDAK-ADA"}, {"bahasa": "fr"}, {"status_lead": "<b>"},
                    {"provinsi": "x" * 500}):
        response = await client.post("/siaran/baru", data={
            "csrf_token": token, "aksi": "hitung", "teks": "Halo", **hostile})
        assert response.status == 400, hostile
    async with db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Broadcast)) == 0


async def test_an_account_without_telegram_id_cannot_create(client: TestClient, campaign: Ids,
                                                            db: Database) -> None:
    async with db.transaction() as uow:
        await create_account(uow, "tanpa.telegram", PASSWORD, Role.MANAGER, None, NOW)
    await login(client, "tanpa.telegram")
    html = await (await client.get("/siaran/baru")).text()
    assert "python -m bot akun telegram tanpa.telegram ID" in html
    assert re.search(r'<button[^>]*value="buat" disabled>', html)
    response = await client.post("/siaran/baru", data={
        "csrf_token": csrf_token(html), "aksi": "buat", "teks": "Halo"})
    assert response.status == 400
    async with db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Broadcast)) == 0


async def test_a_large_audience_needs_a_second_different_manager(
        client: TestClient, campaign: Ids, db: Database) -> None:
    await login(client, "manajer")
    broadcast_id = await create(client)  # everyone: 6 workers, above the threshold of 3
    assert await act(client, broadcast_id, "kirim") == "preview_pending"
    await preview_delivered(db, broadcast_id)
    page = await (await client.get(f"/siaran/{broadcast_id}")).text()
    assert "manajer kedua" in page and 'http-equiv="refresh"' not in page
    assert await act(client, broadcast_id, "kirim") == "awaiting_approval"
    # The creator (and requester) cannot approve it.
    assert await act(client, broadcast_id, "setujui") == "same_person"
    assert await status_of(client, broadcast_id) == "awaiting_approval"
    refused = await (await client.get(f"/siaran/{broadcast_id}?hasil=same_person")).text()
    assert "Persetujuan kedua harus dari manajer lain." in refused

    # Nor can a branch account, even with a valid session token.
    await client.post("/logout", data={"csrf_token": csrf_token(refused)})
    await login(client, "timur")
    branch_page = await (await client.get("/tiket")).text()
    for verb in ("setujui", "kirim", "jeda", "batal"):
        response = await client.post(f"/siaran/{broadcast_id}/{verb}",
                                     data={"csrf_token": csrf_token(branch_page)},
                                     allow_redirects=False)
        assert response.status == 403, verb
    await client.post("/logout", data={"csrf_token": csrf_token(branch_page)})

    await login(client, "manajer2")
    assert await act(client, broadcast_id, "setujui") == "sending"
    progress = await (await client.get(f"/api/siaran/{broadcast_id}")).json()
    assert progress["status"] == "sending" and progress["approved_by"] == "akun:manajer2"
    assert progress["requested_by"] == "akun:manajer" and "preview_chat_id" not in progress
    assert progress["progress"]["recipients"] == 6 and progress["progress"]["remaining"] == 6
    assert progress["progress"]["eta_seconds"] == 3  # 6 at BROADCAST_RATE 2 a second

    # The sender settles a wave of three: one delivered, one failed, one blocked the bot.
    async with db.transaction() as uow:
        wave = await broadcasts.claim_wave(uow, broadcast_id=broadcast_id, holder="test", size=3,
                                           now=NOW)
    outcomes = [broadcasts.Outcome.SENT, broadcasts.Outcome.FAILED, broadcasts.Outcome.BLOCKED]
    async with db.transaction() as uow:
        await broadcasts.record_wave(uow, broadcast_id=broadcast_id, holder="test", now=NOW,
                                     results=[(d.user_id, o, None if o == outcomes[0] else "x")
                                              for d, o in zip(wave, outcomes, strict=True)])
    page = await (await client.get(f"/siaran/{broadcast_id}")).text()
    shown = kpis(page)
    assert (shown["sent"], shown["failed"], shown["blocked"], shown["remaining"]) == (
        "1", "1", "1", "3")
    assert shown["eta"] == "2"
    assert f'<meta http-equiv="refresh" content="10; url=/siaran/{broadcast_id}">' in page
    assert f'action="/siaran/{broadcast_id}/jeda"' in page
    listing = await (await client.get("/api/siaran")).json()
    assert listing["approval_threshold"] == THRESHOLD
    assert listing["broadcasts"][0]["progress"]["sent"] == 1

    assert await act(client, broadcast_id, "jeda") == "paused"
    paused = await (await client.get(f"/siaran/{broadcast_id}")).text()
    assert kpis(paused)["eta"] == "" and 'http-equiv="refresh"' not in paused
    assert await act(client, broadcast_id, "jeda") == "wrong_status"
    assert await act(client, broadcast_id, "lanjut") == "resumed"
    assert await act(client, broadcast_id, "batal") == "cancelled"
    assert await status_of(client, broadcast_id) == "cancelled"
    assert await act(client, broadcast_id, "lanjut") == "wrong_status"
    done = await (await client.get(f"/siaran/{broadcast_id}")).text()
    assert "/batal" not in done and "Dibatalkan" in done


async def test_a_preview_that_could_not_be_delivered(client: TestClient, campaign: Ids,
                                                     db: Database) -> None:
    await login(client, "manajer")
    broadcast_id = await create(client)
    async with db.transaction() as session:  # as the bot records a refused preview
        await broadcasts.record_preview(session, broadcast_id, NOW, "Forbidden: bot was blocked")
    page = await (await client.get(f"/siaran/{broadcast_id}")).text()
    assert "Pratinjau tidak dapat dikirim" in page and "bot was blocked" in page
    assert f'action="/siaran/{broadcast_id}/kirim"' not in page
    assert 'http-equiv="refresh"' not in page  # nothing more will happen by itself


async def test_a_small_audience_is_sent_at_once(client: TestClient, campaign: Ids,
                                                db: Database) -> None:
    await login(client, "manajer")
    broadcast_id = await create(client, cabang=ACEH)
    await preview_delivered(db, broadcast_id)
    assert await act(client, broadcast_id, "kirim") == "sending"
    data = await (await client.get(f"/api/siaran/{broadcast_id}")).json()
    assert data["approved_by"] == "akun:manajer" and data["progress"]["recipients"] == 1
    assert not data["needs_second_approval"]


async def test_every_new_form_refuses_a_post_without_its_token(
        client: TestClient, campaign: Ids, db: Database) -> None:
    await login(client, "manajer")
    broadcast_id = await create(client)
    await preview_delivered(db, broadcast_id)
    page = await (await client.get(f"/siaran/{broadcast_id}")).text()
    token = csrf_token(page)
    paths = ["/siaran/baru"] + [f"/siaran/{broadcast_id}/{verb}"
                                for verb in ("kirim", "setujui", "jeda", "lanjut", "batal")]
    for path in paths:
        for data, headers in (({}, {}), ({"csrf_token": "palsu"}, {}),
                              ({"csrf_token": token}, {"Origin": "https://jahat.example"})):
            response = await client.post(path, data={"teks": "Halo", "aksi": "buat", **data},
                                         headers=headers, allow_redirects=False)
            assert response.status == 403, (path, data, headers)
    assert await status_of(client, broadcast_id) == "draft"
    async with db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Broadcast)) == 1


async def test_broadcast_ids_outside_the_route(client: TestClient, campaign: Ids) -> None:
    await login(client, "manajer")
    for path in ("/siaran/99", "/siaran/abc", "/siaran/1234567890", "/siaran/-1",
                 "/siaran/١٢", "/api/siaran/99"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 404, path
    assert (await (await client.get("/api/siaran/99")).json())["error"] == "not_found"
    token = await form_token(client)
    response = await client.post("/siaran/99/kirim", data={"csrf_token": token},
                                 allow_redirects=False)
    assert response.status == 404
    assert (await client.get("/siaran/1?hasil=<script>")).status in (400, 404)


# --- schedules, quiet hours and the segment in words (issue #15) ----------------------------


async def test_a_broadcast_scheduled_from_the_form(client: TestClient, campaign: Ids,
                                                   db: Database) -> None:
    await login(client, "manajer")
    html = await (await client.get("/siaran/baru")).text()
    assert '<input type="datetime-local" name="jadwal" value="" step="60">' in html
    assert "WIB, Asia/Jakarta" in html and "Jam tenang: 21:00–07:00 WIB" in html
    token = csrf_token(html)

    async def post(**fields: str) -> tuple[int, str, str]:
        response = await client.post("/siaran/baru", allow_redirects=False, data={
            "csrf_token": token, "aksi": "buat", "teks": "Halo", "cabang": ACEH, **fields})
        return response.status, response.headers.get("Location", ""), await response.text()

    # NOW is 12:00 WIB on 20 November. 22:00 the same day is inside the quiet hours.
    status, _location, page = await post(jadwal="2026-11-20T22:00")
    assert status == 400
    assert "di jam tenang (21:00–07:00 WIB)" in page and 'role="alert"' in page
    assert 'name="jadwal" value="2026-11-20T22:00"' in page  # kept for the next try
    status, _location, page = await post(jadwal="2026-11-20T11:00")
    assert status == 400 and "sudah lewat" in page
    status, _location, page = await post(jadwal="besok pagi")
    assert status == 400 and "2026-12-24 09:00" in page
    async with db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Broadcast)) == 0

    # Forced, the night-time schedule is taken; a morning one needs no force.
    status, location, _page = await post(jadwal="2026-11-20T22:00", paksa="1")
    assert status == 303
    forced_id = int(location.split("/siaran/")[1].split("?")[0])
    status, location, _page = await post(jadwal="2026-11-21T09:00")
    assert status == 303
    broadcast_id = int(location.split("/siaran/")[1].split("?")[0])
    async with db.transaction() as session:
        forced, scheduled = (await session.get(Broadcast, forced_id),
                             await session.get(Broadcast, broadcast_id))
        assert forced is not None and scheduled is not None
        assert forced.ignore_quiet_hours and not scheduled.ignore_quiet_hours
        assert scheduled.scheduled_at is not None
        assert scheduled.scheduled_at.isoformat() == "2026-11-21T02:00:00+00:00"  # 09:00 WIB

    page = await (await client.get(f"/siaran/{broadcast_id}")).text()
    assert 'data-scheduled-at="2026-11-21T02:00:00+00:00"' in page
    assert "Dijadwalkan pada 21 Nov 2026 09:00 WIB (Asia/Jakarta)." in page
    forced_page = await (await client.get(f"/siaran/{forced_id}")).text()
    assert "Dipaksa: tetap dikirim di jam tenang." in forced_page

    await preview_delivered(db, broadcast_id)
    assert await act(client, broadcast_id, "kirim") == "scheduled"
    page = await (await client.get(f"/siaran/{broadcast_id}")).text()
    assert 'data-status="scheduled"' in page and "Terjadwal" in page
    data = await (await client.get(f"/api/siaran/{broadcast_id}")).json()
    assert data["status"] == "scheduled" and data["progress"]["recipients"] == 0
    listing = await (await client.get("/siaran")).text()
    assert "Terjadwal<br><small>pada 21 Nov 2026 09:00 WIB</small>" in listing


async def test_a_sending_broadcast_is_held_in_quiet_hours(client: TestClient, campaign: Ids,
                                                          db: Database, clock: Clock) -> None:
    await login(client, "manajer")
    broadcast_id = await create(client, cabang=ACEH)
    await preview_delivered(db, broadcast_id)
    clock.now = NOW + timedelta(hours=10)  # 22:00 WIB
    assert await act(client, broadcast_id, "kirim") == "sending"
    page = await (await client.get(f"/siaran/{broadcast_id}")).text()
    assert ("Ditahan jam tenang (21:00–07:00 WIB): pengiriman dilanjutkan pada "
            "21 Nov 2026 07:00 WIB.") in page
    data = await (await client.get(f"/api/siaran/{broadcast_id}")).json()
    assert data["held_until"] == "2026-11-21T07:00:00+07:00"
    clock.now = NOW + timedelta(days=1)  # 12:00 WIB the next day
    page = await (await client.get(f"/siaran/{broadcast_id}")).text()
    assert "Ditahan jam tenang" not in page


async def test_the_segment_in_words(client: TestClient, campaign: Ids) -> None:
    await login(client, "manajer")
    broadcast_id = await create(client, provinsi="ID-JI", pekerjaan="ojek_driver")
    words = "Provinsi: Jawa Timur; Pekerjaan: Ojek / ojol / kurir"
    page = await (await client.get(f"/siaran/{broadcast_id}")).text()
    assert f'<p class="segment-text">{words}</p>' in page
    listing = await (await client.get("/siaran")).text()
    assert f'<span class="segment-text">{words}</span>' in listing
    assert "ID-JI" not in listing.split("<table")[1] and "ojek_driver" not in listing
    everyone = await create(client)
    page = await (await client.get(f"/siaran/{everyone}")).text()
    assert '<p class="segment-text">semua pekerja</p>' in page
