"""URLs of the compute app: rounds, runs, requests and the compute home."""

from django.urls import URLPattern, URLResolver, path

from bitgoeul.compute.views import rounds

urlpatterns: list[URLPattern | URLResolver] = [
    path("compute/", rounds.home, name="home"),
    path("compute/rounds/", rounds.round_list, name="rounds"),
    path("compute/rounds/new/", rounds.round_new, name="round_new"),
    path("compute/rounds/<int:round_id>/", rounds.round_detail, name="round"),
    path("compute/rounds/<int:round_id>/edit/", rounds.round_edit, name="round_edit"),
    path("compute/rounds/<int:round_id>/state/", rounds.round_state, name="round_state"),
    path("compute/rounds/<int:round_id>/runs/", rounds.run_start, name="run_start"),
    path("compute/runs/<int:run_id>/", rounds.run_detail, name="run"),
    path("compute/runs/<int:run_id>/compare/", rounds.run_compare, name="run_compare"),
    path("compute/runs/<int:run_id>/approve/", rounds.run_approve, name="run_approve"),
    path("compute/requests/new/", rounds.request_new, name="request_new"),
    path("compute/requests/<int:request_id>/", rounds.request_detail, name="request"),
    path("compute/requests/<int:request_id>/edit/", rounds.request_edit, name="request_edit"),
    path("compute/requests/<int:request_id>/submit/", rounds.request_submit, name="request_submit"),
    path(
        "compute/requests/<int:request_id>/withdraw/",
        rounds.request_withdraw,
        name="request_withdraw",
    ),
    path(
        "compute/requests/<int:request_id>/priority/",
        rounds.request_priority,
        name="request_priority",
    ),
]
