"""Company files as Korean offices and portals produce them, generated for the tests."""

from __future__ import annotations

import io
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


def xlsx_bytes(rows: list[list[object]] | None = None) -> bytes:
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


def html_xls_bytes(rows: list[list[str]] | None = None, *, encoding: str = "euc-kr") -> bytes:
    """An HTML table with an .xls name, as Korean portals' "엑셀 다운로드" produce."""
    head = "".join(f"<th>{escape(h)}</th>" for h in HEADERS)
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
