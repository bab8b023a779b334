"""Who may fire a trigger and whether its payload fits the inspection — pure checks.

Each check raises a ``DomainError``; nothing here changes the snapshot.
"""

from datetime import date

from states.errors import NotAllowed
from states.machine import PARTY_ROLES
from states.models import (
    Actor,
    Command,
    InspectionSnapshot,
)
from states.sides import party_allows, position_of_actor
from states.triggers import PAYLOAD_CHECKS, TRIGGER_PARTIES, TRIGGERS
from states.vocabulary import (
    INSPECTED_POSITIONS,
    Party,
    Trigger,
)

# Why a party refuses someone, in the words a caller understands.
_PARTY_TEXT = {
    Party.LEADERSHIP: "a coordinator or decision-maker of the issuing organisation or the "
    "coordinating office",
    Party.SIGNER: "a decision-maker of the issuing organisation",
    Party.TEAM: "an inspector on this inspection's team",
    Party.UNIT: "a unit representative of the inspected unit or its managing chain",
    Party.SYSTEM: "kiemtra itself",
}


_PARTY_VI = {
    Party.LEADERSHIP: "cán bộ điều phối hoặc lãnh đạo của cơ quan ban hành quyết định hoặc cơ "
    "quan chủ trì",
    Party.SIGNER: "lãnh đạo cơ quan ban hành quyết định",
    Party.TEAM: "thành viên đoàn kiểm tra của cuộc kiểm tra này",
    Party.UNIT: "đại diện đơn vị được kiểm tra hoặc cơ quan quản lý trực tiếp",
    Party.SYSTEM: "hệ thống",
}


def check_actor(snapshot: InspectionSnapshot, trigger: Trigger, actor: Actor) -> None:
    """Refuse an actor whose role or place in the inspection does not permit the trigger."""
    party = TRIGGER_PARTIES[trigger]
    where = position_of_actor(snapshot, actor)
    detail = {"trigger": trigger.value, "role": actor.role.value, "position": where.value}
    action = TRIGGERS[trigger].label.vi
    if where in INSPECTED_POSITIONS and party is not Party.UNIT:
        raise NotAllowed(
            f"the inspected side answers this inspection and may not {trigger}",
            detail,
            vi=f"Bên được kiểm tra không thực hiện được thao tác «{action}».",
        )
    if actor.role not in PARTY_ROLES[party]:
        raise NotAllowed(
            f"role '{actor.role}' may not {trigger}; only {_PARTY_TEXT[party]} may",
            detail,
            vi=f"Chỉ {_PARTY_VI[party]} mới được thực hiện «{action}».",
        )
    if not party_allows(snapshot, party, actor):
        raise NotAllowed(
            f"only {_PARTY_TEXT[party]} may {trigger}",
            detail,
            vi=f"Chỉ {_PARTY_VI[party]} mới được thực hiện «{action}».",
        )


def check_payload(
    snapshot: InspectionSnapshot, trigger: Trigger, cmd: Command, today: date
) -> None:
    """Refuse a payload that contradicts the inspection."""
    check = PAYLOAD_CHECKS.get(trigger)
    if check is not None:
        check(snapshot, cmd, today)
