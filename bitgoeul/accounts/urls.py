from django.urls import path

from bitgoeul.accounts import views

app_name = "accounts"
urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("account/", views.account, name="account"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("account/consents/<str:document>/", views.consent_update, name="consent_update"),
    path("account/personal-data.json", views.personal_data, name="personal_data"),
    path("account/delete/", views.delete_account, name="delete_account"),
    path("account/sessions/", views.user_sessions, name="sessions"),
    path(
        "account/sessions/end-others/",
        views.user_sessions_end_others,
        name="sessions_end_others",
    ),
    path("account/sessions/<int:session_id>/end/", views.user_session_end, name="session_end"),
    path("account/tokens/", views.api_tokens, name="api_tokens"),
    path("account/tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("orgs/switch/", views.organization_switch, name="organization_switch"),
    path("orgs/<int:org_id>/", views.organization, name="organization"),
    path(
        "orgs/<int:org_id>/members/<int:membership_id>/role/",
        views.membership_role,
        name="membership_role",
    ),
    path(
        "orgs/<int:org_id>/members/<int:membership_id>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path(
        "orgs/<int:org_id>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "orgs/<int:org_id>/invitations/<int:invitation_id>/approve/",
        views.invitation_approve,
        name="invitation_approve",
    ),
    path(
        "orgs/<int:org_id>/invitations/<int:invitation_id>/decline/",
        views.invitation_decline,
        name="invitation_decline",
    ),
]
