"""Evidence on the inspection page: the team attaches through a real multipart form with the
session's CSRF token, the file is listed and downloaded through the page session, a forged
post keeps nothing, a refusal is shown in Vietnamese, and the unit gets one form per finding
to report on."""

import re

import httpx

from tests.api.conftest import People
from tests.api.evidence_world import concluded, on_site, pdf
from tests.api.web.conftest import PageClient, Pages


async def attach(
    client: PageClient, iid: str, ref: str, name: str, content: bytes, csrf: bool = True
) -> httpx.Response:
    """The form as a browser sends it: the token first, then the fields, then the file."""
    fields = {"csrf_token": client.csrf} if csrf else {}
    return await client.http.post(
        f"/inspections/{iid}/evidence",
        data={**fields, "target": "visit", "ref": ref},
        files=[("file", (name, content, "application/pdf"))],
    )


async def count(http: httpx.AsyncClient, people: People, iid: str) -> int:
    r = await http.get(f"/inspections/{iid}/evidence", headers=people.headers["leader"])
    return int(r.json()["count"])


async def test_the_team_attaches_on_the_page_and_the_unit_reports_per_finding(
    http: httpx.AsyncClient, people: People, pages: Pages
) -> None:
    iid = await on_site(http, people)
    leader, unit = await pages("leader"), await pages("unit_rep")
    r = await leader.get(f"/inspections/{iid}")
    assert "Tài liệu, chứng cứ" in r.text and "Chưa có tài liệu nào được đính kèm." in r.text
    assert f'action="/inspections/{iid}/evidence" enctype="multipart/form-data"' in r.text
    r = await unit.get(f"/inspections/{iid}")
    assert r.status_code == 200 and f'action="/inspections/{iid}/evidence"' not in r.text

    # Without the token nothing is kept, and the answer is the refusal page.
    r = await attach(leader, iid, "WH-01", "bien-ban.pdf", pdf(), csrf=False)
    assert r.status_code == 403
    assert await count(http, people, iid) == 0

    content = pdf("biên bản")
    r = await attach(leader, iid, "WH-01", "Biên bản làm việc.pdf", content)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"/inspections/{iid}?evidence=added#evidence"
    page = await leader.get(r.headers["location"])
    assert "Đã đính kèm tài liệu." in page.text and "Biên bản làm việc.pdf" in page.text
    assert "Tiêu chí WH-01" in page.text
    link = re.search(rf'href="(/inspections/{iid}/evidence/[0-9a-f]+)" download', page.text)
    assert link is not None
    got = await unit.get(link.group(1))
    assert got.status_code == 200 and got.content == content
    assert got.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert got.headers["content-disposition"].startswith('attachment; filename="Bien ban')

    # A page renamed .pdf is refused on the page, in Vietnamese, and nothing is kept.
    r = await attach(leader, iid, "WH-01", "trang.pdf", b"<html><script>x</script></html>")
    assert r.status_code == 422
    assert 'role="alert"' in r.text and "không thuộc loại được nhận" in r.text
    assert await count(http, people, iid) == 1

    # The team takes it back from the page while on site.
    removal = f"{link.group(1)}/remove"
    assert f'action="{removal}"' in page.text
    r = await leader.post(removal, {})
    assert r.status_code == 303 and await count(http, people, iid) == 0

    await concluded(http, people, iid)
    r = await unit.get(f"/inspections/{iid}")
    for n in (1, 2):
        assert f"Tài liệu, chứng cứ khắc phục tồn tại số {n}" in r.text
        assert f'<input type="hidden" name="ref" value="{n}">' in r.text
    r = await leader.get(f"/inspections/{iid}")
    assert f'action="/inspections/{iid}/evidence"' not in r.text
