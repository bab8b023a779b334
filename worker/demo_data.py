"""The demo's organisations and accounts, shaped on the field reports of DOMAIN.md §1.

The province and its communes are fictional (no real commune is blamed for a finding); the
shapes are real: the five-office team of decision 94/QĐ-UBND, commune one-stop shops, the
81 schools of one area, a commune merged on 1 July 2025 when the districts were abolished.
"""

from datetime import date
from typing import NamedTuple

from states.vocabulary import Role

# The day the district level was abolished and communes were merged (DOMAIN.md §1).
MERGED_ON = date(2025, 7, 1)


class DemoOrganisation(NamedTuple):
    id: str
    code: str
    name: str
    level: str
    parent_id: str | None
    valid_from: date | None = None
    valid_to: date | None = None
    successor_id: str | None = None


class DemoAccount(NamedTuple):
    username: str
    role: Role
    organisation_id: str
    full_name: str


PROVINCE = "org-ubnd-tinh"
PROVINCE_CODE = "UBND-MS"

# The five offices of the team formed by decision 94/QĐ-UBND. The field report names their
# district-level forerunners (Phòng Nội vụ, Văn phòng HĐND&UBND, Phòng Tư pháp, Thanh tra
# huyện, Phòng Văn hóa và Thông tin); after 1 July 2025 the team is formed at the province.
HOME_AFFAIRS = "org-snv"
PEOPLES_OFFICE = "org-vp-ubnd"
JUSTICE = "org-stp"
INSPECTORATE = "org-thanh-tra"
CULTURE = "org-svhttdl"

FINANCE = "org-stc"
EDUCATION = "org-sgddt"
AGRICULTURE = "org-snnmt"
LAND_OFFICE = "org-vpdkdd"
LAND_BRANCH = "org-vpdkdd-dong-hung"

AN_PHU = "org-x-an-phu"
BINH_AN = "org-x-binh-an"
HOP_TIEN = "org-x-hop-tien"
DAI_HUNG = "org-x-dai-hung"
HIEP_HA = "org-x-hiep-ha"
MY_AN = "org-x-my-an"
DONG_HUNG = "org-p-dong-hung"
TAN_LAP = "org-p-tan-lap"

# The year's other communes and wards, checked by surprise (seed 004's 19 Committees).
MORE_COMMUNES: tuple[tuple[str, str, str, str], ...] = (
    ("org-x-long-hung", "X-LONGHUNG", "Long Hưng", "commune"),
    ("org-x-thanh-my", "X-THANHMY", "Thạnh Mỹ", "commune"),
    ("org-x-hoa-binh", "X-HOABINH", "Hòa Bình", "commune"),
    ("org-x-quang-trung", "X-QUANGTRUNG", "Quang Trung", "commune"),
    ("org-x-thong-nhat", "X-THONGNHAT", "Thống Nhất", "commune"),
    ("org-x-dong-tam", "X-DONGTAM", "Đồng Tâm", "commune"),
    ("org-p-tien-phong", "P-TIENPHONG", "Tiền Phong", "ward"),
    ("org-p-hung-dao", "P-HUNGDAO", "Hưng Đạo", "ward"),
)
# An agency under a department (seed 004's "đơn vị thuộc Sở").
AGRI_QUALITY = "org-cc-qlcl"
# The standing team of the province (seed 000's Tổ kiểm tra công vụ, after the reform).
STANDING_TEAM_DECISION = "93/QĐ-UBND"

AN_PHU_SHOP = "org-x-an-phu-ttpvhcc"
BINH_AN_SHOP = "org-x-binh-an-ttpvhcc"
DAI_HUNG_SHOP = "org-x-dai-hung-ttpvhcc"

# Before the merger: a district and one of its communes, now part of xã An Phú.
OLD_DISTRICT = "org-h-lam-ha"
OLD_COMMUNE = "org-x-phu-lam"

# The area with 81 schools (the "28 of 81 schools inspected" report).
SCHOOL_AREA = DONG_HUNG
SCHOOL_COUNTS = {"MN": ("Mầm non", 27), "TH": ("Tiểu học", 30), "THCS": ("THCS", 24)}
FIRST_PRIMARY_SCHOOL = "org-p-dong-hung-th-01"


def _schools() -> list[DemoOrganisation]:
    """Preschools, primary and lower-secondary schools: those a commune or ward manages."""
    return [
        DemoOrganisation(
            id=f"org-p-dong-hung-{kind.lower()}-{n:02d}",
            code=f"DH-{kind}{n:02d}",
            name=f"Trường {label} Đông Hưng số {n}",
            level="school",
            parent_id=SCHOOL_AREA,
        )
        for kind, (label, count) in SCHOOL_COUNTS.items()
        for n in range(1, count + 1)
    ]


def _commune(oid: str, code: str, name: str, level: str = "commune") -> DemoOrganisation:
    prefix = "UBND phường" if level == "ward" else "UBND xã"
    return DemoOrganisation(oid, code, f"{prefix} {name}", level, PROVINCE, valid_from=MERGED_ON)


