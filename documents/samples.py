"""Realistic sample documents of every kind, in the fictional province Minh Sơn of the demo
data: they show a template's author what each field holds, check an uploaded template, and
feed the tests and the benchmark."""

from datetime import date

from documents.context import DocumentContext, Section, Signature, Table
from documents.kinds import DocumentKind

PROVINCE = "UBND TỈNH MINH SƠN"
COMMITTEE = "ỦY BAN NHÂN DÂN TỈNH MINH SƠN"
HOME_AFFAIRS = "SỞ NỘI VỤ"
TEAM = "ĐOÀN KIỂM TRA CÔNG VỤ"
UNIT = "Ủy ban nhân dân xã An Phú"
DECISION = "Quyết định số 94/QĐ-UBND ngày 05 tháng 01 năm 2027 của Chủ tịch Ủy ban nhân dân tỉnh"

# (shortcoming, what the unit must do): the field reports of DOMAIN.md §1.
_FINDINGS = [
    (
        "Quy chế làm việc của cơ quan ban hành từ năm 2021, chưa sửa đổi theo tổ chức bộ máy "
        "sau sắp xếp.",
        "Rà soát, sửa đổi, ban hành Quy chế làm việc phù hợp với tổ chức bộ máy hiện nay.",
    ),
    (
        "Lịch công tác tuần của lãnh đạo chưa được công khai trên cổng thông tin điện tử.",
        "Công khai lịch công tác tuần chậm nhất vào chiều thứ Sáu hằng tuần.",
    ),
    (
        "01 công chức bộ phận Một cửa không đeo thẻ công chức trong giờ làm việc.",
        "Chấn chỉnh, yêu cầu công chức đeo thẻ đúng quy định; kiểm điểm trách nhiệm cá nhân.",
    ),
    (
        "Chưa tổ chức họp giao ban định kỳ hằng tháng theo quy chế làm việc.",
        "Tổ chức họp giao ban định kỳ; lập biên bản và lưu hồ sơ cuộc họp.",
    ),
    (
        "05 hồ sơ thủ tục hành chính trễ hạn không có phiếu xin lỗi và hẹn lại ngày trả kết quả.",
        "Thực hiện đầy đủ phiếu xin lỗi, hẹn lại ngày trả kết quả đối với hồ sơ trễ hạn.",
    ),
    (
        "Niêm yết thủ tục hành chính tại bộ phận Một cửa chưa đầy đủ, còn 03 thủ tục hết hiệu lực.",
        "Cập nhật, niêm yết đầy đủ, đúng thủ tục hành chính đang có hiệu lực.",
    ),
    (
        "Công chức đi công tác, giải quyết việc đột xuất chưa báo cáo, ghi sổ theo dõi.",
        "Lập sổ theo dõi, báo cáo khi đi công tác, giải quyết công việc đột xuất.",
    ),
]


def _findings(count: int) -> list[tuple[str, str]]:
    return [_FINDINGS[n % len(_FINDINGS)] for n in range(count)]


def _due(n: int) -> str:
    return f"{15 + n % 14:02d}/03/2027"


def sample(kind: DocumentKind, findings: int = 4) -> DocumentContext:
    return _BUILDERS[kind](findings)


