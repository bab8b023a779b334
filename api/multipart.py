"""A multipart/form-data body read as it arrives, part by part, never held whole.

Starlette's ``request.form()`` spools every file to a temporary file of its own before the
route sees any of it; an upload route wants the bytes as they come, to hash, count and
refuse them while streaming. ``python_multipart``'s push parser is driven here from the
request's stream and turned around into a pull: ``parts()`` yields each part's name and
file name, and a file part's ``chunks()`` pulls more of the body only as it is consumed.
Memory holds at most one received chunk at a time.
"""

import re
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

HEADERS_MAX = 8 * 1024  # the headers of one part
FIELD_MAX = 1024  # a plain field's value


# Browsers write a file name's quote and line breaks as %22, %0D and %0A (HTML's form
# encoding); nothing else of the name is escaped.
_HTML5_ESCAPES = re.compile(rb"%(22|0d|0a)", re.IGNORECASE)


def _html5_decoded(raw: bytes) -> str:
    return _HTML5_ESCAPES.sub(lambda m: bytes([int(m.group(1), 16)]), raw).decode(
        "utf-8", "replace"
    )


class MalformedForm(ValueError):
    """Not a multipart body this route can read; the message says what is wrong."""


@dataclass
class _Events:
    """What the push parser has reported and nobody has pulled yet."""

    queue: deque[tuple[str, bytes]] = field(default_factory=deque)
    header_name: bytes = b""
    header_value: bytes = b""
    disposition: bytes = b""
    header_bytes: int = 0
    done: bool = False


@dataclass
class Part:
    """One part: its field name, and its file name when the client sent one."""

    name: str
    filename: str | None
    _form: "MultipartReader"
    _open: bool = True

    async def chunks(self) -> AsyncIterator[bytes]:
        """The part's bytes as they arrive."""
        while self._open:
            kind, data = await self._form.next_event()
            if kind == "data":
                if data:
                    yield data
            elif kind == "end":
                self._open = False
            else:
                raise MalformedForm("a part ended without its boundary")

    async def text(self, limit: int = FIELD_MAX) -> str:
        """A plain field's value, UTF-8; ``MalformedForm`` when longer than ``limit`` bytes."""
        value = bytearray()
        async for chunk in self.chunks():
            value += chunk
            if len(value) > limit:
                raise MalformedForm(f"the field {self.name!r} is longer than {limit} bytes")
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedForm(f"the field {self.name!r} is not UTF-8") from None

    async def drain(self) -> None:
        async for _ in self.chunks():
            pass


class MultipartReader:
    """Parts of ``body`` (the request's stream), with the boundary of ``content_type``."""

    def __init__(self, body: AsyncIterator[bytes], content_type: str, parts_max: int) -> None:
        media, options = parse_options_header(content_type[:1024])
        boundary = options.get(b"boundary")
        if media != b"multipart/form-data" or not boundary:
            raise MalformedForm("the body must be multipart/form-data with a boundary")
        self._body = body
        self._events = _Events()
        self._parts_max = parts_max
        self._count = 0
        try:
            self._parser = MultipartParser(
                boundary,
                {
                    "on_part_begin": self._on_part_begin,
                    "on_part_data": self._on_part_data,
                    "on_part_end": self._on_part_end,
                    "on_header_field": self._on_header_field,
                    "on_header_value": self._on_header_value,
                    "on_header_end": self._on_header_end,
                    "on_headers_finished": self._on_headers_finished,
                    "on_end": self._on_end,
                },
            )
        except FormParserError as e:
            raise MalformedForm(str(e)) from None

    def _on_part_begin(self) -> None:
        e = self._events
        e.disposition, e.header_bytes = b"", 0

    def _on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._events.header_name += data[start:end]
        self._count_header(end - start)

    def _on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._events.header_value += data[start:end]
        self._count_header(end - start)

    def _count_header(self, n: int) -> None:
        self._events.header_bytes += n
        if self._events.header_bytes > HEADERS_MAX:
            raise MalformedForm("a part's headers are too long")

    def _on_header_end(self) -> None:
        e = self._events
        if e.header_name.strip().lower() == b"content-disposition":
            e.disposition = e.header_value
        e.header_name, e.header_value = b"", b""

    def _on_headers_finished(self) -> None:
        self._count += 1
        if self._count > self._parts_max:
            raise MalformedForm(f"more than {self._parts_max} parts")
        self._events.queue.append(("begin", self._events.disposition))

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        self._events.queue.append(("data", data[start:end]))

    def _on_part_end(self) -> None:
        self._events.queue.append(("end", b""))

    def _on_end(self) -> None:
        self._events.done = True

    async def next_event(self) -> tuple[str, bytes]:
        """The parser's next report, reading more of the body when it has none."""
        queue = self._events.queue
        while not queue:
            if self._events.done:
                return ("done", b"")
            try:
                chunk = await anext(self._body)
            except StopAsyncIteration:
                raise MalformedForm("the body ended before its closing boundary") from None
            try:
                self._parser.write(chunk)
            except FormParserError as e:
                raise MalformedForm(f"malformed multipart body: {e}") from None
        return queue.popleft()

    async def parts(self) -> AsyncIterator[Part]:
        """Each part in the order sent; an unread part is skipped when the next is asked for."""
        current: Part | None = None
        while True:
            if current is not None and current._open:
                await current.drain()
            kind, data = await self.next_event()
            if kind == "done":
                return
            if kind != "begin":
                raise MalformedForm("data outside a part")
            _, options = parse_options_header(data.decode("latin-1"))
            name = options.get(b"name")
            if name is None:
                raise MalformedForm("a part without a name")
            filename = options.get(b"filename")
            current = Part(
                name=name.decode("utf-8", "replace"),
                filename=None if filename is None else _html5_decoded(filename),
                _form=self,
            )
            yield current
