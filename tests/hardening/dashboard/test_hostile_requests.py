"""The dashboard under hostile requests (tests/dashboard covers the login, sessions, headers and
branch scope as designed): odd query values on every route answer 400 or a page, never a 500;
no page links to anyone's name or number; a hostile username is echoed escaped; unexpected
methods and paths are refused; a branch account cannot widen its view through the URL; odd
form values and broadcast ids are refused the same way.

The routes come from the application's own table (``bot.dashboard.app.ROUTES``), so a new page
is swept without anyone remembering to add it here."""

from __future__ import annotations

import asyncio
import re

import pytest
from aiohttp.test_utils import TestClient

from bot.dashboard.app import ROUTES
from bot.dashboard.middlewares import PUBLIC_ROUTES
from tests.dashboard.conftest import csrf_token, login
from tests.dashboard.data import ACEH, Ids

# Every GET route behind the login without a path parameter (a broadcast's id is swept below).
GET_ROUTES = [path for method, path, _handler, name in ROUTES
              if method == "GET" and name not in PUBLIC_ROUTES and "{" not in path]
# Pages and their API share the parsers: the pages stand for both here.
HOSTILE_ROUTES = [path for path in GET_ROUTES if not path.startswith("/api/") and path != "/"]
PARAMS = ["periode", "dari", "sampai", "provinsi", "cabang", "status", "terlambat", "lang",
          "atribusi", "hasil", "pekerjaan", "bahasa", "sumber", "status_lead", "belum_terdaftar"]
HOSTILE = ["-1", "99999999999999999999", "'; DROP TABLE leads; --", "<script>x</script>",
           "x" * 3000, "\x00", "%", "2026-02-30", "semua;semua", "١٢", "3650", "²", "semua",
           "0001-01-01", "9999-12-31"]
PERSONAL = ("Pekerja Uji", "81234567890", "6281234567890", "81299998888")


def _status_ok(status: int) -> bool:
    return status in (200, 303, 400)


async def test_hostile_query_values_never_fail(client: TestClient,
                                               campaign_tools: dict[str, int]) -> None:
    await login(client, "manajer")

    async def fetch(route: str, param: str, value: str) -> tuple[str, str, str, int, str]:
        response = await client.get(route, params={param: value}, allow_redirects=False)
        return route, param, value, response.status, await response.text()

    for param in PARAMS:
        results = await asyncio.gather(*(fetch(route, param, value)
                                         for route in HOSTILE_ROUTES for value in HOSTILE))
        for route, _param, value, status, body in results:
            assert _status_ok(status), (route, param, value[:20], status)
            assert "<script>x</script>" not in body, (route, param)


async def _statuses(client: TestClient, routes: list[str], params: dict[str, str]
                    ) -> dict[str, int]:
    await login(client, "manajer")
    return {route: (await client.get(route, params=params, allow_redirects=False)).status
            for route in routes}


async def test_a_period_of_unicode_digits(client: TestClient, campaign: Ids) -> None:
    """'²'.isdigit() is True, but int('²') raises."""
    statuses = await _statuses(client, ["/leads", "/api/leads", "/tren", "/topik"],
                               {"periode": "²"})
    assert set(statuses.values()) == {400}, statuses


async def test_all_time_on_the_trend_and_topics(client: TestClient, campaign: Ids) -> None:
    """The trend and topics need a bounded period: 'semua' is a bad filter there."""
    statuses = await _statuses(client, ["/tren", "/topik", "/api/tren", "/api/topik"],
                               {"periode": "semua"})
    assert set(statuses.values()) <= {200, 400}, statuses


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
async def test_dates_at_the_ends_of_the_calendar(client: TestClient, campaign: Ids,
                                                 day: str) -> None:
    """Day arithmetic next to date.min and date.max must not overflow."""
    statuses = await _statuses(client, ["/leads", "/leads.csv", "/tren", "/topik"],
                               {"dari": day, "sampai": day})
    assert set(statuses.values()) <= {200, 400}, statuses


async def test_no_personal_data_in_any_link(client: TestClient,
                                            campaign_tools: dict[str, int]) -> None:
    await login(client, "manajer")
    form = await (await client.get("/siaran/baru")).text()
    created = await client.post("/siaran/baru", data={
        "csrf_token": csrf_token(form), "aksi": "buat", "teks": "Halo"}, allow_redirects=False)
    assert created.status == 303
    seen: set[str] = set()
    for route in [*GET_ROUTES, created.headers["Location"]]:
        if route.startswith("/api/") or route.endswith(".csv"):
            continue
        response = await client.get(route, params={"periode": "semua"} if route == "/leads"
                                    else {})
        assert response.status == 200, route
        html = await response.text()
        urls = re.findall(r'(?:href|action|src)="([^"]*)"', html)
        seen.update(urls)
    assert seen  # the pages do link somewhere
    for url in seen:
        assert not any(secret in url for secret in PERSONAL), url


