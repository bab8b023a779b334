"""The checklist catalogue's versions: the built-in one (1) and those an administrator
published since (``checklist_version``, append-only)."""

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from states.checklist import BUILTIN, Catalogue, CatalogueEntry, Criterion, check_successor
from store.tables import ChecklistVersion


class VersionTaken(Exception):
    """Another administrator published the same version number first."""


def _catalogue(row: ChecklistVersion) -> Catalogue:
    return Catalogue(
        version=row.version, criteria=[CatalogueEntry.model_validate(c) for c in row.criteria]
    )


def current(session: Session) -> Catalogue:
    row = session.exec(
        select(ChecklistVersion).order_by(col(ChecklistVersion.version).desc()).limit(1)
    ).first()
    return _catalogue(row) if row is not None else BUILTIN


def version(session: Session, n: int) -> Catalogue | None:
    """Version ``n`` (0 and 1: the built-in one); None when it does not exist."""
    if n in (0, BUILTIN.version):
        return BUILTIN
    row = session.get(ChecklistVersion, n)
    return _catalogue(row) if row is not None else None


def labels_of(session: Session, n: int) -> dict[str, Criterion]:
    """The criteria's labels as version ``n`` words them (the built-in ones underneath, for
    a version that no longer exists)."""
    found = version(session, n)
    return BUILTIN.labels() | (found.labels() if found else {})


def publish(
    session: Session, entries: list[CatalogueEntry], by: str, note: str, at: datetime
) -> Catalogue:
    """The next version: checked against the current one (``InvalidCommand``), then written
    once (``VersionTaken`` when another was published meanwhile)."""
    previous = current(session)
    check_successor(previous, entries)
    row = ChecklistVersion(
        version=previous.version + 1,
        criteria=[e.model_dump() for e in entries],
        note=note,
        created_by=by,
        created_at=at,
    )
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise VersionTaken(previous.version + 1) from None
    return _catalogue(row)


def versions(session: Session) -> list[ChecklistVersion]:
    return list(
        session.exec(select(ChecklistVersion).order_by(col(ChecklistVersion.version).desc())).all()
    )
