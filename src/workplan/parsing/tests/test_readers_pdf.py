"""The .pdf reader: paragraphs rejoined from lines, page furniture dropped, bad PDFs refused."""

from __future__ import annotations

import pytest

from workplan.parsing.errors import ParseError
from workplan.parsing.readers import read_bytes
from workplan.parsing.readers.numbering import chinese_counting
from workplan.parsing.readers.testing import PdfText, build_pdf, check_invariants, lay_out_pdf

MEASURES = [
    "加强组织领导，建立由主要负责同志牵头的工作机制，每季度召开一次推进会议，研究解决重大问题",
    "完善标准规范，编制集约化平台建设标准，对信息数据的分类、格式和接口等提出明确要求",
    "推进数据融通，2019年6月底前完成全部政府网站迁移，网站合格率达到95%以上",
    "强化安全保障，严格落实网络安全等级保护制度，优先采购国产软硬件系统设备",
    "做好宣传引导，通过政务新媒体传播党和政府声音，提供多渠道、便利化的掌上服务",
    "开展考核评估，把集约化工作纳入年度绩效考核，考核结果在全市范围内通报",
]


def _chinese_plan() -> list[str]:
    paragraphs = ["政府网站集约化试点工作方案"]
    for part in range(1, 4):
        paragraphs.append(f"{chinese_counting(part)}、第{part}部分工作要求")
        for task in range(1, 3):
            paragraphs.append(
                f"（{chinese_counting(task)}）第{part}部分第{task}项任务。{MEASURES[(part + task) % 6]}。"
            )
            paragraphs.extend(
                f"{measure}.措施{part}{task}{measure}。{MEASURES[(part * task + measure) % 6]}。"
                for measure in range(1, 3)
            )
    return paragraphs


def _read(data: bytes):
    document = read_bytes(data, filename="plan.pdf")
    check_invariants(document)
    assert document.source_format == "pdf"
    return document, [document.block_text(block) for block in document.blocks]


@pytest.mark.parametrize("page_numbers", ["- {} -", "第{}页", "第{}页 共{}页", "{}"])
def test_chinese_pdf_is_rejoined_into_its_paragraphs_without_furniture(page_numbers):
    paragraphs = _chinese_plan()
    data = lay_out_pdf(
        paragraphs,
        chars_per_line=32,
        chinese=True,
        header="某某市人民政府办公室文件",
        page_numbers=page_numbers,
        lines_per_page=22,
    )
    _, texts = _read(data)
    assert texts == paragraphs


def test_english_pdf_is_rejoined_with_spaces_and_labels_start_paragraphs():
    paragraphs = [
        "Work Plan of the United Front Work Department for 2019",
        "First, strengthen the political guidance of the united front and organise a research "
        "conference once a year with all the democratic parties.",
        "1. Each grassroots chamber of commerce hires 1-2 legal consultants, and more than 80% of "
        "the sites meet the standard by the end of June.",
        "2. Carry out training for young entrepreneurs; the number of people trained will reach 200 "
        "this year, with well-known lecturers invited from the provincial party school.",
        "Second, improve the work on ethnic and religious affairs in the new period.",
        "The department will publish the results of the assessment at the end of the year.",
    ]
    data = lay_out_pdf(
        paragraphs,
        chars_per_line=60,
        chinese=False,
        header="United Front Work Department",
        page_numbers="Page {} of {}",
        lines_per_page=9,
    )
    _, texts = _read(data)
    assert texts == paragraphs


def test_lone_line_at_page_edge_is_dropped_only_if_it_is_a_page_number():
    page = [
        PdfText(72, 760, "Scope of the plan"),
        PdfText(72, 742, "The plan covers the whole year."),
        PdfText(72, 36, "Annex follows"),  # a real last line near the bottom edge: kept
    ]
    _, texts = _read(build_pdf([page, [PdfText(72, 760, "Annex"), PdfText(290, 36, "2")]]))
    assert texts == ["Scope of the plan", "The plan covers the whole year.", "Annex follows", "Annex"]


def test_pdf_title_hint_comes_from_the_info_dictionary():
    document, _ = _read(build_pdf([[PdfText(72, 760, "Plan")]], title="2019年工作要点"))
    assert document.title_hint == "2019年工作要点"


def test_scanned_pdf_without_text_is_refused():
    data = build_pdf([[], []], drawing_only=True)
    with pytest.raises(ParseError, match=r"has no text layer.*original Word file.*OCR"):
        read_bytes(data, filename="scan.pdf")


def test_pdf_with_only_page_numbers_counts_as_a_scan():
    pages = [[PdfText(290, 36, f"- {number} -")] for number in range(1, 4)]
    with pytest.raises(ParseError, match="has no text layer apart from page numbers"):
        read_bytes(build_pdf(pages, drawing_only=True), filename="scan.pdf")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"PK\x03\x04" + bytes(100), "is not a PDF file: it looks like a Word .docx file"),
        (b"hello world", "is not a PDF file"),
        (b"%PDF-1.4\n" + bytes(range(256)) * 8, "could not be read|has no text layer"),
        (build_pdf([[PdfText(72, 760, "Plan")]])[:200], "could not be read|has no text layer"),
    ],
    ids=["empty", "docx-renamed", "text", "junk-after-header", "truncated"],
)
def test_bad_pdfs_raise_parse_error(data, message):
    with pytest.raises(ParseError, match=message):
        read_bytes(data, filename="plan.pdf")
