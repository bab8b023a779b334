"""The register of complaints as pages: receive a complaint through the form (a bad one is
shown back with its fault and changes nothing), start a complaint inspection from it with
the form prefilled, close another with a reason; a viewer reads no identity, the unit no
complaint at all."""

import re

from sqlalchemy import Engine
from sqlmodel import Session, func, select

from store.tables import Complaint
from testkit import samples as b
from tests.api.web.conftest import Pages

FORM = {
    "received_on": "2026-03-02",
    "channel": "email",
    "unit_id": b.COMMUNE,
    "people_named": "Cán bộ tiếp nhận hồ sơ",
    "content": "Hẹn trả kết quả nhiều lần nhưng không có phiếu xin lỗi.",
    "criterion": "OS-04",
    "complainant_name": "Trần Thị Mai",
    "complainant_email": "mai.tran@example.vn",
}
COMPLAINT_URL = re.compile(r"/complaints/([0-9a-f]{32})\?done=received")


def count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Complaint)).one()


async def test_a_complaint_is_received_inspected_and_closed_through_the_pages(
    pages: Pages, engine: Engine
) -> None:
    coordinator = await pages("coordinator")
    register = await coordinator.get("/complaints")
    assert register.status_code == 200
    assert "Sổ tiếp nhận phản ánh, kiến nghị" in register.text
    assert 'href="/complaints"' in register.text  # the menu names it

    before = count(engine)
    bad = await coordinator.post("/complaints", FORM | {"content": "", "complainant_phone": "abc"})
    assert bad.status_code == 422
    assert 'aria-invalid="true"' in bad.text and "Trần Thị Mai" in bad.text  # kept as typed
    assert count(engine) == before

    # The form carries its own key: a double click records one complaint.
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', bad.text)
    assert key
    received = await coordinator.post("/complaints", FORM | {"idempotency_key": key.group(1)})
    assert received.status_code == 303, received.text
    twice = await coordinator.post("/complaints", FORM | {"idempotency_key": key.group(1)})
    assert twice.headers["location"] == received.headers["location"]
    assert count(engine) == before + 1
    found = COMPLAINT_URL.search(received.headers["location"])
    assert found is not None
    cid = found.group(1)
    shown = await coordinator.get(received.headers["location"])
    assert "Đã tiếp nhận phản ánh." in shown.text and "mai.tran@example.vn" in shown.text

    # The start form comes prefilled: the unit, the kind and the complaint.
    start = await coordinator.get(f"/inspections/new?complaint={cid}")
    assert start.status_code == 200
    assert f'name="complaint_ids[]" value="{cid}"' in start.text
    assert 'value="complaint" selected' in start.text
    started = await coordinator.post(
        "/inspections/new",
        {
            "kind": "complaint",
            "unit_id": b.COMMUNE,
            "title": "Kiểm tra công vụ theo phản ánh",
            "complaint_ids[]": cid,
            "idempotency_key": f"page-{cid}",
        },
    )
    assert started.status_code == 303, started.text
    iid = started.headers["location"].split("/")[2].split("?")[0]
    inspection = await coordinator.get(f"/inspections/{iid}")
    assert f'href="/complaints?inspection_id={iid}"' in inspection.text
    assert "1 phản ánh được kiểm tra" in inspection.text
    linked = await coordinator.get(f"/complaints?inspection_id={iid}")
    assert cid in linked.text and "Đang kiểm tra" in linked.text

    # A viewer reads the complaint without its complainant; the unit not at all.
    viewer = await (await pages("viewer")).get(f"/complaints/{cid}")
    assert viewer.status_code == 200 and "Trần Thị Mai" not in viewer.text
    unit = await pages("unit_rep")
    assert (await unit.get(f"/complaints/{cid}")).status_code == 404
    assert (await unit.get("/complaints")).status_code == 403

    # Another one closed as out of scope: the reason is required, then recorded.
    other = await coordinator.post("/complaints", FORM | {"complainant_email": ""})
    oid = COMPLAINT_URL.search(other.headers["location"]).group(1)  # type: ignore[union-attr]
    missing = await coordinator.post(f"/complaints/{oid}/assessment", {"outcome": "out_of_scope"})
    assert missing.status_code == 422
    closed = await coordinator.post(
        f"/complaints/{oid}/assessment",
        {"outcome": "out_of_scope", "reason": "Thuộc thẩm quyền của Sở Tài nguyên."},
    )
    assert closed.status_code == 303, closed.text
    page = await coordinator.get(f"/complaints/{oid}")
    assert "Kết thúc: không thuộc phạm vi" in page.text
    assert "Thuộc thẩm quyền của Sở Tài nguyên." in page.text

    # The reports page counts them (received in March 2026: these two).
    period = {"from": "2026-03-01", "to": "2026-03-31", "plan": ""}
    report = await coordinator.get("/reports", params=period)
    assert report.status_code == 200
    section = report.text.split('id="complaints-title"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r'<th scope="row">([^<]+)</th><td class="num">([^<]+)</td>', section)
    assert dict(cells)["Phản ánh đã tiếp nhận"] == "2"
    assert dict(cells)["Phản ánh không thuộc phạm vi"] == "1"
    unit_report = await unit.get("/reports", params=period)
    assert 'id="complaints-title"' not in unit_report.text
