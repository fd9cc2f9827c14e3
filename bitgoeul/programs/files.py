"""What an uploaded document really is, read from its content (never only from its name).

The kinds calls and applications accept: PDF, HWP (the binary, OLE2 compound format of
Hancom Office), HWPX (Hancom's OWPML zip), DOCX and XLSX (Office Open XML zips). A file is
accepted only when its bytes are of the kind its extension claims.
"""

from __future__ import annotations

import zipfile
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DOCUMENT_KINDS = ("pdf", "hwp", "hwpx", "docx", "xlsx")
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _zip_members(stream: IO[bytes]) -> tuple[set[str], bytes]:
    """The member names of a zip and its `mimetype` member's content (b"" when absent)."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
            return names, mimetype
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return set(), b""


def sniff(stream: IO[bytes]) -> str | None:
    """The document kind of the bytes (one of DOCUMENT_KINDS), or None. Leaves the stream at 0."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head == OLE2_MAGIC:
        # A compound file: HWP 5 has a "FileHeader" stream (its directory entry, in UTF-16)
        # whose content starts with the signature "HWP Document File"; Word and Excel 97
        # files have neither.
        data = stream.read(256 * 1024)
        stream.seek(0)
        header_entry = "FileHeader".encode("utf-16-le")
        return "hwp" if header_entry in data and b"HWP Document File" in data else None
    if head.startswith(b"PK\x03\x04"):
        names, mimetype = _zip_members(stream)
        stream.seek(0)
        if mimetype.startswith(b"application/hwp+zip") or "Contents/section0.xml" in names:
            return "hwpx"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def check_document(
    stream: IO[bytes],
    name: str,
    size: int,
    *,
    kinds: tuple[str, ...] = DOCUMENT_KINDS,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> str:
    """The kind of an uploaded document, or a `ValidationError` that says what to fix."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = ", ".join(kind.upper() for kind in kinds)
    if size > max_bytes:
        raise ValidationError(
            _("%(name)s is larger than %(limit)d MB. Upload a smaller file.")
            % {"name": name, "limit": max_bytes // (1024 * 1024)},
            code="too_large",
        )
    if extension not in kinds:
        raise ValidationError(
            _("%(name)s is not an accepted kind of file. Upload one of: %(kinds)s.")
            % {"name": name, "kinds": allowed},
            code="kind",
        )
    kind = sniff(stream)
    if kind != extension:
        raise ValidationError(
            _(
                "%(name)s is not a real %(kind)s file (its content does not match its name). "
                "Save it again as %(kind)s and upload it."
            )
            % {"name": name, "kind": extension.upper()},
            code="content",
        )
    return kind
