"""The lifecycle as a mermaid state diagram, drawn from the one machine definition."""

from transitions.extensions import GraphMachine

from states.machine import MACHINE_OPTIONS
from states.vocabulary import TERMINAL_STATES, InspectionState


class _Drawing:
    state: str


def mermaid(current: InspectionState | None = None) -> str:
    """Mermaid ``stateDiagram-v2`` source; ``current`` is highlighted when given."""
    model = _Drawing()
    GraphMachine(
        model=model,
        initial=(current or InspectionState.DECIDED).value,
        graph_engine="mermaid",
        show_conditions=True,
        title="Inspection lifecycle",
        **MACHINE_OPTIONS,
    )
    source: str = model.get_graph().draw(None)  # type: ignore[attr-defined]
    if current is None:  # a neutral drawing: no state marked active
        source = source.replace(
            f"Class {InspectionState.DECIDED.value} s_active",
            f"Class {InspectionState.DECIDED.value} s_default",
        )
    # transitions writes a bare title and capitalised "Class"; mermaid wants these forms.
    source = source.replace(
        "---\nInspection lifecycle\n---", "---\ntitle: Inspection lifecycle\n---"
    )
    source = source.replace("\n  Class ", "\n  class ")
    finals = "".join(f"  {s.value} --> [*]\n" for s in sorted(TERMINAL_STATES))
    return source.rstrip() + "\n" + finals
