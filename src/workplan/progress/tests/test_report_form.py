"""The report form saves a report and its evidence as one thing, under one size limit."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from workplan.core import clock
from workplan.core.models import AuditEntry
from workplan.progress.models import Evidence, ProgressReport, ReportStatus
from workplan.progress.testing import dispatched_task, moment

PDF_HEAD = b"%PDF-1.4\n"


@pytest.fixture
def d(actor, org, personas):
    return dispatched_task(actor, owner=org.root, assignee=org.unit_a)


def _post(user, d, files, **fields):
    client = Client()
    client.force_login(user)
    url = reverse("progress:report_edit", args=[d.track.pk, d.period(1).pk])
    data = {
        "narrative": "本月完成调研",
        "percent": 40,
        "self_status": "on_track",
        "version": 0,
        "submit": "1",
        **fields,
    }
    with clock.frozen(moment(2019, 1, 20)):
        return client.post(url, {**data, "evidence": files})


def test_a_file_over_the_evidence_limit_leaves_no_report_behind(d, personas, settings):
    """15 MB: under the request's upload limit (20 MB), over the evidence limit (10 MB).

    Before the fix the report was saved and submitted in one transaction, the file refused in
    another, and the form showed an error beside a report that went out without its evidence.
    """
    settings.WORKPLAN_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
    audit_before = AuditEntry.objects.count()
    big = SimpleUploadedFile(
        "会议纪要.pdf", PDF_HEAD + b"0" * (15 * 1024 * 1024), content_type="application/pdf"
    )
    response = _post(personas.reporter_a, d, [big])
    assert response.status_code == 200
    assert "at most 10.0 MB" in response.content.decode() or "at most 10 MB" in response.content.decode()
    assert not ProgressReport.objects.filter(track=d.track).exists()
    assert not Evidence.objects.exists()
    assert AuditEntry.objects.count() == audit_before


def test_a_refused_second_file_keeps_the_first_out_too(d, personas):
    good = SimpleUploadedFile("a.pdf", PDF_HEAD + b"ok", content_type="application/pdf")
    empty = SimpleUploadedFile("b.pdf", b"", content_type="application/pdf")
    response = _post(personas.reporter_a, d, [good, empty])
    assert response.status_code == 200
    assert not ProgressReport.objects.filter(track=d.track).exists()
    assert not Evidence.objects.exists()


def test_a_report_with_accepted_files_is_submitted_with_them(d, personas):
    good = SimpleUploadedFile("a.pdf", PDF_HEAD + b"ok", content_type="application/pdf")
    response = _post(personas.reporter_a, d, [good])
    assert response.status_code == 302
    report = ProgressReport.objects.get(track=d.track)
    assert report.status == ReportStatus.SUBMITTED
    assert [e.original_name for e in report.evidence.all()] == ["a.pdf"]
