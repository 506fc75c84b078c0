"""Settings from the environment (``FRONTDESK_*``), with defaults that make a first run work.

Nothing here needs a config file: the embedded SQLite database and the secret key live
under ``./var/`` unless the environment says otherwise.
"""

from __future__ import annotations

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
    log_level: str = "info"

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return normalize_database_url(self.database_url)
        self.var_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite+aiosqlite:///{(self.var_dir / 'frontdesk.db').resolve()}"

    @cached_property
    def resolved_secret_key(self) -> str:
        if self.secret_key:
            return self.secret_key
        path = self.var_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.var_dir.mkdir(parents=True, exist_ok=True)
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
