"""Official documents: how long a Word file takes to render, and a PDF to convert.

    python -m bench.documents [--samples 200] [--no-pdf]

Renders the sample conclusion notice with 20 findings (``documents.sample_context``) with
its default template, ``samples`` times after five unmeasured renderings (the first one
builds the template and compiles its XML; that cold rendering is reported on its own);
target p95 ≤ 200 ms. When LibreOffice is installed, one PDF conversion of that notice, as
``documents.pdf.to_pdf`` runs it (a fresh profile each time, so every conversion starts
LibreOffice cold). The figures are printed; ``--record`` also records them in
``bench/results/latest.json``.
"""

import argparse
import time
from typing import Any

from documents.context import sample_context
from documents.kinds import DocumentKind
from documents.pdf import pdf_unavailable, to_pdf
from documents.render import render_docx
from testkit.common import figure, percentiles, publish, show

FINDINGS = 20


def run(samples: int = 200, pdf: bool = True) -> dict[str, Any]:
    ctx = sample_context(DocumentKind.conclusion, findings=FINDINGS)
    started = time.perf_counter()
    docx = render_docx(ctx)
    cold = (time.perf_counter() - started) * 1000
    for _ in range(4):
        render_docx(ctx)
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        render_docx(ctx)
        times.append((time.perf_counter() - started) * 1000)
    figures: dict[str, Any] = {
        "render_docx": percentiles(times),
        "render_docx_cold": figure(cold, "ms"),
        "docx_bytes": figure(len(docx), "B"),
    }
    reason = pdf_unavailable() if pdf else "not asked for"
    if reason is None:
        started = time.perf_counter()
        converted = to_pdf(docx)
        figures["to_pdf"] = figure(time.perf_counter() - started, "s")
        figures["pdf_bytes"] = figure(len(converted), "B")
    return {
        "name": "documents",
        "parameters": {
            "document": "conclusion",
            "findings": FINDINGS,
            "samples": samples,
            "pdf": reason or "soffice",
        },
        "figures": figures,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=200, help="timed renderings (200)")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF conversion")
    parser.add_argument(
        "--record", action="store_true", help="also record the figures in results/latest.json"
    )
    args = parser.parse_args(argv)
    result = run(args.samples, pdf=not args.no_pdf)
    if args.record:
        publish([result])
    else:
        show(result)


if __name__ == "__main__":
    main()