def _decision(_: int) -> DocumentContext:
    team = Table(
        header=["STT", "Họ và tên", "Chức vụ, đơn vị công tác", "Nhiệm vụ"],
        rows=[
            ["1", "Trần Minh Quân", "Phó Giám đốc Sở Nội vụ", "Trưởng đoàn"],
            ["2", "Phạm Thị Lan", "Phó Chánh Văn phòng UBND tỉnh", "Phó Trưởng đoàn"],
            ["3", "Hoàng Văn Tú", "Chuyên viên Sở Tư pháp", "Thành viên"],
            ["4", "Đỗ Thị Mai", "Thanh tra viên Thanh tra tỉnh", "Thành viên"],
            ["5", "Vũ Đức Long", "Chuyên viên Sở Nội vụ", "Thư ký"],
        ],
    )
    return DocumentContext(
        kind=DocumentKind.decision,
        issuer=COMMITTEE,
        number_line="Số: 94/QĐ-UBND",
        place="Minh Sơn",
        signed_on=date(2027, 1, 5),
        title="QUYẾT ĐỊNH",
        subject=f"Về việc kiểm tra công vụ tại {UNIT}",
        authority="CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH MINH SƠN",
        bases=[
            "Căn cứ Luật Tổ chức chính quyền địa phương;",
            "Căn cứ Luật Cán bộ, công chức;",
            "Căn cứ Kế hoạch số 15/KH-UBND ngày 28 tháng 12 năm 2026 của Ủy ban nhân dân tỉnh "
            "về kiểm tra công vụ năm 2027;",
            "Theo đề nghị của Giám đốc Sở Nội vụ.",
        ],
        sections=[
            Section(
                heading="Điều 1.",
                paragraphs=[
                    f"Kiểm tra công vụ tại {UNIT}. Nội dung kiểm tra: việc chấp hành thời giờ "
                    "làm việc, văn hóa công sở, quy chế làm việc và việc giải quyết thủ tục "
                    "hành chính tại bộ phận Một cửa. Thời hạn kiểm tra: 07 ngày làm việc kể từ "
                    "ngày công bố Quyết định kiểm tra.",
                ],
            ),
            Section(heading="Điều 2.", paragraphs=["Thành lập Đoàn kiểm tra gồm:"], table=team),
            Section(
                heading="Điều 3.",
                paragraphs=[
                    "Đoàn kiểm tra có nhiệm vụ thực hiện kiểm tra theo đúng nội dung, thời hạn "
                    "quy định tại Điều 1; báo cáo kết quả kiểm tra với Chủ tịch Ủy ban nhân dân "
                    "tỉnh. Đoàn kiểm tra tự giải thể sau khi hoàn thành nhiệm vụ.",
                ],
            ),
            Section(
                heading="Điều 4.",
                paragraphs=[
                    "Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân dân "
                    f"tỉnh, Giám đốc Sở Nội vụ, Chủ tịch {UNIT}, Trưởng đoàn kiểm tra và các "
                    "cá nhân có tên tại Điều 2 chịu trách nhiệm thi hành Quyết định này.",
                ],
            ),
        ],
        signatures=[
            Signature(
                form="KT.", authority="CHỦ TỊCH", position="PHÓ CHỦ TỊCH", name="Nguyễn Văn Bình"
            )
        ],
        recipients=["- Như Điều 4;", "- Chủ tịch UBND tỉnh (b/c);", "- Lưu: VT, SNV."],
    )


def _team_change(_: int) -> DocumentContext:
    team = Table(
        header=["STT", "Họ và tên", "Chức vụ, đơn vị công tác", "Nhiệm vụ"],
        rows=[
            ["1", "Trần Minh Quân", "Phó Giám đốc Sở Nội vụ", "Trưởng đoàn"],
            ["2", "Lê Thành Nhân", "Chuyên viên Phòng Tư pháp", "Thành viên"],
            ["3", "Vũ Đức Long", "Chuyên viên Sở Nội vụ", "Thư ký"],
        ],
    )
    return DocumentContext(
        kind=DocumentKind.team_change,
        issuer=COMMITTEE,
        number_line="Số: 97/QĐ-UBND",
        place="Minh Sơn",
        signed_on=date(2027, 1, 8),
        title="QUYẾT ĐỊNH",
        subject=f"Về việc thay đổi thành viên Đoàn kiểm tra công vụ tại {UNIT}",
        authority="CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH MINH SƠN",
        bases=[
            "Căn cứ Luật Tổ chức chính quyền địa phương;",
            f"Căn cứ {DECISION} về việc kiểm tra công vụ tại {UNIT};",
            "Theo đề nghị của Giám đốc Sở Nội vụ.",
        ],
        sections=[
            Section(
                heading="Điều 1.",
                paragraphs=[
                    "Thay đổi thành viên Đoàn kiểm tra. Lý do: bà Đỗ Thị Mai được cử đi học "
                    "tập trung. Thành phần Đoàn kiểm tra sau khi thay đổi gồm:"
                ],
                table=team,
            ),
            Section(heading="Điều 2.", paragraphs=["Quyết định này có hiệu lực kể từ ngày ký."]),
            Section(
                heading="Điều 3.",
                paragraphs=[
                    "Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ, Trưởng đoàn kiểm "
                    f"tra, các cá nhân có tên tại Điều 1 và Chủ tịch {UNIT} chịu trách nhiệm thi "
                    "hành Quyết định này.",
                ],
            ),
        ],
        signatures=[
            Signature(
                form="KT.", authority="CHỦ TỊCH", position="PHÓ CHỦ TỊCH", name="Nguyễn Văn Bình"
            )
        ],
        recipients=["- Như Điều 3;", "- Lưu: VT, SNV."],
    )


