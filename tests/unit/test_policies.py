"""Deadline policies: DOMAIN.md §2's numbers by default, overridable per kind and by file."""

import tomllib
from pathlib import Path
from typing import Any, Literal

import pytest

from states.policies import (
    CountIn,
    DeadlinePolicy,
    EscalationLevel,
    OnSiteLimit,
    PolicyError,
    PolicySet,
    RemediationPolicy,
    UnitLevel,
    policy_from_mapping,
    policy_from_text,
)
from states.vocabulary import InspectionKind, Severity

EXAMPLE = Path(__file__).parents[2] / "docs" / "policies.example.toml"


def test_defaults_are_domain_numbers() -> None:
    # Literal on purpose: DOMAIN.md §2 and Decree 217 Art. 13, not the module's own values.
    assert PolicySet().default.model_dump(mode="json") == {
        "notice_lead_days": 5,
        "on_site": {
            "count_in": "working",
            "province": {"days": 10, "extension_days": 5},
            "commune": {"days": 7, "extension_days": 3},
        },
        "findings_report_days": 5,
        "conclusion_days": 10,
        "acknowledgement_days": 10,
        "remediation": {"minor": 30, "major": 30, "serious": 30},
        "reminder_offsets": [7, 3, 1],
        "escalation_interval_days": 15,
        "escalation_chain": ["unit_rep", "head_of_unit", "coordinator", "decision_maker"],
        "reinspection_window_days": 15,
        "max_cycles": 2,
    }


@pytest.mark.parametrize(
    ("kind", "lead"),
    [
        ("planned", 5),
        ("surprise", 0),
        ("complaint", 0),
        ("thematic", 5),
        ("self", 0),
        ("joint", 5),
        ("reinspection", 5),
    ],
)
def test_notice_lead_time_by_kind(kind: str, lead: int) -> None:
    policy = PolicySet().for_kind(InspectionKind(kind))
    assert policy.notice_lead_days == lead
    assert policy.conclusion_days == 10


def test_kind_override_merges_into_the_default() -> None:
    policies = policy_from_mapping(
        {
            "default": {"conclusion_days": 12},
            "kinds": {
                "planned": {"on_site": {"count_in": "calendar"}, "remediation": {"serious": 10}},
            },
        }
    )
    planned = policies.for_kind(InspectionKind.PLANNED)
    assert planned.on_site.count_in is CountIn.CALENDAR
    assert planned.on_site.province == OnSiteLimit(days=10, extension_days=5)
    assert planned.remediation == RemediationPolicy(minor=30, major=30, serious=10)
    assert planned.conclusion_days == 12
    surprise = policies.for_kind(InspectionKind.SURPRISE)
    assert (surprise.notice_lead_days, surprise.conclusion_days) == (0, 12)
    assert surprise.on_site.count_in is CountIn.WORKING
    assert policies.default.remediation.serious == 30


def test_a_file_changes_only_what_it_names() -> None:
    policies = policy_from_mapping({"default": {"reminder_offsets": [10, 5]}})
    assert policies.default.reminder_offsets == [10, 5]
    assert policies.default.notice_lead_days == 5
    assert policies.kinds == PolicySet().kinds
    assert policy_from_mapping({}) == PolicySet()


def test_lookups_by_level_and_severity() -> None:
    policy = DeadlinePolicy()
    assert policy.on_site.limit(UnitLevel.PROVINCE) == OnSiteLimit(days=10, extension_days=5)
    assert policy.on_site.limit(UnitLevel.COMMUNE) == OnSiteLimit(days=7, extension_days=3)
    custom = RemediationPolicy(minor=40, major=30, serious=15)
    assert [custom.days(s) for s in Severity] == [40, 30, 15]
    # One field per severity, so a new severity cannot go without a time limit.
    assert set(RemediationPolicy.model_fields) == set(Severity)


