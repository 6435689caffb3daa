"""Word .docx plans, read straight from the package XML with lxml.

Why not python-docx objects: they are several times slower on a 200-page plan, and they do
not give what the plan parser needs most, the automatic numbering labels ("一、", "（一）")
that Word draws but does not store in the text. So this reader opens the zip itself (with
zip-bomb limits checked from the zip directory before anything is decompressed), parses
``word/document.xml`` in one lxml pass, and recomputes numbering from ``numbering.xml`` and
the paragraph styles in ``styles.xml``.

What is read: body paragraphs and tables in order, including the text of hyperlinks, smart
tags, content controls, fields' shown results and tracked insertions. What is skipped:
headers, footers, footnotes, comments, tracked deletions, hidden text and text boxes (text
boxes are drawn shapes whose place in the reading order is unknown).

Tables: each row is one ``table_row`` block, its cells' texts joined by ``" | "`` (a cell's
paragraphs joined by a space). The first row is the header (``is_table_header``), and each
later cell carries the header text of its column. A horizontally merged cell (``gridSpan``)
is one cell covering several columns; the continuation of a vertically merged cell
(``vMerge``) is an empty cell, because the text is shown once, in the first row of the
merge. A row whose cells all repeat one text (a part title across the table) becomes one
cell. A table whose rows have one cell each is page layout (a frame around the text), so
its content is read as ordinary paragraphs.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree  # type: ignore[import-untyped]

from workplan.parsing.document import Document
from workplan.parsing.readers._common import (
    DocumentBuilder,
    is_cjk,
    one_line,
)
from workplan.parsing.readers.numbering import Level, ListDefinition, NumberingState
from workplan.parsing.readers.package import Package

_W_TRANSITIONAL = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)
_HEADING_ID = re.compile(r"^(?:heading)?([1-9])$", re.IGNORECASE)
_FALSE_VALUES = frozenset(("0", "false", "off", "none"))


class _Tags:
    """Clark-notation tag names for one WordprocessingML namespace (transitional or strict)."""

    def __init__(self, ns: str) -> None:
        def w(local: str) -> str:
            return f"{{{ns}}}{local}"

        self.val = w("val")
        self.body = w("body")
        self.p, self.r, self.t = w("p"), w("r"), w("t")
        self.tab, self.ptab, self.br, self.cr = w("tab"), w("ptab"), w("br"), w("cr")
        self.no_break_hyphen = w("noBreakHyphen")
        self.ppr, self.rpr, self.pstyle = w("pPr"), w("rPr"), w("pStyle")
        self.numpr, self.ilvl, self.num_id = w("numPr"), w("ilvl"), w("numId")
        self.outline_lvl = w("outlineLvl")
        self.tbl, self.tbl_grid, self.grid_col = w("tbl"), w("tblGrid"), w("gridCol")
        self.tr, self.tc, self.trpr, self.tcpr = w("tr"), w("tc"), w("trPr"), w("tcPr")
        self.grid_span, self.vmerge, self.hmerge = w("gridSpan"), w("vMerge"), w("hMerge")
        self.grid_before, self.tbl_header = w("gridBefore"), w("tblHeader")
        self.sdt, self.sdt_content, self.custom_xml = w("sdt"), w("sdtContent"), w("customXml")
        self.ins, self.move_to, self.smart_tag = w("ins"), w("moveTo"), w("smartTag")
        self.deleted, self.move_from = w("del"), w("moveFrom")
        self.txbx_content, self.vanish = w("txbxContent"), w("vanish")
        self.drawing, self.pict, self.obj = w("drawing"), w("pict"), w("object")
        self.alternate_content = f"{{{_MC}}}AlternateContent"
        # styles.xml / numbering.xml
        self.style, self.style_id, self.style_type = w("style"), w("styleId"), w("type")
        self.name, self.based_on, self.default = w("name"), w("basedOn"), w("default")
        self.abstract_num, self.abstract_num_id = w("abstractNum"), w("abstractNumId")
        self.num, self.lvl, self.lvl_override = w("num"), w("lvl"), w("lvlOverride")
        self.start, self.start_override, self.num_fmt = w("start"), w("startOverride"), w("numFmt")
        self.lvl_text, self.lvl_restart, self.is_lgl = w("lvlText"), w("lvlRestart"), w("isLgl")
        self.suff, self.num_style_link, self.style_link = w("suff"), w("numStyleLink"), w("styleLink")
        # Run-level elements after which the fast text path must give way to the careful one.
        self.needs_care = frozenset(
            (self.txbx_content, self.vanish, self.deleted, self.move_from, self.alternate_content)
        )
        # Block-level wrappers whose children are read as if they were in the parent.
        self.block_wrappers = frozenset((self.custom_xml, self.ins, self.move_to, self.smart_tag))
        # Inline elements whose content is never shown as text.
        self.skipped_inline = frozenset(
            (
                self.ppr,
                self.deleted,
                self.move_from,
                self.txbx_content,
                self.drawing,
                self.pict,
                self.obj,
                self.alternate_content,
            )
        )


@dataclass(frozen=True, slots=True)
class _Style:
    """A paragraph style with what it contributes after following ``basedOn``."""

    heading_level: int | None = None
    num_id: str | None = None
    ilvl: int | None = None


_NO_STYLE = _Style()  # frozen: one shared default instead of one per paragraph


def _int(value: str | None, default: int | None = None) -> int | None:
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        return default


class _DocxReader:
    """Reads one .docx package; one instance per file."""

    def __init__(self, data: bytes, name: str) -> None:
        self.name = name
        self.package = Package(data, name)
        self.builder = DocumentBuilder()
        self.numbering = NumberingState()
        self.styles: dict[str, _Style] = {}
        self.default_style: str | None = None
        self.tags = _Tags(_W_TRANSITIONAL)

    # -- reading -------------------------------------------------------------------------

    def read(self) -> Document:
        package = self.package.relationships("_rels/.rels")
        main = package.get("officeDocument", "word/document.xml")
        root = self.package.parse_part(main, required=True)
        if root is None:  # pragma: no cover - required=True raises instead
            raise self.package.missing_document()
        namespace = etree.QName(root).namespace
        if namespace not in (_W_TRANSITIONAL, _W_STRICT):
            raise self.package.missing_document()
        self.tags = _Tags(namespace)
        rels_part = posixpath.join(posixpath.dirname(main), "_rels", posixpath.basename(main) + ".rels")
        related = self.package.relationships(rels_part)
        word_dir = posixpath.dirname(main)
        self._load_styles(related.get("styles", posixpath.join(word_dir, "styles.xml")))
        self._load_numbering(related.get("numbering", posixpath.join(word_dir, "numbering.xml")))
        body = root.find(self.tags.body)
        if body is not None:
            self._blocks(body)
        title = self._title(package.get("core-properties", "docProps/core.xml"))
        return self.builder.build(source_format="docx", title_hint=title)

    def _title(self, part: str) -> str | None:
        root = self.package.parse_part(part)
        if root is None:
            return None
        element = root.find(_DC_TITLE)
        title = (element.text or "").strip() if element is not None else ""
        return " ".join(title.split()) or None

    # -- styles and numbering ------------------------------------------------------------

    def _load_styles(self, part: str) -> None:
        root = self.package.parse_part(part)
        if root is None:
            return
        tags = self.tags
        raw: dict[str, tuple[str | None, int | None, str | None, int | None, str | None]] = {}
        for style in root.iter(tags.style):
            if style.get(tags.style_type, "paragraph") != "paragraph":
                continue
            style_id = style.get(tags.style_id)
            if not style_id:
                continue
            if style.get(tags.default) in ("1", "true", "on"):
                self.default_style = style_id
            name_el = style.find(tags.name)
            name = (name_el.get(tags.val) or "").strip() if name_el is not None else ""
            match = _HEADING_NAME.match(name) or (None if name else _HEADING_ID.match(style_id))
            heading = int(match.group(1)) if match else None
            based_on_el = style.find(tags.based_on)
            based_on = based_on_el.get(tags.val) if based_on_el is not None else None
            ppr = style.find(tags.ppr)
            num_id: str | None = None
            ilvl: int | None = None
            if ppr is not None:
                outline = ppr.find(tags.outline_lvl)
                if heading is None and outline is not None:
                    level = _int(outline.get(tags.val))
                    heading = level + 1 if level is not None and 0 <= level < 9 else None
                numpr = ppr.find(tags.numpr)
                if numpr is not None:
                    num_el, ilvl_el = numpr.find(tags.num_id), numpr.find(tags.ilvl)
                    num_id = num_el.get(tags.val) if num_el is not None else None
                    ilvl = _int(ilvl_el.get(tags.val)) if ilvl_el is not None else None
            raw[style_id] = (based_on, heading, num_id, ilvl, name)

        def resolve(style_id: str, seen: frozenset[str]) -> _Style:
            if style_id in self.styles:
                return self.styles[style_id]
            based_on, heading, num_id, ilvl, _name = raw[style_id]
            if based_on in raw and based_on not in seen:
                parent = resolve(based_on, seen | {style_id})
                # A heading's level is not inherited by styles merely based on it.
                num_id = num_id if num_id is not None else parent.num_id
                ilvl = ilvl if ilvl is not None else parent.ilvl
            resolved = _Style(heading, num_id, ilvl)
            self.styles[style_id] = resolved
            return resolved

        for style_id in raw:
            resolve(style_id, frozenset())

    def _load_numbering(self, part: str) -> None:
        root = self.package.parse_part(part)
        if root is None:
            return
        tags = self.tags
        abstracts: dict[str, dict[int, Level]] = {}
        style_links: dict[str, str] = {}  # abstractNumId -> numStyleLink style
        link_owners: dict[str, str] = {}  # style id -> abstractNumId that defines it (styleLink)
        for abstract in root.iter(tags.abstract_num):
            abstract_id = abstract.get(tags.abstract_num_id)
            if abstract_id is None:
                continue
            abstracts[abstract_id] = {
                ilvl: level
                for ilvl, level in (self._level(lvl) for lvl in abstract.iter(tags.lvl))
                if ilvl is not None
            }
            link = abstract.find(tags.num_style_link)
            if link is not None and link.get(tags.val):
                style_links[abstract_id] = link.get(tags.val)
            owner = abstract.find(tags.style_link)
            if owner is not None and owner.get(tags.val):
                link_owners[owner.get(tags.val)] = abstract_id
        nums: dict[str, str] = {}
        for num in root.iter(tags.num):
            num_id, abstract_el = num.get(tags.num_id), num.find(tags.abstract_num_id)
            if num_id is not None and abstract_el is not None and abstract_el.get(tags.val) is not None:
                nums[num_id] = abstract_el.get(tags.val)
        for num in root.iter(tags.num):
            num_id = num.get(tags.num_id)
            if num_id is None or num_id not in nums:
                continue
            abstract_id = nums[num_id]
            # numStyleLink: the list's levels live in the abstract that the style points at.
            for _ in range(3):
                if abstract_id not in style_links:
                    break
                style = style_links[abstract_id]
                linked = link_owners.get(style)
                if linked is None:
                    style_num = self.styles.get(style, _NO_STYLE).num_id
                    linked = nums.get(style_num) if style_num else None
                if linked is None or linked == abstract_id:
                    break
                abstract_id = linked
            levels = dict(abstracts.get(abstract_id, {}))
            has_start_override = False
            for override in num.iter(tags.lvl_override):
                ilvl = _int(override.get(tags.ilvl))
                if ilvl is None:
                    continue
                lvl = override.find(tags.lvl)
                if lvl is not None:
                    _, level = self._level(lvl)
                    levels[ilvl] = level
                start = override.find(tags.start_override)
                start_value = _int(start.get(tags.val)) if start is not None else None
                if start_value is not None:
                    base = levels.get(ilvl, Level())
                    levels[ilvl] = Level(
                        start_value,
                        base.num_fmt,
                        base.lvl_text,
                        base.restart_after,
                        base.is_legal,
                        base.p_style,
                        base.suffix,
                    )
                    has_start_override = True
            self.numbering.definitions[num_id] = ListDefinition(abstract_id, levels, has_start_override)

    def _level(self, lvl: etree._Element) -> tuple[int | None, Level]:
        tags = self.tags

        def child_val(tag: str) -> str | None:
            element = lvl.find(tag)
            return element.get(tags.val) if element is not None else None

        restart = _int(child_val(tags.lvl_restart))
        is_lgl_el = lvl.find(tags.is_lgl)
        is_legal = is_lgl_el is not None and is_lgl_el.get(tags.val, "1") not in _FALSE_VALUES
        level = Level(
            start=_int(child_val(tags.start), 1) or 0,
            num_fmt=child_val(tags.num_fmt) or "decimal",
            lvl_text=child_val(tags.lvl_text),
            restart_after=restart,
            is_legal=is_legal,
            p_style=child_val(tags.pstyle),
            suffix=child_val(tags.suff) or "tab",
        )
        return _int(lvl.get(tags.ilvl)), level

    # -- body ----------------------------------------------------------------------------

    def _blocks(self, parent: etree._Element) -> None:
        tags = self.tags
        for child in parent:
            tag = child.tag
            if tag == tags.p:
                text, numbering_level, heading_level = self._paragraph(child)
                self.builder.add_paragraph(text, numbering_level=numbering_level, heading_level=heading_level)
            elif tag == tags.tbl:
                self._table(child)
            elif tag == tags.sdt:
                content = child.find(tags.sdt_content)
                if content is not None:
                    self._blocks(content)
            elif tag in tags.block_wrappers:
                self._blocks(child)

    def _paragraph(self, p: etree._Element) -> tuple[str, int | None, int | None]:
        """A paragraph's shown text (with its list label), list level and heading level."""
        tags = self.tags
        style_id: str | None = None
        num_id: str | None = None
        ilvl: int | None = None
        heading: int | None = None
        ppr = p.find(tags.ppr)
        if ppr is not None:
            pstyle = ppr.find(tags.pstyle)
            style_id = pstyle.get(tags.val) if pstyle is not None else None
            numpr = ppr.find(tags.numpr)
            if numpr is not None:
                num_el, ilvl_el = numpr.find(tags.num_id), numpr.find(tags.ilvl)
                num_id = num_el.get(tags.val) if num_el is not None else None
                ilvl = _int(ilvl_el.get(tags.val)) if ilvl_el is not None else None
            outline = ppr.find(tags.outline_lvl)
            if outline is not None:
                level = _int(outline.get(tags.val))
                heading = level + 1 if level is not None and 0 <= level < 9 else None
        style_key = style_id or self.default_style
        style = self.styles.get(style_key, _NO_STYLE) if style_key else _NO_STYLE
        if heading is None:
            heading = style.heading_level
        text = self._text(p)
        if num_id is None and style.num_id is not None:
            num_id = style.num_id
            if ilvl is None:
                ilvl = style.ilvl
            if ilvl is None and style_key:
                ilvl = self.numbering.level_for_style(num_id, style_key)
        if not num_id or num_id == "0":
            return text, None, heading
        level = ilvl or 0
        label = self.numbering.next_label(num_id, level)
        if label is None:
            return text, None, heading
        prefix, suffix = label
        text = text.strip()
        if not text:
            return "", None, heading  # Word shows a bare "3." here; it counts but carries nothing
        if prefix:
            separate = suffix != "nothing" and prefix[-1].isascii() and not (text and is_cjk(text[0]))
            text = prefix + (" " if separate else "") + text
        return text, level, heading

    def _text(self, p: etree._Element) -> str:
        """The shown text of a paragraph; the usual case takes one C-level pass over it."""
        tags = self.tags
        parts: list[str] = []
        append = parts.append
        t, tab, needs_care = tags.t, tags.tab, tags.needs_care
        for element in p.iter(t, tab, tags.br, tags.cr, tags.no_break_hyphen, tags.ptab, *needs_care):
            tag = element.tag
            if tag == t:
                append(element.text or "")
            elif tag == tab:
                if element.getparent().tag == tags.r:  # not a tab stop in the paragraph properties
                    append("\t")
            elif tag in needs_care:
                parts = []
                self._careful_text(p, parts)
                return "".join(parts)
            elif tag == tags.no_break_hyphen:
                append("-")
            elif tag == tags.ptab:
                append("\t")
            else:
                append(" ")
        return "".join(parts)

    def _careful_text(self, element: etree._Element, parts: list[str]) -> None:
        """Walk runs one by one, leaving out deletions, hidden runs and text boxes."""
        tags = self.tags
        for child in element:
            tag = child.tag
            if tag == tags.t:
                parts.append(child.text or "")
            elif tag in (tags.tab, tags.ptab):
                parts.append("\t")
            elif tag in (tags.br, tags.cr):
                parts.append(" ")
            elif tag == tags.no_break_hyphen:
                parts.append("-")
            elif tag in tags.skipped_inline or tag == tags.rpr:
                continue  # properties, deletions, drawings, text boxes
            elif tag == tags.r and self._hidden(child):
                continue
            elif tag in (tags.p, tags.tbl):
                continue  # block content can only sit inside a run within a text box
            else:
                self._careful_text(child, parts)

    def _hidden(self, run: etree._Element) -> bool:
        rpr = run.find(self.tags.rpr)
        if rpr is None:
            return False
        vanish = rpr.find(self.tags.vanish)
        return vanish is not None and vanish.get(self.tags.val, "1") not in _FALSE_VALUES

    # -- tables --------------------------------------------------------------------------

    def _children(self, parent: etree._Element, tag: str) -> Iterator[etree._Element]:
        """Children with ``tag``, looking through content controls and custom XML wrappers."""
        tags = self.tags
        for child in parent:
            if child.tag == tag:
                yield child
            elif child.tag == tags.sdt:
                content = child.find(tags.sdt_content)
                if content is not None:
                    yield from self._children(content, tag)
            elif child.tag in tags.block_wrappers:
                yield from self._children(child, tag)

    def _table(self, tbl: etree._Element) -> None:
        tags = self.tags
        rows = list(self._children(tbl, tags.tr))
        row_cells = [list(self._children(tr, tags.tc)) for tr in rows]
        if all(len(cells) <= 1 for cells in row_cells):
            for cells in row_cells:  # a frame drawn around ordinary paragraphs
                for tc in cells:
                    self._blocks(tc)
            return
        grid = tbl.find(tags.tbl_grid)
        column_count = len(grid.findall(tags.grid_col)) if grid is not None else 0
        laid_out: list[tuple[list[tuple[int, int, str]], bool]] = []
        for index, (tr, cells) in enumerate(zip(rows, row_cells, strict=True)):
            trpr = tr.find(tags.trpr)
            column = 0
            is_header = index == 0
            if trpr is not None:
                before = trpr.find(tags.grid_before)
                column = max(0, _int(before.get(tags.val) if before is not None else None, 0) or 0)
                repeat = trpr.find(tags.tbl_header)
                if (
                    index
                    and repeat is not None
                    and repeat.get(tags.val, "1") not in _FALSE_VALUES
                    and laid_out[-1][1]
                ):
                    is_header = True
            placed: list[tuple[int, int, str]] = []
            for tc in cells:
                span, vertical_continue, horizontal_continue = self._cell_merge(tc)
                text = self._cell_text(tc)
                if horizontal_continue and placed:
                    start, previous_span, previous_text = placed[-1]
                    placed[-1] = (start, previous_span + span, previous_text)
                else:
                    placed.append((column, span, "" if vertical_continue else text))
                column += span
            column_count = max(column_count, column)
            laid_out.append((placed, is_header))
        headers: list[list[str]] = [[] for _ in range(column_count)]
        for placed, is_header in laid_out:
            if not is_header:
                break
            for start, span, text in placed:
                text = one_line(text)
                for column in range(start, min(start + span, column_count)):
                    if text and (not headers[column] or headers[column][-1] != text):
                        headers[column].append(text)
        column_headers = [" ".join(parts) or None for parts in headers]
        for placed, is_header in laid_out:
            texts = [text for _, _, text in placed]
            if len(texts) > 1 and texts[0] and all(one_line(text) == one_line(texts[0]) for text in texts):
                placed = [(placed[0][0], column_count, texts[0])]
                texts = texts[:1]
            if is_header:
                self.builder.add_row(texts, is_header=True)
                continue
            cell_headers = [
                None
                if span >= column_count > 1
                else (column_headers[start] if start < column_count else None)
                for start, span, _ in placed
            ]
            self.builder.add_row(texts, cell_headers)

    def _cell_merge(self, tc: etree._Element) -> tuple[int, bool, bool]:
        """(grid span, continues a vertical merge, continues a legacy horizontal merge)."""
        tags = self.tags
        tcpr = tc.find(tags.tcpr)
        if tcpr is None:
            return 1, False, False
        span_el = tcpr.find(tags.grid_span)
        span = max(1, _int(span_el.get(tags.val) if span_el is not None else None, 1) or 1)
        vmerge = tcpr.find(tags.vmerge)
        hmerge = tcpr.find(tags.hmerge)
        vertical_continue = vmerge is not None and vmerge.get(tags.val, "continue") == "continue"
        horizontal_continue = hmerge is not None and hmerge.get(tags.val, "continue") == "continue"
        return span, vertical_continue, horizontal_continue

    def _cell_text(self, container: etree._Element) -> str:
        """A cell's paragraphs (and nested tables), one a line: the document builder makes one
        line of them, joined by spaces, and remembers where the lines broke."""
        tags = self.tags
        pieces: list[str] = []
        for child in container:
            tag = child.tag
            if tag == tags.p:
                text = self._paragraph(child)[0].strip()
                if text:
                    pieces.append(text)
            elif tag == tags.tbl:
                for tr in self._children(child, tags.tr):
                    for tc in self._children(tr, tags.tc):
                        text = self._cell_text(tc)
                        if text:
                            pieces.append(text)
            elif tag == tags.sdt:
                content = child.find(tags.sdt_content)
                if content is not None:
                    text = self._cell_text(content)
                    if text:
                        pieces.append(text)
            elif tag in tags.block_wrappers:
                text = self._cell_text(child)
                if text:
                    pieces.append(text)
        return "\n".join(pieces)


def read_docx(data: bytes, name: str) -> Document:
    """Read a .docx file's bytes into a Document (see the module docstring for the rules)."""
    reader = _DocxReader(data, name)
    try:
        return reader.read()
    finally:
        reader.package.close()
