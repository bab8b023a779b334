"""Receiving evidence files: a multipart upload read as it arrives, refused as a whole or
kept as a whole.

Each file of the request is streamed into the file store's staging area while it is hashed
and counted (``api.multipart``, ``store.files``). Only once every file is in, its type
sniffed from its bytes (``api.filetypes``), scanned by clamd when one is configured
(``api.clamd``), and the caller's right checked again on the latest snapshot
(``states.evidence``), are the blobs committed and the records written; any refusal leaves
nothing behind — no record, no blob, no staged file.
"""

import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api import clamd, filetypes
from api.bounds import Day
from api.deps import actor_of
from api.errors import ApiError, ErrorCode, unavailable
from api.multipart import MalformedForm, MultipartReader
from api.scope import load_visible
from api.settings import ApiSettings
from states.calendar import local_date
from states.evidence import FILES_PER_UPLOAD, REF_MAX, UPLOADABLE, EvidenceTarget, check_upload
from states.scope import Viewer
from store import evidence as records
from store.files import FileStore, Staged, TooLarge
from store.tables import EvidenceFile, User

# The routes that take uploads: the edge lets their bodies grow to the upload limit.
UPLOAD_PATH = re.compile(r"(?:/api/v1)?/inspections/[^/]{1,64}/evidence")
# Boundaries, part headers and the plain fields of one request with its ten files.
UPLOAD_OVERHEAD = 64 * 1024
FIELDS = ("target", "ref", "effective_on")
# The plain fields, the files, and a page's CSRF token.
PARTS_MAX = len(FIELDS) + FILES_PER_UPLOAD + 1
REF_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class EvidenceForm(BaseModel):
    """The plain fields of an upload."""

    model_config = ConfigDict(extra="forbid")

    target: EvidenceTarget
    ref: Annotated[str, Field(min_length=1, max_length=REF_MAX, pattern=REF_PATTERN)]
    effective_on: Day | None = Field(default=None, description="the day it shows, not later")


def _binary_list() -> dict[str, Any]:
    item = {"type": "string", "format": "binary"}
    return {"type": "array", "items": item, "minItems": 1, "maxItems": FILES_PER_UPLOAD}


UPLOAD_OPENAPI: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["target", "ref", "file"],
                    "properties": {
                        "target": {"type": "string", "enum": [t.value for t in UPLOADABLE]},
                        "ref": {
                            "type": "string",
                            "minLength": 1,
                            "maxLength": REF_MAX,
                            "pattern": REF_PATTERN,
                            "description": "the criterion's code (visit) or finding number",
                        },
                        "effective_on": {"type": "string", "format": "date"},
                        "file": {
                            **_binary_list(),
                            "description": f"{filetypes.ACCEPTED}; the type is read from "
                            "the content",
                        },
                    },
                }
            }
        },
    }
}


def _invalid(message: str, vi: str, detail: Any = None) -> ApiError:
    return ApiError(ErrorCode.INVALID_PAYLOAD, message, detail, vi=vi)


def _form(fields: dict[str, str], today: date) -> EvidenceForm:
    try:
        form = EvidenceForm.model_validate({k: v for k, v in fields.items() if v != ""})
    except ValidationError as e:
        errors = [{"loc": list(x["loc"]), "msg": x["msg"], "type": x["type"]} for x in e.errors()]
        raise _invalid(
            "the upload's fields are not valid",
            "Thông tin kèm theo tài liệu chưa hợp lệ (loại, nội dung hỗ trợ hoặc ngày).",
            errors,
        ) from None
    if form.effective_on is not None and form.effective_on > today:
        raise _invalid(
            "effective_on may not lie in the future",
            "Ngày của tài liệu không được sau ngày hôm nay.",
            {"effective_on": form.effective_on.isoformat()},
        )
    return form


def _malformed(e: MalformedForm) -> ApiError:
    return _invalid(str(e), "Dữ liệu tải lên không đúng định dạng biểu mẫu.")


def _too_large(limit: int) -> ApiError:
    most = f"{limit / 2**20:g} MB" if limit >= 2**20 else f"{limit // 1024} KB"
    return ApiError(
        ErrorCode.PAYLOAD_TOO_LARGE,
        f"a file is larger than {limit} bytes",
        {"max_bytes": limit},
        vi=f"Tệp quá lớn: mỗi tệp tối đa {most}.",
    )


@dataclass
class _Upload:
    """What a request brought: its plain fields and its files, staged."""

    fields: dict[str, str]
    files: list[tuple[Staged, str]]

    def discard(self) -> None:
        for staged, _ in self.files:
            staged.discard()


