"""Webhook mode: an aiohttp server receives Telegram's POSTs and feeds the ``Application``.

Requests without the right ``X-Telegram-Bot-Api-Secret-Token`` are refused before the body is
read, so nobody but Telegram can inject updates. Modelled on python-telegram-bot's
customwebhookbot example.
"""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web
from telegram import Update

from bot.app import BotApplication, on_shutdown, on_startup, on_stop
from bot.runners.signals import stop_event_on_signals
from bot.runners.startup import prepare
from bot.services import SERVICES_KEY, Services
from bot.settings import Settings
from bot.update_log import first_delivery

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
APPLICATION_KEY = web.AppKey("application", BotApplication)
SECRET_KEY = web.AppKey("secret", str)
MAX_UPDATE_BYTES = 1 << 20


async def receive_update(request: web.Request) -> web.Response:
    expected = request.app[SECRET_KEY]
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return web.Response(status=403, text="forbidden")
    if request.content_length is not None and request.content_length > MAX_UPDATE_BYTES:
        return web.Response(status=413)
    application = request.app[APPLICATION_KEY]
    try:
        data = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        return web.Response(status=400, text="bad update")
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if not isinstance(update_id, int) or isinstance(update_id, bool) or not 0 <= update_id < 2**62:
        return web.Response(status=400, text="bad update")
    try:
        update = Update.de_json(data, application.bot)
    except Exception:  # a body Telegram would never send: refuse it, don't crash on it
        log.info("webhook: refused an update body python-telegram-bot cannot read")
        return web.Response(status=400, text="bad update")
    services: Services = application.bot_data[SERVICES_KEY]
    # Telegram re-delivers what it got no 200 for, maybe to another process: take it once.
    async with services.db.transaction() as uow:
        first = await first_delivery(uow, update.update_id)
    if first:
        await application.update_queue.put(update)
    return web.Response(text="ok")


async def health(_request: web.Request) -> web.Response:
    return web.Response(text="ok")


def create_webhook_app(application: BotApplication, settings: Settings) -> web.Application:
    app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    app[APPLICATION_KEY] = application
    app[SECRET_KEY] = settings.webhook_secret or ""
    app.add_routes(
        [
            web.post(settings.webhook_path(), receive_update),
            web.get("/healthz", health),
        ]
    )
    return app


async def run_webhook(settings: Settings) -> None:
    if not settings.webhook_secret:
        from bot.settings import SettingsError

        raise SettingsError("WEBHOOK_SECRET", "a secret token when BOT_MODE=webhook")
    application = await prepare(settings)
    stop = stop_event_on_signals()
    async with application:
        await on_startup(application)
        await application.start()
        runner = web.AppRunner(create_webhook_app(application, settings), access_log=None)
        await runner.setup()
        # reuse_port lets several processes share one port behind the kernel's balancer.
        site = web.TCPSite(runner, settings.webhook_listen, settings.webhook_port, reuse_port=True)
        await site.start()
        await application.bot.set_webhook(
            url=settings.webhook_url or "",
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
        log.info("webhook listening on %s:%s", settings.webhook_listen, settings.webhook_port)
        await stop.wait()
        log.info("stopping: finishing updates in progress")
        await runner.cleanup()
        await on_stop(application)
        await application.stop()
    await on_shutdown(application)
