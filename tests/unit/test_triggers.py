"""One declaration per trigger: the workflow, the machine and the HTTP API follow it."""

import inspect
import typing

from fastapi.routing import APIRoute
from temporalio.workflow import _Definition

from api.routes.inspections import router
from states.machine import TRANSITIONS, TRIGGER_ROLES
from states.triggers import COMMAND_PATHS, TRIGGERS
from states.vocabulary import Party, Trigger
from workflows.inspection import UPDATES, InspectionWorkflow


def test_every_trigger_is_declared_with_both_languages() -> None:
    assert set(TRIGGERS) == set(Trigger)
    for spec in TRIGGERS.values():
        assert spec.label.vi and spec.label.en and spec.help.vi and spec.help.en
        assert spec.label.vi != spec.label.en, spec.trigger


def test_each_http_trigger_is_one_update_with_a_validator_taking_its_command() -> None:
    routed = {t for t, s in TRIGGERS.items() if s.path is not None}
    assert set(UPDATES) == routed
    updates = _Definition.from_class(InspectionWorkflow).updates  # type: ignore[union-attr]
    for trigger in routed:
        definition = updates[trigger.value]
        assert definition.fn is UPDATES[trigger]
        assert definition.validator is not None, f"{trigger} has no validator"
        hints = typing.get_type_hints(definition.fn)
        assert hints["cmd"] is TRIGGERS[trigger].command, trigger
    # Only kiemtra fires the others, and it does so by signal, not by a person's update.
    for trigger in set(Trigger) - routed:
        assert TRIGGERS[trigger].party is Party.SYSTEM
        assert inspect.iscoroutinefunction(getattr(InspectionWorkflow, trigger.value))


def test_every_declared_trigger_has_transitions_and_roles() -> None:
    in_machine = {t["trigger"] for t in TRANSITIONS}
    assert {t.value for t in Trigger} <= in_machine
    assert set(TRIGGER_ROLES) == set(Trigger)


def test_the_api_routes_each_declared_path_once() -> None:
    posts = [r.path for r in router.routes if isinstance(r, APIRoute) and "POST" in r.methods]
    for path in COMMAND_PATHS.values():
        route = f"/inspections/{{inspection_id}}/{path}"
        assert posts.count(route) == 1, route
