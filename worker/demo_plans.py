"""The demo's annual plans, shaped on the field reports (DOMAIN.md §1).

Plan 207/KH-UBND lists the units of the year's planned inspections; the demo's planned
inspections start from its items, and Hiệp Hạ's is cancelled by plan adjustment. It also
schedules the year's 25 surprise checks by slot, without naming the units. Plan
208/KH-UBND is thematic: every school under phường Đông Hưng, resolved from the tree.
"""

from datetime import date

from states.plans import quarter_of
from worker import demo_data as org

ANNUAL = "207/KH-UBND"
# The annual plan's surprise checks by level: 19 at commune-level People's Committees (16
# Committees and 3 one-stop shops, which count under their Committee), 3 agencies, 3
# departments.
SURPRISE_SLOTS: tuple[tuple[str, int, str], ...] = (
    ("commune", 16, "UBND xã, phường"),
    ("one_stop_shop", 3, "Trung tâm Phục vụ hành chính công cấp xã"),
    ("agency", 3, "Chi cục, đơn vị thuộc Sở"),
    ("department", 3, "Sở, ban, ngành"),
)
SCHOOLS = "208/KH-UBND"


def plans(today: date) -> list[dict[str, object]]:
    """Plan bodies as ``POST /plans`` takes them (the issuer is the coordinator's province)."""
    year = today.year
    now = quarter_of(today).label
    q = [f"{year}-Q{n}" for n in range(1, 5)]
    annual_items = [
        (org.AN_PHU_SHOP, q[0], ["WH", "ID", "CD", "OS"]),
        (org.AN_PHU, q[1], []),
        (org.HOP_TIEN, q[1], []),
        (org.HIEP_HA, q[2], []),
        (org.AGRICULTURE, q[2], []),
        (org.FINANCE, now, []),
        (org.BINH_AN, now, []),
        (org.MY_AN, now, []),
        (org.TAN_LAP, q[3], []),
        (org.DONG_HUNG, q[3], []),
    ]
    return [
        {
            "number": ANNUAL,
            "year": year,
            "issued_on": date(year, 1, 5),
            "title": f"Kế hoạch kiểm tra công vụ năm {year}",
            "focus": [
                "Chấp hành kỷ luật, kỷ cương hành chính, thời giờ làm việc",
                "Thực hiện quy chế làm việc, quy tắc ứng xử",
                "Giải quyết thủ tục hành chính tại bộ phận một cửa",
            ],
            "legal_basis": "Chỉ thị số 26/CT-TTg ngày 20/10/2023 của Thủ tướng Chính phủ",
            "items": [
                {"unit_id": unit, "period": period, "content": content}
                for unit, period, content in annual_items
            ],
            # Seed 004's year: 25 surprise checks, the units not named in the plan.
            "slots": [
                {"period": str(year), "count": count, "level": level, "description": text}
                for level, count, text in SURPRISE_SLOTS
            ],
        },
        {
            "number": SCHOOLS,
            "year": year,
            "kind": "thematic",
            "issued_on": date(year, 1, 12),
            "title": "Kế hoạch kiểm tra chuyên đề kỷ luật, kỷ cương hành chính tại các trường "
            "học trên địa bàn phường Đông Hưng",
            "topic": "Kỷ luật, kỷ cương hành chính trong trường học",
            "focus": ["Thời giờ làm việc", "Đeo thẻ", "Quy chế nội bộ"],
            "items": [
                {
                    "target": {"under": org.SCHOOL_AREA, "levels": ["school"]},
                    "period": now,
                    "content": ["WH", "ID", "CD", "IR", "TP"],
                }
            ],
        },
    ]
