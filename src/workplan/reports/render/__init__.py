"""One renderer per format, each writing a :class:`~workplan.reports.document.Doc` to bytes."""

from __future__ import annotations

from collections.abc import Callable

from workplan.reports.document import Doc


def renderer(fmt: str) -> Callable[[Doc], bytes]:
    """The function that writes ``fmt`` ('docx', 'xlsx', 'pdf', 'html')."""
    if fmt == "docx":
        from workplan.reports.render.docx import render_docx

        return render_docx
    if fmt == "xlsx":
        from workplan.reports.render.xlsx import render_xlsx

        return render_xlsx
    if fmt == "pdf":
        from workplan.reports.render.pdf import render_pdf

        return render_pdf
    if fmt == "html":
        from workplan.reports.render.html import render_html

        return render_html
    raise ValueError(f"no renderer for {fmt!r}")
