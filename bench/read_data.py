"""A national-scale read model for the read-side benchmark, written straight into SQL.

34 provinces and their communes (3,321 by default), 100,000 inspections whose snapshots are
real ``InspectionSnapshot`` JSON, 1,000,000 findings, their remediation items, team rows,
events and one plan per province over every one of its communes. Figures are random with a
fixed seed, shaped like the field reports: most inspections planned, a third surprise, most
findings about working hours and badges.
"""

import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Table

from states import procedure
from states.calendar import local_date
from states.checklist import STANDARD_CODES
from states.vocabulary import Trigger
from store.tables import (
    DisciplineRecord,
    Event,
    FindingRecord,
    Inspection,
    InspectionScope,
    Organisation,
    Plan,
    PlanItem,
    RemediationRecord,
    SnapshotRecord,
    TeamMemberRecord,
)
from testkit import samples as b

CHUNK = 5_000
KINDS = {"planned": 50, "surprise": 30, "complaint": 10, "thematic": 8, "reinspection": 2}
STATES = {
    "decided": 4,
    "team_formed": 4,
    "notified": 4,
    "on_site": 3,
    "visited": 10,
    "remediation_requested": 10,
    "remediating": 20,
    "remediation_reported": 5,
    "reinspecting": 5,
    "closed": 30,
    "cancelled": 3,
    "suspended": 2,
}
VISITED = {"visited", "remediation_requested", "remediating", "remediation_reported"}
VISITED |= {"reinspecting", "closed"}
CONCLUDED = VISITED - {"visited"}
# Findings lean on hours and badges, as in the field reports.
CRITERIA_WEIGHTS = [8 if c.startswith(("WH", "ID")) else 2 for c in STANDARD_CODES]
START = datetime(2025, 1, 2, 1, 0, tzinfo=UTC)
SPAN_DAYS = 700


