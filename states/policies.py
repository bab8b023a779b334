"""Deadline policies: how long each step of the procedure may take (DOMAIN.md §2).

Every default below carries its label: [L] from a legal text (article named), [C] custom,
which an office changes in its policy file. Durations are counted in working days (ngày làm
việc, DOMAIN.md §7) with ``states.calendar.WorkingCalendar``; only the on-site duration has
a configurable unit, because Decree 217 Art. 13 does not say which it means.

A ``PolicySet`` holds the default policy and partial overrides per inspection kind; a
workflow receives the resolved ``DeadlinePolicy`` of its kind in its input, so the numbers
it used are recorded in its history. This module parses policy *text*; reading the file
named by ``KIEMTRA_POLICY_FILE`` belongs to the worker and API, which keeps ``states`` free
of I/O.
"""

import tomllib
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from states.contract import Contract
from states.vocabulary import NOTICED_KINDS, InspectionKind, Severity

# Day counts must be integers in the file: strict refuses "5" and 5.5 rather than guess.
Days = Annotated[int, Field(strict=True, ge=0, le=366)]
PositiveDays = Annotated[int, Field(strict=True, ge=1, le=366)]


class CountIn(StrEnum):
    """Which days a duration counts."""

    WORKING = "working"  # ngày làm việc
    CALENDAR = "calendar"  # ngày (theo lịch)


class UnitLevel(StrEnum):
    """Level of the inspected agency, which sets the on-site limit (Decree 217 Art. 13)."""

    PROVINCE = "province"  # cơ quan cấp tỉnh
    COMMUNE = "commune"  # cơ quan cấp xã


class EscalationLevel(StrEnum):
    """Who is told, in turn, while a deadline stays overdue."""

    UNIT_REP = "unit_rep"  # người đại diện đơn vị
    HEAD_OF_UNIT = "head_of_unit"  # thủ trưởng đơn vị
    COORDINATOR = "coordinator"  # cán bộ đầu mối (Nội vụ)
    DECISION_MAKER = "decision_maker"  # người ra quyết định kiểm tra


class OnSiteLimit(Contract):
    """How long the check at one level of agency may last, and its one extension."""

    days: PositiveDays
    extension_days: Days = Field(description="granted at most once (gia hạn một lần)")


class OnSitePolicy(Contract):
    """Duration of the check from its announcement (thời hạn kiểm tra)."""

    # Art. 13 gives "days" without saying calendar or working days: the office decides.
    count_in: CountIn = CountIn.WORKING
    # [L] Decree 217 Art. 13: agency of a province 10 days, extendable once by 5.
    province: OnSiteLimit = Field(default_factory=lambda: OnSiteLimit(days=10, extension_days=5))
    # [L] Decree 217 Art. 13: agency of a commune 7 days, extendable once by 3.
    commune: OnSiteLimit = Field(default_factory=lambda: OnSiteLimit(days=7, extension_days=3))

    def limit(self, level: UnitLevel) -> OnSiteLimit:
        """The limit for an inspected agency of ``level``."""
        return self.province if level is UnitLevel.PROVINCE else self.commune


class RemediationPolicy(Contract):
    """Working days the unit has to remediate a finding, by severity (thời hạn khắc phục).

    [C] DOMAIN.md §2 gives one default, 30, for every finding. Severity says how grave a
    finding is, not how long its correction takes (rewriting internal rules is slower than
    wearing a badge), so no shorter default for serious findings is invented here; an office
    that wants one sets it in its policy file.
    """

    minor: PositiveDays = 30
    major: PositiveDays = 30
    serious: PositiveDays = 30

    def days(self, severity: Severity) -> int:
        """The time limit for a finding of ``severity``."""
        limit: int = getattr(self, severity.value)
        return limit