def _shop(oid: str, code: str, commune_id: str, commune_name: str) -> DemoOrganisation:
    name = f"Trung tâm Phục vụ hành chính công xã {commune_name}"
    return DemoOrganisation(oid, code, name, "one_stop_shop", commune_id)


# Parents come before children: rows are inserted in this order.
ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(PROVINCE, PROVINCE_CODE, "UBND tỉnh Minh Sơn", "province", None),
    DemoOrganisation(HOME_AFFAIRS, "SNV", "Sở Nội vụ", "department", PROVINCE),
    DemoOrganisation(PEOPLES_OFFICE, "VPUBND", "Văn phòng UBND tỉnh", "department", PROVINCE),
    DemoOrganisation(JUSTICE, "STP", "Sở Tư pháp", "department", PROVINCE),
    DemoOrganisation(INSPECTORATE, "TTT", "Thanh tra tỉnh", "department", PROVINCE),
    DemoOrganisation(CULTURE, "SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "department", PROVINCE),
    DemoOrganisation(FINANCE, "STC", "Sở Tài chính", "department", PROVINCE),
    DemoOrganisation(EDUCATION, "SGDDT", "Sở Giáo dục và Đào tạo", "department", PROVINCE),
    DemoOrganisation(AGRICULTURE, "SNNMT", "Sở Nông nghiệp và Môi trường", "department", PROVINCE),
    DemoOrganisation(LAND_OFFICE, "VPDKDD", "Văn phòng Đăng ký đất đai", "agency", AGRICULTURE),
    DemoOrganisation(
        LAND_BRANCH,
        "VPDKDD-DH",
        "Chi nhánh Văn phòng Đăng ký đất đai khu vực Đông Hưng",
        "agency",
        LAND_OFFICE,
    ),
    DemoOrganisation(
        AGRI_QUALITY,
        "CCQLCL",
        "Chi cục Quản lý chất lượng nông lâm sản và thủy sản",
        "agency",
        AGRICULTURE,
    ),
    _commune(AN_PHU, "X-ANPHU", "An Phú"),
    _commune(BINH_AN, "X-BINHAN", "Bình An"),
    _commune(HOP_TIEN, "X-HOPTIEN", "Hợp Tiến"),
    _commune(DAI_HUNG, "X-DAIHUNG", "Đại Hưng"),
    _commune(HIEP_HA, "X-HIEPHA", "Hiệp Hạ"),
    _commune(MY_AN, "X-MYAN", "Mỹ An"),
    _commune(DONG_HUNG, "P-DONGHUNG", "Đông Hưng", "ward"),
    _commune(TAN_LAP, "P-TANLAP", "Tân Lập", "ward"),
    *(_commune(oid, code, name, level) for oid, code, name, level in MORE_COMMUNES),
    _shop(AN_PHU_SHOP, "X-ANPHU-TTPVHCC", AN_PHU, "An Phú"),
    _shop(BINH_AN_SHOP, "X-BINHAN-TTPVHCC", BINH_AN, "Bình An"),
    _shop(DAI_HUNG_SHOP, "X-DAIHUNG-TTPVHCC", DAI_HUNG, "Đại Hưng"),
    # Records made before 1 July 2025 still name them; the successor link says where to look.
    DemoOrganisation(
        OLD_DISTRICT,
        "H-LAMHA",
        "UBND huyện Lâm Hà",
        "district",
        PROVINCE,
        valid_to=date(2025, 6, 30),
    ),
    DemoOrganisation(
        OLD_COMMUNE,
        "X-PHULAM",
        "UBND xã Phú Lâm",
        "commune",
        OLD_DISTRICT,
        valid_to=date(2025, 6, 30),
        successor_id=AN_PHU,
    ),
    *_schools(),
)

# One shared password for every demo account; the README prints it.
DEMO_PASSWORD = "kiemtra-demo"

# One account per role; three inspectors from three offices of the five-office team.
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", Role.ADMIN, PROVINCE, "Đặng Quốc Khánh"),
    DemoAccount("coordinator", Role.COORDINATOR, HOME_AFFAIRS, "Nguyễn Thị Lan"),
    DemoAccount("decision_maker", Role.DECISION_MAKER, PROVINCE, "Trần Văn Hùng"),
    DemoAccount("inspector_snv", Role.INSPECTOR, HOME_AFFAIRS, "Lê Minh Tuấn"),
    DemoAccount("inspector_vp", Role.INSPECTOR, PEOPLES_OFFICE, "Hoàng Thị Mai"),
    DemoAccount("inspector_stp", Role.INSPECTOR, JUSTICE, "Phạm Thu Hà"),
    DemoAccount("unit_rep", Role.UNIT_REP, AN_PHU, "Võ Văn Bình"),
    DemoAccount("unit_rep_binh_an", Role.UNIT_REP, BINH_AN, "Lý Thị Thu"),
    DemoAccount("viewer", Role.VIEWER, INSPECTORATE, "Bùi Thanh Sơn"),
)
