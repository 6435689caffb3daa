"""Plain text (.txt) and Markdown (.md) plans.

Encoding: Chinese plans arrive as UTF-8 (with or without a BOM), GBK/GB18030 (Notepad on
older Windows) and UTF-16 (Notepad's "Unicode"). A wrong guess garbles every character, so
the order is deterministic: a BOM decides; then strict UTF-8 (GBK text is almost never valid
UTF-8); then strict GB18030 if the text looks like GB2312-range Chinese; only then
charset-normalizer. Undecodable or binary input is refused with a message saying so.

Blocks: every non-blank line is one paragraph block, stripped of surrounding whitespace
(including the ideographic space used to indent Chinese paragraphs). Blank lines vanish,
so ``Document.text`` is the file's lines joined by single newlines: not byte-identical to
the file, but every character in it is one the user wrote.

Markdown: ``#`` headings become blocks with ``heading_level`` whose text is the title
without the ``#`` marker (a first ``# heading`` is also the ``title_hint``); pipe tables become ``table_row`` blocks (the ``|---|`` delimiter
row is dropped, the first row is the header). Everything else is kept as written, list
markers and emphasis included, because "1." is a plan's numbering, not decoration.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from workplan.parsing.document import Document
from workplan.parsing.errors import ParseError
from workplan.parsing.readers._common import DocumentBuilder, sniff_format

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ASCII = bytes(range(128))
# High bytes of common UTF-16 code units: ASCII/Latin-1, general punctuation, CJK symbols,
# CJK ideographs (U+4E00-U+9FFF), full-width forms.
_PLAUSIBLE_HIGH_BYTES = bytes([0x00, 0x20, 0x30, 0xFF, *range(0x4E, 0xA0)])
#: Share of a GB18030 decoding's non-ASCII bytes that may fall outside GB2312 (common
#: Chinese) before we suspect the bytes are some other encoding (Big5, Windows-1252).
_MAX_RARE_GB_SHARE = 0.2
#: Share of control characters above which a decoded file is taken for binary data.
_MAX_CONTROL_SHARE = 0.01
# Control characters other than tab and the line separators that str.splitlines() knows.
_BAD_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")


def _binary_error(name: str, data: bytes) -> ParseError:
    kind = sniff_format(data)
    hint = {
        "zip": "it looks like a Word .docx (or other zip) file: give it the right extension",
        "ole": "it looks like an old Word .doc or Excel file: save it as .docx and import that",
        "pdf": "it looks like a PDF file: rename it to .pdf",
        "rtf": "it looks like an RTF file: open it in Word or WPS and save it as .docx",
    }.get(kind or "", "save the plan as UTF-8 text, or import the original .docx")
    return ParseError(f"{name} contains binary data, not text: {hint}.")


def _plausible_high_bytes(high: bytes) -> float:
    """Share of UTF-16 high bytes that belong to ASCII, punctuation, CJK or full-width forms."""
    return 1 - len(high.translate(None, _PLAUSIBLE_HIGH_BYTES)) / max(1, len(high))


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM: the high byte of each character is 0 (ASCII) or a CJK row."""
    if len(data) % 2:
        return None
    little, big = _plausible_high_bytes(data[1::2]), _plausible_high_bytes(data[0::2])
    if little >= 0.9 and little > big:
        return "utf-16-le"
    if big >= 0.9 and big > little:
        return "utf-16-be"
    return None


def _looks_like_common_chinese(data: bytes, text: str) -> bool:
    """True if most non-ASCII characters of a GB18030 decoding are in GB2312.

    Big5 or Windows-1252 bytes often decode as GB18030 too, but into rare characters.
    """
    non_ascii = len(data.translate(None, _ASCII))
    if not non_ascii:
        return True
    common = len(text.encode("gb2312", errors="ignore").translate(None, _ASCII))
    return (non_ascii - common) <= _MAX_RARE_GB_SHARE * non_ascii


