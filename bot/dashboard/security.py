"""Cookies, the login form's CSRF token, and the response headers every page gets."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from aiohttp import web

SESSION_COOKIE = "bc_session"
LOGIN_COOKIE = "bc_login"
LANG_COOKIE = "bc_lang"
LOGIN_TOKEN_SECONDS = 2 * 60 * 60
CSRF_FIELD = "csrf_token"

# No script may run at all; styles and images only from this origin; forms only post here;
# no framing (clickjacking). Inline <svg> charts need nothing more.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # Not no-referrer: with it, browsers send "Origin: null" on our own form posts, and the
    # origin check below could no longer tell them from forged ones.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def is_https(request: web.Request) -> bool:
    """Behind a TLS-terminating proxy the request arrives over http with this header. Trusting
    it only ever adds the Secure flag to our own cookies, so a forged header gains nothing."""
    return request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"


def set_cookie(
    response: web.StreamResponse, request: web.Request, name: str, value: str, *,
    path: str = "/", max_age: int | None = None, same_site: str = "Lax",
) -> None:
    response.set_cookie(
        name, value, path=path, max_age=max_age, httponly=True, samesite=same_site,
        secure=is_https(request),
    )


def new_login_token(key: bytes) -> tuple[str, str]:
    """(form token, cookie value): the cookie binds the token to this browser, signed and
    dated so that it cannot be forged or reused after :data:`LOGIN_TOKEN_SECONDS`."""
    token = secrets.token_urlsafe(24)
    issued = str(int(time.time()))
    return token, f"{token}.{issued}.{_sign(key, token, issued)}"


def login_token_valid(key: bytes, form_token: str, cookie: str) -> bool:
    try:
        token, issued, signature = cookie.split(".")
        age = time.time() - int(issued)
    except ValueError:
        return False
    return (
        0 <= age <= LOGIN_TOKEN_SECONDS
        and hmac.compare_digest(signature, _sign(key, token, issued))
        and hmac.compare_digest(token.encode(), form_token.encode())
    )


def _sign(key: bytes, token: str, issued: str) -> str:
    return hmac.new(key, f"login|{token}|{issued}".encode(), hashlib.sha256).hexdigest()


def same_origin(request: web.Request) -> bool:
    """False when the browser says the form came from another site (Origin or Referer)."""
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if not origin or origin == "null":
        # Scripts and old browsers send neither; the token check still applies.
        return origin != "null"
    host = origin.split("://", 1)[-1].split("/", 1)[0]
    return host == request.host