class DeadlinePolicy(Contract):
    """Every time limit of one inspection, in working days unless said otherwise."""

    # [C] notice lead time (thông báo trước), 3–7 working days before the visit. Zero for
    # kinds sent no notice: surprise and complaint (Decree 217 Art. 11(4) [L]) and self.
    notice_lead_days: Days = 5
    # [L] Decree 217 Art. 13: on-site duration and its single extension, by unit level.
    on_site: OnSitePolicy = Field(default_factory=OnSitePolicy)
    # [C] findings report (báo cáo kết quả kiểm tra): ~5 working days after the visit.
    findings_report_days: PositiveDays = 5
    # [C] conclusion notice (thông báo kết luận): ~10 working days after the report.
    conclusion_days: PositiveDays = 10
    # [C] explanation or acknowledgement (giải trình / tiếp thu): ~10 days after the
    # conclusion; DOMAIN.md does not say which days, counted here as working days like the rest.
    acknowledgement_days: PositiveDays = 10
    # [C] remediation per finding severity (khắc phục), default 30.
    remediation: RemediationPolicy = Field(default_factory=RemediationPolicy)
    # [C] reminders (đôn đốc), working days before a due date; kept in descending order.
    reminder_offsets: list[PositiveDays] = Field(default_factory=lambda: [7, 3, 1])
    # [C] once overdue (quá hạn), escalate again every ~15 working days.
    escalation_interval_days: PositiveDays = 15
    # [C] order of escalation; reporting to the superior is Decree 217 Art. 16 [L].
    escalation_chain: list[EscalationLevel] = Field(
        default_factory=lambda: list(EscalationLevel), min_length=1
    )
    # [C] re-inspection (tái kiểm tra) within ~15 working days of the remediation report.
    reinspection_window_days: PositiveDays = 15
    # [C] remediation cycles before unresolved findings must be referred instead.
    max_cycles: int = Field(default=2, strict=True, ge=1, le=10)

    @field_validator("reminder_offsets")
    @classmethod
    def _distinct_descending(cls, offsets: list[int]) -> list[int]:
        if len(set(offsets)) != len(offsets):
            raise ValueError(f"reminder offsets repeat a day: {offsets}")
        return sorted(offsets, reverse=True)

    @field_validator("escalation_chain")
    @classmethod
    def _each_level_once(cls, chain: list[EscalationLevel]) -> list[EscalationLevel]:
        if len(set(chain)) != len(chain):
            raise ValueError(f"the escalation chain names a level twice: {chain}")
        return chain


def _default_kind_overrides() -> dict[InspectionKind, dict[str, Any]]:
    # Kinds the machine sends no notice for (states.vocabulary.NOTICED_KINDS): no lead time.
    return {kind: {"notice_lead_days": 0} for kind in InspectionKind if kind not in NOTICED_KINDS}


class PolicySet(Contract):
    """The default policy and, per inspection kind, the keys that differ from it."""

    default: DeadlinePolicy = Field(default_factory=DeadlinePolicy)
    # Partial and nested like ``default`` ({"on_site": {"count_in": "calendar"}}); checked by
    # ``_kinds_resolve`` so that a bad key fails when the set is loaded, not mid-inspection.
    kinds: dict[InspectionKind, dict[str, Any]] = Field(default_factory=_default_kind_overrides)

    def for_kind(self, kind: InspectionKind) -> DeadlinePolicy:
        """The default policy with ``kind``'s overrides merged in."""
        override = self.kinds.get(kind)
        if not override:
            return self.default
        return DeadlinePolicy.model_validate(_merge(self.default.model_dump(), override))

    @model_validator(mode="after")
    def _kinds_resolve(self) -> "PolicySet":
        problems: list[str] = []
        for kind in InspectionKind:
            try:
                policy = self.for_kind(kind)
            except ValidationError as exc:
                problems += [f"kinds.{kind}.{_where(e['loc'])}: {e['msg']}" for e in exc.errors()]
                continue
            if kind not in NOTICED_KINDS and policy.notice_lead_days:
                problems.append(
                    f"kinds.{kind}.notice_lead_days: a {kind} inspection sends no notice "
                    f"ahead, so its lead time must be 0, not {policy.notice_lead_days}"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self


class PolicyError(ValueError):
    """A policy file that cannot be used; ``problems`` name each bad key."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid deadline policy: " + "; ".join(problems))
        self.problems = problems


def _where(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``override`` laid over it: mappings merge key by key, anything else
    (numbers, lists) replaces."""
    merged = dict(base)
    for key, value in override.items():
        below = merged.get(key)
        if isinstance(below, Mapping) and isinstance(value, Mapping):
            merged[key] = _merge(below, value)
        else:
            merged[key] = value
    return merged


def policy_from_mapping(data: Mapping[str, Any]) -> PolicySet:
    """A policy set from parsed configuration: ``data`` is laid over the defaults, so a file
    names only what it changes. Raises ``PolicyError`` naming every bad key."""
    try:
        return PolicySet.model_validate(_merge(PolicySet().model_dump(), data))
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            message = str(error["msg"]).removeprefix("Value error, ")
            where = _where(error["loc"])
            problems.append(f"{where}: {message}" if where else message)
        raise PolicyError(problems) from None


def policy_from_text(text: str, fmt: Literal["toml", "yaml"]) -> PolicySet:
    """A policy set from the text of a TOML or YAML policy file (parsing only, no I/O)."""
    data: object
    if fmt == "toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise PolicyError([f"not valid TOML: {exc}"]) from None
    else:
        import yaml  # imported here: workflow code importing this module never needs it

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise PolicyError([f"not valid YAML: {exc}"]) from None
        data = {} if data is None else data  # an empty YAML document means "all defaults"
    if not isinstance(data, Mapping):
        raise PolicyError([f"the policy must be a mapping of keys, not {type(data).__name__}"])
    return policy_from_mapping(data)
