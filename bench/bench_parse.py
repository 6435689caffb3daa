"""Benchmark: parsing a realistic 200-page Chinese work plan, as .txt and as .docx.

Run: ``.venv/bin/python bench/bench_parse.py [--runs N] [--pages N] [--keep DIR]``

Prints
(a) the full parse of the .txt in MB/s (target: at least 2 MB/s), and
(b) the full parse of the .docx against python-docx merely opening the same file and
    reading every paragraph's and table cell's ``.text`` (target: ratio at most 1.3),
each the median of ``--runs`` runs (wall clock, and CPU time, which a busy machine disturbs
least), with a per-phase breakdown of the parse: read (the
file to a Document), structure (the item tree) and promises (targets, deadlines, units).
``--keep DIR`` writes the generated plan.txt and plan.docx to DIR (for profiling).

"Full parse" is ``workplan.parsing.parse_file`` when it exists; until then the benchmark
measures ``workplan.parsing.readers.read_file`` and says so.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from workplan.parsing.readers import read_file
from workplan.parsing.readers.numbering import chinese_counting

UNITS = [
    "市委办公室",
    "市政府办公室",
    "市发展改革委",
    "市财政局",
    "市人力资源社会保障局",
    "市教育局",
    "各区县人民政府",
]
VERBS = ["加强", "完善", "推进", "落实", "健全", "深化", "强化", "提升"]
OBJECTS = ["组织领导", "制度建设", "队伍建设", "宣传引导", "督促检查", "信息化建设", "风险防控", "考核评估"]
TARGETS = ["覆盖率达到{n}%以上", "每季度召开{k}次推进会", "培训{n}人次", "新增{k}个示范点", "投入资金{k}万元"]
DEADLINES = ["{m}月底前完成", "年底前全面完成", "第{q}季度完成", "{m}月{d}日前报送"]


def _sentence(rng: random.Random) -> str:
    target = rng.choice(TARGETS).format(n=rng.randint(50, 99), k=rng.randint(1, 20))
    deadline = rng.choice(DEADLINES).format(m=rng.randint(1, 12), d=rng.randint(1, 28), q=rng.randint(1, 4))
    lead, other = rng.sample(UNITS, 2)
    return (
        f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}，建立健全长效工作机制，明确责任分工和时间节点，"
        f"确保各项任务按期保质完成，{target}，{deadline}。"
        f"（牵头单位：{lead}；配合单位：{other}）"
    )


def generate_plan(pages: int, seed: int = 2019) -> list[str]:
    """Paragraphs of a plan of about ``pages`` pages (about 1,000 characters a page)."""
    rng = random.Random(seed)
    paragraphs = ["某某市2019年工作要点", "为深入贯彻落实上级决策部署，结合我市实际，制定本工作要点。"]
    characters, part = 0, 0
    while characters < pages * 1000:
        part += 1
        paragraphs.append(f"{chinese_counting(part)}、{rng.choice(VERBS)}{rng.choice(OBJECTS)}")
        for task in range(1, 11):
            paragraphs.append(
                f"（{chinese_counting(task)}）{rng.choice(VERBS)}{rng.choice(OBJECTS)}。{_sentence(rng)}"
            )
            paragraphs.extend(f"{measure}.{_sentence(rng)}" for measure in range(1, 9))
        characters = sum(len(paragraph) for paragraph in paragraphs)
    return paragraphs


def write_txt(paragraphs: list[str], path: Path) -> None:
    path.write_text("\n".join(paragraphs) + "\n", encoding="utf-8")


def write_docx(paragraphs: list[str], path: Path, *, table_rows: int = 150) -> None:
    document = docx.Document()
    document.add_heading(paragraphs[0], level=1)
    for paragraph in paragraphs[1:]:
        document.add_paragraph(paragraph)
    rng = random.Random(7)
    table = document.add_table(rows=table_rows + 1, cols=5)
    for column, header in enumerate(["序号", "工作任务", "牵头单位", "责任单位", "完成时限"]):
        table.rows[0].cells[column].text = header
    for index in range(1, table_rows + 1):
        cells = table.rows[index].cells
        cells[0].text = str(index)
        cells[1].text = _sentence(rng)
        cells[2].text = rng.choice(UNITS)
        cells[3].text = rng.choice(UNITS)
        cells[4].text = f"{rng.randint(1, 12)}月底前"
    document.save(str(path))


def python_docx_walk(path: Path) -> int:
    """What python-docx alone costs: open the file and read all paragraph and cell text."""
    document = docx.Document(str(path))
    size = sum(len(paragraph.text) for paragraph in document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                size += len(cell.text)
    return size


@dataclass(frozen=True)
class Timing:
    """Median wall-clock and CPU (process) time of one action, in seconds."""

    wall: float
    cpu: float


def measure(runs: int, *actions: Callable[[], object]) -> list[Timing]:
    """Median times of each action over ``runs`` rounds (after one warm-up round). The actions
    take turns within a round, so a load that comes and goes on the machine weighs on each
    alike; CPU time is the figure a busy machine disturbs least."""
    for action in actions:
        action()
    walls: list[list[float]] = [[] for _ in actions]
    cpus: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for index, action in enumerate(actions):
            wall, cpu = time.perf_counter(), time.process_time()
            action()
            cpus[index].append(time.process_time() - cpu)
            walls[index].append(time.perf_counter() - wall)
    return [Timing(statistics.median(w), statistics.median(c)) for w, c in zip(walls, cpus, strict=True)]


def structure_pass(path: Path) -> Callable[[], object]:
    """The structure pass alone, over a document read once beforehand (with the cyclic
    garbage collector paused, as parse_document pauses it)."""
    try:
        from workplan.parsing.structure import parse_structure
    except ImportError:
        return lambda: None
    document = read_file(path)

    def run() -> object:
        gc.disable()
        try:
            return parse_structure(document)
        finally:
            gc.enable()

    return run


def full_parser() -> tuple[Callable[[Path], object], str]:
    try:
        from workplan.parsing import parse_file  # type: ignore[attr-defined]
    except ImportError:
        return read_file, "read_file (workplan.parsing.parse_file is not importable yet)"
    return parse_file, "parse_file"


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=7)
    options.add_argument("--pages", type=int, default=200)
    options.add_argument("--keep", type=Path, help="write plan.txt and plan.docx to this folder")
    args = options.parse_args()
    parse, parse_name = full_parser()
    paragraphs = generate_plan(args.pages)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        txt, docx_path = Path(folder, "plan.txt"), Path(folder, "plan.docx")
        write_txt(paragraphs, txt)
        write_docx(paragraphs, docx_path)
        characters = sum(len(paragraph) for paragraph in paragraphs)
        txt_mb = txt.stat().st_size / 1024 / 1024
        print(f"plan: {args.pages} pages, {len(paragraphs):,} paragraphs, {characters:,} characters")
        print(f"measuring: {parse_name}, median of {args.runs} runs")

        txt_time, txt_read, txt_structure = measure(
            args.runs, lambda: parse(txt), lambda: read_file(txt), structure_pass(txt)
        )
        speed, cpu_speed = txt_mb / txt_time.wall, txt_mb / txt_time.cpu
        print(
            f"(a) .txt  {txt_mb:.2f} MB: {parse_name} {txt_time.wall * 1000:.0f} ms = {speed:.1f} MB/s "
            f"(CPU time {txt_time.cpu * 1000:.0f} ms = {cpu_speed:.1f} MB/s; target >= 2 MB/s)"
        )
        print(f"          {_phases(txt_time, txt_read, txt_structure)}")

        docx_time, baseline, docx_read, docx_structure = measure(
            args.runs,
            lambda: parse(docx_path),
            lambda: python_docx_walk(docx_path),
            lambda: read_file(docx_path),
            structure_pass(docx_path),
        )
        ratio, cpu_ratio = docx_time.wall / baseline.wall, docx_time.cpu / baseline.cpu
        size_mb = docx_path.stat().st_size / 1024 / 1024
        print(
            f"(b) .docx {size_mb:.2f} MB: {parse_name} {docx_time.wall * 1000:.0f} ms; python-docx open+walk "
            f"{baseline.wall * 1000:.0f} ms; ratio {ratio:.2f} (CPU time {cpu_ratio:.2f}; target <= 1.3)"
        )
        print(f"          {_phases(docx_time, docx_read, docx_structure)}")
        print(f"          read_file alone is {docx_read.cpu / baseline.cpu:.2f} of python-docx (CPU time)")
        verdict = "OK" if speed >= 2 and ratio <= 1.3 else "BELOW TARGET"
        print(f"result: {verdict}")


def _phases(total: Timing, read: Timing, structure: Timing) -> str:
    """Where the time goes (CPU time, the steadier figure): the rest is the promise pass."""
    promises = max(0.0, total.cpu - read.cpu - structure.cpu)
    return (
        f"phases (CPU time): read {read.cpu * 1000:.0f} ms, structure {structure.cpu * 1000:.0f} ms, "
        f"promises and the rest {promises * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
