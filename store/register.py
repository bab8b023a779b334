"""The register of documents (sổ đăng ký văn bản): numbers per issuer, type and year from 1
on 1 January, with no gap and no duplicate (Decree 30/2020 Art. 15).

A number is taken in the same transaction that records its document: the counter row is
raised by one statement (an upsert returning the new value), which PostgreSQL serialises by
the row's lock and SQLite by its write lock, and a rollback returns the number. A document is
found again by its ``key`` (what issued it), so a retried command never takes a second
number. A number typed for a document already issued on paper is checked (its form, type,
issuer and year, not taken) and the register continues after it.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from states.paper import Issue
from store.plans import path_of
from store.tables import Document, DocumentType, Organisation

# "94/QĐ-UBND", "15/KH-SNV", "12/TB-UBND.TL", "345/UBND-VP" (a công văn: no type in it).
SYMBOL = re.compile(r"^(\d{1,6})/([^\s/-]+)(?:-([^\s/]+))?$")
LETTER = "CV"  # công văn: its symbol names the issuer (and drafting unit), not its type
NUMBER_MAX = 999_999


class RegisterError(ValueError):
    """A typed number that does not fit the register; ``field`` names what is wrong."""

    def __init__(self, message: str, vi: str, field: str = "number") -> None:
        super().__init__(message)
        self.vi = vi
        self.field = field


class NumberTaken(RegisterError):
    pass


@dataclass(frozen=True)
class Entry:
    """What a document says of itself, apart from its number."""

    key: str
    issuer_id: str
    type: str
    year: int
    subject: str = ""
    signed_on: date | None = None
    signer: str = ""
    signer_position: str = ""
    signing_form: str = ""
    inspection_id: str | None = None
    plan_id: str | None = None
    created_by: str = ""


def abbreviation_of(org: Organisation) -> str:
    """The issuer's abbreviation in symbols: its own, or its code when none is configured."""
    return org.abbreviation or org.code


def symbol(number: int, type_code: str, abbreviation: str) -> str:
    if type_code == LETTER:
        return f"{number}/{abbreviation}"
    return f"{number}/{type_code}-{abbreviation}" if abbreviation else f"{number}/{type_code}"


def parse(typed: str, type_code: str, issuer: Organisation) -> int:
    """The number of a typed symbol, if it is one of ``issuer``'s documents of that type."""
    found = SYMBOL.match(typed.strip())
    if found is None:
        raise RegisterError(
            f"'{typed}' is not a document number such as 94/{type_code}-UBND",
            f"«{typed}» không đúng dạng số, ký hiệu văn bản (ví dụ 94/{type_code}-UBND).",
        )
    number, head, tail = int(found[1]), found[2], found[3] or ""
    if number < 1:
        raise RegisterError("numbers start at 1", "Số văn bản bắt đầu từ 1.")
    kind, abbreviation = (LETTER, head) if type_code == LETTER else (head, tail)
    if kind != type_code:
        raise RegisterError(
            f"'{typed}' is not a {type_code}",
            f"«{typed}» không phải loại văn bản {type_code}.",
        )
    # Checked only where the office has configured its abbreviation: until then the
    # abbreviations people type (UBND, SNV …) are theirs to choose.
    if issuer.abbreviation and abbreviation and abbreviation != issuer.abbreviation:
        raise RegisterError(
            f"'{typed}' is not a number of {issuer.name} ({issuer.abbreviation})",
            f"«{typed}» không phải số văn bản của {issuer.name} ({issuer.abbreviation}).",
        )
    return number


def find(session: Session, key: str) -> Document | None:
    return session.exec(select(Document).where(Document.key == key)).first()


