"""Open a company file whatever Korean office software or portal produced it.

- CSV: UTF-8 with or without BOM, or CP949 / EUC-KR (CP949 is a superset, so it reads both);
  comma, semicolon or tab separated.
- XLSX (Office Open XML).
- HTML tables that Korean portals save under an `.xls` name (they open in Excel as a sheet).
- A real binary `.xls` (BIFF) is refused with a clear message: save it as XLSX first.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import operator
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from django.utils.translation import gettext as _

from bitgoeul.companies.importing.fields import guess_mapping

HEADER_SEARCH_ROWS = 10  # portals put a title or notes above the header row


class FileError(ValueError):
    """The file as a whole cannot be read; the message says what to do."""


@dataclass
class Table:
    file_format: str  # csv, xlsx, html
    encoding: str
    headers: list[str]
    rows: list[list[str]]  # data rows, each as long as the headers (blank rows left out)
    row_numbers: list[int]  # the file's row number (1-based) of each of `rows`


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (BOM or not), else CP949."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp949"), "cp949"
    except UnicodeDecodeError:
        raise FileError(
            _("The file is neither UTF-8 nor CP949 (EUC-KR) text: save it as CSV UTF-8 or XLSX.")
        ) from None


def detect_format(data: bytes, name: str) -> str:
    head = data[:2048]
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileError(
            _(
                "This is an old binary Excel file (.xls). Open it in Excel or Hancom Office "
                "and save it as .xlsx or CSV, then upload it again."
            )
        )
    text_head = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text_head.startswith((b"<", b"<!doctype")) or b"<table" in head.lower():
        return "html"
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise FileError(_("The file is named .xlsx but is not an Excel workbook."))
    return "csv"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(text: str) -> list[list[str]]:
    sample = text[:4096]
    delimiter = max([",", "\t", ";"], key=sample.count)
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise FileError(_("The Excel file cannot be opened (%(error)s).") % {"error": exc}) from exc
    try:
        sheet = workbook.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


class _TableParser(HTMLParser):
    """Rows of the first <table> that has any (cells' text, <br> as a space)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self.depth = 0
        self.row: list[str] | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.depth += 1
            self.tables.append([])
        elif tag == "tr" and self.depth:
            self.row = []
        elif tag in {"td", "th"} and self.row is not None:
            self.cell = []
            span = dict(attrs).get("colspan")
            self._span = int(span) if span and span.isdigit() else 1
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self.cell is not None and self.row is not None:
            text = re.sub(r"\s+", " ", "".join(self.cell)).strip()
            self.row.append(text)
            self.row.extend([""] * (self._span - 1))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.tables:
                self.tables[-1].append(self.row)
            self.row = None
        elif tag == "table" and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def _read_html(data: bytes) -> tuple[list[list[str]], str]:
    declared = re.search(rb"charset\s*=\s*[\"']?([\w-]+)", data[:4096], re.IGNORECASE)
    encoding = ""
    if declared:
        encoding = declared.group(1).decode("ascii").lower()
        if encoding in {"euc-kr", "ks_c_5601-1987", "ksc5601", "cp949", "x-windows-949"}:
            encoding = "cp949"
        try:
            text = data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            text, encoding = decode(data)
    else:
        text, encoding = decode(data)
    parser = _TableParser()
    parser.feed(text)
    parser.close()
    tables = [t for t in parser.tables if t]
    if not tables:
        raise FileError(_("The file looks like a web page but has no table."))
    return max(tables, key=len), encoding


def _header_index(rows: list[list[str]]) -> int:
    """The header row: the first of the first rows naming two or more known fields, else the
    first non-empty row."""
    first_non_empty = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if not any(row):
            continue
        if first_non_empty is None:
            first_non_empty = index
        if sum(1 for code in guess_mapping(row).values() if code) >= 2:
            return index
    if first_non_empty is None:
        raise FileError(_("The file is empty."))
    return first_non_empty


def read_table(data: bytes, name: str) -> Table:
    """Parse a whole file into a header row and data rows (empty rows dropped)."""
    file_format = detect_format(data, name)
    if file_format == "xlsx":
        rows, encoding = _read_xlsx(data), ""
    elif file_format == "html":
        rows, encoding = _read_html(data)
    else:
        text, encoding = decode(data)
        rows = _read_csv(text)
    index = _header_index(rows)
    headers = [h.strip() or f"#{i + 1}" for i, h in enumerate(rows[index])]
    width = len(headers)
    body, numbers = [], []
    for number, row in enumerate(rows[index + 1 :], start=index + 2):
        if not any(row):  # the readers strip every cell; the row keeps its number
            continue
        body.append(row if len(row) == width else (row + [""] * width)[:width])
        numbers.append(number)
    return Table(file_format, encoding, headers, body, numbers)


def read_path(path: Path) -> Table:
    return read_table(path.read_bytes(), path.name)


def iter_records(table: Table, mapping: dict[str, str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(file row number, {field code: cell text}) for each data row, by the header mapping."""
    used = [(i, mapping[h]) for i, h in enumerate(table.headers) if mapping.get(h)]
    codes = [code for _i, code in used]
    cells = operator.itemgetter(*[i for i, _code in used]) if len(used) > 1 else None
    for number, row in zip(table.row_numbers, table.rows, strict=True):
        values = cells(row) if cells is not None else [row[i] for i, _code in used]
        yield number, dict(zip(codes, values, strict=True))
