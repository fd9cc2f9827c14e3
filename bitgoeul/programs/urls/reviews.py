"""URLs of the programs app: reviews, scores and selection (the scoring area)."""

from django.urls import URLPattern, URLResolver, path

from bitgoeul.programs.views import scoring

urlpatterns: list[URLPattern | URLResolver] = [
    path("programs/reviews/", scoring.my_reviews, name="my_reviews"),
    path("programs/reviews/<int:assignment_id>/", scoring.review_score, name="review_score"),
    path(
        "programs/reviews/<int:assignment_id>/files/<int:file_id>/",
        scoring.review_file,
        name="review_file",
    ),
    path(
        "programs/reviews/staff/<int:review_id>/reopen/",
        scoring.review_reopen_view,
        name="review_reopen",
    ),
    path("programs/calls/<int:call_id>/scores/", scoring.score_table_page, name="score_table"),
    path(
        "programs/calls/<int:call_id>/scores.xlsx",
        scoring.score_table_export,
        name="score_table_export",
    ),
    path("programs/calls/<int:call_id>/selection/", scoring.selection, name="selection"),
    path("programs/selection/<int:run_id>/", scoring.selection_run, name="selection_run"),
    path(
        "programs/selection/<int:run_id>/rerun/",
        scoring.selection_rerun_view,
        name="selection_rerun",
    ),
    path(
        "programs/selection/<int:run_id>/approve/",
        scoring.selection_approve_view,
        name="selection_approve",
    ),
    path(
        "programs/applications/<int:application_id>/result/",
        scoring.application_result,
        name="application_result",
    ),
]
