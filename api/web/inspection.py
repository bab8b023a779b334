"""The inspection page, starting an inspection, and one form per trigger.

Buttons are the caller's allowed triggers (``procedure.allowed_triggers``, as the API's
``allowed_actions``); a trigger's form is read from its body model (``COMMAND_BODIES``) and
its declaration (``states.triggers``: label, help, field labels); a submitted form goes the
API's own way (``api.actions``). A refusal comes back on the form, in the person's language.
"""

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api import actions, complaints, discipline, papers, teams
from api.deps import CommanderDep, SessionDep
from api.errors import ERRORS, ApiError, ErrorCode
from api.evidence import evidence_view
from api.files import DOCX, attachment
from api.routes.inspections import InspectionId
from api.routes.papers import DocumentId, docx_of, pdf_response
from api.schemas import COMMAND_BODIES, InspectionCreate, TeamChange, TeamCreate
from api.scope import load_visible
from api.web import forms
from api.web.caller import InspectionCallerDep, PageCaller
from api.web.diagram import svg as lifecycle_svg
from api.web.render import page
from api.web.session import check_csrf, read_session
from documents.pdf import pdf_unavailable
from states import procedure
from states.bounds import ID_MAX, NAME_MAX
from states.checklist import GROUPS, OTHER_CATEGORY, STANDARD_CHECKLIST, other_code
from states.errors import DomainError
from states.models import InspectionSnapshot
from states.paper import PAPERS, Paper
from states.sides import barred_from_team, issuers_for
from states.triggers import COMMAND_PATHS, TRIGGERS
from states.vocabulary import (
    CheckResult,
    DisputeOutcome,
    ExtensionStatus,
    FindingStatus,
    InspectionKind,
    InspectionState,
    RemediationStatus,
    Role,
    Severity,
    TeamRole,
    Trigger,
    VerificationOutcome,
)
from store import checklist as checklists
from store import plans as plan_store
from store import standing_teams as standing_store
from store.directory import inspectors_within, organisations_within
from store.outbox import reminders_sent
from store.queries import events_of, names_of
from store.tables import Organisation, PlanItem

router = APIRouter(dependencies=[Depends(check_csrf)])

CRITERIA = {c.code: c for c in STANDARD_CHECKLIST}
# The lifecycle's stages as the stepper shows them; suspension and termination are marked
# on the stage where they happened.
STAGES = [
    InspectionState.DECIDED,
    InspectionState.TEAM_FORMED,
    InspectionState.NOTIFIED,
    InspectionState.ON_SITE,
    InspectionState.VISITED,
    InspectionState.FINDINGS_REPORTED,
    InspectionState.REMEDIATION_REQUESTED,
    InspectionState.REMEDIATING,
    InspectionState.REMEDIATION_REPORTED,
    InspectionState.REINSPECTING,
    InspectionState.CLOSED,
]
STAGE_OF = {InspectionState.DISPUTED: InspectionState.REMEDIATION_REQUESTED}
# Fields a trigger's page asks for with rows of its own, not as plain widgets.
ROW_FIELDS = frozenset(
    {
        "members",
        "standing_team_id",
        "results",
        "orders",
        "finding_nos",
        "decisions",
        "items",
        "finding_no",
        "n",
    }
)
TEAM_ROWS = 8
TEAM_TRIGGERS = frozenset({Trigger.FORM_TEAM, Trigger.CHANGE_TEAM})
# Spare rows of the minutes for findings outside the checklist (KHAC-01 …).
OTHER_ROWS = 3
OTHER_LABEL = ("Khác", "Other")
ENUMS = {
    "CheckResult": CheckResult,
    "Severity": Severity,
    "FindingStatus": FindingStatus,
    "RemediationStatus": RemediationStatus,
    "ExtensionStatus": ExtensionStatus,
    "TeamRole": TeamRole,
    "DisputeOutcome": DisputeOutcome,
    "VerificationOutcome": VerificationOutcome,
    "InspectionKind": InspectionKind,
    "InspectionState": InspectionState,
    "Role": Role,
}


