"""Job kinds: each app registers the function that does one kind of background work."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bitgoeul.jobs.models import Job
    from bitgoeul.jobs.services import JobReporter

JobFunction = Callable[["Job", "JobReporter"], None]
_KINDS: dict[str, JobFunction] = {}


def job_kind(name: str) -> Callable[[JobFunction], JobFunction]:
    """Register `function(job, reporter)` as the worker for jobs of kind `name`."""

    def register(function: JobFunction) -> JobFunction:
        if name in _KINDS and _KINDS[name] is not function:
            raise ValueError(f"job kind {name!r} is registered twice")
        _KINDS[name] = function
        return function

    return register


def job_function(name: str) -> JobFunction:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"no job kind {name!r} is registered") from None
