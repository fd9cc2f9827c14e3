from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "bitgoeul.accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from bitgoeul.accounts.middleware import session_record_login

        # Every way in (login form, sign-up, a test's force_login) records the new session.
        user_logged_in.connect(session_record_login, dispatch_uid="bitgoeul.session_login")
        from bitgoeul.accounts import audit_actions  # noqa: F401  (the audit sentences)
