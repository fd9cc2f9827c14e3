"""URLs of the compute app: grants, their burn-down and reclaims, and statements (burn area)."""

from django.urls import URLPattern, URLResolver, path

from bitgoeul.compute.views import grants as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("compute/grants/", views.grant_list, name="grant_list"),
    path("compute/grants/<int:grant_id>/", views.grant_detail, name="grant_detail"),
    path("compute/grant-parts/<int:part_id>/reclaim/", views.grant_reclaim, name="grant_reclaim"),
    path("compute/statements/", views.statement, name="statement"),
    path("compute/statements/statement.xlsx", views.statement_xlsx, name="statement_xlsx"),
    path("compute/statements/all/", views.statement_totals, name="statement_totals"),
]
