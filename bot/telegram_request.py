"""python-telegram-bot's HTTP layer on aiohttp instead of httpx.

Every update costs the bot one or two Bot API calls, and with httpx (python-telegram-bot's
default, with httpcore and anyio beneath it) a call costs about three times the CPU it costs
with aiohttp, which this project already uses for its web servers: 2.4 against 0.8 ms per
sendMessage on the benchmark machine (``benchmarks/README.md``). python-telegram-bot supports
other HTTP clients through :class:`telegram.request.BaseRequest`; this is one.

Timeouts keep python-telegram-bot's meaning: ``read`` bounds the wait for the answer (a long
poll's included), ``connect`` the TCP connect, ``pool`` the wait for a free connection. aiohttp
has no write timeout; an upload is bounded as a whole instead (``media_write_timeout`` plus the
read timeout). Errors are python-telegram-bot's: :class:`TimedOut` and :class:`NetworkError`,
raised from the aiohttp error, so ``bot.outbox.tracking.maybe_delivered`` can tell a request
that never left (no connection) from one whose answer was lost.

Retries (``attempts``, the bot's sends use 3): a request that Telegram refused with a 5xx
(a 502 from its nginx when a backend hiccups) or that never reached it (no connection) is
tried again after a short backoff, so a worker's question is not met with silence after one
bad gateway. Neither was carried out, so a retry cannot duplicate a message. A request whose
outcome is unknown (the answer timed out, the connection dropped after the request went out)
is never retried here: it may have been delivered, and the caller decides (the outboxes send
it again marked as a possible repeat; a handler's reply is not repeated, see
``handlers.errors``). The long poll keeps one attempt: python-telegram-bot's updater retries it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)

# Waits before the second and third tries of a refused request (seconds).
RETRY_DELAYS = (0.5, 1.5)


class _NotSent(Exception):
    """A try that Telegram refused (5xx) or never got (no connection): safe to repeat."""

    def __init__(
        self,
        reason: str,
        *,
        error: NetworkError | None = None,
        answer: tuple[int, bytes] = (0, b""),
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.error = error  # raised after the last try (no connection)
        self.answer = answer  # returned after the last try (a 5xx: python-telegram-bot reads it)


class AiohttpRequest(BaseRequest):
    __slots__ = (
        "_attempts",
        "_connect_timeout",
        "_media_write_timeout",
        "_pool_timeout",
        "_read_timeout",
        "_session",
        "_slots",
    )

    def __init__(
        self,
        connection_pool_size: int = 1,
        *,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
        attempts: int = 1,
    ) -> None:
        """``attempts``: tries of a request refused with a 5xx or never sent (at least 1)."""
        # python-telegram-bot's defaults (HTTPXRequest's), so behaviour does not change.
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        # The pool's limit is ours, not aiohttp's: aiohttp's connect timeout would bound the
        # wait for a free connection and the connect together, python-telegram-bot's apart.
        self._slots = asyncio.Semaphore(connection_pool_size)
        self._attempts = max(1, attempts)

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        # Made here, inside the running event loop that will use it (aiohttp binds to one).
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0),  # limited by _slots
                timeout=aiohttp.ClientTimeout(total=None),
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        read = _given(read_timeout, self._read_timeout)
        connect = _given(connect_timeout, self._connect_timeout)
        pool = _given(pool_timeout, self._pool_timeout)
        has_files = request_data is not None and request_data.contains_files
        total = None
        if has_files:
            write = _given(write_timeout, self._media_write_timeout)
            total = None if write is None or read is None else write + read
        limits = aiohttp.ClientTimeout(total=total, sock_connect=connect, sock_read=read)
        method_name = url.rsplit("/", 1)[-1]  # never the URL: it holds the token
        for attempt in range(1, self._attempts + 1):
            try:
                return await self._try_once(url, method, request_data, limits, pool)
            except _NotSent as not_sent:
                if attempt == self._attempts:
                    if not_sent.error is not None:
                        raise not_sent.error from not_sent.__cause__
                    return not_sent.answer
                delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1]
                log.warning(
                    "Bot API %s: %s; trying again in %.1f s (try %d of %d)",
                    method_name,
                    not_sent.reason,
                    delay,
                    attempt + 1,
                    self._attempts,
                )
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def _try_once(
        self,
        url: str,
        method: str,
        request_data: RequestData | None,
        limits: aiohttp.ClientTimeout,
        pool: float | None,
    ) -> tuple[int, bytes]:
        try:
            async with asyncio.timeout(pool):
                await self._slots.acquire()
        except TimeoutError as error:
            raise TimedOut(
                "Pool timeout: every connection is busy; the request was not sent to Telegram"
            ) from aiohttp.ConnectionTimeoutError(str(error))
        try:
            assert self._session is not None
            async with self._session.request(
                method,
                url,
                data=_body(request_data),
                headers={"User-Agent": self.USER_AGENT},
                timeout=limits,
            ) as response:
                status, payload = response.status, await response.read()
        except aiohttp.ConnectionTimeoutError as error:
            timed_out = TimedOut("Connect timeout: the request was not sent to Telegram")
            raise _NotSent("connect timeout", error=timed_out) from error
        except aiohttp.ClientConnectorError as error:
            failed = NetworkError(f"aiohttp.{type(error).__name__}: {error}")
            raise _NotSent("no connection", error=failed) from error
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
        finally:
            self._slots.release()
        if status >= 500:
            raise _NotSent(f"HTTP {status}", answer=(status, payload))
        return status, payload


def _given(value: object, default: float | None) -> float | None:
    """A timeout passed to one call, or ours when python-telegram-bot passed its DEFAULT_NONE
    marker (compared by identity: its class lives in a private module)."""
    if value is BaseRequest.DEFAULT_NONE:
        return default
    return float(value) if isinstance(value, int | float) else None


def _body(request_data: RequestData | None) -> Any:
    """Form fields as python-telegram-bot encodes them; multipart only when files are sent."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    if not request_data.contains_files:
        return fields or None
    form = aiohttp.FormData(fields)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
