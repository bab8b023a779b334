"""Evidence uploads of the largest size allowed: the API's memory stays flat while 20 MiB pass.

    python -m bench.uploads [--rounds 3] [--object-store] [--no-record]

One file-backed dev server, a SQLite database with one account per role, a ``kiemtra
worker`` and a ``kiemtra api`` child process (their own processes, as a split deployment
runs them). An inspection is driven to the visit over HTTP; then, after one small upload to
warm the API up, each round uploads a file of exactly ``KIEMTRA_MAX_UPLOAD_BYTES`` (20 MiB,
the default) to it as the team leader and downloads it again, checking its SHA-256.

Measured in the API process (Linux ``/proc``): its resident memory before each request and
its high-water mark during it (reset before each through ``clear_refs``), so
``rss_growth_mib`` is the peak growth an upload caused — an upload held in memory would show
its 20 MiB and more; the target is under 50 MiB. ``seconds`` is the upload's round trip.
"""

import argparse
import asyncio
import hashlib
import os
import shutil
import statistics
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

from bench.floor import BenchFailure, keep_on_failure
from store.db import make_engine
from testkit.common import figure, publish, show
from testkit.lifecycle import ACCOUNTS, HTTP_STEPS, PASSWORD, START_BODY, add_people
from testkit.stack import Stack

WORK = Path(".kiemtra/bench/uploads")
SIZE = 20 * 1024 * 1024
TARGET_GROWTH_MIB = 50.0
PIECE = 256 * 1024


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise BenchFailure(f"no {field} for process {pid}")


def _mib(kib: int) -> float:
    return kib / 1024


def expect(response: httpx.Response, status: int, what: str) -> httpx.Response:
    if response.status_code != status:
        raise BenchFailure(f"{what}: {response.status_code} {response.text[:500]}")
    return response


async def _big_pdf(seed: bytes) -> AsyncIterator[bytes]:
    """SIZE bytes that sniff as a PDF, made piece by piece (unique per ``seed``)."""
    head = b"%PDF-1.7\n% " + seed + b"\n"
    yield head
    left = SIZE - len(head)
    while left > 0:
        piece = os.urandom(min(PIECE, left))
        left -= len(piece)
        yield piece


async def _multipart(seed: bytes, digest: "hashlib._Hash") -> AsyncIterator[bytes]:
    """The upload's body, streamed: the fields first, then the file (hashed on the way)."""
    yield (
        b'--bench\r\nContent-Disposition: form-data; name="target"\r\n\r\nvisit\r\n'
        b'--bench\r\nContent-Disposition: form-data; name="ref"\r\n\r\nWH-01\r\n'
        b'--bench\r\nContent-Disposition: form-data; name="file"; filename="ho-so.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n"
    )
    async for piece in _big_pdf(seed):
        digest.update(piece)
        yield piece
    yield b"\r\n--bench--\r\n"


async def _on_site(http: httpx.AsyncClient, headers: dict[str, dict[str, str]]) -> str:
    r = expect(
        await http.post("/inspections", json=START_BODY, headers=headers["coordinator"]),
        201,
        "POST /inspections",
    )
    iid = str(r.json()["inspection_id"])
    for step in HTTP_STEPS:
        if step.path == "visit":
            break
        path = f"/inspections/{iid}/{step.path}"
        expect(await http.post(path, json=step.body, headers=headers[step.who]), 200, path)
    return iid


async def _round(
    http: httpx.AsyncClient, pid: int, iid: str, leader: dict[str, str]
) -> dict[str, float]:
    """One 20 MiB upload and its download, with the API's memory around each."""
    digest = hashlib.sha256()
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # restart the high-water mark
    before = _status_kib(pid, "VmRSS")
    started = time.perf_counter()
    r = await http.post(
        f"/inspections/{iid}/evidence",
        content=_multipart(os.urandom(8).hex().encode(), digest),
        headers={**leader, "Content-Type": "multipart/form-data; boundary=bench"},
    )
    seconds = time.perf_counter() - started
    expect(r, 201, "upload")
    peak, after = _status_kib(pid, "VmHWM"), _status_kib(pid, "VmRSS")
    [stored] = r.json()["data"]
    if (stored["sha256"], stored["size"]) != (digest.hexdigest(), SIZE):
        raise BenchFailure(f"stored {stored['sha256']} of {stored['size']} bytes")

    Path(f"/proc/{pid}/clear_refs").write_text("5")
    down_before = _status_kib(pid, "VmRSS")
    started = time.perf_counter()
    back = hashlib.sha256()
    async with http.stream(
        "GET", f"/inspections/{iid}/evidence/{stored['id']}", headers=leader
    ) as response:
        expect(response, 200, "download")
        async for piece in response.aiter_bytes():
            back.update(piece)
    down_seconds = time.perf_counter() - started
    if back.hexdigest() != digest.hexdigest():
        raise BenchFailure("the download differs from the upload")
    return {
        "growth": _mib(peak - before),
        "kept": _mib(after - before),
        "seconds": seconds,
        "down_growth": _mib(_status_kib(pid, "VmHWM") - down_before),
        "down_seconds": down_seconds,
    }


