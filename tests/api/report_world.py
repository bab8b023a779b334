"""The real cases of DOMAIN.md §1, built through the API only, in a province of their own.

- a thematic plan over the 81 schools of one ward: 28 visited, 2 under way, 1 cancelled;
- a year of 25 surprise inspections: 19 at commune-level People's Committees (seed 004; one
  of them at ward P02's one-stop shop, which counts under its ward), 3 at agencies, 3 at
  departments; one at commune X01 carried to closure with a referral for discipline, one
  at X01 still secret (team formed, not on site);
- plan 207/KH-UBND with four items: X05 inspected and in a second remediation cycle, X06
  cancelled by plan adjustment after its inspection started, X07 late, a department due.

Every figure the report tests assert is counted by hand in their comments from this file.
"""

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from states.calendar import local_date

PASSWORD = "mat-khau-tinh-chin"
PROVINCE = "R9"
COMMUNES = [f"R9-X{n:02d}" for n in range(1, 15)]  # 14 communes
WARDS = [f"R9-P{n:02d}" for n in range(1, 5)]  # 4 wards; P01 has the schools
DEPARTMENTS = ["R9-STC", "R9-SXD", "R9-SYT"]  # inspected by surprise
AGENCIES = ["R9-CC1", "R9-CC2", "R9-CC3"]
SHOP = "R9-P02-MC"  # ward P02's one-stop shop: the team visits it, not the ward's offices
SCHOOLS = [
    f"R9-P01-{kind}{n:02d}"
    for kind, count in (("MN", 27), ("TH", 30), ("THCS", 24))
    for n in range(1, count + 1)
]


def tree_csv() -> bytes:
    rows = [
        "code,name,level,parent_code",
        f"{PROVINCE},UBND tỉnh Chín,province,",
        f"R9-SNV,Sở Nội vụ tỉnh Chín,department,{PROVINCE}",
        f"R9-STP,Sở Tư pháp tỉnh Chín,department,{PROVINCE}",
        f"R9-STC,Sở Tài chính tỉnh Chín,department,{PROVINCE}",
        f"R9-SXD,Sở Xây dựng tỉnh Chín,department,{PROVINCE}",
        f"R9-SYT,Sở Y tế tỉnh Chín,department,{PROVINCE}",
        "R9-CC1,Chi cục Văn thư - Lưu trữ,agency,R9-SNV",
        "R9-CC2,Chi cục Quản lý giá,agency,R9-STC",
        "R9-CC3,Trung tâm Kiểm soát bệnh tật,agency,R9-SYT",
        *(f"{c},UBND xã Chín {c[-2:]},commune,{PROVINCE}" for c in COMMUNES),
        *(f"{w},UBND phường Chín {w[-2:]},ward,{PROVINCE}" for w in WARDS),
        *(f"{s},Trường {s[7:]} phường Chín 01,school,R9-P01" for s in SCHOOLS),
        f"{SHOP},Bộ phận một cửa phường Chín 02,one_stop_shop,R9-P02",
    ]
    return ("\n".join(rows) + "\n").encode()


ACCOUNTS = [
    ("coord9", "coordinator", "R9-SNV"),
    ("chair9", "decision_maker", PROVINCE),
    ("lead9", "inspector", "R9-SNV"),
    ("mem9", "inspector", "R9-STP"),
    ("rep9", "unit_rep", "R9-X01"),
    ("rep9b", "unit_rep", "R9-X05"),
    ("view9", "viewer", PROVINCE),
    ("view9stp", "viewer", "R9-STP"),  # a lateral office: never sees a secret inspection
]


def school_results(i: int) -> list[dict[str, Any]]:
    """School i of the 28 visited: WH-01 when i is even (14), ID-01 partial when i % 3 == 0
    (10), IR-02 when i % 7 == 0 (4); courtesy always compliant."""
    results = [{"criterion": "CD-01", "result": "compliant"}]
    if i % 2 == 0:
        results.append({"criterion": "WH-01", "result": "non_compliant", "note": "đi muộn"})
    if i % 3 == 0:
        results.append({"criterion": "ID-01", "result": "partial", "note": "không đeo thẻ"})
    if i % 7 == 0:
        results.append({"criterion": "IR-02", "result": "non_compliant", "note": "lịch tuần"})
    return results


LATE = [
    {"criterion": "WH-01", "result": "non_compliant", "note": "02 công chức đến muộn"},
    {"criterion": "CD-01", "result": "compliant"},
]
POSTING = [
    {"criterion": "OS-01", "result": "partial", "note": "thiếu niêm yết TTHC"},
    {"criterion": "WH-01", "result": "compliant"},
]
TEAM = {
    "members": [
        {"username": "lead9", "team_role": "team_leader"},
        {"username": "mem9", "team_role": "member"},
    ]
}


