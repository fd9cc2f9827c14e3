from django.urls import path

from bitgoeul.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("status/", views.status, name="status"),
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
]
