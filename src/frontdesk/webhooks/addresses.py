"""Where webhooks may go: public addresses only, unless an admin allows others.

An endpoint's URL is chosen by a workspace admin, but the request leaves from the
server, inside its network: without this rule an admin of one workspace could make it
call the database's admin port, a cloud's metadata service (169.254.169.254) or another
machine on the office network (server-side request forgery). The rule is checked on the
address the name resolves to *when the request is made*, by the connection itself
(``GuardedBackend``): the address checked is the address connected to, so a name that
resolves to a public address at creation and to 127.0.0.1 later (DNS rebinding) is
still refused. It is also checked when an endpoint is saved, to say so at once."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

import httpcore

from frontdesk.errors import Invalid

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
ALLOW_SETTING = "FRONTDESK_WEBHOOKS_ALLOW_PRIVATE"
# Saving an endpoint waits this long for its name to resolve; a name that does not
# resolve yet is accepted (its receiver may be set up after), and its attempts say why.
RESOLVE_AT_SAVE_S = 3
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class Refused(Exception):
    """The URL's host is an address webhooks may not reach."""


def embedded_ipv4(ip: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 one carries (mapped ``::ffff:a.b.c.d``, NAT64, 6to4,
    Teredo), which is where it really goes; else the address itself."""
    if isinstance(ip, ipaddress.IPv4Address):
        return ip
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return ip


def non_public_kind(ip: IPAddress) -> str | None:
    """What kind of non-public address ``ip`` is ("loopback", "private" ...); None for a
    public one."""
    ip = embedded_ipv4(ip)
    kinds = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("non-public", not ip.is_global),  # shared (100.64/10), documentation, benchmarking ...
    )
    return next((kind for kind, found in kinds if found), None)


async def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` stands for, in the order to try them (IP literals, the
    old forms ``127.1`` and ``0x7f000001`` included, resolve to themselves)."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except UnicodeError as exc:  # not a name the resolver can be asked about
        raise OSError(f"{host!r} is not a valid host name") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def refusal(host: str, addresses: list[str]) -> str | None:
    """Why webhooks may not go to ``host``, which resolved to ``addresses``; None if they may."""
    for address in addresses:
        kind = non_public_kind(ipaddress.ip_address(address.split("%", 1)[0]))
        if kind is not None:
            article = "an" if kind[0] in "aeiou" else "a"
            where = address if host.strip("[]") == address else f"{host} resolves to {address}, which"
            return f"{where} is {article} {kind} address"
    return None


def check_url(url: str) -> tuple[str, int]:
    """The host and port of a URL webhooks can be sent to; Invalid naming ``url`` if not."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise Invalid(f'"url" must start with https:// or http://, got {url[:80]!r}', field="url")
    if parts.username is not None or parts.password is not None:
        raise Invalid('"url" must not carry a user name or password (it would show in logs)', field="url")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise Invalid(f'"url" has a port that is not a number from 1 to 65535: {url[:80]!r}', field="url") from None
    if not host:
        raise Invalid(f'"url" must name a host, got {url[:80]!r}', field="url")
    try:  # what the resolver will be given: labels of 1-63 letters, digits and hyphens
        host.encode("idna")
    except UnicodeError:
        raise Invalid(f'"url" has a host that is not a valid name: {host[:80]!r}', field="url") from None
    return host, port or (443 if parts.scheme == "https" else 80)


async def check_destination(url: str, allow_private: bool) -> None:
    """Refuse, at save time, a URL whose host is (or resolves to) a non-public address."""
    host, port = check_url(url)
    if allow_private:
        return
    try:
        async with asyncio.timeout(RESOLVE_AT_SAVE_S):
            addresses = await resolve(host, port)
    except (OSError, TimeoutError):
        return
    reason = refusal(host, addresses)
    if reason is not None:
        raise Invalid(
            f'"url": {reason}; webhooks go only to public addresses unless the server allows others '
            f"({ALLOW_SETTING}=true)",
            field="url",
        )


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network, resolving names itself: every address is checked, and the
    connection is made to a checked address (TLS still verifies the URL's host name)."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await resolve(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"{host} could not be resolved: {exc}") from exc
        if not self.allow_private and (reason := refusal(host, addresses)):
            raise Refused(f"refused: {reason}; set {ALLOW_SETTING}=true to allow it")
        error: Exception | None = None
        for address in addresses:
            try:
                return await self.inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        raise error or httpcore.ConnectError(f"{host} has no address")

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        raise Refused("refused: webhooks are sent over TCP only")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)
