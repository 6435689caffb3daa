"""Both storage backends keep files whole, refuse unsafe names and never let an upload replace another."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from workplan.files.models import StoredFile
from workplan.files.storage import AtomicFileSystemStorage, DatabaseStorage, read_bytes, save_bytes


@pytest.fixture(params=["filesystem", "database"])
def storage(request, tmp_path, db):
    if request.param == "filesystem":
        return AtomicFileSystemStorage(location=str(tmp_path))
    return DatabaseStorage(location="media")


def test_save_read_size_list_delete(storage):
    name = save_bytes(storage, "plans/2019/计划.docx", b"PK\x03\x04 bytes")
    assert name == "plans/2019/计划.docx"
    assert storage.exists(name) and storage.size(name) == 10
    assert read_bytes(storage, name) == b"PK\x03\x04 bytes"
    assert storage.listdir("plans") == (["2019"], [])
    assert storage.listdir("plans/2019")[1] == ["计划.docx"]
    assert storage.get_modified_time(name) is not None
    storage.delete(name)
    assert not storage.exists(name)
    with pytest.raises(FileNotFoundError):
        storage.open(name)


def test_a_second_upload_under_the_same_name_gets_its_own_name(storage):
    first = save_bytes(storage, "drafts/plan.txt", b"first")
    second = save_bytes(storage, "drafts/plan.txt", b"second")
    assert first != second
    assert (read_bytes(storage, first), read_bytes(storage, second)) == (b"first", b"second")


def test_overwriting_storages_replace_in_place(tmp_path, db):
    for storage in (
        AtomicFileSystemStorage(location=str(tmp_path), allow_overwrite=True),
        DatabaseStorage(location="evidence", allow_overwrite=True),
    ):
        assert save_bytes(storage, "ab/cd/abcd", b"one") == save_bytes(storage, "ab/cd/abcd", b"one")
        assert read_bytes(storage, "ab/cd/abcd") == b"one"


@pytest.mark.parametrize("name", ["../escape.txt", "a/../../escape.txt"])
def test_names_that_leave_the_storage_are_refused(storage, name):
    with pytest.raises(Exception, match=r"(?i)traversal|unsafe"):
        save_bytes(storage, name, b"x")


def test_a_write_that_fails_half_way_leaves_nothing_behind(storage, tmp_path):
    class Broken(ContentFile):
        def chunks(self, chunk_size=None):
            yield b"half of it"
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        storage.save("evidence.bin", Broken(b""))
    assert not storage.exists("evidence.bin")
    assert [p.name for p in Path(tmp_path).rglob("*")] == [] or isinstance(storage, DatabaseStorage)
    assert not StoredFile.objects.exists()


def test_database_files_cannot_be_opened_for_writing(db):
    storage = DatabaseStorage()
    save_bytes(storage, "x.txt", b"x")
    with pytest.raises(ValueError, match="save"):
        storage.open("x.txt", "wb")
    with pytest.raises(NotImplementedError):
        storage.url("x.txt")
