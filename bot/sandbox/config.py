"""The sandbox's settings: one frozen object built once and passed down."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_BOT_USERNAME = "BebasCemasBot"


@dataclass(frozen=True)
class RateLimitConfig:
    """Telegram's outgoing limits as token buckets (rate per second, burst capacity).

    Telegram documents "about 30 messages per second" overall, "no more than one message per
    second" into one chat with short bursts tolerated, and 20 messages per minute into a group.
    ``jitter_tolerance_s`` adds ``rate * tolerance`` tokens to each bucket: a client-side limiter
    that paces exactly at the limit still sees its requests arrive bunched by network jitter.
    """

    global_per_second: float = 30.0
    global_burst: float = 30.0
    private_per_second: float = 1.0
    private_burst: float = 10.0
    group_per_second: float = 20.0 / 60.0
    group_burst: float = 20.0
    jitter_tolerance_s: float = 0.1


@dataclass(frozen=True)
class DemoChats:
    """A worker and a staff group created when the sandbox starts, so the page opens ready.

    The sandbox only creates them; whoever starts it (``python -m bot sandbox``) chooses fixed
    ids, so the group stays linked in the bot's database across restarts, and says in
    ``note`` what the page should tell a newcomer about them (e.g. which branch the group
    receives leads for).
    """

    worker_id: int
    worker_name: str
    staff_id: int
    staff_name: str
    group_id: int
    group_title: str
    language_code: str = "id"
    note: str = ""

    def to_json(self) -> dict[str, object]:
        return dict(vars(self))


@dataclass(frozen=True)
class SandboxConfig:
    """Everything one sandbox server instance is configured with."""

    token: str
    bot_username: str = DEFAULT_BOT_USERNAME
    bot_first_name: str = "Bebas Cemas"
    bot_id: int | None = None  # None: the number before ":" in the token, as on Telegram
    rate_limits: bool = True
    limits: RateLimitConfig = field(default_factory=RateLimitConfig)
    # Privacy mode (Telegram's default): in groups the bot only receives commands, replies to
    # its own messages and service messages, unless it is an administrator.
    group_privacy: bool = True
    # Telegram refuses answerCallbackQuery once the client stopped waiting for the answer.
    callback_query_ttl_s: float = 15.0
    # Stricter than Telegram on purpose: a bare "&" in HTML is accepted there, but it means user
    # text reached parse_mode=HTML unescaped, and the next "<" in such text will fail for real.
    strict_html_ampersand: bool = True
    max_long_poll_s: float = 50.0
    webhook_timeout_s: float = 10.0
    webhook_retry_initial_s: float = 0.05
    webhook_retry_max_s: float = 2.0
    webhook_max_connections: int = 40
    recent_updates_kept: int = 10_000  # for re-delivery through the control API
    max_upload_bytes: int = 50 * 1024 * 1024  # Telegram's limit for bots' uploads
    # Shown on the page (its help box) and in ``GET /sandbox/api/bot``: where the bot keeps its
    # data, as the starter describes it (a SQLite file's path, a URL without its password).
    database: str | None = None
    demo: DemoChats | None = None

    @property
    def resolved_bot_id(self) -> int:
        if self.bot_id is not None:
            return self.bot_id
        head = self.token.split(":", 1)[0]
        return int(head) if head.isdigit() else 7_000_000_001