def _trigger(name: str) -> Trigger:
    """A trigger people may fire from a page; anything else is the 404 page."""
    try:
        trigger = Trigger(name)
    except ValueError:
        raise ApiError(ErrorCode.NOT_FOUND, "no such action", {"action": name[:40]}) from None
    if trigger not in COMMAND_PATHS:
        raise ApiError(ErrorCode.NOT_FOUND, "no such action", {"action": trigger.value})
    return trigger


TriggerName = Annotated[str, Path(max_length=40)]


@dataclass(frozen=True)
class Stage:
    state: InspectionState
    done: bool
    current: bool


def stages(snapshot: InspectionSnapshot) -> list[Stage]:
    state = snapshot.suspended_from or snapshot.state
    if snapshot.state in (InspectionState.CANCELLED, InspectionState.VOIDED):
        state = snapshot.state
    state = STAGE_OF.get(state, state)
    at = STAGES.index(state) if state in STAGES else -1
    return [
        Stage(s, done=i < at or snapshot.state is InspectionState.CLOSED, current=i == at)
        for i, s in enumerate(STAGES)
    ]


def _organisation_name(db: Session, organisation_id: str | None) -> str:
    if not organisation_id:
        return ""
    org = db.get(Organisation, organisation_id)
    return org.name if org else ""


def inspection_context(
    db: Session, caller: PageCaller, snapshot: InspectionSnapshot
) -> dict[str, Any]:
    allowed = procedure.allowed_triggers(snapshot, caller.actor)
    events = events_of(db, snapshot.inspection_id)
    names = names_of(db, {e.actor_id for e in events} | {snapshot.coordinator_id})
    issuer_id = snapshot.decision.issuer_id or (
        snapshot.issuer_path[-1] if snapshot.issuer_path else None
    )
    due = {(r.finding_no, r.cycle): r for r in snapshot.remediation}
    paperwork = papers.listed(db, snapshot, caller.viewer)
    return {
        "s": snapshot,
        "allowed": [TRIGGERS[t] for t in allowed],
        "stages": stages(snapshot),
        "events": events,
        "names": names,
        "issuer": _organisation_name(db, issuer_id),
        "criteria": checklists.labels_of(db, snapshot.checklist_version),
        "due": due,
        "reminders": reminders_sent(db, snapshot.inspection_id),
        "documents": [
            {"document": w.document, "title": PAPERS[w.paper].title_vi} for w in paperwork
        ],
        "decision_symbol": snapshot.decision.number
        or next((w.document.symbol for w in paperwork if w.paper is Paper.DECISION), ""),
        "pdf_unavailable": pdf_unavailable(),
        "complaints_count": complaints.inspected_by(db, caller.viewer, snapshot),
        **evidence_view(db, snapshot, caller.actor),
        **discipline.inspection_view(db, snapshot, caller.viewer),
        **ENUMS,
    }


@router.get("/inspections/new")
def start_form(
    request: Request,
    caller: InspectionCallerDep,
    db: SessionDep,
    plan_item: Annotated[str | None, Query(max_length=ID_MAX)] = None,
    plan_slot: Annotated[str | None, Query(max_length=ID_MAX)] = None,
    unit_q: Annotated[str, Query(max_length=NAME_MAX)] = "",
    complaint: Annotated[str, Query(max_length=ID_MAX)] = "",
) -> Response:
    values: dict[str, Any] = {}
    if complaint:
        # Started from a complaint: its unit, the complaint kind and the complaint itself.
        row = complaints.load(db, caller.viewer, complaint)
        values = {
            "unit_id": row.unit_id,
            "kind": InspectionKind.COMPLAINT.value,
            # No reference in the title: the unit reads it once the team has arrived.
            "title": "Kiểm tra công vụ theo phản ánh, kiến nghị",
            "complaint_ids": [row.id],
        }
        unit_q = unit_q or row.unit_name
    if plan_slot:
        values["plan_slot_id"] = plan_slot
    return _start_page(request, caller, db, plan_item, unit_q, values, {}, None, 200)


