"""URLs of the matchmaking app."""

from django.urls import URLPattern, URLResolver, path

from bitgoeul.matchmaking.views import needs, pipeline, suppliers

app_name = "matchmaking"

urlpatterns: list[URLPattern | URLResolver] = [
    path("matchmaking/", needs.need_list, name="need_list"),
    path("matchmaking/needs/new/", needs.need_create, name="need_create"),
    path("matchmaking/needs/<int:need_id>/", needs.need_detail, name="need_detail"),
    path("matchmaking/needs/<int:need_id>/edit/", needs.need_edit, name="need_edit"),
    path("matchmaking/needs/<int:need_id>/state/", needs.need_state, name="need_state"),
    path("matchmaking/needs/<int:need_id>/invite/", needs.invite, name="invite"),
    path(
        "matchmaking/invitations/<int:invitation_id>/answer/",
        needs.invitation_answer,
        name="invitation_answer",
    ),
    path(
        "matchmaking/invitations/<int:invitation_id>/withdraw/",
        needs.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path(
        "matchmaking/invitations/<int:invitation_id>/meetings/",
        needs.meeting_create,
        name="meeting_create",
    ),
    path(
        "matchmaking/invitations/<int:invitation_id>/outcome/",
        needs.outcome_create,
        name="outcome_create",
    ),
    path(
        "matchmaking/meetings/<int:meeting_id>/cancel/", needs.meeting_cancel, name="meeting_cancel"
    ),
    path("matchmaking/profile/", suppliers.supplier_profile, name="supplier_profile"),
    path("matchmaking/pipeline/", pipeline.pipeline, name="pipeline"),
]
