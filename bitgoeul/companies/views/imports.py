"""The import wizard: upload → check the column mapping → dry run → import (or not)."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bitgoeul.accounts.types import AuthenticatedHttpRequest
from bitgoeul.companies import access
from bitgoeul.companies.enums import ImportState
from bitgoeul.companies.forms import ImportRunForm, MappingForm, UploadForm
from bitgoeul.companies.importing.fields import BY_CODE
from bitgoeul.companies.importing.readers import FileError
from bitgoeul.companies.models import CompanyImport
from bitgoeul.companies.services.importing import company_import_upload
from bitgoeul.jobs.services import job_start


@login_required
def import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require_operator_staff(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            stored = company_import_upload(user=request.user, name=upload.name, data=upload.read())
        except FileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("companies:import_detail", import_id=stored.pk)
    recent = CompanyImport.objects.filter(uploaded_by_id=request.user.pk)[:10]
    return render(request, "companies/import_upload.html", {"form": form, "recent": recent})


@login_required
def import_detail(request: AuthenticatedHttpRequest, import_id: uuid.UUID) -> HttpResponse:
    """Step 2 and 3: the mapping (editable until imported), a preview, the dry-run report."""
    upload = access.company_import_for_owner(request.user, import_id)
    form = MappingForm(
        request.POST or None, headers=upload.headers, mapping=upload.mapping, prefix="map"
    )
    if request.method == "POST" and upload.state != ImportState.IMPORTED and form.is_valid():
        upload.mapping = form.mapping()
        upload.state, upload.report = ImportState.UPLOADED, {}
        upload.save(update_fields=["mapping", "state", "report"])
        job = job_start(
            owner=request.user,
            kind="companies.import",
            title=_("Dry run of %(name)s") % {"name": upload.original_name},
            params={"import": str(upload.pk), "dry_run": True},
        )
        return redirect("jobs:detail", job_id=job.pk)
    preview, row_count = upload.preview, upload.row_count  # read once, at upload
    report = upload.report or {}
    rows = report.get("rows", [])
    context = {
        "upload": upload,
        "form": form,
        "columns": [
            (form[f"col{i}"], [row[i] for row in preview if i < len(row) and row[i]])
            for i in range(len(upload.headers))
        ],
        "row_count": row_count,
        "report": report,
        "report_rows": rows[:500],
        "fields": BY_CODE,
        "run_form": ImportRunForm(),
    }
    return render(request, "companies/import_detail.html", context)


@login_required
@require_POST
def import_run(request: AuthenticatedHttpRequest, import_id: uuid.UUID) -> HttpResponse:
    """Step 4: the real import, after a dry run of the current mapping."""
    upload = access.company_import_for_owner(request.user, import_id)
    if upload.state != ImportState.CHECKED:
        messages.error(request, _("Run the check (dry run) of this mapping first."))
        return redirect("companies:import_detail", import_id=upload.pk)
    form = ImportRunForm(request.POST)
    skip = form.is_valid() and bool(form.cleaned_data.get("skip_invalid"))
    job = job_start(
        owner=request.user,
        kind="companies.import",
        title=_("Import of %(name)s") % {"name": upload.original_name},
        params={"import": str(upload.pk), "dry_run": False, "skip_invalid": skip},
    )
    return redirect("jobs:detail", job_id=job.pk)


@login_required
def import_rejected(request: AuthenticatedHttpRequest, import_id: uuid.UUID) -> FileResponse:
    upload = access.company_import_for_owner(request.user, import_id)
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / upload.rejected_file).resolve()
    if not upload.rejected_file or root not in path.parents or not path.is_file():
        raise Http404
    name = f"{Path(upload.original_name).stem}-rejected.csv"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)