@dataclass
class Dataset:
    """What the benchmark needs to address: ids by role of the data."""

    provinces: list[str] = field(default_factory=list)
    communes: dict[str, list[str]] = field(default_factory=dict)  # province → communes
    plans: dict[str, str] = field(default_factory=dict)  # province → plan id
    inspections: dict[str, list[str]] = field(default_factory=dict)  # province → ids
    inspectors: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _template() -> dict[str, Any]:
    """A realistic snapshot (team, findings, remediation, history) built by the procedure."""
    now = b.DECIDED_AT
    s, _ = procedure.start(b.start_input(), now)
    for trigger, command in [
        (Trigger.FORM_TEAM, b.form_team()),
        (Trigger.SEND_NOTICE, b.send_notice()),
        (Trigger.START_VISIT, b.start_visit()),
        (Trigger.RECORD_VISIT, b.record_visit(4)),
        (Trigger.CONCLUDE, b.conclude()),
        (Trigger.ACKNOWLEDGE, b.acknowledge()),
    ]:
        now += timedelta(days=2)
        s, _ = procedure.apply(s, trigger, command, now)
    return s.model_dump(mode="json")


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def generate(
    engine: Engine,
    *,
    inspections: int = 100_000,
    findings: int = 1_000_000,
    communes: int = 3_321,
    provinces: int = 34,
    seed: int = 7,
) -> Dataset:
    rng = random.Random(seed)
    data = Dataset()
    orgs: list[dict[str, Any]] = []
    for p in range(provinces):
        pid = f"bp{p:02d}"
        data.provinces.append(pid)
        data.communes[pid] = []
        orgs.append(dict(id=pid, code=pid, name=f"UBND tỉnh {p}", level="province"))
        orgs.append(
            dict(
                id=f"{pid}-snv",
                code=f"{pid}-snv",
                name="Sở Nội vụ",
                level="department",
                parent_id=pid,
            )
        )
    for c in range(communes):
        pid = data.provinces[c % provinces]
        cid = f"{pid}-x{c:04d}"
        data.communes[pid].append(cid)
        level = "ward" if c % 5 == 0 else "commune"
        orgs.append(dict(id=cid, code=cid, name=f"UBND xã {c}", level=level, parent_id=pid))
    _write(engine, Organisation.__table__, [_org(o) for o in orgs])  # type: ignore[attr-defined]

    data.inspectors = [f"bench-inspector-{n}" for n in range(50)]
    plan_rows, item_rows, item_of = [], [], {}
    for pid in data.provinces:
        plan_id = f"{pid}-plan"
        data.plans[pid] = plan_id
        plan_rows.append(
            dict(
                id=plan_id,
                number="1/KH-UBND",
                year=2026,
                kind="planned",
                issuer_id=pid,
                issuer_name=f"UBND {pid}",
                issuer_path=f"/{pid}/",
                issued_on=date(2026, 1, 5),
                title="Kế hoạch kiểm tra công vụ năm 2026",
                topic="",
                focus=[],
                legal_basis="",
                created_by="bench",
                created_at=START,
            )
        )
        for n, cid in enumerate(data.communes[pid], start=1):
            quarter = 1 + n % 4
            item_of[cid] = f"{cid}-item"
            item_rows.append(
                dict(
                    id=f"{cid}-item",
                    plan_id=plan_id,
                    seq=n,
                    kind="planned",
                    unit_id=cid,
                    unit_name=f"UBND xã {cid}",
                    unit_level="commune",
                    unit_path=f"/{pid}/{cid}/",
                    period=f"2026-Q{quarter}",
                    period_start=date(2026, 3 * quarter - 2, 1),
                    period_end=_quarter_end(quarter),
                    content=[],
                    status="active",
                    reason="",
                    replaces_id=None,
                    replaced_by_id=None,
                    created_at=START,
                )
            )
    _write(engine, Plan.__table__, plan_rows)  # type: ignore[attr-defined]
    _write(engine, PlanItem.__table__, item_rows)  # type: ignore[attr-defined]

    template = _template()
    all_communes = [c for cs in data.communes.values() for c in cs]
    rows, snapshots, visited_ids = [], [], []
    for n in range(inspections):
        cid = rng.choice(all_communes)
        pid = cid.split("-")[0]
        kind, state = _pick(rng, KINDS), _pick(rng, STATES)
        decided = START + timedelta(days=rng.randrange(SPAN_DAYS), minutes=n % 600)
        visited = state in VISITED
        iid = f"b{n:06d}"
        data.inspections.setdefault(pid, []).append(iid)
        if visited:
            visited_ids.append((iid, decided, state))
        document = dict(
            template,
            inspection_id=iid,
            kind=kind,
            unit_id=cid,
            unit_path=[pid],
            state=state,
            decided_at=decided.isoformat(),
            # Decided by the province's People's Committee, coordinated by its Home Affairs
            # department (where the bench's coordinator sits), as in the field reports.
            issuer_path=[pid],
            office_id=f"{pid}-snv",
            decision={**template["decision"], "issuer_id": pid},
        )
        snapshots.append({"inspection_id": iid, "snapshot": document})
        rows.append(
            dict(
                id=iid,
                kind=kind,
                unit_id=cid,
                unit_name=f"UBND xã {cid}",
                title=f"Kiểm tra {n}",
                state=state,
                decision_number=f"{n}/QĐ-UBND",
                year=local_date(decided).year,
                cycle=1,
                plan_item_id=item_of[cid] if kind == "planned" and n % 3 == 0 else None,
                parent_inspection_id=None,
                coordinator_id="bench-coordinator",
                decided_at=decided,
                updated_at=decided + timedelta(days=3),
                next_deadline=None
                if state in ("closed", "cancelled")
                else decided + timedelta(days=40),
                overdue=state in CONCLUDED and n % 7 == 0,
                visited_at=decided + timedelta(days=10) if visited else None,
                unit_path=f"/{pid}/{cid}/",
                secret=kind in ("surprise", "complaint") and not visited,
                seq=6,
                issuer_id=pid,
                office_id=f"{pid}-snv",
            )
        )
    _write(engine, Inspection.__table__, rows)  # type: ignore[attr-defined]
    _write(engine, SnapshotRecord.__table__, snapshots)  # type: ignore[attr-defined]
    del snapshots
    copied = (
        "decided_at",
        "kind",
        "state",
        "year",
        "overdue",
        "secret",
        "unit_id",
        "issuer_id",
        "office_id",
    )
    scope = (
        {"organisation_id": org, "inspection_id": row["id"], "plan_item_id": row["plan_item_id"]}
        | {name: row[name] for name in copied}
        for row in rows
        for org in str(row["unit_path"]).strip("/").split("/")
    )
    _write(engine, InspectionScope.__table__, scope)  # type: ignore[attr-defined]
    del rows

    team = (
        dict(
            inspection_id=f"b{n:06d}",
            user_id=data.inspectors[(n + k) % 50],
            name="Thanh tra",
            team_role="team_leader" if k == 0 else "member",
            organisation_id=None,
        )
        for n in range(inspections)
        for k in range(2)
    )
    _write(engine, TeamMemberRecord.__table__, team)  # type: ignore[attr-defined]
    data.counts = _findings(engine, rng, visited_ids, findings)
    data.counts.update(inspections=inspections, organisations=len(orgs), plan_items=len(item_rows))
    return data


