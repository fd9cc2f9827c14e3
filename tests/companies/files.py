"""Company files as Korean offices and portals produce them, generated for the tests."""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence
from html import escape

from openpyxl import Workbook

HEADERS = [
    "회사명",
    "사업자등록번호",
    "대표자명",
    "업종",
    "주요제품",
    "지역",
    "설립일",
    "종업원수",
    "매출액(백만원)",
    "홈페이지",
]
ROWS = [
    [
        "(주)빛고을에이아이",
        "120-81-47521",
        "정다온",
        "62010",
        "의료영상 AI 판독 솔루션",
        "광주",
        "2019-03-01",
        "24",
        "1,250",
        "www.bitgoeul-ai.kr",
    ],
    [
        "(주)영산로보틱스",
        "1048145012",
        "김민준",
        "29199",
        "협동로봇, 물류로봇",
        "전남",
        "2016.07.15",
        "58",
        "8,400",
        "https://yeongsan-robotics.kr",
    ],
]


def csv_bytes(
    rows: list[list[str]] | None = None,
    *,
    encoding: str = "utf-8",
    headers: list[str] | None = None,
) -> bytes:
    lines = [
        ",".join(f'"{c}"' if "," in c else c for c in row)
        for row in [headers or HEADERS, *(ROWS if rows is None else rows)]
    ]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[object]] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["기업 현황 (2024년 12월 기준)"])  # a title row above the header, as portals do
    sheet.append(HEADERS)
    for row in ROWS if rows is None else rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def html_xls_bytes(
    rows: list[list[str]] | None = None,
    *,
    encoding: str = "euc-kr",
    headers: list[str] | None = None,
) -> bytes:
    """An HTML table with an .xls name, as Korean portals' "엑셀 다운로드" produce."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers or HEADERS)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
        for row in (ROWS if rows is None else rows)
    )
    page = (
        f'<html><head><meta http-equiv="Content-Type" content="application/vnd.ms-excel; '
        f'charset={encoding}"></head><body><table border="1"><tr>{head}</tr>{body}</table>'
        "</body></html>"
    )
    return page.encode("cp949" if encoding == "euc-kr" else encoding)


def xlsx_declaring(dimension: str, rows: Sequence[Sequence[object]] | None = None) -> bytes:
    """A small XLSX whose sheet declares `dimension` (`A1:XFD1048576`) whatever it holds."""
    import re
    import zipfile

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows or [HEADERS[:2], ROWS[0][:2]]:
        sheet.append(row)
    original = io.BytesIO()
    workbook.save(original)
    out = io.BytesIO()
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(), content
                )
            z.writestr(item, content)
    return out.getvalue()


# --- a stock-exchange listing, as KRX's 상장법인목록 download gives it ---------------------
LISTING_HEADERS = [
    "회사명",
    "시장구분",
    "종목코드",
    "업종",
    "주요제품",
    "상장일",
    "결산월",
    "대표자명",
    "홈페이지",
    "지역",
]
LISTING_ROWS: list[list[object]] = [
    [
        "빛고을바이오",
        "코스닥",
        "217330",
        "의료용품 및 기타 의약 관련제품 제조업",
        "진단키트",
        "2015-07-23",
        "12월",
        "김하늘",
        "www.bitgoeul-bio.kr",
        "광주광역시",
    ],
    [
        "무등정밀",
        "유가증권",
        "004560",
        "특수 목적용 기계 제조업",
        "반도체 장비",
        "1996-01-04",
        12,
        "박무등",
        "",
        "전라남도",
    ],
]


def listing_html_xls(rows: Sequence[Sequence[object]] | None = None) -> bytes:
    """The listing as KRX saves it: an HTML table in EUC-KR under an .xls name."""
    return html_xls_bytes(
        [[str(c) for c in row] for row in (LISTING_ROWS if rows is None else rows)],
        headers=LISTING_HEADERS,
    )


def _record(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _bof(substream: int) -> bytes:  # BIFF8, workbook globals (5) or worksheet (0x10)
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, substream, 0x0DBB, 0x07CC, 0, 0x06))


def biff8_stream(rows: Sequence[Sequence[object]]) -> bytes:
    """A BIFF8 workbook stream with one sheet: BOF, BOUNDSHEET, SST, EOF; then the sheet's
    BOF, a LABELSST for each text cell and a NUMBER for each number, EOF (all xlrd needs)."""
    strings: dict[str, int] = {}
    cells = b""
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, int | float):
                cells += _record(0x0203, struct.pack("<HHHd", r, c, 0, float(value)))
            elif value != "":
                index = strings.setdefault(str(value), len(strings))
                cells += _record(0x00FD, struct.pack("<HHHI", r, c, 0, index))
    sst = struct.pack("<II", len(strings), len(strings)) + b"".join(
        struct.pack("<HB", len(s), 1) + s.encode("utf-16-le") for s in strings
    )
    sheet = _bof(0x0010) + cells + _record(0x000A, b"")
    name = "Sheet1".encode("utf-16-le")

    def workbook_globals(offset: int) -> bytes:
        bound = _record(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name) // 2, 1) + name)
        return _bof(0x0005) + bound + _record(0x00FC, sst) + _record(0x000A, b"")

    return workbook_globals(len(workbook_globals(0))) + sheet


def ole2(stream: bytes, name: str = "Workbook") -> bytes:
    """`stream` in an OLE2 compound file, as Excel 97–2003 saves it: a header, one FAT
    sector, one directory sector (root and the stream), then the stream's sectors (at least
    4,096 bytes, so that it is a regular stream, not in the mini stream)."""
    stream += b"\0" * (max(4096, -(-len(stream) // 512) * 512) - len(stream))
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    count = len(stream) // 512
    fat = [fat_sector, end, *range(3, 2 + count), end]
    fat += [free] * (128 - len(fat))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0, 0)
        + struct.pack("<I", free) * 108
    )

    def entry(entry_name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = entry_name.encode("utf-16-le") + b"\0\0" if entry_name else b""
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<iii", -1, -1, child)
            + b"\0" * 36
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, 1, end, 0) + entry(name, 2, -1, 2, len(stream))
    directory += entry("", 0, -1, 0, 0) * 2
    return header + struct.pack("<128I", *fat) + directory + stream


def listing_xls(rows: Sequence[Sequence[object]] | None = None) -> bytes:
    """The same listing as a binary Excel 97–2003 file."""
    return ole2(biff8_stream([LISTING_HEADERS, *(LISTING_ROWS if rows is None else rows)]))
