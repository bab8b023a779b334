"""The procedure itself: states, triggers, roles, kinds and the standard checklist."""

from typing import Any

from fastapi import APIRouter

from api.deps import CurrentUser
from states.checklist import GROUPS, STANDARD_CHECKLIST
from states.diagram import mermaid
from states.machine import TRANSITIONS, TRIGGER_ROLES
from states.triggers import COMMAND_PATHS, TRIGGER_PARTIES
from states.vocabulary import NOTICED_KINDS, SECRET_KINDS, InspectionKind, InspectionState

router = APIRouter(tags=["procedure"])


@router.get("/procedure")
def procedure(user: CurrentUser) -> dict[str, Any]:
    """Everything the machine declares, for clients that draw buttons or diagrams."""
    return {
        "states": [s.value for s in InspectionState],
        "triggers": [
            {
                "trigger": trigger.value,
                "path": (
                    "/api/v1/inspections/{id}/" + COMMAND_PATHS[trigger]
                    if trigger in COMMAND_PATHS
                    else None
                ),
                "party": TRIGGER_PARTIES[trigger].value,
                "roles": sorted(r.value for r in roles),
            }
            for trigger, roles in TRIGGER_ROLES.items()
        ],
        "transitions": [
            {
                "trigger": t["trigger"],
                "source": t["source"],
                "dest": t["dest"],
                "guards": [g.__name__ for g in t["conditions"]],
            }
            for t in TRANSITIONS
        ],
        "kinds": [
            {
                "kind": k.value,
                "notice": k in NOTICED_KINDS,
                "secret_until_on_site": k in SECRET_KINDS,
            }
            for k in InspectionKind
        ],
        "checklist": [c._asdict() for c in STANDARD_CHECKLIST],
        "checklist_groups": {code: {"vi": vi, "en": en} for code, (vi, en) in GROUPS.items()},
        "diagram": mermaid(),
    }