def _quarter_end(quarter: int) -> date:
    month = 3 * quarter
    return (date(2026 + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def _org(o: dict[str, Any]) -> dict[str, Any]:
    return {"parent_id": None, "valid_from": None, "valid_to": None, "successor_id": None} | o


def _findings(
    engine: Engine, rng: random.Random, visited: Sequence[tuple[str, datetime, str]], total: int
) -> dict[str, int]:
    """``total`` findings over the visited inspections, remediation for concluded ones, a
    decide event for every visited inspection and a verify event for the closed ones."""
    per, extra = divmod(total, max(1, len(visited)))
    counts = {"findings": 0, "remediation": 0, "events": 0}
    referred: list[dict[str, Any]] = []

    def findings() -> Iterator[dict[str, Any]]:
        for i, (iid, _, state) in enumerate(visited):
            for no in range(1, per + (1 if i < extra else 0) + 1):
                counts["findings"] += 1
                people = ["Nguyễn Văn A"] if rng.random() < 0.01 else []
                referred.extend(
                    {"inspection_id": iid, "finding_no": no, "person": p} for p in people
                )
                yield dict(
                    inspection_id=iid,
                    no=no,
                    criterion=rng.choices(STANDARD_CODES, CRITERIA_WEIGHTS)[0],
                    description="",
                    severity="minor",
                    status="resolved" if state == "closed" else "acknowledged",
                    cycle=1,
                    people=[],
                    discipline_recommended=people,
                )

    def remediation() -> Iterator[dict[str, Any]]:
        for i, (iid, decided, state) in enumerate(visited):
            if state not in CONCLUDED:
                continue
            due = local_date(decided) + timedelta(days=45)
            for no in range(1, per + (1 if i < extra else 0) + 1):
                counts["remediation"] += 1
                reported = rng.random() < 0.7
                on = due + timedelta(days=rng.randrange(-20, 10)) if reported else None
                yield dict(
                    inspection_id=iid,
                    finding_no=no,
                    cycle=1,
                    action="",
                    due_on=due,
                    status="reported" if reported else "open",
                    report="",
                    reported_by=None,
                    reported_at=None,
                    reported_on=on,
                )

    def events() -> Iterator[dict[str, Any]]:
        for iid, decided, state in visited:
            counts["events"] += 1
            yield dict(
                inspection_id=iid,
                seq=1,
                trigger="decide",
                from_state=None,
                to_state="decided",
                actor_id="bench",
                actor_role="coordinator",
                actor_name="",
                source_ip="",
                request_id="",
                at=decided,
                payload={},
            )
            if state == "closed":
                counts["events"] += 1
                yield dict(
                    inspection_id=iid,
                    seq=9,
                    trigger="verify",
                    from_state="reinspecting",
                    to_state="closed",
                    actor_id="bench",
                    actor_role="inspector",
                    actor_name="",
                    source_ip="",
                    request_id="",
                    at=decided + timedelta(days=90),
                    payload={"results": [{"finding_no": 1, "outcome": "resolved"}]},
                )

    _write(engine, FindingRecord.__table__, findings())  # type: ignore[attr-defined]
    _write(engine, DisciplineRecord.__table__, referred)  # type: ignore[attr-defined]
    _write(engine, RemediationRecord.__table__, remediation())  # type: ignore[attr-defined]
    _write(engine, Event.__table__, events())  # type: ignore[attr-defined]
    return counts


def _write(
    engine: Engine, table: Table, rows: Iterator[dict[str, Any]] | list[dict[str, Any]]
) -> None:
    """Insert in chunks: COPY on PostgreSQL, executemany on SQLite."""
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            _flush(engine, table, chunk)
            chunk = []
    if chunk:
        _flush(engine, table, chunk)


def _flush(engine: Engine, table: Table, chunk: list[dict[str, Any]]) -> None:
    columns = [c.name for c in table.columns if c.name in chunk[0] or c.name != "id"]
    columns = [c for c in columns if c in chunk[0]]
    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            names = ", ".join(f'"{c}"' for c in columns)
            with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                for row in chunk:
                    copy.write_row([_pg(row[c]) for c in columns])
            raw.commit()
        finally:
            raw.close()
        return
    with engine.begin() as conn:
        conn.execute(table.insert(), chunk)


def _pg(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, (dict, list)) else value