def _visit_extension(_: int) -> DocumentContext:
    return DocumentContext(
        kind=DocumentKind.visit_extension,
        issuer=COMMITTEE,
        number_line="Số: 131/QĐ-UBND",
        place="Minh Sơn",
        signed_on=date(2027, 1, 14),
        title="QUYẾT ĐỊNH",
        subject=f"Về việc gia hạn thời gian kiểm tra công vụ tại {UNIT}",
        authority="CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH MINH SƠN",
        bases=[
            "Căn cứ Luật Tổ chức chính quyền địa phương;",
            f"Căn cứ {DECISION} về việc kiểm tra công vụ tại {UNIT};",
            "Xét đề nghị của Trưởng đoàn kiểm tra tại Tờ trình số 03/TTr-ĐKT ngày 13 tháng 01 "
            "năm 2027.",
        ],
        sections=[
            Section(
                heading="Điều 1.",
                paragraphs=[
                    f"Gia hạn thời gian kiểm tra công vụ tại {UNIT} thêm 03 ngày làm việc, đến "
                    "hết ngày 19 tháng 01 năm 2027, để Đoàn kiểm tra xác minh hồ sơ thủ tục "
                    "hành chính trễ hạn.",
                ],
            ),
            Section(heading="Điều 2.", paragraphs=["Quyết định này có hiệu lực kể từ ngày ký."]),
            Section(
                heading="Điều 3.",
                paragraphs=[
                    "Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ, Trưởng đoàn kiểm "
                    f"tra và Chủ tịch {UNIT} chịu trách nhiệm thi hành Quyết định này.",
                ],
            ),
        ],
        signatures=[
            Signature(
                form="KT.", authority="CHỦ TỊCH", position="PHÓ CHỦ TỊCH", name="Nguyễn Văn Bình"
            )
        ],
        recipients=["- Như Điều 3;", "- Lưu: VT, SNV."],
    )


def _notice(_: int) -> DocumentContext:
    return DocumentContext(
        kind=DocumentKind.notice,
        superior=PROVINCE,
        issuer=HOME_AFFAIRS,
        number_line="Số: 12/TB-SNV",
        place="Minh Sơn",
        signed_on=date(2027, 1, 6),
        title="THÔNG BÁO",
        subject=f"Về việc kiểm tra công vụ tại {UNIT}",
        sections=[
            Section(
                paragraphs=[
                    f"Thực hiện {DECISION} về việc kiểm tra công vụ tại {UNIT}, Sở Nội vụ thông "
                    "báo lịch làm việc của Đoàn kiểm tra như sau:",
                    "1. Thời gian: 08 giờ 00 phút, thứ Ba, ngày 12 tháng 01 năm 2027.",
                    f"2. Địa điểm: trụ sở {UNIT}.",
                    "3. Thành phần: Đoàn kiểm tra theo Quyết định số 94/QĐ-UBND; về phía đơn vị: "
                    "Chủ tịch, các Phó Chủ tịch, công chức bộ phận Một cửa.",
                    f"Đề nghị {UNIT} chuẩn bị báo cáo tự kiểm tra, hồ sơ, tài liệu liên quan và "
                    "bố trí địa điểm làm việc.",
                ]
            )
        ],
        signatures=[
            Signature(
                form="KT.", authority="GIÁM ĐỐC", position="PHÓ GIÁM ĐỐC", name="Trần Minh Quân"
            )
        ],
        recipients=[f"- {UNIT};", "- Thành viên Đoàn kiểm tra;", "- Lưu: VT, CCVC."],
    )


