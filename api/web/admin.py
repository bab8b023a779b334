"""Administration: accounts, the organisation tree, the calendar's days off and make-up days.

Only administrators, by the JSON API's own check (``require_role``): anyone else gets the
same 403 page the API's 403 becomes. Every change goes through the function the JSON route
calls, so a page can neither allow nor refuse anything the API would not.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Path, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from api import org_import
from api.bounds import FIRST_DAY, LAST_DAY, Day
from api.deps import SessionDep, TemporalDep, require_role
from api.errors import ERRORS, ApiError, ErrorCode, not_found
from api.routes.calendar import ConfiguredDayCreate, forget_day, save_day
from api.routes.organisations import add_organisation, import_rows
from api.routes.users import (
    PASSWORD_MAX,
    PasswordReset,
    UserId,
    change_active,
    create_account,
    reset_password,
)
from api.schemas import OrganisationCreate, UserCreate
from api.web.caller import PageCaller, PageCallerDep
from api.web.i18n import gettext
from api.web.render import page
from api.web.session import check_csrf, read_session
from states.bounds import ID_MAX, NAME_MAX, ORGANISATION_NAME_MAX
from states.calendar import DayKind, local_date, make_up_working_days, public_holidays
from states.vocabulary import Role
from store.accounts import find_users
from store.calendar import configured_days
from store.logins import as_utc
from store.queries import organisations
from store.tables import Organisation, User

router = APIRouter(dependencies=[Depends(check_csrf)])

PAGE_SIZE = 50
MAX_OFFSET = 1_000_000
ROLES = [r for r in Role if r is not Role.SYSTEM]


def admin_caller(caller: PageCallerDep) -> PageCaller:
    """The JSON API's rule for these pages: administrators only."""
    require_role(caller.user, Role.ADMIN)
    return caller


AdminDep = Annotated[PageCaller, Depends(admin_caller)]


def _language(request: Request) -> str:
    return read_session(request).language


def _refusal(request: Request, code: ErrorCode) -> str:
    text = ERRORS[code]
    return text.en if _language(request) == "en" else text.vi


def _see_other(location: str) -> Response:
    return RedirectResponse(location, status_code=303)


def _locked_until(user: User) -> datetime | None:
    """When the account's sign-in lockout ends, if it is locked now."""
    if user.locked_until is None:
        return None
    until = as_utc(user.locked_until)
    return until if until > datetime.now(UTC) else None


@dataclass
class OrgNode:
    """An organisation in the tree, with its depth and its children in code order."""

    org: Organisation
    depth: int = 0
    children: list["OrgNode"] = field(default_factory=list)

    @property
    def indent(self) -> str:
        """What puts the organisation under its parent in a drop-down list."""
        return "\u00a0\u00a0\u00a0" * self.depth


def org_tree(rows: list[Organisation]) -> tuple[list[OrgNode], list[OrgNode]]:
    """The tree's roots and every node in tree order (for the pickers); ``rows`` in code order."""
    ids = {o.id for o in rows}
    below: dict[str | None, list[Organisation]] = {}
    for o in rows:
        below.setdefault(o.parent_id if o.parent_id in ids else None, []).append(o)
    flat: list[OrgNode] = []
    seen: set[str] = set()

    def walk(org: Organisation, depth: int) -> OrgNode:
        seen.add(org.id)
        node = OrgNode(org, depth)
        flat.append(node)
        for child in below.get(org.id, []):
            if child.id not in seen:
                node.children.append(walk(child, depth + 1))
        return node

    roots = [walk(o, 0) for o in below.get(None, [])]
    # A parent chain that loops has no root: show those at the top rather than lose them.
    roots += [walk(o, 0) for o in rows if o.id not in seen]
    return roots, flat


@router.get("/admin")
def index(request: Request, caller: AdminDep) -> Response:
    return page(request, "admin.html", {})


# Accounts --------------------------------------------------------------------------------
Done = Literal["created", "deactivated", "activated", "password", "added", "deleted"]


def _accounts_page(
    request: Request,
    db: SessionDep,
    *,
    q: str = "",
    offset: int = 0,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    alert: str = "",
    status: int = 200,
) -> Response:
    rows, count = find_users(db, q, limit=PAGE_SIZE, offset=offset)
    _, flat = org_tree(organisations(db))
    return page(
        request,
        "admin_accounts.html",
        {
            "rows": rows,
            "count": count,
            "q": q,
            "offset": offset,
            "page_size": PAGE_SIZE,
            "org_names": {n.org.id: n.org.name for n in flat},
            "orgs": flat,
            "roles": ROLES,
            "Role": Role,
            "locked": {u.id: until for u in rows if (until := _locked_until(u)) is not None},
            "form": form or {},
            "errors": errors or {},
            "alert": alert,
        },
        status=status,
        block="accounts",
    )