def test_reminder_offsets_are_kept_in_descending_order() -> None:
    assert DeadlinePolicy(reminder_offsets=[1, 7, 3]).reminder_offsets == [7, 3, 1]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"defaults": {}}, "defaults: Extra inputs are not permitted"),
        ({"default": {"notice_lead_dayz": 3}}, "default.notice_lead_dayz: Extra inputs"),
        (
            {"default": {"on_site": {"province": {"dayz": 9}}}},
            "default.on_site.province.dayz: Extra inputs",
        ),
        ({"kinds": {"surprize": {}}}, "kinds.surprize.[key]: Input should be 'planned'"),
        ({"kinds": {"planned": {"conclusion_dayz": 1}}}, "kinds.planned.conclusion_dayz: Extra"),
        ({"kinds": {"surprise": 5}}, "kinds.surprise: Input should be a valid dictionary"),
        ({"default": {"conclusion_days": "10"}}, "default.conclusion_days: Input should be a"),
        ({"default": {"conclusion_days": True}}, "default.conclusion_days: Input should be a"),
        (
            {"default": {"on_site": {"commune": {"extension_days": "3"}}}},
            "default.on_site.commune.extension_days: Input should be a valid integer",
        ),
        ({"default": {"conclusion_days": 0}}, "default.conclusion_days: Input should be greater"),
        ({"default": {"notice_lead_days": -1}}, "default.notice_lead_days: Input should be gre"),
        ({"default": {"max_cycles": 11}}, "default.max_cycles: Input should be less than"),
        ({"default": {"reminder_offsets": [3, 3]}}, "reminder offsets repeat a day: [3, 3]"),
        ({"default": {"reminder_offsets": [0]}}, "default.reminder_offsets.0: Input should be"),
        ({"default": {"escalation_chain": []}}, "default.escalation_chain: List should have"),
        (
            {"default": {"escalation_chain": ["coordinator", "coordinator"]}},
            "the escalation chain names a level twice",
        ),
        ({"default": {"escalation_chain": ["mayor"]}}, "default.escalation_chain.0: Input"),
        ({"default": {"on_site": {"count_in": "weekdays"}}}, "default.on_site.count_in: Input"),
        (
            {"kinds": {"surprise": {"notice_lead_days": 3}}},
            "kinds.surprise.notice_lead_days: a surprise inspection sends no notice ahead, "
            "so its lead time must be 0, not 3",
        ),
    ],
)
def test_bad_keys_are_named(data: dict[str, Any], problem: str) -> None:
    with pytest.raises(PolicyError) as caught:
        policy_from_mapping(data)
    assert any(problem in p for p in caught.value.problems), caught.value.problems


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(PolicyError) as caught:
        policy_from_mapping({"default": {"conclusion_dayz": 1, "max_cycles": 0}})
    assert {p.split(":")[0] for p in caught.value.problems} == {
        "default.max_cycles",
        "default.conclusion_dayz",
    }


TOML = """
[default]
notice_lead_days = 7
escalation_chain = ["head_of_unit", "decision_maker"]

[default.remediation]
serious = 15

[kinds.joint.on_site]
count_in = "calendar"
"""

YAML = """
default:
  notice_lead_days: 7
  escalation_chain: [head_of_unit, decision_maker]
  remediation:
    serious: 15
kinds:
  joint:
    on_site:
      count_in: calendar
"""


@pytest.mark.parametrize(("text", "fmt"), [(TOML, "toml"), (YAML, "yaml")])
def test_toml_and_yaml_text_parse(text: str, fmt: Literal["toml", "yaml"]) -> None:
    policies = policy_from_text(text, fmt)
    assert policies.default.notice_lead_days == 7
    assert policies.default.escalation_chain == [
        EscalationLevel.HEAD_OF_UNIT,
        EscalationLevel.DECISION_MAKER,
    ]
    assert policies.default.remediation.days(Severity.SERIOUS) == 15
    assert policies.for_kind(InspectionKind.JOINT).on_site.count_in is CountIn.CALENDAR
    assert policies.for_kind(InspectionKind.COMPLAINT).notice_lead_days == 0


def test_toml_and_yaml_agree() -> None:
    assert policy_from_text(TOML, "toml") == policy_from_text(YAML, "yaml")


def test_unreadable_text_is_a_policy_error() -> None:
    with pytest.raises(PolicyError, match="not valid TOML"):
        policy_from_text("[default\n", "toml")
    with pytest.raises(PolicyError, match="not valid YAML"):
        policy_from_text("default: [1,\n", "yaml")
    with pytest.raises(PolicyError, match="must be a mapping of keys, not list"):
        policy_from_text("- 1\n", "yaml")
    assert policy_from_text("", "yaml") == PolicySet()


def test_example_file_parses_and_equals_the_defaults() -> None:
    assert policy_from_text(EXAMPLE.read_text(encoding="utf-8"), "toml") == PolicySet()


def _keys(data: dict[str, Any], prefix: str = "") -> set[str]:
    keys = set()
    for key, value in data.items():
        keys.add(prefix + key)
        if isinstance(value, dict):
            keys |= _keys(value, f"{prefix}{key}.")
    return keys


def test_example_file_names_every_key() -> None:
    written = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert _keys(written) == _keys(PolicySet().model_dump(mode="json"))


def test_resolved_policy_round_trips_through_json() -> None:
    # A workflow receives its kind's policy in its input: it must decode from history.
    policy = policy_from_text(TOML, "toml").for_kind(InspectionKind.JOINT)
    assert DeadlinePolicy.model_validate_json(policy.model_dump_json()) == policy
    policies = PolicySet()
    assert PolicySet.model_validate_json(policies.model_dump_json()) == policies
