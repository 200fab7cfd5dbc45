"""Login, sessions, CSRF, rate limiting and headers, through aiohttp's test client."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient

from bot.accounts import count_sessions
from db.engine import Database
from tests.dashboard.conftest import PASSWORD, Clock, csrf_token, login
from tests.dashboard.data import Ids

PROTECTED = ["/ringkasan", "/tren", "/topik", "/tak-terjawab", "/leads", "/leads.csv",
             "/sumber", "/tiket", "/tindak-lanjut", "/siaran", "/siaran/baru", "/siaran/1",
             "/api/ringkasan", "/api/tren", "/api/topik", "/api/tak-terjawab", "/api/leads",
             "/api/sumber", "/api/tiket", "/api/tindak-lanjut", "/api/siaran",
             "/api/siaran/ukuran", "/api/siaran/1"]


@pytest.mark.parametrize("path", [p for p in PROTECTED if p.startswith("/api/")] + ["/leads.csv"])
async def test_api_without_a_session_is_401_and_no_data(client: TestClient, campaign: Ids,
                                                        path: str) -> None:
    response = await client.get(path)
    assert response.status == 401
    body = await response.json()
    assert body["error"] == "login_required"
    assert "users" not in body and "funnel" not in body


@pytest.mark.parametrize("path", [p for p in PROTECTED if not p.startswith("/api/")
                                  and not p.endswith(".csv")])
async def test_pages_without_a_session_redirect_to_login(client: TestClient, campaign: Ids,
                                                         path: str) -> None:
    response = await client.get(path, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/login"


async def test_a_forged_session_cookie_is_refused(client: TestClient, campaign: Ids) -> None:
    client.session.cookie_jar.update_cookies({"bc_session": "made-up-token"})
    assert (await client.get("/api/ringkasan")).status == 401


async def test_login_sets_a_safe_session_cookie(client: TestClient, campaign: Ids) -> None:
    form = await client.get("/login")
    assert 'name="csrf_token"' in await form.text()
    token = csrf_token(await form.text())
    response = await client.post(
        "/login", data={"username": "manajer", "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
    )
    assert response.status == 303 and response.headers["Location"] == "/ringkasan"
    cookie = next(c for c in response.headers.getall("Set-Cookie") if c.startswith("bc_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Max-Age" not in cookie  # ends with the browser; the server ends it in any case
    data = await (await client.get("/api/ringkasan")).json()
    assert data["users"] == 6


async def test_secure_cookie_behind_https_proxy(client: TestClient, campaign: Ids) -> None:
    form = await client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in form.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in form.headers


async def test_login_is_case_insensitive_for_the_username(client: TestClient,
                                                           campaign: Ids) -> None:
    assert await login(client, " Manajer ") == 303


async def test_same_answer_for_unknown_user_and_wrong_password(client: TestClient,
                                                                campaign: Ids) -> None:
    answers = []
    for username, password in (("manajer", "wrong-password"), ("nobody", "wrong-password")):
        form = await client.get("/login")
        began = time.perf_counter()
        response = await client.post("/login", data={
            "username": username, "password": password,
            "csrf_token": csrf_token(await form.text())})
        elapsed = time.perf_counter() - began
        text = await response.text()
        answers.append((response.status, "Nama pengguna atau kata sandi salah." in text, elapsed))
    (status_a, message_a, time_a), (status_b, message_b, time_b) = answers
    assert status_a == status_b == 401
    assert message_a and message_b
    # Both run one scrypt check: neither answer is several times faster than the other.
    assert 0.33 < time_a / time_b < 3


async def test_login_without_csrf_token_is_refused(client: TestClient, campaign: Ids) -> None:
    await client.get("/login")  # the login cookie alone is not enough
    response = await client.post("/login", data={"username": "manajer", "password": PASSWORD})
    assert response.status == 403
    assert 'name="csrf_token"' in await response.text()  # a fresh form to try again
    assert (await client.get("/api/ringkasan")).status == 401


async def test_login_token_from_another_browser_is_refused(client: TestClient,
                                                           campaign: Ids) -> None:
    token = csrf_token(await (await client.get("/login")).text())
    client.session.cookie_jar.clear()
    response = await client.post(
        "/login", data={"username": "manajer", "password": PASSWORD, "csrf_token": token})
    assert response.status == 403


async def test_cross_site_form_is_refused(client: TestClient, campaign: Ids) -> None:
    token = csrf_token(await (await client.get("/login")).text())
    response = await client.post(
        "/login", data={"username": "manajer", "password": PASSWORD, "csrf_token": token},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status == 403


async def test_logout_needs_the_session_token_and_ends_the_session(
    client: TestClient, db: Database, campaign: Ids
) -> None:
    assert await login(client, "manajer") == 303
    page = await (await client.get("/ringkasan")).text()
    assert (await client.post("/logout", data={"csrf_token": "wrong"})).status == 403
    assert (await client.get("/api/ringkasan")).status == 200
    stolen = client.session.cookie_jar.filter_cookies(client.make_url("/"))["bc_session"].value
    response = await client.post("/logout", data={"csrf_token": csrf_token(page)},
                                 allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/login"
    assert (await client.get("/api/ringkasan")).status == 401
    # The old cookie is dead on the server too, not only deleted in this browser.
    client.session.cookie_jar.update_cookies({"bc_session": stolen})
    assert (await client.get("/api/ringkasan")).status == 401
    async with db.transaction() as uow:
        assert await count_sessions(uow, "manajer") == 0


async def test_session_expires(client: TestClient, clock: Clock, campaign: Ids) -> None:
    assert await login(client, "manajer") == 303
    clock.now += timedelta(hours=11, minutes=59)
    assert (await client.get("/api/ringkasan")).status == 200
    clock.now += timedelta(minutes=2)
    assert (await client.get("/api/ringkasan")).status == 401
    assert (await client.get("/ringkasan", allow_redirects=False)).status == 303


async def test_failed_logins_are_rate_limited(client: TestClient, campaign: Ids) -> None:
    for _ in range(5):
        assert await login(client, "manajer", "wrong-password") == 401
    # Even the right password is refused while limited, and the answer says so.
    form = await client.get("/login")
    response = await client.post("/login", data={
        "username": "manajer", "password": PASSWORD, "csrf_token": csrf_token(await form.text())})
    assert response.status == 429
    assert "Terlalu banyak percobaan" in await response.text()
    # The same for a username that does not exist: limiting reveals nothing.
    for _ in range(5):
        await login(client, "nobody", "wrong-password")
    assert await login(client, "nobody", "wrong-password") == 429
    # Other accounts are not locked out by it.
    assert await login(client, "timur") == 303


async def test_security_headers_on_every_response(client: TestClient, campaign: Ids) -> None:
    await login(client, "manajer")
    for path in ("/login", "/ringkasan", "/api/ringkasan", "/no-such-page",
                 "/static/dashboard.css"):
        response = await client.get(path)
        headers = response.headers
        assert "script-src" not in headers["Content-Security-Policy"]  # default-src 'none'
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
    assert (await client.get("/ringkasan")).headers["Cache-Control"] == "no-store"


async def test_pages_have_no_inline_script_or_style(client: TestClient, campaign: Ids) -> None:
    await login(client, "manajer")
    for path in ("/login", "/ringkasan", "/tren", "/topik", "/tak-terjawab", "/leads"):
        html = await (await client.get(path)).text()
        assert "<script" not in html and " style=" not in html and "<style" not in html
        assert len(html.encode()) < 60_000, path  # small enough for a phone on 3G


async def test_errors_are_json_for_the_api_and_pages_otherwise(client: TestClient,
                                                               campaign: Ids) -> None:
    await login(client, "manajer")
    response = await client.get("/api/tren?periode=12")
    assert response.status == 400
    assert (await response.json())["error"] == "bad_request"
    page = await client.get("/tren?dari=kemarin")
    assert page.status == 400 and "text/html" in page.headers["Content-Type"]
    assert (await client.get("/tidak-ada")).status == 404