async def measure(rounds: int, object_store: bool = False) -> dict[str, Any]:
    shutil.rmtree(WORK, ignore_errors=True)
    stack = Stack(WORK)
    blob_root = WORK.resolve() / ("objects" if object_store else "files")
    env = {"KIEMTRA_FILES_URL": f"file://{blob_root}"} if object_store else {}
    finished = False
    try:
        await stack.start_server()
        add_people(make_engine(stack.database_url))
        stack.start_worker()
        base = await asyncio.to_thread(lambda: stack.start_api(None, **env))
        async with httpx.AsyncClient(base_url=base, timeout=300) as http:
            headers = {}
            for username, *_ in ACCOUNTS:
                r = await http.post(
                    "/auth/token", data={"username": username, "password": PASSWORD}
                )
                token = expect(r, 200, f"sign-in of {username}").json()["access_token"]
                headers[username] = {"Authorization": f"Bearer {token}"}
            iid = await _on_site(http, headers)
            warm = await http.post(
                f"/inspections/{iid}/evidence",
                data={"target": "visit", "ref": "CD-01"},
                files=[("file", ("nho.pdf", b"%PDF-1.7\n" + os.urandom(1024), "application/pdf"))],
                headers=headers["leader"],
            )
            expect(warm, 201, "warm-up upload")
            pid = stack.apis[0].pid
            rss_start = _mib(_status_kib(pid, "VmRSS"))
            done = [await _round(http, pid, iid, headers["leader"]) for _ in range(rounds)]
            blobs = sum(1 for p in blob_root.glob("??/??/*") if p.is_file())
        finished = True
    finally:
        await stack.stop()
        keep_on_failure(WORK, finished)
    growth = max(d["growth"] for d in done)
    return {
        "name": "uploads_object_store" if object_store else "uploads",
        "parameters": {
            "file_bytes": SIZE,
            "rounds": rounds,
            "database": "sqlite",
            "store": "obstore, file://" if object_store else "local disk",
            "processes": "kiemtra worker and kiemtra api as child processes",
            "target_rss_growth_mib": TARGET_GROWTH_MIB,
        },
        "figures": {
            "rss_growth_mib": figure(growth, "MiB"),
            "rss_kept_mib": figure(max(d["kept"] for d in done), "MiB"),
            "seconds": figure(statistics.median(d["seconds"] for d in done), "s"),
            "upload_mib_per_s": figure(
                SIZE / 2**20 / statistics.median(d["seconds"] for d in done), "MiB/s"
            ),
            "download_rss_growth_mib": figure(max(d["down_growth"] for d in done), "MiB"),
            "download_seconds": figure(statistics.median(d["down_seconds"] for d in done), "s"),
            "api_rss_mib": figure(rss_start, "MiB"),
            "blobs": figure(blobs, "files"),
        },
        "meets_target": growth < TARGET_GROWTH_MIB,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3, help="20 MiB uploads, one after another")
    parser.add_argument(
        "--object-store",
        action="store_true",
        help="keep the files through obstore (a file:// object store) instead of on disk",
    )
    parser.add_argument(
        "--no-record", action="store_true", help="print only; leave results/latest.json"
    )
    args = parser.parse_args(argv)
    result = asyncio.run(measure(args.rounds, args.object_store))
    if args.no_record:
        show(result)
    else:
        publish([result])
    if not result["meets_target"]:
        raise SystemExit(f"rss_growth_mib over {TARGET_GROWTH_MIB}")


if __name__ == "__main__":
    main()
