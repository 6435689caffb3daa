"""Requests the server cannot serve: an unreadable multipart body (400) and a full disk (503).

Issue 11, defects 5 and 7. Before the fix both gave a 500; a failed import could leave its
document in the drafts storage. The disk-full tests fill a REAL file system: a 256 KiB tmpfs
mounted over the data folder's files (they skip where ``mount`` is not permitted).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from workplan.api.testing import client_for
from workplan.core import audit
from workplan.plans import drafts
from workplan.plans.models import ImportDraft
from workplan.progress.testing import dispatched_task

DOCUMENT = """县民政局2019年工作要点
一、加强组织领导
（一）完善工作机制。建立联席会议制度，6月底前出台实施办法。（县民政局牵头）
（二）压实工作责任。签约率达到90%以上。
""".encode()

API_UPLOADS = ["/api/v1/imports", "/api/v1/plans/{plan}/breakdown", "/api/v1/reports/{report}/evidence"]
NO_BOUNDARY = ["multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=\x7f"]


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    return error


@pytest.mark.parametrize("content_type", NO_BOUNDARY, ids=["none", "empty", "control"])
@pytest.mark.parametrize("url", API_UPLOADS)
def test_api_multipart_without_a_boundary_is_a_json_400(personas, url, content_type):
    client = client_for(personas.planner)
    response = client.post(url.format(plan=1, report=1), data=b"--x\r\n\r\n", content_type=content_type)
    _error(response, 400, "bad_request")


@pytest.mark.parametrize("url", ["plans:import_start", "plans:breakdown_upload", "progress:report_edit"])
def test_web_multipart_without_a_boundary_is_a_readable_400(client, actor, org, personas, url):
    d = dispatched_task(actor, owner=org.root, assignee=org.unit_a)
    user = personas.reporter_a if url == "progress:report_edit" else personas.planner
    client.force_login(user)
    args = {
        "plans:import_start": [],
        "plans:breakdown_upload": [d.plan.pk],
        "progress:report_edit": [d.track.pk, d.period(1).pk],
    }[url]
    response = client.post(reverse(url, args=args), data=b"--x\r\n\r\n", content_type="multipart/form-data")
    assert response.status_code == 400
    assert "The form could not be read" in response.content.decode()
    assert 'lang="en"' in response.content.decode()  # the site's own page, not Django's bare one


def test_multipart_without_a_boundary_with_csrf_checks_is_still_a_400(personas):
    """The CSRF middleware reads the body before any view: the handler400 page answers."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.planner)
    response = client.post(reverse("plans:import_start"), data=b"--x", content_type="multipart/form-data")
    assert response.status_code in {400, 403}
    assert response.status_code != 500


@pytest.fixture
def full_disk(settings, tmp_path):
    """The default storage (where drafts and plan documents go) on a 256 KiB tmpfs, filled."""
    mount = tmp_path / "full"
    mount.mkdir()
    mount_command, umount_command = shutil.which("mount"), shutil.which("umount")
    if mount_command is None or umount_command is None:
        pytest.skip("no mount command")
    done = subprocess.run(  # noqa: S603 (fixed arguments)
        [mount_command, "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {done.stderr.decode().strip()}")
    try:
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "workplan.files.storage.AtomicFileSystemStorage",
                "OPTIONS": {"location": str(mount)},
            },
        }
        (mount / "drafts").mkdir()
        filler = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(filler, b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC
        finally:
            os.close(filler)
        yield mount
    finally:
        subprocess.run([umount_command, "-l", str(mount)], check=False)  # noqa: S603


def _files(mount: Path) -> list[str]:
    return sorted(str(p.relative_to(mount)) for p in mount.rglob("*") if p.is_file() and p.name != "filler")


def test_api_import_on_a_full_disk_is_a_503_and_leaves_no_file(personas, org, full_disk):
    client = client_for(personas.planner)
    upload = SimpleUploadedFile("要点.txt", DOCUMENT)
    response = client.post("/api/v1/imports", data={"owner_unit_id": org.root.pk, "file": upload})
    error = _error(response, 503, "storage_full")
    assert "storage is full" in error["message"]
    assert response["Retry-After"]
    assert _files(full_disk) == []
    assert not ImportDraft.objects.exists()


def test_web_import_on_a_full_disk_is_a_readable_503_and_leaves_no_file(client, personas, org, full_disk):
    client.force_login(personas.planner)
    upload = SimpleUploadedFile("要点.txt", DOCUMENT)
    response = client.post(reverse("plans:import_start"), {"document": upload, "owner_unit": org.root.pk})
    assert response.status_code == 503
    assert "Storage full" in response.content.decode()
    assert _files(full_disk) == []
    assert not ImportDraft.objects.exists()


def test_a_failure_after_the_file_was_written_removes_it(personas, org, settings, tmp_path, monkeypatch):
    """The bytes are written, then the audit row fails: the transaction rolls back, so must the file."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "workplan.files.storage.AtomicFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }

    def failing_record(**kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(audit, "record", failing_record)
    with pytest.raises(OSError):
        drafts.draft_create(actor=personas.planner, data=DOCUMENT, filename="要点.txt", owner_unit=org.root)
    assert _files(tmp_path) == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_import_keeps_its_file_under_its_final_name(settings, tmp_path):
    from workplan.accounts.services import system_actor
    from workplan.core.testing import make_organisation, make_personas

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "workplan.files.storage.AtomicFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    actor = system_actor()
    org = make_organisation(actor)
    personas = make_personas(actor, org)
    draft = drafts.draft_create(
        actor=personas.planner, data=DOCUMENT, filename="要点.txt", owner_unit=org.root
    )
    assert _files(tmp_path) == [draft.source_file.name]
    assert draft.source_file.open("rb").read() == DOCUMENT