@dataclass
class World:
    http: httpx.AsyncClient
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    org: dict[str, str] = field(default_factory=dict)  # code → id
    year: int = 0
    school_plan: dict[str, Any] = field(default_factory=dict)
    plan_207: dict[str, Any] = field(default_factory=dict)
    secret_id: str = ""
    closed_id: str = ""
    gate: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(8))

    async def call(self, who: str, path: str, body: Any = None) -> dict[str, Any]:
        async with self.gate:
            r = await self.http.post(path, json=body, headers=self.headers[who])
        assert r.status_code in (200, 201), f"{who} {path}: {r.status_code} {r.text}"
        result: dict[str, Any] = r.json()
        return result

    async def run(self, iid: str, steps: list[tuple[str, str, Any]]) -> dict[str, Any]:
        snapshot: dict[str, Any] = {}
        for who, path, body in steps:
            snapshot = await self.call(who, f"/inspections/{iid}/{path}", body)
        return snapshot

    async def start(self, kind: str, title: str, **extra: Any) -> str:
        body = {"kind": kind, "title": title} | extra
        return str((await self.call("coord9", "/inspections", body))["inspection_id"])

    def item(self, plan: dict[str, Any], code: str) -> str:
        unit = self.org[code]
        return str(next(i["id"] for i in plan["items"] if i["unit_id"] == unit))


async def build(http: httpx.AsyncClient, admin: dict[str, str]) -> World:
    w = World(http, year=local_date(datetime.now(UTC)).year)
    r = await http.post(
        "/organisations/import",
        content=tree_csv(),
        headers=admin | {"Content-Type": "text/csv"},
    )
    assert r.status_code == 200, r.text
    orgs = (await http.get("/organisations", headers=admin)).json()["data"]
    w.org = {o["code"]: o["id"] for o in orgs if o["code"].startswith(PROVINCE)}
    for username, role, code in ACCOUNTS:
        body = {"username": username, "password": PASSWORD, "role": role}
        r = await http.post("/users", json=body | {"organisation_id": w.org[code]}, headers=admin)
        assert r.status_code == 201, r.text
        token = await http.post("/auth/token", data={"username": username, "password": PASSWORD})
        w.headers[username] = {"Authorization": f"Bearer {token.json()['access_token']}"}
    await asyncio.gather(_schools(w), _surprises(w), _plan_207(w))
    return w


async def _schools(w: World) -> None:
    y = w.year
    w.school_plan = await w.call(
        "coord9",
        "/plans",
        {
            "number": "12/KH-UBND",
            "year": y,
            "kind": "thematic",
            "issued_on": f"{y}-01-10",
            "title": "Kiểm tra chuyên đề kỷ luật, kỷ cương hành chính tại trường học",
            "topic": "Kỷ luật, kỷ cương hành chính trong trường học",
            "items": [
                {
                    "target": {"under": w.org["R9-P01"], "levels": ["school"]},
                    "period": f"{y}-Q4",
                    "content": ["WH", "ID", "CD", "IR"],
                }
            ],
        },
    )
    plan_id = w.school_plan["id"]

    async def visit(i: int, code: str) -> None:
        iid = await w.start(
            "thematic", f"Kiểm tra {code}", plan_item_id=w.item(w.school_plan, code)
        )
        await w.run(
            iid,
            [
                ("coord9", "team", TEAM),
                ("coord9", "notice", {}),
                ("lead9", "visit/start", None),
                ("lead9", "visit", {"results": school_results(i)}),
            ],
        )

    async def under_way(code: str) -> None:
        iid = await w.start(
            "thematic", f"Kiểm tra {code}", plan_item_id=w.item(w.school_plan, code)
        )
        await w.run(iid, [("coord9", "team", TEAM)])

    await asyncio.gather(
        *(visit(i, code) for i, code in enumerate(SCHOOLS[:28])),
        *(under_way(code) for code in SCHOOLS[28:30]),
    )
    cancelled = w.item(w.school_plan, SCHOOLS[30])
    await w.call(
        "chair9", f"/plans/{plan_id}/items/{cancelled}/cancel", {"reason": "Trường giải thể"}
    )