def _minutes(_: int) -> DocumentContext:
    checks = Table(
        header=["STT", "Nội dung kiểm tra", "Kết quả", "Ghi chú"],
        rows=[
            ["1", "Chấp hành thời giờ làm việc", "Đạt", ""],
            ["2", "Đeo thẻ công chức, viên chức", "Chưa đạt", "01 công chức không đeo thẻ"],
            ["3", "Quy chế làm việc, nội quy cơ quan", "Chưa đạt", "Ban hành năm 2021"],
            ["4", "Lịch công tác tuần được công khai", "Chưa đạt", ""],
            ["5", "Niêm yết thủ tục hành chính", "Đạt một phần", "03 thủ tục hết hiệu lực"],
            ["6", "Thái độ, văn hóa giao tiếp với người dân", "Đạt", ""],
        ],
    )
    return DocumentContext(
        kind=DocumentKind.minutes,
        superior=PROVINCE,
        issuer=TEAM,
        number_line="Số: 01/BB-ĐKT",
        place="An Phú",
        signed_on=date(2027, 1, 12),
        title="BIÊN BẢN",
        subject=f"Kiểm tra công vụ tại {UNIT}",
        sections=[
            Section(
                paragraphs=[
                    "Hôm nay, vào lúc 08 giờ 00 phút ngày 12 tháng 01 năm 2027, tại trụ sở "
                    f"{UNIT}, Đoàn kiểm tra theo {DECISION} tiến hành kiểm tra công vụ.",
                ]
            ),
            Section(
                heading="I. THÀNH PHẦN",
                paragraphs=[
                    "1. Đoàn kiểm tra: ông Trần Minh Quân, Phó Giám đốc Sở Nội vụ, Trưởng đoàn, "
                    "và các thành viên Đoàn kiểm tra.",
                    f"2. Đơn vị được kiểm tra: bà Lê Thị Hoa, Chủ tịch {UNIT}, và công chức "
                    "bộ phận Một cửa.",
                ],
            ),
            Section(heading="II. KẾT QUẢ KIỂM TRA", table=checks),
            Section(
                heading="III. Ý KIẾN CỦA ĐƠN VỊ ĐƯỢC KIỂM TRA",
                paragraphs=[
                    "Đơn vị thống nhất với kết quả kiểm tra và cam kết khắc phục các tồn tại, "
                    "hạn chế đã nêu."
                ],
            ),
            Section(
                paragraphs=[
                    "Biên bản kết thúc vào lúc 11 giờ 30 phút cùng ngày, được lập thành 02 bản có "
                    "giá trị như nhau, đã đọc lại cho những người tham dự cùng nghe, thống nhất "
                    "và ký tên."
                ]
            ),
        ],
        signatures=[
            Signature(position="ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA", name="Lê Thị Hoa"),
            Signature(position="TRƯỞNG ĐOÀN", name="Trần Minh Quân"),
        ],
    )


def _findings_table(count: int, last: str) -> Table:
    rows = [
        [str(n + 1), finding, action, _due(n) if last == "Thời hạn" else "Đã khắc phục"]
        for n, (finding, action) in enumerate(_findings(count))
    ]
    return Table(header=["STT", "Tồn tại, hạn chế", "Yêu cầu khắc phục", last], rows=rows)


