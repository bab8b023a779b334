"""``make screenshots``: the main pages with the demo data, as PNGs in docs/screenshots/.

    python -m testkit.screenshots [--out docs/screenshots] [--keep]

Starts a whole stack (``kiemtra up``: dev server, worker, API, demo data) in a temporary
directory on free ports, waits until the demo data is loaded, finds the inspections to show
through the JSON API (one on site, one whose unit must remediate, a plan), signs in as the
person each page is for in Debian's chromium and writes one PNG per page, at 1366 px wide
and the work page at 360 px too. The stack is stopped afterwards, also after a failure.
A page that does not answer 200 is named with its status, the others are still taken, and
the command fails.
"""

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Browser, async_playwright

from documents.pdf import pdf_unavailable
from testkit.browser import Watch, launch, sign_in
from worker.demo_data import DEMO_ACCOUNTS, DEMO_PASSWORD
from worker.devserver import pick_port

KIEMTRA = str(Path(sys.executable).with_name("kiemtra"))
OUT = Path(__file__).parents[1] / "docs" / "screenshots"
SEED_TIMEOUT = 300.0  # seconds: the demo drives a dozen inspections through their workflows
WIDE, PHONE = 1366, 360


class ScreenshotError(RuntimeError):
    """What went wrong, in a sentence for the terminal."""


@dataclass(frozen=True)
class Shot:
    """One PNG: whose page, where, at which width."""

    file: str
    who: str
    path: str
    width: int = WIDE


