"""URLs of the programs app: calls (notice board, feed, call builder)."""

from django.urls import URLPattern, URLResolver, path

from bitgoeul.programs.views import call_builder as builder
from bitgoeul.programs.views import calls

urlpatterns: list[URLPattern | URLResolver] = [
    # public
    path("calls/", calls.call_list, name="call_list"),
    path("calls/<int:call_id>/", calls.call_detail, name="call_detail"),
    path(
        "calls/<int:call_id>/attachments/<int:attachment_id>/",
        calls.call_attachment,
        name="call_attachment",
    ),
    path("feeds/calls.atom", calls.CallFeed(), name="call_feed"),
    # staff: the call builder
    path("calls/manage/", builder.call_staff_list, name="call_staff_list"),
    path("calls/new/", builder.call_create, name="call_create"),
    path("calls/<int:call_id>/manage/", builder.call_manage, name="call_manage"),
    path("calls/<int:call_id>/edit/", builder.call_edit, name="call_edit"),
    path("calls/<int:call_id>/state/", builder.call_state, name="call_state"),
    path(
        "calls/<int:call_id>/attachments/add/",
        builder.call_attachment_add,
        name="call_attachment_add",
    ),
    path(
        "calls/<int:call_id>/attachments/<int:attachment_id>/remove/",
        builder.call_attachment_remove,
        name="call_attachment_remove",
    ),
    path("calls/<int:call_id>/stages/add/", builder.stage_add, name="call_stage_add"),
    path("calls/<int:call_id>/stages/<int:stage_id>/", builder.stage_edit, name="call_stage_edit"),
    path(
        "calls/<int:call_id>/stages/<int:stage_id>/delete/",
        builder.stage_delete,
        name="call_stage_delete",
    ),
    path(
        "calls/<int:call_id>/stages/<int:stage_id>/move/",
        builder.stage_move,
        name="call_stage_move",
    ),
    path(
        "calls/<int:call_id>/stages/<int:stage_id>/criteria/add/",
        builder.criterion_add,
        name="call_criterion_add",
    ),
    path(
        "calls/<int:call_id>/criteria/<int:criterion_id>/",
        builder.criterion_edit,
        name="call_criterion_edit",
    ),
    path(
        "calls/<int:call_id>/criteria/<int:criterion_id>/delete/",
        builder.criterion_delete,
        name="call_criterion_delete",
    ),
    path(
        "calls/<int:call_id>/criteria/<int:criterion_id>/move/",
        builder.criterion_move,
        name="call_criterion_move",
    ),
    path("calls/<int:call_id>/rules/add/", builder.rule_add, name="call_rule_add"),
    path("calls/<int:call_id>/rules/<int:rule_id>/", builder.rule_edit, name="call_rule_edit"),
    path(
        "calls/<int:call_id>/rules/<int:rule_id>/delete/",
        builder.rule_delete,
        name="call_rule_delete",
    ),
    path("calls/<int:call_id>/fields/add/", builder.field_add, name="call_field_add"),
    path("calls/<int:call_id>/fields/<int:field_id>/", builder.field_edit, name="call_field_edit"),
    path(
        "calls/<int:call_id>/fields/<int:field_id>/delete/",
        builder.field_delete,
        name="call_field_delete",
    ),
    path(
        "calls/<int:call_id>/fields/<int:field_id>/move/",
        builder.field_move,
        name="call_field_move",
    ),
]
