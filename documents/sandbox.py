"""The Jinja environment every template renders in: an office may upload its own template,
and a template is code, so it must reach no Python object and build no huge value."""

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from jinja2 import pass_eval_context
from jinja2.exceptions import SecurityError
from jinja2.filters import FILTERS
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_TEXT = 100_000  # the longest string or list one expression may build (as range())
MAX_POWER_BITS = 10_000  # the largest integer "**" may build: 2 ** 64 ** 64 … is gigabytes
# A width or precision of six digits, or one given as an argument ("%*s"), in a format.
_WIDE_FORMAT = re.compile(r"%[-#0 +]*(\*|\d{6,}|\d*\.(\*|\d{6,}))|\{[^{}]*:[^{}]*(\d{6,}|\{)")


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, stricter: touching an unsafe attribute (``''.__class__``)
    fails instead of rendering as empty text, so a probing template is refused rather than
    passing the check; the operators and filters that can build a value of any size from a
    short expression (``'x' * 10**9``, ``'%9999999999s'``, ``lipsum(10**6)``) are bounded.

    Not bounded: time. Nested loops over ``range(100000)`` run for hours; whoever renders
    templates uploaded by people it does not trust should do it under a time limit."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        del self.globals["lipsum"]
        self.filters.update(_bounded_filters())
        self.filters["balance"] = balance
        # docxtpl compiles the document's XML on every rendering, about half of the time of
        # one; the same template gives the same XML, so compile each once (Jinja templates
        # render from several threads safely).
        self._compiled = lru_cache(maxsize=64)(super().from_string)

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        if isinstance(source, str) and globals is None and template_class is None:
            return self._compiled(source)
        return super().from_string(source, globals, template_class)

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        raise SecurityError(
            f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe."
        )

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if (
            operator == "**"
            and isinstance(left, int)
            and isinstance(right, int)
            and left.bit_length() * right > MAX_POWER_BITS
        ):
            raise SecurityError("power too large")
        if operator == "*":
            for sized, times in ((left, right), (right, left)):
                if isinstance(sized, str | list | tuple) and isinstance(times, int):
                    _limit(len(sized) * times, "repetition")
        if operator == "%" and isinstance(left, str):
            _narrow(left)
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        formatter = super().wrap_str_format(value)
        if formatter is None:
            return None
        _narrow(str(value.__self__))
        return formatter


def balance(text: str, width: int = 26) -> str:
    """A name longer than ``width`` characters broken into lines, as offices break the names
    in the header by hand: after the organ ("ỦY BAN NHÂN DÂN" / "TỈNH MINH SƠN"), else into
    lines of about equal length; a name with its own line breaks is kept as it is."""
    text = str(text)
    words = text.split()
    if "\n" in text or len(text) <= width or len(words) < 2:
        return text
    for organ in _ORGANS:
        if text.upper().startswith(organ + " "):
            return organ + "\n" + balance(text[len(organ) + 1 :], width)
    count = -(-len(text) // width)
    target = len(text) / count
    lines: list[str] = []
    line = ""
    for word in words:
        longer = f"{line} {word}" if line else word
        # Break before this word when the line is nearer its target length without it.
        if line and len(lines) < count - 1 and abs(len(longer) - target) > abs(len(line) - target):
            lines.append(line)
            line = word
        else:
            line = longer
    lines.append(line)
    return "\n".join(lines)


# Offices break a People's Committee's or Council's name after the organ, before the place.
_ORGANS = ("ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN")


def _limit(size: int, what: str) -> None:
    if size > MAX_TEXT:
        raise SecurityError(f"{what} too large")


def _narrow(format_string: str) -> None:
    if _WIDE_FORMAT.search(format_string):
        raise SecurityError("format width too large")


def _bounded_filters() -> dict[str, Callable[..., Any]]:
    """Jinja's filters that build a value whose size an argument sets, each checked first."""
    center, indent, join, replace, slice_, fmt = (
        FILTERS[name] for name in ("center", "indent", "join", "replace", "slice", "format")
    )

    def bounded_center(value: Any, width: int = 80) -> Any:
        _limit(width, "centring width")
        return center(value, width)

    def bounded_indent(value: Any, width: Any = 4, *args: Any, **kwargs: Any) -> Any:
        lines = str(value).count("\n") + 1
        _limit(lines * (width if isinstance(width, int) else len(str(width))), "indent")
        return indent(value, width, *args, **kwargs)

    @pass_eval_context
    def bounded_join(ctx: EvalContext, value: Any, d: Any = "", attribute: Any = None) -> Any:
        items = list(value)
        _limit(len(str(d)) * len(items), "join")
        return join(ctx, items, d, attribute)

    @pass_eval_context
    def bounded_replace(ctx: EvalContext, s: Any, old: Any, new: Any, count: Any = None) -> Any:
        text, old, new = str(s), str(old), str(new)
        times = text.count(old) if old else len(text) + 1
        if count is not None:
            times = min(times, count)
        _limit(len(text) + times * (len(new) - len(old)), "replacement")
        return replace(ctx, s, old, new, count)

    def bounded_slice(value: Any, slices: int, fill_with: Any = None) -> Any:
        _limit(slices, "slices")
        return slice_(value, slices, fill_with)

    def bounded_format(value: Any, *args: Any, **kwargs: Any) -> Any:
        _narrow(str(value))
        return fmt(value, *args, **kwargs)

    return {
        "center": bounded_center,
        "indent": bounded_indent,
        "join": bounded_join,
        "replace": bounded_replace,
        "slice": bounded_slice,
        "format": bounded_format,
    }
