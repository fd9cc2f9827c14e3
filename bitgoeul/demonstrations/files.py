"""Photos for the showcase, accepted by their content (never only by their name)."""

from __future__ import annotations

from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_PHOTO_BYTES = 5 * 1024 * 1024
EXTENSIONS = {"jpeg": ("jpg", "jpeg"), "png": ("png",), "webp": ("webp",)}
CONTENT_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def sniff_image(stream: IO[bytes]) -> str | None:
    """ "jpeg", "png" or "webp" from the first bytes, or None. Leaves the stream at 0."""
    stream.seek(0)
    head = stream.read(12)
    stream.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def check_photo(stream: IO[bytes], name: str, size: int) -> str:
    """The photo's kind ("jpeg", "png", "webp"), or a `ValidationError` saying what to fix."""
    if size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("%(name)s is larger than %(limit)d MB. Upload a smaller photo.")
            % {"name": name, "limit": MAX_PHOTO_BYTES // (1024 * 1024)},
            code="too_large",
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = sniff_image(stream)
    if kind is None or extension not in EXTENSIONS[kind]:
        raise ValidationError(
            _("%(name)s is not a JPEG, PNG or WebP photo. Upload a photo in one of these formats.")
            % {"name": name},
            code="content",
        )
    return kind
