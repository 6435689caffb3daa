"""``next`` after an action: only a path on this site (issue 11, defect 4).

Before the fix, ``POST /progress/tracks/<id>/acknowledge/`` with ``next=https://evil.example/``
redirected there, and ``next=javascript:…`` gave a 500 after the action had already run; the
report-review actions did the same. Every ``next`` goes through ``core.http.safe_next``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from workplan.core import clock
from workplan.progress import services as progress
from workplan.progress.models import ReportStatus, TrackState
from workplan.progress.testing import dispatched_task, moment

HOSTILE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "javascript:alert(1)",
    "http://testserver@evil.example/",
    " javascript:alert(1)",
    "\x00",
]


@pytest.fixture
def d(actor, org):
    return dispatched_task(actor, owner=org.root, assignee=org.unit_a, due=dt.date(2019, 6, 30))


@pytest.fixture
def march():
    with clock.frozen(moment(2019, 3, 4)):
        yield


def _off_site(response) -> bool:
    location = response.headers.get("Location", "")
    return not location.startswith("/") or location.startswith(("//", "/\\"))


@pytest.mark.parametrize("next_url", HOSTILE, ids=range(len(HOSTILE)))
def test_acknowledge_never_redirects_off_site(client, personas, d, march, next_url):
    client.force_login(personas.reporter_a)
    url = reverse("progress:track_action", args=[d.track.pk, "acknowledge"])
    response = client.post(url, {"next": next_url})
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("progress:my_tasks")
    d.track.refresh_from_db()
    assert d.track.state == TrackState.ACKNOWLEDGED


def test_acknowledge_follows_a_same_site_next(client, personas, d, march):
    client.force_login(personas.reporter_a)
    target = reverse("web:item_detail", args=[d.task.pk])
    url = reverse("progress:track_action", args=[d.track.pk, "acknowledge"])
    response = client.post(url, {"next": target})
    assert response.headers["Location"] == target


@pytest.mark.parametrize("decision", ["accept", "return"])
@pytest.mark.parametrize("next_url", HOSTILE, ids=range(len(HOSTILE)))
def test_report_review_never_redirects_off_site(client, personas, d, march, decision, next_url):
    report = progress.report_save(
        actor=personas.reporter_a, track=d.track, period=d.period(3), narrative="进展", percent=30
    )
    client.force_login(personas.planner)
    response = client.post(
        reverse("progress:report_review", args=[report.pk, decision]),
        {"next": next_url, "version": report.version, "reason": "请补充材料"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("progress:review_queue")
    report.refresh_from_db()
    assert report.status == (ReportStatus.ACCEPTED if decision == "accept" else ReportStatus.RETURNED)


@pytest.mark.parametrize("next_url", HOSTILE, ids=range(len(HOSTILE)))
def test_language_switch_never_redirects_off_site(client, personas, next_url):
    client.force_login(personas.reporter_a)
    response = client.post(reverse("web:set_language"), {"language": "en", "next": next_url})
    assert response.status_code == 302
    assert not _off_site(response)
