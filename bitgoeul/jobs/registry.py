"""Job kinds: each app registers the function that does one kind of background work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bitgoeul.jobs.models import Job
    from bitgoeul.jobs.reporting import JobReporter

JobFunction = Callable[["Job", "JobReporter"], None]


@dataclass(frozen=True)
class JobKind:
    function: JobFunction
    # Run again from the start when its worker is lost: only for jobs that write nothing half
    # (an export writes a new file; an import that commits in chunks must not say so).
    retry_when_lost: bool = False
    # exceptions whose text is written for the person waiting (translated, no internals): the
    # task page shows it; any other exception is logged and the page says "unexpected error"
    user_errors: tuple[type[Exception], ...] = ()


_KINDS: dict[str, JobKind] = {}


def job_kind(
    name: str, *, retry_when_lost: bool = False, user_errors: tuple[type[Exception], ...] = ()
) -> Callable[[JobFunction], JobFunction]:
    """Register `function(job, reporter)` as the worker for jobs of kind `name`."""

    def register(function: JobFunction) -> JobFunction:
        if name in _KINDS and _KINDS[name].function is not function:
            raise ValueError(f"job kind {name!r} is registered twice")
        _KINDS[name] = JobKind(function, retry_when_lost, user_errors)
        return function

    return register


def job_kind_get(name: str) -> JobKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"no job kind {name!r} is registered") from None


def job_function(name: str) -> JobFunction:
    return job_kind_get(name).function