def _start_page(
    request: Request,
    caller: PageCaller,
    db: Session,
    plan_item_id: str | None,
    unit_q: str,
    values: dict[str, Any],
    problems: dict[str, forms.Problem],
    refusal: str | None,
    status: int,
) -> Response:
    item = db.get(PlanItem, plan_item_id) if plan_item_id else None
    if item is not None and not plan_store.item_visible(item, caller.viewer):
        item = None
    slot_id = str(values.get("plan_slot_id") or "")
    slot = plan_store.visible_slot(db, caller.viewer, slot_id) if not item else None
    units = organisations_within(db, caller.viewer.authority_root, unit_q)
    issuers = [(oid, _organisation_name(db, oid)) for oid in reversed(issuers_for(caller.viewer))]
    return page(
        request,
        "start.html",
        {
            "item": item,
            "slot": slot,
            "units": units,
            "unit_q": unit_q,
            "issuers": issuers,
            "groups": GROUPS,
            "checklist": checklists.current(db).active(),
            "kinds": [k for k in InspectionKind if k is not InspectionKind.REINSPECTION],
            "v": values,
            "problems": problems,
            "refusal": refusal,
            "key": uuid.uuid4().hex,
            **ENUMS,
        },
        status=status,
    )


@router.post("/inspections/new")
async def start(
    request: Request, caller: InspectionCallerDep, db: SessionDep, commander: CommanderDep
) -> Response:
    form = await request.form()
    items = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    data = forms.nest(items)
    plan_item_id = data.get("plan_item_id") or None
    values = {**data, "checklist": data.get("checklist", [])}
    try:
        body = InspectionCreate.model_validate(forms.clean(InspectionCreate, data))
    except ValidationError as e:
        return _start_page(
            request, caller, db, plan_item_id, "", values, forms.problems(e), None, 422
        )
    key = str(form.get("idempotency_key") or "")[:64] or None
    try:
        detail = await actions.start(request, body, caller.user, caller.viewer, db, commander, key)
    except (ApiError, DomainError) as e:
        refused = e if isinstance(e, ApiError) else ApiError.from_domain(e)
        return _start_page(
            request,
            caller,
            db,
            plan_item_id,
            "",
            values,
            {},
            _refusal_text(request, refused),
            refused.status,
        )
    return RedirectResponse(f"/inspections/{detail.inspection_id}?done=start", status_code=303)


