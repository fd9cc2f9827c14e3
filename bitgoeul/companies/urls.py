from django.urls import path
from django.views.generic import RedirectView

from bitgoeul.companies.views import directory, following, imports, profile, scoring

app_name = "companies"
urlpatterns = [
    path("companies/", directory.company_list, name="list"),
    path("companies/export/", directory.company_export, name="export"),
    path("companies/import/", imports.import_upload, name="import_upload"),
    path("companies/import/<uuid:import_id>/", imports.import_detail, name="import_detail"),
    path("companies/import/<uuid:import_id>/run/", imports.import_run, name="import_run"),
    path(
        "companies/import/<uuid:import_id>/rejected.csv",
        imports.import_rejected,
        name="import_rejected",
    ),
    path("companies/scoring/", scoring.scoring, name="scoring"),
    path("companies/scoring/recompute/", scoring.rescore, name="rescore"),
    path("companies/technologies/", scoring.technologies, name="technologies"),
    path(
        "companies/technologies/<int:technology_id>/",
        scoring.technology_edit,
        name="technology_edit",
    ),
    path(
        "companies/technologies/<int:technology_id>/row/",
        scoring.technology_row,
        name="technology_row",
    ),
    path("companies/nominations/", following.nominations, name="nominations"),
    path(
        "companies/nominations/<int:nomination_id>/decide/",
        following.nomination_decide,
        name="nomination_decide",
    ),
    path(
        "companies/nominations/<int:nomination_id>/withdraw/",
        following.nomination_withdraw,
        name="nomination_withdraw",
    ),
    path("companies/watchlist/", following.watchlist, name="watchlist"),
    # Notifications moved to bitgoeul.notifications; old links and bookmarks still land there.
    path(
        "companies/notifications/",
        RedirectView.as_view(pattern_name="notifications:list", permanent=True),
        name="notifications",
    ),
    path("companies/<int:org_id>/", profile.company_detail, name="detail"),
    path("companies/<int:org_id>/edit/", profile.company_edit, name="edit"),
    path("companies/<int:org_id>/metrics/", profile.metric_set, name="metric_set"),
    path(
        "companies/<int:org_id>/metrics/<int:metric_id>/delete/",
        profile.metric_delete,
        name="metric_delete",
    ),
    path("companies/<int:org_id>/investments/", profile.investment_add, name="investment_add"),
    path(
        "companies/<int:org_id>/investments/<int:investment_id>/delete/",
        profile.investment_delete,
        name="investment_delete",
    ),
    path(
        "companies/<int:org_id>/certifications/",
        profile.certification_add,
        name="certification_add",
    ),
    path(
        "companies/<int:org_id>/certifications/<int:certification_id>/delete/",
        profile.certification_delete,
        name="certification_delete",
    ),
    path("companies/<int:org_id>/sharing/", profile.company_sharing, name="sharing"),
    path("companies/<int:org_id>/reviewed/", profile.company_reviewed, name="reviewed"),
    path("companies/<int:org_id>/nominate/", profile.company_nominate, name="nominate"),
    path("companies/<int:org_id>/watch/", following.watch, name="watch"),
    path("companies/<int:org_id>/unwatch/", following.unwatch, name="unwatch"),
]
