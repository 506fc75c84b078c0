"""Settings from the environment (``FRONTDESK_*``), with defaults that make a first run work.

Nothing here needs a config file: the embedded SQLite database and the secret key live
under ``./var/`` unless the environment says otherwise.
"""

from __future__ import annotations

import os
import secrets
from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FRONTDESK_", extra="ignore")

    var_dir: Path = Field(default=Path("var"), description="Where the embedded database and generated secret live.")
    database_url: str = Field(default="", description="SQLAlchemy URL; empty means SQLite under var_dir.")
    secret_key: str = Field(default="", description="Signs visitor tokens; generated under var_dir when empty.")
    redis_url: str = Field(default="", description="Redis for the real-time bus across nodes; empty means in-memory.")
    public_url: str = Field(default="", description="The URL people reach this server at, for links in snippets.")
    cookie_secure: bool = Field(default=False, description="Mark the session cookie Secure (set behind HTTPS).")
    smtp_url: str = Field(default="", description="smtp://user:pass@host:port; empty: no email is sent.")
    mail_from: str = Field(default="Frontdesk <frontdesk@localhost>", description="The From of every email.")
    offline_grace_seconds: float = Field(
        default=30, description="After an agent's last console closes, how long until they are set offline."
    )
    run_worker: bool = Field(
        default=True, description="Run the outbox worker and routing timer inside serve; false with `frontdesk worker`."
    )
    ws_compression: bool = Field(
        default=False,
        description="Offer permessage-deflate on sockets. Off: chat frames are small, and each compressed socket "
        "holds zlib state that more than doubled its memory (docs/benchmarks.md).",
    )
    visitor_token_days: int = Field(
        default=180,
        ge=1,
        le=3650,
        description="How long a visitor may stay away and still return to their chats: the widget token's lifetime, "
        "renewed on every visit.",
    )
    upload_quota_visitor_mb: int = Field(
        default=50,
        ge=1,
        description="The most one visitor may upload in all (MB): ten 5 MB photos, not a disk's worth.",
    )
    upload_quota_workspace_mb: int = Field(
        default=10_000, ge=1, description="The most a workspace's uploads may take on disk (MB), agents' included."
    )
    orphan_upload_hours: float = Field(
        default=24,
        gt=0,
        description="Uploads never sent with a message are deleted after this long (a widget uploads before sending).",
    )
    rate_limits: dict[str, str] = Field(
        default_factory=dict,
        description='Override rate limits by name, as JSON: {"messages.visitor": "60/minute"} (docs/security.md).',
    )
    rate_limits_enabled: bool = Field(
        default=True, description="Turn every rate limit off (load tests from one address); never on a public site."
    )
    session_idle_minutes: int = Field(
        default=720,
        ge=0,
        description="Log a console session out after this many minutes without a request (0: never). "
        "The default, 12 hours, outlasts a shift and ends a session left open overnight.",
    )
    # Webhooks (docs/webhooks.md).
    webhooks_allow_private: bool = Field(
        default=False,
        description="Let webhook endpoints be on loopback, private, link-local or other non-public addresses "
        "(a receiver on this machine or the office network). Off: such URLs are refused (SSRF).",
    )
    # 10 s: a receiver should answer at once and do its work later; waiting longer holds
    # a sender's slot while other endpoints' events wait (Stripe and Svix wait 15-30 s).
    webhooks_timeout_seconds: float = Field(
        default=10, gt=0, le=60, description="How long one webhook request may take, connecting included."
    )
    # Svix's schedule: 8 attempts over about 28 hours, long enough for a receiver to be
    # down over a night or a weekend's deploy and still get every event.
    webhooks_retry_schedule: list[float] = Field(
        default_factory=lambda: [5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0],
        min_length=1,
        description="Seconds to wait after each failed attempt before the next (each with +-20% jitter); "
        "a delivery fails for good after the last.",
    )
    # Time rather than a count of failures: a busy endpoint fails hundreds of times in a
    # ten-minute outage, a quiet one a few times a week; five days of nothing but
    # failures means the receiver is gone (Svix's rule).
    webhooks_disable_after_hours: float = Field(
        default=120,
        gt=0,
        description="Turn an endpoint off when every attempt to it has failed for this long; its admins are emailed.",
    )
    webhooks_log_days: float = Field(
        default=30, gt=0, description="Finished webhook deliveries and their attempts are deleted after this long."
    )
    log_level: str = "info"
    # Hardening (docs/security.md): trusted proxies, headers, slow clients, socket caps.
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Proxies whose X-Forwarded-For/-Proto are believed (comma-separated IPs or CIDRs, * for any).",
    )
    hsts_seconds: int = Field(
        default=31_536_000, ge=0, description="Strict-Transport-Security max-age on https responses; 0: none."
    )
    # 10 s: a phone on a poor network sends its headers in well under a second; a
    # slowloris client holds a connection for no longer than this (http/protocol.py).
    header_timeout_seconds: float = Field(
        default=10, gt=0, description="A request's line and headers must arrive within this (slowloris)."
    )
    # Browsers send a few KiB; 16 KiB leaves room for long cookies (nginx's default 8 KiB
    # buffers already refuse less).
    max_header_bytes: int = Field(
        default=16_384, ge=1024, description="A request's line and headers together; over it: 431 and closed."
    )
    keepalive_seconds: int = Field(default=5, gt=0, description="An idle keep-alive connection is closed after this.")
    max_connections: int = Field(
        default=0, ge=0, description="Open connections (HTTP and sockets) per process; over it HTTP gets 503. 0: none."
    )
    # Offices and mobile carriers put many people behind one address; 256 sockets (about
    # 7 MB, docs/benchmarks.md) still stop one machine from holding thousands.
    sockets_per_ip: int = Field(
        default=256, ge=0, description="Open sockets and event streams from one IP address; 0: no cap."
    )
    # A few tabs, and room for reconnects from a phone that changed networks: its old
    # socket stays counted until the protocol pings find it dead (40 s, cli.py).
    sockets_per_visitor: int = Field(
        default=16, ge=0, description="Open sockets and event streams of one visitor; 0: no cap."
    )

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            url = normalize_database_url(self.database_url)
        else:
            make_private_dir(self.var_dir)
            url = f"sqlite+aiosqlite:///{(self.var_dir / 'frontdesk.db').resolve()}"
        if (path := sqlite_path(url)) is not None:
            make_private_file(path)
        return url

    @cached_property
    def resolved_secret_key(self) -> str:
        if self.secret_key:
            return self.secret_key
        path = self.var_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        make_private_dir(self.var_dir)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key


def normalize_database_url(url: str) -> str:
    """Accept the URLs people paste (``postgres://``, ``sqlite:///``) and pick the async driver."""
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    if url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url.split("://", 1)[1]
    return url


# Owner-only: the database holds every chat, email address and password hash, and the
# directory the secret key and uploads. No other account on the machine reads them.
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def make_private_dir(path: Path) -> None:
    """Create ``path`` owner-only. One that exists is left as its admin set it."""
    if not path.exists():
        path.mkdir(parents=True, mode=PRIVATE_DIR)
        path.chmod(PRIVATE_DIR)  # mkdir's mode passes through the umask


def make_private_file(path: Path) -> None:
    """The SQLite database owner-only, created so before SQLite opens it: SQLite gives its
    ``-wal`` and ``-shm`` files the database's mode. An existing one (and those) is
    narrowed to owner-only too."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists() and file.stat().st_mode & 0o777 != PRIVATE_FILE:
            file.chmod(PRIVATE_FILE)


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for PostgreSQL and in-memory databases."""
    prefix = "sqlite+aiosqlite:///"
    if not url.startswith(prefix) or url[len(prefix) :] in ("", ":memory:"):
        return None
    return Path(url[len(prefix) :].split("?", 1)[0])
