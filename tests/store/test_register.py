"""The register of documents on SQLite and PostgreSQL: numbers per issuer, type and year from
1 with no gap and no duplicate under concurrency, one number per key however often it is
asked, typed numbers checked and continued after."""

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from store import register
from store.db import make_engine
from store.register import Entry, NumberTaken, RegisterError
from store.tables import Document, Organisation


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, engine: Engine) -> Iterator[Engine]:
    if request.param == "sqlite":
        yield engine
        return
    pg = make_engine(request.getfixturevalue("postgres_url"))
    yield pg
    pg.dispose()


def new_issuer(db: Engine, abbreviation: str = "") -> str:
    oid = f"org-reg-{uuid.uuid4().hex[:8]}"
    with Session(db) as s:
        s.add(Organisation(id=oid, code="UBND", name="UBND xã Sổ Văn Bản", level="commune"))
        s.commit()
        if abbreviation:
            org = s.get(Organisation, oid)
            assert org is not None
            org.abbreviation = abbreviation
            s.add(org)
            s.commit()
    return oid


def entry(issuer: str, key: str | None = None, type_code: str = "TB", year: int = 2027) -> Entry:
    return Entry(key=key or uuid.uuid4().hex, issuer_id=issuer, type=type_code, year=year)


def issue(db: Engine, e: Entry, typed: str = "") -> Document:
    with Session(db) as s:
        return register.issue(s, e, typed)


def test_fifty_at_once_get_one_to_fifty(db: Engine) -> None:
    issuer = new_issuer(db, "UBND.TL")
    with ThreadPoolExecutor(max_workers=10) as pool:
        docs = list(pool.map(lambda _: issue(db, entry(issuer)), range(50)))
    assert sorted(d.number for d in docs) == list(range(1, 51))
    assert {d.symbol for d in docs if d.number == 7} == {"7/TB-UBND.TL"}
    # Another type and another year count from 1 on their own.
    assert issue(db, entry(issuer, type_code="QĐ")).symbol == "1/QĐ-UBND.TL"
    assert issue(db, entry(issuer, year=2028)).number == 1


def test_the_same_key_never_takes_a_second_number(db: Engine) -> None:
    issuer = new_issuer(db)
    key = f"inspection-x:conclude:{uuid.uuid4().hex}"
    with ThreadPoolExecutor(max_workers=8) as pool:
        docs = list(pool.map(lambda _: issue(db, entry(issuer, key)), range(16)))
    assert {d.id for d in docs} == {docs[0].id} and docs[0].number == 1
    assert issue(db, entry(issuer)).number == 2  # no gap left by the retries


def test_a_typed_number_is_checked_and_the_register_continues_after_it(db: Engine) -> None:
    issuer = new_issuer(db, "SNV")
    first = issue(db, entry(issuer, type_code="KH"), "15/KH-SNV")
    assert (first.number, first.symbol, first.entered) == (15, "15/KH-SNV", True)
    assert issue(db, entry(issuer, type_code="KH")).number == 16
    with pytest.raises(NumberTaken):
        issue(db, entry(issuer, type_code="KH"), "15/KH-SNV")
    for wrong in ("abc xyz", "15/TB-SNV", "0/KH-SNV", "15/KH-UBND", "15 /KH-SNV"):
        with pytest.raises(RegisterError) as refused:
            issue(db, entry(issuer, type_code="KH"), wrong)
        assert refused.value.vi  # said in Vietnamese for the person who typed it
    # A smaller typed number (an older paper document) fills its place without going back.
    assert issue(db, entry(issuer, type_code="KH"), "3/KH-SNV").number == 3
    assert issue(db, entry(issuer, type_code="KH")).number == 17
    with Session(db) as s:
        numbers = s.exec(
            select(Document.number).where(Document.issuer_id == issuer, Document.type == "KH")
        ).all()
    assert sorted(numbers) == [3, 15, 16, 17]


def test_a_letter_is_numbered_by_its_issuer(db: Engine) -> None:
    issuer = new_issuer(db)
    assert issue(db, entry(issuer, type_code="CV")).symbol == "1/UBND"
    assert issue(db, entry(issuer, type_code="CV"), "345/UBND-VP").symbol == "345/UBND-VP"
    assert issue(db, entry(issuer, type_code="CV")).symbol == "346/UBND"


def test_the_register_lists_an_authoritys_documents(engine: Engine) -> None:
    issuer = new_issuer(engine)
    for _ in range(3):
        issue(engine, entry(issuer))
    with Session(engine) as s:
        rows, count = register.documents(s, issuer, type_code="TB", year=2027)
        assert count == 3 and [d.number for d in rows] == [3, 2, 1]
        assert register.documents(s, "org-nowhere")[1] == 0
        assert register.documents(s, None) == ([], 0)