@router.get("/admin/accounts")
def accounts(
    request: Request,
    caller: AdminDep,
    db: SessionDep,
    q: Annotated[str, Query(max_length=NAME_MAX)] = "",
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Response:
    return _accounts_page(request, db, q=q, offset=offset)


ACCOUNT_HINTS = {
    "username": "From 2 to 64 characters: letters without accents, digits and . _ @ -",
    "password": "At least 8 characters.",
    "full_name": "At most 200 characters, on one line.",
    "email": "At most 200 characters, on one line.",
    "role": "Choose a role from the list.",
    "organisation_id": "Choose an organisation from the list.",
}
ACCOUNT_REFUSALS = {
    "username": "This username is already taken.",
    "role": "This role is not for accounts.",
    "organisation_id": "This organisation does not exist.",
}


def _field_errors(language: str, error: ValidationError, hints: dict[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for e in error.errors():
        name = str(e["loc"][0]) if e["loc"] else ""
        found.setdefault(name, gettext(language, hints.get(name, "Check this field.")))
    return found


@router.post("/admin/accounts")
def create(
    request: Request,
    caller: AdminDep,
    db: SessionDep,
    username: Annotated[str, Form(max_length=NAME_MAX)] = "",
    password: Annotated[str, Form(max_length=PASSWORD_MAX)] = "",
    role: Annotated[str, Form(max_length=ID_MAX)] = "",
    full_name: Annotated[str, Form(max_length=NAME_MAX)] = "",
    email: Annotated[str, Form(max_length=NAME_MAX)] = "",
    organisation_id: Annotated[str, Form(max_length=ID_MAX)] = "",
) -> Response:
    """Create an account with POST /api/v1/users' validation and function.

    Every field defaults to "" on these forms: FastAPI reads an empty field as a missing one,
    which would answer the bare error page instead of the form with the field marked."""
    language = _language(request)
    form = {"username": username, "full_name": full_name, "email": email, "role": role}
    form["organisation_id"] = organisation_id
    try:
        body = UserCreate.model_validate(
            form | {"password": password, "organisation_id": organisation_id or None}
        )
        user = create_account(db, body)
    except ValidationError as invalid:
        errors = _field_errors(language, invalid, ACCOUNT_HINTS)
        alert = _refusal(request, ErrorCode.INVALID_PAYLOAD)
        return _accounts_page(request, db, form=form, errors=errors, alert=alert, status=422)
    except ApiError as refused:
        name = (refused.detail or {}).get("field", "")
        message = gettext(language, ACCOUNT_REFUSALS.get(name, "Check this field."))
        errors = {name: message} if name else {}
        alert = _refusal(request, ErrorCode.INVALID_PAYLOAD if name else refused.error)
        return _accounts_page(
            request, db, form=form, errors=errors, alert=alert, status=refused.status
        )
    return _see_other(f"/admin/accounts/{user.id}?done=created")


def _account_page(
    request: Request,
    db: SessionDep,
    caller: PageCaller,
    user_id: str,
    *,
    done: str | None = None,
    errors: dict[str, str] | None = None,
    alert: str = "",
    status: int = 200,
) -> Response:
    account = db.get(User, user_id)
    if account is None:
        raise not_found("user", user_id)
    office = db.get(Organisation, account.organisation_id) if account.organisation_id else None
    return page(
        request,
        "admin_account.html",
        {
            "account": account,
            "office": office,
            "itself": account.id == caller.user.id,
            "Role": Role,
            "locked_until": _locked_until(account),
            "done": done,
            "errors": errors or {},
            "alert": alert,
        },
        status=status,
    )


@router.get("/admin/accounts/{user_id}")
def account(
    request: Request,
    user_id: UserId,
    caller: AdminDep,
    db: SessionDep,
    done: Annotated[Done | None, Query()] = None,
) -> Response:
    return _account_page(request, db, caller, user_id, done=done)


def _set_active(
    request: Request, db: SessionDep, caller: PageCaller, user_id: str, active: bool
) -> Response:
    try:
        change_active(db, user_id, active, caller.user)
    except ApiError as refused:
        if refused.error is ErrorCode.NOT_FOUND:
            raise
        alert = _refusal(request, refused.error)
        if not active and user_id == caller.user.id:
            alert = gettext(_language(request), "You cannot deactivate your own account.")
        return _account_page(request, db, caller, user_id, alert=alert, status=refused.status)
    return _see_other(f"/admin/accounts/{user_id}?done={'activated' if active else 'deactivated'}")


@router.post("/admin/accounts/{user_id}/deactivate")
def deactivate(request: Request, user_id: UserId, caller: AdminDep, db: SessionDep) -> Response:
    """The person's sign-ins (pages and API tokens) end at once."""
    return _set_active(request, db, caller, user_id, False)


@router.post("/admin/accounts/{user_id}/activate")
def activate(request: Request, user_id: UserId, caller: AdminDep, db: SessionDep) -> Response:
    return _set_active(request, db, caller, user_id, True)


@router.post("/admin/accounts/{user_id}/password")
def password(
    request: Request,
    user_id: UserId,
    caller: AdminDep,
    db: SessionDep,
    password: Annotated[str, Form(max_length=PASSWORD_MAX)] = "",
    password_again: Annotated[str, Form(max_length=PASSWORD_MAX)] = "",
) -> Response:
    """A new password set by the administrator: sign-ins end, the lockout is lifted."""
    language = _language(request)
    errors: dict[str, str] = {}
    try:
        body = PasswordReset(password=password)
        if password_again != password:
            errors["password_again"] = gettext(language, "The two passwords differ.")
        else:
            reset_password(db, user_id, body)
    except ValidationError:
        errors["password"] = gettext(language, ACCOUNT_HINTS["password"])
    if errors:
        alert = _refusal(request, ErrorCode.INVALID_PAYLOAD)
        return _account_page(request, db, caller, user_id, errors=errors, alert=alert, status=422)
    return _see_other(f"/admin/accounts/{user_id}?done=password")


# Organisations -------------------------------------------------------------------------
ORG_HINTS = {
    "code": "Required, at most 64 characters, on one line.",
    "name": "Required, at most 300 characters, on one line.",
    "level": "Required, at most 64 characters, on one line.",
    "parent_id": "Choose an organisation from the list.",
    "valid_from": "A valid date.",
    "valid_to": "A valid date.",
}
ORG_REFUSALS = {
    ErrorCode.CONFLICT: ("code", "An organisation with this code exists already."),
    ErrorCode.INVALID_COMMAND: ("parent_id", "This organisation does not exist."),
}


def _organisations_page(
    request: Request,
    db: SessionDep,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    alert: str = "",
    imported: dict[str, Any] | None = None,
    added: Organisation | None = None,
    import_error: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    rows = organisations(db)
    roots, flat = org_tree(rows)
    return page(
        request,
        "admin_organisations.html",
        {
            "roots": roots,
            "orgs": flat,
            "count": len(rows),
            "form": form or {},
            "errors": errors or {},
            "alert": alert,
            "imported": imported,
            "added": added,
            "import_error": import_error,
            "header_hint": org_import.HEADER_HINT,
        },
        status=status,
    )


@router.get("/admin/organisations")
def organisations_page(
    request: Request,
    caller: AdminDep,
    db: SessionDep,
    created: Annotated[int | None, Query(ge=0, le=MAX_OFFSET)] = None,
    skipped: Annotated[int | None, Query(ge=0, le=MAX_OFFSET)] = None,
    added: Annotated[str | None, Query(max_length=ID_MAX)] = None,
) -> Response:
    imported = None if created is None else {"created": created, "skipped": skipped or 0}
    # Named by id and read back: the notice shows what was recorded, not what a link says.
    new = db.get(Organisation, added) if added else None
    return _organisations_page(request, db, imported=imported, added=new)


@router.post("/admin/organisations")
def add_org(
    request: Request,
    caller: AdminDep,
    db: SessionDep,
    code: Annotated[str, Form(max_length=ID_MAX)] = "",
    name: Annotated[str, Form(max_length=ORGANISATION_NAME_MAX)] = "",
    level: Annotated[str, Form(max_length=ID_MAX)] = "",
    parent_id: Annotated[str, Form(max_length=ID_MAX)] = "",
    valid_from: Annotated[str, Form(max_length=10)] = "",
    valid_to: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """One organisation, with POST /api/v1/organisations' validation and function."""
    language = _language(request)
    form = {"code": code, "name": name, "level": level, "parent_id": parent_id}
    form |= {"valid_from": valid_from, "valid_to": valid_to}
    try:
        # An empty optional field is no value, as the API's JSON would leave it out.
        given = {k: v.strip() for k, v in form.items()}
        body = OrganisationCreate.model_validate(
            {k: v for k, v in given.items() if v or k in ("code", "name", "level")}
        )
        org = add_organisation(db, body)
    except ValidationError as invalid:
        errors = _field_errors(language, invalid, ORG_HINTS)
        alert = _refusal(request, ErrorCode.INVALID_PAYLOAD)
        return _organisations_page(request, db, form=form, errors=errors, alert=alert, status=422)
    except ApiError as refused:
        name_, message = ORG_REFUSALS.get(refused.error, ("", ""))
        errors = {name_: gettext(language, message)} if name_ else {}
        # A marked field says what is wrong; "check the marked fields" says where to look.
        alert = _refusal(request, ErrorCode.INVALID_PAYLOAD if name_ else refused.error)
        return _organisations_page(
            request, db, form=form, errors=errors, alert=alert, status=refused.status
        )
    return _see_other(f"/admin/organisations?added={quote(org.id)}#org-{quote(org.id)}")


@router.post("/admin/organisations/import")
def import_orgs(
    request: Request, caller: AdminDep, db: SessionDep, file: UploadFile | None = None
) -> Response:
    """CSV import with POST /api/v1/organisations/import's function: all lines or none.
    (The HTTP edge bounds the upload, as it bounds the API's; no file reads as an empty one.)"""
    try:
        result = import_rows(db, org_import.parse(file.file.read() if file else b""))
    except ApiError as refused:
        detail = refused.detail if isinstance(refused.detail, dict) else {}
        import_error = {
            "alert": _refusal(request, refused.error),
            "line": detail.get("line"),
            "column": detail.get("column"),
            "message": refused.message,
        }
        return _organisations_page(request, db, import_error=import_error, status=refused.status)
    return _see_other(f"/admin/organisations?created={result.created}&skipped={result.skipped}")


# Calendar ------------------------------------------------------------------------------
Year = Annotated[int, Query(ge=FIRST_DAY.year, le=LAST_DAY.year)]


def _calendar_page(
    request: Request,
    db: SessionDep,
    year: int,
    *,
    done: str | None = None,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    alert: str = "",
    status: int = 200,
) -> Response:
    language = _language(request)
    days = [d for d in configured_days(db) if d.day.year == year]
    holidays = public_holidays([year], "en_US" if language == "en" else "vi")
    return page(
        request,
        "admin_calendar.html",
        {
            "year": year,
            "days": days,
            "holidays": sorted(holidays.items()),
            "make_up": sorted(make_up_working_days([year])),
            "kinds": list(DayKind),
            "done": done,
            "form": form or {},
            "errors": errors or {},
            "alert": alert,
            "first_year": FIRST_DAY.year,
            "last_year": LAST_DAY.year,
        },
        status=status,
    )


@router.get("/admin/calendar")
def calendar(
    request: Request,
    caller: AdminDep,
    db: SessionDep,
    year: Year | None = None,
    done: Annotated[Done | None, Query()] = None,
) -> Response:
    return _calendar_page(request, db, year or local_date(datetime.now(UTC)).year, done=done)


CALENDAR_HINTS = {
    "day": "A date between 01/01/1900 and 31/12/2199.",
    "kind": "Choose a kind from the list.",
    "note": "At most 200 characters.",
}


@router.post("/admin/calendar")
def add_day(
    request: Request,
    caller: AdminDep,
    db: SessionDep,
    client: TemporalDep,
    tasks: BackgroundTasks,
    day: Annotated[str, Form(max_length=10)] = "",
    kind: Annotated[str, Form(max_length=ID_MAX)] = "",
    note: Annotated[str, Form(max_length=NAME_MAX)] = "",
    year: Annotated[int | None, Form(ge=FIRST_DAY.year, le=LAST_DAY.year)] = None,
) -> Response:
    """Add or replace a configured day with POST /api/v1/calendar/days' validation and
    function: running inspections recompute their deadlines."""
    form = {"day": day, "kind": kind, "note": note}
    try:
        body = ConfiguredDayCreate.model_validate({"day": day, "kind": kind, "note": note.strip()})
    except ValidationError as invalid:
        errors = _field_errors(_language(request), invalid, CALENDAR_HINTS)
        alert = _refusal(request, ErrorCode.INVALID_PAYLOAD)
        shown = year or local_date(datetime.now(UTC)).year
        return _calendar_page(request, db, shown, form=form, errors=errors, alert=alert, status=422)
    save_day(db, client, tasks, body)
    return _see_other(f"/admin/calendar?year={body.day.year}&done=added")


@router.post("/admin/calendar/{day}/delete")
def delete_day(
    request: Request,
    day: Annotated[Day, Path()],
    caller: AdminDep,
    db: SessionDep,
    client: TemporalDep,
    tasks: BackgroundTasks,
) -> Response:
    """HTML forms cannot DELETE: DELETE /api/v1/calendar/days/{day}'s function, by POST."""
    forget_day(db, client, tasks, day)
    return _see_other(f"/admin/calendar?year={day.year}&done=deleted")
