"""The demo's register of citizens' complaints (seed 001), one or more in each status.

Two are inspected by complaint inspections that close (answered founded, and unfounded),
one by the land branch's inspection still on site; two are closed without an inspection;
two wait for assessment. Complainants are fictional; their contacts use example domains.
"""

from dataclasses import dataclass

from worker import demo_data as org


@dataclass(frozen=True)
class DemoComplaint:
    key: str
    days_ago: int  # received this many calendar days before the seeding
    channel: str
    unit_id: str
    content: str
    criterion: str = ""
    people_named: str = ""
    complainant_name: str = ""
    complainant_email: str = ""
    complainant_phone: str = ""
    # Closed without an inspection: (outcome, reason).
    closed: tuple[str, str] | None = None


COMPLAINTS: tuple[DemoComplaint, ...] = (
    DemoComplaint(
        "hotline-land",
        40,
        "hotline",
        org.LAND_BRANCH,
        "Hồ sơ đăng ký biến động đất đai nộp từ tháng trước đến nay chưa được giải quyết, "
        "không có phiếu hẹn lại.",
        criterion="TP-01",
        complainant_name="Nguyễn Văn Hải",
        complainant_phone="0912 345 678",
    ),
    DemoComplaint(
        "app-binh-an-shop",
        60,
        "app",
        org.BINH_AN_SHOP,
        "Công chức tiếp nhận hồ sơ hộ tịch có thái độ thiếu tôn trọng, yêu cầu nộp thêm "
        "giấy tờ không có trong quy định.",
        criterion="CD-01",
        people_named="Công chức quầy hộ tịch",
        complainant_name="Phạm Thị Lan",
        complainant_email="pham.lan@example.vn",
    ),
    DemoComplaint(
        "email-my-an",
        50,
        "email",
        org.MY_AN,
        "Trả kết quả chứng thực chậm so với giấy hẹn.",
        criterion="OS-04",
        complainant_name="Đỗ Minh Khôi",
        complainant_email="do.khoi@example.vn",
    ),
    DemoComplaint(
        "letter-hop-tien",
        30,
        "letter",
        org.HOP_TIEN,
        "Đề nghị làm rõ việc thu phí chứng thực bản sao.",
        criterion="OS-01",
        complainant_name="Hoàng Văn Tư",
        closed=(
            "unfounded",
            "Mức phí thu đúng quy định và đã được niêm yết công khai tại bộ phận một cửa.",
        ),
    ),
    DemoComplaint(
        "in-person-dong-hung",
        20,
        "in_person",
        org.DONG_HUNG,
        "Khiếu nại quyết định thu hồi đất của UBND phường.",
        complainant_name="Vũ Thị Mận",
        closed=(
            "out_of_scope",
            "Nội dung là khiếu nại quyết định hành chính: hướng dẫn công dân gửi đơn theo Luật "
            "Khiếu nại.",
        ),
    ),
    DemoComplaint(
        "hotline-an-phu",
        3,
        "hotline",
        org.AN_PHU,
        "Công chức địa chính thường xuyên vắng mặt trong giờ làm việc.",
        criterion="WH-02",
        complainant_name="Lê Văn Sáu",
        complainant_phone="0987 654 321",
    ),
    DemoComplaint(
        "app-tan-lap",
        1,
        "app",
        org.TAN_LAP,
        "Bộ phận một cửa phường không niêm yết số điện thoại đường dây nóng.",
        criterion="OS-02",
    ),
)
