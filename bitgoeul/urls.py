from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from bitgoeul.api import api

urlpatterns = [
    path("", include("bitgoeul.web.urls")),
    path("", include("bitgoeul.accounts.urls")),
    path("", include("bitgoeul.audit.urls")),
    path("", include("bitgoeul.jobs.urls")),
    path("", include("bitgoeul.notifications.urls")),
    path("", include("bitgoeul.companies.urls")),
    path("", include("bitgoeul.programs.urls")),
    path("", include("bitgoeul.equipment.urls")),
    path("", include("bitgoeul.demonstrations.urls")),
    path("", include("bitgoeul.promotion.urls")),
    path("", include("bitgoeul.matchmaking.urls")),
    path("", include("bitgoeul.compute.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False), name="api_docs"),
    path("favicon.ico", RedirectView.as_view(url="/static/favicon.svg"), name="favicon"),
]

# Errors raised before the language is chosen still answer in the visitor's language.
handler400 = "bitgoeul.web.errors.bad_request"
handler500 = "bitgoeul.web.errors.server_error"
