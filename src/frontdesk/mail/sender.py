"""The mail port: send one email. ``SmtpSender`` talks to a real SMTP server
(aiosmtplib); ``MemorySender`` keeps what it was given, for one-process setups without
mail and for tests of code that only needs *a* sender."""

from __future__ import annotations

import abc
from collections import deque
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import aiosmtplib


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    reply_to: str | None = None


class MailSender(abc.ABC):
    configured = True

    @abc.abstractmethod
    async def send(self, email: Email) -> None: ...


class MemorySender(MailSender):
    """Used when no SMTP server is configured: nothing leaves the process, and only the
    last ``keep`` emails stay in memory (a long-running server without mail would
    otherwise grow for as long as it runs)."""

    configured = False

    def __init__(self, keep: int = 100) -> None:
        self.sent: deque[Email] = deque(maxlen=keep)

    async def send(self, email: Email) -> None:
        self.sent.append(email)


class SmtpSender(MailSender):
    """``smtp://user:password@host:port`` (STARTTLS when offered) or ``smtps://`` (TLS)."""

    def __init__(self, url: str, sender: str) -> None:
        parts = urlsplit(url)
        self.host = parts.hostname or "localhost"
        self.use_tls = parts.scheme == "smtps"
        self.port = parts.port or (465 if self.use_tls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender = sender

    async def send(self, email: Email) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = email.to
        message["Subject"] = email.subject
        if email.reply_to:
            message["Reply-To"] = email.reply_to
        message.set_content(email.text)
        await aiosmtplib.send(
            message,
            hostname=self.host,
            port=self.port,
            username=self.username,
            password=self.password,
            use_tls=self.use_tls,
            start_tls=None,
            timeout=30,
        )
