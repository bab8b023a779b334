"""Evidence files (tài liệu, chứng cứ): list, serve, take back, and the inspection page's
section — the one path the JSON API and the web pages both take (receiving them:
``api.uploads``).

Who sees a file is who sees its inspection (``api.scope.load_visible``): a hidden
inspection, an unknown one and another inspection's file are the same 404. Removed files
stay (row and blob), seen only by the issuing side.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api import filetypes
from api.deps import actor_of
from api.errors import ApiError, ErrorCode, audit, not_found
from api.schemas import UtcDatetime
from api.scope import load_visible
from states.errors import DomainError
from states.evidence import EvidenceTarget, check_removal, check_upload, open_item
from states.models import Actor, InspectionSnapshot
from states.scope import Viewer
from states.sides import position_of_viewer
from states.vocabulary import ISSUING_POSITIONS, InspectionState
from store import evidence as records
from store.files import FileStore
from store.tables import EvidenceFile, User

CSP = "default-src 'none'; sandbox"


class EvidencePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    inspection_id: str
    target: EvidenceTarget
    ref: str
    cycle: int
    name: str
    size: int
    media_type: str
    sha256: str
    uploaded_by: str
    uploaded_by_name: str
    uploaded_at: UtcDatetime  # SQLite gives it back without its zone
    effective_on: date | None
    removed_at: UtcDatetime | None
    removed_by: str | None


class EvidenceListPublic(BaseModel):
    data: list[EvidencePublic]
    count: int


DOWNLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {t.media_type: {} for t in filetypes.FILE_TYPES}, "description": "a file"}
}


def get_file_store(request: Request) -> FileStore:
    store: FileStore = request.app.state.files
    return store


FileStoreDep = Annotated[FileStore, Depends(get_file_store)]


def issuing_side(snapshot: InspectionSnapshot, viewer: Viewer) -> bool:
    return position_of_viewer(snapshot, viewer) in ISSUING_POSITIONS


def list_files(
    session: Session, viewer: Viewer, inspection_id: str, include_removed: bool = False
) -> list[EvidenceFile]:
    """The inspection's files for ``viewer``; removed ones only for the issuing side."""
    snapshot = load_visible(session, viewer, inspection_id)
    if include_removed and not issuing_side(snapshot, viewer):
        raise ApiError(
            ErrorCode.FORBIDDEN,
            "only the issuing side sees removed files",
            vi="Chỉ bên ban hành quyết định kiểm tra mới xem được tài liệu đã gỡ bỏ.",
        )
    return records.files_of(session, inspection_id, include_removed=include_removed)


def find_file(
    session: Session, viewer: Viewer, inspection_id: str, file_id: str
) -> tuple[InspectionSnapshot, EvidenceFile]:
    """One file the viewer may see; the same 404 for a hidden inspection, another
    inspection's file, an unknown one, and a removed one outside the issuing side."""
    snapshot = load_visible(session, viewer, inspection_id)
    row = records.file_of(session, inspection_id, file_id)
    if row is None or (row.removed_at is not None and not issuing_side(snapshot, viewer)):
        raise not_found("evidence file", file_id)
    return snapshot, row


async def download(
    session: Session, viewer: Viewer, inspection_id: str, file_id: str, store: FileStore
) -> StreamingResponse:
    """The file's bytes, as an attachment that no browser renders or sniffs."""
    _, row = await run_in_threadpool(find_file, session, viewer, inspection_id, file_id)
    session.rollback()
    try:
        chunks: Iterator[bytes] = await run_in_threadpool(store.open, row.sha256)
    except FileNotFoundError:
        raise ApiError(ErrorCode.INTERNAL, "the file's content is missing from the store") from None
    return StreamingResponse(
        chunks,
        media_type=row.media_type,
        headers={
            "Content-Disposition": filetypes.content_disposition(row.name),
            "Content-Length": str(row.size),
            "Content-Security-Policy": CSP,
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


def remove(
    request: Request, session: Session, viewer: Viewer, user: User, inspection_id: str, file_id: str
) -> EvidenceFile:
    """Take a file back (its row and blob stay, marked); in the security log as an act."""
    snapshot, row = find_file(session, viewer, inspection_id, file_id)
    if row.removed_at is not None:
        raise ApiError(
            ErrorCode.CONFLICT,
            "the file was removed already",
            {"id": file_id},
            vi="Tài liệu này đã được gỡ bỏ trước đó.",
        )
    actor = actor_of(user, request, viewer)
    check_removal(snapshot, row.target, row.ref, row.cycle, row.uploaded_at, actor)
    removed = records.mark_removed(session, row, user.id, datetime.now(UTC))
    audit(request, 200, "evidence_removed", f"evidence_removed {file_id}"[:64])
    return removed


def _removable(snapshot: InspectionSnapshot, f: EvidenceFile, actor: Actor) -> bool:
    try:
        check_removal(snapshot, f.target, f.ref, f.cycle, f.uploaded_at, actor)
    except DomainError:
        return False
    return True


def _uploadable(
    snapshot: InspectionSnapshot, target: EvidenceTarget, ref: str, actor: Actor
) -> bool:
    try:
        check_upload(snapshot, target, ref, actor)
    except DomainError:
        return False
    return True


@dataclass(frozen=True)
class EvidenceRow:
    file: EvidenceFile
    removable: bool
    kind: str  # PDF, JPEG, PNG, Word, Excel


@dataclass(frozen=True)
class UploadSlot:
    """One upload form a page offers: the target and the refs it may name."""

    target: EvidenceTarget
    refs: list[str]


def evidence_view(session: Session, snapshot: InspectionSnapshot, actor: Actor) -> dict[str, Any]:
    """The evidence section of the inspection page: the files, which the caller may take
    back, and where the caller may attach new ones now (the rules of ``states.evidence``)."""
    rows = [
        EvidenceRow(
            f,
            _removable(snapshot, f, actor),
            getattr(filetypes.BY_MEDIA_TYPE.get(f.media_type), "label", f.media_type),
        )
        for f in records.files_of(session, snapshot.inspection_id)
    ]
    candidates = {
        EvidenceTarget.VISIT: list(snapshot.checklist),
        EvidenceTarget.REMEDIATION: [
            str(f.no) for f in snapshot.findings if open_item(snapshot, f.no) is not None
        ],
        EvidenceTarget.DISPUTE: [str(f.no) for f in snapshot.findings],
    }
    slots = []
    if snapshot.state is not InspectionState.CLOSED:
        for target, refs in candidates.items():
            allowed = [r for r in refs if _uploadable(snapshot, target, r, actor)]
            if allowed:
                slots.append(UploadSlot(target, allowed))
    return {"evidence": rows, "evidence_slots": slots, "evidence_error": None}
