"""HTTP schemas of annual plans: ``PlanCreate`` in, ``PlanDetail`` out."""

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.schemas import UtcDatetime
from states.bounds import Code, Id, LegalBasis, Name, Number, Reason, Title
from states.contract import Contract
from states.plans import SLOT_COUNT_MAX, CoverageStatus, PlanKind
from states.reports import CoverageFigures
from states.vocabulary import InspectionKind

SLOTS_MAX = 50
PERIOD = r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$"


class PlanTarget(Contract):
    """Every organisation of these levels under one node, resolved when the item is written:
    "all schools under ward X" is ``{"under": X, "levels": ["school"]}``."""

    under: Id
    levels: list[Id] = Field(min_length=1, max_length=10)


class PlanItemCreate(Contract):
    """One planned unit (``unit_id``) or many (``target``), for a month or a quarter."""

    unit_id: Id | None = None
    target: PlanTarget | None = None
    period: str = Field(pattern=PERIOD, description="2026-03 (month) or 2026-Q2 (quarter)")
    kind: PlanKind | None = Field(default=None, description="defaults to the plan's kind")
    content: list[Code] = Field(
        default_factory=list,
        max_length=50,
        description="checklist groups (IR) or criteria (IR-01); empty: the standard checklist",
    )

    @model_validator(mode="after")
    def _one_target(self) -> "PlanItemCreate":
        if (self.unit_id is None) == (self.target is None):
            raise ValueError("give exactly one of unit_id or target")
        return self


SLOT_PERIOD = r"^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$"


class PlanSlotCreate(Contract):
    """Surprise checks scheduled without naming the units: "12 surprise checks of one-stop
    shops in 2027" is ``{"period": "2027", "count": 12, "level": "one_stop_shop"}``."""

    period: str = Field(pattern=SLOT_PERIOD, description="2027 (year), 2027-Q2 or 2027-03")
    count: int = Field(ge=1, le=SLOT_COUNT_MAX)
    kind: InspectionKind = Field(default=InspectionKind.SURPRISE, description="surprise")
    description: Annotated[Name, Field(max_length=500)] = ""
    level: Id | None = Field(
        default=None, description="the level of unit checked (one_stop_shop, commune…); any"
    )


class PlanCreate(Contract):
    number: Annotated[Number, Field(pattern=r"^(\d{1,6}/KH(-[^\s/]+)?)?$")] = Field(
        default="",
        description="e.g. 207/KH-UBND, for a plan already issued on paper; empty: the register's "
        "next number for the issuer, KH, and the year it is signed",
    )
    year: int = Field(ge=2000, le=2100)
    kind: PlanKind = PlanKind.PLANNED
    issuer_id: Id | None = Field(
        default=None, description="defaults to the caller's People's Committee"
    )
    issued_on: date
    title: Title
    topic: Annotated[Name, Field(max_length=500)] = Field(
        default="", description="the theme of a thematic plan"
    )
    focus: list[Name] = Field(default_factory=list, max_length=20)
    legal_basis: LegalBasis = ""
    items: list[PlanItemCreate] = Field(default_factory=list, max_length=500)
    slots: list[PlanSlotCreate] = Field(default_factory=list, max_length=SLOTS_MAX)


class PlanItemsCreate(Contract):
    items: list[PlanItemCreate] = Field(min_length=1, max_length=500)


class PlanSlotsCreate(Contract):
    slots: list[PlanSlotCreate] = Field(min_length=1, max_length=SLOTS_MAX)


class PlanItemCancel(Contract):
    reason: Reason


class PlanItemReplace(Contract):
    """Plan adjustment: another unit (or period) instead of this item."""

    reason: Reason
    unit_id: Id
    period: str = Field(pattern=PERIOD)
    content: list[Code] | None = Field(default=None, max_length=50, description="default: kept")


class PlanPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    number: str
    year: int
    kind: PlanKind
    issuer_id: str
    issuer_name: str
    issued_on: date
    title: str
    topic: str
    focus: list[str]
    legal_basis: str
    created_at: UtcDatetime
    units: int = Field(default=0, description="planned units the caller sees (none replaced)")


class PlansPublic(BaseModel):
    data: list[PlanPublic]
    count: int


class PlanItemPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    seq: int
    kind: str
    unit_id: str
    unit_name: str
    unit_level: str
    period: str
    period_start: date
    period_end: date
    content: list[str]
    status: str
    reason: str
    replaces_id: str | None
    replaced_by_id: str | None
    coverage: CoverageStatus | None = None
    inspection_id: str | None = None
    inspection_state: str | None = None


class PlanSlotPublic(BaseModel):
    """A plan's surprise-check slot and how far its checks have come; the inspections
    filling it are listed only where the caller may see them (a secret one only for its
    issuing side, as everywhere)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    seq: int
    kind: str
    period: str
    period_start: date
    period_end: date
    count: int
    description: str
    level: str
    filled: int = 0
    inspected: int = 0
    open: int = 0
    inspection_ids: list[str] = Field(default_factory=list)


class PlanChangePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    action: str
    item_ids: list[str]
    reason: str
    actor_id: str
    actor_name: str
    at: UtcDatetime


class PlanDetail(PlanPublic):
    items: list[PlanItemPublic]
    slots: list[PlanSlotPublic] = Field(default_factory=list)
    coverage: CoverageFigures
    history: list[PlanChangePublic]
