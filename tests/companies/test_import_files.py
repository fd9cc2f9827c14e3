"""Hostile or unusual files: a declared size that is not there, huge spans, huge cells, too
many columns. Each is refused with a clear message (or read as what it holds), fast and in
little memory."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from bitgoeul.companies.importing import readers
from bitgoeul.companies.importing.readers import FileError, read_table
from bitgoeul.companies.models import CompanyImport
from tests.companies.files import HEADERS, ROWS, csv_bytes, xlsx_declaring
from tests.conftest import World


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _peak(data: bytes, name: str) -> tuple[object, int]:
    """What read_table gives (the table's rows, or the FileError's message) and the peak
    memory it took."""
    tracemalloc.start()
    try:
        result: object = read_table(data, name).rows
    except FileError as exc:
        result = str(exc)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, peak


def test_an_xlsx_declaring_the_whole_sheet_reads_only_its_cells() -> None:
    data = xlsx_declaring("A1:XFD1048576")
    rows, peak = _peak(data, "a.xlsx")
    assert rows == [ROWS[0][:2]]
    assert peak < 20 * 2**20  # padded to the declared size it would be about 140 GB


def test_an_html_cell_spanning_two_billion_columns_is_refused() -> None:
    data = b'<table><tr><td>a</td><td colspan="2000000000">b</td></tr></table>'
    message, peak = _peak(data, "a.xls")
    assert message == (
        "The file has more than 200 columns, which cannot be imported. Delete the columns you "
        "do not need, or save the sheet with only the table, and upload it again."
    )
    assert peak < 5 * 2**20


def test_a_cell_over_128_kb_is_a_clear_file_error() -> None:
    data = csv_bytes([[*ROWS[0][:9], "x" * 200_000]])
    with pytest.raises(FileError) as error:
        read_table(data, "a.csv")
    assert str(error.value) == (
        "Row 2 has a cell longer than 131,072 characters, which cannot be imported. Shorten it "
        "and upload the file again."
    )


def test_too_many_cells_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "MAX_CELLS", 25)
    with pytest.raises(FileError, match="Split it into smaller files"):
        read_table(csv_bytes(ROWS * 2), "a.csv")
    monkeypatch.setattr(readers, "MAX_CELLS", 50)
    assert len(read_table(csv_bytes(ROWS * 2), "a.csv").rows) == 4


def test_a_10000_column_csv_is_refused_at_upload(world: World, client: Client) -> None:
    client.force_login(world.operator)
    headers = [*HEADERS, *(f"열{i}" for i in range(10_000 - len(HEADERS)))]
    data = csv_bytes([[*ROWS[0], *([""] * (len(headers) - len(HEADERS)))]], headers=headers)
    upload = SimpleUploadedFile("wide.csv", data, "text/csv")
    response = client.post(reverse("companies:import_upload"), {"file": upload})
    assert response.status_code == 200
    assert (
        "파일의 열이 200개를 넘어 가져올 수 없습니다." in response.content.decode()
    )  # the user's language
    assert not CompanyImport.objects.exists()


def test_a_200_column_mapping_page_stays_under_the_form_field_limit(
    world: World, client: Client
) -> None:
    client.force_login(world.operator)
    headers = [*HEADERS, *(f"열{i}" for i in range(200 - len(HEADERS)))]
    data = csv_bytes([[*ROWS[0], *([""] * (200 - len(HEADERS)))]], headers=headers)
    client.post(
        reverse("companies:import_upload"),
        {"file": SimpleUploadedFile("wide.csv", data, "text/csv")},
    )
    stored = CompanyImport.objects.get()
    mapping = {f"map-col{i}": stored.mapping[h] for i, h in enumerate(stored.headers)}
    response = client.post(reverse("companies:import_detail", args=[stored.pk]), mapping)
    assert response.status_code == 302  # submitted: 200 fields and the token, under 1,000
