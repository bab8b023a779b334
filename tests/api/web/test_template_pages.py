"""The document templates page: an office uploads its own Word layout (checked in the
sandbox), reads which one is in use, and goes back to the default."""

from tests.api.test_paper_trail_api import word_file
from tests.api.web.conftest import Pages

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def test_an_office_uploads_its_own_template_and_goes_back(pages: Pages) -> None:
    admin = await pages("admin")
    r = await admin.get("/documents/templates?organisation=org-commune-an-phu")
    assert r.status_code == 200
    assert "Thông báo kết luận kiểm tra" in r.text and "Mẫu mặc định" in r.text
    default = await admin.get(
        "/documents/templates/conclusion.docx?organisation=org-commune-an-phu"
    )
    assert default.status_code == 200 and default.content[:2] == b"PK"

    url = "/documents/templates/conclusion?organisation=org-commune-an-phu"
    hostile = word_file("{{ cycler.__init__.__globals__ }}")
    r = await admin.http.post(
        url, data={"csrf_token": admin.csrf}, files={"file": ("mau.docx", hostile, DOCX)}
    )
    assert r.status_code == 303 and "refused=conclusion" in r.headers["location"]
    # Without the session's token nothing is kept.
    own = word_file("MẪU CỦA XÃ {{ number_line }}")
    r = await admin.http.post(url, files={"file": ("mau.docx", own, DOCX)})
    assert r.status_code == 403
    r = await admin.get("/documents/templates?organisation=org-commune-an-phu")
    assert "Mẫu của cơ quan" not in r.text

    r = await admin.http.post(
        url, data={"csrf_token": admin.csrf}, files={"file": ("mau.docx", own, DOCX)}
    )
    assert r.status_code == 303 and "done=conclusion" in r.headers["location"]
    r = await admin.get("/documents/templates?organisation=org-commune-an-phu")
    assert "Mẫu của cơ quan" in r.text
    current = await admin.get(
        "/documents/templates/conclusion.docx?organisation=org-commune-an-phu"
    )
    assert current.content == own

    r = await admin.post(
        "/documents/templates/conclusion/reset?organisation=org-commune-an-phu", {}
    )
    assert r.status_code == 303
    r = await admin.get("/documents/templates?organisation=org-commune-an-phu")
    assert "Mẫu của cơ quan" not in r.text


async def test_the_inspected_side_manages_no_template(pages: Pages) -> None:
    unit = await pages("unit_rep")
    r = await unit.get("/documents/templates?organisation=org-commune-an-phu")
    assert r.status_code == 404