def _findings_report(findings: int) -> DocumentContext:
    return DocumentContext(
        kind=DocumentKind.findings_report,
        superior=PROVINCE,
        issuer=TEAM,
        number_line="Số: 02/BC-ĐKT",
        place="Minh Sơn",
        signed_on=date(2027, 1, 19),
        title="BÁO CÁO",
        subject=f"Kết quả kiểm tra công vụ tại {UNIT}",
        addressees=["Chủ tịch Ủy ban nhân dân tỉnh Minh Sơn"],
        sections=[
            Section(
                paragraphs=[
                    f"Thực hiện {DECISION}, từ ngày 12 đến ngày 19 tháng 01 năm 2027, Đoàn kiểm "
                    f"tra đã kiểm tra công vụ tại {UNIT}. Đoàn kiểm tra báo cáo kết quả như sau:"
                ]
            ),
            Section(
                heading="I. ƯU ĐIỂM",
                paragraphs=[
                    "Lãnh đạo đơn vị quan tâm chỉ đạo việc chấp hành kỷ luật, kỷ cương hành "
                    "chính; công chức cơ bản chấp hành thời giờ làm việc, có thái độ đúng mực "
                    "khi tiếp xúc với người dân."
                ],
            ),
            Section(
                heading="II. TỒN TẠI, HẠN CHẾ",
                table=_findings_table(findings, "Thời hạn"),
            ),
            Section(
                heading="III. KIẾN NGHỊ",
                paragraphs=[
                    "Đề nghị Chủ tịch Ủy ban nhân dân tỉnh ban hành Thông báo kết luận kiểm tra, "
                    f"yêu cầu {UNIT} khắc phục các tồn tại, hạn chế nêu trên."
                ],
            ),
        ],
        signatures=[Signature(position="TRƯỞNG ĐOÀN", name="Trần Minh Quân")],
        recipients=["- Như trên;", "- Sở Nội vụ;", "- Lưu: ĐKT."],
    )


def _conclusion(findings: int) -> DocumentContext:
    return DocumentContext(
        kind=DocumentKind.conclusion,
        issuer=COMMITTEE,
        number_line="Số: 210/TB-UBND",
        place="Minh Sơn",
        signed_on=date(2027, 2, 2),
        title="THÔNG BÁO",
        subject=f"Kết luận kiểm tra công vụ tại {UNIT}",
        sections=[
            Section(
                paragraphs=[
                    f"Thực hiện {DECISION}, Đoàn kiểm tra đã tiến hành kiểm tra công vụ tại "
                    f"{UNIT}. Xét Báo cáo số 02/BC-ĐKT ngày 19 tháng 01 năm 2027 của Đoàn kiểm "
                    "tra, Chủ tịch Ủy ban nhân dân tỉnh kết luận như sau:"
                ]
            ),
            Section(
                heading="I. ƯU ĐIỂM",
                paragraphs=[
                    "Đơn vị chấp hành tương đối tốt kỷ luật, kỷ cương hành chính; bộ phận Một "
                    "cửa bố trí khoa học, thuận tiện cho người dân."
                ],
            ),
            Section(
                heading="II. TỒN TẠI, HẠN CHẾ VÀ YÊU CẦU KHẮC PHỤC",
                table=_findings_table(findings, "Thời hạn"),
            ),
            Section(
                heading="III. TỔ CHỨC THỰC HIỆN",
                paragraphs=[
                    f"1. Chủ tịch {UNIT} tổ chức khắc phục các tồn tại, hạn chế nêu tại Mục II "
                    "và báo cáo kết quả về Ủy ban nhân dân tỉnh (qua Sở Nội vụ) đúng thời hạn.",
                    "2. Giao Sở Nội vụ theo dõi, đôn đốc việc thực hiện Thông báo này.",
                ],
            ),
        ],
        signatures=[
            Signature(
                form="KT.", authority="CHỦ TỊCH", position="PHÓ CHỦ TỊCH", name="Nguyễn Văn Bình"
            )
        ],
        recipients=[f"- {UNIT};", "- Sở Nội vụ;", "- Thành viên Đoàn kiểm tra;", "- Lưu: VT, SNV."],
    )


def _reminder(_: int) -> DocumentContext:
    return DocumentContext(
        kind=DocumentKind.reminder,
        superior=PROVINCE,
        issuer=HOME_AFFAIRS,
        number_line="Số: 345/SNV-CCVC",
        place="Minh Sơn",
        signed_on=date(2027, 3, 15),
        subject="V/v đôn đốc khắc phục tồn tại, hạn chế sau kiểm tra công vụ",
        addressees=[UNIT],
        sections=[
            Section(
                paragraphs=[
                    "Ngày 02 tháng 02 năm 2027, Ủy ban nhân dân tỉnh ban hành Thông báo số "
                    f"210/TB-UBND kết luận kiểm tra công vụ tại {UNIT}, trong đó yêu cầu đơn vị "
                    "khắc phục 04 tồn tại, hạn chế.",
                    "Đến nay đã quá thời hạn khắc phục nhưng Sở Nội vụ chưa nhận được báo cáo "
                    "kết quả khắc phục của đơn vị đối với 02 nội dung: sửa đổi Quy chế làm việc "
                    "và công khai lịch công tác tuần.",
                    f"Sở Nội vụ đề nghị {UNIT} khẩn trương khắc phục và báo cáo kết quả, kèm tài "
                    "liệu chứng minh, trước ngày 31 tháng 3 năm 2027.",
                ]
            )
        ],
        signatures=[
            Signature(
                form="KT.", authority="GIÁM ĐỐC", position="PHÓ GIÁM ĐỐC", name="Trần Minh Quân"
            )
        ],
        recipients=["- Như trên;", "- UBND tỉnh (b/c);", "- Lưu: VT, CCVC."],
    )


