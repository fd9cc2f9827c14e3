"""Helpers of the calls tests: fixed times in Asia/Seoul, a complete draft call, and real
document bytes for attachments (PDF, DOCX, XLSX, HWP, HWPX)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from bitgoeul.accounts.models import Organization
from bitgoeul.programs.enums import CallState
from bitgoeul.programs.models import Call
from tests.companies.files import ole2
from tests.programs.factories import CallFactory, CriterionFactory, StageFactory, standard_form

SEOUL = ZoneInfo("Asia/Seoul")


def seoul(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=SEOUL)


# "now" of the tests that fix the clock: 2026-12-01 10:00 in Seoul
NOW = seoul(2026, 12, 1, 10)


def complete_draft(organizer: Organization, **kwargs: object) -> Call:
    """A draft call that may be published at NOW: one stage with weights 60 + 40, the
    standard form, dates around NOW."""
    values: dict[str, object] = {
        "organizer": organizer,
        "state": CallState.DRAFT,
        "published_at": None,
        "opens_at": NOW - dt.timedelta(days=1),
        "closes_at": NOW + dt.timedelta(days=14),
        **kwargs,
    }
    call = CallFactory.create(**values)
    stage = StageFactory.create(call=call)
    CriterionFactory.create(stage=stage, order=1, name="기술성", weight=60)
    CriterionFactory.create(stage=stage, order=2, name="사업성", name_en="Business", weight=40)
    standard_form(call)
    return call


def chapter_draft(organizer: Organization) -> Call:
    """A complete draft (it may be published now, on the real clock)."""
    from django.utils import timezone

    return complete_draft(
        organizer,
        opens_at=timezone.now() - dt.timedelta(days=1),
        closes_at=timezone.now() + dt.timedelta(days=14),
    )


# --- documents ---------------------------------------------------------------------------------


def pdf_bytes() -> bytes:
    """A small but real one-page PDF (header, catalog, pages, page, xref, trailer)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>사업계획서 양식</w:t></w:r></w:p></w:body></w:document>"
)


def docx_bytes() -> bytes:
    """A minimal Word document (the parts Word needs to open it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", DOCUMENT)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["항목", "금액"])
    sheet.append(["인건비", 30_000_000])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def hwp_bytes() -> bytes:
    """No sample HWP file is installed on this machine: a minimal HWP 5 compound file built
    here (an OLE2 container whose "FileHeader" stream starts with the HWP signature), which is
    what `files.sniff` reads."""
    header = b"HWP Document File".ljust(32, b"\0") + b"\x00\x00\x05\x05" + b"\0" * 220
    return ole2(header, name="FileHeader")


def word97_bytes() -> bytes:
    """A Word 97 compound file (no HWP header): renamed .hwp it must be refused."""
    return ole2(b"\xec\xa5\xc1\x00" + b"\0" * 508, name="WordDocument")


def hwpx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/hwp+zip")
        archive.writestr("Contents/section0.xml", "<hs:sec/>")
    return out.getvalue()
