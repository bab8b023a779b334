"""Organisations and accounts written straight to the database, for API tests and benchmarks."""

from collections.abc import Sequence

from sqlalchemy import Engine
from sqlmodel import Session

from api.security import hash_password
from states.vocabulary import Role
from store.accounts import create_user
from store.tables import Organisation

# (id, code, name, level, parent id), parents first
OrganisationRow = tuple[str, str, str, str, str | None]
# (username, role, organisation id, e-mail address or "")
AccountRow = tuple[str, Role, str, str]


def add_people(
    engine: Engine,
    organisations: Sequence[OrganisationRow],
    accounts: Sequence[AccountRow],
    password: str,
) -> dict[str, str]:
    """Write the organisations and one account per row, all with ``password``; ids by username."""
    with Session(engine) as session:
        for oid, code, name, level, parent in organisations:
            session.add(Organisation(id=oid, code=code, name=name, level=level, parent_id=parent))
            session.commit()
        hashed = hash_password(password)
        return {
            username: create_user(
                session,
                username=username,
                password_hash=hashed,
                role=role,
                organisation_id=org,
                full_name=username.replace("_", " ").title(),
                email=email,
            ).id
            for username, role, org, email in accounts
        }
