"""What the evidence tests share: sample files of each kind, a fake clamd, an inspection
driven to the step a test needs, and a look into the file store's directory."""

import asyncio
import io
import os
import struct
import zipfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.api.conftest import People
from tests.api.test_lifecycle_api import post, results, start, team

# Assembled from two halves so that no scanner takes this source for the test virus.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5f0b1d70000000049454e44ae426082"
)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def pdf(text: str = "biên bản", size: int = 0) -> bytes:
    """A small PDF-looking file; ``size`` pads it with random bytes (unique content)."""
    body = f"%PDF-1.7\n% {text}\n".encode() + os.urandom(16)
    return body + os.urandom(max(0, size - len(body)))


def office(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


def docx(extra: dict[str, bytes] | None = None) -> bytes:
    types = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/"/>'
    return office(
        {
            "[Content_Types].xml": types,
            "word/document.xml": b"<w:document/>" + os.urandom(8).hex().encode(),
            **(extra or {}),
        }
    )


def xlsx() -> bytes:
    types = b'<?xml version="1.0"?><Types/>'
    return office({"[Content_Types].xml": types, "xl/workbook.xml": b"<workbook/>"})


def form(target: str, ref: str, **extra: str) -> dict[str, str]:
    return {"target": target, "ref": ref, **extra}


async def upload(
    http: httpx.AsyncClient,
    people: People,
    who: str,
    iid: str,
    data: dict[str, str],
    files: list[tuple[str, bytes, str]],
) -> httpx.Response:
    """POST the files (name, content, the client's content type) with the fields first."""
    parts = [("file", (name, content, kind)) for name, content, kind in files]
    return await http.post(
        f"/inspections/{iid}/evidence", data=data, files=parts, headers=people.headers[who]
    )


def blobs(root: Path) -> list[Path]:
    """Every blob in a local file store."""
    return sorted(p for p in root.glob("??/??/*") if p.is_file())


def leftovers(root: Path) -> list[Path]:
    """Staged files nobody committed or discarded."""
    return sorted((root / "tmp").glob("*")) if (root / "tmp").exists() else []


async def on_site(http: httpx.AsyncClient, people: People, kind: str = "planned") -> str:
    """A new inspection of the commune with the team (leader, member) on site."""
    iid = str((await start(http, people, kind=kind))["inspection_id"])
    steps: list[tuple[str, str, Any]] = [("coordinator", "team", team(people))]
    if kind == "planned":
        steps.append(("coordinator", "notice", {}))
    steps.append(("leader", "visit/start", None))
    for who, path, body in steps:
        r = await post(http, people, who, f"/inspections/{iid}/{path}", body)
        assert r.status_code == 200, r.text
    return iid


async def concluded(http: httpx.AsyncClient, people: People, iid: str) -> None:
    """Minutes with findings 1 (WH-01) and 2 (ID-01), then the conclusion."""
    r = await post(
        http,
        people,
        "leader",
        f"/inspections/{iid}/visit",
        {"results": results(["WH-01", "ID-01"])},
    )
    assert r.status_code == 200, r.text
    # Where the findings report is a step of its own, the leader sends it first.
    for action in r.json()["allowed_actions"]:
        if action["trigger"] == "report_findings":
            path = action["path"].removeprefix("/api/v1")
            assert (await post(http, people, "leader", path, {})).status_code == 200
    r = await post(http, people, "decision_maker", f"/inspections/{iid}/conclusion", {})
    assert r.status_code == 200 and r.json()["state"] == "remediation_requested", r.text


@asynccontextmanager
async def fake_clamd() -> AsyncIterator[str]:
    """clamd's INSTREAM protocol on a free port: the test virus is FOUND, all else OK."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            assert await reader.readuntil(b"\0") == b"zINSTREAM\0"
            data = bytearray()
            while (n := struct.unpack(">I", await reader.readexactly(4))[0]) > 0:
                data += await reader.readexactly(n)
            found = EICAR in data
            writer.write(b"stream: Eicar-Test-Signature FOUND\0" if found else b"stream: OK\0")
            await writer.drain()
        finally:
            writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.close()
        await server.wait_closed()
