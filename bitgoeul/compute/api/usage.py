"""The compute API: usage ingestion (docs/compute.md, "Usage ingestion API" and "Usage ledger").

Both endpoints accept only a machine's usage token (`UsageTokenAuth`): a person's read or write
token and a browser session are refused with 401, as every other endpoint refuses the usage
token.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict, field_validator

from bitgoeul.accounts.api_auth import UsageTokenAuth
from bitgoeul.compute.sacct import SacctFormatError, parse_sacct
from bitgoeul.compute.services.usage import UsageIn, usage_ingest, usage_ingest_report

router = Router(tags=["compute"])

MAX_ENTRIES = 50_000
MAX_SACCT_BYTES = 64 * 1024 * 1024  # read from the stream: Django's 2.5 MB form limit is for forms


class UsageEntryIn(Schema):
    model_config = ConfigDict(extra="forbid")

    job: Annotated[str, Field(min_length=1, max_length=128)]
    account: Annotated[str, Field(min_length=1, max_length=64)]
    user: Annotated[str, Field(max_length=64)] = ""
    model: Annotated[str, Field(min_length=1, max_length=30, pattern=r"^[a-z0-9_.-]+$")]
    started_at: dt.datetime
    ended_at: dt.datetime | None = None
    state: Annotated[str, Field(max_length=40)] = ""
    gpu_seconds: Annotated[float, Field(ge=0, allow_inf_nan=False)]
    sm_gpu_seconds: Annotated[float | None, Field(ge=0, allow_inf_nan=False)] = None
    energy_wh: Annotated[float | None, Field(ge=0, allow_inf_nan=False)] = None

    @field_validator("started_at", "ended_at")
    @classmethod
    def _aware(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give the time with its UTC offset (ISO 8601)")
        return value


class UsageBodyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    source: Literal["sacct", "kueue", "agent"]
    cluster: Annotated[str, Field(min_length=1, max_length=64)]
    entries: Annotated[list[UsageEntryIn], Field(max_length=MAX_ENTRIES)]


class SkippedEntryOut(Schema):
    index: int
    reason: str


class UsageAnswerOut(Schema):
    new: int
    corrections: int
    duplicates: int
    skipped: list[SkippedEntryOut]


class SkippedLineOut(Schema):
    line: int
    reason: str


class AccountOut(Schema):
    jobs: int
    gpu_seconds: dict[str, int | float]
    grant: int | None
    matched: bool


class SacctSummaryOut(Schema):
    source: str
    rows: int
    allocations: int
    new: int
    duplicates: int
    skipped: list[SkippedLineOut]
    accounts: dict[str, AccountOut]


@router.post(
    "/compute/usage",
    auth=UsageTokenAuth(),
    response={200: UsageAnswerOut},
    summary="Add GPU usage to the ledger (usage tokens only)",
)
def usage_post(request: HttpRequest, payload: UsageBodyIn) -> dict[str, Any]:
    """Each entry carries its job's cumulative totals; the key is (source, cluster, job,
    model): the same totals again add nothing, larger ones add a correction, smaller ones are
    refused for that entry and listed in `skipped` by their index in `entries`."""
    entries = [
        UsageIn(
            job=e.job,
            account=e.account,
            model=e.model,
            started_at=e.started_at,
            gpu_seconds=e.gpu_seconds,
            user=e.user,
            ended_at=e.ended_at,
            state=e.state,
            sm_gpu_seconds=e.sm_gpu_seconds,
            energy_wh=e.energy_wh,
        )
        for e in payload.entries
    ]
    result = usage_ingest(
        source=payload.source, cluster=payload.cluster, entries=entries, actor=request.user
    )
    return result.api_answer()


@router.post(
    "/compute/usage/sacct",
    auth=UsageTokenAuth(),
    response={200: SacctSummaryOut},
    summary="Add what sacct --parsable2 (or --json) printed (usage tokens only)",
    openapi_extra={
        "requestBody": {"content": {"text/plain": {"schema": {"type": "string"}}}, "required": True}
    },
)
def usage_sacct_post(
    request: HttpRequest,
    cluster: Annotated[str, Field(min_length=1, max_length=64)],
    columns: str = "",
) -> dict[str, Any]:
    """The body is sacct's output as text; `columns` is its `--format` list (comma-separated)
    when the text has no header line. The answer is the ingestion summary of contracts.md."""
    body = request.read(MAX_SACCT_BYTES + 1)
    if len(body) > MAX_SACCT_BYTES:
        raise HttpError(422, f"body: larger than {MAX_SACCT_BYTES // 1024 // 1024} MB; split it")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise HttpError(422, "body: not UTF-8 text") from None
    if not text.strip():
        raise HttpError(422, "body: empty; send what sacct --parsable2 printed")
    names = [c for c in columns.split(",") if c.strip()] or None
    try:
        report = parse_sacct(text, columns=names)
    except SacctFormatError as exc:
        raise HttpError(422, f"body: {exc}") from None
    return usage_ingest_report(report=report, cluster=cluster, actor=request.user)
