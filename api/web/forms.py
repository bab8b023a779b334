"""HTML forms for the command bodies the API takes: fields read from the body model, values
parsed back into it, and pydantic's complaints shown next to the field they name.

A field's ``name`` is its place in the body, dotted: ``results.3.note`` is the note of the
fourth checklist result, exactly pydantic's error location, so an error finds its field.
"""

import types
import typing
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any, Union

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

# Names the form carries that are no part of the body.
FORM_ONLY = frozenset({"csrf_token", "idempotency_key"})
MAX_DEPTH = 4
MAX_INDEX = 500


@dataclass(frozen=True)
class Widget:
    """How one scalar field is asked for."""

    name: str
    kind: str  # text, textarea, date, number, checkbox, select
    required: bool
    max_length: int | None = None
    choices: list[Enum] = field(default_factory=list)
    default: Any = None


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The annotation without ``| None`` (and whether None was allowed)."""
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _max_length(info: FieldInfo) -> int | None:
    for meta in info.metadata:
        value = getattr(meta, "max_length", None)
        if isinstance(value, int):
            return value
    return None


def list_item_type(annotation: Any) -> Any | None:
    base, _ = _unwrap(annotation)
    if typing.get_origin(base) is list:
        (item,) = typing.get_args(base) or (Any,)
        return _unwrap(item)[0]
    return None


def widget_of(name: str, info: FieldInfo) -> Widget:
    base, _ = _unwrap(info.annotation)
    # Annotated aliases carry their bounds in metadata; pydantic has already flattened them.
    required = info.is_required()
    default = None if required else info.get_default(call_default_factory=True)
    if base is bool:
        return Widget(name, "checkbox", False, default=bool(default))
    if base is date:
        return Widget(name, "date", required, default=default)
    if base is int:
        return Widget(name, "number", required, default=default)
    if isinstance(base, type) and issubclass(base, Enum):
        return Widget(name, "select", required, choices=list(base), default=default)
    if list_item_type(info.annotation) is str:
        return Widget(name, "lines", required, _max_length(info), default=default)
    length = _max_length(info)
    kind = "textarea" if length is not None and length > 300 else "text"
    return Widget(name, kind, required, length, default=default)


def widgets(model: type[BaseModel], skip: frozenset[str] = frozenset()) -> list[Widget]:
    """The scalar fields of ``model`` as widgets, in declaration order (lists of models are
    asked for by the page that knows what their rows are)."""
    found = []
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        item = list_item_type(info.annotation)
        if item is not None and item is not str:
            continue
        found.append(widget_of(name, info))
    return found


def nest(items: list[tuple[str, str]]) -> dict[str, Any]:
    """``[("results.0.note", "x")]`` → ``{"results": [{"note": "x"}]}``; a name ending in
    ``[]`` collects every value (checkbox groups); otherwise the last value wins (a hidden
    ``false`` before a checkbox's ``true``)."""
    tree: dict[str, Any] = {}
    for raw_name, value in items:
        if raw_name in FORM_ONLY:
            continue
        many = raw_name.endswith("[]")
        name = raw_name[:-2] if many else raw_name
        parts = name.split(".")
        if len(parts) > MAX_DEPTH or not all(parts):
            continue
        node: dict[Any, Any] = tree
        for part in parts[:-1]:
            key: Any = int(part) if part.isdigit() and int(part) <= MAX_INDEX else part
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                break
        else:
            leaf = parts[-1]
            if many:
                node.setdefault(leaf, []).append(value)
            else:
                node[leaf] = value
    nested: dict[str, Any] = _lists(tree)
    return nested


def _lists(node: Any) -> Any:
    if isinstance(node, dict):
        if node and all(isinstance(k, int) for k in node):
            return [_lists(node[k]) for k in sorted(node)]
        return {k: _lists(v) for k, v in node.items()}
    return node


def clean(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """Form strings into what the model takes: an empty optional field is left out (its
    default applies), one-per-line text becomes a list, nested rows are cleaned by their
    own model."""
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name not in data:
            continue
        value = data[name]
        item = list_item_type(info.annotation)
        if item is str and isinstance(value, str):
            value = [line.strip() for line in value.splitlines() if line.strip()]
        elif isinstance(item, type) and issubclass(item, BaseModel) and isinstance(value, list):
            value = [clean(item, row) if isinstance(row, dict) else row for row in value]
        elif isinstance(value, dict):
            inner, _ = _unwrap(info.annotation)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                value = clean(inner, value)
        elif isinstance(value, str) and value.strip() == "" and not info.is_required():
            continue
        elif isinstance(value, str):
            value = value.strip()
        out[name] = value
    return out


@dataclass(frozen=True)
class Problem:
    text_vi: str
    text_en: str

    def in_(self, language: str) -> str:
        return self.text_en if language == "en" else self.text_vi


def _problem(error: Any) -> Problem:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return Problem("Bắt buộc nhập.", "Required.")
    if kind in ("string_too_long", "too_long"):
        n = ctx.get("max_length", "")
        return Problem(f"Quá dài: tối đa {n}.", f"Too long: at most {n}.")
    if kind in ("string_too_short", "too_short"):
        n = ctx.get("min_length", "")
        return Problem(f"Cần ít nhất {n}.", f"At least {n} needed.")
    if kind.startswith("date"):
        return Problem("Ngày không hợp lệ.", "Not a valid date.")
    if kind.startswith("int") or kind.startswith("greater") or kind.startswith("less"):
        return Problem("Số không hợp lệ.", "Not a valid number.")
    if kind == "enum" or kind == "literal_error":
        return Problem("Giá trị không hợp lệ.", "Not one of the choices.")
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    return Problem(f"Không hợp lệ: {message}", message or "Invalid.")


def problems(error: ValidationError) -> dict[str, Problem]:
    """Each complaint by the dotted name of the field it is about ("" for the whole form)."""
    found: dict[str, Problem] = {}
    for e in error.errors():
        name = ".".join(str(p) for p in e.get("loc", ()))
        found.setdefault(name, _problem(e))
    return found


def team_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The member rows of a team form that name someone: an account row keeps its position
    and role only; a row without an account needs a name (the others are blank lines)."""
    rows = []
    for row in data.get("members", []):
        if not isinstance(row, dict):
            continue
        row = {k: v.strip() for k, v in row.items() if isinstance(v, str) and v.strip()}
        if row.get("user_id"):
            row = {k: v for k, v in row.items() if k in ("user_id", "position", "team_role")}
        elif not row.get("name"):
            continue
        rows.append(row)
    return rows
