"""HTML: the document as a page, each figure linked to the list of its rows, each row to its item."""

from __future__ import annotations

import base64

from django.template.loader import render_to_string
from django.urls import reverse

from workplan.reports.document import Chart, Doc, FigureList, Heading, Para, Table
from workplan.reports.render.charts import chart_png


def render_html(doc: Doc) -> bytes:
    """``doc`` as a standalone HTML page (escaped by the template; links to the site's items)."""
    item_url = reverse("web:item_detail", args=[0]).removesuffix("0/")
    blocks = []
    for block in doc.blocks:
        if isinstance(block, Heading):
            blocks.append({"type": "heading", "level": min(block.level + 1, 6), "text": block.text})
        elif isinstance(block, Para):
            blocks.append({"type": "para", "style": block.style, "text": block.text})
        elif isinstance(block, FigureList):
            blocks.append({"type": "figures", "columns": block.columns, "figures": block.figures})
        elif isinstance(block, Chart):
            png, _size = chart_png(block)
            alt = "; ".join(
                f"{label} {round(value)}%" for label, value in zip(block.labels, block.values, strict=True)
            )
            blocks.append(
                {
                    "type": "chart",
                    "src": "data:image/png;base64," + base64.b64encode(png).decode(),
                    "alt": f"{block.title}: {alt}",
                }
            )
        elif isinstance(block, Table):
            ids = block.item_ids or [None] * len(block.rows)
            blocks.append(
                {"type": "table", "columns": block.columns, "rows": list(zip(block.rows, ids, strict=True))}
            )
    context = {"doc": doc, "blocks": blocks, "item_url": item_url}
    return render_to_string("reports/document.html", context).encode("utf-8")