def papers_of(
    session: Session, inspection_id: str, papers: tuple[str, ...]
) -> dict[str, tuple[str, date | None]]:
    """The number and date of each of ``papers`` (``states.paper.Paper`` values) one
    inspection has in the register, the latest of a kind when it has several."""
    found: dict[str, tuple[str, date | None]] = {}
    rows = session.exec(
        select(Document)
        .where(Document.inspection_id == inspection_id)
        .order_by(col(Document.created_at), col(Document.id))
    ).all()
    for document in rows:
        paper = document.key.rsplit(":", 1)[-1]
        if paper in papers:
            found[paper] = (document.symbol, document.signed_on)
    return found


def _raise_counter(session: Session, entry: Entry, at_least: int | None) -> int:
    """The counter after this document: one more, or the typed number when it is larger."""
    params = {"i": entry.issuer_id, "t": entry.type, "y": entry.year}
    if at_least is None:
        sql = (
            "INSERT INTO document_counter (issuer_id, type, year, last) VALUES (:i, :t, :y, 1) "
            "ON CONFLICT (issuer_id, type, year) "
            "DO UPDATE SET last = document_counter.last + 1 RETURNING last"
        )
    else:
        sql = (
            "INSERT INTO document_counter (issuer_id, type, year, last) VALUES (:i, :t, :y, :n) "
            "ON CONFLICT (issuer_id, type, year) DO UPDATE SET last = CASE "
            "WHEN document_counter.last < :n THEN :n ELSE document_counter.last END "
            "RETURNING last"
        )
        params["n"] = at_least
    return int(session.execute(text(sql), params).scalar_one())


def _document(
    session: Session, entry: Entry, number: int, entered: bool, typed: str = ""
) -> Document:
    issuer = session.get(Organisation, entry.issuer_id)
    if issuer is None:
        raise RegisterError(f"unknown issuer {entry.issuer_id}", "Không có cơ quan ban hành này.")
    return Document(
        id=uuid.uuid4().hex,
        key=entry.key,
        issuer_id=entry.issuer_id,
        issuer_path=path_of(session, issuer.id),
        type=entry.type,
        year=entry.year,
        number=number,
        # A typed number keeps its symbol as the paper has it (a công văn's drafting unit).
        symbol=typed.strip() or symbol(number, entry.type, abbreviation_of(issuer)),
        signed_on=entry.signed_on,
        signer=entry.signer,
        signer_position=entry.signer_position,
        signing_form=entry.signing_form,
        subject=entry.subject,
        inspection_id=entry.inspection_id,
        plan_id=entry.plan_id,
        entered=entered,
        created_by=entry.created_by,
        created_at=datetime.now(UTC),
    )


def issue(session: Session, entry: Entry, typed: str = "", *, commit: bool = True) -> Document:
    """Register a document: the next number of its issuer, type and year, or the ``typed``
    one of a document already issued on paper (checked). The same ``key`` again returns the
    document registered the first time, whatever is typed."""
    found = find(session, entry.key)
    if found is not None:
        return found
    issuer = session.get(Organisation, entry.issuer_id)
    if issuer is None:
        raise RegisterError(f"unknown issuer {entry.issuer_id}", "Không có cơ quan ban hành này.")
    if typed:
        number = parse(typed, entry.type, issuer)
        holder = _holder(session, entry.issuer_id, entry.type, entry.year, number)
        if holder is not None:
            raise _taken(holder[0], entry.year)
        _raise_counter(session, entry, number)
        document = _document(session, entry, number, entered=True, typed=typed)
    else:
        number = _raise_counter(session, entry, None)
        document = _document(session, entry, number, entered=False)
    session.add(document)
    try:
        session.flush()
    except IntegrityError:
        if not commit:  # part of a larger transaction: it fails whole, and is retried
            raise
        # Another request registered the same key (or typed the same number) a moment ago.
        session.rollback()
        again = find(session, entry.key)
        if again is not None:
            return again
        raise NumberTaken(
            f"number {number} of {entry.year} is already in the register",
            f"Số {number} năm {entry.year} đã có trong sổ đăng ký văn bản.",
        ) from None
    if commit:
        session.commit()
        session.refresh(document)
    return document


