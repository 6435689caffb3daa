"""An Office Open XML package (the zip inside a .docx), opened with zip-bomb limits.

The limits are checked from the zip's own directory before anything is decompressed: the
entry count straight from the end-of-central-directory record (before ``zipfile`` builds
its index), then the total declared uncompressed size. Parts are then read with a size cap,
so a directory that lies about sizes cannot make us inflate more than the limit.
"""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile

from lxml import etree  # type: ignore[import-untyped]

from workplan.parsing.errors import ParseError
from workplan.parsing.readers._common import MAX_DOCX_ENTRIES, MAX_DOCX_UNCOMPRESSED, format_size

_PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EOCD = b"PK\x05\x06"


def xml_parser() -> etree.XMLParser:
    # No entity expansion, no DTDs, no network: the XML comes from an untrusted upload.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
        huge_tree=False,
    )


def _declared_entry_count(data: bytes) -> int | None:
    """Entry count from the end-of-central-directory record, before zipfile builds its index."""
    position = data.rfind(_EOCD, max(0, len(data) - 65_557))
    if position < 0 or position + 22 > len(data):
        return None
    (total,) = struct.unpack_from("<H", data, position + 10)
    return None if total == 0xFFFF else int(total)  # 0xFFFF: zip64, counted after opening


class Package:
    """A .docx zip package: its parts by name, read within the limits, parsed safely."""

    def __init__(self, data: bytes, name: str) -> None:
        self.name = name
        self.zip = self._open_zip(data)
        self.names = {info.filename.lower(): info.filename for info in self.zip.infolist()}

    def close(self) -> None:
        self.zip.close()

    def damaged(self, detail: str) -> ParseError:
        return ParseError(
            f"{self.name} is damaged or incomplete ({detail}): open it in Word or WPS, save it again "
            "as .docx, and import the new file."
        )

    def _open_zip(self, data: bytes) -> zipfile.ZipFile:
        name = self.name
        if data.startswith(_OLE_MAGIC):
            raise ParseError(
                f"{name} is password-protected (encrypted) or is an old Word .doc file renamed to .docx: "
                "open it in Word or WPS, remove the password, save it as .docx, and import that."
            )
        if data.startswith(b"%PDF-"):
            raise ParseError(
                f"{name} is a PDF file with a .docx name: rename it to .pdf and import it again."
            )
        if not data.startswith(b"PK"):
            raise ParseError(
                f"{name} is not a Word .docx file (it is not a zip package): open it in Word or WPS, "
                "save it as .docx, and import that."
            )
        declared = _declared_entry_count(data)
        if declared is not None and declared > MAX_DOCX_ENTRIES:
            raise self._too_many_entries(declared)
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            raise self.damaged("the zip package cannot be opened") from exc
        infos = archive.infolist()
        if len(infos) > MAX_DOCX_ENTRIES:
            raise self._too_many_entries(len(infos))
        total = sum(info.file_size for info in infos)
        if total > MAX_DOCX_UNCOMPRESSED:
            raise ParseError(
                f"{name} would unpack to {format_size(total)}; the limit is "
                f"{format_size(MAX_DOCX_UNCOMPRESSED)}, so it is refused as a possible zip bomb. "
                "Save the plan again from Word as a normal .docx and import that."
            )
        if any(info.flag_bits & 0x1 for info in infos):
            raise ParseError(
                f"{name} is encrypted: open it in Word or WPS, remove the password, save it as .docx, "
                "and import that."
            )
        return archive

    def _too_many_entries(self, count: int) -> ParseError:
        return ParseError(
            f"{self.name} holds {count:,} files inside its zip package; a Word document has far fewer "
            f"(the limit is {MAX_DOCX_ENTRIES:,}), so it is refused. Save the plan again from Word as "
            ".docx and import that."
        )

    def read_part(self, part: str) -> bytes | None:
        """A package part's bytes, never more than the uncompressed-size limit."""
        real = self.names.get(part.lower())
        if real is None:
            return None
        try:
            with self.zip.open(real) as stream:
                data = stream.read(MAX_DOCX_UNCOMPRESSED + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError) as exc:
            raise self.damaged(f"{part} cannot be unpacked") from exc
        if len(data) > MAX_DOCX_UNCOMPRESSED:
            raise ParseError(
                f"{self.name} unpacks to more than {format_size(MAX_DOCX_UNCOMPRESSED)}; it is refused as a "
                "possible zip bomb. Save the plan again from Word and import that."
            )
        return data

    def parse_part(self, part: str, *, required: bool = False) -> etree._Element | None:
        data = self.read_part(part)
        if data is None:
            if required:
                raise self.missing_document()
            return None
        try:
            return etree.fromstring(data, xml_parser())
        except etree.XMLSyntaxError as exc:
            if not required:
                return None  # styles, numbering, core properties: read the text without them
            raise self.damaged(f"{part} is not well-formed XML") from exc

    def missing_document(self) -> ParseError:
        names = self.names
        if "xl/workbook.xml" in names:
            return ParseError(
                f"{self.name} is an Excel workbook with a .docx name: plans are imported from Word "
                "documents; copy the plan into Word and save it as .docx."
            )
        if "ppt/presentation.xml" in names:
            return ParseError(
                f"{self.name} is a PowerPoint file with a .docx name: copy the plan into Word and save "
                "it as .docx."
            )
        if "content.xml" in names and "mimetype" in names:
            return ParseError(
                f"{self.name} is an OpenDocument (.odt) file: open it in WPS, Word or LibreOffice, save "
                "it as .docx, and import that."
            )
        return ParseError(
            f"{self.name} is a zip file but not a Word document (it has no word/document.xml): "
            "save the plan from Word as .docx and import that."
        )

    def relationships(self, rels_part: str) -> dict[str, str]:
        """Relationship type suffix (e.g. "styles") -> part name, from a .rels part."""
        root = self.parse_part(rels_part)
        found: dict[str, str] = {}
        if root is None:
            return found
        base = posixpath.dirname(posixpath.dirname(rels_part))
        for rel in root.iter(_PACKAGE_RELS):
            target, kind = rel.get("Target"), rel.get("Type")
            if not target or not kind or rel.get("TargetMode") == "External":
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
            found.setdefault(kind.rsplit("/", 1)[-1], posixpath.normpath(path))
        return found

    # -- reading -------------------------------------------------------------------------
