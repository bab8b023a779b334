"""Answers that are files (spreadsheets, CSV, charts), documented as such in OpenAPI."""

from typing import Any

from fastapi import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
SVG = "image/svg+xml"
# An SVG opened on its own is a document that could run script. The charts are plain
# shapes and texts with presentation attributes: no script, style sheet, font, image or
# link of their own, so they need nothing at all from the policy.
SVG_POLICY = "default-src 'none'"


def attachment(content: bytes | str, media_type: str, name: str) -> Response:
    """A download with its file name."""
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def svg(content: str) -> Response:
    """A chart, under a policy that forbids everything an SVG could load or run."""
    return Response(content, media_type=SVG, headers={"Content-Security-Policy": SVG_POLICY})


def file_response(media_type: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI entry of a 200 that is a file of ``media_type``."""
    return {200: {"content": {media_type: {}}, "description": "a file"}}