def _self_report(findings: int) -> DocumentContext:
    return DocumentContext(
        kind=DocumentKind.self_report,
        superior="UBND PHƯỜNG ĐÔNG HƯNG",
        issuer="TRƯỜNG TIỂU HỌC ĐÔNG HƯNG SỐ 1",
        number_line="Số: 12/BC-TH",
        place="Đông Hưng",
        signed_on=date(2027, 5, 20),
        title="BÁO CÁO",
        subject="Kết quả tự kiểm tra công vụ năm 2027",
        addressees=["Ủy ban nhân dân phường Đông Hưng."],
        sections=[
            Section(
                paragraphs=[
                    "Thực hiện Quyết định số 05/QĐ-TH ngày 02 tháng 4 năm 2027 về việc tự kiểm "
                    "tra công vụ, Trường Tiểu học Đông Hưng số 1 báo cáo kết quả như sau:"
                ]
            ),
            Section(
                heading="I. KẾT QUẢ TỰ KIỂM TRA",
                table=_findings_table(findings, "Kết quả khắc phục"),
            ),
        ],
        signatures=[Signature(form="", position="HIỆU TRƯỞNG", name="Nguyễn Thị Mai")],
        recipients=["- UBND phường Đông Hưng (b/c);", "- Lưu: VT."],
    )


def _remediation_report(findings: int) -> DocumentContext:
    return DocumentContext(
        kind=DocumentKind.remediation_report,
        issuer="ỦY BAN NHÂN DÂN XÃ AN PHÚ",
        number_line="Số: 56/BC-UBND",
        place="An Phú",
        signed_on=date(2027, 3, 4),
        title="BÁO CÁO",
        subject="Kết quả khắc phục tồn tại, hạn chế theo Thông báo số 210/TB-UBND ngày 02 tháng "
        "02 năm 2027 của Ủy ban nhân dân tỉnh",
        addressees=["Ủy ban nhân dân tỉnh Minh Sơn;", "Sở Nội vụ tỉnh Minh Sơn."],
        sections=[
            Section(
                paragraphs=[
                    "Thực hiện Thông báo số 210/TB-UBND ngày 02 tháng 02 năm 2027 của Ủy ban "
                    "nhân dân tỉnh về kết luận kiểm tra công vụ, Ủy ban nhân dân xã An Phú báo "
                    "cáo kết quả khắc phục như sau:"
                ]
            ),
            Section(
                heading="I. KẾT QUẢ KHẮC PHỤC",
                table=_findings_table(findings, "Kết quả"),
            ),
            Section(
                heading="II. TÀI LIỆU KÈM THEO",
                paragraphs=[
                    "Quyết định ban hành Quy chế làm việc sửa đổi; ảnh chụp lịch công tác tuần "
                    "trên cổng thông tin điện tử; biên bản họp giao ban tháng 02 năm 2027."
                ],
            ),
        ],
        signatures=[
            Signature(
                form="TM.", authority="ỦY BAN NHÂN DÂN", position="CHỦ TỊCH", name="Lê Thị Hoa"
            )
        ],
        recipients=["- Như trên;", "- Lưu: VT."],
    )


