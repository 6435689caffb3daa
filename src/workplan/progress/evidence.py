"""Evidence files: their type read from their bytes, and storage by content hash.

The type is decided by magic numbers and structure, never by the file name: a program
renamed ``report.pdf`` is refused. Files are stored once per content as
``<first two hex>/<next two hex>/<sha256>`` in the ``evidence`` storage (the data folder or
the database, see workplan/files/storage.py), written atomically, so two uploads of the same
file never clash.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

KINDS: dict[str, tuple[str, str]] = {
    # kind: (content type, what to call it in a message)
    "pdf": ("application/pdf", "PDF"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word (.docx)"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (.xlsx)"),
    "jpg": ("image/jpeg", "JPEG image"),
    "png": ("image/png", "PNG image"),
    "txt": ("text/plain; charset=utf-8", "plain text"),
}

# Recognised but refused, so that the message can say what the file really is.
_REFUSED_MAGIC: list[tuple[bytes, str]] = [
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office file (.doc/.xls): save it as .docx or .xlsx"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"GIF8", "a GIF image"),
    (b"#!", "a script"),
]


@dataclass(frozen=True)
class Sniffed:
    kind: str | None  # one of KINDS, or None when refused
    description: str  # what the content is, for messages


def sniff(data: bytes) -> Sniffed:
    """What ``data`` is, judged by its content only."""
    if data.startswith(b"%PDF-"):
        return Sniffed("pdf", "a PDF")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("png", "a PNG image")
    if data.startswith(b"\xff\xd8\xff"):
        return Sniffed("jpg", "a JPEG image")
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    for magic, description in _REFUSED_MAGIC:
        if data.startswith(magic):
            return Sniffed(None, description)
    if _is_text(data):
        return Sniffed("txt", "plain text")
    return Sniffed(None, "a binary file of unknown type")


def _sniff_zip(data: bytes) -> Sniffed:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())  # reads the directory only
    except (zipfile.BadZipFile, ValueError, OSError):
        return Sniffed(None, "a damaged ZIP file")
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return Sniffed("docx", "a Word document")
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return Sniffed("xlsx", "an Excel workbook")
    return Sniffed(None, "a ZIP archive")


def _is_text(data: bytes) -> bool:
    """UTF-8 (or GB18030, common in Chinese offices) text without control characters."""
    if b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text)
    return False


def describe_kinds(kinds: frozenset[str]) -> str:
    names = [KINDS[k][1] for k in KINDS if k in kinds]
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else "".join(names)


def storage() -> Storage:
    """Where evidence is kept: the ``evidence`` storage (the data folder, or the database)."""
    return storages["evidence"]


def name_for(sha256: str) -> str:
    """The storage name of a file with this SHA-256: ``ab/cd/abcd…``."""
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256 hex digest")
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def store(data: bytes) -> str:
    """Keep ``data`` under its SHA-256 (once) and return the digest."""
    digest = hashlib.sha256(data).hexdigest()
    name = name_for(digest)
    kept = storage()
    if kept.exists(name) and kept.size(name) == len(data):
        return digest
    kept.save(name, ContentFile(data))  # the same name again: the storage overwrites, atomically
    return digest


def exists(sha256: str) -> bool:
    return bool(storage().exists(name_for(sha256)))


def open_file(sha256: str) -> File[Any]:
    return storage().open(name_for(sha256), "rb")


def read(sha256: str) -> bytes:
    with open_file(sha256) as handle:
        return bytes(handle.read())
