"""Open a company file whatever Korean office software or portal produced it.

- CSV: UTF-8 with or without BOM, or CP949 / EUC-KR (CP949 is a superset, so it reads both);
  comma, semicolon or tab separated.
- XLSX (Office Open XML).
- HTML tables that Korean portals save under an `.xls` name (they open in Excel as a sheet).
- Binary `.xls` (BIFF8, Excel 97–2003) with xlrd.

A file is refused with a clear message, before it takes much memory, when it has more than
`MAX_COLUMNS` columns, `MAX_ROWS` rows or `MAX_CELLS` cells, or a cell longer than
`MAX_CELL_CHARS`: a spreadsheet's declared size (openpyxl pads rows to the sheet's
`<dimension>`) and HTML `colspan` are not trusted.
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
MAX_COLUMNS = 200  # also keeps the mapping page under Django's 1,000 form fields
MAX_ROWS = 500_000
MAX_CELLS = 10_000_000  # rows × columns kept in memory as text
MAX_CELL_CHARS = 131_072  # 128 K characters (the csv module's own limit)


class FileError(ValueError):
    """The file as a whole cannot be read; the message says what to do."""


@dataclass
class Table:
    file_format: str  # csv, xlsx, xls, html
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
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE2 compound file: Excel 97–2003
        return "xls"
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


def _too_many_columns() -> FileError:
    return FileError(
        _(
            "The file has more than %(limit)d columns, which cannot be imported. Delete the "
            "columns you do not need, or save the sheet with only the table, and upload it again."
        )
        % {"limit": MAX_COLUMNS}
    )


def _too_large() -> FileError:
    return FileError(
        _(
            "The file has more than %(rows)s rows or %(cells)s cells. Split it into smaller "
            "files, or remove empty rows and columns, and upload them one by one."
        )
        % {"rows": f"{MAX_ROWS:,}", "cells": f"{MAX_CELLS:,}"}
    )


def _cell_too_long(row: int) -> FileError:
    return FileError(
        _(
            "Row %(row)d has a cell longer than %(limit)s characters, which cannot be "
            "imported. Shorten it and upload the file again."
        )
        % {"row": row, "limit": f"{MAX_CELL_CHARS:,}"}
    )


class _Rows:
    """Collects a reader's rows, refusing the file as soon as it passes the limits."""

    def __init__(self) -> None:
        self.rows: list[list[str]] = []
        self.cells = 0

    def add(self, row: list[str]) -> None:
        while row and not row[-1]:  # trailing empty cells (a padded or styled row)
            row.pop()
        if len(row) > MAX_COLUMNS:
            raise _too_many_columns()
        if any(len(c) > MAX_CELL_CHARS for c in row):
            raise _cell_too_long(len(self.rows) + 1)
        self.cells += max(1, len(row))
        if len(self.rows) >= MAX_ROWS or self.cells > MAX_CELLS:
            raise _too_large()
        self.rows.append(row)


def _read_csv(text: str) -> list[list[str]]:
    sample = text[:4096]
    delimiter = max([",", "\t", ";"], key=sample.count)
    out = _Rows()
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for row in reader:
            out.add([c.strip() for c in row])
    except csv.Error as exc:  # "field larger than field limit (131072)"
        raise _cell_too_long(reader.line_num) from exc
    return out.rows


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise FileError(_("The Excel file cannot be opened (%(error)s).") % {"error": exc}) from exc
    try:
        sheet = workbook.worksheets[0]
        # The declared <dimension> (A1:XFD1048576 in a 1.6 KB file) would pad every row to
        # 16,384 cells: read only the cells the sheet has.
        sheet.reset_dimensions()  # type: ignore[union-attr]
        out = _Rows()
        for row in sheet.iter_rows(values_only=True):
            out.add([_cell(v) for v in row])
        return out.rows
    finally:
        workbook.close()


def _read_xls(data: bytes) -> list[list[str]]:
    """The first sheet of a binary Excel 97–2003 file (BIFF8)."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except Exception as exc:  # xlrd raises many kinds for a damaged or encrypted file
        raise FileError(
            _("The Excel 97–2003 file cannot be opened (%(error)s).") % {"error": exc}
        ) from exc
    try:
        sheet = book.sheet_by_index(0)
        if sheet.ncols > MAX_COLUMNS:
            raise _too_many_columns()
        if sheet.nrows > MAX_ROWS or sheet.nrows * sheet.ncols > MAX_CELLS:
            raise _too_large()
        out = _Rows()
        for index in range(sheet.nrows):
            row = []
            for cell in sheet.row(index):
                value: object = cell.value
                if cell.ctype == xlrd.XL_CELL_DATE:
                    value = xlrd.xldate_as_datetime(cell.value, book.datemode)
                elif cell.ctype in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_BLANK):
                    value = None
                row.append(_cell(value))
            out.add(row)
        return out.rows
    finally:
        book.release_resources()


class _TableParser(HTMLParser):
    """Rows of the first <table> that has any (cells' text, <br> as a space)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self.rows = _Rows()  # the limits, over every table of the page
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
            # capped: colspan="2000000000" must not become two billion cells (the row is
            # refused once it passes MAX_COLUMNS); rowspan is not expanded at all
            self._span = min(int(span), MAX_COLUMNS + 1) if span and span.isdigit() else 1
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self.cell is not None and self.row is not None:
            text = re.sub(r"\s+", " ", "".join(self.cell)).strip()
            self.row.append(text)
            self.row.extend([""] * (self._span - 1))
            self.cell = None
            if len(self.row) > MAX_COLUMNS:
                raise _too_many_columns()
        elif tag == "tr" and self.row is not None:
            if self.tables:
                self.rows.add(list(self.row))
                self.tables[-1].append(self.rows.rows.pop())  # counted, kept per table
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
    elif file_format == "xls":
        rows, encoding = _read_xls(data), ""
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
