"""One inspection lifecycle — decided → … → closed with findings, one cycle — as the
benchmarks and fault-injection runs drive it: as Temporal updates and as HTTP commands.

Both are the same ten commands after the decision: team, notice, visit start, minutes
with two findings, findings report, conclusion, acknowledgement, remediation report, re-inspection,
verification (all resolved), which closes the inspection.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from states.models import Command
from states.vocabulary import Role, VerificationOutcome
from testkit import people
from testkit import samples as b

PASSWORD = "mat-khau-bench-2026"

# Update name and command, in order; the decision itself is the update-with-start.
DIRECT_STEPS: list[tuple[str, Command]] = [
    ("form_team", b.form_team()),
    ("send_notice", b.send_notice()),
    ("start_visit", b.start_visit()),
    ("record_visit", b.record_visit(2)),
    ("report_findings", b.report_findings()),
    ("conclude", b.conclude()),
    ("acknowledge", b.acknowledge()),
    ("report_remediation", b.report([1, 2])),
    ("schedule_reinspection", b.schedule()),
    ("verify", b.verify({1: VerificationOutcome.RESOLVED, 2: VerificationOutcome.RESOLVED})),
]
COMMANDS_PER_LIFECYCLE = 1 + len(DIRECT_STEPS)  # the decision and ten commands

ORGANISATIONS = [
    (b.PROVINCE, "B-T01", "UBND tỉnh", "province", None),
    (b.HOME_AFFAIRS, "B-SNV", "Sở Nội vụ", "department", b.PROVINCE),
    (b.JUSTICE, "B-STP", "Sở Tư pháp", "department", b.PROVINCE),
    (b.COMMUNE, "B-X01", "UBND xã An Phú", "commune", b.PROVINCE),
]
ACCOUNTS = [
    ("coordinator", Role.COORDINATOR, b.HOME_AFFAIRS, ""),
    ("decision_maker", Role.DECISION_MAKER, b.PROVINCE, ""),
    ("leader", Role.INSPECTOR, b.HOME_AFFAIRS, ""),
    ("member", Role.INSPECTOR, b.JUSTICE, ""),
    ("unit_rep", Role.UNIT_REP, b.COMMUNE, "daidien@xa-anphu.example.vn"),
]


def add_people(engine: Engine) -> dict[str, str]:
    """The organisations and one account per role; user ids by username."""
    return people.add_people(engine, ORGANISATIONS, ACCOUNTS, PASSWORD)


@dataclass(frozen=True)
class HttpStep:
    who: str
    path: str  # below /inspections/{id}/
    body: Any = None


START_BODY = {
    "kind": "planned",
    "unit_id": b.COMMUNE,
    "title": "Kiểm tra công vụ UBND xã An Phú",
}
HTTP_STEPS = [
    HttpStep(
        "coordinator",
        "team",
        {
            "members": [
                {"username": "leader", "team_role": "team_leader"},
                {"username": "member", "team_role": "member"},
            ]
        },
    ),
    HttpStep("coordinator", "notice", {}),
    HttpStep("leader", "visit/start"),
    HttpStep(
        "leader",
        "visit",
        {
            "results": [
                {"criterion": "WH-01", "result": "non_compliant", "note": "đi muộn"},
                {"criterion": "ID-01", "result": "non_compliant", "note": "không đeo thẻ"},
                {"criterion": "CD-01", "result": "compliant"},
            ]
        },
    ),
    HttpStep("leader", "findings-report", {"summary": "hai nội dung chưa đạt"}),
    HttpStep("decision_maker", "conclusion", {}),
    HttpStep("unit_rep", "acknowledge"),
    HttpStep(
        "unit_rep",
        "remediation-report",
        {"items": [{"finding_no": n, "report": "đã khắc phục"} for n in (1, 2)]},
    ),
    HttpStep("coordinator", "reinspection", {}),
    HttpStep(
        "member",
        "verification",
        {"results": [{"finding_no": n, "outcome": "resolved"} for n in (1, 2)]},
    ),
]
