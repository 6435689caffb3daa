"""The pure rules: working days and periods, recurrence, derived status and the ladder,
evidence types by content."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import zipfile

import pytest
from django.test import override_settings

from workplan.progress import evidence, recurrence, status
from workplan.progress.status import Facts, Status
from workplan.progress.workdays import WorkingDays, generate_periods

D = dt.date

# --- working days and periods -----------------------------------------------------------------


def test_weekends_holidays_and_make_up_days():
    days = WorkingDays({D(2019, 10, 1): False, D(2019, 9, 29): True})  # National Day; a make-up Sunday
    assert days.is_working(D(2019, 9, 30))
    assert not days.is_working(D(2019, 10, 1))
    assert not days.is_working(D(2019, 9, 28))  # Saturday
    assert days.is_working(D(2019, 9, 29))  # Sunday, but a make-up working day
    assert days.on_or_after(D(2019, 10, 1)) == D(2019, 10, 2)
    assert days.add(D(2019, 10, 2), -3) == D(2019, 9, 27)  # back over the holiday and Saturday
    assert days.between(D(2019, 9, 27), D(2019, 10, 2)) == 3  # 29 Sep, 30 Sep, 2 Oct


def test_monthly_periods_are_due_on_the_due_day_or_the_next_working_day():
    days = WorkingDays({D(2019, 1, 25): False})
    periods = generate_periods(year=2019, frequency="monthly", due_day=25, days=days)
    assert [p.label for p in periods[:2]] == ["2019-01", "2019-02"]
    assert len(periods) == 12 and periods[-1].end == D(2019, 12, 31)
    assert periods[0].due_date == D(2019, 1, 28)  # the 25th is a holiday here, then a weekend
    assert periods[4].due_date == D(2019, 5, 27)  # 25 May 2019 is a Saturday
    short = generate_periods(year=2019, frequency="monthly", due_day=31, days=WorkingDays())
    assert short[1].due_date == D(2019, 2, 28)


def test_quarterly_and_fortnightly_periods_tile_the_year():
    quarters = generate_periods(year=2020, frequency="quarterly", due_day=20, days=WorkingDays())
    assert [(p.label, p.start, p.end, p.due_date) for p in quarters[:1]] == [
        ("2020Q1", D(2020, 1, 1), D(2020, 3, 31), D(2020, 3, 20))
    ]
    assert len(quarters) == 4
    for frequency in ("monthly", "quarterly", "fortnightly"):
        periods = generate_periods(year=2019, frequency=frequency, due_day=25, days=WorkingDays())
        assert periods[0].start == D(2019, 1, 1) and periods[-1].end == D(2019, 12, 31)
        assert all(b.start == a.end + dt.timedelta(days=1) for a, b in itertools.pairwise(periods))
    fortnights = generate_periods(year=2019, frequency="fortnightly", due_day=25, days=WorkingDays())
    assert len(fortnights) == 26 and fortnights[-1].end - fortnights[-1].start == dt.timedelta(days=14)
    with pytest.raises(ValueError, match="unknown reporting frequency"):
        generate_periods(year=2019, frequency="daily", due_day=1, days=WorkingDays())


# --- recurring obligations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "windows", "per_window", "assumed"),
    [
        (1, "per quarter", 4, 1, False),
        (1, "per year", 1, 1, False),
        (2, "per year", 2, 1, False),  # twice a year: two half-years
        (4, "per year", 4, 1, False),
        (2, "per month", 12, 2, False),  # twice a month: two in each month
        (1, "per half-year", 2, 1, False),
        (None, "", 4, 1, True),  # "定期", "regularly": quarterly by default
        (1, "per fortnight of stars", 4, 1, True),  # an unknown unit falls back too
    ],
)
def test_frequency_targets_become_windows(value, unit, windows, per_window, assumed):
    spec = recurrence.obligation_spec(value=value, unit=unit)
    found = recurrence.windows(spec.rrule, year=2019)
    assert (len(found), spec.per_window, spec.assumed) == (windows, per_window, assumed)
    assert found[0][0] == D(2019, 1, 1) and found[-1][1] == D(2019, 12, 31)


def test_windows_are_calendar_aligned_and_clipped_to_the_item():
    spec = recurrence.obligation_spec(value=1, unit="per quarter")
    assert spec.rrule == "FREQ=MONTHLY;INTERVAL=3"
    found = recurrence.windows(spec.rrule, year=2019, start=D(2019, 2, 10), end=D(2019, 8, 15))
    assert found == [
        (D(2019, 2, 10), D(2019, 3, 31)),
        (D(2019, 4, 1), D(2019, 6, 30)),
        (D(2019, 7, 1), D(2019, 8, 15)),
    ]
    assert "RRULE:FREQ=MONTHLY;INTERVAL=3;UNTIL=20191231" in recurrence.full_rule(
        spec.rrule, origin=D(2019, 1, 1), until=D(2019, 12, 31)
    )


def test_weekly_windows():
    spec = recurrence.obligation_spec(value=1, unit="per week")
    found = recurrence.windows(spec.rrule, year=2019)
    assert len(found) == 53 and found[1] == (D(2019, 1, 8), D(2019, 1, 14))


@override_settings(WORKPLAN_PROGRESS={"default_frequency_unit": "per month"})
def test_the_default_rule_for_regularly_is_a_setting():
    spec = recurrence.obligation_spec(value=None, unit="", default_unit=status.rules().default_frequency_unit)
    assert len(recurrence.windows(spec.rrule, year=2019)) == 12


# --- derived status and the ladder ----------------------------------------------------------------


def facts(today, percent=None, **kw):
    return Facts(start=D(2019, 1, 1), due=D(2019, 12, 31), today=today, percent=percent, **kw)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (facts(D(2019, 2, 1)), Status.NOT_STARTED),
        (facts(D(2019, 5, 1)), Status.AT_RISK),  # silent past a quarter of the time
        (facts(D(2019, 5, 1), percent=30), Status.ON_TRACK),  # 33 % elapsed, within 15 points
        (facts(D(2019, 7, 1), percent=30), Status.AT_RISK),  # 50 % elapsed
        (facts(D(2019, 3, 1), percent=20, returned=True), Status.AT_RISK),
        (facts(D(2019, 3, 1), percent=20, self_flagged=True), Status.AT_RISK),
        (facts(D(2020, 1, 1), percent=99), Status.OVERDUE),
        (facts(D(2020, 1, 1), percent=99, done=True), Status.DONE),
        (facts(D(2019, 3, 1), percent=100, done=True), Status.DONE),
    ],
)
def test_derived_status(case, expected):
    assert status.derive(case) is expected


def test_shares_of_time():
    window = Facts(start=D(2019, 1, 1), due=D(2019, 1, 10), today=D(2019, 1, 3))
    assert (window.elapsed_share, round(window.time_left_share, 2), window.expected_percent) == (
        0.3,
        0.7,
        30.0,
    )
    assert Facts(start=D(2019, 1, 1), due=D(2019, 1, 10), today=D(2018, 12, 1)).elapsed_share == 0.0
    assert status.window(start=None, due=None, year=2019) == (D(2019, 1, 1), D(2019, 12, 31))
    assert status.window(start=D(2019, 8, 1), due=D(2019, 6, 30), year=2019) == (
        D(2019, 6, 30),
        D(2019, 6, 30),
    )


def test_the_ladder_raises_the_highest_level_that_applies():
    half_year = {"start": D(2019, 1, 1), "due": D(2019, 6, 30)}
    assert status.escalation(Facts(**half_year, today=D(2019, 5, 6), percent=0)) is None
    assert status.escalation(Facts(**half_year, today=D(2019, 5, 7), percent=0)).step.level == "blue"
    assert status.escalation(Facts(**half_year, today=D(2019, 5, 7), percent=60)) is None  # not lagging
    assert status.escalation(Facts(**half_year, today=D(2019, 6, 3), percent=0)).step.level == "yellow"
    red = status.escalation(Facts(**half_year, today=D(2019, 7, 3), percent=90))
    assert (
        red.step.level == "red"
        and red.reason == "overdue by 3 day(s) since 2019-06-30; reported 90% complete"
    )
    assert status.escalation(Facts(**half_year, today=D(2019, 7, 3), percent=100, done=True)) is None


@override_settings(
    WORKPLAN_PROGRESS={
        "lag_tolerance_points": 0,
        "ladder": [{"level": "red", "when": "lagging", "time_left_share": 0.5, "notify": ["unit_leaders"]}],
    }
)
def test_the_ladder_and_thresholds_are_settings():
    rules = status.rules()
    assert [s.level for s in rules.ladder] == ["red"] and rules.ladder[0].notify == ("unit_leaders",)
    warning = status.escalation(
        Facts(start=D(2019, 1, 1), due=D(2019, 1, 10), today=D(2019, 1, 6), percent=50)
    )
    assert warning is not None and warning.step.level == "red"


@override_settings(WORKPLAN_PROGRESS={"ladder": [{"level": "red", "when": "sometimes"}]})
def test_a_bad_ladder_is_refused():
    with pytest.raises(ValueError, match="ladder step"):
        status.rules()


# --- evidence types, by content ------------------------------------------------------------------------


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n...", "pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpg"),
        (_zip("[Content_Types].xml", "word/document.xml"), "docx"),
        (_zip("[Content_Types].xml", "xl/workbook.xml"), "xlsx"),
        ("会议纪要：全体参会。\n".encode(), "txt"),
        ("会议纪要：全体参会。\n".encode("gb18030"), "txt"),
        (b"MZ\x90\x00\x03", None),
        (b"\x7fELF\x02\x01", None),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", None),
        (_zip("payload.exe"), None),
        (b"GIF89a\x01\x00", None),
        (bytes(range(256)), None),
    ],
    ids=[
        "pdf",
        "png",
        "jpg",
        "docx",
        "xlsx",
        "utf8-text",
        "gb18030-text",
        "exe",
        "elf",
        "ole",
        "zip-exe",
        "gif",
        "binary",
    ],
)
def test_evidence_type_comes_from_the_bytes(data, kind):
    assert evidence.sniff(data).kind == kind


def test_refused_types_say_what_they_are():
    assert evidence.sniff(b"MZ\x90\x00").description == "a Windows program"
    assert "save it as .docx" in evidence.sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1").description
    assert evidence.sniff(_zip("a.txt")).description == "a ZIP archive"
    assert evidence.describe_kinds(frozenset({"pdf", "png"})) == "PDF or PNG image"


def test_storage_is_by_content_hash(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "workplan.files.storage.AtomicFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence"), "allow_overwrite": True},
        },
    }
    digest = evidence.store(b"same bytes")
    assert evidence.store(b"same bytes") == digest
    path = tmp_path / "evidence" / digest[:2] / digest[2:4] / digest
    assert path.read_bytes() == evidence.read(digest) == b"same bytes"
    assert [p.name for p in path.parent.iterdir()] == [digest]  # no temporary files left
    with pytest.raises(ValueError):
        evidence.name_for("../../etc/passwd")