def _complaint_answer(_: int) -> DocumentContext:
    return DocumentContext(
        kind=DocumentKind.complaint_answer,
        superior=PROVINCE,
        issuer=HOME_AFFAIRS,
        number_line="Số: 412/SNV-TTr",
        place="Minh Sơn",
        signed_on=date(2027, 4, 20),
        subject="V/v trả lời phản ánh, kiến nghị số PA-2027-001",
        addressees=["Ông Nguyễn Văn Bình"],
        sections=[
            Section(
                paragraphs=[
                    "Ngày 02 tháng 3 năm 2027, Sở Nội vụ nhận được phản ánh của Ông qua đường dây "
                    f"nóng về việc công chức tại {UNIT} gây phiền hà khi tiếp nhận hồ sơ.",
                    "Sở Nội vụ đã tham mưu Ủy ban nhân dân tỉnh kiểm tra công vụ đột xuất tại đơn "
                    "vị. Kết quả kiểm tra cho thấy nội dung phản ánh có cơ sở; đơn vị đã được yêu "
                    "cầu chấn chỉnh, khắc phục.",
                    "Sở Nội vụ trân trọng cảm ơn Ông đã phản ánh.",
                ]
            )
        ],
        signatures=[
            Signature(
                form="KT.", authority="GIÁM ĐỐC", position="PHÓ GIÁM ĐỐC", name="Trần Minh Quân"
            )
        ],
        recipients=["- Như trên;", "- Lưu: VT, TTr."],
    )


def _period_report(_: int) -> DocumentContext:
    results = Table(
        header=["Hình thức kiểm tra", "Số cuộc", "Số đơn vị", "Số tồn tại", "Đã khắc phục"],
        rows=[
            ["Theo kế hoạch", "12", "12", "41", "35"],
            ["Đột xuất", "7", "9", "18", "15"],
            ["Theo phản ánh, kiến nghị", "2", "2", "3", "3"],
            ["Tái kiểm tra", "3", "3", "2", "2"],
            ["Tổng cộng", "24", "26", "64", "55 (85,9 %)"],
        ],
    )
    return DocumentContext(
        kind=DocumentKind.period_report,
        superior=PROVINCE,
        issuer=HOME_AFFAIRS,
        number_line="Số: 120/BC-SNV",
        place="Minh Sơn",
        signed_on=date(2027, 6, 25),
        title="BÁO CÁO",
        subject="Kết quả công tác kiểm tra công vụ 6 tháng đầu năm 2027",
        sections=[
            Section(
                heading="I. KẾT QUẢ THỰC HIỆN",
                paragraphs=[
                    "Sáu tháng đầu năm 2027, Sở Nội vụ đã tham mưu Ủy ban nhân dân tỉnh tổ chức "
                    "24 cuộc kiểm tra công vụ tại 26 cơ quan, đơn vị, đạt 52 % kế hoạch năm."
                ],
                table=results,
            ),
            Section(
                heading="II. ĐÁNH GIÁ",
                paragraphs=[
                    "Các cuộc kiểm tra được thực hiện đúng kế hoạch, đúng trình tự; tồn tại phổ "
                    "biến là quy chế làm việc chậm sửa đổi, lịch công tác chưa công khai. Đã kiến "
                    "nghị xem xét xử lý kỷ luật 02 công chức."
                ],
            ),
            Section(
                heading="III. PHƯƠNG HƯỚNG 6 THÁNG CUỐI NĂM",
                paragraphs=[
                    "Hoàn thành các cuộc kiểm tra còn lại theo kế hoạch; tái kiểm tra các đơn vị "
                    "có tồn tại chưa khắc phục."
                ],
            ),
        ],
        signatures=[Signature(position="GIÁM ĐỐC", name="Đinh Công Sơn")],
        recipients=["- UBND tỉnh (b/c);", "- Bộ Nội vụ (b/c);", "- Lưu: VT, CCVC."],
    )


_BUILDERS = {
    DocumentKind.decision: _decision,
    DocumentKind.notice: _notice,
    DocumentKind.minutes: _minutes,
    DocumentKind.findings_report: _findings_report,
    DocumentKind.conclusion: _conclusion,
    DocumentKind.team_change: _team_change,
    DocumentKind.visit_extension: _visit_extension,
    DocumentKind.reminder: _reminder,
    DocumentKind.remediation_report: _remediation_report,
    DocumentKind.self_report: _self_report,
    DocumentKind.period_report: _period_report,
    DocumentKind.complaint_answer: _complaint_answer,
}
