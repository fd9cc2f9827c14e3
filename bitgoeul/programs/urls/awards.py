"""URLs of the programs app: awards (agreements, milestones, reports, 검수)."""

from django.urls import URLPattern, URLResolver, path

from bitgoeul.programs.views import awards as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("awards/", views.my_awards, name="my_awards"),
    path("awards/manage/", views.manage, name="awards_manage"),
    path("awards/<int:award_id>/", views.award_detail, name="award_detail"),
    path("awards/<int:award_id>/agreement/", views.agreement_record, name="award_agreement"),
    path("awards/<int:award_id>/milestones/", views.milestone_add, name="milestone_create"),
    path("awards/milestones/<int:milestone_id>/", views.milestone_edit, name="milestone_update"),
    path(
        "awards/milestones/<int:milestone_id>/delete/",
        views.milestone_remove,
        name="milestone_delete",
    ),
    path(
        "awards/milestones/<int:milestone_id>/report/",
        views.report_submit,
        name="milestone_report_submit",
    ),
    path("awards/reports/<int:report_id>/file/", views.report_file, name="report_file"),
    path("awards/reports/<int:report_id>/review/", views.report_review, name="report_review"),
    path("awards/calls/<int:call_id>/", views.call_award_list, name="call_awards"),
    path("awards/calls/<int:call_id>/review/", views.review_queue, name="review_queue"),
]
