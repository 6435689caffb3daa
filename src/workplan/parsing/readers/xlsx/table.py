"""One sheet's table laid out as a Word table is: header band, part rows, merged cells.

A two-level header (责任单位 over 牵头单位 | 配合单位) is read as one header band whose column
headers join the levels ("责任单位 牵头单位"), as the .docx reader does. Non-empty rows above
the header become paragraphs: the table's title. Columns that are empty in the whole table
are left out.

Merged cells: a row whose only text is a cell merged across two or more columns from the
table's first column is a part row ("一、支持企业稳定发展"): one cell with no header, as the
.docx reader gives. Any other horizontal merge is one cell covering several columns. A
vertical merge inside the table repeats its text in every row it covers (see
:meth:`SheetReader._merges` for why that differs from the .docx reader); a row whose every
cell is merged down from the row above is that row drawn taller, and is read once. Single-text rows
after the last table row that start like a note ("注：", "备注：", "填表人：") are paragraphs.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from workplan.parsing.errors import ParseError
from workplan.parsing.readers._common import DocumentBuilder, one_line
from workplan.parsing.readers.xlsx import limits
from workplan.parsing.readers.xlsx.grid import Grid, Merge
from workplan.parsing.readers.xlsx.headers import NOTE, header_key


class SheetReader:
    """Lays out one sheet's table into a DocumentBuilder."""

    def __init__(
        self, grid: Grid, name: str, header_row: int | None, known_header: bool, *, headerless: bool = False
    ) -> None:
        self.grid = grid
        self.name = name
        self.builder = DocumentBuilder()
        if header_row is None:  # one text per row: a list of paragraphs
            for row in grid.rows:
                self._paragraph(row)
            return
        # Without a header the table starts at ``header_row`` itself: a band of no rows above it.
        top, bottom = (
            (header_row, header_row - 1) if headerless else self._header_band(header_row, known_header)
        )
        self.top, self.bottom = top, bottom
        columns = sorted({column for (row, column) in grid.values if row >= top})
        if len(columns) > limits.MAX_XLSX_COLUMNS:
            raise ParseError(
                f'{name} has text in more than {limits.MAX_XLSX_COLUMNS} columns of sheet "{grid.title}"; a '
                "breakdown table has far fewer. Delete the columns that are not part of the plan and "
                "import again."
            )
        self.columns = columns
        self.covered = self._merges()
        for row in grid.rows:
            if row >= top:
                break
            self._paragraph(row)
        self._table()

    def _paragraph(self, row: int) -> None:
        self.builder.add_paragraph(" ".join(text for _, text in self.grid.by_row[row]))

    def _header_band(self, header_row: int, known_header: bool) -> tuple[int, int]:
        """The header row, with the rows of a two-level header above or below it."""
        grid = self.grid
        top = bottom = header_row
        for _ in range(3):
            changed = False
            for merge in grid.merges:
                if merge.top == merge.bottom or merge.bottom < top or merge.top > bottom:
                    continue
                # A header cell merged down over the sub-header row (序号 beside 牵头单位 | 配合单位).
                if merge.top < top and top - merge.top <= 2:
                    top, changed = merge.top, True
                if merge.bottom > bottom and merge.bottom - bottom <= 2:
                    bottom, changed = merge.bottom, True
            if known_header:
                # A neighbouring row of nothing but column names is a header level too; it
                # has two or more, or a short title ("重点任务清单") would pass for one.
                for row in (top - 1, bottom + 1):
                    cells = grid.by_row.get(row)
                    if cells and len(cells) >= 2 and all(header_key(text) for _, text in cells):
                        top, bottom, changed = min(top, row), max(bottom, row), True
            if not changed or bottom - top >= 3:
                break
        return top, bottom

    def _merges(self) -> dict[tuple[int, int], Merge]:
        """Which kept cells each merged range covers, from the header band down.

        Vertical merges repeat their text in every row they cover. The .docx reader leaves the
        continuation cells of a vertical merge empty, because in a Word document the merged
        cell is read once, with the row where it starts. In a breakdown table a unit (or a
        deadline, or a task with several measures) merged down over several rows means that it
        applies to every one of those rows, and each row becomes an item of its own; leaving
        the later rows empty would give those items no unit. A part row merged over two rows
        is the exception: it is one part heading, read once.
        """
        columns = self.columns
        covered: dict[tuple[int, int], Merge] = {}
        area = 0
        for merge in self.grid.merges:
            if merge.bottom < self.top:
                continue
            low = bisect_left(columns, merge.first)
            high = bisect_right(columns, merge.last)
            if low >= high:
                continue
            merge.first_kept, merge.span = low, high - low
            is_part = low == 0 and merge.span >= 2
            merge.repeats = merge.top > self.bottom and merge.bottom > merge.top and not is_part
            first_row = max(merge.top, self.top)
            rows = merge.bottom - first_row + 1
            if merge.repeats and rows > limits.MAX_XLSX_ROWS:
                raise limits.too_many_rows(self.name, self.grid.title)
            area += rows * merge.span
            if area > limits.MAX_XLSX_CELLS:
                raise ParseError(
                    f"{self.name} has merged cells covering more than {limits.MAX_XLSX_CELLS:,} cells in sheet "
                    f'"{self.grid.title}": unmerge them, save the table again, and import it.'
                )
            for row in range(first_row, merge.bottom + 1):
                for column in columns[low:high]:
                    covered[(row, column)] = merge
        return covered

    def _continues_row_above(self, row: int) -> bool:
        """True if the row's every shown cell is a vertical merge that began on a row above."""
        covered, values = self.covered, self.grid.values
        continued = False
        for column in self.columns:
            merge = covered.get((row, column))
            if merge is None:
                if (row, column) in values:
                    return False
            elif merge.top >= row or not merge.repeats:
                return False
            else:
                continued = True
        return continued

    def _layout(self, row: int) -> list[tuple[int, int, str]]:
        """The row's cells as (first kept column index, kept columns covered, text)."""
        columns, covered, values = self.columns, self.covered, self.grid.values
        cells: list[tuple[int, int, str]] = []
        index = 0
        while index < len(columns):
            column = columns[index]
            merge = covered.get((row, column))
            if merge is None:
                cells.append((index, 1, values.get((row, column), "")))
                index += 1
            elif merge.first_kept == index:
                shown = row == merge.top or merge.repeats
                cells.append((index, merge.span, merge.text if shown else ""))
                index += merge.span
            else:
                index += 1  # covered by a merge that starts further left (overlapping ranges)
        return cells

    def _table(self) -> None:
        grid, builder, columns = self.grid, self.builder, self.columns
        headers: list[list[str]] = [[] for _ in columns]
        for row in range(self.top, self.bottom + 1):
            cells = self._layout(row)
            for start, span, text in cells:
                text = one_line(text)
                for index in range(start, start + span):
                    if text and (not headers[index] or headers[index][-1] != text):
                        headers[index].append(text)
            texts = [text for _, _, text in cells]
            if len(texts) > 1 and texts[0] and all(one_line(text) == one_line(texts[0]) for text in texts):
                texts = texts[:1]
            builder.add_row(texts, is_header=True)
        column_headers = [" ".join(parts) or None for parts in headers]

        rows = {row for row in grid.rows if row > self.bottom}
        for merge in grid.merges:
            if merge.repeats:
                rows.update(range(merge.top, merge.bottom + 1))
                if len(rows) > limits.MAX_XLSX_ROWS:
                    raise limits.too_many_rows(self.name, grid.title)
        if len(rows) + self.bottom - self.top + 1 > limits.MAX_XLSX_ROWS:
            raise limits.too_many_rows(self.name, grid.title)
        laid_out: list[tuple[list[str], list[str | None], list[int] | None]] = []
        for row in sorted(rows):
            if self._continues_row_above(row):
                continue  # every cell merged down from the row above: the same row, drawn taller
            cells = self._layout(row)
            filled = [cell for cell in cells if cell[2]]
            if not filled:
                continue
            texts = [text for _, _, text in cells]
            first_start, first_span, first_text = filled[0]
            if len(filled) == 1 and first_start == 0 and first_span >= 2:
                laid_out.append(([first_text], [None], None))  # a part row across the table
            elif len(texts) > 1 and texts[0] and all(one_line(text) == one_line(texts[0]) for text in texts):
                laid_out.append(([texts[0]], [None], None))  # one text typed into every column
            else:
                cell_headers: list[str | None] = [
                    None if span >= len(columns) > 1 else column_headers[start] for start, span, _ in cells
                ]
                indents = grid.indents
                laid_out.append(
                    (texts, cell_headers, [indents.get((row, columns[start]), 0) for start, _, _ in cells])
                    if indents
                    else (texts, cell_headers, None)
                )
        notes: list[str] = []
        while laid_out:
            texts = [text for text in laid_out[-1][0] if text]
            if len(texts) != 1 or not NOTE.match(texts[0]):
                break
            notes.append(texts[0])
            laid_out.pop()
        for texts, cell_headers, cell_indents in laid_out:
            builder.add_row(texts, cell_headers, indents=cell_indents)
        for note in reversed(notes):
            builder.add_paragraph(note)
