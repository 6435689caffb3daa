"""A long plan whose numbering runs straight through its parts, imported as a user would.

Issue 15: importing a real municipal plan put tasks 11-45 into the body of task 10 and read the
plan's year as 2000. The plan here is written for this test (a made-up city and made-up
tasks): 1.-45. run through 一、-四、, one label is glued to the digits of its text ("11.300家"),
bodies hold quantities that look like years ("2000名") and horizons ("到2035年").
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest

from workplan.cli import main
from workplan.plans.models import Plan, PlanItem

PARTS = ("一、做强先进制造", "二、提升城市品质", "三、增进民生福祉", "四、推进依法行政")
SIZES = (12, 11, 13, 9)


def _task(number: int) -> str:
    if number == 11:
        return "11.300家规上企业完成智能化改造，年底前全部通过验收。（牵头单位：市工业和信息化局）"
    if number % 5 == 0:
        return (
            f"{number}.招聘2000名社区工作者，到2035年形成稳定队伍。"
            f"年内新增岗位{number}个，9月底前完成招录。（牵头单位：市人力资源社会保障局）"
        )
    return f"{number}.建设第{number}批示范项目，完成投资{number * 3}亿元，11月底前投入使用。（责任单位：市发展改革委）"


def _paragraphs() -> list[str]:
    lines = ["青川市2031年重点工作任务分解方案", "为确保全年目标如期实现，现将重点工作分解如下。"]
    number = 0
    for part, size in zip(PARTS, SIZES, strict=True):
        lines.append(part)
        for _ in range(size):
            number += 1
            lines.append(_task(number))
    lines += ["青川市人民政府办公室", "2031年1月28日"]
    return lines


@pytest.fixture(params=["txt", "docx"])
def plan_file(request, tmp_path) -> Path:
    if request.param == "txt":
        path = tmp_path / "long-plan.txt"
        path.write_text("\n".join(_paragraphs()), encoding="utf-8")
        return path
    document = docx.Document()
    for paragraph in _paragraphs():
        document.add_paragraph(paragraph)
    path = tmp_path / "long-plan.docx"
    document.save(str(path))
    return path


def test_a_plan_numbered_straight_through_its_parts_imports_every_task(org, plan_file, capsys):
    assert main(["import", str(plan_file), "--yes", "--owner", "ROOT"]) == 0
    plan = Plan.objects.get(pk=int(capsys.readouterr().out.strip().splitlines()[0]))
    assert plan.year == 2031  # not 2000 (a quantity) nor 2035 (a horizon)
    parts = PlanItem.objects.filter(plan=plan, depth=1).order_by("path")
    assert [part.number for part in parts] == ["1", "2", "3", "4"]
    tasks = list(PlanItem.objects.filter(plan=plan, depth=2).order_by("path"))
    assert len(tasks) == 45
    assert [task.number for task in tasks] == [str(n) for n in range(1, 46)]
    assert [part.get_children_count() for part in parts] == list(SIZES)
    for task in tasks:  # no task's text holds a later numbered task
        assert not re.search(r"(?:^|\n)\d{1,2}\.", task.body), task.number
        assert "示范项目" not in task.body and "社区工作者" not in task.body
    assert tasks[10].title.startswith("300家规上企业")
    assert sum(task.targets.count() for task in tasks) >= 45
