"""A virus scan by clamd (ClamAV's daemon) over its INSTREAM protocol, when one is configured.

``KIEMTRA_CLAMD`` names it as ``host:port`` or as the path of its unix socket. The file goes
in chunks, each behind its length (4 bytes, big-endian), closed by a zero length; clamd
answers one line: ``stream: OK`` or ``stream: <signature> FOUND`` (or an ``ERROR``).
"""

import asyncio
import struct
from collections.abc import Iterable

TIMEOUT_SECONDS = 60.0
REPLY_MAX = 4096


class ScanUnavailable(Exception):
    """clamd did not answer, or answered with an error: the file cannot be judged."""


async def _connect(address: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    if address.startswith("/"):
        return await asyncio.open_unix_connection(address)
    host, _, port = address.rpartition(":")
    return await asyncio.open_connection(host.strip("[]") or "127.0.0.1", int(port))


async def _exchange(address: str, chunks: Iterable[bytes]) -> str:
    reader, writer = await _connect(address)
    try:
        writer.write(b"zINSTREAM\0")
        for chunk in chunks:
            writer.write(struct.pack(">I", len(chunk)) + chunk)
            await writer.drain()
        writer.write(struct.pack(">I", 0))
        await writer.drain()
        reply = await reader.readuntil(b"\0")
    finally:
        writer.close()
    return reply[:REPLY_MAX].rstrip(b"\0").decode("utf-8", "replace").strip()


async def scan(
    address: str, chunks: Iterable[bytes], timeout: float = TIMEOUT_SECONDS
) -> str | None:
    """The signature clamd found in ``chunks``, or None when it found nothing."""
    try:
        reply = await asyncio.wait_for(_exchange(address, chunks), timeout)
    except (
        OSError,
        ValueError,
        TimeoutError,
        asyncio.IncompleteReadError,
        asyncio.LimitOverrunError,
    ) as e:
        raise ScanUnavailable(f"clamd at {address} did not answer: {e}") from e
    if reply.endswith(" OK"):
        return None
    if reply.endswith(" FOUND"):
        return reply.removeprefix("stream:").removesuffix(" FOUND").strip() or "unknown"
    raise ScanUnavailable(f"clamd at {address} answered {reply[:200]!r}")
