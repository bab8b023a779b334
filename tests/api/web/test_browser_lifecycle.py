"""A whole inspection by clicking, in chromium, each person signed in as themselves:
start, team, notice, visit, conclusion, acknowledgement, remediation report, re-inspection,
verification, closed — then the timeline shows every step."""

import re
import secrets

from playwright.async_api import Browser, Page, expect

from testkit import samples as b
from tests.api.web.conftest import browser_sign_in

INSPECTION_URL = re.compile(r"/inspections/([0-9a-f]{32})")

# Numbers typed as on paper: far above what the register gives the session's other
# documents (it refuses a number twice), and random, so reruns on one database differ.
_RANDOM = secrets.randbelow(90_000)
DECISION = f"{800_000 + _RANDOM}/QĐ-UBND"
NOTICE = f"{800_000 + _RANDOM}/TB-SNV"


async def act(page: Page, inspection: str, button: str) -> None:
    """Open the inspection page and follow the button of an allowed action."""
    await page.goto(f"/inspections/{inspection}")
    await page.get_by_role("link", name=button, exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(button)


async def submit(page: Page, button: str, done: str) -> None:
    await page.get_by_role("button", name=button, exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text(done)


async def as_person(browser: Browser, api: str, username: str) -> Page:
    _, page = await browser_sign_in(browser, api, username)
    return page


async def test_a_whole_inspection_through_the_pages(
    browser: Browser, api: str, people_in_db: dict[str, str]
) -> None:
    ids = people_in_db
    coordinator = await as_person(browser, api, "coordinator")
    await coordinator.goto("/inspections/new")
    await coordinator.get_by_label("Đơn vị được kiểm tra").select_option(b.COMMUNE)
    await coordinator.get_by_label("Loại hình kiểm tra").select_option("planned")
    await coordinator.get_by_label("Tên cuộc kiểm tra").fill("Kiểm tra công vụ qua trang web")
    await coordinator.get_by_label("Cơ quan ban hành quyết định").select_option(b.PROVINCE)
    await coordinator.get_by_label("Số quyết định").fill(DECISION)
    await coordinator.get_by_role("button", name="Khởi tạo cuộc kiểm tra").click()
    await expect(coordinator.get_by_role("status")).to_contain_text("Đã khởi tạo cuộc kiểm tra")
    found = INSPECTION_URL.search(coordinator.url)
    assert found, coordinator.url
    inspection = found.group(1)

    await act(coordinator, inspection, "Thành lập đoàn kiểm tra")
    await coordinator.get_by_label("Thành viên thứ 1", exact=True).select_option(ids["leader"])
    await coordinator.get_by_label("Thành viên thứ 2", exact=True).select_option(ids["member"])
    await coordinator.get_by_label("Vai trò của thành viên thứ 2").select_option("member")
    await submit(coordinator, "Thành lập đoàn kiểm tra", "Thành lập đoàn kiểm tra")

    await act(coordinator, inspection, "Gửi thông báo kiểm tra")
    await coordinator.get_by_label("Số thông báo").fill(NOTICE)
    # A visit date already past is refused on the form, in Vietnamese, and nothing is sent.
    await coordinator.get_by_label("Ngày dự kiến kiểm tra").fill("2020-01-06")
    await coordinator.get_by_role("button", name="Gửi thông báo kiểm tra", exact=True).click()
    await expect(coordinator.locator("#refusal")).to_have_text("Ngày 06/01/2020 đã qua.")
    await expect(coordinator.get_by_label("Số thông báo")).to_have_value(NOTICE)
    await coordinator.get_by_label("Ngày dự kiến kiểm tra").fill("")
    await submit(coordinator, "Gửi thông báo kiểm tra", "Gửi thông báo kiểm tra")

    leader = await as_person(browser, api, "leader")
    await act(leader, inspection, "Bắt đầu kiểm tra tại đơn vị")
    await submit(leader, "Bắt đầu kiểm tra tại đơn vị", "Bắt đầu kiểm tra tại đơn vị")

    await act(leader, inspection, "Lập biên bản kiểm tra")
    await leader.get_by_label("Kết quả tiêu chí WH-01").select_option("non_compliant")
    await leader.get_by_label("Ghi chú tiêu chí WH-01").fill("Hai công chức đến muộn 30 phút")
    await submit(leader, "Lập biên bản kiểm tra", "Lập biên bản kiểm tra")
    await expect(leader.get_by_text("Hai công chức đến muộn 30 phút").first).to_be_visible()

    await act(leader, inspection, "Báo cáo kết quả kiểm tra")
    await submit(leader, "Báo cáo kết quả kiểm tra", "Báo cáo kết quả kiểm tra")

    signer = await as_person(browser, api, "decision_maker")
    await act(signer, inspection, "Ban hành thông báo kết luận")
    await signer.get_by_label("Biện pháp khắc phục", exact=True).fill(
        "Chấn chỉnh giờ giấc làm việc"
    )
    await submit(signer, "Ban hành thông báo kết luận", "Ban hành thông báo kết luận")

    unit = await as_person(browser, api, "unit_rep")
    await act(unit, inspection, "Tiếp thu kết luận")
    await submit(unit, "Tiếp thu kết luận", "Tiếp thu kết luận")
    await act(unit, inspection, "Báo cáo kết quả khắc phục")
    await unit.get_by_label("Kết quả khắc phục").fill("Đã họp, nhắc nhở; chấm công bằng máy")
    await submit(unit, "Báo cáo kết quả khắc phục", "Báo cáo kết quả khắc phục")

    await act(coordinator, inspection, "Lên lịch tái kiểm tra")
    await submit(coordinator, "Lên lịch tái kiểm tra", "Lên lịch tái kiểm tra")

    await act(leader, inspection, "Xác nhận kết quả khắc phục")
    await leader.get_by_label("Kết luận", exact=True).select_option("resolved")
    await submit(leader, "Xác nhận kết quả khắc phục", "Xác nhận kết quả khắc phục")

    await coordinator.goto(f"/inspections/{inspection}")
    await expect(coordinator.locator(".state")).to_have_text("Kết thúc")
    timeline = coordinator.locator("ol.timeline li")
    await expect(timeline).to_have_count(11)
    steps = await timeline.all_inner_texts()
    for label in (
        "Ban hành quyết định kiểm tra",
        "Thành lập đoàn kiểm tra",
        "Gửi thông báo kiểm tra",
        "Bắt đầu kiểm tra tại đơn vị",
        "Lập biên bản kiểm tra",
        "Báo cáo kết quả kiểm tra",
        "Ban hành thông báo kết luận",
        "Tiếp thu kết luận",
        "Báo cáo kết quả khắc phục",
        "Lên lịch tái kiểm tra",
        "Xác nhận kết quả khắc phục",
    ):
        assert any(step.startswith(label) for step in steps), (label, steps)
    for page in (coordinator, leader, signer, unit):
        await page.context.close()
