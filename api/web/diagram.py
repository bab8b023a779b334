"""The lifecycle drawn as SVG from the machine's own transitions (``states.machine``), the
inspection's current state marked: an arc diagram, states top to bottom in procedure order,
forward steps on the right, steps back on the left. Suspension and termination, possible
from most states, are one note instead of two dozen arcs."""

from functools import cache
from xml.sax.saxutils import escape

from api.web.labels import label_of
from states.machine import TRANSITIONS
from states.vocabulary import InspectionState, Trigger

ORDER = [
    InspectionState.DECIDED,
    InspectionState.TEAM_FORMED,
    InspectionState.NOTIFIED,
    InspectionState.ON_SITE,
    InspectionState.VISITED,
    InspectionState.FINDINGS_REPORTED,
    InspectionState.REMEDIATION_REQUESTED,
    InspectionState.DISPUTED,
    InspectionState.REMEDIATING,
    InspectionState.REMEDIATION_REPORTED,
    InspectionState.REINSPECTING,
    InspectionState.CLOSED,
]
SIDE = {Trigger.SUSPEND.value, Trigger.CANCEL.value, Trigger.RESUME.value, Trigger.VOID.value}
ROW, BOX_W, BOX_H, LEFT = 44, 260, 30, 150


def _edges() -> list[tuple[int, int, str]]:
    index = {s.value: i for i, s in enumerate(ORDER)}
    seen: set[tuple[int, int]] = set()
    found = []
    for t in TRANSITIONS:
        if t["dest"] is None or t["trigger"] in SIDE:
            continue
        a, b = index.get(t["source"]), index.get(t["dest"])
        if a is None or b is None or (a, b) in seen:
            continue
        seen.add((a, b))
        found.append((a, b, t["trigger"]))
    return found


@cache
def svg(current: InspectionState, language: str) -> str:
    edges = _edges()
    height = ROW * len(ORDER) + 60
    width = LEFT + BOX_W + 170
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="Liberation Sans, Arial, sans-serif" '
        'font-size="13">',
        '<defs><marker id="a" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#4f5b67"/></marker></defs>',
    ]
    centre = [20 + i * ROW + BOX_H / 2 for i in range(len(ORDER))]
    for a, b, trigger in edges:
        y1, y2 = centre[a], centre[b]
        title = escape(label_of(trigger, language))
        if b == a + 1:
            x = LEFT + BOX_W / 2
            parts.append(
                f'<line x1="{x}" y1="{y1 + BOX_H / 2}" x2="{x}" y2="{y2 - BOX_H / 2}" '
                f'stroke="#4f5b67" marker-end="url(#a)"><title>{title}</title></line>'
            )
            continue
        forward = b > a
        span = abs(b - a)
        x = LEFT + BOX_W if forward else LEFT
        bulge = 18 + 14 * span
        cx = x + bulge if forward else x - bulge
        parts.append(
            f'<path d="M{x},{y1} C{cx},{y1} {cx},{y2} {x},{y2}" fill="none" '
            f'stroke="{"#4f5b67" if forward else "#a4161a"}" marker-end="url(#a)">'
            f"<title>{title}</title></path>"
        )
    for i, state in enumerate(ORDER):
        y = 20 + i * ROW
        on = state is current
        fill, ink = ("#0b5cab", "#fff") if on else ("#fff", "#1b2430")
        parts.append(
            f'<rect x="{LEFT}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{fill}" '
            f'stroke="#0b5cab" stroke-width="{2 if on else 1}"/>'
            f'<text x="{LEFT + BOX_W / 2}" y="{y + 20}" text-anchor="middle" fill="{ink}"'
            f"{' font-weight=' + chr(34) + 'bold' + chr(34) if on else ''}>"
            f"{escape(label_of(state, language))}</text>"
        )
    note = (
        "Suspension and termination are possible before the end"
        if language == "en"
        else "Có thể tạm dừng hoặc đình chỉ trước khi kết thúc"
    )
    marked = current if current in ORDER else None
    extra = "" if marked else f" — {escape(label_of(current, language))}"
    parts.append(
        f'<text x="{LEFT + BOX_W / 2}" y="{height - 16}" text-anchor="middle" '
        f'fill="#4f5b67">{escape(note)}{extra}</text></svg>'
    )
    return "".join(parts)
