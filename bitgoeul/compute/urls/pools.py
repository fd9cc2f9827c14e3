"""URLs of the compute app: pools (capacity, maintenance, tariffs and discounts)."""

from django.urls import URLPattern, URLResolver, path

from bitgoeul.compute.views import pools as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("compute/pools/", views.pool_list, name="pool_list"),
    path("compute/pools/new/", views.pool_create, name="pool_create"),
    path("compute/pools/overcommit/", views.overcommit, name="overcommit"),
    path("compute/pools/<int:pool_id>/", views.pool_detail, name="pool_detail"),
    path("compute/pools/<int:pool_id>/edit/", views.pool_edit, name="pool_edit"),
    path(
        "compute/pools/<int:pool_id>/maintenance/",
        views.maintenance_add,
        name="maintenance_add",
    ),
    path("compute/maintenance/<int:window_id>/", views.maintenance_edit, name="maintenance_edit"),
    path(
        "compute/maintenance/<int:window_id>/delete/",
        views.maintenance_delete,
        name="maintenance_delete",
    ),
    path("compute/discounts/", views.discount_list, name="discount_list"),
    path("compute/discounts/new/", views.discount_edit, name="discount_create"),
    path("compute/discounts/<int:discount_id>/", views.discount_edit, name="discount_edit"),
    path(
        "compute/discounts/<int:discount_id>/deactivate/",
        views.discount_deactivate,
        name="discount_deactivate",
    ),
]
