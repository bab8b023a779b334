"""The API's refusals speak Vietnamese unless the caller asks for English: one closed
vocabulary of error codes, each with its status and its texts in both languages."""

import httpx
import pytest

from api.errors import ERRORS, STATUS, ErrorCode, language_of
from states.errors import ErrorType
from tests.api.conftest import People
from tests.api.test_lifecycle_api import post, start, team


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "vi"),
        ("", "vi"),
        ("vi", "vi"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR, en;q=0.5", "en"),
        ("vi;q=0.3, en;q=0.9", "en"),
        ("en;q=0.2, vi", "vi"),
        ("en;q=abc", "vi"),
        ("de, fr", "vi"),
        ("en;q=0", "vi"),
    ],
)
def test_the_language_is_the_callers_preference_between_the_two(
    header: str | None, language: str
) -> None:
    assert language_of(header) == language


def test_every_code_has_a_status_and_both_texts() -> None:
    assert set(ERRORS) == set(ErrorCode)
    for code, text in ERRORS.items():
        assert 400 <= text.status < 600, code
        assert text.vi and text.en and text.vi != text.en, code
    # The procedure's refusals are codes of the same vocabulary, with their status from it.
    assert {t.value for t in ErrorType} <= {c.value for c in ErrorCode}
    assert STATUS[ErrorType.NOT_ALLOWED] == 403 and STATUS[ErrorType.INVALID_COMMAND] == 422


async def test_a_refusal_is_in_vietnamese_by_default_and_in_english_when_asked(
    api: str, http: httpx.AsyncClient, people: People
) -> None:
    iid = (await start(http, people))["inspection_id"]
    path = f"/inspections/{iid}/team"
    async with httpx.AsyncClient(base_url=f"{api}/api/v1", timeout=60) as plain:
        r = await post(plain, people, "unit_rep", path, team(people))
    assert r.status_code == 403 and r.headers["content-language"] == "vi"
    assert r.json()["error"] == "not_allowed"
    # Vietnamese that names what was wrong, as the English does.
    assert (
        r.json()["message"]
        == "Bên được kiểm tra không thực hiện được thao tác «Thành lập đoàn kiểm tra»."
    )
    english = await post(http, people, "unit_rep", path, team(people))
    assert english.headers["content-language"] == "en"
    assert "inspected side" in english.json()["message"]  # English names what was wrong
    assert english.json()["detail"] == r.json()["detail"]  # the same facts in any language


async def test_refusals_from_the_workflow_name_what_was_wrong_in_vietnamese(
    api: str, http: httpx.AsyncClient, people: People
) -> None:
    iid = (await start(http, people))["inspection_id"]
    two_leaders = {
        "members": [
            {"user_id": people.ids["leader"], "team_role": "team_leader"},
            {"username": "member", "team_role": "team_leader"},
        ]
    }
    async with httpx.AsyncClient(base_url=f"{api}/api/v1", timeout=60) as plain:
        r = await post(plain, people, "coordinator", f"/inspections/{iid}/team", two_leaders)
    assert r.status_code == 422 and r.json()["error"] == "invalid_command"
    assert r.json()["message"] == "Đoàn kiểm tra phải có đúng một trưởng đoàn (đang chọn 2)."
    # A refusal without its own Vietnamese keeps the code's general text.
    assert ERRORS[ErrorCode.INVALID_COMMAND].vi != r.json()["message"]


async def test_the_edges_refusals_speak_the_same_language(api: str, people: People) -> None:
    async with httpx.AsyncClient(base_url=f"{api}/api/v1", timeout=60) as plain:
        unknown = await plain.get("/no-such-page", headers=people.headers["viewer"])
        too_large = await plain.post(
            "/inspections",
            content=b"{" + b" " * (2 * 1024 * 1024) + b"}",
            headers=people.headers["coordinator"] | {"Content-Type": "application/json"},
        )
    assert unknown.status_code == 404
    assert unknown.json()["message"] == ERRORS[ErrorCode.NOT_FOUND].vi
    assert too_large.status_code == 413 and too_large.headers["content-language"] == "vi"
    assert too_large.json()["message"] == ERRORS[ErrorCode.PAYLOAD_TOO_LARGE].vi
