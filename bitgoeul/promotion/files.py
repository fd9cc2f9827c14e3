"""Event materials accepted by their content (never only by their name): PDF, JPEG/PNG/WebP
photos, and PowerPoint/Word files (PPTX/DOCX are ZIP archives holding `ppt/` or `word/`)."""

from __future__ import annotations

import zipfile
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bitgoeul.demonstrations.files import sniff_image

MAX_MATERIAL_BYTES = 20 * 1024 * 1024
KINDS = {
    "pdf": (("pdf",), "application/pdf"),
    "jpeg": (("jpg", "jpeg"), "image/jpeg"),
    "png": (("png",), "image/png"),
    "webp": (("webp",), "image/webp"),
    "pptx": (
        ("pptx",),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "docx": (
        ("docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
}


def sniff_material(stream: IO[bytes]) -> str | None:
    """The kind of file from its bytes ("pdf", "jpeg", "png", "webp", "pptx", "docx"), or None.
    Leaves the stream at 0."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    image = sniff_image(stream)
    if image is not None:
        return image
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(stream) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return None
        finally:
            stream.seek(0)
        if "[Content_Types].xml" in names:
            if any(name.startswith("ppt/") for name in names):
                return "pptx"
            if any(name.startswith("word/") for name in names):
                return "docx"
    return None


def check_material(stream: IO[bytes], name: str, size: int) -> tuple[str, str]:
    """(kind, content type) of an uploaded material, or a `ValidationError` saying what to
    fix."""
    if size > MAX_MATERIAL_BYTES:
        raise ValidationError(
            _("%(name)s is larger than %(limit)d MB. Upload a smaller file or give a link.")
            % {"name": name, "limit": MAX_MATERIAL_BYTES // (1024 * 1024)},
            code="too_large",
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = sniff_material(stream)
    if kind is None or extension not in KINDS[kind][0]:
        raise ValidationError(
            _(
                "%(name)s is not a PDF, a JPEG, PNG or WebP photo, or a PPTX or DOCX file. "
                "Upload a file in one of these formats."
            )
            % {"name": name},
            code="content",
        )
    return kind, KINDS[kind][1]
