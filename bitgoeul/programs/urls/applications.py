"""URLs of the programs app: applications."""

from django.urls import URLPattern, URLResolver, path

from bitgoeul.programs.views import applications as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("calls/<int:call_id>/apply/", views.application_start, name="application_start"),
    path("calls/<int:call_id>/applications/", views.call_applications, name="call_applications"),
    path(
        "calls/<int:call_id>/applications/export/",
        views.call_applications_export,
        name="call_applications_export",
    ),
    path("applications/mine/", views.my_applications, name="my_applications"),
    path("applications/<int:application_id>/", views.application_detail, name="application_detail"),
    path(
        "applications/<int:application_id>/edit/", views.application_edit, name="application_edit"
    ),
    path(
        "applications/<int:application_id>/submit/",
        views.application_submit,
        name="application_submit",
    ),
    path(
        "applications/<int:application_id>/withdraw/",
        views.application_withdraw,
        name="application_withdraw",
    ),
    path(
        "applications/<int:application_id>/changes/",
        views.application_changes,
        name="application_request_changes",
    ),
    path(
        "applications/<int:application_id>/diff/", views.application_diff, name="application_diff"
    ),
    path(
        "applications/<int:application_id>/files/<slug:field_key>/upload/",
        views.application_file_upload,
        name="application_file_upload",
    ),
    path(
        "applications/<int:application_id>/files/<int:file_id>/",
        views.application_file,
        name="application_file",
    ),
    path(
        "applications/<int:application_id>/files/<int:file_id>/delete/",
        views.application_file_delete,
        name="application_file_delete",
    ),
]
