"""URLs of the programs app: reviewers, conflicts and assignment (the review area)."""

from django.urls import URLPattern, URLResolver, path

from bitgoeul.programs.views import assignment, reviewers

urlpatterns: list[URLPattern | URLResolver] = [
    path("programs/reviewers/", reviewers.pool, name="reviewer_pool"),
    path("programs/reviewers/<int:reviewer_id>/", reviewers.reviewer_edit, name="reviewer_edit"),
    path(
        "programs/reviewers/<int:reviewer_id>/ties/",
        reviewers.tie_add,
        name="reviewer_tie_add",
    ),
    path(
        "programs/reviewers/<int:reviewer_id>/ties/<int:tie_id>/delete/",
        reviewers.tie_delete,
        name="reviewer_tie_delete",
    ),
    path(
        "programs/calls/<int:call_id>/conflicts/",
        reviewers.call_conflicts_page,
        name="call_conflicts",
    ),
    path("programs/review/conflicts/", reviewers.declarations, name="review_declarations"),
    path(
        "programs/review/assignments/<int:assignment_id>/declare/",
        reviewers.declare,
        name="review_declare",
    ),
    path(
        "programs/stages/<int:stage_id>/assignment/",
        assignment.stage_assignment,
        name="stage_assignment",
    ),
    path("programs/assignment-runs/<int:run_id>/", assignment.board, name="assignment_board"),
    path(
        "programs/assignment-runs/<int:run_id>/edit/",
        assignment.board_edit,
        name="assignment_edit",
    ),
    path(
        "programs/assignment-runs/<int:run_id>/deploy/",
        assignment.deploy,
        name="assignment_deploy",
    ),
]
