"""Evidence files over HTTP on the real stack: upload, list, download, one blob per content,
the limits and the sniffed types, the two sides, surprise secrecy, the clamd hook and a store
reached through obstore.

The module serves an app of its own with a small upload limit (64 KiB) and its own file
store directory, so what is (and is not) left on disk can be looked at."""

import hashlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from temporalio.client import Client

from states.vocabulary import Role
from store.tables import EvidenceFile, SecurityLog
from testkit.people import add_people
from tests.api.conftest import PASSWORD, People, api_settings, serve
from tests.api.evidence_world import (
    DOCX,
    EICAR,
    PNG_1PX,
    XLSX,
    blobs,
    docx,
    fake_clamd,
    form,
    leftovers,
    on_site,
    pdf,
    upload,
    xlsx,
)
from tests.api.test_lifecycle_api import start, team

LIMIT = 64 * 1024


@dataclass
class Served:
    http: httpx.AsyncClient
    files: Path  # the local file store's root
    iid: str  # an inspection with its team on site


@pytest.fixture(scope="module")
async def served(
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_url: str,
    engine: Engine,
    client: Client,
    task_queue: str,
    people: People,
) -> AsyncIterator[Served]:
    data_dir = tmp_path_factory.mktemp("evidence")
    settings = api_settings(data_dir, sqlite_url, task_queue, 20).model_copy(
        update={"max_upload_bytes": LIMIT}
    )
    async with (
        serve(settings, engine, client) as url,
        httpx.AsyncClient(
            base_url=f"{url}/api/v1", timeout=60, headers={"Accept-Language": "en"}
        ) as http,
    ):
        yield Served(http, data_dir / "files", await on_site(http, people))


