"""URLs of the demonstrations app: the public showcase, projects, sites."""

from django.urls import URLPattern, URLResolver, path

from bitgoeul.demonstrations.views import projects, showcase, sites

app_name = "demonstrations"

urlpatterns: list[URLPattern | URLResolver] = [
    path("showcase/", showcase.showcase, name="showcase"),
    path("showcase/<int:project_id>/", showcase.showcase_detail, name="showcase_detail"),
    path("showcase/photos/<int:photo_id>/", showcase.photo, name="photo"),
    path("demonstrations/", projects.project_list, name="list"),
    path("demonstrations/new/", projects.project_new, name="create"),
    path("demonstrations/sites/", sites.site_list, name="sites"),
    path("demonstrations/<int:project_id>/", projects.project_detail, name="detail"),
    path("demonstrations/<int:project_id>/edit/", projects.project_edit, name="edit"),
    path("demonstrations/<int:project_id>/kpis/", projects.kpi_create, name="kpi_create"),
    path("demonstrations/kpis/<int:kpi_id>/delete/", projects.kpi_delete, name="kpi_delete"),
    path("demonstrations/<int:project_id>/permits/", projects.permit_save, name="permit_save"),
    path("demonstrations/<int:project_id>/submit/", projects.project_submit, name="submit"),
    path("demonstrations/<int:project_id>/decide/", projects.project_decide, name="decide"),
    path(
        "demonstrations/<int:project_id>/measurements/",
        projects.measurement_create,
        name="measurement_create",
    ),
    path(
        "demonstrations/<int:project_id>/measurements/upload/",
        projects.measurement_upload,
        name="measurement_upload",
    ),
    path(
        "demonstrations/<int:project_id>/measurements/template.xlsx",
        projects.measurement_template,
        name="measurement_template",
    ),
    path("demonstrations/<int:project_id>/report/", projects.project_report, name="report"),
    path("demonstrations/<int:project_id>/report/file/", projects.report_file, name="report_file"),
    path("demonstrations/<int:project_id>/review/", projects.project_review, name="review"),
    path("demonstrations/<int:project_id>/publish/", projects.project_publish, name="publish"),
    path("demonstrations/<int:project_id>/photos/", projects.photo_create, name="photo_create"),
    path(
        "demonstrations/photos/<int:photo_id>/delete/", projects.photo_delete, name="photo_delete"
    ),
]
