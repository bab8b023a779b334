"""Schemathesis over real HTTP: every operation, as every role, without 5xx and as documented.

``make test`` runs a few examples per operation and role; ``make fuzz`` sets
``KIEMTRA_FUZZ_EXAMPLES`` much higher (``KIEMTRA_FUZZ_SEED`` explores other data). Each
operation and role has a fixed seed, so a run is repeatable as far as the data the fuzzer
itself created allows. A failure prints a curl command that reproduces it; the bearer token
is filtered out, and the test id names the role to sign in as.
"""

import asyncio
import os
import zlib
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, note, seed, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.schemas import APIOperation, BaseSchema

from api.app import API_PREFIX, create_app
from api.files import DOCX
from tests.api.conftest import ACCOUNTS, api_settings
from tests.fuzz.conftest import ANONYMOUS, THROWAWAY, Target


@schemathesis.serializer(DOCX)
def _word_file(ctx: Any, value: Any) -> bytes:
    """An office template's body is a Word file: whatever was generated, as bytes (the
    server must refuse what is not a template with a documented 4xx)."""
    return value if isinstance(value, bytes) else str(value).encode()


EXAMPLES = int(os.environ.get("KIEMTRA_FUZZ_EXAMPLES", "5"))
SEED = os.environ.get("KIEMTRA_FUZZ_SEED", "0")
ROLES = [username for username, _, _ in ACCOUNTS]

# The operations, known at collection time from the app itself;
# test_every_published_operation_is_fuzzed keeps them equal to what the server publishes.
_SCHEMA = create_app(api_settings(Path("unused"), "sqlite://", "unused", 1)).openapi()
OPERATIONS = [
    (method.upper(), path, bool(op.get("security")))
    for path, methods in _SCHEMA["paths"].items()
    for method, op in methods.items()
]
# Sign-in is fuzzed only at the throwaway account (lockout), sign-out only with its token:
# every role's own session must survive the whole run.
ONLY_AS = {
    f"{API_PREFIX}/auth/token": [ANONYMOUS],
    f"{API_PREFIX}/auth/refresh": [ANONYMOUS],
    f"{API_PREFIX}/auth/logout": [ANONYMOUS, THROWAWAY],
}
PARAMS = [
    pytest.param(method, path, role, id=f"{method} {path} as {role}")
    for method, path, secured in OPERATIONS
    for role in ONLY_AS.get(path, [*ROLES, ANONYMOUS] if secured else [ANONYMOUS])
]

# A valid body that names an organisation names a real one half the time, so commands get
# past "unknown unit" into the workflow.
ORGANISATION_FIELDS = ("unit_id", "organisation_id", "parent_id", "successor_id")
# Every status must be declared, and every body must match the schema of its status.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
    response_headers_conformance,
    negative_data_rejection,
]


@pytest.fixture(scope="module")
async def fuzz_schema(fuzz_target: Target) -> BaseSchema:
    """The schema as the running server publishes it."""
    # A blocking client, in a thread: the server answers from this event loop.
    url = f"{fuzz_target.base_url}/openapi.json"
    return await asyncio.to_thread(schemathesis.openapi.from_url, url)


def _cases(operation: APIOperation, target: Target) -> st.SearchStrategy[Case]:
    """Valid and invalid requests, and valid ones aimed at inspections that exist."""
    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    if "{inspection_id}" in operation.path:
        strategies.append(
            st.sampled_from(target.inspection_ids).flatmap(
                lambda iid: operation.as_strategy(
                    GenerationMode.POSITIVE, path_parameters={"inspection_id": iid}
                )
            )
        )
    return st.one_of(strategies)


def _aim(case: Case, data: st.DataObject, target: Target) -> None:
    """Sign-ins only at the throwaway account; valid bodies sometimes at real organisations."""
    if not isinstance(case.body, dict) or case.meta is None:
        return
    if case.operation.path.endswith("/auth/token"):
        case.body["username"] = THROWAWAY
        return
    if not case.meta.generation.mode.is_positive:
        return
    for field in ORGANISATION_FIELDS:
        if isinstance(case.body.get(field), str) and data.draw(st.booleans(), label=field):
            case.body[field] = data.draw(st.sampled_from(target.organisation_ids), label=field)


def _fuzz(operation: APIOperation, target: Target, role: str) -> None:
    """The Hypothesis search for one operation and role; blocking, so run it in a thread."""
    headers: dict[str, Any] = target.headers[role]
    cases = _cases(operation, target)
    session = requests.Session()

    @seed(zlib.crc32(f"{SEED} {operation.label} {role}".encode()))
    @settings(
        max_examples=EXAMPLES,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(cases, label="case")
        _aim(case, data, target)
        note(f"as {role}")
        case.call_and_validate(
            base_url=target.base_url, session=session, headers=headers, checks=CHECKS, timeout=30
        )

    try:
        run()
    finally:
        session.close()


@pytest.mark.parametrize(("method", "path", "role"), PARAMS)
async def test_answers_as_documented(
    fuzz_schema: BaseSchema, fuzz_target: Target, method: str, path: str, role: str
) -> None:
    """No 5xx, and every answer as the schema documents it."""
    await asyncio.to_thread(_fuzz, fuzz_schema[path][method], fuzz_target, role)


def test_every_published_operation_is_fuzzed(fuzz_schema: BaseSchema) -> None:
    """The parametrization covers exactly the operations the server publishes."""
    published = {
        (result.ok().method.upper(), result.ok().path)
        for result in fuzz_schema.get_all_operations()
    }
    assert published == {(method, path) for method, path, _ in OPERATIONS}