@pytest.fixture(scope="module")
async def other_rep(served: Served, engine: Engine) -> dict[str, str]:
    """A unit representative of another commune (Bình An) of the same province."""
    username = f"rep_{uuid.uuid4().hex[:6]}"
    add_people(engine, [], [(username, Role.UNIT_REP, "org-commune-binh-an", "")], PASSWORD)
    r = await served.http.post("/auth/token", data={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def rows_of(engine: Engine, iid: str) -> list[EvidenceFile]:
    with Session(engine) as session:
        return list(session.exec(select(EvidenceFile).where(EvidenceFile.inspection_id == iid)))


async def test_upload_list_download_and_one_blob_per_content(
    served: Served, people: People
) -> None:
    http, iid = served.http, served.iid
    content = pdf("biên bản làm việc")
    r = await upload(
        http,
        people,
        "leader",
        iid,
        form("visit", "WH-01", effective_on="2026-01-05"),
        [('..\\..\\Biên bản\r\n"lịch" tuần.exe', content, "text/html"), ("ảnh.png", PNG_1PX, "")],
    )
    assert r.status_code == 201, r.text
    first, image = r.json()["data"]
    assert first["name"] == "Biên bản lịch tuần.pdf"  # the path, line break and quotes gone
    assert (first["media_type"], first["size"]) == ("application/pdf", len(content))
    assert first["sha256"] == hashlib.sha256(content).hexdigest()
    assert (first["target"], first["ref"], first["cycle"]) == ("visit", "WH-01", 1)
    assert first["effective_on"] == "2026-01-05" and first["uploaded_by"] == people.ids["leader"]
    assert (image["media_type"], image["name"]) == ("image/png", "ảnh.png")

    listed = await http.get(f"/inspections/{iid}/evidence", headers=people.headers["unit_rep"])
    assert listed.status_code == 200
    assert {f["id"] for f in listed.json()["data"]} >= {first["id"], image["id"]}

    got = await http.get(
        f"/inspections/{iid}/evidence/{first['id']}", headers=people.headers["viewer"]
    )
    assert got.status_code == 200 and got.content == content
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert got.headers["content-disposition"] == (
        'attachment; filename="Bien ban lich tuan.pdf"; '
        "filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%20l%E1%BB%8Bch%20tu%E1%BA%A7n.pdf"
    )

    # The same content again, by another team member under another name: one blob.
    before = blobs(served.files)
    r = await upload(http, people, "member", iid, form("visit", "ID-01"), [("x.pdf", content, "")])
    assert r.status_code == 201, r.text
    assert r.json()["data"][0]["sha256"] == first["sha256"]
    assert blobs(served.files) == before
    [blob] = [p for p in before if p.name == first["sha256"]]
    assert blob.read_bytes() == content and blob.stat().st_mode & 0o777 == 0o600
    assert leftovers(served.files) == []


async def test_office_files_are_recognised_and_others_refused(
    served: Served, people: People, engine: Engine
) -> None:
    http, iid = served.http, served.iid
    r = await upload(
        http, people, "leader", iid, form("visit", "CD-01"),
        [("bang.xlsx", xlsx(), XLSX), ("van-ban", docx(), "application/octet-stream")],
    )  # fmt: skip
    assert r.status_code == 201, r.text
    assert [(f["media_type"], f["name"]) for f in r.json()["data"]] == [
        (XLSX, "bang.xlsx"),
        (DOCX, "van-ban.docx"),
    ]
    before = (len(rows_of(engine, iid)), blobs(served.files))
    refused = [
        ("trang.pdf", b"<!doctype html><script>alert(1)</script>", "application/pdf"),
        ("chuong-trinh.pdf", b"MZ\x90\x00" + bytes(200), "application/pdf"),
        ("macro.docx", docx({"word/vbaProject.bin": b"\0" * 64}), DOCX),
        ("zip.docx", docx().replace(b"word/document.xml", b"word/other_xx.xml"), DOCX),
    ]
    for name, content, kind in refused:
        # A good file beside it changes nothing: the upload is taken whole or not at all.
        r = await upload(
            http, people, "leader", iid, form("visit", "CD-01"),
            [("tot.pdf", pdf(), ""), (name, content, kind)],
        )  # fmt: skip
        assert r.status_code == 422, (name, r.text)
        assert r.json()["detail"]["file"] == name
    vi = await http.post(
        f"/inspections/{iid}/evidence",
        data=form("visit", "CD-01"),
        files=[("file", ("a.pdf", b"GIF89a", "image/gif"))],
        headers={**people.headers["leader"], "Accept-Language": "vi"},
    )
    assert vi.status_code == 422 and "không thuộc loại được nhận" in vi.json()["message"]
    assert (len(rows_of(engine, iid)), blobs(served.files)) == before
    assert leftovers(served.files) == []


async def test_over_the_limit_is_refused_while_streaming_and_nothing_is_kept(
    served: Served, people: People, engine: Engine
) -> None:
    http, iid = served.http, served.iid
    before = (len(rows_of(engine, iid)), blobs(served.files))
    at_limit = await upload(
        http, people, "leader", iid, form("visit", "WH-01"), [("a.pdf", pdf(size=LIMIT), "")]
    )
    assert at_limit.status_code == 201, at_limit.text
    before = (len(rows_of(engine, iid)), blobs(served.files))

    r = await upload(
        http, people, "leader", iid, form("visit", "WH-01"), [("b.pdf", pdf(size=LIMIT + 1), "")]
    )
    assert r.status_code == 413 and r.json()["error"] == "payload_too_large"

    async def endless() -> AsyncIterator[bytes]:
        """A chunked body without a length: cut off by the edge once past the limit."""
        head = (
            b'--b\r\nContent-Disposition: form-data; name="target"\r\n\r\nvisit\r\n'
            b'--b\r\nContent-Disposition: form-data; name="ref"\r\n\r\nWH-01\r\n'
            b'--b\r\nContent-Disposition: form-data; name="file"; filename="c.pdf"\r\n\r\n'
        )
        yield head + b"%PDF-1.7\n"
        for _ in range(256):  # 16 MiB, far past the limit: thrown away unread
            yield bytes(64 * 1024)

    r = await http.post(
        f"/inspections/{iid}/evidence",
        content=endless(),
        headers={**people.headers["leader"], "Content-Type": "multipart/form-data; boundary=b"},
    )
    assert r.status_code == 413
    # Ten files of 40 KiB each: each under the limit, together over what one request brings.
    r = await upload(
        http, people, "leader", iid, form("visit", "WH-01"),
        [(f"{n}.pdf", pdf(size=40 * 1024), "") for n in range(10)],
    )  # fmt: skip
    assert r.status_code == 413
    assert (len(rows_of(engine, iid)), blobs(served.files)) == before
    assert leftovers(served.files) == []


async def test_bad_fields_are_refused_with_a_clear_4xx(
    served: Served, people: People, engine: Engine
) -> None:
    http, iid = served.http, served.iid
    before = len(rows_of(engine, iid))
    one = [("a.pdf", pdf(), "")]
    cases = [
        (form("complaint", "c1"), one, 422),
        (form("visit", "XX-99"), one, 422),  # not on the checklist
        (form("visit", "W" * 33), one, 422),
        (form("visit", "WH-01\r\nX"), one, 422),
        (form("visit", "WH-01", effective_on="2999-01-01"), one, 422),
        (form("visit", "WH-01", effective_on="05/01/2026"), one, 422),
        (form("visit", "WH-01"), [], 422),
        (form("visit", "WH-01"), [(f"{n}.pdf", pdf(), "") for n in range(11)], 422),
        ({"ref": "WH-01"}, one, 422),
    ]
    for data, files, status in cases:
        r = await upload(http, people, "leader", iid, data, files)
        assert r.status_code == status, (data, r.text)
    r = await http.post(
        f"/inspections/{iid}/evidence", json={"target": "visit"}, headers=people.headers["leader"]
    )
    assert r.status_code == 422
    r = await http.get(f"/inspections/{iid}/evidence/{'f' * 65}", headers=people.headers["leader"])
    assert r.status_code == 422
    assert len(rows_of(engine, iid)) == before


async def test_each_side_attaches_only_its_own_evidence(
    served: Served, people: People, other_rep: dict[str, str], engine: Engine
) -> None:
    http, iid = served.http, served.iid
    before = len(rows_of(engine, iid))
    one = [("a.pdf", pdf(), "")]
    # The unit does not attach to the team's minutes, nor the team to the unit's report.
    r = await upload(http, people, "unit_rep", iid, form("visit", "WH-01"), one)
    assert r.status_code == 403 and r.json()["error"] == "not_allowed"
    r = await upload(http, people, "member", iid, form("remediation", "1"), one)
    assert r.status_code == 403
    r = await upload(http, people, "coordinator", iid, form("visit", "WH-01"), one)
    assert r.status_code == 403
    # The unit's own target is refused by the step: there is nothing to remediate yet.
    r = await upload(http, people, "unit_rep", iid, form("remediation", "1"), one)
    assert r.status_code == 409
    # Another unit and another province do not see the inspection at all.
    for headers in (other_rep, people.headers["inspector2"]):
        for r in (
            await http.post(
                f"/inspections/{iid}/evidence",
                data=form("visit", "WH-01"),
                files=[("file", ("a.pdf", pdf(), ""))],
                headers=headers,
            ),
            await http.get(f"/inspections/{iid}/evidence", headers=headers),
        ):
            assert r.status_code == 404, r.text
    listed = await http.get(f"/inspections/{iid}/evidence", headers=people.headers["leader"])
    some = listed.json()["data"][0]["id"]
    r = await http.get(f"/inspections/{iid}/evidence/{some}", headers=other_rep)
    assert r.status_code == 404
    # Another inspection's file is not found under this one.
    elsewhere = (await start(http, people))["inspection_id"]
    r = await http.get(
        f"/inspections/{elsewhere}/evidence/{some}", headers=people.headers["coordinator"]
    )
    assert r.status_code == 404
    r = await http.get(
        f"/inspections/{iid}/evidence", params={"include_removed": "true"},
        headers=people.headers["unit_rep"],
    )  # fmt: skip
    assert r.status_code == 403
    assert len(rows_of(engine, iid)) == before


async def test_a_surprise_inspection_has_no_evidence_for_the_unit_before_the_visit(
    served: Served, people: People
) -> None:
    http = served.http
    iid = (await start(http, people, kind="surprise"))["inspection_id"]
    coordinator, unit = people.headers["coordinator"], people.headers["unit_rep"]
    r = await http.post(f"/inspections/{iid}/team", json=team(people), headers=coordinator)
    assert r.status_code == 200
    unknown = "0" * 32
    for path in ("/evidence", f"/evidence/{unknown}"):
        hidden = await http.get(f"/inspections/{iid}{path}", headers=unit)
        missing = await http.get(f"/inspections/{unknown}{path}", headers=unit)
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json()["message"] == missing.json()["message"].replace(unknown, iid)
    # Before the visit, not even the team attaches anything.
    r = await upload(http, people, "leader", iid, form("visit", "WH-01"), [("a.pdf", pdf(), "")])
    assert r.status_code == 409
    assert (await http.get(f"/inspections/{iid}/evidence", headers=coordinator)).json()[
        "count"
    ] == 0
    r = await http.post(f"/inspections/{iid}/visit/start", headers=people.headers["leader"])
    assert r.status_code == 200
    r = await upload(http, people, "leader", iid, form("visit", "WH-01"), [("a.pdf", pdf(), "")])
    assert r.status_code == 201
    file_id = r.json()["data"][0]["id"]
    assert (await http.get(f"/inspections/{iid}/evidence", headers=unit)).json()["count"] == 1
    r = await http.get(f"/inspections/{iid}/evidence/{file_id}", headers=unit)
    assert r.status_code == 200


async def test_clamd_refuses_the_test_virus_and_answers_503_when_it_is_gone_with_obstore(
    served: Served,
    people: People,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_url: str,
    engine: Engine,
    client: Client,
    task_queue: str,
) -> None:
    data_dir = tmp_path_factory.mktemp("clamd")
    objects = data_dir / "objects"  # this app keeps its files through obstore
    async with fake_clamd() as address:
        settings = api_settings(data_dir, sqlite_url, task_queue, 20).model_copy(
            update={"clamd": address, "files_url": f"file://{objects}"}
        )
        async with (
            serve(settings, engine, client) as url,
            httpx.AsyncClient(base_url=f"{url}/api/v1", timeout=60) as http,
        ):
            iid = served.iid
            clean = await upload(
                http, people, "leader", iid, form("visit", "WH-01"), [("ok.pdf", pdf(), "")]
            )
            assert clean.status_code == 201, clean.text
            [kept] = clean.json()["data"]
            assert [p.name for p in blobs(objects)] == [kept["sha256"]]
            r = await http.get(
                f"/inspections/{iid}/evidence/{kept['id']}", headers=people.headers["leader"]
            )
            assert r.status_code == 200 and hashlib.sha256(r.content).hexdigest() == kept["sha256"]
            infected = pdf() + EICAR
            r = await upload(
                http, people, "leader", iid, form("visit", "WH-01"), [("x.pdf", infected, "")]
            )
            assert r.status_code == 422 and r.json()["detail"]["reason"] == "malware"
            assert "mã độc" in r.json()["message"]
            sha = hashlib.sha256(infected).hexdigest()
            assert sha not in {p.name for p in blobs(objects)}
            assert sha not in {f.sha256 for f in rows_of(engine, iid)}
            with Session(engine) as session:
                logged = session.exec(
                    select(SecurityLog)
                    .where(SecurityLog.reason == "malware")
                    .where(SecurityLog.user_id == people.ids["leader"])
                    .order_by(col(SecurityLog.id).desc())
                ).first()
            assert logged is not None and logged.status == 422
    # The same app, its clamd gone: nothing can be judged, so nothing is taken.
    async with (
        serve(settings, engine, client) as url,
        httpx.AsyncClient(base_url=f"{url}/api/v1", timeout=60) as http,
    ):
        r = await upload(
            http, people, "leader", served.iid, form("visit", "WH-01"), [("ok.pdf", pdf(), "")]
        )
        assert r.status_code == 503 and r.json()["error"] == "unavailable"
    assert list((data_dir / "files-staging").iterdir()) == []
