"""The HTTP edge: who the client is, how large a body may be, nosniff on every answer.

Plain ASGI around the whole application — outside Starlette's error middleware — so it sees
every request first and every response last, a 500 included.
"""

import json
import re
from collections.abc import Iterable, Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import ErrorCode, language_of, message_for

Network = IPv4Network | IPv6Network


class BodyTooLarge(HTTPException):
    """Raised into whoever reads a body that has grown past the limit.

    An ``HTTPException``, so FastAPI lets it through its body parsing (anything else there
    becomes a 400) and nothing in between mistakes it for a fault.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_message(limit))


def too_large_message(limit: int) -> str:
    return f"the request body is larger than {limit} bytes"


def _address(text: str) -> IPv4Address | IPv6Address | None:
    try:
        address = ip_address(text.strip())
    except ValueError:
        return None
    # A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; compare them as IPv4.
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: IPv4Address | IPv6Address, proxies: Sequence[Network]) -> bool:
    return any(address in network for network in proxies)


def client_address(peer: str, forwarded_for: Iterable[str], proxies: Sequence[Network]) -> str:
    """The client: the peer, or — only when the peer is a trusted proxy — the right-most
    address of X-Forwarded-For that is not a trusted proxy.

    Everything left of that address was written by the client itself and proves nothing.
    """
    address = _address(peer)
    if address is None or not _trusted(address, proxies):
        return peer
    hops = [hop for value in forwarded_for for hop in value.split(",")]
    for hop in reversed(hops):
        found = _address(hop)
        if found is None:
            break  # not an address: nothing further left can be believed either
        address = found
        if not _trusted(address, proxies):
            break
    return str(address)


class EdgeMiddleware:
    """Sets the true client address, refuses oversized bodies with 413, adds nosniff."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        trusted_proxies: Sequence[Network],
        upload_bytes: int = 0,
        upload_path: re.Pattern[str] | None = None,
    ):
        self.app = app
        self.limit = max_body_bytes
        self.proxies = tuple(trusted_proxies)
        # Upload routes (a POST to a path ``upload_path`` matches) have a limit of their own,
        # ``upload_bytes``: bodies are cut off while streaming past it.
        self.upload_limit = upload_bytes or max_body_bytes
        self.upload_path = upload_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if self.proxies and scope.get("client"):
            self._believe_proxy(scope, headers)
        language = language_of(headers.get("accept-language"))
        limit = self.limit
        if (
            self.upload_path is not None
            and scope["method"] == "POST"
            and self.upload_path.fullmatch(scope["path"])
        ):
            limit = self.upload_limit
        exchange = _Exchange(receive, send, limit, language)
        if exchange.declared_too_large(headers.get("content-length")):
            # Refused on the header alone: not one byte of the body is read.
            await exchange.refuse()
            return
        try:
            await self.app(scope, exchange.receive, exchange.send)
        except BodyTooLarge:
            if not exchange.started:
                await exchange.refuse()
            elif not exchange.refused:
                raise  # the answer had begun before the body grew too large: cut it off

    def _believe_proxy(self, scope: Scope, headers: Headers) -> None:
        peer, port = scope["client"]
        client = client_address(peer, headers.getlist("x-forwarded-for"), self.proxies)
        if client != peer:
            scope["client"] = (client, port)
            # The proxy that says who the client is also says how it connected.
            proto = headers.get("x-forwarded-proto", "").strip().lower()
            if proto in ("http", "https"):
                scope["scheme"] = proto


_NOSNIFF = "nosniff"


class _Exchange:
    """One request's body count and the state of its answer."""

    def __init__(self, receive: Receive, send: Send, limit: int, language: str) -> None:
        self._receive = receive
        self._send = send
        self.limit = limit
        self.language = language
        self.received = 0
        self.exceeded = False
        self.started = False
        self.refused = False

    def declared_too_large(self, content_length: str | None) -> bool:
        try:
            return content_length is not None and int(content_length) > self.limit
        except ValueError:
            return False  # the HTTP server refuses a malformed length before we get here

    async def receive(self) -> Message:
        if self.exceeded:
            raise BodyTooLarge(self.limit)
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                # Stop here: the rest of a chunked body is never read into memory.
                self.exceeded = True
                raise BodyTooLarge(self.limit)
        return message

    async def send(self, message: Message) -> None:
        if self.refused:
            return
        if self.exceeded and not self.started:
            # Whatever the application made of the exception, the answer is the 413.
            await self.refuse()
            return
        if message["type"] == "http.response.start":
            self.started = True
            MutableHeaders(scope=message)["X-Content-Type-Options"] = _NOSNIFF
        await self._send(message)

    async def refuse(self) -> None:
        """The 413, in the API's one error shape."""
        self.started = self.refused = True
        body = json.dumps(
            {
                "error": ErrorCode.PAYLOAD_TOO_LARGE.value,
                "message": message_for(
                    ErrorCode.PAYLOAD_TOO_LARGE, self.language, too_large_message(self.limit)
                ),
                "detail": {"max_bytes": self.limit},
            }
        ).encode()
        await self._send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-language", self.language.encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"x-content-type-options", _NOSNIFF.encode()),
                ],
            }
        )
        # The connection stays open: the server throws the rest of the body away without
        # holding it, and a client that reads only once it has sent everything (most do)
        # still gets this answer; closing now would reset the connection under it.
        await self._send({"type": "http.response.body", "body": body})
