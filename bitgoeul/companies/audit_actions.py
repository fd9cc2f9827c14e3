"""What this app's audit events say on the audit pages (registered from CompaniesConfig.ready).

Korean sentences put a fixed particle or noun after the names they insert (의, 기업을, 파일을),
so that no name needs a particle chosen by its last syllable.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from bitgoeul.audit.registry import (
    AuditField,
    audit_action,
    audit_fields,
    audit_object_type,
    pk_resolver,
)
from bitgoeul.companies.enums import (
    CertificationKind,
    InvestmentRound,
    NominationState,
    Stage,
    VentureType,
)
from bitgoeul.companies.models import (
    Company,
    CompanyImport,
    Nomination,
    ScoreRun,
    ScoreWeights,
    Technology,
    WatchlistEntry,
)
from bitgoeul.companies.presenters import SIGNAL_LABELS

GROUP = _("Companies")

for code, sentence in (
    ("company.create_profile", _("%(actor)s created the company profile of %(object)s.")),
    ("company.update", _("%(actor)s changed the company profile of %(object)s.")),
    ("company.metric_set", _("%(actor)s recorded the yearly figures of %(object)s.")),
    ("company.metric_delete", _("%(actor)s deleted yearly figures of %(object)s.")),
    (
        "company.metric_add",
        _("%(actor)s added programme outcomes to the yearly figures of %(object)s."),
    ),
    ("company.investment_add", _("%(actor)s added an investment of %(object)s.")),
    ("company.investment_delete", _("%(actor)s deleted an investment of %(object)s.")),
    ("company.certification_add", _("%(actor)s added a certification of %(object)s.")),
    ("company.certification_delete", _("%(actor)s deleted a certification of %(object)s.")),
    ("company.set_public", _("%(actor)s changed whether the profile of %(object)s is public.")),
    (
        "company.chapter_consent",
        _("%(actor)s changed whether %(object)s shares its record with its chapter."),
    ),
    ("company.reviewed", _("%(actor)s checked the imported record of %(object)s.")),
    ("company.import", _("%(actor)s imported companies from a file.")),
    ("company.import_discard", _("%(actor)s undid an unfinished import.")),
    ("company.prospect_merge", _("%(actor)s merged a prospect into %(object)s.")),
    ("company_import.upload", _("%(actor)s uploaded the file %(object)s to import.")),
    ("watchlist.add", _("%(actor)s added %(object)s to the watchlist.")),
    ("watchlist.note", _("%(actor)s changed the watchlist note on %(object)s.")),
    ("watchlist.remove", _("%(actor)s removed %(object)s from the watchlist.")),
    ("score.weights_create", _("%(actor)s made the score weights %(object)s.")),
    ("score.recompute", _("%(actor)s recomputed the potential scores.")),
    ("technology.save", _("%(actor)s saved the AI technology %(object)s.")),
    ("nomination.create", _("%(actor)s nominated %(object)s.")),
    ("nomination.set_state", _("%(actor)s decided on the nomination of %(object)s.")),
):
    audit_action(code, sentence, group=GROUP)


def _detail(company_id: int) -> str:
    return reverse("companies:detail", args=[company_id])


def _list_url(name: str) -> Any:
    # the audit reader is operator staff, who may open the staff pages of this app
    return lambda obj, viewer: reverse(name)


def _import_url(upload: CompanyImport, viewer: Any) -> str:
    # an import's page is its uploader's only (companies.access.company_import_for_owner)
    if upload.uploaded_by_id == getattr(viewer, "pk", None):
        return reverse("companies:import_detail", args=[upload.pk])
    return ""


audit_object_type(
    "companies.company",
    label=_("company"),
    resolve=pk_resolver(
        lambda: Company.objects.select_related("organization"),
        lambda c: c.organization.name,
        lambda c, viewer: _detail(c.pk),
    ),
)
audit_object_type(
    "companies.companyimport",
    label=_("imported file"),
    resolve=pk_resolver(
        lambda: CompanyImport.objects.all(), lambda i: i.original_name, _import_url
    ),
)
audit_object_type(
    "companies.watchlistentry",
    label=_("watchlist entry"),
    resolve=pk_resolver(
        lambda: WatchlistEntry.objects.select_related("company__organization"),
        lambda w: w.company.organization.name,
        lambda w, viewer: _detail(w.company_id),
    ),
)
audit_object_type(
    "companies.nomination",
    label=_("nomination"),
    resolve=pk_resolver(
        lambda: Nomination.objects.select_related("company__organization"),
        lambda n: n.company.organization.name,
        _list_url("companies:nominations"),
    ),
)
audit_object_type(
    "companies.scoreweights",
    label=_("score weights"),
    resolve=pk_resolver(
        lambda: ScoreWeights.objects.all(),
        lambda w: pgettext("audit object", "version %(version)s") % {"version": w.version},
        _list_url("companies:scoring"),
    ),
)
audit_object_type(
    "companies.scorerun",
    label=_("score computation"),
    resolve=pk_resolver(
        lambda: ScoreRun.objects.select_related("weights").only("weights__version"),
        lambda r: (
            pgettext("audit object", "computation with weights version %(version)s")
            % {"version": r.weights.version}
        ),
        _list_url("companies:scoring"),
    ),
)
audit_object_type(
    "companies.technology",
    label=_("AI technology"),
    resolve=pk_resolver(
        lambda: Technology.objects.all(), lambda t: t.name, _list_url("companies:technologies")
    ),
)

audit_fields(
    "",
    {
        "company": AuditField(_("company"), "organization"),
        "prospect": AuditField(_("prospect"), "organization"),
        "consent": AuditField(_("shared with the chapter"), "bool"),
        "since": AuditField(_("shared since"), "datetime"),
        "year": AuditField(_("year")),
        "date": AuditField(_("date"), "date"),
        "round": AuditField(_("round"), choices=dict(InvestmentRound.choices)),
        "amount": AuditField(_("amount"), "money"),
        "investors": AuditField(_("investors")),
        "venture_type": AuditField(_("venture type"), choices=dict(VentureType.choices)),
        "number": AuditField(_("certificate number")),
        "issued_on": AuditField(_("issued on"), "date"),
        "expires_on": AuditField(_("expires on"), "date"),
        "employees": AuditField(_("employees"), "count"),
        "revenue": AuditField(_("revenue"), "money"),
        "rnd_spend": AuditField(_("R&D spend"), "money"),
        "investment": AuditField(_("investment"), "money"),
        "source": AuditField(_("source")),
        "batch": AuditField(_("import batch")),
        "created": AuditField(_("created"), "count"),
        "updated": AuditField(_("updated"), "count"),
        "rejected": AuditField(_("rejected"), "count"),
        "flagged": AuditField(_("to check"), "count"),
        "prospects": AuditField(_("prospects"), "count"),
        "skip_invalid": AuditField(_("invalid rows skipped"), "bool"),
        "deleted": AuditField(_("deleted"), "count"),
        "restored": AuditField(_("restored"), "count"),
        "scores": AuditField(_("scores"), "count"),
        "technologies": AuditField(_("AI technologies")),
        "evidence": AuditField(_("evidence")),
        "programme": AuditField(_("programme")),
        "state": AuditField(_("state"), choices=dict(NominationState.choices)),
        "version": AuditField(_("version")),
        "weights": AuditField(_("weights")),
        "jump": AuditField(_("jump that notifies watchers")),
        "companies": AuditField(_("companies"), "count"),
        "notices": AuditField(_("notices"), "count"),
        "rows": AuditField(_("rows"), "count"),
        "size": AuditField(_("size (bytes)"), "count"),
        "code": AuditField(_("code")),
        "position": AuditField(_("position")),
        "is_active": AuditField(_("in use"), "bool"),
        "is_public": AuditField(_("public profile"), "bool"),
        "stage": AuditField(_("stage"), choices=dict(Stage.choices)),
    },
)
audit_fields(
    "companies.scoreweights",
    {"weights": AuditField(_("weights"), choices=SIGNAL_LABELS)},
)
audit_fields("companies.scorerun", {"weights": AuditField(_("weights version"))})
audit_fields(
    "companies.company",
    {
        "kind": AuditField(_("kind"), choices=dict(CertificationKind.choices)),
        "founded_on": AuditField(_("founding date"), "date"),
        "listed_on": AuditField(_("listing date"), "date"),
    },
)
