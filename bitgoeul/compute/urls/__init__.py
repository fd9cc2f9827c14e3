"""URLs of the compute app, one module per area (each owns its own list)."""

from django.urls import URLPattern, URLResolver

from bitgoeul.compute.urls import grants, pools, rounds, schedulers, usage

app_name = "compute"

urlpatterns: list[URLPattern | URLResolver] = [
    *pools.urlpatterns,
    *rounds.urlpatterns,
    *usage.urlpatterns,
    *schedulers.urlpatterns,
    *grants.urlpatterns,
]