def _nearly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few damaged bytes (a file cut mid-character): decoded with U+FFFD there."""
    text = data.decode("utf-8", errors="replace")
    damaged = text.count("\ufffd")
    return text if damaged <= max(1, len(text) // 1000) else None


def _guess_encoding(data: bytes) -> str | None:
    """charset-normalizer's guess; among equally good guesses, Windows-1252 (Western) wins."""
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        return None
    best = matches[0]
    tied = [match for match in matches if match.chaos <= best.chaos and match.coherence >= best.coherence]
    for match in tied:
        if match.encoding == "cp1252" or "cp1252" in match.could_be_from_charset:
            return "cp1252"
    return None if best.encoding in ("utf_8", "utf_16", "utf_32") else str(best.encoding)


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode a text file's bytes; returns ``(text, encoding)`` with any BOM removed."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                raise ParseError(
                    f"{name} starts like {encoding.upper()} text but is not valid {encoding.upper()}: "
                    "save it again as UTF-8 and import that."
                ) from None
            return _checked(text.removeprefix("\ufeff"), data, name), encoding
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise _binary_error(name, data)
        try:
            return _checked(data.decode(utf16), data, name), utf16
        except UnicodeDecodeError:
            raise _binary_error(name, data) from None
    try:
        return _checked(data.decode("utf-8"), data, name), "utf-8"
    except UnicodeDecodeError:
        pass
    gb_text: str | None
    try:
        gb_text = data.decode("gb18030")
    except UnicodeDecodeError:
        gb_text = None
    if gb_text is not None and _looks_like_common_chinese(data, gb_text):
        return _checked(gb_text, data, name), "gb18030"
    if sniff_format(data) is not None:
        raise _binary_error(name, data)
    damaged_utf8 = _nearly_utf8(data)
    if damaged_utf8 is not None:
        return _checked(damaged_utf8, data, name), "utf-8"
    guessed = _guess_encoding(data)
    if guessed is not None:
        try:
            return _checked(data.decode(guessed), data, name), codecs.lookup(guessed).name
        except (UnicodeDecodeError, LookupError):
            pass
    if gb_text is not None:
        return _checked(gb_text, data, name), "gb18030"
    raise ParseError(
        f"{name} is not in a text encoding we can recognise (UTF-8, GBK/GB18030 or UTF-16): "
        "open it in a text editor, save it as UTF-8, and import that."
    )


def _checked(text: str, data: bytes, name: str) -> str:
    """Refuse text that decoded but is really binary (NULs, many control characters)."""
    if "\x00" in text:
        raise _binary_error(name, data)
    controls = len(_BAD_CONTROLS.findall(text))
    if controls > _MAX_CONTROL_SHARE * len(text) + 1:
        raise _binary_error(name, data)
    return text


def _lines(text: str) -> list[str]:
    return text.splitlines()


def read_txt(data: bytes, name: str) -> Document:
    """A .txt plan: each non-blank line is a paragraph."""
    text, encoding = decode_text(data, name)
    builder = DocumentBuilder()
    for line in _lines(text):
        builder.add_paragraph(line)
    return builder.build(source_format="txt", encoding=encoding)


_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_TABLE_DELIMITER = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def _split_row(line: str) -> list[str]:
    stripped = line.strip()
    stripped = stripped.removeprefix("|")
    if stripped.endswith("|") and not stripped.endswith("\\|"):
        stripped = stripped[:-1]
    return [cell.strip().replace("\\|", "|") for cell in _UNESCAPED_PIPE.split(stripped)]


def read_md(data: bytes, name: str) -> Document:
    """A Markdown plan: ``#`` headings get ``heading_level``, pipe tables become rows."""
    text, encoding = decode_text(data, name)
    lines = _lines(text)
    builder = DocumentBuilder()
    fence: str | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        fence_match = _FENCE.match(line)
        if fence is not None:
            if (
                fence_match
                and fence_match.group(1)[0] == fence[0]
                and len(fence_match.group(1)) >= len(fence)
            ):
                fence = None
            builder.add_paragraph(line)
            continue
        if fence_match:
            fence = fence_match.group(1)
            builder.add_paragraph(line)
            continue
        heading = _ATX_HEADING.match(line)
        if heading:
            builder.add_paragraph(heading.group(2) or "", heading_level=len(heading.group(1)))
            continue
        if (
            "|" in line
            and index < len(lines)
            and _TABLE_DELIMITER.match(lines[index])
            and "|" in lines[index]
        ):
            headers = _split_row(line)
            builder.add_row(headers, is_header=True)
            index += 1  # the delimiter row is markup, not content
            header_texts: list[str | None] = [cell or None for cell in headers]
            while index < len(lines) and "|" in lines[index] and lines[index].strip():
                builder.add_row(_split_row(lines[index]), header_texts)
                index += 1
            continue
        builder.add_paragraph(line)
    document = builder.build(source_format="md", encoding=encoding)
    if document.blocks and document.blocks[0].heading_level == 1:
        document.title_hint = document.block_text(document.blocks[0])
    return document
