"""The task breakdown table (任务分解表): the plan flattened to rows, out to Excel and back.

* ``layout``  — the columns, their headers in both languages, and how cells are written;
* ``export``  — a plan to a printable .xlsx (parts as merged bold rows);
* ``reading`` — an .xlsx to rows, with every problem reported by row and column;
* ``changes`` — the difference between the rows and the stored plan, and applying it.
"""