async def _read(
    request: Request,
    store: FileStore,
    limit: int,
    before_files: Callable[[dict[str, str]], Awaitable[None]],
    upload: _Upload,
) -> None:
    """Read the request into ``upload``: plain fields kept, files staged as they arrive.

    ``before_files`` sees the plain fields sent before the first file, once, before a byte
    of it is stored (or at the end when none came)."""
    reader = MultipartReader(request.stream(), request.headers.get("content-type", ""), PARTS_MAX)
    checked = False
    async for part in reader.parts():
        if part.name == "file":
            if not checked:
                await before_files(dict(upload.fields))
                checked = True
            if len(upload.files) == FILES_PER_UPLOAD:
                raise MalformedForm(f"at most {FILES_PER_UPLOAD} files per upload")
            staged = await store.stage(part.chunks(), limit)
            if staged.size == 0 and not part.filename:
                staged.discard()  # a browser's file field left empty
                continue
            upload.files.append((staged, part.filename or ""))
            continue
        value = await part.text()
        if part.name in upload.fields:
            raise MalformedForm(f"the field {part.name!r} is given twice")
        upload.fields[part.name] = value
    if not checked:
        await before_files(dict(upload.fields))


async def receive(
    request: Request,
    session: Session,
    viewer: Viewer,
    user: User,
    inspection_id: str,
    store: FileStore,
    before_files: Callable[[dict[str, str]], Awaitable[None]] | None = None,
) -> list[EvidenceFile]:
    """Take the files of an upload request for the inspection, or refuse them all."""
    settings: ApiSettings = request.app.state.settings
    actor = actor_of(user, request, viewer)
    snapshot = await run_in_threadpool(load_visible, session, viewer, inspection_id)
    session.rollback()  # no connection held while the files arrive
    today = local_date(datetime.now(UTC))

    async def check_fields(fields: dict[str, str]) -> None:
        if before_files is not None:
            await before_files(fields)
        if "target" in fields and "ref" in fields:
            # Sent before the files: a refusal costs the caller no upload.
            form = _form({k: v for k, v in fields.items() if k in FIELDS}, today)
            check_upload(snapshot, form.target, form.ref, actor)

    upload = _Upload({}, [])
    try:
        try:
            await _read(request, store, settings.max_upload_bytes, check_fields, upload)
        except MalformedForm as e:
            raise _malformed(e) from None
        except TooLarge as e:
            raise _too_large(e.limit) from None
        if not upload.files:
            raise _invalid("no file was sent", "Chưa chọn tệp nào để tải lên.")
        form = _form({k: v for k, v in upload.fields.items() if k in FIELDS}, today)
        kinds = [await run_in_threadpool(_sniff, s, name) for s, name in upload.files]
        if settings.clamd:
            for staged, name in upload.files:
                await _scan(settings.clamd, staged, name)
        # The inspection may have moved on while the files arrived: the latest word decides.
        fresh = await run_in_threadpool(load_visible, session, viewer, inspection_id)
        session.rollback()
        check_upload(fresh, form.target, form.ref, actor)
        for staged, _ in upload.files:
            await store.commit(staged)
    finally:
        upload.discard()
    now = datetime.now(UTC)
    rows = [
        EvidenceFile(
            id=uuid.uuid4().hex,
            inspection_id=inspection_id,
            target=form.target.value,
            ref=form.ref,
            cycle=fresh.cycle,
            name=filetypes.clean_name(name, kind),
            size=staged.size,
            media_type=kind.media_type,
            sha256=staged.sha256,
            uploaded_by=actor.user_id,
            uploaded_by_name=actor.name,
            uploaded_at=now,
            effective_on=form.effective_on,
        )
        for (staged, name), kind in zip(upload.files, kinds, strict=True)
    ]
    return await run_in_threadpool(records.add_files, session, rows)


def _sniff(staged: Staged, name: str) -> filetypes.FileType:
    try:
        return filetypes.sniff(staged.path)
    except filetypes.Refused as e:
        shown = filetypes.shown_name(name)
        if e.reason == "macros":
            raise _invalid(
                f"{shown!r} contains macros; save it without them (.docx, .xlsx)",
                f"Tệp «{shown}» có chứa macro; vui lòng lưu lại dạng .docx hoặc .xlsx "
                "không có macro.",
                {"file": shown, "reason": "macros"},
            ) from None
        raise _invalid(
            f"{shown!r} is not a kind of file kept as evidence; accepted: {filetypes.ACCEPTED}",
            f"Tệp «{shown}» không thuộc loại được nhận; chỉ nhận tệp PDF, ảnh JPEG, PNG, "
            "văn bản Word (.docx) và bảng tính Excel (.xlsx).",
            {"file": shown, "reason": "type", "accepted": filetypes.ACCEPTED},
        ) from None


async def _scan(address: str, staged: Staged, name: str) -> None:
    try:
        found = await clamd.scan(address, staged.chunks())
    except clamd.ScanUnavailable as e:
        raise unavailable(str(e)) from None
    if found is not None:
        shown = filetypes.shown_name(name)
        refused = _invalid(
            f"{shown!r} was refused by the virus scan ({found})",
            f"Tệp «{shown}» bị từ chối vì phát hiện mã độc ({found}).",
            {"file": shown, "reason": "malware", "signature": found[:200]},
        )
        refused.reason = "malware"  # audited: who tried to bring in what
        raise refused