async def _surprises(w: World) -> None:
    async def visited(code: str, results: list[dict[str, Any]]) -> str:
        # Home Affairs decides on its own sub-agency itself: coordinating the province's
        # decision on it, its office would stand in the agency's managing chain.
        own = {"decision": {"issuer_id": w.org["R9-SNV"]}} if code == "R9-CC1" else {}
        iid = await w.start("surprise", f"Kiểm tra đột xuất {code}", unit_id=w.org[code], **own)
        await w.run(
            iid,
            [
                ("coord9", "team", TEAM),
                ("lead9", "visit/start", None),
                ("lead9", "visit", {"results": results}),
            ],
        )
        return iid

    async def carried_to_closure() -> None:
        results = [*LATE, {"criterion": "ID-01", "result": "partial", "note": "không đeo thẻ"}]
        w.closed_id = iid = await visited("R9-X01", results)
        orders = [
            {"finding_no": 1, "action": "Chấn chỉnh giờ giấc"},
            {"finding_no": 2, "action": "Đeo thẻ", "discipline_recommended": ["Trần Văn B"]},
        ]
        items = [{"finding_no": n, "report": "Đã khắc phục"} for n in (1, 2)]
        await w.run(
            iid,
            [
                ("lead9", "findings-report", {}),
                ("chair9", "conclusion", {"orders": orders}),
                ("rep9", "acknowledge", None),
                ("rep9", "remediation-report", {"items": items}),
                ("coord9", "reinspection", {}),
                # Referred to discipline: its record first (the managing authority decides).
                (
                    "coord9",
                    "discipline",
                    {
                        "finding_no": 2,
                        "person_name": "Trần Văn B",
                        "category": "civil_servant",
                        "authority_id": w.org["R9-X01"],
                        "proposed_form": "reprimand",
                    },
                ),
                (
                    "lead9",
                    "verification",
                    {
                        "results": [
                            {"finding_no": 1, "outcome": "resolved"},
                            {"finding_no": 2, "outcome": "referred"},
                        ]
                    },
                ),
            ],
        )

    async def secret() -> None:
        w.secret_id = await w.start("surprise", "Kiểm tra đột xuất X01", unit_id=w.org["R9-X01"])
        await w.run(w.secret_id, [("coord9", "team", TEAM)])

    await asyncio.gather(
        carried_to_closure(),
        secret(),
        *(visited(code, LATE) for code in [*COMMUNES[1:], WARDS[0], SHOP, *WARDS[2:]]),
        *(visited(code, POSTING) for code in [*AGENCIES, *DEPARTMENTS]),
    )


async def _plan_207(w: World) -> None:
    y = w.year
    w.plan_207 = plan = await w.call(
        "coord9",
        "/plans",
        {
            "number": "207/KH-UBND",
            "year": y,
            "issued_on": f"{y}-01-05",
            "title": f"Kế hoạch kiểm tra công vụ năm {y}",
            "items": [
                {"unit_id": w.org["R9-X05"], "period": f"{y}-Q1"},
                {"unit_id": w.org["R9-X06"], "period": f"{y}-Q2"},
                {"unit_id": w.org["R9-X07"], "period": f"{y}-03"},
                {"unit_id": w.org["R9-STP"], "period": f"{y}-Q4"},
            ],
        },
    )
    x05 = await w.start("planned", "Kiểm tra công vụ X05", plan_item_id=w.item(plan, "R9-X05"))
    items = [{"finding_no": n, "report": "Đã khắc phục"} for n in (1, 2)]
    await w.run(
        x05,
        [
            ("coord9", "team", TEAM),
            ("coord9", "notice", {}),
            ("lead9", "visit/start", None),
            (
                "lead9",
                "visit",
                {
                    "results": [
                        LATE[0],
                        {"criterion": "IR-01", "result": "non_compliant", "note": "quy chế cũ"},
                    ]
                },
            ),
            ("lead9", "findings-report", {}),
            ("chair9", "conclusion", {}),
            ("rep9b", "acknowledge", None),
            ("rep9b", "remediation-report", {"items": items}),
            ("coord9", "reinspection", {}),
            (
                "lead9",
                "verification",
                {
                    "results": [
                        {"finding_no": 1, "outcome": "resolved"},
                        {"finding_no": 2, "outcome": "unresolved"},
                    ]
                },
            ),
        ],
    )
    x06_item = w.item(plan, "R9-X06")
    x06 = await w.start("planned", "Kiểm tra công vụ X06", plan_item_id=x06_item)
    await w.run(x06, [("coord9", "team", TEAM)])
    await w.call(
        "chair9",
        f"/plans/{plan['id']}/items/{x06_item}/cancel",
        {"reason": "Điều chỉnh kế hoạch: xã sắp xếp lại đơn vị hành chính"},
    )
