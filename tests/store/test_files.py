"""The file store, on local disk and through obstore (a ``file://`` object store): one blob per
content, the limit enforced while streaming, nothing left behind by a refusal."""

import hashlib
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from store.files import FileStore, LocalFileStore, ObjectFileStore, TooLarge, file_store


@pytest.fixture(params=["local", "object"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> FileStore:
    if request.param == "local":
        return LocalFileStore(tmp_path / "files")
    return ObjectFileStore(f"file://{tmp_path / 'bucket'}", tmp_path / "staging")


def every_file(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


async def pieces(*chunks: bytes) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


async def test_a_blob_is_named_by_its_content_and_kept_once(
    store: FileStore, tmp_path: Path
) -> None:
    content = os.urandom(200_000)
    sha, size = await store.put(pieces(content[:70_000], content[70_000:]), 1_000_000)
    assert (sha, size) == (hashlib.sha256(content).hexdigest(), len(content))
    assert store.exists(sha) and b"".join(store.open(sha)) == content
    again: Iterator[bytes] = iter([content])
    assert await store.put(again, 1_000_000) == (sha, size)
    blobs = [p for p in every_file(tmp_path) if p.name == sha]
    assert len(blobs) == 1 and blobs[0].parent.name == sha[2:4]
    assert blobs[0].parent.parent.name == sha[:2]
    assert [p for p in every_file(tmp_path) if p.name != sha] == []  # nothing staged is left


async def test_past_the_limit_nothing_is_kept(store: FileStore, tmp_path: Path) -> None:
    read = []

    async def endless() -> AsyncIterator[bytes]:
        while True:
            read.append(1)
            yield bytes(1000)

    with pytest.raises(TooLarge):
        await store.put(endless(), 10_500)
    assert len(read) == 11  # refused at the chunk that passed the limit, not after
    assert every_file(tmp_path) == []
    assert await store.put(pieces(b"x" * 10_500), 10_500)  # the limit itself is allowed


async def test_unknown_blobs(store: FileStore) -> None:
    unknown = "ab" * 32
    assert not store.exists(unknown)
    with pytest.raises(FileNotFoundError):
        b"".join(store.open(unknown))
    with pytest.raises(ValueError):
        store.exists("../../etc/passwd")


async def test_local_blobs_are_private(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        store = LocalFileStore(tmp_path / "files")
        sha, _ = await store.put(pieces(b"bi\xc3\xaan b\xe1\xba\xa3n"), 100)
    finally:
        os.umask(previous)
    assert store.path_of(sha).stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "files" / sha[:2]).stat().st_mode & 0o777 == 0o700


def test_the_settings_choose_the_store(tmp_path: Path) -> None:
    assert isinstance(file_store(tmp_path), LocalFileStore)
    assert isinstance(file_store(tmp_path, f"file://{tmp_path}/o"), ObjectFileStore)
    with pytest.raises(ValueError):
        file_store(tmp_path, "memory://")