@contextlib.contextmanager
def demo_stack(root: Path) -> Iterator[str]:
    """``kiemtra up`` with the demo data in ``root``; yields the base URL once seeded."""
    api_port = pick_port()
    temporal_port = pick_port()
    while temporal_port == api_port:
        temporal_port = pick_port()
    log = root / "kiemtra-up.log"
    env = dict(os.environ)
    # Several people sign in from 127.0.0.1 within a minute.
    env.update(KIEMTRA_SIGNIN_RATE_PER_MINUTE="1000", KIEMTRA_SIGNIN_BURST="1000")
    for name in ("TEMPORAL_ADDRESS", "KIEMTRA_DATABASE_URL", "KIEMTRA_DATA_DIR"):
        env.pop(name, None)
    with log.open("wb") as out:
        child = subprocess.Popen(
            [
                KIEMTRA,
                "up",
                "--data-dir",
                str(root / "data"),
                "--api-port",
                str(api_port),
                "--temporal-port",
                str(temporal_port),
                "--ui-port",
                "0",
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _await_demo(child, log)
        yield f"http://127.0.0.1:{api_port}"
    finally:
        _stop(child)


def _await_demo(child: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SEED_TIMEOUT
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if "demo data loaded" in text or "demo data already present" in text:
            return
        failed = ("could not be loaded", "seeding the demo data failed", "seeding was interrupted")
        if child.poll() is not None or any(f in text for f in failed):
            raise ScreenshotError(f"the demo stack failed:\n{_tail(text)}")
        time.sleep(0.5)
    raise ScreenshotError(
        f"the demo data was not loaded within {SEED_TIMEOUT:.0f} s:\n{_tail(log.read_text())}"
    )


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _stop(child: subprocess.Popen[bytes]) -> None:
    """SIGTERM (the stack stops its parts in order), SIGKILL if it does not within 60 s."""
    if child.poll() is not None:
        return
    child.send_signal(signal.SIGTERM)
    try:
        child.wait(timeout=60)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()


def _token(http: httpx.Client, username: str) -> dict[str, str]:
    r = http.post("/auth/token", data={"username": username, "password": DEMO_PASSWORD})
    if r.status_code != 200:
        raise ScreenshotError(f"{username} cannot sign in to the API: {r.status_code} {r.text}")
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _first(http: httpx.Client, who: dict[str, str], *states: str) -> dict[str, Any] | None:
    for state in states:
        rows = http.get("/inspections", params={"state": state}, headers=who).json()["data"]
        if rows:
            return dict(rows[0])
    return None


def plan_shots(base_url: str) -> list[Shot]:
    """The pages to photograph, with the demo's ids found through the JSON API."""
    usernames = {a.full_name: a.username for a in DEMO_ACCOUNTS}
    with httpx.Client(base_url=f"{base_url}/api/v1", timeout=60) as http:
        coordinator = _token(http, "coordinator")
        on_site = _first(http, coordinator, "on_site")
        if on_site is None:
            raise ScreenshotError("the demo has no inspection on site")
        detail = http.get(f"/inspections/{on_site['id']}", headers=coordinator).json()
        leader = next((m for m in detail["team"] if m["team_role"] == "team_leader"), None)
        if leader is None or leader["name"] not in usernames:
            raise ScreenshotError(f"no demo team leader on inspection {on_site['id']}")
        unit = _token(http, "unit_rep")
        remediation = _first(http, unit, "remediation_requested", "remediating", "disputed")
        if remediation is None:
            raise ScreenshotError("the unit representative has no inspection to remediate")
        plans = http.get("/plans", headers=coordinator).json()["data"]
        if not plans:
            raise ScreenshotError("the demo has no plan")
        # The coordinator's own view of a concluded inspection, not the unit's one.
        concluded = (
            _first(http, coordinator, "remediation_requested", "remediating", "closed") or on_site
        )
    return [
        Shot("work-coordinator.png", "coordinator", "/work"),
        Shot("work-coordinator-360.png", "coordinator", "/work", PHONE),
        Shot("inspection.png", "coordinator", f"/inspections/{concluded['id']}"),
        Shot(
            "visit-form.png",
            usernames[leader["name"]],
            f"/inspections/{on_site['id']}/actions/record_visit",
        ),
        Shot("unit-remediation.png", "unit_rep", f"/inspections/{remediation['id']}"),
        Shot("plan-coverage.png", "coordinator", f"/plans/{plans[0]['id']}"),
        Shot("report.png", "coordinator", "/reports"),
    ]


def render_decision(base_url: str, out: Path) -> list[str]:
    """The demo's first decision as its Word file prints (LibreOffice, then poppler): page
    one as ``decision.png``. Missing tools are a sentence, not a failure of the pages."""
    if shutil.which("pdftoppm") is None or pdf_unavailable() is not None:
        return ["decision.png: LibreOffice or poppler-utils is not installed"]
    with httpx.Client(base_url=f"{base_url}/api/v1", timeout=120) as http:
        coordinator = _token(http, "coordinator")
        closed = _first(http, coordinator, "closed")
        if closed is None:
            return ["decision.png: the demo has no closed inspection"]
        docs = http.get(f"/inspections/{closed['id']}/documents", headers=coordinator).json()
        decision = next((d for d in docs["data"] if d["kind"] == "decision"), None)
        if decision is None:
            return ["decision.png: the closed inspection has no decision"]
        pdf = http.get(decision["pdf"].removeprefix("/api/v1"), headers=coordinator)
    if pdf.status_code != 200:
        return [f"decision.png: the PDF answered {pdf.status_code}"]
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "decision.pdf"
        source.write_bytes(pdf.content)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(source),
                str(Path(tmp) / "decision"),
            ],
            check=True,
        )
        shutil.copy(Path(tmp) / "decision.png", out / "decision.png")
    print(f"{out / 'decision.png'}  ({decision['symbol']}, page 1)", flush=True)
    return []


async def take(base_url: str, shots: list[Shot], out: Path) -> list[str]:
    """Write every shot it can; the pages that did not answer 200, in a sentence each."""
    out.mkdir(parents=True, exist_ok=True)
    missing = []
    async with async_playwright() as p:
        browser = await launch(p)
        try:
            for shot in shots:
                try:
                    await _take(browser, base_url, shot, out)
                except ScreenshotError as exc:
                    missing.append(str(exc))
        finally:
            await browser.close()
    return missing


async def _take(browser: Browser, base_url: str, shot: Shot, out: Path) -> Path:
    watch = Watch()
    context, page = await sign_in(
        browser, base_url, shot.who, DEMO_PASSWORD, width=shot.width, height=800, watch=watch
    )
    try:
        response = await page.goto(shot.path, wait_until="networkidle")
        status = response.status if response is not None else 0
        if status != 200:
            raise ScreenshotError(f"{shot.path} as {shot.who} answered {status}: no {shot.file}")
        target = out / shot.file
        await page.screenshot(path=str(target), full_page=True)
        problems = watch.take()
        if problems:
            print(f"warning: {shot.path}: " + "; ".join(problems), file=sys.stderr)
        print(f"{target}  ({shot.who} {shot.path}, {shot.width} px)", flush=True)
        return target
    finally:
        await context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT, help="where the PNGs go")
    parser.add_argument("--keep", action="store_true", help="keep the stack's directory")
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="kiemtra-screenshots-"))
    try:
        print(f"starting a demo stack in {root} …", flush=True)
        with demo_stack(root) as base_url:
            shots = plan_shots(base_url)
            missing = asyncio.run(take(base_url, shots, args.out))
            missing += render_decision(base_url, args.out)
        if missing:
            raise ScreenshotError("pages missing:\n  " + "\n  ".join(missing))
    except ScreenshotError as exc:
        print(f"make screenshots: {exc}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
