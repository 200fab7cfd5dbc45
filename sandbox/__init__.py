"""A local Telegram Bot API sandbox.

One aiohttp server that speaks the subset of the Bot API this bot uses (so the real
python-telegram-bot talks to it over HTTP), a control API under ``/sandbox/api`` for tests and
benchmarks, and a web page at ``/`` where a person chats as a worker and watches a staff group.
It rejects what real Telegram rejects, so bugs surface here and not in production.

Start it with :func:`sandbox.server.start_sandbox` or ``python -m sandbox.server``;
drive it with :class:`sandbox.client.SandboxClient`.
"""

# Nothing is imported here on purpose: ``python -m sandbox.server`` must not find the
# module already imported by its package.
