"""URLs of the compute app: usage (staff's ledger, unmatched accounts, export)."""

from django.urls import URLPattern, URLResolver, path

from bitgoeul.compute.views import usage

urlpatterns: list[URLPattern | URLResolver] = [
    path("compute/usage/", usage.usage_ledger, name="usage_ledger"),
    path("compute/usage/assign/", usage.usage_assign, name="usage_assign"),
    path("compute/usage/export.<str:fmt>", usage.usage_export, name="usage_export"),
]
