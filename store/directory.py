"""People a coordinator may put on a team: inspector accounts within an authority, and the
directory of people (accounts) within it."""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from store.tables import Organisation, User

PICKER_MAX = 200


@dataclass(frozen=True)
class Person:
    user_id: str
    username: str
    name: str
    organisation_id: str | None
    organisation_name: str
    organisation_path: list[str]  # root … own organisation
    role: str = "inspector"


# Roles the directory lists: people of offices and units, not administrators or kiemtra.
DIRECTORY_ROLES = ("inspector", "coordinator", "decision_maker", "viewer", "unit_rep")


def fold(text: str) -> str:
    """Text as searches compare it: case-folded, without diacritics (đ as d), so that
    "nguyen" finds "Nguyễn" and "DANG" finds "Đặng". In Python: SQLite's lower() knows no
    Vietnamese capitals."""
    plain = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(c for c in plain if not unicodedata.combining(c))


def _paths(session: Session) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Every organisation's chain (root … itself) and name; the tree is small (thousands)."""
    rows = session.exec(select(Organisation.id, Organisation.parent_id, Organisation.name)).all()
    parent = {oid: pid for oid, pid, _ in rows}
    names = {oid: name for oid, _, name in rows}
    paths: dict[str, list[str]] = {}
    for oid in parent:
        chain: list[str] = []
        node: str | None = oid
        while node is not None and node not in chain and len(chain) < 64:
            chain.append(node)
            node = parent.get(node)
        paths[oid] = list(reversed(chain))
    return paths, names


def inspectors_within(
    session: Session, authority_root: str | None, q: str = "", limit: int = PICKER_MAX
) -> list[Person]:
    """Active inspector accounts whose organisation lies in ``authority_root``'s subtree,
    matching ``q`` in name, username or organisation name; by organisation, then name."""
    if authority_root is None:
        return []
    paths, names = _paths(session)
    query = select(User).where(col(User.role) == "inspector", col(User.active).is_(True))
    # Matched in Python: SQLite's lower() knows no Vietnamese capitals (Đ, Ư …).
    text = fold(q.strip())
    found = []
    for user in session.exec(query.order_by(col(User.full_name), col(User.username))).all():
        path = paths.get(user.organisation_id or "", [])
        if authority_root not in path:
            continue
        office = names.get(user.organisation_id or "", "")
        haystack = fold(f"{user.full_name} {user.username} {office}")
        if text and text not in haystack:
            continue
        found.append(
            Person(
                user_id=user.id,
                username=user.username,
                name=user.full_name or user.username,
                organisation_id=user.organisation_id,
                organisation_name=names.get(user.organisation_id or "", ""),
                organisation_path=path,
            )
        )
        if len(found) >= limit:
            break
    return sorted(found, key=lambda p: (p.organisation_name, p.name))


def people_within(
    session: Session,
    authority_root: str | None,
    q: str = "",
    role: str | None = None,
    organisation_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Person], int]:
    """Active accounts of the directory's roles whose organisation lies in
    ``authority_root``'s subtree, matching ``q`` (name, username, office name) and, when
    given, one role and one organisation (with its sub-organisations); by office, then name.
    Returns one page and how many match in all."""
    if authority_root is None:
        return [], 0
    paths, names = _paths(session)
    roles = (role,) if role else DIRECTORY_ROLES
    query = select(User).where(col(User.role).in_(roles), col(User.active).is_(True))
    text = fold(q.strip())
    found = []
    for user in session.exec(query).all():
        path = paths.get(user.organisation_id or "", [])
        if authority_root not in path or (organisation_id and organisation_id not in path):
            continue
        office = names.get(user.organisation_id or "", "")
        if text and text not in fold(f"{user.full_name} {user.username} {office}"):
            continue
        found.append(
            Person(
                user_id=user.id,
                username=user.username,
                name=user.full_name or user.username,
                organisation_id=user.organisation_id,
                organisation_name=office,
                organisation_path=path,
                role=user.role,
            )
        )
    found.sort(key=lambda p: (fold(p.organisation_name), fold(p.name), p.user_id))
    return found[offset : offset + limit], len(found)


@dataclass(frozen=True)
class Place:
    organisation_id: str
    name: str
    code: str
    level: str
    path_names: list[str]  # root … parent, to tell two "UBND xã An Phú" apart


def organisations_within(
    session: Session, authority_root: str | None, q: str = "", limit: int = PICKER_MAX
) -> list[Place]:
    """Organisations in ``authority_root``'s subtree (itself excluded) matching ``q`` in
    name or code, in tree order of their names."""
    if authority_root is None:
        return []
    paths, names = _paths(session)
    codes = dict(session.exec(select(Organisation.id, Organisation.code)).all())
    levels = dict(session.exec(select(Organisation.id, Organisation.level)).all())
    text = q.strip().casefold()
    found = []
    for oid, path in paths.items():
        if oid == authority_root or authority_root not in path:
            continue
        if text and text not in f"{names[oid]} {codes.get(oid, '')}".casefold():
            continue
        found.append(
            Place(
                oid,
                names[oid],
                codes.get(oid, ""),
                levels.get(oid, ""),
                [names[p] for p in path[:-1]],
            )
        )
    found.sort(key=lambda p: ([*p.path_names, p.name]))
    return found[:limit]


def children_at_levels(session: Session, parent_id: str, levels: Iterable[str]) -> list[str]:
    """The ids of ``parent_id``'s direct children of the given levels."""
    query = select(Organisation.id).where(
        Organisation.parent_id == parent_id, col(Organisation.level).in_(list(levels))
    )
    return list(session.exec(query.order_by(col(Organisation.id))).all())
