"""Job kinds: each app registers the function that does one kind of background work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bitgoeul.jobs.models import Job
    from bitgoeul.jobs.reporting import JobReporter

JobFunction = Callable[["Job", "JobReporter"], None]


@dataclass(frozen=True)
class JobAction:
    """A next step the task page offers: a link, or a form posted with `fields`."""

    label: str
    url: str
    primary: bool = False
    method: str = "get"
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class JobView:
    """What the task page says about a job, in the viewer's language and the task's words:
    its title, a sentence on what it did (or is doing), its progress, and the next steps.
    Empty strings fall back to the job's stored title and the generic wording."""

    title: str = ""
    summary: str = ""
    progress: str = ""
    actions: tuple[JobAction, ...] = ()


# `present(job) -> JobView`, called when the task page is shown (any status)
JobPresenter = Callable[["Job"], JobView]


@dataclass(frozen=True)
class JobKind:
    function: JobFunction
    # Run again from the start when its worker is lost: only for jobs that write nothing half
    # (an export writes a new file; an import that commits in chunks must not say so).
    retry_when_lost: bool = False
    # exceptions whose text is written for the person waiting (translated, no internals): the
    # task page shows it; any other exception is logged and the page says "unexpected error"
    user_errors: tuple[type[Exception], ...] = ()
    # how the task page words this kind of job (`JobView`); None: the generic page
    present: JobPresenter | None = None


_KINDS: dict[str, JobKind] = {}


def job_kind(
    name: str,
    *,
    retry_when_lost: bool = False,
    user_errors: tuple[type[Exception], ...] = (),
    present: JobPresenter | None = None,
) -> Callable[[JobFunction], JobFunction]:
    """Register `function(job, reporter)` as the worker for jobs of kind `name`, and
    optionally `present(job)`, the task page's wording for them."""

    def register(function: JobFunction) -> JobFunction:
        if name in _KINDS and _KINDS[name].function is not function:
            raise ValueError(f"job kind {name!r} is registered twice")
        _KINDS[name] = JobKind(function, retry_when_lost, user_errors, present)
        return function

    return register


def job_kind_get(name: str) -> JobKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"no job kind {name!r} is registered") from None


def job_function(name: str) -> JobFunction:
    return job_kind_get(name).function
