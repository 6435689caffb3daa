"""Storage backends for every file the site keeps (evidence, plan documents, staged uploads).

All code goes through Django's storage API (``django.core.files.storage.storages``), so the
backend is a setting (``WORKPLAN_FILE_STORAGE``):

- ``filesystem`` (default): files under the data folder, each written to a temporary file and
  renamed into place, so a crash never leaves half a file under a real name;
- ``database``: files in the ``files_storedfile`` table, so that several app hosts that share
  one PostgreSQL share their files too (an upload through one host downloads through another)
  without an NFS mount or an object store, which intranet sites often do not have.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.utils.deconstruct import deconstructible


@deconstructible
class AtomicFileSystemStorage(FileSystemStorage):
    """``FileSystemStorage`` whose writes are all-or-nothing (temporary file, then rename)."""

    def _save(self, name: str, content: File[Any]) -> str:
        full_path = Path(self.path(name))
        full_path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=full_path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in content.chunks():
                    out.write(chunk if isinstance(chunk, bytes) else chunk.encode())
            os.chmod(temporary, 0o644)
            if getattr(self, "_allow_overwrite", False):  # FileSystemStorage keeps its option there
                os.replace(temporary, full_path)
                return _posix(name)
            for _ in range(100):  # link() refuses an existing name: no upload replaces another
                try:
                    os.link(temporary, full_path)
                    return _posix(name)
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = Path(self.path(name))
            raise FileExistsError(name)
        finally:
            Path(temporary).unlink(missing_ok=True)


def _posix(name: str) -> str:
    return str(name).replace("\\", "/")


@deconstructible
class DatabaseStorage(Storage):
    """Files as rows of :class:`~workplan.files.models.StoredFile` under a name prefix.

    ``location`` keeps the storages apart (evidence and uploads can share the table);
    ``allow_overwrite`` is for content-addressed names, where a second write is the same bytes.
    """

    def __init__(self, location: str = "", allow_overwrite: bool = False) -> None:
        self.location = location.strip("/")
        self.allow_overwrite = allow_overwrite

    def _key(self, name: str) -> str:
        clean = str(name).replace("\\", "/").lstrip("/")
        if ".." in clean.split("/"):
            raise ValueError(f"unsafe file name {name!r}")
        return f"{self.location}/{clean}" if self.location else clean

    @staticmethod
    def _rows() -> Any:
        from workplan.files.models import StoredFile

        return StoredFile.objects

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        if self.allow_overwrite:
            self._key(name)  # still refuse unsafe names
            return name
        return super().get_available_name(name, max_length)

    def _open(self, name: str, mode: str = "rb") -> File[Any]:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("database files are written with save(), not opened for writing")
        row = self._rows().filter(name=self._key(name)).values_list("content", flat=True).first()
        if row is None:
            raise FileNotFoundError(name)
        return File(io.BytesIO(bytes(row)), name=name)

    def _save(self, name: str, content: File[Any]) -> str:
        data = b"".join(chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in content.chunks())
        rows = self._rows()
        key = self._key(name)
        if self.allow_overwrite:
            rows.update_or_create(name=key, defaults={"content": data, "size": len(data)})
            return name
        for _ in range(100):
            try:
                with transaction.atomic():
                    rows.create(name=key, content=data, size=len(data))
                return name
            except IntegrityError:  # written meanwhile by another host: take a free variant
                name = self.get_available_name(name)
                key = self._key(name)
        raise FileExistsError(name)

    def delete(self, name: str) -> None:
        self._rows().filter(name=self._key(name)).delete()

    def exists(self, name: str) -> bool:
        return bool(self._rows().filter(name=self._key(name)).exists())

    def size(self, name: str) -> int:
        size = self._rows().filter(name=self._key(name)).values_list("size", flat=True).first()
        if size is None:
            raise FileNotFoundError(name)
        return int(size)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        prefix = self._key(path).rstrip("/")
        prefix = f"{prefix}/" if prefix else ""
        directories: set[str] = set()
        files: list[str] = []
        for key in self._rows().filter(name__startswith=prefix).values_list("name", flat=True):
            rest = key[len(prefix) :]
            head, _, tail = rest.partition("/")
            (directories.add(head) if tail else files.append(head))
        return sorted(directories), sorted(files)

    def get_modified_time(self, name: str) -> datetime:
        moment = self._rows().filter(name=self._key(name)).values_list("created_at", flat=True).first()
        if moment is None:
            raise FileNotFoundError(name)
        return moment  # type: ignore[no-any-return]

    get_created_time = get_modified_time

    def url(self, name: str | None) -> str:
        raise NotImplementedError("stored files are served by the views that check who may see them")


def save_bytes(storage: Storage, name: str, data: bytes) -> str:
    """Store ``data`` under ``name`` (or a free variant of it) and return the name used."""
    return storage.save(name, ContentFile(data))


def read_bytes(storage: Storage, name: str) -> bytes:
    handle: IO[bytes]
    with storage.open(name, "rb") as handle:
        return bytes(handle.read())


@contextmanager
def saved_or_removed(field_file: FieldFile, name: str, data: bytes) -> Iterator[None]:
    """Store ``data`` for ``field_file`` under ``name``; remove it if the ``with`` body fails.

    Put the row's save and the rest of the transaction's writes in the ``with``: a failure there
    (a full disk, a database error) removes the file again, so a failed import leaves nothing
    behind. The storage itself writes a temporary file and renames it into place, so a full disk
    during the write leaves no truncated file either. The file is in place before the commit,
    so the same transaction may read it back. The database storage writes in the transaction
    itself and needs no clean-up.
    """
    field_file.save(name, ContentFile(data), save=False)
    if not isinstance(field_file.storage, FileSystemStorage):
        yield
        return
    try:
        yield
    except BaseException:
        field_file.storage.delete(str(field_file.name))
        raise