@router.get("/inspections/{inspection_id}")
def inspection_page(
    request: Request,
    inspection_id: InspectionId,
    caller: InspectionCallerDep,
    db: SessionDep,
    done: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    snapshot = load_visible(db, caller.viewer, inspection_id)
    context = inspection_context(db, caller, snapshot)
    done_label = None
    if done == "start":
        done_label = "start"
    elif done is not None:
        try:
            done_label = Trigger(done)
        except ValueError:
            done_label = None
    return page(request, "inspection.html", {**context, "done": done_label})


@router.get("/inspections/{inspection_id}/actions/{trigger_name}")
def action_form(
    request: Request,
    inspection_id: InspectionId,
    trigger_name: TriggerName,
    caller: InspectionCallerDep,
    db: SessionDep,
    q: Annotated[str, Query(max_length=NAME_MAX)] = "",
    standing_team: Annotated[str, Query(max_length=ID_MAX)] = "",
) -> Response:
    trigger = _trigger(trigger_name)
    snapshot = load_visible(db, caller.viewer, inspection_id)
    if trigger not in procedure.allowed_triggers(snapshot, caller.actor):
        raise ApiError(ErrorCode.INVALID_TRANSITION, "this action is not yours to take now")
    return _action_page(request, db, caller, snapshot, trigger, {}, {}, None, 200, q, standing_team)


def _action_page(
    request: Request,
    db: Session,
    caller: PageCaller,
    snapshot: InspectionSnapshot,
    trigger: Trigger,
    values: dict[str, Any],
    problems: dict[str, forms.Problem],
    refusal: str | None,
    status: int,
    q: str = "",
    standing_team: str = "",
) -> Response:
    body = COMMAND_BODIES[trigger]
    context: dict[str, Any] = {
        "s": snapshot,
        "spec": TRIGGERS[trigger],
        "trigger": trigger,
        "widgets": forms.widgets(body, ROW_FIELDS),
        "v": values,
        "problems": problems,
        "refusal": refusal,
        "key": values.get("idempotency_key") or uuid.uuid4().hex,
        "criteria": checklists.labels_of(db, snapshot.checklist_version),
        "other_codes": [other_code(n) for n in range(1, OTHER_ROWS + 1)],
        "other_categories": [*GROUPS.items(), (OTHER_CATEGORY, OTHER_LABEL)],
        "current_items": snapshot.current_items(),
        "pending": next(
            (e for e in snapshot.extensions if e.status is ExtensionStatus.PENDING), None
        ),
        **ENUMS,
    }
    if trigger in TEAM_TRIGGERS:
        context.update(_team_context(db, caller, snapshot, trigger, values, q, standing_team))
    # htmx searches swap the candidates out of the whole page (hx-select): one template.
    return page(request, "action.html", context, status=status)


@router.post("/inspections/{inspection_id}/actions/{trigger_name}")
async def submit_action(
    request: Request,
    inspection_id: InspectionId,
    trigger_name: TriggerName,
    caller: InspectionCallerDep,
    db: SessionDep,
    commander: CommanderDep,
) -> Response:
    trigger = _trigger(trigger_name)
    snapshot = await run_in_threadpool(load_visible, db, caller.viewer, inspection_id)
    form = await request.form()
    items = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    data = forms.nest(items)
    key = str(form.get("idempotency_key") or "")[:64] or None
    values = {**data, "idempotency_key": key}
    payload: BaseModel
    try:
        payload = _payload(trigger, data)
    except ValidationError as e:
        return _action_page(
            request, db, caller, snapshot, trigger, values, forms.problems(e), None, 422
        )
    try:
        await actions.fire(
            trigger, inspection_id, payload, request, caller.user, db, commander, key
        )
    except (ApiError, DomainError) as e:
        refused = e if isinstance(e, ApiError) else ApiError.from_domain(e)
        if refused.error is ErrorCode.NOT_FOUND:
            raise refused from None
        fresh = await run_in_threadpool(load_visible, db, caller.viewer, inspection_id)
        return _action_page(
            request,
            db,
            caller,
            fresh,
            trigger,
            values,
            {},
            _refusal_text(request, refused),
            refused.status,
        )
    return RedirectResponse(f"/inspections/{inspection_id}?done={trigger.value}", status_code=303)


def _team_context(
    db: Session,
    caller: PageCaller,
    snapshot: InspectionSnapshot,
    trigger: Trigger,
    values: dict[str, Any],
    q: str,
    standing_team: str,
) -> dict[str, Any]:
    """The team form: inspectors to pick (those of the inspected side marked), the standing
    teams in force to start from, and the rows filled from the one chosen (forming) or from
    the current team (changing it)."""
    people = inspectors_within(db, caller.viewer.authority_root, q)
    standing = standing_store.visible(db, caller.viewer, standing_team) if standing_team else None
    rows: list[dict[str, Any]] = []
    if values.get("members"):
        rows = list(values["members"])
    elif trigger is Trigger.CHANGE_TEAM:
        rows = [_row(m.model_dump()) for m in snapshot.team]
    elif standing is not None:
        rows = [_row(m.model_dump()) for m in standing_store.members_of(db, standing.id)]
    return {
        "q": q,
        "candidates": [
            (p, barred_from_team(snapshot, p.organisation_id, p.organisation_path)) for p in people
        ],
        "team_rows": max(TEAM_ROWS, len(rows) + 2),
        "rows": rows,
        "standing": standing,
        "standing_teams": standing_store.listed(db, caller.viewer, teams.today())
        if trigger is Trigger.FORM_TEAM
        else [],
    }


def _row(member: dict[str, Any]) -> dict[str, Any]:
    """A team member as the form's row holds it (an account: its id; otherwise the name)."""
    account = member.get("user_id") is not None
    return {
        "user_id": member.get("user_id") or "",
        "name": "" if account else member.get("name", ""),
        "position": member.get("position", ""),
        "organisation_id": "" if account else member.get("organisation_id") or "",
        "organisation_name": "" if account else member.get("organisation_name", ""),
        "team_role": str(member.get("team_role", TeamRole.MEMBER.value)),
    }


def _payload(trigger: Trigger, data: dict[str, Any]) -> BaseModel:
    body = COMMAND_BODIES[trigger]
    if trigger is Trigger.FORM_TEAM:
        chosen = str(data.get("standing_team_id") or "").strip() or None
        members = forms.team_rows(data)
        return TeamCreate.model_validate({"members": members, "standing_team_id": chosen})
    if trigger is Trigger.CHANGE_TEAM:
        cleaned = forms.clean(body, {k: v for k, v in data.items() if k != "members"})
        return TeamChange.model_validate({**cleaned, "members": forms.team_rows(data)})
    cleaned = forms.clean(body, data)
    if trigger is Trigger.RECORD_VISIT:
        # Rows the team left without a result were not checked: they are not in the minutes.
        cleaned["results"] = [
            r for r in cleaned.get("results", []) if isinstance(r, dict) and r.get("result")
        ]
        # Rows left without a name are spare lines, not people.
        for side in ("team_present", "unit_present"):
            cleaned[side] = [
                r for r in cleaned.get(side, []) if isinstance(r, dict) and r.get("name")
            ]
    return body.model_validate(cleaned)


def _refusal_text(request: Request, refused: ApiError) -> str:
    language = read_session(request).language
    text = ERRORS[refused.error]
    if language == "en":
        return refused.message or text.en
    if refused.vi:
        return refused.vi
    detail = _detail_words(refused.detail)
    return f"{text.vi} {detail}".strip()


def _detail_words(detail: Any) -> str:
    """What a refusal names (people, findings, dates), for the Vietnamese reader."""
    if not isinstance(detail, dict):
        return ""
    shown = []
    for name, value in detail.items():
        if name == "id" or name.endswith(("_id", "_ids")):
            continue  # ids mean nothing to a person
        if isinstance(value, list):
            shown.append(", ".join(str(v) for v in value[:10]))
        elif isinstance(value, str | int):
            shown.append(str(value))
    text = "; ".join(s for s in shown if s)
    return f"({text})" if text else ""


@router.get("/inspections/{inspection_id}/diagram.svg")
def diagram(
    request: Request, inspection_id: InspectionId, caller: InspectionCallerDep, db: SessionDep
) -> Response:
    """The procedure with this inspection's step marked (within its scope, like the page)."""
    snapshot = load_visible(db, caller.viewer, inspection_id)
    return Response(
        lifecycle_svg(snapshot.state, read_session(request).language),
        media_type="image/svg+xml",
        headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"},
    )


@router.get("/inspections/{inspection_id}/documents/{document_id}.docx")
def document_docx(
    inspection_id: InspectionId,
    document_id: DocumentId,
    caller: InspectionCallerDep,
    db: SessionDep,
) -> Response:
    work, content = docx_of(db, caller.viewer, inspection_id, document_id)
    return attachment(content, DOCX, papers.file_name(work, "docx"))


@router.get("/inspections/{inspection_id}/documents/{document_id}.pdf")
async def document_pdf(
    inspection_id: InspectionId,
    document_id: DocumentId,
    caller: InspectionCallerDep,
    db: SessionDep,
) -> Response:
    return await pdf_response(db, caller.viewer, inspection_id, document_id)
