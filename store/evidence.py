"""The records of evidence files (``evidence_file``): their facts; their bytes are in the file
store under ``sha256``. A removed file keeps its row (and its blob), marked with who and when."""

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from store.tables import EvidenceFile


def add_files(session: Session, rows: Sequence[EvidenceFile]) -> list[EvidenceFile]:
    """Record the files of one upload, all or none."""
    session.add_all(rows)
    session.commit()
    for row in rows:
        session.refresh(row)
    return list(rows)


def files_of(
    session: Session, inspection_id: str, *, include_removed: bool = False
) -> list[EvidenceFile]:
    """An inspection's files, in the order they came."""
    query = select(EvidenceFile).where(EvidenceFile.inspection_id == inspection_id)
    if not include_removed:
        query = query.where(col(EvidenceFile.removed_at).is_(None))
    query = query.order_by(col(EvidenceFile.uploaded_at), col(EvidenceFile.id))
    return list(session.exec(query).all())


def file_of(session: Session, inspection_id: str, file_id: str) -> EvidenceFile | None:
    """One file of the inspection; None for another inspection's file, as for no file."""
    row = session.get(EvidenceFile, file_id)
    if row is None or row.inspection_id != inspection_id:
        return None
    return row


def mark_removed(session: Session, row: EvidenceFile, user_id: str, now: datetime) -> EvidenceFile:
    """Take the file back: the row and the blob stay, marked removed by ``user_id``."""
    row.removed_at = now
    row.removed_by = user_id
    session.add(row)
    session.commit()
    session.refresh(row)
    return row
