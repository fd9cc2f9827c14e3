"""Read an uploaded table in a child process, with a memory and a time limit.

A hostile or merely odd file (a spreadsheet that declares a million columns, an HTML cell with
a two-billion `colspan`, a deeply nested zip) must not take the web server or the worker down
with it. `readers` already refuses what it can see is too large; this is the second wall, for
what it cannot foresee: the file is parsed by `python -m bitgoeul.companies.importing.isolated`,
which caps its own address space at what the interpreter uses when it starts plus
`IMPORT_READ_MEMORY_MB` and is stopped after `IMPORT_READ_SECONDS`. Either limit ends in a
`FileError` that says what to do; the parent is never at risk. The child hands the table back
as JSON in a temporary file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from bitgoeul.companies.importing.readers import FileError, Table

EXIT_FILE_ERROR = 3
EXIT_MEMORY = 4
PACKAGE_ROOT = Path(__file__).resolve().parents[3]


def read_isolated(path: Path, name: str | None = None) -> Table:
    """The table in `path` (named `name` by its uploader, for its format), read in a child
    process within the configured limits; `FileError` when it cannot be read."""
    name = name or path.name
    memory_mb, seconds = settings.IMPORT_READ_MEMORY_MB, settings.IMPORT_READ_SECONDS
    handle, output = tempfile.mkstemp(prefix="bitgoeul-table-", suffix=".json")
    os.close(handle)
    command = [
        sys.executable, "-m", "bitgoeul.companies.importing.isolated",
        str(path), name, output, translation.get_language() or settings.LANGUAGE_CODE,
        str(memory_mb),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PACKAGE_ROOT), *sys.path])}
    try:
        try:
            done = subprocess.run(  # nosec B603  # our own module, arguments are not a shell
                command, env=env, capture_output=True, text=True, timeout=seconds
            )
        except subprocess.TimeoutExpired:
            raise FileError(
                _(
                    "Reading %(name)s took longer than %(seconds)d seconds, so it was stopped. "
                    "Split it into smaller files, or save it as CSV, and upload it again."
                )
                % {"name": name, "seconds": seconds}
            ) from None
        if done.returncode == EXIT_FILE_ERROR:
            raise FileError(done.stdout.strip())
        if done.returncode == EXIT_MEMORY or done.returncode < 0:  # MemoryError, or killed
            raise FileError(
                _(
                    "Reading %(name)s needs more than %(memory)d MB of memory, so it was "
                    "stopped. Split it into smaller files, or save it as CSV, and upload it "
                    "again."
                )
                % {"name": name, "memory": memory_mb}
            )
        if done.returncode != 0:
            raise RuntimeError(f"reading {name} failed: {done.stderr.strip()[-2000:]}")
        with open(output, encoding="utf-8") as stream:
            data = json.load(stream)
        return Table(**data)
    finally:
        Path(output).unlink(missing_ok=True)


def _address_space() -> int:
    """The bytes of address space this process uses now (Linux), or 0 when unknown."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def _child(path: str, name: str, output: str, language: str, memory_mb: str) -> int:
    import django

    django.setup()
    import resource

    from bitgoeul.companies.importing.readers import read_table

    translation.activate(language)
    data = Path(path).read_bytes()
    used = _address_space()
    if used:
        limit = used + int(memory_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        table = read_table(data, name)
        del data
        with open(output, "w", encoding="utf-8") as stream:
            json.dump(table.__dict__, stream, ensure_ascii=False)
    except FileError as error:
        print(str(error))
        return EXIT_FILE_ERROR
    except MemoryError:
        return EXIT_MEMORY
    return 0


if __name__ == "__main__":
    sys.exit(_child(*sys.argv[1:6]))
