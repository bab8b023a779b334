"""What every benchmark shares: percentiles, the machine, and the results file.

``bench/results/latest.json`` holds one object per benchmark (name, parameters, figures
with units); each run replaces the objects it measured and keeps the others, so the quick
and full commands can fill it piece by piece.
"""

import json
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parents[1] / "bench" / "results" / "latest.json"


def percentiles(samples_ms: Sequence[float]) -> dict[str, dict[str, float | str]]:
    """p50/p95/p99 and mean of latencies in milliseconds, as figures with their unit."""
    ordered = sorted(samples_ms)

    def at(q: float) -> float:
        if not ordered:
            return float("nan")
        index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
        return ordered[index]

    return {
        "p50": figure(at(0.50), "ms"),
        "p95": figure(at(0.95), "ms"),
        "p99": figure(at(0.99), "ms"),
        "mean": figure(statistics.fmean(ordered) if ordered else float("nan"), "ms"),
    }


def figure(value: float, unit: str) -> dict[str, float | str]:
    return {"value": round(value, 3), "unit": unit}


def machine() -> dict[str, Any]:
    """Enough to tell two machines apart when comparing figures."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f"{pages / 2**30:.1f} GiB"
    except (ValueError, OSError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "system": platform.platform(),
        "commit": _commit(),
    }


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            cwd=Path(__file__).parent,
        ).stdout.strip()
    except OSError:
        return ""


def record(results: Sequence[dict[str, Any]], path: Path = RESULTS) -> None:
    """Replace the named benchmarks in the results file and stamp it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    current: dict[str, Any] = {"benchmarks": []}
    if path.exists():
        current = json.loads(path.read_text())
    names = {r["name"] for r in results}
    kept = [b for b in current.get("benchmarks", []) if b.get("name") not in names]
    current["benchmarks"] = sorted([*kept, *results], key=lambda b: str(b["name"]))
    current["machine"] = machine()
    current["updated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    path.write_text(json.dumps(current, ensure_ascii=False, indent=2) + "\n")


def publish(results: Sequence[dict[str, Any]]) -> None:
    """Print each result (warning when the code changed under it), then record them all."""
    for result in results:
        show(result)
        if result["parameters"].get("code_changed_during_run"):
            print(
                f"warning: {result['name']}: application code changed during the run; "
                "its figures mix two versions",
                file=sys.stderr,
            )
    record(results)


def show(result: dict[str, Any]) -> None:
    """One benchmark's figures, one line each, for the terminal."""
    print(f"== {result['name']}  {json.dumps(result.get('parameters', {}), ensure_ascii=False)}")
    for key, value in _flat(result.get("figures", {})):
        print(f"   {key:<48} {value['value']:>12} {value['unit']}")


def _flat(figures: dict[str, Any], prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
    rows: list[tuple[str, dict[str, Any]]] = []
    for key, value in figures.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and "unit" in value:
            rows.append((name, value))
        elif isinstance(value, dict):
            rows.extend(_flat(value, f"{name}."))
    return rows
