"""Uploaded tables are read in a child process with a memory and a time limit
(companies/importing/isolated.py): what it reads equals the direct reader, and a file that
needs more memory or time ends in a clear message, with nothing kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import translation

from bitgoeul.companies.importing.isolated import read_isolated
from bitgoeul.companies.importing.readers import FileError, read_table
from bitgoeul.companies.models import CompanyImport
from bitgoeul.companies.services.importing import company_import_upload
from tests.factories import UserFactory

CSV = "회사명,사업자등록번호,직원수\n(주)빛고을,1208147521,12\n(주)무등,2208162517,7\n"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_the_child_reads_what_the_direct_reader_reads(tmp_path: Path) -> None:
    data = CSV.encode("cp949")
    table = read_isolated(_write(tmp_path, "a.csv", data), "기업목록.csv")
    direct = read_table(data, "기업목록.csv")
    assert (table.file_format, table.encoding, table.headers) == ("csv", "cp949", direct.headers)
    assert (table.rows, table.row_numbers) == (direct.rows, direct.row_numbers)


def test_a_file_error_comes_back_in_the_users_language(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", b"")
    with translation.override("ko"), pytest.raises(FileError) as korean:
        read_isolated(path, "빈파일.csv")
    with translation.override("en"), pytest.raises(FileError) as english:
        read_isolated(path, "empty.csv")
    assert str(korean.value) != str(english.value)
    assert any("\uac00" <= ch <= "\ud7a3" for ch in str(korean.value))


@override_settings(IMPORT_READ_MEMORY_MB=40)
def test_a_file_that_needs_more_memory_than_the_limit_is_refused_clearly(tmp_path: Path) -> None:
    # 200,000 rows of 10 cells: about 2 million strings, far more than 40 MB once parsed
    row = ",".join(f"값{i:03d}" for i in range(10))
    data = ("\n".join([",".join(f"열{i}" for i in range(10))] + [row] * 200_000)).encode()
    path = _write(tmp_path, "big.csv", data)
    with translation.override("en"), pytest.raises(FileError) as error:
        read_isolated(path, "big.csv")
    assert str(error.value).startswith("Reading big.csv needs more than 40 MB of memory")
    with override_settings(IMPORT_READ_MEMORY_MB=2048):  # the same file within a real limit
        assert len(read_isolated(path, "big.csv").rows) == 200_000


@override_settings(IMPORT_READ_SECONDS=0.2)
def test_a_read_that_takes_longer_than_the_limit_is_stopped_clearly(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", CSV.encode())
    with translation.override("en"), pytest.raises(FileError) as error:
        read_isolated(path, "slow.csv")
    assert str(error.value).startswith("Reading slow.csv took longer than")


@pytest.mark.django_db
@override_settings(IMPORT_READ_MEMORY_MB=40)
def test_an_upload_that_cannot_be_read_keeps_neither_a_row_nor_the_file() -> None:
    row = ",".join(f"값{i:03d}" for i in range(10))
    data = ("\n".join([",".join(f"열{i}" for i in range(10))] + [row] * 200_000)).encode()
    with pytest.raises(FileError):
        company_import_upload(user=UserFactory(), name="big.csv", data=data)
    assert CompanyImport.objects.count() == 0
    folder = Path(settings.MEDIA_ROOT) / "imports"
    assert not folder.exists() or list(folder.iterdir()) == []


@pytest.mark.django_db
def test_an_upload_keeps_its_row_count_and_preview_so_the_mapping_page_reads_no_file() -> None:
    upload = company_import_upload(user=UserFactory(), name="a.csv", data=CSV.encode())
    assert (upload.row_count, upload.headers) == (2, ["회사명", "사업자등록번호", "직원수"])
    assert upload.preview == [["(주)빛고을", "1208147521", "12"], ["(주)무등", "2208162517", "7"]]