async def test_a_hostile_username_is_echoed_escaped(client: TestClient, campaign: Ids) -> None:
    form = await client.get("/login")
    token = csrf_token(await form.text())
    username = '"><script>alert(1)</script>' + "x" * 5000
    response = await client.post("/login", data={
        "username": username, "password": "p" * 5000, "csrf_token": token,
    }, allow_redirects=False)
    assert response.status == 401
    body = await response.text()
    assert "<script>alert(1)" not in body
    # A body far beyond any form is refused before it is read.
    response = await client.post("/login", data={
        "username": "manajer", "password": "p" * 2_000_000, "csrf_token": token,
    }, allow_redirects=False)
    assert response.status == 413


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
async def test_unexpected_methods_are_refused(client: TestClient, campaign: Ids,
                                              method: str) -> None:
    await login(client, "manajer")
    for route in ["/login", "/leads", "/api/leads", "/logout", "/siaran/baru", "/siaran/1",
                  "/siaran/1/kirim", "/api/siaran/1"]:
        response = await client.request(method, route, allow_redirects=False)
        assert response.status in (403, 405), (method, route, response.status)
        assert "X-Frame-Options" in response.headers


async def test_paths_outside_the_routes(client: TestClient, campaign: Ids) -> None:
    for path in ["/static/../../bot/settings.py", "/static/%2e%2e/%2e%2e/.env",
                 "/api/tidak-ada/1", "/leads.csv/../.env", "/.env", "/static/"]:
        response = await client.get(path, allow_redirects=False)
        assert response.status in (303, 403, 404), (path, response.status)
        assert "DATABASE_URL" not in await response.text()
    # A lead's page exists (/leads/ID): without a login its JSON twin is refused.
    refused = await client.get("/api/leads/1", allow_redirects=False)
    assert refused.status in (401, 403), refused.status


async def test_a_branch_account_cannot_widen_its_view(client: TestClient, campaign: Ids) -> None:
    await login(client, "timur")
    for params in ({"cabang": ACEH}, {"provinsi": "ID-AC"}, {"cabang": f"{ACEH},KC-TIMUR"},
                   {"cabang": ""}, {"cabang": "%"}):
        response = await client.get("/api/leads", params={**params, "periode": "semua"})
        if response.status == 400:
            continue
        data = await response.json()
        assert {row["branch_code"] for row in data["latest"]} <= {"KC-TIMUR"}, params
        assert "Banda Aceh" not in str(data), params


async def test_a_branch_account_cannot_widen_its_tickets_or_follow_ups(
        client: TestClient, campaign_tools: dict[str, int]) -> None:
    await login(client, "timur")
    for route in ("/api/tiket", "/api/tindak-lanjut"):
        for params in ({"cabang": ACEH}, {"cabang": ""}, {"cabang": f"{ACEH},KC-TIMUR"},
                       {"status": "open", "cabang": ACEH}, {"cabang": "%"}):
            response = await client.get(route, params={**params, "periode": "semua"})
            if response.status == 400:
                continue
            data = await response.json()
            codes = {s["branch_code"] for s in data["summaries"]}
            codes |= {t["branch_code"] for t in data.get("tickets", [])}
            assert codes <= {"KC-TIMUR"}, (route, params)


FORM_FIELDS = ["teks", "tombol", "tautan", "aksi", "provinsi", "cabang", "pekerjaan", "bahasa",
               "sumber", "status_lead", "belum_terdaftar"]


async def test_hostile_values_in_the_broadcast_form(client: TestClient,
                                                    campaign_tools: dict[str, int]) -> None:
    """Every field of the form, one odd value at a time, both buttons: a page or a 400."""
    await login(client, "manajer")
    token = csrf_token(await (await client.get("/siaran/baru")).text())

    async def post(field: str, value: str, action: str) -> tuple[int, str]:
        data = {"csrf_token": token, "teks": "Halo", "aksi": action, field: value}
        response = await client.post("/siaran/baru", data=data, allow_redirects=False)
        return response.status, await response.text()

    for field in FORM_FIELDS:
        for action in ("hitung", "buat"):
            results = await asyncio.gather(*(post(field, value, action) for value in HOSTILE))
            for value, (status, body) in zip(HOSTILE, results, strict=True):
                assert _status_ok(status), (field, action, value[:20], status)
                assert "<script>x</script>" not in body, (field, value[:20])


@pytest.mark.parametrize("tail", ["", "/kirim", "/setujui", "/batal"])
async def test_hostile_broadcast_ids(client: TestClient, campaign: Ids, tail: str) -> None:
    await login(client, "manajer")
    token = csrf_token(await (await client.get("/siaran")).text())
    for raw in ["0", "-1", "99999999999999999999", "1e3", "%00", "١٢", "1;1", "+1", "%20",
                "<script>x</script>", "2147483648", "999999999"]:
        path = f"/siaran/{raw}{tail}"
        if tail:
            response = await client.post(path, data={"csrf_token": token},
                                         allow_redirects=False)
        else:
            response = await client.get(path, allow_redirects=False)
        # No such broadcast: 404, except that cancelling one redirects to its page (a 404),
        # since bot.broadcasts.cancel answers False for a missing and a finished one alike.
        expected = {404, 405} | ({303} if tail == "/batal" and raw.isascii() else set())
        assert response.status in expected, (path, response.status)