def types(session: Session) -> list[DocumentType]:
    return list(session.exec(select(DocumentType).order_by(col(DocumentType.code))).all())


def documents(
    session: Session,
    within: str | None,
    *,
    issuer: str | None = None,
    type_code: str | None = None,
    year: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[Document], int]:
    """The register within an authority (``within``: an organisation whose subtree's
    documents are shown; None shows nothing), newest number first."""
    if within is None:
        return [], 0
    query = select(Document).where(
        col(Document.issuer_path).contains(f"/{within}/", autoescape=True)
    )
    if issuer:
        query = query.where(Document.issuer_id == issuer)
    if type_code:
        query = query.where(Document.type == type_code)
    if year:
        query = query.where(Document.year == year)
    count = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(Document.year).desc(), col(Document.type), col(Document.number).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), int(count)


def issuer_names(session: Session, rows: list[Document]) -> dict[str, str]:
    """The issuing organisations' names of ``rows``, by id."""
    ids = {d.issuer_id for d in rows}
    if not ids:
        return {}
    found = session.exec(
        select(Organisation.id, Organisation.name).where(col(Organisation.id).in_(ids))
    ).all()
    return dict(found)


def check_typed(
    session: Session,
    issuer_id: str,
    type_code: str,
    year: int,
    typed: str,
    inspection_id: str | None = None,
) -> None:
    """Refuse a typed number before the command that carries it is sent: its form, its
    issuer and type, and that the register does not hold it already (for another
    inspection than ``inspection_id``)."""
    issuer = session.get(Organisation, issuer_id)
    if issuer is None:
        raise RegisterError(f"unknown issuer {issuer_id}", "Không có cơ quan ban hành này.")
    number = parse(typed, type_code, issuer)
    found = _holder(session, issuer_id, type_code, year, number)
    if found is not None and (inspection_id is None or found[1] != inspection_id):
        raise _taken(found[0], year)


def _holder(
    session: Session, issuer_id: str, type_code: str, year: int, number: int
) -> tuple[str, str | None] | None:
    """The symbol and inspection of the document holding a number, if one does."""
    found = session.exec(
        select(Document.symbol, Document.inspection_id).where(
            Document.issuer_id == issuer_id,
            Document.type == type_code,
            Document.year == year,
            Document.number == number,
        )
    ).first()
    return (found[0], found[1]) if found is not None else None


def _taken(symbol: str, year: int) -> NumberTaken:
    return NumberTaken(
        f"{symbol} of {year} is already in the register",
        f"Số {symbol} năm {year} đã có trong sổ đăng ký văn bản.",
    )


def record(session: Session, issue_: Issue, inspection_id: str) -> Document | None:
    """Register a document of an inspection as its step is recorded (no commit: the step's
    transaction holds it). A typed number someone else took between the check and the
    commit gets the next number instead: the register never holds a number twice. An
    issuer missing from the organisation tree has no book to write in: nothing is
    registered (and the step's record must not fail for it)."""
    if session.get(Organisation, issue_.issuer_id) is None:
        return None
    entry = Entry(
        key=issue_.key,
        issuer_id=issue_.issuer_id,
        type=issue_.type,
        year=issue_.year,
        subject=issue_.subject,
        signed_on=issue_.signed_on,
        signer=issue_.signer,
        inspection_id=inspection_id,
        created_by="kiemtra",
    )
    if issue_.typed:
        try:
            return issue(session, entry, issue_.typed, commit=False)
        except RegisterError:
            pass
    return issue(session, entry, commit=False)


def of_inspection(session: Session, inspection_id: str) -> list[Document]:
    """An inspection's documents, in the order they were issued."""
    rows = session.exec(
        select(Document)
        .where(Document.inspection_id == inspection_id)
        .order_by(col(Document.signed_on), col(Document.created_at))
    ).all()
    return list(rows)
