from __future__ import annotations

import asyncio
import signal


def stop_event_on_signals() -> asyncio.Event:
    """Set on SIGTERM or SIGINT, so shutdown runs our cleanup instead of dying mid-update."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop
