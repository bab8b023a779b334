"""The file store: evidence bytes kept by their SHA-256, on local disk or in an object store.

A blob's name is its content's SHA-256, so the same file uploaded twice is one blob, and a
blob never changes once written. An upload is first *staged*: streamed into a private
temporary file while it is hashed and counted, refused the moment it passes its limit. The
caller may look at the staged file (its type, a virus scan) before it is committed or
discarded; ``put`` does both steps at once.

- ``LocalFileStore(root)``: ``<root>/ab/cd/<sha256>``, files 0600, staged in ``<root>/tmp``
  (the same file system) and moved into place with ``os.replace`` after an fsync.
- ``ObjectFileStore(url)``: any store ``obstore`` reaches (``s3://bucket/prefix`` with the
  usual ``AWS_*`` variables, ``gs://``, ``az://``, ``file:///path``), staged on local disk.
"""

import asyncio
import contextlib
import hashlib
import os
import re
import secrets
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import obstore
from obstore.exceptions import NotFoundError

CHUNK = 64 * 1024
PART = 5 * 1024 * 1024  # of an object store's multipart upload
PARTS_IN_FLIGHT = 2
SHA256 = re.compile(r"[0-9a-f]{64}")
# In-memory stores lose everything at exit: never a place for evidence.
REFUSED_SCHEMES = ("memory:",)

Chunks = AsyncIterator[bytes] | Iterable[bytes]


class TooLarge(Exception):
    """The upload passed its limit; nothing of it is left behind."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the file is larger than {limit} bytes")
        self.limit = limit


@dataclass
class Staged:
    """An upload on local disk, hashed and counted, not yet in the store."""

    path: Path
    sha256: str
    size: int

    def head(self, n: int) -> bytes:
        with self.path.open("rb") as f:
            return f.read(n)

    def chunks(self) -> Iterator[bytes]:
        with self.path.open("rb") as f:
            while block := f.read(CHUNK):
                yield block

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


async def _each(chunks: Chunks) -> AsyncIterator[bytes]:
    if isinstance(chunks, AsyncIterator):
        async for chunk in chunks:
            yield chunk
    else:
        for chunk in chunks:
            yield chunk


async def stage(chunks: Chunks, limit: int, directory: Path) -> Staged:
    """Stream ``chunks`` into a new private file in ``directory``, hashing as it goes.

    Past ``limit`` bytes it stops reading, removes the file and raises ``TooLarge``; any
    other failure (the client gone, the disk full) removes it too."""
    directory.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.mkdir(mode=0o700, exist_ok=True)
    path = directory / f".upload-{secrets.token_hex(12)}"
    digest = hashlib.sha256()
    size = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            async for chunk in _each(chunks):
                size += len(chunk)
                if size > limit:
                    raise TooLarge(limit)
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            await asyncio.to_thread(os.fsync, out.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Staged(path, digest.hexdigest(), size)


def _checked(sha256: str) -> str:
    if not SHA256.fullmatch(sha256):
        raise ValueError(f"not a SHA-256: {sha256[:80]!r}")
    return sha256


def blob_path(sha256: str) -> str:
    """Where a blob lives below the store's root: ``ab/cd/<sha256>``."""
    sha256 = _checked(sha256)
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


class FileStore(Protocol):
    """What the evidence routes need of a store."""

    async def stage(self, chunks: Chunks, limit: int) -> Staged: ...
    async def commit(self, staged: Staged) -> None: ...
    async def put(self, chunks: Chunks, limit: int) -> tuple[str, int]: ...
    def open(self, sha256: str) -> Iterator[bytes]: ...
    def exists(self, sha256: str) -> bool: ...


class _Store:
    staging: Path

    async def stage(self, chunks: Chunks, limit: int) -> Staged:
        return await stage(chunks, limit, self.staging)

    async def commit(self, staged: Staged) -> None:
        raise NotImplementedError

    async def put(self, chunks: Chunks, limit: int) -> tuple[str, int]:
        """Store ``chunks``; their SHA-256 and size. ``TooLarge`` past ``limit`` bytes."""
        staged = await self.stage(chunks, limit)
        try:
            await self.commit(staged)
        finally:
            staged.discard()
        return staged.sha256, staged.size


class LocalFileStore(_Store):
    """Blobs under ``root`` on local disk."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.staging = root / "tmp"

    def path_of(self, sha256: str) -> Path:
        return self.root / blob_path(sha256)

    async def commit(self, staged: Staged) -> None:
        """Move the staged file into place; a blob already there is kept (same content)."""
        await asyncio.to_thread(self._commit, staged)

    def _commit(self, staged: Staged) -> None:
        target = self.path_of(staged.sha256)
        if target.exists():
            staged.discard()
            return
        for directory in (self.root, target.parent.parent, target.parent):
            directory.mkdir(mode=0o700, exist_ok=True)
        os.replace(staged.path, target)
        # The rename itself is durable only once its directory is.
        fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def open(self, sha256: str) -> Iterator[bytes]:
        """The blob's bytes in chunks; ``FileNotFoundError`` when there is none."""
        f = self.path_of(sha256).open("rb")

        def chunks() -> Iterator[bytes]:
            with f:
                while block := f.read(CHUNK):
                    yield block

        return chunks()

    def exists(self, sha256: str) -> bool:
        return self.path_of(sha256).is_file()


class ObjectFileStore(_Store):
    """Blobs in an object store named by URL, through ``obstore``; staged on local disk."""

    def __init__(self, url: str, staging: Path, **options: Any) -> None:
        if url.lower().startswith(REFUSED_SCHEMES):
            raise ValueError("an in-memory store loses every file at exit; name a real one")
        if url.lower().startswith("file://"):
            options.setdefault("mkdir", True)
        self.url = url
        self.store = obstore.store.from_url(url, **options)
        self.staging = staging

    async def commit(self, staged: Staged) -> None:
        """Upload the staged file (multipart for large ones); a blob already there is kept."""
        key = blob_path(staged.sha256)
        if not await self._exists(key):
            # Fed in pieces, not as a path: obstore then holds one part (5 MiB, the least S3
            # takes) per upload in flight, not the whole file read ahead.
            await obstore.put_async(
                self.store,
                key,
                staged.chunks(),
                chunk_size=PART,
                max_concurrency=PARTS_IN_FLIGHT,
            )
        staged.discard()

    async def _exists(self, key: str) -> bool:
        try:
            await obstore.head_async(self.store, key)
        except (FileNotFoundError, NotFoundError):
            return False
        return True

    def open(self, sha256: str) -> Iterator[bytes]:
        """The blob's bytes in chunks; ``FileNotFoundError`` when there is none."""
        try:
            result = obstore.get(self.store, blob_path(sha256))
        except NotFoundError as e:
            raise FileNotFoundError(sha256) from e
        return (bytes(chunk) for chunk in result.stream(min_chunk_size=CHUNK))

    def exists(self, sha256: str) -> bool:
        with contextlib.suppress(FileNotFoundError, NotFoundError):
            obstore.head(self.store, blob_path(sha256))
            return True
        return False


def file_store(data_dir: Path, url: str = "") -> FileStore:
    """The store the settings name: ``url`` through obstore, else ``<data_dir>/files``."""
    if url:
        return ObjectFileStore(url, data_dir / "files-staging")
    return LocalFileStore(data_dir / "files")
