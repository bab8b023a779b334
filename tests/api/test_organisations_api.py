"""The organisation import refuses a bad file whole, naming the line and the column."""

import uuid

import httpx
import pytest

from tests.api.conftest import People
from tests.api.test_errors_api import assert_error

HEADER = "code,name,level,parent_code,valid_from,valid_to"


def files(tag: str) -> list[tuple[str, bytes, str]]:
    """(case, file, what the message must say); each file starts with a good line 2, so a
    refusal that wrote anything would leave ``{tag}-OK`` behind."""
    good = f"{tag}-OK,UBND xã Tốt,commune,,,"

    def lines(*rest: str) -> bytes:
        return "\n".join([HEADER, good, *rest]).encode() + b"\n"

    return [
        ("missing column", lines(f"{tag}-A,UBND xã A,commune"), "line 3: 3 fields"),
        ("extra column", lines(f"{tag}-A,UBND xã A,commune,,,,x"), "line 3: 7 fields"),
        (
            "wrong header",
            f"code,name,level,parnt_code\n{tag}-A,Xã A,commune,\n".encode(),
            "line 1, column parnt_code: unknown column",
        ),
        ("header without level", b"code,name\nA,B\n", "line 1: missing column level"),
        ("empty file", b"", "line 1: the file is empty"),
        ("header only", f"{HEADER}\n".encode(), "line 2: no organisations"),
        (
            "bad date",
            lines(f"{tag}-A,Xã A,commune,,2026-02-30,"),
            "line 3, column valid_from: '2026-02-30' is not a date",
        ),
        (
            "end before start",
            lines(f"{tag}-A,Xã A,commune,,2026-03-01,2026-02-01"),
            "line 3, column valid_to",
        ),
        (
            "unknown parent",
            lines(f"{tag}-A,Xã A,commune,{tag}-NOPE,,"),
            f"line 3, column parent_code: unknown parent {tag}-NOPE",
        ),
        (
            "parent below its child",
            lines(f"{tag}-A,Xã A,commune,{tag}-B,,", f"{tag}-B,Tỉnh B,province,,,"),
            f"line 3, column parent_code: parent {tag}-B comes later in the file (line 4)",
        ),
        (
            "duplicate code",
            lines(f"{tag}-A,Xã A,commune,,,", "", f"{tag}-A,Xã A lần hai,commune,,,"),
            f"line 5, column code: code {tag}-A is already on line 3",
        ),
        (
            "not UTF-8",
            # "Xã A" as Windows-1258 writes it, from a spreadsheet saved in the legacy code page.
            lines(f"{tag}-A,Xa A,commune,,,").replace(b"Xa A", b"X\xe3 A"),
            "line 3: byte 0xE3 is not UTF-8",
        ),
        ("required value", lines(f"{tag}-A,,commune,,,"), "line 3, column name: a value"),
        (
            "control character",
            lines(f"{tag}-A,Xã\x00A,commune,,,"),
            "line 3, column name: control character U+0000",
        ),
        ("bad quoting", lines(f'{tag}-A,"Xã "A,commune,,,'), "line 3: not valid CSV"),
        ("too long", lines(f"{tag}-A,{'x' * 301},commune,,,"), "line 3, column name: longer"),
    ]


CASES = [case for case, _, _ in files("x")]


@pytest.mark.parametrize("case", CASES)
async def test_a_bad_file_is_refused_whole_naming_the_line(
    http: httpx.AsyncClient, people: People, case: str
) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    data, said = next((data, said) for name, data, said in files(tag) if name == case)
    admin = people.headers["admin"] | {"Content-Type": "text/csv"}

    r = await http.post("/organisations/import", content=data, headers=admin)

    body = assert_error(r, 422, "invalid_payload")
    assert said in body["message"], body
    assert body["detail"]["line"] == int(said.split()[1].rstrip(":,"))
    listed = (await http.get("/organisations", headers=people.headers["admin"])).json()
    assert not [o for o in listed["data"] if o["code"].startswith(tag)]


async def test_a_good_file_with_bom_parents_first_and_blank_lines(
    http: httpx.AsyncClient, people: People
) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    data = (
        "\ufeffcode,name,level,parent_code,valid_from\r\n"
        f"{tag}-P,UBND tỉnh Thử,province,,2025-07-01\r\n"
        "\r\n"
        f'{tag}-C,"UBND xã Một, tỉnh Thử",commune,{tag}-P,\r\n'
    ).encode()
    admin = people.headers["admin"] | {"Content-Type": "text/csv"}

    r = await http.post("/organisations/import", content=data, headers=admin)

    assert r.status_code == 200 and r.json() == {"created": 2, "skipped": 0}, r.text
    listed = (await http.get("/organisations", headers=people.headers["admin"])).json()
    mine = {o["code"]: o for o in listed["data"] if o["code"].startswith(tag)}
    assert mine[f"{tag}-P"]["valid_from"] == "2025-07-01"
    assert mine[f"{tag}-C"]["name"] == "UBND xã Một, tỉnh Thử"
    assert mine[f"{tag}-C"]["parent_id"] == mine[f"{tag}-P"]["id"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("id", "a/b"), ("code", "X\x00"), ("name", "UBND xã\x0bAn Phú"), ("level", "commune\n")],
)
async def test_an_organisation_with_a_bad_character_is_refused(
    http: httpx.AsyncClient, people: People, field: str, value: str
) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    body = {"id": tag, "code": tag, "name": "UBND xã Thử", "level": "commune"} | {field: value}

    r = await http.post("/organisations", json=body, headers=people.headers["admin"])

    assert_error(r, 422, "invalid_payload")
    listed = (await http.get("/organisations", headers=people.headers["admin"])).json()
    assert not [o for o in listed["data"] if tag in (o["id"], o["code"])]
