"""URLs of the compute app: schedulers (exports for staff, a member's cluster login)."""

from django.urls import URLPattern, URLResolver, path

from bitgoeul.compute.views import schedulers as views

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "compute/export/<slug:kind>",
        views.scheduler_export,
        name="scheduler_export",
    ),
    path(
        "compute/rounds/<int:round_id>/export/<slug:kind>",
        views.round_scheduler_export,
        name="round_scheduler_export",
    ),
    path("compute/cluster-login", views.cluster_login_update, name="cluster_login_update"),
]
