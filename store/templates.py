"""Office document templates: the newest upload per organisation and kind is the one used
(an empty upload means "back to the default"); earlier ones stay on record."""

from sqlmodel import Session, col, select

from store.queries import ancestry
from store.tables import DocumentTemplate


def latest(session: Session, organisation_id: str) -> dict[str, DocumentTemplate]:
    """The newest upload of each kind at the organisation."""
    rows = session.exec(
        select(DocumentTemplate)
        .where(DocumentTemplate.organisation_id == organisation_id)
        .order_by(col(DocumentTemplate.uploaded_at))
    ).all()
    return {row.kind: row for row in rows}  # the newest per kind wins


def in_use(session: Session, issuer_id: str, kind: str) -> bytes | None:
    """The template an issuer's documents of ``kind`` are laid out with: the newest upload
    of the issuer, or of the nearest organisation above it; None: the default."""
    # The issuer first, then its ancestors upwards (``ancestry`` is root first).
    chain = [issuer_id, *reversed(ancestry(session, issuer_id))]
    rows = session.exec(
        select(DocumentTemplate)
        .where(col(DocumentTemplate.organisation_id).in_(chain), DocumentTemplate.kind == kind)
        .order_by(col(DocumentTemplate.uploaded_at).desc())
    ).all()
    for org in chain:
        mine = next((r for r in rows if r.organisation_id == org), None)
        if mine is not None:
            return mine.content or None  # an empty upload: back to the default
    return None
