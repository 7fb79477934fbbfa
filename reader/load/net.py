"""The network side of a fetch: one DNS lookup, address policy, pinned and timed connections.

A host is looked up once; the fetch checks those addresses and connects only to them, so
a second DNS answer (DNS rebinding) never decides where the connection goes. Every wait,
from the lookup to the last byte, ends at one deadline for the whole fetch.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time

from reader.errors import SourceError

# IPv6 ranges that carry an IPv4 address a gateway forwards to (RFC 6052 NAT64, 6to4 is
# read from the address itself): the IPv4 address inside is what must be public.
NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")
NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # site-local translators: never public


def resolve(host: str, port: int, deadline: float) -> tuple[str, ...]:
    """Every address of a host, looked up once; a resolver that hangs ends at the deadline."""
    answer: list[object] = []

    def lookup() -> None:
        try:
            answer.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as exc:
            answer.append(exc)

    # The lookup cannot be interrupted, so it runs beside the fetch, which stops waiting.
    thread = threading.Thread(target=lookup, name="reader-resolve", daemon=True)
    thread.start()
    thread.join(max(deadline - time.monotonic(), 0.0))
    if not answer:
        raise TimeoutError(f"no answer for {host}")
    if isinstance(answer[0], BaseException):
        raise SourceError(f"cannot resolve host {host}") from answer[0]
    infos: list[tuple[object, ...]] = answer[0]  # type: ignore[assignment]
    return tuple(dict.fromkeys(str(info[4][0]) for info in infos))  # type: ignore[index]


def is_public(address: str) -> bool:
    """True for an address on the public internet (what a server may fetch for others)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in NAT64_LOCAL:
            return False
        inner = _embedded_ipv4(ip)
        if inner is not None:
            return is_public(str(inner))
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address packets to `ip` end up at: mapped, compatible, 6to4 or NAT64."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in NAT64_WELL_KNOWN or 1 < int(ip) < 2**32:  # NAT64, or deprecated "::a.b.c.d"
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def time_left(deadline: float) -> float:
    """Seconds left before the deadline; TimeoutError once it has passed."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the deadline has passed")
    return left


class _DeadlineSocket(socket.socket):
    """A socket whose every wait is cut to the time left before the fetch's deadline."""

    deadline = float("inf")

    def connect(self, address: object) -> None:
        self.settimeout(time_left(self.deadline))
        super().connect(address)  # type: ignore[arg-type]

    def sendall(self, data: object, flags: int = 0) -> None:
        self.settimeout(time_left(self.deadline))
        super().sendall(data, flags)  # type: ignore[arg-type]

    def recv_into(self, buffer: object, nbytes: int = 0, flags: int = 0) -> int:
        self.settimeout(time_left(self.deadline))
        return super().recv_into(buffer, nbytes, flags)  # type: ignore[arg-type]


class _DeadlineSSLSocket(ssl.SSLSocket):
    """The TLS side of `_DeadlineSocket` (TLS reads bypass the plain socket's methods)."""

    deadline = float("inf")

    def sendall(self, data: object, flags: int = 0) -> None:
        self.settimeout(time_left(self.deadline))
        super().sendall(data, flags)  # type: ignore[arg-type]

    def recv_into(self, buffer: object, nbytes: int | None = None, flags: int = 0) -> int:
        self.settimeout(time_left(self.deadline))
        return super().recv_into(buffer, nbytes, flags)  # type: ignore[arg-type]


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to addresses that were already checked, not a fresh lookup."""

    def __init__(self, host: str, port: int, addresses: tuple[str, ...], deadline: float) -> None:
        super().__init__(host, port, timeout=time_left(deadline))
        self._addresses = addresses
        self._deadline = deadline

    def _open(self) -> socket.socket:
        error: OSError = OSError(f"no address for {self.host}")
        for address in self._addresses:
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            sock = _DeadlineSocket(family, socket.SOCK_STREAM)
            sock.deadline = self._deadline
            try:
                sock.connect((address, self.port))
            except OSError as exc:
                sock.close()
                error = exc
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        raise error

    def connect(self) -> None:
        self.sock = self._open()


class _PinnedHTTPS(_PinnedHTTP):
    def connect(self) -> None:
        context = ssl.create_default_context()
        context.sslsocket_class = _DeadlineSSLSocket
        plain = self._open()
        plain.settimeout(time_left(self._deadline))  # the handshake is one timed call
        sock = context.wrap_socket(plain, server_hostname=self.host)
        sock.deadline = self._deadline  # type: ignore[attr-defined]
        self.sock = sock


def open_connection(
    scheme: str, host: str, port: int, addresses: tuple[str, ...], deadline: float
) -> http.client.HTTPConnection:
    """An HTTP(S) connection for `host` that connects only to `addresses`, by `deadline`."""
    kind = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    return kind(host, port, addresses, deadline)
